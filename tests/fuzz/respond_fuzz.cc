// Any bytes as one `haven respond --jsonl` request line through the real handler and the whole
// reply engine (analysis, state, safety policy, planner, content, empathy ranking, output guard):
// always exactly one answer line that is valid JSON with an "id", and, when it is a reply, a
// non-empty reply text with a contract strategy.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "cli/jsonl.h"
#include "cli/respond_cmd.h"
#include "reply/engine.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::unique_ptr<haven::reply::Engine> engine = [] {
    auto e = haven::reply::Engine::Load(HAVEN_SOURCE_DATA_DIR);
    if (!e.ok()) std::abort();
    return std::move(e).value();
  }();
  static const std::set<std::string> kStrategies = {
      "question",   "restatement", "reflection", "self_disclosure", "affirmation",
      "suggestion", "information", "crisis",     "handoff",         "other"};
  auto handler = [](const nlohmann::json& req) -> haven::StatusOr<std::string> {
    return haven::cli::RespondAnswer(*engine, req);
  };
  std::string_view line(reinterpret_cast<const char*>(data), size);
  if (line.find('\n') != std::string_view::npos) return 0;  // one line at a time
  auto answer = haven::cli::ProcessJsonlLine(line, false, handler);
  if (answer.line.find('\n') != std::string::npos) std::abort();
  auto parsed = nlohmann::json::parse(answer.line, nullptr, false);
  if (parsed.is_discarded() || !parsed.contains("id")) std::abort();
  if (parsed.contains("reply")) {
    if (!parsed["reply"].is_string() || parsed["reply"].get<std::string>().empty()) std::abort();
    if (!parsed["strategy"].is_string() ||
        !kStrategies.contains(parsed["strategy"].get<std::string>())) {
      std::abort();
    }
  }
  return 0;
}
