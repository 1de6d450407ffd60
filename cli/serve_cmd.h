// `haven serve`: the chat service over HTTPS and WebSocket (src/server/server.h).
//   haven serve --data-dir DIR --listen HOST:PORT [--config FILE] [--key-file PATH]
//   [--insecure-http]
//               [--tls-cert F --tls-key F] [--web-root DIR] [--allow-origin URL]...
// Storage: <DIR>/haven.db and keys.db, sealed under the key file (created on first start, mode
// 0600, refused inside DIR; default $HAVEN_KEY_FILE or ~/.config/haven/haven.key). TLS: the
// given certificate, or a self-signed one for localhost made on first start in <DIR>/tls/.
// With --store postgres://... [--keys-store URL] (or `store:` in --config; cli/store_options.h)
// the records and keys are in PostgreSQL instead, and --data-dir is optional: it then holds only
// tls/ (the self-signed certificate; give --tls-cert/--tls-key without it) and the webhook
// delivery log (webhooks need it). Run `haven migrate` first, or let the first start migrate.
// Prints the URL it listens on (the real port when given port 0) as one line on stdout; all
// else goes to stderr and never carries a person's text. SIGINT/SIGTERM stop it gracefully.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "chat/chat_service.h"
#include "chat/learning.h"
#include "chat/oversight.h"
#include "cli/llm_options.h"
#include "server/server.h"
#include "server/webhook.h"

namespace haven::cli {

struct ServeArgs {
  std::string data_dir;
  std::string store;       // --store: "" or sqlite, or postgres://... (wins over the file's)
  std::string keys_store;  // --keys-store URL (PostgreSQL only)
  int store_pool = 4;      // --store-pool: PostgreSQL connections for the records
  std::string listen = "127.0.0.1:8443";
  bool listen_given = false;  // --listen was on the command line (it wins over --config)
  std::string config;         // --config FILE (cli/serve_config.h)
  std::string policy;         // --policy FILE: the escalation policy (default: the shipped one)
  std::string key_file;
  bool insecure_http = false;
  std::string tls_cert;
  std::string tls_key;
  std::string web_root;  // default: "web" beside the shipped data directory
  std::vector<std::string> allowed_origins;
  LlmArgs llm;  // the optional language model (cli/llm_options.h)
  // On-call webhooks from --config (server/webhook.h); empty: none configured.
  std::vector<server::WebhookEndpoint> webhooks;
  chat::OversightOptions oversight;                  // from --config (`oversight:`)
  chat::BanditMode bandit = chat::BanditMode::kOff;  // from --config (`learning:`)
  double explore_rate = 0.1;
  chat::InsightsOptions insights;  // from --config (`insights:`)
  // The model registry (learn/model_registry.h): its active version's models replace the
  // shipped ones. Default: <data_dir>/models; none with PostgreSQL and no --data-dir.
  std::string models_dir;
  // How often a running server checks the registry for a newly active version (seconds; 0:
  // only when an admin changes it through this instance's admin API).
  double models_poll = 10;
};

// "127.0.0.1:8443", "localhost:0", "[::1]:8080" -> host and port. False when malformed.
bool ParseListen(const std::string& listen, std::string* host, uint16_t* port);

// Runs until SIGINT or SIGTERM. `shipped_data_dir` holds the lexicons, models and content.
// Returns 0 after a clean shutdown, 2 when it cannot start (the reason on `err`).
int RunServe(const ServeArgs& args, const std::string& shipped_data_dir, std::FILE* out,
             std::FILE* err);
// The same with the options already read (from --config) and `args` already merged over them.
int RunServe(const ServeArgs& args, server::ServerOptions options,
             const chat::ChatOptions& chat_options, const std::string& shipped_data_dir,
             std::FILE* out, std::FILE* err);

class ServeCommand {
 public:
  static std::unique_ptr<ServeCommand> Add(CLI::App& app);
  bool parsed() const;
  int Run(const std::string& shipped_data_dir) const;

 private:
  CLI::App* serve_ = nullptr;
  CLI::Option* listen_ = nullptr;
  ServeArgs args_;
};

}  // namespace haven::cli
