#include "learn/model_registry.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace haven::learn {
namespace {

namespace fs = std::filesystem;

ModelMetrics Figures(double recall, double urgent, double alarms) {
  ModelMetrics m;
  m.cases = 520;
  m.at_risk_recall = recall;
  m.urgent_recall = urgent;
  m.false_alarm_rate = alarms;
  return m;
}

TEST(GateTest, TheSameFiguresPass) {
  GateResult g = Gate(Figures(0.93, 0.93, 0.09), Figures(0.93, 0.93, 0.09));
  EXPECT_TRUE(g.passed);
  EXPECT_TRUE(g.reasons.empty());
}

TEST(GateTest, AnyFallInRiskRecallIsRefused) {
  GateResult g = Gate(Figures(0.93, 0.93, 0.09), Figures(0.928, 0.99, 0.01));
  EXPECT_FALSE(g.passed);
  ASSERT_EQ(g.reasons.size(), 1u);
  EXPECT_EQ(g.reasons[0], "at-risk recall 0.928 < 0.930 (may not fall)");
  g = Gate(Figures(0.93, 0.93, 0.09), Figures(0.95, 0.92, 0.09));
  EXPECT_FALSE(g.passed);
  EXPECT_EQ(g.reasons[0], "urgent recall 0.920 < 0.930 (may not fall)");
}

TEST(GateTest, FalseAlarmsMayRiseOnlyWithinTheTolerance) {
  EXPECT_TRUE(Gate(Figures(0.9, 0.9, 0.09), Figures(0.95, 0.95, 0.11)).passed);
  GateResult g = Gate(Figures(0.9, 0.9, 0.09), Figures(0.95, 0.95, 0.12));
  EXPECT_FALSE(g.passed);
  EXPECT_EQ(g.reasons[0], "false alarms 0.120 > 0.090 + 0.020");
  EXPECT_TRUE(Gate(Figures(0.9, 0.9, 0.09), Figures(0.95, 0.95, 0.12), {.tolerance = 0.05}).passed);
}

TEST(GateTest, AgreementWithClinicians) {
  ModelMetrics active = Figures(0.9, 0.9, 0.1), candidate = Figures(0.9, 0.9, 0.1);
  active.labelled = candidate.labelled = 40;
  active.label_agreement = 0.8;
  candidate.label_agreement = 0.7;
  GateResult g = Gate(active, candidate);
  EXPECT_FALSE(g.passed);
  EXPECT_EQ(g.reasons[0], "agreement with clinicians' labels 0.700 < 0.800 - 0.020");
  candidate.label_agreement = 0.79;
  EXPECT_TRUE(Gate(active, candidate).passed);
}

TEST(GateTest, OrdinaryTextMayNotBeFlaggedMore) {
  ModelMetrics active = Figures(0.9, 0.9, 0.1), candidate = Figures(0.9, 0.9, 0.1);
  active.ordinary_cases = candidate.ordinary_cases = 5426;
  active.ordinary_flag_rate = 0.013;
  candidate.ordinary_flag_rate = 0.067;
  GateResult g = Gate(active, candidate);
  EXPECT_FALSE(g.passed);
  EXPECT_EQ(g.reasons[0], "ordinary text read at moderate or above 0.067 > 0.013 + 0.005");
  candidate.ordinary_flag_rate = 0.017;
  EXPECT_TRUE(Gate(active, candidate).passed);
  candidate.ordinary_cases = 0;  // not measured: not judged
  candidate.ordinary_flag_rate = 0.5;
  EXPECT_TRUE(Gate(active, candidate).passed);
}

TEST(GateTest, EmotionsMayFallOnlyWithinTheTolerance) {
  ModelMetrics active = Figures(0.9, 0.9, 0.1), candidate = Figures(0.9, 0.9, 0.1);
  active.emotion_cases = candidate.emotion_cases = 5427;
  active.emotion_macro_f1 = 0.46;
  candidate.emotion_macro_f1 = 0.40;
  active.emotion_labelled = candidate.emotion_labelled = 12;
  active.emotion_label_f1 = 0.5;
  candidate.emotion_label_f1 = 0.6;
  GateResult g = Gate(active, candidate);
  EXPECT_FALSE(g.passed);
  ASSERT_EQ(g.reasons.size(), 1u);
  EXPECT_EQ(g.reasons[0], "emotions macro-F1 0.400 < 0.460 - 0.020");
  candidate.emotion_macro_f1 = 0.45;
  candidate.emotion_label_f1 = 0.4;
  g = Gate(active, candidate);
  ASSERT_EQ(g.reasons.size(), 1u);
  EXPECT_EQ(g.reasons[0], "emotions against clinicians' labels F1 0.400 < 0.500 - 0.020");
  candidate.emotion_label_f1 = 0.49;
  EXPECT_TRUE(Gate(active, candidate).passed);
  candidate.emotion_cases = 0;  // the emotions were not retrained: not judged
  candidate.emotion_macro_f1 = 0;
  EXPECT_TRUE(Gate(active, candidate).passed);
}

TEST(GateTest, AnUnmeasuredModelIsRefused) {
  EXPECT_FALSE(Gate(Figures(0, 0, 0), ModelMetrics{}).passed);
}

TEST(GateTest, MetricsRoundTripThroughJson) {
  ModelMetrics m = Figures(0.91, 0.92, 0.05);
  m.labelled = 7;
  m.label_agreement = 0.5;
  m.emotion_cases = 5427;
  m.emotion_macro_f1 = 0.46;
  m.emotion_labelled = 3;
  m.emotion_label_f1 = 0.25;
  ModelMetrics back = MetricsFromJson(MetricsJson(m));
  EXPECT_EQ(back.emotion_cases, 5427);
  EXPECT_DOUBLE_EQ(back.emotion_macro_f1, 0.46);
  EXPECT_EQ(back.emotion_labelled, 3);
  EXPECT_DOUBLE_EQ(back.emotion_label_f1, 0.25);
  EXPECT_EQ(back.cases, 520);
  EXPECT_DOUBLE_EQ(back.urgent_recall, 0.92);
  EXPECT_EQ(back.labelled, 7);
  EXPECT_DOUBLE_EQ(back.label_agreement, 0.5);
}

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("haven_registry_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A version with one file, passed or refused by the gate.
  std::string AddVersion(ModelRegistry& r, const std::string& name, bool passed) {
    fs::create_directories(r.VersionDir(name));
    std::ofstream(r.VersionDir(name) + "/risk.thresholds") << "ge1\t0.3\n";
    nlohmann::json e = {{"version", name},
                        {"model", "risk"},
                        {"metrics", MetricsJson(Figures(0.9, 0.9, 0.1))},
                        {"gate", {{"passed", passed}, {"reasons", nlohmann::json::array()}}}};
    EXPECT_TRUE(r.Add(e).ok());
    return name;
  }

  fs::path dir_;
};

TEST_F(RegistryTest, AnEmptyRegistryRunsTheShippedModels) {
  auto r = ModelRegistry::Open(dir_.string());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(*r->Active(), "shipped");
  EXPECT_EQ(*r->ActiveDir(), "");
  EXPECT_EQ((fs::status(dir_).permissions() & fs::perms::others_read), fs::perms::none);
}

TEST_F(RegistryTest, ApproveRetireAndRollBack) {
  auto r = ModelRegistry::Open(dir_.string());
  ASSERT_TRUE(r.ok());
  AddVersion(*r, "risk-a", true);
  AddVersion(*r, "risk-b", true);
  auto index = r->Read();
  EXPECT_EQ((*index)["versions"][0]["status"], "candidate");

  ASSERT_TRUE(r->Approve("risk-a", "alice", "2026-12-04T10:00:00Z").ok());
  EXPECT_EQ(*r->Active(), "risk-a");
  EXPECT_EQ(*r->ActiveDir(), r->VersionDir("risk-a"));
  ASSERT_TRUE(r->Approve("risk-b", "bob", "2026-12-04T11:00:00Z").ok());
  index = r->Read();
  EXPECT_EQ((*index)["versions"][0]["status"], "retired");
  EXPECT_EQ((*index)["versions"][1]["status"], "active");
  EXPECT_EQ((*index)["versions"][1]["approved_by"], "bob");
  EXPECT_EQ((*index)["versions"][1]["approved_at"], "2026-12-04T11:00:00Z");

  // Back to a version that was active before, then to the shipped models.
  ASSERT_TRUE(r->Rollback("risk-a", "carol", "2026-12-04T12:00:00Z").ok());
  EXPECT_EQ(*r->Active(), "risk-a");
  EXPECT_EQ((*r->Read())["versions"][1]["status"], "retired");
  ASSERT_TRUE(r->Rollback("shipped", "carol", "2026-12-04T13:00:00Z").ok());
  EXPECT_EQ(*r->ActiveDir(), "");
  index = r->Read();
  ASSERT_EQ((*index)["events"].size(), 4u);
  EXPECT_EQ((*index)["events"][3]["action"], "rollback");
  EXPECT_EQ((*index)["events"][3]["from"], "risk-a");
  EXPECT_EQ((*index)["events"][3]["by"], "carol");

  // A reopened registry reads the same index.
  auto again = ModelRegistry::Open(dir_.string());
  EXPECT_EQ(*again->Active(), "shipped");
  EXPECT_EQ((*again->Read())["versions"].size(), 2u);
}

TEST_F(RegistryTest, RefusedAndUnknownVersionsCannotBeMadeActive) {
  auto r = ModelRegistry::Open(dir_.string());
  ASSERT_TRUE(r.ok());
  AddVersion(*r, "risk-bad", false);
  AddVersion(*r, "risk-new", true);
  Status s = r->Approve("risk-bad", "alice", "t");
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("refused by the evaluation gate"), std::string::npos);
  EXPECT_EQ(r->Approve("risk-none", "alice", "t").code(), StatusCode::kNotFound);
  // Rollback only goes back: a candidate never approved is not a rollback target.
  EXPECT_EQ(r->Rollback("risk-new", "alice", "t").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(r->Rollback("shipped", "alice", "t").code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(r->Approve("risk-new", "alice", "t").ok());
  EXPECT_EQ(r->Approve("risk-new", "alice", "t").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(*r->Active(), "risk-new");
}

TEST_F(RegistryTest, AddRefusesDuplicatesBadNamesAndMissingFiles) {
  auto r = ModelRegistry::Open(dir_.string());
  ASSERT_TRUE(r.ok());
  AddVersion(*r, "risk-a", true);
  nlohmann::json e = {{"version", "risk-a"}, {"gate", {{"passed", true}}}};
  EXPECT_EQ(r->Add(e).code(), StatusCode::kFailedPrecondition);
  e["version"] = "../escape";
  EXPECT_EQ(r->Add(e).code(), StatusCode::kInvalidArgument);
  e["version"] = "shipped";
  EXPECT_EQ(r->Add(e).code(), StatusCode::kInvalidArgument);
  e["version"] = "risk-nofiles";
  EXPECT_EQ(r->Add(e).code(), StatusCode::kInvalidArgument);
}

TEST(RegistryNames, NewVersionNamesAreUniqueAndSafe) {
  const std::string a = ModelRegistry::NewVersionName("risk", "2026-12-04T11:30:00Z");
  const std::string b = ModelRegistry::NewVersionName("risk", "2026-12-04T11:30:00Z");
  EXPECT_EQ(a.rfind("risk-20261204T113000Z-", 0), 0u) << a;
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace haven::learn
