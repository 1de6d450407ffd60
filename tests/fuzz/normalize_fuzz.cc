// Any bytes through the normaliser: spans stay inside the (repaired) text and in order.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "nlp/text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const haven::nlp::Normalizer normalizer = [] {
    auto n = haven::nlp::Normalizer::Load(HAVEN_SOURCE_DATA_DIR);
    return n.ok() ? std::move(n).value() : haven::nlp::Normalizer();
  }();
  auto n = normalizer.Normalize(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!haven::nlp::IsValidUtf8(n.text)) std::abort();
  for (const auto& t : n.tokens) {
    if (t.span.start > t.span.end || t.span.end > n.text.size()) std::abort();
  }
  for (size_t c = 0; c < n.canonical.size(); c += 7) {
    auto s = n.OriginalSpan(c, std::min(n.canonical.size(), c + 11));
    if (s.start > s.end || s.end > n.text.size()) std::abort();
  }
  return 0;
}
