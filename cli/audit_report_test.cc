// `haven audit report`: each check on a store made to pass or fail it (audit chain and
// checkpoint, KEK age and unfinished rotation, messages past retention, break-glass and unusual
// reads, drift, policy versions), the HTML's escaping and accessibility basics, and the command
// on a real data directory.
#include "cli/audit_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "chat/chat_service.h"
#include "cli/store_options.h"
#include "cli/test_util.h"
#include "storage/memory/memory_key_store.h"
#include "storage/memory/memory_store.h"
#include "storage/test_util.h"

namespace haven::cli {
namespace {

using storage::UnixMillis;
constexpr UnixMillis kNow = 1'760'000'000'000;
constexpr UnixMillis kDay = 24LL * 3600 * 1000;

class Records {
 public:
  storage::MemoryStore store;

  std::string Account(storage::AccountKind kind, const std::string& username = "") {
    std::string id = storage::NewRecordId();
    Run([&](storage::Txn& txn) {
      storage::Account a;
      a.id = id;
      a.kind = kind;
      a.username = username;
      a.role = kind == storage::AccountKind::kStaff ? storage::StaffRole::kSupporter
                                                    : storage::StaffRole::kNone;
      a.created_at = kNow - 400 * kDay;
      return txn.CreateAccount(a);
    });
    return id;
  }

  // `n` messages of the person at `days_ago`, read at `level`.
  void Messages(const std::string& owner, int n, double days_ago, RiskLevel level) {
    Run([&](storage::Txn& txn) -> Status {
      storage::ConversationQuery q;
      q.owner_id = owner;
      auto convs = txn.ListConversations(q);
      std::string conv;
      if (convs.ok() && !convs->empty()) {
        conv = convs->front().id;
      } else {
        storage::Conversation c;
        c.id = conv = storage::NewRecordId();
        c.owner_id = owner;
        c.created_at = kNow - 400 * kDay;
        if (Status s = txn.CreateConversation(c); !s.ok()) return s;
      }
      for (int i = 0; i < n; ++i) {
        storage::Message m;
        m.id = storage::NewRecordId();
        m.conversation_id = conv;
        m.role = storage::MessageRole::kUser;
        m.text = "never read";
        m.risk_level = level;
        m.created_at = kNow - static_cast<UnixMillis>(days_ago * kDay) + i;
        auto r = txn.AppendMessage(m);
        if (!r.ok()) return r.status();
      }
      return Status::Ok();
    });
  }

  void Audit(const std::string& actor, const std::string& subject, const char* action,
             const char* outcome, UnixMillis at) {
    Run([&](storage::Txn& txn) -> Status {
      auto a = storage::AppendAudit(txn, {at, actor, subject, action, outcome, ""});
      return a.ok() ? Status::Ok() : a.status();
    });
  }

  void Run(const std::function<Status(storage::Txn&)>& fn) {
    Status s = store.Transact(fn);
    ASSERT_TRUE(s.ok()) << s.message();
  }
};

const ReportCheck* Find(const AuditReport& r, const std::string& name) {
  for (const auto& c : r.checks) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

AuditReportInput Input(Records& records) {
  AuditReportInput in;
  in.records = &records.store;
  in.now = kNow;
  in.data_dir = HAVEN_SOURCE_DATA_DIR;
  in.kek_version = 2;
  in.kek_file_time = kNow - 10 * kDay;
  return in;
}

TEST(PopulationStabilityIndex, SameAndShifted) {
  EXPECT_NEAR(PopulationStabilityIndex({90, 5, 3, 1, 1}, {900, 50, 30, 10, 10}), 0, 0.01);
  EXPECT_GT(PopulationStabilityIndex({90, 5, 3, 1, 1}, {40, 20, 20, 10, 10}), 0.25);
  EXPECT_EQ(PopulationStabilityIndex({}, {}), 0);
}

TEST(AuditReport, AQuietServiceIsAllOk) {
  Records r;
  const std::string a = r.Account(storage::AccountKind::kSeeker);
  r.Messages(a, 3, 1, RiskLevel::kNone);
  AuditReportInput in = Input(r);
  auto checkpoint = storage::VerifyAudit(r.store, std::nullopt);
  ASSERT_TRUE(checkpoint.ok());
  in.checkpoint = checkpoint->checked;
  auto report = BuildAuditReport(in);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_FALSE(report->failed());
  EXPECT_EQ(Find(*report, "hash chain")->verdict, "ok");
  EXPECT_EQ(Find(*report, "messages past their retention")->verdict, "ok");
  EXPECT_EQ(Find(*report, "check-ins past their retention")->verdict, "ok");
  EXPECT_EQ(Find(*report, "break-glass")->verdict, "ok");
  EXPECT_EQ(Find(*report, "key-encryption key age")->verdict, "ok");
  EXPECT_EQ(Find(*report, "escalation policy")->verdict, "ok");
  // No safety set given: said, not hidden.
  EXPECT_EQ(Find(*report, "risk reading on the fixed safety set")->verdict, "warn");
}

TEST(AuditReport, FlagsWhatNeedsAttention) {
  Records r;
  const std::string a = r.Account(storage::AccountKind::kSeeker);
  const std::string b = r.Account(storage::AccountKind::kSeeker);
  const std::string busy = r.Account(storage::AccountKind::kStaff, "busy<b>");
  const std::string calm = r.Account(storage::AccountKind::kStaff, "calm");
  const std::string calm2 = r.Account(storage::AccountKind::kStaff, "calm2");
  // a: messages 400 days old, past the default retention of 365 days.
  r.Messages(a, 2, 400, RiskLevel::kNone);
  // ... and a mood check-in as old.
  r.Run([&](storage::Txn& txn) {
    return txn.AddScreening(
        {storage::NewRecordId(), a, "mood", R"({"value":3})", kNow - 400 * kDay});
  });
  // Drift: mostly none before, much more risk now.
  r.Messages(b, 190, 45, RiskLevel::kNone);
  r.Messages(b, 10, 45, RiskLevel::kModerate);
  r.Messages(b, 100, 5, RiskLevel::kNone);
  r.Messages(b, 100, 5, RiskLevel::kHigh);
  // Reads: one person reads far more than the others; a break-glass; a key rotation long ago.
  for (int i = 0; i < 80; ++i) {
    r.Audit(busy, a, storage::audit_action::kTranscriptRead, "ok", kNow - 2 * kDay + i);
  }
  for (const auto& s : {calm, calm2}) {
    r.Audit(s, a, storage::audit_action::kTranscriptRead, "ok", kNow - kDay);
  }
  r.Audit(busy, b, storage::audit_action::kBreakGlass, "ok", kNow - kDay);
  for (int i = 0; i < 12; ++i) {
    r.Audit(calm, b, storage::audit_action::kAccessDenied, "denied", kNow - kDay + i);
  }
  r.Audit("admin", "", storage::audit_action::kKeyRotation, "ok", kNow - 500 * kDay);
  storage::MemoryKeyStore keys;
  ASSERT_TRUE(keys.Put({a, 1, 1, "wrapped"}).ok());
  ASSERT_TRUE(keys.Put({b, 1, 2, "wrapped"}).ok());

  AuditReportInput in = Input(r);
  in.keys = &keys;
  auto report = BuildAuditReport(in);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_TRUE(report->failed());
  EXPECT_EQ(Find(*report, "hash chain")->verdict, "warn");  // no checkpoint
  EXPECT_EQ(Find(*report, "messages past their retention")->verdict, "fail");
  EXPECT_NE(Find(*report, "messages past their retention")->detail.find("2 messages of 1"),
            std::string::npos);
  EXPECT_EQ(Find(*report, "check-ins past their retention")->verdict, "fail");
  EXPECT_NE(Find(*report, "check-ins past their retention")->detail.find("1 check-ins"),
            std::string::npos);
  EXPECT_EQ(Find(*report, "key-encryption key age")->verdict, "warn");
  EXPECT_EQ(Find(*report, "data keys")->verdict, "warn");
  EXPECT_EQ(Find(*report, "break-glass")->verdict, "warn");
  EXPECT_EQ(Find(*report, "unusual transcript reads")->verdict, "warn");
  EXPECT_NE(Find(*report, "unusual transcript reads")->detail.find("busy<b> (80)"),
            std::string::npos);
  EXPECT_EQ(Find(*report, "refused accesses")->verdict, "warn");
  EXPECT_EQ(Find(*report, "drift of the risk levels read")->verdict, "warn");

  const std::string html = AuditReportHtml(*report);
  EXPECT_NE(html.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(html.find("busy&lt;b&gt;"), std::string::npos) << "text is escaped";
  EXPECT_EQ(html.find("busy<b>"), std::string::npos);
  EXPECT_NE(html.find("role=\"img\""), std::string::npos);
  EXPECT_EQ(html.find("never read"), std::string::npos) << "no message text";
  EXPECT_EQ(html.find(a), std::string::npos) << "pseudonyms are shortened";
  auto j = nlohmann::json::parse(AuditReportJson(*report));
  EXPECT_TRUE(j["failed"].get<bool>());
  EXPECT_EQ(j["details"]["retention"]["messages_overdue"], 2);
  EXPECT_EQ(j["details"]["retention"]["checkins_overdue"], 1);
  EXPECT_EQ(j["details"]["models"]["drift"]["now"][3], 100);
}

TEST(AuditReport, ATamperedLogFails) {
  Records r;
  r.Audit("x", "", storage::audit_action::kLogin, "ok", kNow - kDay);
  r.Audit("y", "", storage::audit_action::kLogin, "ok", kNow - kDay);
  AuditReportInput in = Input(r);
  storage::AuditCheckpoint wrong{2, std::string(32, '\1')};
  in.checkpoint = wrong;
  auto report = BuildAuditReport(in);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(Find(*report, "hash chain")->verdict, "fail");
  EXPECT_TRUE(report->failed());
}

TEST(AuditReport, TheCommandOnADataDirectory) {
  storage::testing::TempDir tmp;
  const std::string key = tmp / "haven.key";
  const std::string data = tmp / "data";
  auto where = ResolveStore("", "", data);
  ASSERT_TRUE(where.ok());
  {
    auto store = OpenStorage(*where, key, /*create=*/true);
    ASSERT_TRUE(store.ok()) << store.status().message();
  }
  AuditReportArgs args;
  args.data_dir = data;
  args.key_file = key;
  args.out = tmp / "report.html";
  args.holdout = "/nonexistent.jsonl";
  testing::Captured c;
  EXPECT_EQ(RunAuditReport(args, HAVEN_SOURCE_DATA_DIR, c.out, c.err), 0) << c.ErrText();
  EXPECT_NE(c.OutText().find("report.html written: 0 failed"), std::string::npos) << c.OutText();
  const std::string html = storage::testing::ReadFileBytes(args.out);
  EXPECT_NE(html.find("<h1>Haven audit report</h1>"), std::string::npos);
  args.data_dir = tmp / "missing";
  testing::Captured missing;
  EXPECT_EQ(RunAuditReport(args, HAVEN_SOURCE_DATA_DIR, missing.out, missing.err), 2);
}

}  // namespace
}  // namespace haven::cli
