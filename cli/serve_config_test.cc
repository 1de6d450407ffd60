#include "cli/serve_config.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace haven::cli {
namespace {

struct Applied {
  Status status;
  server::ServerOptions server;
  chat::ChatOptions chat;
  ServeFileSettings file;
};

Applied Apply(const std::string& yaml) {
  Applied a;
  a.status = ApplyServeConfig(yaml, &a.server, &a.chat, &a.file);
  return a;
}

TEST(ServeConfigTest, AnEmptyFileChangesNothing) {
  Applied a = Apply("");
  ASSERT_TRUE(a.status.ok()) << a.status.message();
  server::ServerOptions defaults;
  EXPECT_EQ(a.server.messages_per_minute, defaults.messages_per_minute);
  EXPECT_EQ(a.chat.default_retention_days, chat::ChatOptions().default_retention_days);
  EXPECT_TRUE(a.file.listen.empty());
}

TEST(ServeConfigTest, ReadsEverySection) {
  Applied a = Apply(R"(
listen: 0.0.0.0:443
web_root: /srv/web
allowed_origins: [https://haven.example, https://help.example]
tls: {cert: /etc/c.pem, key: /etc/k.pem}
workers: 4
locale: en-GB
limits:
  max_message_bytes: 2000
  max_frame_bytes: 32768
  handshake_timeout_seconds: 5
  idle_timeout_seconds: 60
  messages_per_minute: 12.5
  message_burst: 4
  account_messages_per_minute: 20
  account_message_burst: 5
  address_messages_per_minute: 300
  address_message_burst: 50
  max_connections: 5000
  max_connections_per_address: 0
  limit_loopback: true
sessions: {seeker_idle_days: 7, seeker_lifetime_days: 90}
privacy:
  default_retention_days: 30
  max_retention_days: 400
  unkept_history_hours: 6
  max_export_mib: 8
)");
  ASSERT_TRUE(a.status.ok()) << a.status.message();
  EXPECT_EQ(a.file.listen, "0.0.0.0:443");
  EXPECT_EQ(a.file.tls_cert, "/etc/c.pem");
  EXPECT_EQ(a.file.tls_key, "/etc/k.pem");
  EXPECT_EQ(a.server.web_root, "/srv/web");
  ASSERT_EQ(a.server.allowed_origins.size(), 2u);
  EXPECT_EQ(a.server.allowed_origins[1], "https://help.example");
  EXPECT_EQ(a.server.worker_threads, 4);
  EXPECT_EQ(a.chat.default_locale, "en-GB");
  EXPECT_EQ(a.chat.max_text_bytes, 2000u);
  EXPECT_EQ(a.server.max_frame_bytes, 32768u);
  EXPECT_EQ(a.server.handshake_timeout, std::chrono::seconds(5));
  EXPECT_EQ(a.server.idle_timeout, std::chrono::seconds(60));
  EXPECT_DOUBLE_EQ(a.server.messages_per_minute, 12.5);
  EXPECT_DOUBLE_EQ(a.server.message_burst, 4);
  EXPECT_DOUBLE_EQ(a.server.account_messages_per_minute, 20);
  EXPECT_DOUBLE_EQ(a.server.account_message_burst, 5);
  EXPECT_DOUBLE_EQ(a.server.address_messages_per_minute, 300);
  EXPECT_DOUBLE_EQ(a.server.address_message_burst, 50);
  EXPECT_EQ(a.server.max_connections, 5000);
  EXPECT_EQ(a.server.max_connections_per_address, 0);
  EXPECT_TRUE(a.server.limit_loopback);
  EXPECT_EQ(a.chat.session_idle, std::chrono::hours(24 * 7));
  EXPECT_EQ(a.chat.session_lifetime, std::chrono::hours(24 * 90));
  EXPECT_EQ(a.chat.default_retention_days, 30);
  EXPECT_EQ(a.chat.max_retention_days, 400);
  EXPECT_EQ(a.chat.unkept_history_window, std::chrono::hours(6));
  EXPECT_EQ(a.chat.max_export_bytes, 8u * 1024 * 1024);
}

// Each mistake is refused with the key's name and line, and nothing is applied.
TEST(ServeConfigTest, RefusesMistakesNamingTheKeyAndLine) {
  struct Case {
    const char* yaml;
    const char* expect;
  };
  const Case cases[] = {
      {"listn: 127.0.0.1:1", "config: listn (line 1): unknown key"},
      {"limits:\n  messages_per_minut: 3",
       "config: limits.messages_per_minut (line 2): unknown key"},
      {"limits:\n  message_burst: lots", "limits.message_burst (line 2): must be a number"},
      {"limits:\n  message_burst: 0", "limits.message_burst (line 2): must be between 1 and"},
      {"limits:\n  max_connections: 2.5",
       "limits.max_connections (line 2): must be a whole number"},
      {"limits:\n  limit_loopback: yes", "limits.limit_loopback (line 2): must be true or false"},
      {"limits:\n  max_message_bytes: 70000", "max_message_bytes must not exceed max_frame_bytes"},
      {"limits: 3", "config: limits (line 1): must be a mapping"},
      {"workers: 0", "workers (line 1): must be between 1 and 64"},
      {"allowed_origins: https://one.example", "allowed_origins (line 1): must be a list"},
      {"tls: {cert: /c.pem}", "tls (line 1): give both cert and key"},
      {"privacy:\n  default_retention_days: 500\n  max_retention_days: 400",
       "default_retention_days must not exceed max_retention_days"},
      {"sessions: {seeker_idle_days: 200, seeker_lifetime_days: 100}",
       "seeker_idle_days must not exceed seeker_lifetime_days"},
      {"privacy:\n  default_retention_days: -1", "must be between 1 and 36500"},
      {"limits: {messages_per_minute: 1e999}", "must be a number"},
      {"listen: [1, 2]", "listen (line 1): must be a non-empty string"},
      {"- a\n- b", "config:  (line 1): must be a mapping"},
      {"limits: {a: 1\n", "config: malformed YAML"},
      {"learning: {bandit: on}", "learning.bandit (line 1): must be off, explore or thompson"},
      {"learning: {explore_percent: 101}", "learning.explore_percent (line 1): must be between"},
      {"learning: {greedy: true}", "learning.greedy (line 1): unknown key"},
  };
  for (const Case& c : cases) {
    Applied a = Apply(c.yaml);
    EXPECT_EQ(a.status.code(), StatusCode::kInvalidArgument) << c.yaml;
    EXPECT_NE(a.status.message().find(c.expect), std::string::npos)
        << c.yaml << " -> " << a.status.message();
    EXPECT_DOUBLE_EQ(a.server.messages_per_minute, server::ServerOptions().messages_per_minute);
    EXPECT_EQ(a.chat.default_retention_days, chat::ChatOptions().default_retention_days);
  }
}

// The example shipped for operators is valid and says exactly the defaults.
TEST(ServeConfigTest, TheShippedExampleIsValidAndHoldsTheDefaults) {
  server::ServerOptions server;
  chat::ChatOptions chat;
  ServeFileSettings file;
  Status s = LoadServeConfig(std::string(HAVEN_TESTS_DIR) + "/../config/haven.example.yaml",
                             &server, &chat, &file);
  ASSERT_TRUE(s.ok()) << s.message();
  const server::ServerOptions ds;
  const chat::ChatOptions dc;
  EXPECT_EQ(file.listen, "127.0.0.1:8443");
  EXPECT_EQ(server.worker_threads, ds.worker_threads);
  EXPECT_EQ(chat.default_locale, dc.default_locale);
  EXPECT_EQ(chat.max_text_bytes, dc.max_text_bytes);
  EXPECT_EQ(server.max_frame_bytes, ds.max_frame_bytes);
  EXPECT_EQ(server.handshake_timeout, ds.handshake_timeout);
  EXPECT_EQ(server.idle_timeout, ds.idle_timeout);
  EXPECT_EQ(server.messages_per_minute, ds.messages_per_minute);
  EXPECT_EQ(server.message_burst, ds.message_burst);
  EXPECT_EQ(server.account_messages_per_minute, ds.account_messages_per_minute);
  EXPECT_EQ(server.account_message_burst, ds.account_message_burst);
  EXPECT_EQ(server.address_messages_per_minute, ds.address_messages_per_minute);
  EXPECT_EQ(server.address_message_burst, ds.address_message_burst);
  EXPECT_EQ(server.max_connections, ds.max_connections);
  EXPECT_EQ(server.max_connections_per_address, ds.max_connections_per_address);
  EXPECT_EQ(server.limit_loopback, ds.limit_loopback);
  const chat::OversightOptions dov;
  EXPECT_DOUBLE_EQ(file.oversight.review_sample_rate, dov.review_sample_rate);
  EXPECT_EQ(file.oversight.break_glass_duration, dov.break_glass_duration);
  EXPECT_EQ(chat.session_idle, dc.session_idle);
  EXPECT_EQ(chat.session_lifetime, dc.session_lifetime);
  EXPECT_EQ(chat.default_retention_days, dc.default_retention_days);
  EXPECT_EQ(chat.max_retention_days, dc.max_retention_days);
  EXPECT_EQ(chat.unkept_history_window, dc.unkept_history_window);
  EXPECT_EQ(chat.max_export_bytes, dc.max_export_bytes);
  EXPECT_TRUE(file.webhooks.empty());  // listed, commented out
  const ServeFileSettings df;
  EXPECT_EQ(file.bandit, df.bandit);
  const chat::InsightsOptions di;
  EXPECT_EQ(file.insights.epsilon, di.epsilon);
  EXPECT_EQ(file.insights.period_budget, di.period_budget);
  EXPECT_EQ(file.insights.period_days, di.period_days);
  EXPECT_EQ(file.insights.min_group_size, di.min_group_size);
  EXPECT_EQ(file.insights.weeks, di.weeks);
  EXPECT_EQ(file.insights.cache_ms, di.cache_ms);
  EXPECT_DOUBLE_EQ(file.explore_rate, df.explore_rate);
}

TEST(ServeConfigTest, ReadsLearning) {
  server::ServerOptions server;
  chat::ChatOptions chat;
  ServeFileSettings file;
  ASSERT_TRUE(
      ApplyServeConfig("learning: {bandit: explore, explore_percent: 20}", &server, &chat, &file)
          .ok());
  EXPECT_EQ(file.bandit, chat::BanditMode::kExplore);
  EXPECT_DOUBLE_EQ(file.explore_rate, 0.2);
  ASSERT_TRUE(ApplyServeConfig("learning: {bandit: thompson}", &server, &chat, &file).ok());
  EXPECT_EQ(file.bandit, chat::BanditMode::kThompson);
}

// A temporary directory holding webhook secrets, removed at the end.
class SecretDir {
 public:
  SecretDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "haven-cfg-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~SecretDir() { std::filesystem::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& text, mode_t mode) const {
    const std::string p = (path_ / name).string();
    std::ofstream(p) << text;
    ::chmod(p.c_str(), mode);
    return p;
  }

 private:
  std::filesystem::path path_;
};

const std::string kKey = "an-on-call-signing-key-of-40-bytes-long!";

TEST(ServeConfigTest, ReadsWebhooksWithTheirSecrets) {
  SecretDir dir;
  const std::string key = dir.Write("on_call.key", kKey + "\n", 0600);
  const std::string pager = dir.Write("pager.key", std::string(64, 'p'), 0400);
  const std::string ca = dir.Write("ca.pem", "not checked here", 0644);
  Applied a = Apply(
      "webhooks:\n"
      "  on_call:\n"
      "    url: https://hooks.example/in?team=night\n"
      "    secret_file: " +
      key +
      "\n"
      "    ca_file: " +
      ca +
      "\n"
      "    timeout_ms: 2500\n"
      "    max_attempts: 3\n"
      "  local-pager: {url: \"http://127.0.0.1:9000/\", secret_file: " +
      pager + ", ca_file: \"\"}\n");
  ASSERT_TRUE(a.status.ok()) << a.status.message();
  ASSERT_EQ(a.file.webhooks.size(), 2u);
  const server::WebhookEndpoint& w = a.file.webhooks[0];
  EXPECT_EQ(w.name, "on_call");
  EXPECT_EQ(w.url, "https://hooks.example/in?team=night");
  EXPECT_EQ(w.secret, kKey);  // without the trailing newline
  EXPECT_EQ(w.ca_file, ca);
  EXPECT_EQ(w.timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(w.max_attempts, 3);
  const server::WebhookEndpoint& p = a.file.webhooks[1];
  EXPECT_EQ(p.name, "local-pager");
  EXPECT_EQ(p.secret, std::string(64, 'p'));
  EXPECT_EQ(p.ca_file, "");
  EXPECT_EQ(p.timeout, server::WebhookEndpoint().timeout);
  EXPECT_EQ(p.max_attempts, server::WebhookEndpoint().max_attempts);
}

// Each webhook mistake is refused with the key and its line, never quoting the URL or the key.
TEST(ServeConfigTest, RefusesWebhookMistakes) {
  SecretDir dir;
  const std::string good = dir.Write("good.key", kKey, 0600);
  const std::string open = dir.Write("open.key", kKey, 0644);
  const std::string group = dir.Write("group.key", kKey, 0620);
  const std::string shrt = dir.Write("short.key", std::string(31, 'k') + "\n", 0600);
  struct Case {
    std::string yaml;
    const char* expect;
  };
  const std::string h = "webhooks:\n  on_call:\n";
  const Case cases[] = {
      {h + "    url: https://h.example/?t=s3cr3t\n    secret_file: " + good + "\n    retries: 3",
       "config: webhooks.on_call.retries (line 5): unknown key"},
      {h + "    url: http://h.example/?t=s3cr3t\n    secret_file: " + good,
       "webhooks.on_call.url (line 3): the webhook URL must be https://"},
      {h + "    url: ftp://h.example/?t=s3cr3t\n    secret_file: " + good,
       "webhooks.on_call.url (line 3): the webhook URL must start with http:// or https://"},
      {h + "    url: https://h.example/?t=s3cr3t\n    secret_file: " + open,
       "webhooks.on_call.secret_file (line 4): the secret file must not be readable"},
      {h + "    url: https://h.example/?t=s3cr3t\n    secret_file: " + group,
       "webhooks.on_call.secret_file (line 4): the secret file must not be readable"},
      {h + "    url: https://h.example/?t=s3cr3t\n    secret_file: " + shrt,
       "webhooks.on_call.secret_file (line 4): the secret file must hold at least 32 bytes"},
      {h + "    url: https://h.example/?t=s3cr3t\n    secret_file: /nonexistent/k",
       "webhooks.on_call.secret_file (line 4): the secret file cannot be opened"},
      {h + "    url: https://h.example/?t=s3cr3t\n    secret_file: /",
       "webhooks.on_call.secret_file (line 4): the secret file must be a regular file"},
      {h + "    url: https://h.example/?t=s3cr3t", "webhooks.on_call (line 3): give url and"},
      {h + "    secret_file: " + good, "webhooks.on_call (line 3): give url and secret_file"},
      {h + "    url: https://h.example/\n    secret_file: " + good + "\n    timeout_ms: 0",
       "webhooks.on_call.timeout_ms (line 5): must be between 100 and 120000"},
      {h + "    url: https://h.example/\n    secret_file: " + good + "\n    max_attempts: 0",
       "webhooks.on_call.max_attempts (line 5): must be between 1 and 100"},
      {h + "    url: https://h.example/\n    secret_file: " + good +
           "\n    ca_file: /nonexistent/ca.pem",
       "webhooks.on_call.ca_file (line 5): is not a readable file"},
      {"webhooks:\n  \"on call\": {url: https://h.example/, secret_file: " + good + "}",
       "webhooks.on call (line 2): a webhook's name is"},
      {"webhooks: [on_call]", "config: webhooks (line 1): must be a mapping"},
      {"webhooks:\n  on_call: https://h.example/", "webhooks.on_call (line 2): must be a mapping"},
  };
  for (const Case& c : cases) {
    Applied a = Apply(c.yaml);
    EXPECT_EQ(a.status.code(), StatusCode::kInvalidArgument) << c.yaml;
    EXPECT_NE(a.status.message().find(c.expect), std::string::npos)
        << c.yaml << " -> " << a.status.message();
    EXPECT_EQ(a.status.message().find("s3cr3t"), std::string::npos) << a.status.message();
    EXPECT_EQ(a.status.message().find(kKey), std::string::npos) << a.status.message();
    EXPECT_TRUE(a.file.webhooks.empty());
  }
}

TEST(ServeConfigTest, AnUnreadableFileIsNamed) {
  server::ServerOptions server;
  chat::ChatOptions chat;
  ServeFileSettings file;
  Status s = LoadServeConfig("/nonexistent/haven.yaml", &server, &chat, &file);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("/nonexistent/haven.yaml"), std::string::npos);
}

TEST(ServeConfigTest, ReadsTheStoreWithoutQuotingABadOne) {
  Applied a = Apply("store: postgres://haven:pw@db/haven\nkeys_store: postgres://haven@db/keys\n");
  ASSERT_TRUE(a.status.ok()) << a.status.message();
  EXPECT_EQ(a.file.store, "postgres://haven:pw@db/haven");
  EXPECT_EQ(a.file.keys_store, "postgres://haven@db/keys");
  EXPECT_TRUE(Apply("store: sqlite\n").status.ok());
  Applied bad = Apply("store: mysql://u:hunter2@h/db\n");
  ASSERT_FALSE(bad.status.ok());
  EXPECT_NE(bad.status.message().find("store (line 1)"), std::string::npos);
  EXPECT_EQ(bad.status.message().find("hunter2"), std::string::npos);
  Applied bad_keys = Apply("keys_store: host=db password=hunter2\n");
  ASSERT_FALSE(bad_keys.status.ok());
  EXPECT_EQ(bad_keys.status.message().find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace haven::cli
