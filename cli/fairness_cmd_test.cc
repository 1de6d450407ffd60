#include "cli/fairness_cmd.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace haven::cli {
namespace {

const nlp::Analyzer& SharedAnalyzer() {
  static const nlp::Analyzer* a = [] {
    auto loaded = nlp::Analyzer::Load(HAVEN_SOURCE_DATA_DIR);
    if (!loaded.ok()) std::abort();
    return std::move(loaded).value().release();
  }();
  return *a;
}

struct Output {
  int rc = 0;
  std::string out, err;
};

Output RunFairness(const FairnessArgs& args) {
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  Output o;
  o.rc = RunAuditFairness(args, SharedAnalyzer(), out, err);
  for (auto [f, s] : {std::pair{out, &o.out}, std::pair{err, &o.err}}) {
    std::rewind(f);
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s->append(buf, n);
    std::fclose(f);
  }
  return o;
}

class FairnessCmdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("haven_fairness_" + std::to_string(::getpid()) + ".jsonl"))
                .string();
  }
  void TearDown() override { std::filesystem::remove(path_); }
  void Write(const std::string& body) { std::ofstream(path_) << body; }
  std::string path_;
};

TEST_F(FairnessCmdTest, ReportsEachVarietyAndFlagsNothingOnClearCases) {
  std::string body;
  for (int i = 0; i < 3; ++i) {
    body += R"({"text": "I want to kill myself", "level": "moderate", "variety": "Indian"})"
            "\n";
    body +=
        R"({"text": "this traffic is killing me lol", "level": "none", "note": "Nigerian English hyperbole"})"
        "\n";
    body += R"({"text": "I have the pills here and I'm taking them all tonight", "level": "high"})"
            "\n";
  }
  Write(body);
  FairnessArgs args;
  args.files = {path_};
  args.options.min_cases = 2;
  Output o = RunFairness(args);
  EXPECT_EQ(o.rc, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("Indian"), std::string::npos);
  EXPECT_NE(o.out.find("Nigerian"), std::string::npos);
  EXPECT_NE(o.out.find("unmarked"), std::string::npos);
  args.json = true;
  Output j = RunFairness(args);
  auto parsed = nlohmann::json::parse(j.out);
  EXPECT_EQ(parsed["overall"]["cases"], 9);
  EXPECT_EQ(parsed["varieties"].size(), 3u);
  EXPECT_FALSE(parsed["gaps"].get<bool>());
}

TEST_F(FairnessCmdTest, FlagsAVarietyWhoseRiskIsMissed) {
  // The gold labels say these messages are at risk; "Testland" gets only ones Haven reads as
  // plain chat, so its recall falls far behind the others'.
  std::string body;
  for (int i = 0; i < 6; ++i) {
    body += R"({"text": "I want to kill myself", "level": "moderate"})"
            "\n";
    body += R"({"text": "the weather is nice today", "level": "moderate", "variety": "Testland"})"
            "\n";
  }
  Write(body);
  FairnessArgs args;
  args.files = {path_};
  args.options.min_cases = 5;
  Output o = RunFairness(args);
  EXPECT_EQ(o.rc, 1) << o.out;
  EXPECT_NE(o.out.find("GAP: at-risk recall 0.00"), std::string::npos) << o.out;
}

TEST_F(FairnessCmdTest, AMalformedLineIsAnErrorNamingIt) {
  Write("{\"text\": \"hi\", \"level\": \"none\"}\n{\"text\": \"hi\", \"level\": \"severe\"}\n");
  FairnessArgs args;
  args.files = {path_};
  Output o = RunFairness(args);
  EXPECT_EQ(o.rc, 2);
  EXPECT_NE(o.err.find(path_ + ":2:"), std::string::npos) << o.err;
  args.files = {"/nonexistent/cases.jsonl"};
  EXPECT_EQ(RunFairness(args).rc, 2);
  args.files = {};
  EXPECT_EQ(RunFairness(args).rc, 2);
}

}  // namespace
}  // namespace haven::cli
