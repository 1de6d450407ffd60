// Personal identifiers in a message (coverage after Microsoft Presidio's recognisers): EMAIL,
// PHONE, URL, IP_ADDRESS, ADDRESS, CREDIT_CARD (Luhn-checked), US_SSN, UK_NHS (checksum),
// UK_NINO, IBAN (mod-97), DATE_OF_BIRTH, PERSON (names introduced in context: "my name is ...",
// "I'm Sam"), LOCATION ("I live in Leeds"). Immutable after Create; Find is thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "nlp/analysis.h"
#include "nlp/text.h"

namespace haven::nlp {

class PiiDetector {
 public:
  static StatusOr<PiiDetector> Create();

  // Spans into text.text, sorted by start, non-overlapping (the longer or more specific wins).
  std::vector<PiiSpan> Find(const NormalizedText& text) const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

// `text` with each span replaced by "[TYPE]" (e.g. "[EMAIL]"). Spans must be sorted and
// non-overlapping, as Find returns them.
std::string Redact(std::string_view text, const std::vector<PiiSpan>& spans);

}  // namespace haven::nlp
