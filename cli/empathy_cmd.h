// `haven empathy`: how a reply to a support-seeker expresses empathy (reply/empathy.h).
//  - JSON Lines (shared/eval/CONTRACT.md): {"id","seeker","response"} in, one line out per
//    line, {"id","emotional_reactions","interpretations","explorations"} with levels 0/1/2, or
//    {"id","error"} for a line that cannot be read; processing always continues.
//  - One pair, readable: the three levels with their scores and the phrases that gave them.
#pragma once

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/status.h"
#include "reply/empathy.h"

namespace haven::cli {

// The contract's answer members for one request object: needs string fields "seeker" and
// "response" (either may be empty); error Status otherwise (the message never quotes input).
StatusOr<std::string> EmpathyAnswer(const reply::EmpathyScorer& scorer,
                                    const nlohmann::json& request);

// Runs the JSONL mode from `in` to `out`, lines of at most `max_line` bytes. Returns 0 (bad
// lines are answered with errors, not a failing exit status).
int RunEmpathyJsonl(const reply::EmpathyScorer& scorer, std::FILE* in, std::FILE* out,
                    size_t max_line);

// A readable report of one pair: each mechanism's level and score, and the cue phrases found
// in `response` (quoted from the response, which the user gave on the command line).
std::string FormatEmpathyReport(const reply::EmpathyScore& score, std::string_view response);

}  // namespace haven::cli
