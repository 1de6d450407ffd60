// Any bytes through the whole analyzer: no crash, no hang, contract invariants hold.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "nlp/analyzer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::unique_ptr<haven::nlp::Analyzer> analyzer = [] {
    auto a = haven::nlp::Analyzer::Load(HAVEN_SOURCE_DATA_DIR);
    if (!a.ok()) std::abort();
    return std::move(a).value();
  }();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  haven::nlp::Analysis a = analyzer->Analyze(text);
  double sum = a.sentiment.pos + a.sentiment.neu + a.sentiment.neg;
  if (a.sentiment.compound < -1 || a.sentiment.compound > 1 || sum < 0.999 || sum > 1.001) std::abort();
  if (a.emotions.labels.empty()) std::abort();
  for (const auto& e : a.risk.evidence) {
    if (e.span.start > e.span.end || e.span.end > size + 3 * size) std::abort();
  }
  for (const auto& p : a.pii) {
    if (p.span.start > p.span.end) std::abort();
  }
  return 0;
}
