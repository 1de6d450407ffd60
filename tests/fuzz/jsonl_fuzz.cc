// Any bytes as one JSONL request line through the real `analyze --jsonl` handler: always exactly
// one answer line that is itself valid JSON with an "id".
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cli/jsonl.h"
#include "nlp/analysis_json.h"
#include "nlp/analyzer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::unique_ptr<haven::nlp::Analyzer> analyzer = [] {
    auto a = haven::nlp::Analyzer::Load(HAVEN_SOURCE_DATA_DIR);
    if (!a.ok()) std::abort();
    return std::move(a).value();
  }();
  auto handler = [](const nlohmann::json& req) -> haven::StatusOr<std::string> {
    auto t = haven::cli::RequireString(req, "text");
    if (!t.ok()) return t.status();
    std::string members;
    haven::nlp::AppendAnalysisMembers(members, analyzer->Analyze(*t));
    return members;
  };
  std::string_view line(reinterpret_cast<const char*>(data), size);
  if (line.find('\n') != std::string_view::npos) return 0;  // one line at a time
  auto answer = haven::cli::ProcessJsonlLine(line, false, handler);
  if (answer.line.find('\n') != std::string::npos) std::abort();
  auto parsed = nlohmann::json::parse(answer.line, nullptr, false);
  if (parsed.is_discarded() || !parsed.contains("id")) std::abort();
  return 0;
}
