#include "learn/fairness.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace haven::learn {
namespace {

using L = RiskLevel;

void Add(std::vector<FairnessCase>& out, const std::string& variety, L gold, L read, int n) {
  for (int i = 0; i < n; ++i) out.push_back({variety, gold, read});
}

TEST(FairnessTest, NamesTheVarietyOfANote) {
  EXPECT_EQ(VarietyFromNote("Indian English, study stress"), "Indian");
  EXPECT_EQ(VarietyFromNote("method and timeframe (Nigerian Pidgin)"), "Nigerian");
  EXPECT_EQ(VarietyFromNote("AAVE, passive wish"), "African-American");
  EXPECT_EQ(VarietyFromNote("stress, irish english"), "Irish");
  EXPECT_EQ(VarietyFromNote("British slang \"knackered\""), "British");
  EXPECT_EQ(VarietyFromNote("wish for relief, no death mention"), "");
}

TEST(FairnessTest, FlagsAVarietyThatFallsBehind) {
  std::vector<FairnessCase> cases;
  // Overall: most caught. Indian English: at-risk messages missed far more often.
  Add(cases, "", L::kModerate, L::kModerate, 80);
  Add(cases, "", L::kHigh, L::kHigh, 40);
  Add(cases, "", L::kNone, L::kNone, 100);
  Add(cases, "Indian", L::kModerate, L::kModerate, 12);
  Add(cases, "Indian", L::kModerate, L::kLow, 8);  // 12 of 20 caught
  Add(cases, "Indian", L::kNone, L::kNone, 15);
  Add(cases, "Nigerian", L::kNone, L::kModerate, 4);  // false alarms on hyperbole
  Add(cases, "Nigerian", L::kNone, L::kNone, 8);
  Add(cases, "Nigerian", L::kModerate, L::kModerate, 3);
  FairnessReport r = AuditFairness(cases);
  EXPECT_TRUE(r.gaps);
  EXPECT_EQ(r.overall.cases, 80 + 40 + 100 + 20 + 15 + 12 + 3);
  ASSERT_EQ(r.varieties.size(), 3u);  // Indian, Nigerian, unmarked (sorted)
  const VarietyFigures& indian = r.varieties[0];
  EXPECT_EQ(indian.variety, "Indian");
  EXPECT_DOUBLE_EQ(indian.recall, 0.6);
  ASSERT_EQ(indian.gaps.size(), 1u);
  EXPECT_NE(indian.gaps[0].find("at-risk recall 0.60"), std::string::npos);
  // Indian has no urgent cases: that figure is not judged.
  EXPECT_NE(std::find(indian.unjudged.begin(), indian.unjudged.end(), "urgent recall"),
            indian.unjudged.end());
  const VarietyFigures& nigerian = r.varieties[1];
  EXPECT_NEAR(nigerian.false_alarm_rate, 4.0 / 12, 1e-9);
  ASSERT_EQ(nigerian.gaps.size(), 1u);
  EXPECT_NE(nigerian.gaps[0].find("false alarms"), std::string::npos);
  EXPECT_TRUE(r.varieties[2].gaps.empty());
  EXPECT_EQ(r.varieties[2].variety, "unmarked");
}

TEST(FairnessTest, NoGapWhenEveryVarietyKeepsUp) {
  std::vector<FairnessCase> cases;
  for (const char* v : {"", "Indian", "Irish"}) {
    Add(cases, v, L::kModerate, L::kModerate, 19);
    Add(cases, v, L::kModerate, L::kLow, 1);
    Add(cases, v, L::kHigh, L::kHigh, 10);
    Add(cases, v, L::kNone, L::kNone, 20);
  }
  FairnessReport r = AuditFairness(cases);
  EXPECT_FALSE(r.gaps);
  EXPECT_TRUE(AuditFairness({}).varieties.empty());
}

}  // namespace
}  // namespace haven::learn
