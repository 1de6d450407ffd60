// Analysis <-> JSON, exactly as shared/eval/CONTRACT.md specifies for `haven analyze --jsonl`.
#pragma once

#include <nlohmann/json.hpp>

#include "nlp/analysis.h"

namespace haven::nlp {

// The contract's object for one analysis (without "id": the caller adds it). Numbers are
// rounded to 4 decimals so output is stable and compact. The redacted text is included only when
// `include_redacted` is true (it still carries the person's words, minus identifiers).
nlohmann::ordered_json AnalysisToJson(const Analysis& a, bool include_redacted = false);

}  // namespace haven::nlp
