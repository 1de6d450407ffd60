#include "cli/serve_cmd.h"

#include <signal.h>
#include <sodium.h>

#include <charconv>
#include <chrono>
#include <filesystem>
#include <optional>

#include "chat/chat_service.h"
#include "chat/event_relay.h"
#include "chat/events.h"
#include "chat/learning.h"
#include "chat/models.h"
#include "chat/oversight.h"
#include "chat/staff_auth.h"
#include "cli/audit_report.h"
#include "cli/fairness_cmd.h"
#include "cli/learn_cmd.h"
#include "cli/serve_config.h"
#include "cli/store_options.h"
#include "learn/model_registry.h"
#include "reply/draft_coach.h"
#include "reply/engine.h"
#include "safety/escalation_policy.h"
#include "server/server.h"
#include "server/tls_cert.h"
#include "server/webhook.h"
#include "storage/postgres/pg_broadcast.h"

namespace haven::cli {

bool ParseListen(const std::string& listen, std::string* host, uint16_t* port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) return false;
  std::string h = listen.substr(0, colon);
  if (h.front() == '[') {
    if (h.back() != ']') return false;
    h = h.substr(1, h.size() - 2);
  } else if (h.find(':') != std::string::npos) {
    return false;  // IPv6 needs brackets
  }
  unsigned value = 0;
  const char* begin = listen.data() + colon + 1;
  const char* end = listen.data() + listen.size();
  auto [p, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || p != end || value > 65535 || h.empty()) return false;
  *host = h;
  *port = static_cast<uint16_t>(value);
  return true;
}

int RunServe(const ServeArgs& args, const std::string& shipped_data_dir, std::FILE* out,
             std::FILE* err) {
  server::ServerOptions options;
  chat::ChatOptions chat_options;
  ServeFileSettings file;
  if (!args.config.empty()) {
    if (Status s = LoadServeConfig(args.config, &options, &chat_options, &file); !s.ok()) {
      std::fprintf(err, "haven serve: %s\n", s.message().c_str());
      return 2;
    }
  }
  ServeArgs given = args;  // the command line wins over the file
  if (!args.listen_given && !file.listen.empty()) given.listen = file.listen;
  if (args.store.empty()) {  // --store on the command line replaces the file's pair
    given.store = file.store;
    if (args.keys_store.empty()) given.keys_store = file.keys_store;
  }
  if (given.tls_cert.empty() && given.tls_key.empty() && !given.insecure_http) {
    given.tls_cert = file.tls_cert;
    given.tls_key = file.tls_key;
  }
  if (given.web_root.empty()) given.web_root = options.web_root;
  if (given.allowed_origins.empty()) given.allowed_origins = options.allowed_origins;
  given.webhooks = file.webhooks;
  given.oversight = file.oversight;
  given.bandit = file.bandit;
  given.explore_rate = file.explore_rate;
  given.insights = file.insights;
  return RunServe(given, options, chat_options, shipped_data_dir, out, err);
}

int RunServe(const ServeArgs& args, server::ServerOptions options,
             const chat::ChatOptions& chat_options, const std::string& shipped_data_dir,
             std::FILE* out, std::FILE* err) {
  namespace fs = std::filesystem;
  if (!ParseListen(args.listen, &options.host, &options.port)) {
    std::fprintf(err, "haven serve: --listen wants HOST:PORT, e.g. 127.0.0.1:8443\n");
    return 2;
  }
  if (args.tls_cert.empty() != args.tls_key.empty()) {
    std::fprintf(err, "haven serve: give both --tls-cert and --tls-key, or neither\n");
    return 2;
  }
  if (args.insecure_http && !args.tls_cert.empty()) {
    std::fprintf(err, "haven serve: --insecure-http takes no certificate\n");
    return 2;
  }
  if (shipped_data_dir.empty()) {
    std::fprintf(err,
                 "haven serve: cannot find the shipped data (set HAVEN_DATA_DIR or "
                 "haven --data-dir DIR serve ...)\n");
    return 2;
  }
  std::string key_file = KeyFileOrDefault(args.key_file);
  if (key_file.empty()) {
    std::fprintf(err, "haven serve: give --key-file or set HAVEN_KEY_FILE\n");
    return 2;
  }
  auto where = ResolveStore(args.store, args.keys_store, args.data_dir);
  if (!where.ok()) {
    std::fprintf(err, "haven serve: %s\n", where.status().message().c_str());
    return 2;
  }
  // With PostgreSQL the data directory is optional; it holds only tls/ and the webhook log.
  if (args.data_dir.empty() && !args.insecure_http && args.tls_cert.empty()) {
    std::fprintf(err,
                 "haven serve: give --tls-cert and --tls-key, or --data-dir for a self-signed "
                 "certificate\n");
    return 2;
  }
  if (args.data_dir.empty() && !args.webhooks.empty()) {
    std::fprintf(err, "haven serve: give --data-dir: the webhook delivery log is kept there\n");
    return 2;
  }
  if (args.store_pool < 1 || args.store_pool > 256) {
    std::fprintf(err, "haven serve: --store-pool must be 1 to 256\n");
    return 2;
  }
  options.tls = !args.insecure_http;
  options.allowed_origins = args.allowed_origins;
  options.web_root = args.web_root;
  if (options.web_root.empty()) {
    std::error_code ec;
    fs::path beside = fs::path(shipped_data_dir).parent_path() / "web";
    if (fs::is_directory(beside, ec)) options.web_root = beside.string();
  }

  // Refuse plain HTTP off loopback before touching anything on disk.
  if (!options.tls && options.host != "localhost" && options.host != "127.0.0.1" &&
      options.host != "::1") {
    std::fprintf(err, "haven serve: --insecure-http is only allowed on a loopback address\n");
    return 2;
  }

  auto store = OpenStorage(*where, key_file, /*create=*/true, args.store_pool);
  if (!store.ok()) {
    std::fprintf(err, "haven serve: %s\n", store.status().message().c_str());
    return 2;
  }
  if (where->postgres) {
    std::fprintf(err, "haven serve: storage: %s\n", where->Describe().c_str());
    if (where->keys_url == where->store_url) {
      std::fprintf(err,
                   "haven serve: warning: the data keys share the records' database (schema "
                   "haven_keys): a copy of that database holds both; give --keys-store a "
                   "database of its own (docs/deployment.md)\n");
    }
  }
  if (options.tls) {
    if (args.tls_cert.empty()) {
      auto files = server::EnsureSelfSignedCertificate(args.data_dir);
      if (!files.ok()) {
        std::fprintf(err, "haven serve: %s\n", files.status().message().c_str());
        return 2;
      }
      if (files->created) {
        std::fprintf(err, "haven serve: created a self-signed certificate for localhost: %s\n",
                     files->cert.c_str());
      }
      options.tls_cert_file = files->cert;
      options.tls_key_file = files->key;
    } else {
      options.tls_cert_file = args.tls_cert;
      options.tls_key_file = args.tls_key;
    }
  }
  // The model registry's active version (haven train, haven models approve), or the shipped
  // models. A registry whose active files are missing stops the start: running other models
  // than the approved ones silently would hide it.
  std::optional<learn::ModelRegistry> registry;
  std::string running_models(learn::kShippedVersion), models_dir;
  if (const std::string dir = args.models_dir.empty() && !args.data_dir.empty()
                                  ? args.data_dir + "/models"
                                  : args.models_dir;
      !dir.empty()) {
    auto opened = learn::ModelRegistry::Open(dir);
    if (!opened.ok()) {
      std::fprintf(err, "haven serve: %s\n", opened.status().message().c_str());
      return 2;
    }
    registry.emplace(std::move(opened).value());
    auto active = registry->Active();
    auto active_dir = registry->ActiveDir();
    if (!active.ok() || !active_dir.ok()) {
      std::fprintf(err, "haven serve: %s\n",
                   (active.ok() ? active_dir.status() : active.status()).message().c_str());
      return 2;
    }
    running_models = *active;
    models_dir = *active_dir;
    if (!models_dir.empty()) {
      std::fprintf(err, "haven serve: models: %s (model registry)\n", running_models.c_str());
    }
  }
  auto engine = reply::Engine::Load(shipped_data_dir, models_dir);
  if (!engine.ok()) {
    std::fprintf(err, "haven serve: %s\n", engine.status().message().c_str());
    return 2;
  }
  if (!AttachLlm(args.llm, **engine, err, "haven serve")) return 2;
  // Learning from feedback (chat/learning.h): a chooser among the engine's best candidates on
  // ordinary turns, its beliefs rebuilt from the logged choices and their feedback (metadata
  // only: the records below the encryption layer, no text decrypted).
  std::shared_ptr<chat::Learner> learner;
  if (args.bandit != chat::BanditMode::kOff) {
    uint64_t seed = 0;
    randombytes_buf(&seed, sizeof seed);
    auto created = chat::Learner::Create(args.bandit, args.explore_rate, seed);
    if (!created.ok()) {
      std::fprintf(err, "haven serve: %s\n", created.status().message().c_str());
      return 2;
    }
    learner = std::move(created).value();
    auto logged = chat::CollectChoices((*store)->inner());
    if (!logged.ok()) {
      std::fprintf(err, "haven serve: learning: %s\n", logged.status().message().c_str());
      return 2;
    }
    for (const auto& l : *logged) {
      if (l.reward) learner->Reward(l.choice, *l.reward);
    }
    (*engine)->set_chooser(learner);
    std::fprintf(err, "haven serve: learning: bandit %s, %lld rewarded choices\n",
                 std::string(chat::BanditModeName(args.bandit)).c_str(),
                 static_cast<long long>(learner->rewards()));
  }
  // The escalation policy: --policy FILE, or the shipped default. Refused with its error (the
  // loader also refuses a policy weaker than the per-turn safety policy).
  const std::string policy_path =
      args.policy.empty() ? (fs::path(shipped_data_dir) / "policy" / "escalation.yaml").string()
                          : args.policy;
  auto policy = safety::EscalationPolicy::Load(policy_path);
  if (!policy.ok()) {
    std::fprintf(err, "haven serve: %s\n", policy.status().message().c_str());
    return 2;
  }
  // On-call webhooks (server/webhook.h, docs/webhooks.md). A webhook the policy names must be
  // configured once any is; with none configured at all (the embedded default, `make run`),
  // escalations reach only the console, and the start says so.
  std::unique_ptr<server::WebhookNotifier> notifier;
  if (args.webhooks.empty()) {
    if (!policy->webhooks().empty()) {
      std::fprintf(err,
                   "haven serve: warning: the escalation policy notifies on-call staff by webhook "
                   "(%s), and none is configured: escalations reach only the console "
                   "(docs/webhooks.md)\n",
                   policy->webhooks().front().c_str());
    }
  } else {
    for (const auto& name : policy->webhooks()) {
      bool found = false;
      for (const auto& w : args.webhooks) found = found || w.name == name;
      if (!found) {
        std::fprintf(err,
                     "haven serve: the escalation policy notifies the webhook \"%s\", which the "
                     "configuration does not define (webhooks: in --config)\n",
                     name.c_str());
        return 2;
      }
    }
    server::WebhookOptions wo;
    wo.endpoints = args.webhooks;
    wo.log_path = (fs::path(args.data_dir) / "webhook-deliveries.log").string();
    auto created = server::WebhookNotifier::Create(std::move(wo));
    if (!created.ok()) {
      std::fprintf(err, "haven serve: %s\n", created.status().message().c_str());
      return 2;
    }
    notifier = std::move(created).value();
  }
  chat::ChatService chat(**engine, **store, chat_options);

  // The signals are taken by sigwait below: block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  chat::StaffAuth staff(**store);
  chat::EventLog events;
  reply::DraftCoach coach(**engine);
  chat::OversightOptions oversight_options = args.oversight;
  oversight_options.default_locale = chat_options.default_locale;
  chat::Oversight oversight(**store, staff, **engine, &*policy, events, notifier.get(), &coach,
                            oversight_options);
  chat.set_oversight(&oversight);
  chat.set_learner(learner.get());
  oversight.set_learner(learner.get());  // clinicians' reviews reward it too
  // Several instances on one PostgreSQL database share the console's and the chat's real-time
  // events over LISTEN/NOTIFY (chat/event_relay.h); the embedded store has one instance only.
  std::unique_ptr<storage::PgBroadcast> broadcast;
  std::unique_ptr<chat::EventRelay> relay;
  if (where->postgres) {
    auto opened = storage::PgBroadcast::Open(where->store_url);
    if (!opened.ok()) {
      std::fprintf(err, "haven serve: events across instances: %s\n",
                   opened.status().message().c_str());
      return 2;
    }
    broadcast = std::move(opened).value();
    relay = std::make_unique<chat::EventRelay>(oversight, *broadcast);
    if (Status s = relay->Start(); !s.ok()) {
      std::fprintf(err, "haven serve: events across instances: %s\n", s.message().c_str());
      return 2;
    }
  }
  // The admin pages' data: private insights over the records (metadata, below the encryption)
  // and the sealed store (the scores).
  auto insights = chat::Insights::Create((*store)->inner(), **store, args.insights);
  if (!insights.ok()) {
    std::fprintf(err, "haven serve: %s\n", insights.status().message().c_str());
    return 2;
  }
  // The registry's active version follows approvals and rollbacks without a restart: at once on
  // this instance's admin API, within --models-poll seconds for `haven models` and for other
  // instances sharing the registry.
  std::unique_ptr<chat::ModelFollower> follower;
  if (registry) {
    follower = std::make_unique<chat::ModelFollower>(
        *registry, **engine, running_models,
        [err](const std::string& version, const std::string& error) {
          if (error.empty()) {
            std::fprintf(err, "haven serve: models: %s (model registry, loaded while serving)\n",
                         version.c_str());
          } else {
            std::fprintf(err, "haven serve: %s; still running %s\n", error.c_str(),
                         version.c_str());
          }
        });
    if (args.models_poll > 0) {
      follower->Start(std::chrono::milliseconds(static_cast<int64_t>(args.models_poll * 1000)));
    }
  }
  server::AdminRoutes admin(**store, insights->get(), registry ? &*registry : nullptr,
                            follower.get());
  // The admin pages' reports (web/audit.html): computed here, in the CLI layer, on demand. The
  // fixed safety set is the checkout's; an installation without one reports the figures as not
  // measured.
  const std::string holdout = [&] {
    const fs::path p = (fs::path(shipped_data_dir) / ".." / "tests" / "data" / "risk_holdout.jsonl")
                           .lexically_normal();
    std::error_code ec;
    return fs::exists(p, ec) ? p.string() : std::string();
  }();
  const nlp::Analyzer& analyzer = (*engine)->analyzer();
  storage::EncryptedStore& encrypted = **store;
  admin.AddRoute(
      "report",
      [&, key_file, data_dir = where->data_dir](std::string_view) -> StatusOr<std::string> {
        AuditReportInput in;
        in.records = &encrypted.inner();
        in.keys = &encrypted.keys();
        in.chat = chat_options;
        in.data_dir = shipped_data_dir;
        in.analyzer = &analyzer;
        in.holdout = holdout;
        in.now = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
        if (Status s = AddKeyFacts(&in, key_file, "", data_dir); !s.ok()) return s;
        auto report = BuildAuditReport(in);
        if (!report.ok()) return report.status();
        return AuditReportJson(*report);
      });
  admin.AddRoute("fairness", [&](std::string_view) -> StatusOr<std::string> {
    if (holdout.empty()) return FailedPrecondition("no_safety_set");
    const learn::FairnessOptions options;
    auto report = FairnessOfFiles({holdout}, analyzer, options);
    if (!report.ok()) return report.status();
    nlohmann::json j = FairnessJson(*report, options);
    j["file"] = fs::path(holdout).filename().string();
    return j.dump();
  });
  admin.AddRoute("learning", [&](std::string_view) -> StatusOr<std::string> {
    auto log = chat::CollectChoices(encrypted.inner());
    if (!log.ok()) return log.status();
    return FormatLearningReport(chat::Evaluate(*log, /*seed=*/1, /*min_rated=*/200),
                                /*json=*/true);
  });
  auto server = server::Server::Start(options, chat, &staff, &oversight, &admin);
  if (!server.ok()) {
    std::fprintf(err, "haven serve: %s\n", server.status().message().c_str());
    return 2;
  }
  std::fprintf(out, "%s/\n", (*server)->url().c_str());
  std::fflush(out);
  int sig = 0;
  sigwait(&signals, &sig);
  std::fprintf(err, "haven serve: %s: shutting down\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  (*server)->Shutdown();
  if (relay) relay->Stop();
  if (notifier) notifier->Shutdown(std::chrono::steady_clock::now() + std::chrono::seconds(5));
  std::fprintf(err, "haven serve: stopped\n");
  return 0;
}

std::unique_ptr<ServeCommand> ServeCommand::Add(CLI::App& app) {
  auto cmd = std::make_unique<ServeCommand>();
  cmd->serve_ =
      app.add_subcommand("serve",
                         "Serve the chat over HTTPS and WebSocket, with the pages in web/.\n"
                         "  haven serve --data-dir DIR --listen 127.0.0.1:8443 [--key-file PATH]\n"
                         "  haven serve --store postgres://... [--keys-store URL] --key-file PATH "
                         "...\n"
                         "Prints the URL on stdout; SIGINT/SIGTERM stop it gracefully.");
  ServeArgs& a = cmd->args_;
  cmd->serve_->add_option("--data-dir", a.data_dir,
                          "Where Haven keeps its records (haven.db, keys.db, tls/); created 0700. "
                          "With --store postgres:// only tls/ and the webhook log");
  AddStoreOptions(cmd->serve_, &a.store, &a.keys_store);
  cmd->serve_->add_option("--models-dir", a.models_dir,
                          "The model registry whose active version to run (haven train; "
                          "default: DATA_DIR/models)");
  cmd->serve_
      ->add_option("--models-poll", a.models_poll,
                   "Seconds between checks of the model registry for a newly approved version, "
                   "loaded without a restart (0: only approvals through this instance's admin "
                   "page)")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  cmd->serve_
      ->add_option("--store-pool", a.store_pool,
                   "With --store postgres://: connections to the records' database")
      ->capture_default_str();
  cmd->serve_->add_option("--policy", a.policy,
                          "The escalation policy (YAML; default: policy/escalation.yaml of the "
                          "shipped data; check one with `haven policy check FILE`)");
  cmd->listen_ =
      cmd->serve_->add_option("--listen", a.listen, "HOST:PORT to listen on (port 0: any free one)")
          ->capture_default_str();
  cmd->serve_->add_option("--config", a.config,
                          "A YAML file of settings (config/haven.example.yaml lists them); the "
                          "flags win over it");
  cmd->serve_->add_option("--key-file", a.key_file,
                          "The key-encryption key, outside --data-dir; created (0600) when absent "
                          "(default: $HAVEN_KEY_FILE or ~/.config/haven/haven.key)");
  cmd->serve_->add_flag("--insecure-http", a.insecure_http,
                        "Plain HTTP, for development on a loopback address only");
  cmd->serve_->add_option("--tls-cert", a.tls_cert, "PEM certificate chain (default: self-signed)");
  cmd->serve_->add_option("--tls-key", a.tls_key, "PEM private key for --tls-cert");
  cmd->serve_->add_option("--web-root", a.web_root, "The pages to serve (default: web/)");
  cmd->serve_->add_option("--allow-origin", a.allowed_origins,
                          "An origin allowed to open /ws (default: the server's own)");
  AddLlmOptions(cmd->serve_, a.llm);
  return cmd;
}

bool ServeCommand::parsed() const { return serve_->parsed(); }

int ServeCommand::Run(const std::string& shipped_data_dir) const {
  ServeArgs args = args_;
  args.listen_given = listen_->count() > 0;
  return RunServe(args, shipped_data_dir, stdout, stderr);
}

}  // namespace haven::cli
