#include "nlp/analysis_json.h"

#include <gtest/gtest.h>

namespace haven::nlp {
namespace {

TEST(AnalysisJsonTest, ShapeFollowsContract) {
  Analysis a;
  a.sentiment = {-0.62, 0.0, 0.55, 0.45};
  a.emotions.scores[25] = 0.8f;
  a.emotions.labels = {25};
  a.risk.level = RiskLevel::kModerate;
  a.risk.score = 0.81;
  a.risk.categories = {RiskCategory::kSuicide};
  a.risk.evidence = {{{10, 31}, "active_ideation"}};
  a.intent = {"venting", 0.7};
  a.topics = {{"work", 0.9, {{0, 4}}}};
  a.pii = {{{0, 12}, PiiType::kEmail}};
  auto j = AnalysisToJson(a);
  EXPECT_EQ(j["sentiment"]["compound"], -0.62);
  EXPECT_EQ(j["emotions"]["labels"][0], "sadness");
  EXPECT_EQ(j["risk"]["level"], "moderate");
  EXPECT_EQ(j["risk"]["categories"][0], "suicide");
  EXPECT_EQ(j["risk"]["evidence"][0]["start"], 10);
  EXPECT_EQ(j["risk"]["evidence"][0]["end"], 31);
  EXPECT_EQ(j["risk"]["evidence"][0]["signal"], "active_ideation");
  EXPECT_EQ(j["intent"]["label"], "venting");
  EXPECT_EQ(j["topics"][0]["label"], "work");
  EXPECT_EQ(j["pii"][0]["type"], "EMAIL");
}

TEST(AnalysisJsonTest, NonFiniteNumbersBecomeZero) {
  Analysis a;
  a.sentiment.compound = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(AnalysisToJson(a)["sentiment"]["compound"], 0.0);
}

}  // namespace
}  // namespace haven::nlp
