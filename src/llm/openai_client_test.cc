// The client's pure parts. The exchange itself runs against a scripted OpenAI-compatible server
// (HTTP and HTTPS) in tests/integration/llm_backend_test.py.
#include "llm/openai_client.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <nlohmann/json.hpp>

namespace haven::llm {
namespace {

TEST(ParseBaseUrl, ReadsSchemeHostPortAndPath) {
  auto a = ParseBaseUrl("http://127.0.0.1:8080/v1/");
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->tls);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, "8080");
  EXPECT_EQ(a->path, "/v1");
  auto b = ParseBaseUrl("https://api.example.com/v1");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->tls);
  EXPECT_EQ(b->port, "443");
  auto c = ParseBaseUrl("http://[::1]:11434");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->port, "11434");
  EXPECT_EQ(c->path, "");
}

TEST(ParseBaseUrl, RefusesWhatIsNotAnHttpUrl) {
  for (const char* bad : {"ftp://x/v1", "127.0.0.1:8080", "http://", "http://:80/v1",
                          "http://host:8x/v1", "http://user:pw@host/v1", "http://host:/v1"}) {
    EXPECT_FALSE(ParseBaseUrl(bad).ok()) << bad;
  }
}

TEST(ChatCompletionsBody, IsTheOpenAiShape) {
  reply::GenerationRequest req;
  req.messages = {{"system", "rules"}, {"user", "hello \xff"}};
  req.max_tokens = 50;
  auto j = nlohmann::json::parse(ChatCompletionsBody("llama", req));
  EXPECT_EQ(j["model"], "llama");
  EXPECT_EQ(j["messages"].size(), 2u);
  EXPECT_EQ(j["messages"][0]["role"], "system");
  EXPECT_EQ(j["messages"][1]["content"], "hello \xEF\xBF\xBD");  // invalid byte replaced
  EXPECT_EQ(j["max_tokens"], 50);
  EXPECT_EQ(j["stream"], false);
}

TEST(ParseChatCompletion, TakesTheFirstChoicesContent) {
  auto ok = ParseChatCompletion(
      R"({"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"Hi there."}}]})");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, "Hi there.");
  for (const char* bad : {"", "[]", "{}", R"({"choices":[]})", R"({"choices":[1]})",
                          R"({"choices":[{"message":{"content":null}}]})", "{\"choices\":"}) {
    auto r = ParseChatCompletion(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().message().rfind("bad answer", 0), 0u);
  }
}

TEST(OpenAiClient, CreateChecksItsOptions) {
  EXPECT_FALSE(OpenAiClient::Create({"http://127.0.0.1:1/v1", "", "", "", {}}).ok());
  unsetenv("HAVEN_TEST_NO_SUCH_KEY");
  auto unset = OpenAiClient::Create(
      {"http://127.0.0.1:1/v1", "m", "HAVEN_TEST_NO_SUCH_KEY", "", std::chrono::seconds(1)});
  ASSERT_FALSE(unset.ok());
  EXPECT_NE(unset.status().message().find("HAVEN_TEST_NO_SUCH_KEY"), std::string::npos);
  setenv("HAVEN_TEST_KEY", "secret-value", 1);
  auto ok = OpenAiClient::Create(
      {"http://127.0.0.1:1/v1", "m", "HAVEN_TEST_KEY", "", std::chrono::seconds(1)});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)->name(), "m");
}

TEST(OpenAiClient, NobodyListeningIsAnErrorThatQuotesNothing) {
  // Port 1 on loopback: connection refused at once.
  auto client =
      OpenAiClient::Create({"http://127.0.0.1:1/v1", "m", "", "", std::chrono::seconds(5)});
  ASSERT_TRUE(client.ok());
  reply::GenerationRequest req;
  req.messages = {{"user", "a private sentence"}};
  auto r = (*client)->Generate(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("unreachable", 0), 0u) << r.status().message();
  EXPECT_EQ(r.status().message().find("private"), std::string::npos);
}

}  // namespace
}  // namespace haven::llm
