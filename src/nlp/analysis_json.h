// Analysis <-> JSON, exactly as shared/eval/CONTRACT.md specifies for `haven analyze --jsonl`.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "nlp/analysis.h"

namespace haven::nlp {

// The contract's object for one analysis (without "id": the caller adds it). Numbers are
// rounded to 4 decimals so output is stable and compact. The redacted text is included only when
// `include_redacted` is true (it still carries the person's words, minus identifiers).
nlohmann::ordered_json AnalysisToJson(const Analysis& a, bool include_redacted = false);

// The same object serialised directly (no DOM): appends the members, comma-separated and without
// the enclosing braces, to `out`. This is the hot path of `analyze --jsonl`; a test holds it
// equal to AnalysisToJson.
void AppendAnalysisMembers(std::string& out, const Analysis& a, bool include_redacted = false);

// Appends `s` as a JSON string literal (quotes, escapes; invalid UTF-8 becomes U+FFFD).
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace haven::nlp
