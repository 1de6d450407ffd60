#include "cli/jsonl.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace haven::cli {
namespace {

StatusOr<std::string> Echo(const nlohmann::json& req) {
  auto t = RequireString(req, "text");
  if (!t.ok()) return t.status();
  return "\"len\":" + std::to_string(t->size());
}

std::string RunLines(const std::string& input, size_t max_line = 1 << 20) {
  std::FILE* in = fmemopen(const_cast<char*>(input.data()), input.size(), "r");
  char* buf = nullptr;
  size_t size = 0;
  std::FILE* out = open_memstream(&buf, &size);
  RunJsonl(in, out, max_line, Echo);
  std::fclose(in);
  std::fclose(out);
  std::string result(buf, size);
  std::free(buf);
  return result;
}

// Echo over a batch, recording each call's size; `fail_call` (0-based) throws, and
// `short_call` answers one request too few.
struct BatchEcho {
  std::vector<size_t> sizes;
  int fail_call = -1;
  int short_call = -1;
  std::vector<StatusOr<std::string>> operator()(std::span<const nlohmann::json* const> requests) {
    const int call = static_cast<int>(sizes.size());
    sizes.push_back(requests.size());
    if (call == fail_call) throw std::runtime_error("boom");
    std::vector<StatusOr<std::string>> answers;
    for (const nlohmann::json* r : requests) answers.push_back(Echo(*r));
    if (call == short_call) answers.pop_back();
    return answers;
  }
};

std::string RunBatched(const std::string& input, size_t max_batch, BatchEcho* echo) {
  std::FILE* in = fmemopen(const_cast<char*>(input.data()), input.size(), "r");
  char* buf = nullptr;
  size_t size = 0;
  std::FILE* out = open_memstream(&buf, &size);
  RunJsonlBatched(in, out, 1 << 20, max_batch, std::ref(*echo));
  std::fclose(in);
  std::fclose(out);
  std::string result(buf, size);
  std::free(buf);
  return result;
}

std::string Lines(int from, int to) {
  std::string s;
  for (int i = from; i < to; ++i) {
    s += "{\"id\":" + std::to_string(i) + ",\"text\":\"" + std::string(i, 'x') + "\"}\n";
  }
  return s;
}

std::string Answers(int from, int to) {
  std::string s;
  for (int i = from; i < to; ++i) {
    s += "{\"id\":" + std::to_string(i) + ",\"len\":" + std::to_string(i) + "}\n";
  }
  return s;
}

// Lines already waiting go to the handler together, at most max_batch at a time; lines that fail
// to parse are answered in their place without reaching it.
TEST(JsonlTest, BatchedHandlerGetsTheWaitingLinesInOrder) {
  BatchEcho echo;
  std::string out = RunBatched(Lines(0, 5) + "not json\n" + Lines(5, 10), 4, &echo);
  EXPECT_EQ(out, Answers(0, 5) + "{\"id\":null,\"error\":\"malformed JSON at byte 2\"}\n" +
                     Answers(5, 10));
  EXPECT_EQ(echo.sizes, (std::vector<size_t>{4, 3, 3}));  // 4 lines, then 1 + error + 2, then 3
}

// A handler that throws, or answers the wrong number of requests, costs its own batch only.
TEST(JsonlTest, BatchedHandlerFailureAnswersItsBatchWithErrors) {
  const std::string internal = "\"error\":\"internal error\"";
  for (int mode = 0; mode < 2; ++mode) {
    BatchEcho echo;
    (mode == 0 ? echo.fail_call : echo.short_call) = 1;
    std::string out = RunBatched(Lines(0, 9), 3, &echo);
    std::string expected = Answers(0, 3);
    for (int i = 3; i < 6; ++i) expected += "{\"id\":" + std::to_string(i) + "," + internal + "}\n";
    expected += Answers(6, 9);
    EXPECT_EQ(out, expected) << "mode " << mode;
  }
}

TEST(JsonlTest, OneAnswerPerLineInOrder) {
  EXPECT_EQ(RunLines("{\"id\":\"a\",\"text\":\"xy\"}\n{\"id\":2,\"text\":\"\"}\n"),
            "{\"id\":\"a\",\"len\":2}\n{\"id\":2,\"len\":0}\n");
}

// A client that writes a line and waits for its answer before writing the next one (a pipe both
// ways, as a parent process would hold them) gets each answer while its input is still open,
// from a batched handler too (a batch never waits for input to fill it).
class JsonlInteractiveTest : public ::testing::TestWithParam<bool> {};

INSTANTIATE_TEST_SUITE_P(PlainAndBatched, JsonlInteractiveTest, ::testing::Bool());

TEST_P(JsonlInteractiveTest, AnswersEachLineBeforeTheNextArrives) {
  int to_haven[2], from_haven[2];
  ASSERT_EQ(pipe(to_haven), 0);
  ASSERT_EQ(pipe(from_haven), 0);
  std::FILE* in = fdopen(to_haven[0], "r");
  std::FILE* out = fdopen(from_haven[1], "w");
  BatchEcho echo;
  std::thread runner([&] {
    if (GetParam()) {
      RunJsonlBatched(in, out, 1 << 20, 64, std::ref(echo));
    } else {
      RunJsonl(in, out, 1 << 20, Echo);
    }
    std::fclose(out);
  });
  std::string answers;
  for (int i = 0; i < 3; ++i) {
    const std::string request =
        "{\"id\":" + std::to_string(i) + ",\"text\":\"" + std::string(i, 'x') + "\"}\n";
    ASSERT_EQ(write(to_haven[1], request.data(), request.size()),
              static_cast<ssize_t>(request.size()));
    // Wait for this line's answer (a minute at most, so that a regression fails, not hangs).
    std::string answer;
    while (answer.empty() || answer.back() != '\n') {
      pollfd p{from_haven[0], POLLIN, 0};
      if (poll(&p, 1, 60000) != 1) break;
      char c;
      if (read(from_haven[0], &c, 1) != 1) break;
      answer += c;
    }
    answers += answer;
    if (answer.empty()) break;
  }
  close(to_haven[1]);
  runner.join();
  std::fclose(in);
  close(from_haven[0]);
  EXPECT_EQ(answers, "{\"id\":0,\"len\":0}\n{\"id\":1,\"len\":1}\n{\"id\":2,\"len\":2}\n");
}

TEST(JsonlTest, MalformedLinesGetErrorsAndProcessingContinues) {
  std::string out = RunLines(
      "{\"id\":\"a\",\"text\":\"secret words\"\n[1,2]\n\n{\"id\":\"b\"}\n"
      "{\"id\":\"c\",\"text\":5}\n{\"id\":\"d\",\"text\":\"ok\"}");
  EXPECT_EQ(out,
            "{\"id\":null,\"error\":\"malformed JSON at byte 32\"}\n"
            "{\"id\":null,\"error\":\"each line must be a JSON object\"}\n"
            "{\"id\":null,\"error\":\"empty line\"}\n"
            "{\"id\":\"b\",\"error\":\"missing field \\\"text\\\"\"}\n"
            "{\"id\":\"c\",\"error\":\"field \\\"text\\\" must be a string\"}\n"
            "{\"id\":\"d\",\"len\":2}\n");
  EXPECT_EQ(out.find("secret"), std::string::npos) << "errors never quote user text";
}

TEST(JsonlTest, InvalidUtf8InJsonIsAnErrorLine) {
  std::string out = RunLines("{\"id\":\"a\",\"text\":\"\xff\"}\n");
  EXPECT_NE(out.find("malformed JSON"), std::string::npos);
}

TEST(JsonlTest, CrlfAndNulBytes) {
  std::string in = "{\"id\":\"a\",\"text\":\"x\"}\r\n";
  static constexpr char kWithNul[] = "{\"id\":\"b\",\"text\":\"a\0b\"}\n";
  in += std::string(kWithNul, sizeof(kWithNul) - 1);  // the NUL inside, not the terminator
  std::string out = RunLines(in);
  EXPECT_EQ(out.substr(0, out.find('\n')), "{\"id\":\"a\",\"len\":1}");
  EXPECT_NE(out.find("\"id\":null,\"error\""), std::string::npos);  // raw NUL is not valid JSON
}

TEST(JsonlTest, TooLongLinesAreSkippedNotBuffered) {
  std::string big = "{\"id\":\"big\",\"text\":\"" + std::string(5000, 'x') + "\"}\n";
  std::string out = RunLines(big + "{\"id\":\"n\",\"text\":\"ok\"}\n", 1000);
  EXPECT_EQ(out, "{\"id\":null,\"error\":\"line too long\"}\n{\"id\":\"n\",\"len\":2}\n");
}

TEST(JsonlTest, MegabyteLineWithinLimitWorks) {
  std::string big = "{\"id\":\"big\",\"text\":\"" + std::string(1 << 20, 'x') + "\"}";
  EXPECT_EQ(RunLines(big, 2 << 20), "{\"id\":\"big\",\"len\":1048576}\n");
}

TEST(JsonlTest, LastLineWithoutNewline) {
  EXPECT_EQ(RunLines("{\"id\":1,\"text\":\"a\"}"), "{\"id\":1,\"len\":1}\n");
}

}  // namespace
}  // namespace haven::cli
