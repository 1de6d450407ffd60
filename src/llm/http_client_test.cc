// HttpPost against a real local server (a raw socket on 127.0.0.1, port 0, in a thread) that
// records what it receives and answers with scripted bytes. HTTPS is exercised by
// server/webhook_test.cc (it can make a certificate).
#include "llm/http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace haven::llm {
namespace {

// Answers connection i with answers[i] (the last one again beyond the script). An answer of ""
// reads the request and then says nothing until the client goes away.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<std::string> answers) : answers_(std::move(answers)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), len) != 0 || ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      ADD_FAILURE() << "cannot listen";
    }
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedServer() {
    ::shutdown(fd_, SHUT_RDWR);  // wakes accept()
    thread_.join();
    ::close(fd_);
  }
  std::string port() const { return std::to_string(port_); }
  std::vector<std::string> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  void Serve() {
    for (size_t i = 0;; ++i) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string request;
      char buf[4096];
      size_t need = std::string::npos;
      while (request.size() < need) {
        ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        request.append(buf, static_cast<size_t>(n));
        size_t end = request.find("\r\n\r\n");
        if (end != std::string::npos && need == std::string::npos) {
          size_t cl = request.find("Content-Length: ");
          need = end + 4 + (cl == std::string::npos ? 0 : std::stoul(request.substr(cl + 16)));
        }
      }
      {
        std::lock_guard lock(mu_);
        requests_.push_back(request);
      }
      const std::string& answer = answers_[std::min(i, answers_.size() - 1)];
      if (answer.empty()) {
        while (::recv(c, buf, sizeof buf, 0) > 0) {
        }
      } else {
        (void)!::send(c, answer.data(), answer.size(), MSG_NOSIGNAL);
      }
      ::close(c);
    }
  }

  std::vector<std::string> answers_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<std::string> requests_;
};

Endpoint Local(const std::string& port) { return {false, "127.0.0.1", port, ""}; }

TEST(ParseHttpUrl, ReadsSchemeHostPortPathAndQuery) {
  auto a = ParseHttpUrl("https://hooks.example/in/abc?t=1#frag");
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->tls);
  EXPECT_EQ(a->host, "hooks.example");
  EXPECT_EQ(a->port, "443");
  EXPECT_EQ(a->path, "/in/abc?t=1");
  auto b = ParseHttpUrl("http://127.0.0.1:9000?x=y");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->port, "9000");
  EXPECT_EQ(b->path, "/?x=y");
  auto c = ParseHttpUrl("http://[::1]/");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->path, "/");
}

TEST(ParseHttpUrl, RefusesWhatIsNotAnHttpUrlNamingIt) {
  for (const char* bad :
       {"ftp://x/", "x:80", "http://", "http://:1/", "http://h:8x/", "http://u:p@h/", "http://h:/",
        "http://h:70000/", "http://h/a b", "http://h/\r\nX: y"}) {
    auto r = ParseHttpUrl(bad, "the hook URL");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().message().rfind("the hook URL", 0), 0u) << r.status().message();
  }
}

TEST(HttpPost, SendsTheRequestAndReturnsStatusHeadersAndBody) {
  ScriptedServer server(
      {"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nContent-Length: "
       "2\r\nConnection: close\r\n\r\nno"});
  auto r = HttpPost(Local(server.port()), "/in?x=1", {{"Content-Type", "application/json"}},
                    R"({"a":1})", std::chrono::seconds(5), "");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, 429u);
  EXPECT_EQ(r->Header("retry-after"), "7");
  EXPECT_EQ(r->Header("X-Missing"), "");
  EXPECT_EQ(r->body, "no");
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].rfind("POST /in?x=1 HTTP/1.1\r\n", 0), 0u) << seen[0];
  EXPECT_NE(seen[0].find("Host: 127.0.0.1\r\n"), std::string::npos);
  EXPECT_NE(seen[0].find("Content-Type: application/json\r\n"), std::string::npos);
  EXPECT_NE(seen[0].find("Content-Length: 7\r\n"), std::string::npos);
  EXPECT_EQ(seen[0].substr(seen[0].size() - 7), R"({"a":1})");
}

TEST(HttpPost, NobodyListeningIsAConnectError) {
  std::string port;
  {
    ScriptedServer gone({"x"});
    port = gone.port();
  }  // closed: the port now refuses
  auto r = HttpPost(Local(port), "/", {}, "secret body", std::chrono::seconds(5), "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(HttpErrorKindOf(r.status()), HttpErrorKind::kConnect) << r.status().message();
  EXPECT_EQ(r.status().message().find("secret"), std::string::npos);
}

TEST(HttpPost, ASilentServerIsATimeout) {
  ScriptedServer server({""});
  auto r = HttpPost(Local(server.port()), "/", {}, "{}", std::chrono::milliseconds(200), "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(HttpErrorKindOf(r.status()), HttpErrorKind::kTimeout) << r.status().message();
  EXPECT_EQ(HttpErrorKindName(HttpErrorKindOf(r.status())), "timeout");
}

TEST(HttpPost, GarbageOrATooLargeAnswerIsAnHttpError) {
  ScriptedServer garbage({"SMTP ready\r\n\r\n"});
  auto r = HttpPost(Local(garbage.port()), "/", {}, "{}", std::chrono::seconds(5), "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(HttpErrorKindOf(r.status()), HttpErrorKind::kHttp) << r.status().message();

  ScriptedServer huge(
      {"HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n" + std::string(2000000, 'x')});
  auto big = HttpPost(Local(huge.port()), "/", {}, "{}", std::chrono::seconds(5), "");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().message(), "http: answer too large");
}

TEST(HttpPost, AMissingCaFileIsATlsError) {
  auto r = HttpPost({true, "127.0.0.1", "1", ""}, "/", {}, "{}", std::chrono::seconds(1),
                    "/nonexistent/ca.pem");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(HttpErrorKindOf(r.status()), HttpErrorKind::kTls) << r.status().message();
}

}  // namespace
}  // namespace haven::llm
