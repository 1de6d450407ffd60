// The human-readable report of `haven analyze "text"` (for a person at a terminal; the machine
// form is nlp/analysis_json.h). It quotes evidence from the text: print it only to the person
// who wrote it, never to a log.
#pragma once

#include <string>
#include <string_view>

#include "nlp/analysis.h"

namespace haven::cli {

std::string FormatReport(std::string_view analysed_text, const nlp::Analysis& a);

}  // namespace haven::cli
