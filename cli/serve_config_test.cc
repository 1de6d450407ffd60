#include "cli/serve_config.h"

#include <gtest/gtest.h>

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
  EXPECT_EQ(chat.session_idle, dc.session_idle);
  EXPECT_EQ(chat.session_lifetime, dc.session_lifetime);
  EXPECT_EQ(chat.default_retention_days, dc.default_retention_days);
  EXPECT_EQ(chat.max_retention_days, dc.max_retention_days);
  EXPECT_EQ(chat.unkept_history_window, dc.unkept_history_window);
  EXPECT_EQ(chat.max_export_bytes, dc.max_export_bytes);
}

TEST(ServeConfigTest, AnUnreadableFileIsNamed) {
  server::ServerOptions server;
  chat::ChatOptions chat;
  ServeFileSettings file;
  Status s = LoadServeConfig("/nonexistent/haven.yaml", &server, &chat, &file);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("/nonexistent/haven.yaml"), std::string::npos);
}

}  // namespace
}  // namespace haven::cli
