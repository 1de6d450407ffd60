#include "server/http_policy.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <string>

namespace haven::server {
namespace {

namespace fs = std::filesystem;

class StaticPathTest : public ::testing::Test {
 protected:
  StaticPathTest() {
    std::string tmpl = (fs::temp_directory_path() / "haven-web-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    fs::create_directories(dir_ / "web" / "css");
    std::ofstream(dir_ / "web" / "chat.html") << "<html>";
    std::ofstream(dir_ / "web" / "css" / "a.css") << "body{}";
    std::ofstream(dir_ / "web" / ".hidden") << "x";
    std::ofstream(dir_ / "secret.txt") << "secret";
    fs::create_symlink(dir_ / "secret.txt", dir_ / "web" / "link.txt");
  }
  ~StaticPathTest() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::optional<fs::path> Resolve(std::string_view target) {
    return ResolveStaticPath(dir_ / "web", target);
  }
  fs::path dir_;
};

TEST_F(StaticPathTest, ServesFilesUnderRoot) {
  ASSERT_TRUE(Resolve("/"));
  EXPECT_EQ(Resolve("/")->filename(), "chat.html");
  EXPECT_TRUE(Resolve("/chat.html"));
  EXPECT_TRUE(Resolve("/chat.html?x=1"));
  EXPECT_TRUE(Resolve("/css/a.css"));
  EXPECT_TRUE(Resolve("/%63hat.html"));
}

TEST_F(StaticPathTest, RefusesTraversalAndOddPaths) {
  for (std::string_view t :
       {"/../secret.txt", "/css/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
        "/..%2fsecret.txt", "/.hidden", "/link.txt", "/css/", "//etc/passwd", "/css\\a.css",
        "/chat.html%00.png", "/missing.html", "relative.html", "", "/%zz", "/%2"}) {
    EXPECT_FALSE(Resolve(t)) << t;
  }
  EXPECT_FALSE(ResolveStaticPath("", "/chat.html"));
}

TEST(HttpPolicyTest, SecurityHeaders) {
  auto has = [](const auto& headers, std::string_view name, std::string_view part) {
    for (const auto& [n, v] : headers) {
      if (n == name && v.find(part) != std::string::npos) return true;
    }
    return false;
  };
  auto tls = SecurityHeaders(true);
  EXPECT_TRUE(has(tls, "Content-Security-Policy", "frame-ancestors 'none'"));
  EXPECT_TRUE(has(tls, "X-Content-Type-Options", "nosniff"));
  EXPECT_TRUE(has(tls, "Referrer-Policy", "no-referrer"));
  EXPECT_TRUE(has(tls, "Cache-Control", "no-store"));
  EXPECT_TRUE(has(tls, "Strict-Transport-Security", "max-age="));
  EXPECT_FALSE(has(SecurityHeaders(false), "Strict-Transport-Security", ""));
}

TEST(HttpPolicyTest, OriginAllowlist) {
  std::vector<std::string> allowed = {"https://localhost:8443"};
  EXPECT_TRUE(OriginAllowed("https://localhost:8443", allowed));
  EXPECT_TRUE(OriginAllowed("HTTPS://LOCALHOST:8443", allowed));
  EXPECT_TRUE(OriginAllowed(std::nullopt, allowed));
  EXPECT_FALSE(OriginAllowed("https://evil.example", allowed));
  EXPECT_FALSE(OriginAllowed("https://localhost:8443.evil.example", allowed));
  EXPECT_FALSE(OriginAllowed("null", allowed));
}

TEST(HttpPolicyTest, RateLimiterAllowsBurstThenRate) {
  RateLimiter limiter(60, 3);  // one a second, three at once
  EXPECT_TRUE(limiter.Allow(0));
  EXPECT_TRUE(limiter.Allow(0));
  EXPECT_TRUE(limiter.Allow(0));
  EXPECT_FALSE(limiter.Allow(0));
  EXPECT_FALSE(limiter.Allow(500));
  EXPECT_TRUE(limiter.Allow(1000));
  EXPECT_FALSE(limiter.Allow(1000));
  EXPECT_TRUE(limiter.Allow(100000));
}

TEST(HttpPolicyTest, KeyedRateLimiterKeepsOneBucketPerKey) {
  KeyedRateLimiter limiter(60, 2);
  EXPECT_TRUE(limiter.Allow("account-a", 0));
  EXPECT_TRUE(limiter.Allow("account-a", 0));
  EXPECT_FALSE(limiter.Allow("account-a", 0));  // a's burst is spent...
  EXPECT_TRUE(limiter.Allow("account-b", 0));   // ...b's is not
  EXPECT_TRUE(limiter.Allow("account-a", 1000));
  EXPECT_EQ(limiter.size(), 2u);
}

TEST(HttpPolicyTest, KeyedRateLimiterStaysBoundedWithoutFreeingABusyKey) {
  KeyedRateLimiter limiter(60, 2, /*max_keys=*/2);
  EXPECT_TRUE(limiter.Allow("busy", 0));
  EXPECT_TRUE(limiter.Allow("busy", 0));
  EXPECT_FALSE(limiter.Allow("busy", 0));
  EXPECT_TRUE(limiter.Allow("idle", 0));
  // A third key at 1.5 s: "idle" has refilled (forgetting it changes nothing); "busy", at one
  // token a second, holds 1.5 of 2 and is kept.
  EXPECT_TRUE(limiter.Allow("third", 1500));
  EXPECT_EQ(limiter.size(), 2u);
  EXPECT_TRUE(limiter.Allow("busy", 1500));   // the busy bucket was kept: one token refilled
  EXPECT_FALSE(limiter.Allow("busy", 1500));  // and spent
  // When no bucket is full, the least recently used goes.
  for (int i = 0; i < 10; ++i) limiter.Allow("k" + std::to_string(i), 1500);
  EXPECT_EQ(limiter.size(), 2u);
}

TEST(HttpPolicyTest, AddressCounterCapsEachAddress) {
  AddressCounter counter;
  EXPECT_TRUE(counter.Acquire("192.0.2.1", 2));
  EXPECT_TRUE(counter.Acquire("192.0.2.1", 2));
  EXPECT_FALSE(counter.Acquire("192.0.2.1", 2));
  EXPECT_TRUE(counter.Acquire("192.0.2.2", 2));
  EXPECT_EQ(counter.Count("192.0.2.1"), 2);
  counter.Release("192.0.2.1");
  EXPECT_TRUE(counter.Acquire("192.0.2.1", 2));
  EXPECT_TRUE(counter.Acquire("192.0.2.3", 0));  // no cap
  counter.Release("192.0.2.3");
  EXPECT_EQ(counter.Count("192.0.2.3"), 0);
  counter.Release("never-seen");  // harmless
}

TEST(HttpPolicyTest, MetricsRenderAsPrometheusText) {
  Metrics m;
  m.http_requests = 3;
  m.ws_active = 1;
  std::string text = m.Render();
  EXPECT_NE(text.find("# TYPE haven_http_requests_total counter\nhaven_http_requests_total 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("haven_ws_active 1\n"), std::string::npos);
  EXPECT_EQ(MimeType("a.html"), "text/html; charset=utf-8");
  EXPECT_EQ(MimeType("a.js"), "text/javascript; charset=utf-8");
}

}  // namespace
}  // namespace haven::server
