// WebhookNotifier against a real local receiver: a raw socket on 127.0.0.1, port 0, in a thread
// (optionally TLS with a self-signed certificate from tls_cert.h), which records each request
// and answers with a scripted sequence of statuses. Backoffs are a few milliseconds; waits are
// for conditions, with a generous limit, and no test asserts a duration.
#include "server/webhook.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sodium.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "server/tls_cert.h"

namespace haven::server {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

const std::string kSecret = "0123456789abcdef0123456789abcdef-test-key";

struct Seen {
  std::string request_line;
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
};

struct Answer {
  int status = 200;
  std::string headers;  // extra lines, each ending "\r\n"
};

// The receiver. Connection i gets script[i] (the last entry again beyond the script).
class Receiver {
 public:
  explicit Receiver(std::vector<Answer> script, SSL_CTX* tls = nullptr)
      : script_(std::move(script)), tls_(tls) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), len) != 0 || ::listen(fd_, 64) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      ADD_FAILURE() << "cannot listen";
    }
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~Receiver() { Stop(); }
  void Stop() {
    if (!thread_.joinable()) return;
    ::shutdown(fd_, SHUT_RDWR);  // wakes accept()
    thread_.join();
    ::close(fd_);
  }

  int port() const { return port_; }
  std::vector<Seen> seen() const {
    std::lock_guard lock(mu_);
    return seen_;
  }

 private:
  // Reads one request through `read` (returns bytes read, <= 0 at the end).
  static bool ReadRequest(const std::function<int(char*, int)>& read, Seen* out) {
    std::string data;
    char buf[4096];
    size_t header_end = std::string::npos, need = std::string::npos;
    while (need == std::string::npos || data.size() < need) {
      int n = read(buf, sizeof buf);
      if (n <= 0) return false;
      data.append(buf, static_cast<size_t>(n));
      if (header_end == std::string::npos) {
        header_end = data.find("\r\n\r\n");
        if (header_end == std::string::npos) continue;
        std::istringstream lines(data.substr(0, header_end));
        std::string line;
        std::getline(lines, line);
        out->request_line = line.substr(0, line.size() - 1);
        while (std::getline(lines, line)) {
          if (!line.empty() && line.back() == '\r') line.pop_back();
          size_t colon = line.find(':');
          if (colon == std::string::npos) continue;
          std::string name = line.substr(0, colon);
          std::transform(name.begin(), name.end(), name.begin(), ::tolower);
          out->headers[name] = line.substr(colon + 2);
        }
        size_t length = 0;
        if (out->headers.contains("content-length")) {
          length = std::stoul(out->headers["content-length"]);
        }
        need = header_end + 4 + length;
      }
    }
    out->body = data.substr(header_end + 4);
    return true;
  }

  void Serve() {
    for (;;) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      SSL* ssl = nullptr;
      if (tls_ != nullptr) {
        ssl = SSL_new(tls_);
        SSL_set_fd(ssl, c);
        if (SSL_accept(ssl) != 1) {  // e.g. the client refused the certificate
          SSL_free(ssl);
          ::close(c);
          continue;
        }
      }
      auto read = [&](char* b, int n) {
        return ssl ? SSL_read(ssl, b, n) : static_cast<int>(::recv(c, b, n, 0));
      };
      Seen s;
      if (ReadRequest(read, &s)) {
        Answer a;
        {
          std::lock_guard lock(mu_);
          a = script_[std::min(seen_.size(), script_.size() - 1)];
          seen_.push_back(s);
        }
        std::string out = "HTTP/1.1 " + std::to_string(a.status) +
                          " Scripted\r\nContent-Length: 0\r\nConnection: close\r\n" + a.headers +
                          "\r\n";
        if (ssl) {
          SSL_write(ssl, out.data(), static_cast<int>(out.size()));
        } else {
          (void)!::send(c, out.data(), out.size(), MSG_NOSIGNAL);
        }
      }
      if (ssl) {
        SSL_shutdown(ssl);
        SSL_free(ssl);
      }
      ::close(c);
    }
  }

  std::vector<Answer> script_;
  SSL_CTX* tls_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<Seen> seen_;
};

// Waits (up to a generous limit) until `done` holds.
bool WaitFor(const std::function<bool()>& done) {
  const auto limit = Clock::now() + std::chrono::seconds(30);
  while (!done()) {
    if (Clock::now() > limit) return false;
    std::this_thread::sleep_for(milliseconds(2));
  }
  return true;
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "haven-webhook-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

std::vector<nlohmann::json> ReadLog(const std::string& path) {
  std::ifstream in(path);
  std::vector<nlohmann::json> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

chat::Notification MakeNotification(const std::string& id, const std::string& webhook = "on_call") {
  chat::Notification n;
  n.id = id;
  n.webhook = webhook;
  n.kind = "escalation";
  n.conversation_id = "conv-7f3a";
  n.priority = 1;
  n.risk_level = "imminent";
  n.rules = {"imminent", "medical"};
  n.time = 1'700'000'000'123;
  return n;
}

WebhookEndpoint Endpoint(int port, int max_attempts = 6) {
  WebhookEndpoint e;
  e.name = "on_call";
  e.url = "http://127.0.0.1:" + std::to_string(port) + "/hook?team=night";
  e.secret = kSecret;
  e.timeout = std::chrono::seconds(10);
  e.max_attempts = max_attempts;
  return e;
}

WebhookOptions Options(std::vector<WebhookEndpoint> endpoints, const std::string& log) {
  WebhookOptions o;
  o.endpoints = std::move(endpoints);
  o.log_path = log;
  o.base_backoff = milliseconds(5);
  o.max_backoff = milliseconds(40);
  return o;
}

std::unique_ptr<WebhookNotifier> Make(WebhookOptions o) {
  auto n = WebhookNotifier::Create(std::move(o));
  if (!n.ok()) {
    ADD_FAILURE() << n.status().message();
    return nullptr;
  }
  return std::move(n).value();
}

// The HMAC as a receiver computes it, straight from libsodium.
std::string ExpectedSignature(const std::string& timestamp, const std::string& body) {
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(kSecret.data()),
                              kSecret.size());
  const std::string message = timestamp + "." + body;
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&st, mac);
  char hex[2 * sizeof mac + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return std::string("sha256=") + hex;
}

class WebhookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    std::signal(SIGPIPE, SIG_IGN);  // the receiver may write to a client that has gone
  }
  TempDir dir_;
  std::string log_ = dir_ / "webhook-deliveries.log";
};

TEST_F(WebhookTest, DeliversASignedPayloadWithTheDocumentedHeaders) {
  Receiver receiver({{200, ""}});
  auto notifier = Make(Options({Endpoint(receiver.port())}, log_));
  ASSERT_NE(notifier, nullptr);
  notifier->Notify(MakeNotification("n-1"));
  ASSERT_TRUE(WaitFor([&] { return notifier->stats().delivered == 1; }));

  auto seen = receiver.seen();
  ASSERT_EQ(seen.size(), 1u);
  const Seen& s = seen[0];
  EXPECT_EQ(s.request_line, "POST /hook?team=night HTTP/1.1");
  EXPECT_EQ(s.headers.at("content-type"), "application/json");
  EXPECT_EQ(s.headers.at("user-agent"), "haven-webhook/1");
  EXPECT_EQ(s.headers.at("x-haven-delivery"), "n-1");
  const std::string ts = s.headers.at("x-haven-timestamp");
  ASSERT_FALSE(ts.empty());
  EXPECT_TRUE(std::all_of(ts.begin(), ts.end(), ::isdigit)) << ts;
  const int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  EXPECT_LT(std::llabs(now_s - std::stoll(ts)), 300) << "unix seconds, not milliseconds";
  EXPECT_EQ(s.headers.at("x-haven-signature"), ExpectedSignature(ts, s.body));
  EXPECT_EQ(WebhookSignature(kSecret, ts, s.body), ExpectedSignature(ts, s.body));
  EXPECT_NE(ExpectedSignature(ts, s.body + " "), s.headers.at("x-haven-signature"));

  auto body = nlohmann::json::parse(s.body);
  std::set<std::string> keys;
  for (const auto& [k, v] : body.items()) keys.insert(k);
  EXPECT_EQ(keys, (std::set<std::string>{"id", "kind", "conversation", "priority", "risk_level",
                                         "rules", "time", "attempt", "console_path"}));
  EXPECT_EQ(body["id"], "n-1");
  EXPECT_EQ(body["kind"], "escalation");
  EXPECT_EQ(body["conversation"], "conv-7f3a");
  EXPECT_EQ(body["priority"], 1);
  EXPECT_EQ(body["risk_level"], "imminent");
  EXPECT_EQ(body["rules"], nlohmann::json::array({"imminent", "medical"}));
  EXPECT_EQ(body["time"], 1'700'000'000'123);
  EXPECT_EQ(body["attempt"], 1);
  EXPECT_EQ(body["console_path"], "/console.html#c=conv-7f3a");

  auto log = ReadLog(log_);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0]["outcome"], "delivered");
  EXPECT_EQ(log[0]["status"], 200);
  EXPECT_EQ(log[0]["error"], "");
  EXPECT_EQ(log[0]["attempt"], 1);
}

TEST_F(WebhookTest, RetriesServerErrorsThenDelivers) {
  Receiver receiver({{500, ""}, {500, ""}, {200, ""}});
  auto notifier = Make(Options({Endpoint(receiver.port())}, log_));
  ASSERT_NE(notifier, nullptr);
  notifier->Notify(MakeNotification("n-2"));
  ASSERT_TRUE(WaitFor([&] { return notifier->stats().delivered == 1; }));

  auto log = ReadLog(log_);
  ASSERT_EQ(log.size(), 3u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(log[i]["outcome"], "retry");
    EXPECT_EQ(log[i]["status"], 500);
    EXPECT_EQ(log[i]["error"], "http");
    EXPECT_EQ(log[i]["attempt"], i + 1);
    EXPECT_GE(log[i]["next_attempt_in_ms"].get<int64_t>(), 0);
    EXPECT_LE(log[i]["next_attempt_in_ms"].get<int64_t>(), 40);  // max_backoff
  }
  EXPECT_EQ(log[2]["outcome"], "delivered");
  EXPECT_EQ(log[2]["attempt"], 3);
  EXPECT_EQ(log[2]["next_attempt_in_ms"], 0);

  auto seen = receiver.seen();
  ASSERT_EQ(seen.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(seen[i].headers.at("x-haven-delivery"), "n-2");  // the idempotency key
    EXPECT_EQ(nlohmann::json::parse(seen[i].body)["attempt"], i + 1);
    EXPECT_EQ(seen[i].headers.at("x-haven-signature"),
              ExpectedSignature(seen[i].headers.at("x-haven-timestamp"), seen[i].body));
  }
  auto stats = notifier->stats();
  EXPECT_EQ(stats.retried, 2u);
  EXPECT_EQ(stats.failed, 0u);
  EXPECT_EQ(stats.queued, 0u);
  auto recent = notifier->Recent(10);
  ASSERT_EQ(recent.size(), 3u);
  EXPECT_EQ(recent[2].outcome, "delivered");
  EXPECT_EQ(notifier->Recent(1).size(), 1u);
  EXPECT_EQ(notifier->Recent(1)[0].outcome, "delivered");
}

TEST_F(WebhookTest, AClientErrorFailsWithoutRetry) {
  Receiver receiver({{400, ""}, {200, ""}});
  auto notifier = Make(Options({Endpoint(receiver.port())}, log_));
  ASSERT_NE(notifier, nullptr);
  notifier->Notify(MakeNotification("n-3"));
  ASSERT_TRUE(WaitFor([&] { return notifier->stats().failed == 1; }));
  notifier->Shutdown(Clock::now() + std::chrono::seconds(10));
  EXPECT_EQ(receiver.seen().size(), 1u);
  auto log = ReadLog(log_);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0]["outcome"], "failed");
  EXPECT_EQ(log[0]["status"], 400);
  EXPECT_EQ(log[0]["error"], "http");
  EXPECT_EQ(notifier->stats().retried, 0u);
}

TEST_F(WebhookTest, AClosedPortIsRetriedThenFailsAfterMaxAttempts) {
  int port = 0;
  {
    Receiver gone({{200, ""}});
    port = gone.port();
  }  // nobody listens there now
  auto notifier = Make(Options({Endpoint(port, /*max_attempts=*/3)}, log_));
  ASSERT_NE(notifier, nullptr);
  notifier->Notify(MakeNotification("n-4"));
  ASSERT_TRUE(WaitFor([&] { return notifier->stats().failed == 1; }));
  auto log = ReadLog(log_);
  ASSERT_EQ(log.size(), 3u);
  const char* outcomes[] = {"retry", "retry", "failed"};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(log[i]["outcome"], outcomes[i]);
    EXPECT_EQ(log[i]["attempt"], i + 1);
    EXPECT_EQ(log[i]["status"], 0);
    EXPECT_EQ(log[i]["error"], "connect");
  }
  EXPECT_EQ(log[2]["next_attempt_in_ms"], 0);
  EXPECT_EQ(notifier->stats().retried, 2u);
}

TEST_F(WebhookTest, TooManyRequestsHonoursRetryAfterCapped) {
  Receiver receiver({{429, "Retry-After: 0\r\n"}, {429, "Retry-After: 3600\r\n"}, {200, ""}});
  WebhookOptions o = Options({Endpoint(receiver.port())}, log_);
  o.base_backoff = milliseconds(25);
  o.max_retry_after = milliseconds(20);
  auto notifier = Make(std::move(o));
  ASSERT_NE(notifier, nullptr);
  notifier->Notify(MakeNotification("n-5"));
  ASSERT_TRUE(WaitFor([&] { return notifier->stats().delivered == 1; }));
  auto log = ReadLog(log_);
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0]["outcome"], "retry");
  EXPECT_EQ(log[0]["status"], 429);
  EXPECT_EQ(log[0]["next_attempt_in_ms"], 0);   // the receiver's word, not the backoff
  EXPECT_EQ(log[1]["next_attempt_in_ms"], 20);  // capped
  EXPECT_EQ(log[2]["outcome"], "delivered");
}

TEST_F(WebhookTest, AnUnknownWebhookIsLoggedAndDropped) {
  Receiver receiver({{200, ""}});
  auto notifier = Make(Options({Endpoint(receiver.port())}, log_));
  ASSERT_NE(notifier, nullptr);
  notifier->Notify(MakeNotification("n-6", "pager"));
  notifier->Shutdown(Clock::now() + std::chrono::seconds(10));
  EXPECT_TRUE(receiver.seen().empty());
  auto log = ReadLog(log_);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0]["outcome"], "unknown_webhook");
  EXPECT_EQ(log[0]["webhook"], "pager");
  EXPECT_EQ(log[0]["delivery"], "n-6");
  EXPECT_EQ(log[0]["attempt"], 0);
  EXPECT_EQ(notifier->stats().unknown, 1u);
}

TEST_F(WebhookTest, TheLogIsPrivateAndHoldsOnlyIds) {
  Receiver receiver({{503, ""}, {200, ""}});
  auto notifier = Make(Options({Endpoint(receiver.port())}, log_));
  ASSERT_NE(notifier, nullptr);
  notifier->Notify(MakeNotification("n-7"));
  notifier->Notify(MakeNotification("n-8", "pager"));
  ASSERT_TRUE(WaitFor([&] { return notifier->stats().delivered == 1; }));
  notifier->Shutdown(Clock::now() + std::chrono::seconds(10));

  struct stat st;
  ASSERT_EQ(::stat(log_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string text = ReadFile(log_);
  for (const char* never : {"conv-7f3a", "imminent", "medical", "escalation", "team=night", "/hook",
                            "127.0.0.1", "0123456789abcdef", "console", "sha256"}) {
    EXPECT_EQ(text.find(never), std::string::npos) << never << " in the log";
  }
  auto log = ReadLog(log_);
  ASSERT_EQ(log.size(), 3u);
  const std::set<std::string> expected{"time",    "delivery", "webhook", "attempt",
                                       "outcome", "status",   "error",   "next_attempt_in_ms"};
  for (const auto& line : log) {
    std::set<std::string> keys;
    for (const auto& [k, v] : line.items()) keys.insert(k);
    EXPECT_EQ(keys, expected) << line.dump();
    EXPECT_GT(line["time"].get<int64_t>(), 1'600'000'000'000);  // UTC milliseconds
  }
}

TEST_F(WebhookTest, AnExistingLogIsAppendedToAndMadePrivate) {
  {
    std::ofstream(log_) << R"({"earlier":"line"})"
                        << "\n";
  }
  ::chmod(log_.c_str(), 0644);
  auto notifier = Make(Options({}, log_));
  ASSERT_NE(notifier, nullptr);
  notifier->Notify(MakeNotification("n-9"));  // no endpoints: unknown
  notifier.reset();
  struct stat st;
  ASSERT_EQ(::stat(log_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto log = ReadLog(log_);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1]["outcome"], "unknown_webhook");
}

TEST_F(WebhookTest, ShutdownDeliversWhatIsQueuedThenRefuses) {
  Receiver receiver({{200, ""}});
  auto notifier = Make(Options({Endpoint(receiver.port())}, log_));
  ASSERT_NE(notifier, nullptr);
  for (int i = 0; i < 5; ++i) notifier->Notify(MakeNotification("q-" + std::to_string(i)));
  notifier->Shutdown(Clock::now() + std::chrono::seconds(30));
  EXPECT_EQ(notifier->stats().delivered, 5u);
  EXPECT_EQ(notifier->stats().queued, 0u);
  EXPECT_EQ(receiver.seen().size(), 5u);

  notifier->Notify(MakeNotification("late"));
  notifier->Shutdown(Clock::now());  // a second call returns
  EXPECT_EQ(notifier->stats().dropped, 1u);
  auto log = ReadLog(log_);
  ASSERT_EQ(log.size(), 6u);
  EXPECT_EQ(log[5]["outcome"], "dropped");
  EXPECT_EQ(log[5]["delivery"], "late");
}

TEST_F(WebhookTest, ShutdownGivesAWaitingRetryItsLastChanceAtOnce) {
  Receiver receiver({{500, ""}, {200, ""}});
  WebhookOptions o = Options({Endpoint(receiver.port())}, log_);
  o.base_backoff = std::chrono::minutes(10);  // the retry would wait that long...
  o.max_backoff = std::chrono::minutes(10);
  auto notifier = Make(std::move(o));
  ASSERT_NE(notifier, nullptr);
  notifier->Notify(MakeNotification("n-10"));
  ASSERT_TRUE(WaitFor([&] { return notifier->stats().retried == 1; }));
  notifier->Shutdown(Clock::now() + std::chrono::seconds(30));  // ...but shutdown tries now
  EXPECT_EQ(notifier->stats().delivered, 1u);
  EXPECT_EQ(receiver.seen().size(), 2u);
}

TEST_F(WebhookTest, ShutdownAtItsDeadlineDropsWhatIsLeft) {
  int port = 0;
  {
    Receiver gone({{200, ""}});
    port = gone.port();
  }
  WebhookOptions o = Options({Endpoint(port)}, log_);
  o.base_backoff = std::chrono::minutes(10);
  o.max_backoff = std::chrono::minutes(10);
  auto notifier = Make(std::move(o));
  ASSERT_NE(notifier, nullptr);
  notifier->Notify(MakeNotification("n-11"));
  ASSERT_TRUE(WaitFor([&] { return notifier->stats().retried == 1; }));
  notifier->Shutdown(Clock::now());  // the deadline is now: no further attempt
  auto stats = notifier->stats();
  EXPECT_EQ(stats.dropped, 1u);
  EXPECT_EQ(stats.queued, 0u);
  auto log = ReadLog(log_);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1]["outcome"], "dropped");
  EXPECT_EQ(log[1]["attempt"], 1);
}

TEST_F(WebhookTest, AFullQueueDropsTheOldest) {
  int port = 0;
  {
    Receiver gone({{200, ""}});
    port = gone.port();
  }
  WebhookOptions o = Options({Endpoint(port)}, log_);
  o.base_backoff = std::chrono::minutes(10);  // each waits for its retry, queued
  o.max_backoff = std::chrono::minutes(10);
  o.max_queue = 2;
  auto notifier = Make(std::move(o));
  ASSERT_NE(notifier, nullptr);
  notifier->Notify(MakeNotification("old"));
  ASSERT_TRUE(WaitFor([&] { return notifier->stats().retried == 1; }));
  notifier->Notify(MakeNotification("mid"));
  ASSERT_TRUE(WaitFor([&] { return notifier->stats().retried == 2; }));
  notifier->Notify(MakeNotification("new"));
  auto dropped = notifier->Recent(100);
  ASSERT_FALSE(dropped.empty());
  auto it = std::find_if(dropped.begin(), dropped.end(),
                         [](const DeliveryRecord& r) { return r.outcome == "dropped"; });
  ASSERT_NE(it, dropped.end());
  EXPECT_EQ(it->delivery, "old");
  EXPECT_EQ(notifier->stats().dropped, 1u);
  notifier->Shutdown(Clock::now());
}

TEST_F(WebhookTest, NotifyIsSafeFromManyThreadsDuringShutdown) {
  Receiver receiver({{200, ""}});
  auto notifier = Make(Options({Endpoint(receiver.port())}, log_));
  ASSERT_NE(notifier, nullptr);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        notifier->Notify(MakeNotification("t" + std::to_string(t) + "-" + std::to_string(i)));
      }
    });
  }
  std::thread stopper([&] { notifier->Shutdown(Clock::now() + std::chrono::seconds(30)); });
  for (auto& t : threads) t.join();
  stopper.join();
  notifier->Shutdown(Clock::now() + std::chrono::seconds(30));
  auto stats = notifier->stats();
  EXPECT_EQ(stats.delivered + stats.dropped, 100u);
  EXPECT_EQ(receiver.seen().size(), stats.delivered);
}

TEST_F(WebhookTest, DeliversOverHttpsWithTheGivenCa) {
  auto cert = EnsureSelfSignedCertificate(dir_ / "tls");
  ASSERT_TRUE(cert.ok()) << cert.status().message();
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  ASSERT_EQ(SSL_CTX_use_certificate_chain_file(ctx, cert->cert.c_str()), 1);
  ASSERT_EQ(SSL_CTX_use_PrivateKey_file(ctx, cert->key.c_str(), SSL_FILETYPE_PEM), 1);
  {
    Receiver receiver({{200, ""}}, ctx);
    WebhookEndpoint trusted = Endpoint(receiver.port(), 1);
    trusted.url = "https://127.0.0.1:" + std::to_string(receiver.port()) + "/in";
    trusted.ca_file = cert->cert;
    WebhookEndpoint untrusted = trusted;
    untrusted.name = "system_cas";
    untrusted.ca_file = "";
    auto notifier = Make(Options({trusted, untrusted}, log_));
    ASSERT_NE(notifier, nullptr);
    notifier->Notify(MakeNotification("s-1"));
    notifier->Notify(MakeNotification("s-2", "system_cas"));
    notifier->Shutdown(Clock::now() + std::chrono::seconds(30));
    auto seen = receiver.seen();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].request_line, "POST /in HTTP/1.1");
    EXPECT_EQ(seen[0].headers.at("x-haven-signature"),
              ExpectedSignature(seen[0].headers.at("x-haven-timestamp"), seen[0].body));
    auto log = ReadLog(log_);
    ASSERT_EQ(log.size(), 2u);
    std::map<std::string, nlohmann::json> by_id;
    for (const auto& l : log) by_id[l["delivery"]] = l;
    EXPECT_EQ(by_id["s-1"]["outcome"], "delivered");
    EXPECT_EQ(by_id["s-2"]["outcome"], "failed");  // the self-signed certificate is not trusted
    EXPECT_EQ(by_id["s-2"]["error"], "tls");
  }
  SSL_CTX_free(ctx);
}

TEST(WebhookCreate, RefusesBadOptionsWithoutQuotingTheUrl) {
  auto with = [](auto change) {
    WebhookOptions o;
    WebhookEndpoint e;
    e.name = "on_call";
    e.url = "https://hooks.example/in?token=s3cr3t";
    e.secret = kSecret;
    o.endpoints = {e};
    change(o);
    return WebhookNotifier::Create(std::move(o));
  };
  EXPECT_TRUE(with([](WebhookOptions&) {}).ok());
  const std::vector<std::function<void(WebhookOptions&)>> bad = {
      [](WebhookOptions& o) { o.endpoints[0].url = "http://hooks.example/in?token=s3cr3t"; },
      [](WebhookOptions& o) { o.endpoints[0].url = "ftp://hooks.example/?token=s3cr3t"; },
      [](WebhookOptions& o) { o.endpoints[0].secret = ""; },
      [](WebhookOptions& o) { o.endpoints[0].name = ""; },
      [](WebhookOptions& o) { o.endpoints[0].max_attempts = 0; },
      [](WebhookOptions& o) { o.endpoints[0].timeout = milliseconds(0); },
      [](WebhookOptions& o) { o.endpoints.push_back(o.endpoints[0]); },
      [](WebhookOptions& o) { o.max_queue = 0; },
  };
  for (const auto& change : bad) {
    auto r = with(change);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message().find("s3cr3t"), std::string::npos) << r.status().message();
    EXPECT_EQ(r.status().message().find(kSecret), std::string::npos);
  }
  auto no_log = with([](WebhookOptions& o) { o.log_path = "/nonexistent/dir/log"; });
  EXPECT_EQ(no_log.status().code(), StatusCode::kInternal);
}

// Known answers from Python's hmac and `openssl dgst -hmac` (the recipes in docs/webhooks.md),
// one with a key longer than SHA-256's block.
TEST(WebhookSignature, MatchesStandardHmacSha256) {
  EXPECT_EQ(WebhookSignature(kSecret, "1700000000", R"({"id":"n-1"})"),
            "sha256=099adffb38717a08c84d2bd99fed8e54869cbd582312f066e25e6ff303788ea6");
  EXPECT_EQ(WebhookSignature(std::string(100, 'k'), "1700000000", "{}"),
            "sha256=246744db1b92fde5a79e3f247a79cda0568f4bf337d5b4c24a5e8cfa1969b8fd");
}

TEST(CheckWebhookUrl, HttpsAnywhereHttpOnlyToLoopback) {
  for (const char* ok : {"https://hooks.example/in", "http://127.0.0.1:9000/in",
                         "http://127.1.2.3/", "http://localhost:8080", "http://[::1]:80/x"}) {
    EXPECT_TRUE(CheckWebhookUrl(ok).ok()) << ok;
  }
  for (const char* bad : {"http://10.0.0.1/in", "http://hooks.example/in", "http://128.0.0.1/",
                          "ftp://127.0.0.1/", "https://", "hooks.example"}) {
    EXPECT_FALSE(CheckWebhookUrl(bad).ok()) << bad;
  }
}

TEST(ReadWebhookSecret, ChecksModeTypeAndLength) {
  TempDir dir;
  auto write = [&](const std::string& name, const std::string& text, mode_t mode) {
    std::string p = dir / name;
    std::ofstream(p) << text;
    ::chmod(p.c_str(), mode);
    return p;
  };
  const std::string key(40, 'k');
  auto good = ReadWebhookSecret(write("good", key + "\n", 0600));
  ASSERT_TRUE(good.ok()) << good.status().message();
  EXPECT_EQ(*good, key);  // the trailing newline is not part of the key
  auto crlf = ReadWebhookSecret(write("crlf", key + "\r\n", 0400));
  ASSERT_TRUE(crlf.ok());
  EXPECT_EQ(*crlf, key);

  auto open = ReadWebhookSecret(write("open", key, 0640));
  ASSERT_FALSE(open.ok());
  EXPECT_NE(open.status().message().find("group or others"), std::string::npos);
  auto shrt = ReadWebhookSecret(write("short", std::string(31, 'k') + "\n", 0600));
  ASSERT_FALSE(shrt.ok());
  EXPECT_NE(shrt.status().message().find("at least 32 bytes"), std::string::npos);
  EXPECT_EQ(shrt.status().message().find("kkkk"), std::string::npos);
  EXPECT_FALSE(ReadWebhookSecret(dir / "missing").ok());
  fs::create_directory(dir / "a_dir");
  ::chmod((dir / "a_dir").c_str(), 0700);
  auto directory = ReadWebhookSecret(dir / "a_dir");
  ASSERT_FALSE(directory.ok());
  EXPECT_NE(directory.status().message().find("regular file"), std::string::npos);
}

}  // namespace
}  // namespace haven::server
