// Runs the conversation scenarios in tests/scenarios/*.txt against the whole reply engine
// (reply/engine.h). The files are plain text a clinician can read and extend:
//
//   # a comment
//   scenario: low risk gets the screener question     <- starts a new conversation
//   locale: en-GB                                      <- optional, default en-US
//   > user: I wish I could sleep and not wake up       <- a message; Haven replies to it
//   expect strategy: crisis                            <- about the reply just above
//   expect risk: low
//   expect escalate: no
//   expect reply contains: thoughts of killing yourself
//   > assistant: Some earlier reply                    <- optional: a reply in the history
//
// Expectations (after a "> user:" line; several may follow one message):
//   expect strategy: NAME [or NAME ...]     the contract's strategy names
//   expect risk: LEVEL | expect risk at least: LEVEL | expect risk at most: LEVEL
//   expect escalate: yes | no               expect urgent: yes | no
//   expect action: continue | check_in | handoff | crisis_reply | emergency
//   expect reply contains: TEXT             expect reply not contains: TEXT (case-insensitive)
//   expect reply starts with: TEXT          expect reply contains one of: A | B | C
//   expect variety: N                       the conversation so far has N distinct replies
// A failure names the file and line, so whoever wrote the case can find it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "reply/engine.h"

namespace haven::reply {
namespace {

namespace fs = std::filesystem;

const Engine& Shared() {
  static const Engine* e = [] {
    auto loaded = Engine::Load(HAVEN_SOURCE_DATA_DIR);
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", loaded.status().message().c_str());
      std::abort();
    }
    return std::move(loaded).value().release();
  }();
  return *e;
}

std::string Trim(std::string s) {
  s.erase(0, s.find_first_not_of(" \t"));
  s.erase(s.find_last_not_of(" \t\r") + 1);
  return s;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> SplitOn(const std::string& s, const std::string& sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t at = s.find(sep, start);
    out.push_back(Trim(s.substr(start, at == std::string::npos ? std::string::npos : at - start)));
    if (at == std::string::npos) break;
    start = at + sep.size();
  }
  return out;
}

// Checks one expectation; returns "" when it holds, else what went wrong.
std::string Check(const std::string& key, const std::string& value, const Reply& r,
                  const std::set<std::string>& replies) {
  const std::string text = Lower(r.text);
  if (key == "strategy") {
    for (const std::string& s : SplitOn(value, " or ")) {
      if (s == StrategyName(r.strategy)) return "";
    }
    return "strategy " + value + ", got " + std::string(StrategyName(r.strategy));
  }
  if (key == "risk" || key == "risk at least" || key == "risk at most") {
    auto want = ParseRiskLevel(value);
    if (!want) return "unknown level '" + value + "'";
    bool ok = key == "risk"            ? r.risk_level == *want
              : key == "risk at least" ? r.risk_level >= *want
                                       : r.risk_level <= *want;
    return ok ? "" : key + " " + value + ", got " + std::string(RiskLevelName(r.risk_level));
  }
  if (key == "escalate" || key == "urgent") {
    bool want = value == "yes";
    bool got = key == "escalate" ? r.escalate : r.urgent;
    if (value != "yes" && value != "no") return "escalate/urgent take yes or no";
    return want == got ? "" : key + " " + value + ", got " + (got ? "yes" : "no");
  }
  if (key == "action") {
    return safety::ActionName(r.action) == value
               ? ""
               : "action " + value + ", got " + std::string(safety::ActionName(r.action));
  }
  if (key == "reply contains") {
    return text.find(Lower(value)) != std::string::npos ? "" : "reply lacks '" + value + "'";
  }
  if (key == "reply not contains") {
    return text.find(Lower(value)) == std::string::npos ? "" : "reply has '" + value + "'";
  }
  if (key == "reply starts with") {
    return text.rfind(Lower(value), 0) == 0 ? "" : "reply does not start with '" + value + "'";
  }
  if (key == "reply contains one of") {
    for (const std::string& v : SplitOn(value, "|")) {
      if (text.find(Lower(v)) != std::string::npos) return "";
    }
    return "reply has none of '" + value + "'";
  }
  if (key == "variety") {
    size_t want = std::stoul(value);
    return replies.size() >= want
               ? ""
               : "variety " + value + ", got " + std::to_string(replies.size()) + " distinct";
  }
  return "unknown expectation '" + key + "'";
}

class ScenarioFile : public testing::TestWithParam<std::string> {};

TEST_P(ScenarioFile, Holds) {
  const std::string path = GetParam();
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  const std::string name = fs::path(path).filename().string();
  std::string line;
  int line_no = 0;
  std::unique_ptr<Conversation> convo;
  std::string locale = "en-US";
  Reply last;
  bool have_reply = false;
  int scenarios = 0, checks = 0;
  std::set<std::string> replies;
  std::string scenario;
  while (std::getline(in, line)) {
    ++line_no;
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#') continue;
    const std::string where = name + ":" + std::to_string(line_no) + " [" + scenario + "]";
    if (t.rfind("scenario:", 0) == 0) {
      scenario = Trim(t.substr(9));
      locale = "en-US";
      convo.reset();
      have_reply = false;
      replies.clear();
      ++scenarios;
      continue;
    }
    if (t.rfind("locale:", 0) == 0) {
      locale = Trim(t.substr(7));
      convo.reset();
      continue;
    }
    if (!convo) convo = std::make_unique<Conversation>(Shared(), locale);
    if (t.rfind("> user:", 0) == 0) {
      last = convo->Send(Trim(t.substr(7)));
      have_reply = true;
      replies.insert(last.text);
      continue;
    }
    if (t.rfind("> assistant:", 0) == 0) {
      convo->ObserveAssistant(Trim(t.substr(12)));
      continue;
    }
    if (t.rfind("expect ", 0) == 0) {
      size_t colon = t.find(':');
      ASSERT_NE(colon, std::string::npos) << where << ": expectation without ':'";
      ASSERT_TRUE(have_reply) << where << ": expectation before any '> user:' line";
      std::string key = Trim(t.substr(7, colon - 7));
      std::string value = Trim(t.substr(colon + 1));
      std::string problem = Check(key, value, last, replies);
      ++checks;
      EXPECT_EQ(problem, "") << where << "\n  reply: " << last.text;
      continue;
    }
    ADD_FAILURE() << where << ": cannot read this line";
  }
  EXPECT_GT(scenarios, 0) << name;
  EXPECT_GT(checks, 0) << name;
}

std::vector<std::string> Files() {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(std::string(HAVEN_TESTS_DIR) + "/scenarios")) {
    if (e.path().extension() == ".txt") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ScenarioFile, testing::ValuesIn(Files()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string n = fs::path(info.param).stem().string();
                           for (char& c : n) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

// Every .txt file together holds at least 40 scenarios (the floor).
TEST(Scenarios, AtLeastForty) {
  int n = 0;
  for (const std::string& f : Files()) {
    std::ifstream in(f);
    std::string line;
    while (std::getline(in, line)) n += Trim(line).rfind("scenario:", 0) == 0;
  }
  EXPECT_GE(n, 40);
}

}  // namespace
}  // namespace haven::reply
