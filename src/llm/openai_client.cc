#include "llm/openai_client.h"

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <utility>

namespace haven::llm {

StatusOr<Endpoint> ParseBaseUrl(std::string_view url) {
  auto e = ParseHttpUrl(url, "the model URL");
  if (!e.ok()) return e.status();
  while (!e->path.empty() && e->path.back() == '/') e->path.pop_back();
  return e;
}

std::string ChatCompletionsBody(const std::string& model, const reply::GenerationRequest& request) {
  nlohmann::json messages = nlohmann::json::array();
  for (const auto& m : request.messages) {
    messages.push_back({{"role", m.role}, {"content", m.content}});
  }
  nlohmann::json body = {{"model", model},
                         {"messages", std::move(messages)},
                         {"max_tokens", request.max_tokens},
                         {"temperature", request.temperature},
                         {"n", 1},
                         {"stream", false}};
  // Invalid UTF-8 in a message must not throw here: replace it.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

StatusOr<std::string> ParseChatCompletion(std::string_view body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Internal("bad answer: not a JSON object");
  auto choices = j.find("choices");
  if (choices == j.end() || !choices->is_array() || choices->empty()) {
    return Internal("bad answer: no choices");
  }
  const auto& first = (*choices)[0];
  if (!first.is_object()) return Internal("bad answer: no message");
  auto message = first.find("message");
  if (message == first.end() || !message->is_object()) return Internal("bad answer: no message");
  auto content = message->find("content");
  if (content == message->end() || !content->is_string()) {
    return Internal("bad answer: no content");
  }
  return content->get<std::string>();
}

StatusOr<std::unique_ptr<OpenAiClient>> OpenAiClient::Create(OpenAiOptions options) {
  auto endpoint = ParseBaseUrl(options.base_url);
  if (!endpoint.ok()) return endpoint.status();
  if (options.model.empty()) return InvalidArgument("give the model's name");
  std::string key;
  if (!options.api_key_env.empty()) {
    const char* v = std::getenv(options.api_key_env.c_str());
    if (v == nullptr || *v == '\0') {
      return InvalidArgument("the key variable " + options.api_key_env + " is not set");
    }
    key = v;
  }
  if (options.timeout.count() <= 0) return InvalidArgument("the model timeout must be positive");
  return std::unique_ptr<OpenAiClient>(
      new OpenAiClient(std::move(options), std::move(endpoint).value(), std::move(key)));
}

OpenAiClient::OpenAiClient(OpenAiOptions options, Endpoint endpoint, std::string key)
    : options_(std::move(options)), endpoint_(std::move(endpoint)), key_(std::move(key)) {}

StatusOr<std::string> OpenAiClient::Generate(const reply::GenerationRequest& request) const {
  const std::string target = endpoint_.path + "/chat/completions";
  const std::string body = ChatCompletionsBody(options_.model, request);
  HttpHeaders headers = {{"User-Agent", "haven"},
                         {"Content-Type", "application/json"},
                         {"Accept", "application/json"}};
  if (!key_.empty()) headers.emplace_back("Authorization", "Bearer " + key_);
  auto answer = HttpPost(endpoint_, target, headers, body, options_.timeout, options_.ca_file);
  if (!answer.ok()) {
    const Status failure = answer.status();
    const std::string& m = failure.message();
    switch (HttpErrorKindOf(failure)) {
      case HttpErrorKind::kTimeout:
        return Internal("timeout after " + std::to_string(options_.timeout.count()) + " ms");
      case HttpErrorKind::kHttp:
        if (m == "http: answer too large") return Internal("bad answer: too large");
        break;
      default:
        break;
    }
    // Anything else keeps its old wording: "unreachable: <why>", the kind's prefix dropped.
    const size_t colon = m.find(": ");
    return Internal("unreachable: " + (colon == std::string::npos ? m : m.substr(colon + 2)));
  }
  if (answer->status < 200 || answer->status >= 300) {
    return Internal("http " + std::to_string(answer->status));
  }
  return ParseChatCompletion(answer->body);
}

}  // namespace haven::llm
