// ReplyGenerator: a language model that words a reply, behind an interface so that the reply
// engine needs no network code (the OpenAI-compatible client is src/llm/openai_client.h).
//
// The engine stays in charge: it picks the strategy, keeps every safety reply to reviewed
// content, builds the prompt (reply/llm_prompt.h), checks the model's answer with the output
// guard, and falls back to its own content reply on any error, timeout or failed check.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace haven::reply {

struct GenerationMessage {
  std::string role;  // "system", "user" or "assistant"
  std::string content;
};

struct GenerationRequest {
  std::vector<GenerationMessage> messages;
  int max_tokens = 160;
  double temperature = 0.6;
};

class ReplyGenerator {
 public:
  virtual ~ReplyGenerator() = default;
  // The model's text for `request`. Errors are Internal, their message starting with the
  // reason: "timeout", "unreachable", "http <status>", "bad answer". Status messages never
  // quote the prompt or the answer. Thread-safe.
  virtual StatusOr<std::string> Generate(const GenerationRequest& request) const = 0;
  // A short name for the console's "why" ("llm:<name>").
  virtual std::string name() const = 0;
};

}  // namespace haven::reply
