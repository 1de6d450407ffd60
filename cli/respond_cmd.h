// `haven respond --jsonl` (shared/eval/CONTRACT.md): each line is one request
//   {"id", "locale" (optional, default "en-US"), "history": [{"role": "user"|"assistant",
//    "text"}, ...]}
// whose last history entry is the user's message to answer; lines are independent (the history
// is the whole context). Each answer is
//   {"id", "reply", "strategy", "risk_level", "escalate"}
// or {"id", "error"} for a line that cannot be used (malformed JSON, a missing or mistyped
// field, an empty history, a last entry that is not the user's); processing always continues.
// Error messages never quote the input.
#pragma once

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"
#include "reply/engine.h"

namespace haven::cli {

// The answer members for one request object (without "id" and braces), or an error.
// `why`: also "variant" (the content variant used, "" when composed) and "why" (the planner's
// reasons), for developers reading replies; not in the contract.
StatusOr<std::string> RespondAnswer(const reply::Engine& engine, const nlohmann::json& request,
                                    bool why = false);

// Runs the JSONL mode from `in` to `out`, lines of at most `max_line` bytes. Returns 0.
int RunRespondJsonl(const reply::Engine& engine, std::FILE* in, std::FILE* out, size_t max_line,
                    bool why = false);

}  // namespace haven::cli
