#include "cli/llm_options.h"

#include <chrono>
#include <memory>

#include "llm/openai_client.h"

namespace haven::cli {

void AddLlmOptions(CLI::App* command, LlmArgs& args) {
  command->add_option("--llm-url", args.url,
                      "Optional language model: an OpenAI-compatible base URL, e.g. "
                      "http://127.0.0.1:8080/v1 (llama.cpp, vLLM, Ollama, a hosted API)");
  command->add_option("--llm-model", args.model, "The model's name (with --llm-url)");
  command->add_option("--llm-key-env", args.key_env,
                      "The name of the environment variable holding the API key");
  command->add_option("--llm-ca-file", args.ca_file, "CA certificates (PEM) for the model's HTTPS");
  command
      ->add_option("--llm-timeout-ms", args.timeout_ms,
                   "Deadline of one model request; then the content engine answers")
      ->check(CLI::Range(1, 120000));
}

bool AttachLlm(const LlmArgs& args, reply::Engine& engine, std::FILE* err, const char* who) {
  if (args.url.empty()) {
    if (!args.model.empty() || !args.key_env.empty() || !args.ca_file.empty()) {
      std::fprintf(err, "%s: the --llm-* options need --llm-url\n", who);
      return false;
    }
    return true;
  }
  llm::OpenAiOptions o;
  o.base_url = args.url;
  o.model = args.model;
  o.api_key_env = args.key_env;
  o.ca_file = args.ca_file;
  o.timeout = std::chrono::milliseconds(args.timeout_ms);
  auto client = llm::OpenAiClient::Create(std::move(o));
  if (!client.ok()) {
    std::fprintf(err, "%s: %s\n", who, client.status().message().c_str());
    return false;
  }
  engine.set_generator(std::shared_ptr<const reply::ReplyGenerator>(std::move(client).value()));
  return true;
}

}  // namespace haven::cli
