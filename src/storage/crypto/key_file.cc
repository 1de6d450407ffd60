#include "storage/crypto/key_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace haven::storage::crypto {
namespace {

namespace fs = std::filesystem;

constexpr char kMagic[] = "haven-kek-v1";
constexpr size_t kMaxFile = 256;

fs::path Normal(const fs::path& p) {
  std::error_code ec;
  fs::path n = fs::weakly_canonical(fs::absolute(p, ec), ec);
  if (ec) n = fs::absolute(p).lexically_normal();
  if (!n.has_filename() && n.has_parent_path()) n = n.parent_path();
  return n;
}

bool Inside(const fs::path& file, const fs::path& dir) {
  fs::path f = Normal(file), d = Normal(dir);
  auto [di, fi] = std::mismatch(d.begin(), d.end(), f.begin(), f.end());
  return di == d.end();
}

Status CheckPlace(const std::string& path, const std::string& data_dir) {
  if (path.empty()) return FailedPrecondition("no key file given (--key-file or HAVEN_KEY_FILE)");
  if (!data_dir.empty() && Inside(path, data_dir)) {
    return FailedPrecondition("key file " + path +
                              " lies inside the data directory; keep it elsewhere so that a copy "
                              "of the data never carries its key");
  }
  return Status::Ok();
}

StatusOr<Kek> Parse(const std::string& path, std::string& text) {
  // "haven-kek-v1 <version> <hex>\n"
  Status bad = FailedPrecondition("key file " + path + " is malformed");
  size_t sp1 = text.find(' ');
  size_t sp2 = sp1 == std::string::npos ? sp1 : text.find(' ', sp1 + 1);
  if (sp2 == std::string::npos || text.compare(0, sp1, kMagic) != 0) return bad;
  std::string version_text = text.substr(sp1 + 1, sp2 - sp1 - 1);
  if (version_text.empty() || version_text.size() > 9 ||
      !std::all_of(version_text.begin(), version_text.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return bad;
  }
  uint32_t version = static_cast<uint32_t>(std::stoul(version_text));
  size_t end = text.find_first_of("\r\n", sp2 + 1);
  size_t hex_len = (end == std::string::npos ? text.size() : end) - sp2 - 1;
  std::array<unsigned char, SecretKey::kSize> raw;
  size_t bin_len = 0;
  if (version == 0 || hex_len != 2 * SecretKey::kSize ||
      sodium_hex2bin(raw.data(), raw.size(), text.data() + sp2 + 1, hex_len, nullptr, &bin_len,
                     nullptr) != 0 ||
      bin_len != raw.size()) {
    sodium_memzero(raw.data(), raw.size());
    return bad;
  }
  auto key =
      SecretKey::FromBytes(std::string_view(reinterpret_cast<char*>(raw.data()), raw.size()));
  sodium_memzero(raw.data(), raw.size());
  if (!key.ok()) return key.status();
  return Kek{version, std::move(key).value()};
}

StatusOr<Kek> Read(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return NotFound("key file " + path + " does not exist");
    if (errno == ELOOP) return FailedPrecondition("key file " + path + " is a symbolic link");
    return Internal("cannot open key file " + path);
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return Internal("cannot stat key file " + path);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return FailedPrecondition("key file " + path + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return FailedPrecondition("key file " + path +
                              " is accessible to group or others; run: chmod 600 " + path);
  }
  std::string text(kMaxFile, '\0');
  ssize_t n = ::read(fd, text.data(), text.size());
  ::close(fd);
  if (n < 0) return Internal("cannot read key file " + path);
  text.resize(static_cast<size_t>(n));
  auto kek = Parse(path, text);
  sodium_memzero(text.data(), text.size());
  return kek;
}

Status Create(const std::string& path, uint32_t version) {
  std::error_code ec;
  fs::path parent = fs::path(path).parent_path();
  if (!parent.empty() && !fs::exists(parent, ec)) {
    fs::create_directories(parent, ec);
    if (ec) return Internal("cannot create the directory of key file " + path);
    fs::permissions(parent, fs::perms::owner_all, ec);
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::Ok();  // someone else created it: load theirs
    return Internal("cannot create key file " + path);
  }
  ::fchmod(fd, 0600);
  SecretKey key = SecretKey::Random();
  std::array<char, 2 * SecretKey::kSize + 1> hex;
  sodium_bin2hex(hex.data(), hex.size(), key.data(), SecretKey::kSize);
  std::string line = std::string(kMagic) + " " + std::to_string(version) + " ";
  line.append(hex.data(), 2 * SecretKey::kSize);
  line.push_back('\n');
  sodium_memzero(hex.data(), hex.size());
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
            ::fsync(fd) == 0;
  sodium_memzero(line.data(), line.size());
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return Internal("cannot write key file " + path);
  }
  return Status::Ok();
}

}  // namespace

StatusOr<Kek> KeyFile::Load(const std::string& path, const std::string& data_dir) {
  EnsureSodium();
  if (Status s = CheckPlace(path, data_dir); !s.ok()) return s;
  return Read(path);
}

StatusOr<Kek> KeyFile::LoadOrCreate(const std::string& path, const std::string& data_dir,
                                    uint32_t version_if_created) {
  EnsureSodium();
  if (Status s = CheckPlace(path, data_dir); !s.ok()) return s;
  auto kek = Read(path);
  if (kek.ok() || kek.status().code() != StatusCode::kNotFound) return kek;
  if (version_if_created == 0) return InvalidArgument("a key version starts at 1");
  if (Status s = Create(path, version_if_created); !s.ok()) return s;
  return Read(path);
}

std::string KeyFile::DefaultPath() {
  if (const char* env = std::getenv("HAVEN_KEY_FILE"); env && *env) return env;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) {
    return std::string(xdg) + "/haven/haven.key";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::string(home) + "/.config/haven/haven.key";
  }
  return "";
}

Keyring::Keyring(Kek current) { keks_.push_back(std::move(current)); }

void Keyring::AddOlder(Kek older) { keks_.push_back(std::move(older)); }

const Kek* Keyring::Find(uint32_t version) const {
  for (const Kek& k : keks_) {
    if (k.version == version) return &k;
  }
  return nullptr;
}

}  // namespace haven::storage::crypto
