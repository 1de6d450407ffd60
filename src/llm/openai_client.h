// OpenAiClient: an OpenAI-compatible chat-completions client (POST {base}/chat/completions) over
// HTTP or HTTPS, so that llama.cpp's server, vLLM, Ollama or a hosted API can word Haven's
// replies (reply/generator.h). The exchange is llm/http_client.h's HttpPost.
//
// One request per call, on its own connection, bounded by one deadline for the whole exchange
// (resolve, connect, TLS handshake, write, read). HTTPS verifies the server's certificate and
// host name against the system's CAs, or against `ca_file` when given. The answer's body is
// read up to 1 MiB. The API key is read from the environment variable named in the options
// when the client is made, and travels only in the Authorization header; no log, no error
// message ever carries it, the prompt or the answer.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/status.h"
#include "llm/http_client.h"
#include "reply/generator.h"

namespace haven::llm {

struct OpenAiOptions {
  std::string base_url;     // "http://127.0.0.1:8080/v1" or "https://api.example.com/v1"
  std::string model;        // sent as "model"
  std::string api_key_env;  // the NAME of the variable holding the key ("" = no key)
  std::string ca_file;      // PEM CA bundle for HTTPS ("" = the system's)
  std::chrono::milliseconds timeout{8000};
};

// The parts of a base URL (ParseHttpUrl), its path without a trailing '/', e.g. "/v1".
// InvalidArgument for anything but http:// or https:// with a host.
StatusOr<Endpoint> ParseBaseUrl(std::string_view url);

class OpenAiClient : public reply::ReplyGenerator {
 public:
  // InvalidArgument for a bad URL, an empty model, or a key variable that is named but unset.
  static StatusOr<std::unique_ptr<OpenAiClient>> Create(OpenAiOptions options);

  StatusOr<std::string> Generate(const reply::GenerationRequest& request) const override;
  std::string name() const override { return options_.model; }

 private:
  OpenAiClient(OpenAiOptions options, Endpoint endpoint, std::string key);
  OpenAiOptions options_;
  Endpoint endpoint_;
  std::string key_;
};

// The request body for `request` (exposed for tests).
std::string ChatCompletionsBody(const std::string& model, const reply::GenerationRequest& request);
// choices[0].message.content of an answer body; Internal "bad answer" otherwise.
StatusOr<std::string> ParseChatCompletion(std::string_view body);

}  // namespace haven::llm
