// The optional language-model backend's command-line options, shared by `haven chat`,
// `haven respond` and `haven serve` (reply/generator.h, llm/openai_client.h):
//   --llm-url URL          an OpenAI-compatible base URL (".../v1"); without it, no model
//   --llm-model NAME       the model to ask for
//   --llm-key-env VAR      the NAME of the environment variable that holds the API key
//   --llm-ca-file PEM      CA certificates for an HTTPS server with a private CA
//   --llm-timeout-ms N     the whole exchange's deadline (default 8000); on timeout the
//                          reply comes from the content engine
#pragma once

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "reply/engine.h"

namespace haven::cli {

struct LlmArgs {
  std::string url;
  std::string model;
  std::string key_env;
  std::string ca_file;
  int timeout_ms = 8000;
};

void AddLlmOptions(CLI::App* command, LlmArgs& args);

// Gives `engine` the model client when --llm-url was given. False (and a message on `err`,
// prefixed with `who`) when the options are wrong.
bool AttachLlm(const LlmArgs& args, reply::Engine& engine, std::FILE* err, const char* who);

}  // namespace haven::cli
