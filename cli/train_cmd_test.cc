// `haven train`'s measurements and `haven models` on a real data directory: approve, list,
// rollback, who may, and the audit entries. (The whole training run, with the recipe and the
// real binary, is tests/integration/train_test.py.)
#include "cli/train_cmd.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "chat/models.h"
#include "cli/store_options.h"
#include "cli/test_util.h"
#include "reply/engine.h"
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

// The emotions the shipped classifier reads in `text`.
std::vector<int> Read(const std::string& text) {
  return Shipped().emotions_stage().Classify(Shipped().normalizer().Normalize(text)).labels;
}

TEST(MeasureEmotions, MacroF1OnATestSetAndF1AgainstLabels) {
  const std::vector<std::string> texts = {"thank you so much, that really helped",
                                          "I am furious with them right now",
                                          "I'm scared about tomorrow's results"};
  std::vector<EmotionCase> agreeing, disagreeing;
  for (const auto& t : texts) {
    agreeing.push_back({t, Read(t)});
    // A label the classifier does not read for this text.
    int other = 0;
    while (std::count(agreeing.back().gold.begin(), agreeing.back().gold.end(), other)) ++other;
    disagreeing.push_back({t, {other}});
  }
  learn::ModelMetrics m;
  MeasureEmotions(Shipped(), agreeing, agreeing, &m);
  EXPECT_EQ(m.emotion_cases, 3);
  EXPECT_DOUBLE_EQ(m.emotion_macro_f1, 1.0);
  EXPECT_EQ(m.emotion_labelled, 3);
  EXPECT_DOUBLE_EQ(m.emotion_label_f1, 1.0);
  MeasureEmotions(Shipped(), disagreeing, disagreeing, &m);
  EXPECT_DOUBLE_EQ(m.emotion_macro_f1, 0.0);
  EXPECT_DOUBLE_EQ(m.emotion_label_f1, 0.0);
  EXPECT_EQ(m.cases, 0) << "the risk figures are left alone";
  MeasureEmotions(Shipped(), agreeing, {}, &m);
  EXPECT_EQ(m.emotion_labelled, 0);
  EXPECT_DOUBLE_EQ(m.emotion_label_f1, 0.0);
}

TEST(ReadGoEmotions, MapsIdsThroughTheNamesAndRefusesUnknownOnes) {
  storage::testing::TempDir tmp;
  const std::string names = tmp / "emotions.txt", tsv = tmp / "test.tsv";
  std::ofstream(names) << "gratitude\nfear\nneutral\n";
  std::ofstream(tsv) << "thanks a lot\t0\tid1\nscary and sad?\t1,2\tid2\n";
  auto read = ReadGoEmotions(tsv, names);
  ASSERT_TRUE(read.ok()) << read.status().message();
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ(nlp::kEmotionNames[static_cast<size_t>((*read)[0].gold.at(0))], "gratitude");
  EXPECT_EQ((*read)[1].text, "scary and sad?");
  EXPECT_EQ(nlp::kEmotionNames[static_cast<size_t>((*read)[1].gold.at(1))], "neutral");
  std::ofstream(tsv, std::ios::trunc) << "thanks\t3\tid1\n";
  EXPECT_FALSE(ReadGoEmotions(tsv, names).ok());
  std::ofstream(tsv, std::ios::trunc) << "no tabs here\n";
  EXPECT_FALSE(ReadGoEmotions(tsv, names).ok());
  std::ofstream(names, std::ios::trunc) << "gratitude\nschadenfreude\n";
  EXPECT_FALSE(ReadGoEmotions(tsv, names).ok());
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

// A running engine follows the registry: an approval or rollback loads the version's models
// while messages are being read on other threads, and a version whose files do not load is not
// run (the running models stay, the error is said once).
TEST_F(ModelsCommandTest, ARunningEngineFollowsTheActiveVersionWithoutARestart) {
  AddVersion("risk-eager", true);
  AddVersion("risk-broken", true);
  // risk-eager reads any trace of risk as imminent; risk-broken's thresholds are unreadable.
  std::ofstream(registry_->VersionDir("risk-eager") + "/risk.thresholds", std::ios::trunc)
      << "ge1\t0.001\nge2\t0.001\nge3\t0.001\nge4\t0.001\n";
  std::ofstream(registry_->VersionDir("risk-broken") + "/risk.thresholds", std::ios::trunc)
      << "ge1\tnot-a-number\n";
  auto engine = reply::Engine::Load(HAVEN_SOURCE_DATA_DIR);
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  std::vector<std::pair<std::string, std::string>> heard;
  std::mutex heard_mu;
  chat::ModelFollower follower(*registry_, **engine, "shipped",
                               [&](const std::string& version, const std::string& error) {
                                 std::lock_guard lock(heard_mu);
                                 heard.emplace_back(version, error);
                               });
  const nlp::RiskProbabilities faint = {0.01f, 0.01f, 0.01f, 0.01f};
  const auto level = [&] { return (*engine)->analyzer().risk_model().Level(faint); };
  ASSERT_EQ(follower.Sync().value(), "shipped");
  EXPECT_EQ(level(), RiskLevel::kNone);
  EXPECT_TRUE(heard.empty());

  // Readers on two threads all along: each message is read by one set of models or the other.
  std::atomic<bool> stop = false;
  std::atomic<int64_t> read = 0;
  std::vector<std::thread> readers;
  for (int i = 0; i < 2; ++i) {
    readers.emplace_back([&] {
      while (!stop) {
        const nlp::Analysis a =
            (*engine)->analyzer().Analyze("everything feels heavy lately and I am so tired");
        EXPECT_FALSE(a.emotions.labels.empty());
        ++read;
      }
    });
  }
  ASSERT_EQ(Change(chat::ModelChange::kApprove, "risk-eager", "ada"), 0);
  ASSERT_EQ(follower.Sync().value(), "risk-eager");
  EXPECT_EQ(level(), RiskLevel::kImminent);
  for (int round = 0; round < 3; ++round) {
    ASSERT_EQ(Change(chat::ModelChange::kRollback, "shipped", "ada"), 0);
    ASSERT_EQ(follower.Sync().value(), "shipped");
    EXPECT_EQ(level(), RiskLevel::kNone);
    ASSERT_EQ(Change(chat::ModelChange::kRollback, "risk-eager", "ada"), 0);
    ASSERT_EQ(follower.Sync().value(), "risk-eager");
    EXPECT_EQ(level(), RiskLevel::kImminent);
  }

  // An active version that cannot load: the engine keeps risk-eager and says why, once.
  ASSERT_EQ(Change(chat::ModelChange::kApprove, "risk-broken", "ada"), 0);
  auto failed = follower.Sync();
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("models risk-broken not loaded"), std::string::npos)
      << failed.status().message();
  EXPECT_FALSE(follower.Sync().ok());
  EXPECT_EQ(follower.running(), "risk-eager");
  EXPECT_EQ(level(), RiskLevel::kImminent);
  EXPECT_FALSE(follower.last_error().empty());

  // Polling: a rollback by someone else (haven models, another instance) is picked up.
  ASSERT_EQ(Change(chat::ModelChange::kRollback, "shipped", "ada"), 0);
  follower.Start(std::chrono::milliseconds(5));
  for (int i = 0; i < 2000 && follower.running() != "shipped"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  follower.Stop();
  EXPECT_EQ(follower.running(), "shipped");
  EXPECT_EQ(level(), RiskLevel::kNone);
  EXPECT_TRUE(follower.last_error().empty());
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_GT(read.load(), 0);

  std::lock_guard lock(heard_mu);
  int errors = 0, changes = 0;
  for (const auto& [version, error] : heard) (error.empty() ? changes : errors) += 1;
  EXPECT_EQ(errors, 1);
  EXPECT_EQ(changes, 8);  // eager, 3 x (shipped, eager), shipped
}

}  // namespace
}  // namespace haven::cli