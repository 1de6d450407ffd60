#include "nlp/analyzer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "nlp/analysis_json.h"

namespace haven::nlp {
namespace {

const Analyzer& Shared() {
  static const std::unique_ptr<Analyzer> a = [] {
    auto loaded = Analyzer::Load(HAVEN_SOURCE_DATA_DIR);
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status().message();
      std::abort();
    }
    return std::move(loaded).value();
  }();
  return *a;
}

TEST(AnalyzerTest, LoadFailsClearlyWithoutData) {
  auto a = Analyzer::Load("/nonexistent-haven-data");
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("/nonexistent-haven-data"), std::string::npos);
}

TEST(AnalyzerTest, ContractInvariantsHold) {
  for (std::string_view text : {"", "hello", "I feel awful and nobody cares", "😂😂😂",
                                "my email is sam@example.com", "\xff\xfe broken"}) {
    Analysis a = Shared().Analyze(text);
    EXPECT_GE(a.sentiment.compound, -1.0);
    EXPECT_LE(a.sentiment.compound, 1.0);
    EXPECT_NEAR(a.sentiment.pos + a.sentiment.neu + a.sentiment.neg, 1.0, 1e-6);
    EXPECT_FALSE(a.emotions.labels.empty());
    for (float s : a.emotions.scores) {
      EXPECT_GE(s, 0.0f);
      EXPECT_LE(s, 1.0f);
    }
    EXPECT_GE(a.risk.score, 0.0);
    EXPECT_LE(a.risk.score, 1.0);
  }
}

// Mid-conversation replies in a support chat (plans, effort, thanks, goodbyes, not knowing what
// to do) are not risk, whatever the learned reader once made of "will", "tonight" or "bye";
// the same register with a real cue still is (risk_train7.jsonl trains both).
TEST(AnalyzerTest, OrdinarySupportChatRepliesAreNotRisk) {
  for (const char* text :
       {"I just don't know what to do", "Thanks again! Bye.", "I am trying.",
        "I'm going to go rest now. Thank you again.", "ok I'll talk to my manager on monday",
        "that's what I keep telling myself",
        "I will likely be staying where I am. I have to go now. Thank you for chatting with me!"}) {
    EXPECT_LT(Shared().Analyze(text).risk.level, RiskLevel::kModerate) << text;
  }
  for (const char* text :
       {"I have the pills ready for tonight", "I'm saying bye because I won't be here tomorrow"}) {
    EXPECT_GE(Shared().Analyze(text).risk.level, RiskLevel::kHigh) << text;
  }
}

// tests/data/risk_everyday.jsonl (never trained on): everyday messages that use words of
// crisis messages in their ordinary senses ("I took the dog for a walk", "nicely done"), and
// near neighbours in the writer's own risk. A measurement with a ratchet: at 2026-12-04 rules and
// model together flagged 12.0% of its none messages at moderate or above (the learned reader,
// nearly all), and caught 0.955 of its at-risk ones and 0.947 of its urgent ones; on 2026-12-05,
// with the risk concepts a learned reading needs beside it (risk_model.h), 8.1%, 0.955, 0.947,
// and with thresholds chosen behind that gate (scripts/train_risk_model.py), 10.2%, 0.970, 0.962.
TEST(AnalyzerTest, RiskEverydayWordsMeasured) {
  std::ifstream in(std::string(HAVEN_TESTS_DIR) + "/data/risk_everyday.jsonl");
  ASSERT_TRUE(in) << "tests/data/risk_everyday.jsonl";
  const std::vector<std::string> levels = {"none", "low", "moderate", "high", "imminent"};
  int none = 0, false_alarms = 0, at_risk = 0, caught = 0, urgent = 0, urgent_caught = 0;
  std::string line;
  while (std::getline(in, line)) {
    const auto row = nlohmann::json::parse(line);
    const auto gold = static_cast<int>(
        std::find(levels.begin(), levels.end(), row["level"].get<std::string>()) - levels.begin());
    ASSERT_LT(gold, 5) << line;
    const int got = static_cast<int>(Shared().Analyze(row["text"].get<std::string>()).risk.level);
    if (gold == 0) {
      ++none;
      false_alarms += got >= 2;
    }
    if (gold >= 2) {
      ++at_risk;
      caught += got >= 2;
    }
    if (gold >= 3) {
      ++urgent;
      urgent_caught += got >= 3;
    }
  }
  ASSERT_GT(none, 600);
  ASSERT_GT(at_risk, 150);
  const double fa = static_cast<double>(false_alarms) / none;
  const double recall = static_cast<double>(caught) / at_risk;
  const double urgent_recall = static_cast<double>(urgent_caught) / urgent;
  std::printf("risk_everyday: at-risk recall %.3f, urgent recall %.3f, false alarms %.3f\n", recall,
              urgent_recall, fa);
  EXPECT_GE(recall, 0.96);
  EXPECT_GE(urgent_recall, 0.96);
  EXPECT_LE(fa, 0.11);
}

TEST(AnalyzerTest, JsonHasEveryContractField) {
  auto j = AnalysisToJson(Shared().Analyze("I want to talk to a real person"));
  for (const char* key : {"sentiment", "emotions", "risk", "intent", "topics", "pii"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["emotions"]["scores"].size(), static_cast<size_t>(kNumEmotions));
  EXPECT_TRUE(j["risk"]["level"].is_string());
  EXPECT_FALSE(j.contains("redacted"));
  EXPECT_TRUE(AnalysisToJson(Shared().Analyze("x"), true).contains("redacted"));
}

TEST(AnalyzerTest, ThreadSafeAndDeterministic) {
  const std::vector<std::string> texts = {"i can't do this anymore", "thank you so much!!",
                                          "my boss yelled at me again", "I'm so happy today :)",
                                          "call me on 07700 900123"};
  std::vector<std::string> expected;
  for (const auto& t : texts) expected.push_back(AnalysisToJson(Shared().Analyze(t)).dump());
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&, k] {
      for (int round = 0; round < 50; ++round) {
        for (size_t i = 0; i < texts.size(); ++i) {
          if (AnalysisToJson(Shared().Analyze(texts[i])).dump() != expected[i])
            ++mismatches[static_cast<size_t>(k)];
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

// A batch gives each text the answer it gets alone: no stage carries anything from one text to the
// next (the texts mix risk, PII, repaired bytes, emptiness and a long message).
TEST(AnalyzerTest, BatchAnswersEqualSingleAnswers) {
  std::vector<std::string> texts = {"",
                                    "i want to kill myself tonight, i have the pills here",
                                    "my friend says she wants to die",
                                    "call me on 07700 900123 or sam@example.com, my name is Sam",
                                    "\xff\xfe broken \xc3",
                                    "this exam is killing me 😂",
                                    "I'm so happy today :)",
                                    std::string(20000, 'a') + " i feel hopeless"};
  std::ifstream cases(std::string(HAVEN_SOURCE_DATA_DIR) + "/../tests/data/risk_holdout.jsonl");
  std::string line;
  while (texts.size() < 200 && std::getline(cases, line)) {
    texts.push_back(nlohmann::json::parse(line)["text"].get<std::string>());
  }
  ASSERT_GT(texts.size(), 100u);
  const std::vector<std::string_view> views(texts.begin(), texts.end());
  const std::vector<Analysis> batch = Shared().AnalyzeBatch(views);
  ASSERT_EQ(batch.size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(AnalysisToJson(batch[i], true).dump(),
              AnalysisToJson(Shared().Analyze(texts[i]), true).dump())
        << "text " << i;
  }
  EXPECT_TRUE(Shared().AnalyzeBatch({}).empty());
}

}  // namespace
}  // namespace haven::nlp
