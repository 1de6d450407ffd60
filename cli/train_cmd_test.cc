// `haven train`'s measurements and `haven models` on a real data directory: approve, list,
// rollback, who may, and the audit entries. (The whole training run, with the recipe and the
// real binary, is tests/integration/train_test.py.)
#include "cli/train_cmd.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli/store_options.h"
#include "cli/test_util.h"
#include "storage/audit.h"
#include "storage/test_util.h"

namespace haven::cli {
namespace {

namespace fs = std::filesystem;

const nlp::Analyzer& Shipped() {
  static const nlp::Analyzer* a = nlp::Analyzer::Load(HAVEN_SOURCE_DATA_DIR).value().release();
  return *a;
}

TEST(MeasureRisk, RecallFalseAlarmsAndAgreement) {
  const std::vector<LabelledCase> set = {
      {"I have the pills here and I'm going to take them all tonight", RiskLevel::kImminent},
      {"I want to kill myself", RiskLevel::kModerate},
      {"what time does the library open tomorrow", RiskLevel::kNone},
      {"this exam is killing me lol", RiskLevel::kNone}};
  const std::vector<LabelledCase> labels = {{"I want to kill myself", RiskLevel::kModerate},
                                            {"hello there", RiskLevel::kHigh}};
  learn::ModelMetrics m =
      MeasureRisk(Shipped(), set, labels, {"what a lovely day", "I'm dead \xF0\x9F\x98\x82"});
  EXPECT_EQ(m.cases, 4);
  EXPECT_DOUBLE_EQ(m.at_risk_recall, 1.0);
  EXPECT_DOUBLE_EQ(m.urgent_recall, 1.0);
  EXPECT_DOUBLE_EQ(m.false_alarm_rate, 0.0);
  EXPECT_EQ(m.labelled, 2);
  EXPECT_DOUBLE_EQ(m.label_agreement, 0.5);
  EXPECT_EQ(m.ordinary_cases, 2);
  EXPECT_DOUBLE_EQ(m.ordinary_flag_rate, 0.0);
}

TEST(ReadSafetySet, RefusesMalformedLines) {
  storage::testing::TempDir tmp;
  const std::string path = tmp / "set.jsonl";
  std::ofstream(path)
      << "{\"text\":\"hi\",\"level\":\"none\"}\n\n{\"text\":\"x\",\"level\":\"bad\"}\n";
  auto read = ReadSafetySet(path);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("set.jsonl:3"), std::string::npos);
  EXPECT_FALSE(ReadSafetySet(tmp / "none.jsonl").ok());
  std::ofstream(path, std::ios::trunc) << "{\"text\":\"hi\",\"level\":\"none\"}\n";
  ASSERT_TRUE(ReadSafetySet(path).ok());
  EXPECT_EQ(ReadSafetySet(path)->size(), 1u);
}

class ModelsCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = tmp_ / "data";
    key_ = tmp_ / "haven.key";
    auto where = ResolveStore("", "", data_);
    ASSERT_TRUE(where.ok());
    auto store = OpenStorage(*where, key_, /*create=*/true);
    ASSERT_TRUE(store.ok()) << store.status().message();
    for (auto [name, role] : {std::pair{"ada", storage::StaffRole::kAdmin},
                              std::pair{"cleo", storage::StaffRole::kClinician}}) {
      ASSERT_TRUE((*store)
                      ->Transact([&](storage::Txn& txn) {
                        storage::Account a;
                        a.id = storage::NewRecordId();
                        a.kind = storage::AccountKind::kStaff;
                        a.username = name;
                        a.role = role;
                        return txn.CreateAccount(a);
                      })
                      .ok());
    }
    auto registry = learn::ModelRegistry::Open(data_ + "/models");
    ASSERT_TRUE(registry.ok());
    registry_.emplace(std::move(registry).value());
  }

  // A version holding a copy of the shipped risk model, passed or refused by the gate.
  void AddVersion(const std::string& name, bool passed) {
    fs::create_directories(registry_->VersionDir(name));
    for (const char* f : {"risk.ftz", "risk.thresholds"}) {
      fs::copy_file(std::string(HAVEN_SOURCE_DATA_DIR) + "/models/" + f,
                    registry_->VersionDir(name) + "/" + f);
    }
    learn::ModelMetrics m;
    m.cases = 520;
    m.at_risk_recall = 0.93;
    ASSERT_TRUE(registry_
                    ->Add({{"version", name},
                           {"model", "risk"},
                           {"metrics", learn::MetricsJson(m)},
                           {"data", {{"labels", 3}}},
                           {"gate",
                            {{"passed", passed},
                             {"reasons", passed ? nlohmann::json::array()
                                                : nlohmann::json{"urgent recall 0.9 < 0.93"}}}}})
                    .ok());
  }

  int Change(chat::ModelChange change, const std::string& version, const std::string& by,
             std::string* said = nullptr) {
    ModelsArgs a;
    a.data_dir = data_;
    a.version = version;
    a.by = by;
    testing::Captured c;
    int rc = RunModelsChange(a, change, c.out, c.err);
    if (said) *said = c.OutText() + c.ErrText();
    return rc;
  }

  int64_t Audited(std::string_view action) {
    auto where = ResolveStore("", "", data_);
    auto records = OpenRecords(*where, false);
    int64_t n = 0;
    EXPECT_TRUE((*records)
                    ->Transact([&](storage::Txn& txn) -> Status {
                      auto all = txn.ListAuditRecords(0, 1000);
                      if (!all.ok()) return all.status();
                      for (const auto& r : *all) n += r.action == action;
                      return Status::Ok();
                    })
                    .ok());
    return n;
  }

  storage::testing::TempDir tmp_;
  std::string data_, key_;
  std::optional<learn::ModelRegistry> registry_;
};

TEST_F(ModelsCommandTest, ApproveListRollBack) {
  AddVersion("risk-one", true);
  AddVersion("risk-bad", false);
  std::string said;
  EXPECT_EQ(Change(chat::ModelChange::kApprove, "risk-one", "cleo", &said), 2);
  EXPECT_NE(said.find("enabled admin"), std::string::npos) << said;
  EXPECT_EQ(Change(chat::ModelChange::kApprove, "risk-bad", "ada", &said), 1);
  EXPECT_NE(said.find("refused by the evaluation gate"), std::string::npos) << said;
  EXPECT_EQ(Audited(storage::audit_action::kModelApprove), 0);

  ASSERT_EQ(Change(chat::ModelChange::kApprove, "risk-one", "ada", &said), 0) << said;
  EXPECT_EQ(Audited(storage::audit_action::kModelApprove), 1);
  EXPECT_EQ(*registry_->Active(), "risk-one");
  // The active version's models load, as haven serve loads them.
  auto analyzer = nlp::Analyzer::Load(HAVEN_SOURCE_DATA_DIR, *registry_->ActiveDir());
  ASSERT_TRUE(analyzer.ok()) << analyzer.status().message();

  ModelsArgs list;
  list.data_dir = data_;
  testing::Captured c;
  ASSERT_EQ(RunModelsList(list, c.out, c.err), 0);
  const std::string text = c.OutText();
  EXPECT_NE(text.find("* risk-one  active"), std::string::npos) << text;
  EXPECT_NE(text.find("approved by ada"), std::string::npos) << text;
  EXPECT_NE(text.find("refused: urgent recall"), std::string::npos) << text;

  ASSERT_EQ(Change(chat::ModelChange::kRollback, "shipped", "ada", &said), 0) << said;
  EXPECT_EQ(*registry_->ActiveDir(), "");
  EXPECT_EQ(Audited(storage::audit_action::kModelRollback), 1);
  EXPECT_EQ(Change(chat::ModelChange::kRollback, "risk-nope", "ada"), 1);
}

}  // namespace
}  // namespace haven::cli
