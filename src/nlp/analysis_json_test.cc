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

TEST(AnalysisJsonTest, FastWriterEqualsDom) {
  Analysis a;
  a.sentiment = {0.123456, 0.5, 0.25, 0.25};
  a.emotions.scores[0] = 0.00004f;
  a.emotions.scores[3] = 1.0f;
  a.emotions.labels = {3, 27};
  a.risk.level = RiskLevel::kHigh;
  a.risk.score = 0.9;
  a.risk.categories = {RiskCategory::kSuicide, RiskCategory::kMedical};
  a.risk.evidence = {{{1, 2}, "plan"}, {{3, 9}, "timeframe"}};
  a.intent = {"crisis", 1.0};
  a.topics = {{"work", 0.5, {{0, 4}, {5, 6}}}, {"sleep", 0.25, {}}};
  a.pii = {{{0, 12}, PiiType::kEmail}};
  a.redacted = "quote \" backslash \\ newline \n tab \t ctl \x01 é 😀";
  a.repaired_utf8 = true;
  for (bool redacted : {false, true}) {
    std::string members;
    AppendAnalysisMembers(members, a, redacted);
    auto parsed = nlohmann::ordered_json::parse("{" + members + "}");
    EXPECT_EQ(parsed, AnalysisToJson(a, redacted)) << members;
  }
}

TEST(AnalysisJsonTest, StringEscaping) {
  std::string out;
  AppendJsonString(out, "a\"b\\c\n\x1f");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u001f\"");
  out.clear();
  AppendJsonString(out, "\xff");
  EXPECT_EQ(out, "\"\xEF\xBF\xBD\"");
}

TEST(AnalysisJsonTest, NonFiniteNumbersBecomeZero) {
  Analysis a;
  a.sentiment.compound = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(AnalysisToJson(a)["sentiment"]["compound"], 0.0);
}

}  // namespace
}  // namespace haven::nlp
