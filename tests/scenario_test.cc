// Runs the clinician-readable scenarios in tests/scenarios/*.scenario against the analyzer.
//
// A scenario file is plain text. Each case is a "message:" line followed by expectations, and a
// blank line ends it. Lines starting with "#" are comments. Expectations:
//   risk: LEVEL            the exact level (none, low, moderate, high, imminent)
//   risk at least: LEVEL   risk at most: LEVEL
//   category: NAME         no category: NAME
//   intent: LABEL          topic: LABEL          emotion: LABEL
//   sentiment: positive | negative | neutral
//   pii: TYPE              redacted: TEXT
// A failure names the file and line, so whoever wrote the case can find it.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "nlp/analyzer.h"

namespace haven::nlp {
namespace {

namespace fs = std::filesystem;

const Analyzer& Shared() {
  static const std::unique_ptr<Analyzer> a = [] {
    auto loaded = Analyzer::Load(HAVEN_SOURCE_DATA_DIR);
    if (!loaded.ok()) std::abort();
    return std::move(loaded).value();
  }();
  return *a;
}

std::string Trim(std::string s) {
  s.erase(0, s.find_first_not_of(" \t"));
  s.erase(s.find_last_not_of(" \t\r") + 1);
  return s;
}

struct Failure {
  std::string where;
  std::string what;
};

// Checks one expectation against one analysis; returns an empty string when it holds.
std::string Check(const std::string& key, const std::string& value, const Analysis& a) {
  auto level_of = [](const std::string& v) { return ParseRiskLevel(v); };
  std::string actual_level(RiskLevelName(a.risk.level));
  if (key == "risk" || key == "risk at least" || key == "risk at most") {
    auto want = level_of(value);
    if (!want) return "unknown level '" + value + "'";
    bool ok = key == "risk" ? a.risk.level == *want
              : key == "risk at least" ? a.risk.level >= *want
                                       : a.risk.level <= *want;
    return ok ? "" : key + " " + value + ", got " + actual_level;
  }
  if (key == "category" || key == "no category") {
    bool has = std::any_of(a.risk.categories.begin(), a.risk.categories.end(),
                           [&](RiskCategory c) { return RiskCategoryName(c) == value; });
    std::string got;
    for (auto c : a.risk.categories) got += std::string(RiskCategoryName(c)) + " ";
    if (key == "category" && !has) return "category " + value + " missing (got " + got + ")";
    if (key == "no category" && has) return "category " + value + " present";
    return "";
  }
  if (key == "intent") {
    return a.intent.label == value ? "" : "intent " + value + ", got " + a.intent.label;
  }
  if (key == "topic") {
    std::string got;
    for (const auto& t : a.topics) {
      if (t.label == value) return "";
      got += t.label + " ";
    }
    return "topic " + value + " missing (got " + got + ")";
  }
  if (key == "emotion") {
    std::string got;
    for (int i : a.emotions.labels) {
      if (kEmotionNames[static_cast<size_t>(i)] == value) return "";
      got += std::string(kEmotionNames[static_cast<size_t>(i)]) + " ";
    }
    return "emotion " + value + " missing (got " + got + ")";
  }
  if (key == "sentiment") {
    double c = a.sentiment.compound;
    std::string got = c >= 0.05 ? "positive" : c <= -0.05 ? "negative" : "neutral";
    return got == value ? "" : "sentiment " + value + ", got " + got + " (" + std::to_string(c) + ")";
  }
  if (key == "pii") {
    for (const auto& p : a.pii) {
      if (PiiTypeName(p.type) == value) return "";
    }
    return "pii " + value + " missing";
  }
  if (key == "redacted") {
    return a.redacted == value ? "" : "redacted text differs: got '" + a.redacted + "'";
  }
  return "unknown expectation '" + key + "'";
}

std::vector<Failure> RunFile(const fs::path& path, int* cases) {
  std::vector<Failure> failures;
  std::ifstream in(path);
  std::string line;
  int line_no = 0;
  bool have_message = false;
  Analysis analysis;
  while (std::getline(in, line)) {
    ++line_no;
    std::string t = Trim(line);
    if (t.empty()) {
      have_message = false;
      continue;
    }
    if (t[0] == '#') continue;
    size_t colon = t.find(':');
    std::string where = path.filename().string() + ":" + std::to_string(line_no);
    if (colon == std::string::npos) {
      failures.push_back({where, "expected 'key: value'"});
      continue;
    }
    std::string key = Trim(t.substr(0, colon));
    std::string value = Trim(t.substr(colon + 1));
    if (key == "message") {
      analysis = Shared().Analyze(value);
      have_message = true;
      ++*cases;
      continue;
    }
    if (!have_message) {
      failures.push_back({where, "expectation before any message"});
      continue;
    }
    if (std::string err = Check(key, value, analysis); !err.empty()) {
      failures.push_back({where, err});
    }
  }
  return failures;
}

TEST(ScenarioTest, EveryScenarioHolds) {
  fs::path dir = fs::path(HAVEN_TESTS_DIR) / "scenarios";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".scenario") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  int cases = 0;
  for (const auto& f : files) {
    for (const auto& failure : RunFile(f, &cases)) {
      ADD_FAILURE() << failure.where << ": " << failure.what;
    }
  }
  EXPECT_GT(cases, 20);
  std::printf("scenarios: %d cases in %zu files\n", cases, files.size());
}

TEST(ScenarioTest, RunnerReportsBrokenExpectations) {
  Analysis a;
  EXPECT_NE(Check("risk", "severe", a), "");
  EXPECT_NE(Check("colour", "blue", a), "");
  EXPECT_EQ(Check("risk", "none", a), "");
  EXPECT_EQ(Check("risk at most", "low", a), "");
}

}  // namespace
}  // namespace haven::nlp
