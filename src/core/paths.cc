#include "core/paths.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <vector>

namespace haven {
namespace fs = std::filesystem;

std::string FindDataDir() {
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("HAVEN_DATA_DIR"); env != nullptr && *env != '\0') {
    candidates.emplace_back(env);
  }
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path dir = exe.parent_path();
    for (int up = 0; up < 4 && !dir.empty(); ++up) {
      candidates.push_back(dir / "data");
      dir = dir.parent_path();
    }
  }
  candidates.emplace_back("/usr/share/haven/data");
  for (const auto& c : candidates) {
    if (fs::is_directory(c / "lexicons", ec)) return c.string();
  }
  return {};
}

}  // namespace haven
