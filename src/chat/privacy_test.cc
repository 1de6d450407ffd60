// The privacy center of ChatService: what is stored, consents effective at once, retention,
// export (everything, audited) and erasure by crypto-shredding (a backup taken before cannot be
// read for the erased person, and everyone else in it still can).
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "chat/chat_service.h"
#include "storage/audit.h"
#include "storage/crypto/key_file.h"
#include "storage/memory/memory_store.h"
#include "storage/open.h"
#include "storage/sqlite/sqlite_key_store.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/test_util.h"

namespace haven::chat {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using storage::Txn;

const reply::Engine& SharedEngine() {
  static const reply::Engine* engine = [] {
    auto loaded = reply::Engine::Load(HAVEN_SOURCE_DATA_DIR);
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status().message();
      std::abort();
    }
    return std::move(loaded).value().release();
  }();
  return *engine;
}

class FakeClock {
 public:
  storage::UnixMillis Now() const { return now_.load(); }
  void Advance(std::chrono::milliseconds d) { now_ += d.count(); }
  ChatService::Clock AsClock() {
    return [this] { return Now(); };
  }

 private:
  std::atomic<storage::UnixMillis> now_{1'700'000'000'000};
};

constexpr auto kDay = std::chrono::hours(24);

std::vector<storage::AuditRecord> AuditLog(storage::Store& store) {
  std::vector<storage::AuditRecord> out;
  EXPECT_TRUE(store
                  .Transact([&](Txn& txn) -> Status {
                    auto all = txn.ListAuditRecords(0, 10000);
                    if (!all.ok()) return all.status();
                    out = std::move(all).value();
                    return Status::Ok();
                  })
                  .ok());
  return out;
}

int CountAudit(storage::Store& store, std::string_view action, std::string_view subject) {
  int n = 0;
  for (const auto& r : AuditLog(store)) n += r.action == action && r.subject == subject;
  return n;
}

std::vector<std::string> Texts(storage::Store& store, const std::string& conversation) {
  std::vector<std::string> out;
  Status st = store.Transact([&](Txn& txn) -> Status {
    auto msgs = txn.ListMessages(conversation, 0, 1000);
    if (!msgs.ok()) return msgs.status();
    for (const auto& m : *msgs) out.push_back(m.text);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.message();
  return out;
}

const ConsentOut& Find(const PrivacySummary& p, std::string_view kind) {
  for (const auto& c : p.consents) {
    if (c.kind == kind) return c;
  }
  static ConsentOut none;
  ADD_FAILURE() << "no consent " << kind;
  return none;
}

class PrivacyTest : public ::testing::Test {
 protected:
  PrivacyTest() : service_(SharedEngine(), store_, Options(), clock_.AsClock()) {}
  static ChatOptions Options() {
    ChatOptions o;
    o.default_retention_days = 30;
    return o;
  }
  SeekerSession NewSeeker() {
    auto s = service_.CreateSeeker();
    EXPECT_TRUE(s.ok()) << s.status().message();
    return *s;
  }
  void Say(const SeekerSession& s, const std::string& id, const std::string& text) {
    auto t = service_.Send(s, id, text, "en-US");
    ASSERT_TRUE(t.ok()) << t.status().message();
  }
  FakeClock clock_;
  storage::MemoryStore store_;
  ChatService service_;
};

TEST_F(PrivacyTest, WhatIsStoredAndTheDefaults) {
  SeekerSession s = NewSeeker();
  Say(s, "a", "work has been really stressful lately");
  Say(s, "b", "and I cannot sleep");
  auto p = service_.GetPrivacy(s.token);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->account_id, s.account_id);
  EXPECT_EQ(p->created_at, clock_.Now());
  EXPECT_EQ(p->conversations, 1);
  EXPECT_EQ(p->messages, 4);  // two turns: each a message and a reply
  EXPECT_EQ(p->notes, 0);
  EXPECT_EQ(p->screenings, 0);
  ASSERT_EQ(p->consents.size(), 3u);
  EXPECT_TRUE(Find(*p, consent::kKeepHistory).granted);
  EXPECT_TRUE(Find(*p, consent::kKeepHistory).is_default);
  EXPECT_FALSE(Find(*p, consent::kDeidentifiedUse).granted);
  EXPECT_FALSE(Find(*p, consent::kAnalytics).granted);
  EXPECT_EQ(p->retention_days, 30);
  EXPECT_TRUE(p->retention_is_default);

  EXPECT_EQ(service_.GetPrivacy("not-a-token").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(service_.Revoke(s.token).ok());
  EXPECT_EQ(service_.GetPrivacy(s.token).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(service_.Export(s.token).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(service_.Erase(s.token).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(service_.SetConsent(s.token, consent::kAnalytics, true).status().code(),
            StatusCode::kNotFound);
}

TEST_F(PrivacyTest, ConsentsAreEffectiveAtOnceAndAudited) {
  SeekerSession s = NewSeeker();
  auto p = service_.SetConsent(s.token, consent::kAnalytics, true);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_TRUE(Find(*p, consent::kAnalytics).granted);
  EXPECT_FALSE(Find(*p, consent::kAnalytics).is_default);
  EXPECT_TRUE(Find(*service_.GetPrivacy(s.token), consent::kAnalytics).granted);
  ASSERT_TRUE(service_.SetConsent(s.token, consent::kDeidentifiedUse, true).ok());
  ASSERT_TRUE(service_.SetConsent(s.token, consent::kDeidentifiedUse, false).ok());
  EXPECT_FALSE(Find(*service_.GetPrivacy(s.token), consent::kDeidentifiedUse).granted);
  EXPECT_EQ(CountAudit(store_, storage::audit_action::kConsentChange, s.account_id), 3);
  auto log = AuditLog(store_);
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.back().detail, "deidentified_use=off");

  auto bad = service_.SetConsent(s.token, "sell_my_data", true);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "bad_consent");

  // keep_history off: what is older than a day goes at once, the rest at logout.
  Say(s, "old", "an old worry about my exams");
  clock_.Advance(2 * kDay);
  Say(s, "new", "today I feel a bit better");
  ASSERT_EQ(Texts(store_, s.conversation_id).size(), 4u);
  ASSERT_TRUE(service_.SetConsent(s.token, consent::kKeepHistory, false).ok());
  auto left = Texts(store_, s.conversation_id);
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0], "today I feel a bit better");
  ASSERT_TRUE(service_.Revoke(s.token).ok());
  EXPECT_TRUE(Texts(store_, s.conversation_id).empty());
}

TEST_F(PrivacyTest, RetentionAndUnkeptHistoryCoverCheckIns) {
  SeekerSession alice = NewSeeker();
  SeekerSession bob = NewSeeker();
  ASSERT_TRUE(service_.RecordMood(alice.token, 2).ok());
  ASSERT_TRUE(service_.RecordMood(bob.token, 4).ok());
  clock_.Advance(10 * kDay);
  ASSERT_TRUE(service_.RecordMood(alice.token, 3).ok());
  // A 7-day period: alice's 10-day-old check-in goes at once, her new one stays, bob's stays.
  ASSERT_TRUE(service_.SetRetention(alice.token, 7).ok());
  auto left = service_.CheckIns(alice.token);
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].score, 3);
  ASSERT_EQ(service_.CheckIns(bob.token)->size(), 1u);
  // The sweep says what went, messages and check-ins apart.
  clock_.Advance(8 * kDay);
  auto swept = service_.SweepRetention();
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(*swept, 1);
  EXPECT_TRUE(service_.CheckIns(alice.token)->empty());
  EXPECT_EQ(CountAudit(store_, storage::audit_action::kRetentionDelete, alice.account_id), 1);

  // Keep no history: check-ins older than a day go at once, and the rest at logout.
  ASSERT_TRUE(service_.RecordMood(bob.token, 5).ok());
  ASSERT_TRUE(service_.SetConsent(bob.token, consent::kKeepHistory, false).ok());
  left = service_.CheckIns(bob.token);
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].score, 5);
  ASSERT_TRUE(service_.Revoke(bob.token).ok());
  bool any = false;
  ASSERT_TRUE(store_
                  .Transact([&](storage::Txn& txn) -> Status {
                    auto rows = txn.ListScreenings(bob.account_id);
                    if (!rows.ok()) return rows.status();
                    any = !rows->empty();
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_FALSE(any);
}

TEST_F(PrivacyTest, RetentionDeletesOldMessagesOnlyForThatAccount) {
  SeekerSession alice = NewSeeker();
  SeekerSession bob = NewSeeker();
  Say(alice, "a1", "alice's first worry");
  Say(bob, "b1", "bob's first worry");
  clock_.Advance(10 * kDay);
  // Alice keeps 7 days: her 10-day-old messages go at once; bob's (30 days by default) stay.
  auto p = service_.SetRetention(alice.token, 7);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->retention_days, 7);
  EXPECT_FALSE(p->retention_is_default);
  EXPECT_EQ(p->messages, 0);
  EXPECT_EQ(Texts(store_, bob.conversation_id).size(), 2u);
  EXPECT_EQ(CountAudit(store_, storage::audit_action::kRetentionChange, alice.account_id), 1);

  Say(alice, "a2", "alice's second worry");
  clock_.Advance(2 * kDay);
  auto swept = service_.SweepRetention();
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(*swept, 0);
  clock_.Advance(6 * kDay);  // alice's second message is 8 days old; bob's first 18
  swept = service_.SweepRetention();
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(*swept, 2);
  EXPECT_TRUE(Texts(store_, alice.conversation_id).empty());
  EXPECT_EQ(Texts(store_, bob.conversation_id).size(), 2u);
  EXPECT_EQ(CountAudit(store_, storage::audit_action::kRetentionDelete, alice.account_id), 1);
  EXPECT_EQ(CountAudit(store_, storage::audit_action::kRetentionDelete, bob.account_id), 0);

  // The default applies to bob after 30 days; back to the default for alice.
  clock_.Advance(13 * kDay);
  ASSERT_TRUE(service_.SweepRetention().ok());
  EXPECT_TRUE(Texts(store_, bob.conversation_id).empty());
  p = service_.SetRetention(alice.token, 0);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->retention_days, 30);
  EXPECT_TRUE(p->retention_is_default);

  for (int bad : {-1, 3651}) {
    auto r = service_.SetRetention(alice.token, bad);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message(), "bad_retention");
  }
}

TEST_F(PrivacyTest, ExportHoldsEverythingOfThatPersonAndIsAudited) {
  SeekerSession s = NewSeeker();
  SeekerSession other = NewSeeker();
  Say(s, "c1", "my sister and I had a fight");
  Say(other, "o1", "someone else's words");
  ASSERT_TRUE(service_.SetConsent(s.token, consent::kAnalytics, true).ok());
  ASSERT_TRUE(
      store_
          .Transact([&](Txn& txn) -> Status {
            auto a = txn.GetAccount(s.account_id);
            if (!a.ok()) return a.status();
            a->nickname = "Sam";
            if (Status u = txn.UpdateAccount(*a); !u.ok()) return u;
            storage::ScreeningResult r{"scr1", s.account_id, "phq9", R"({"score":7})",
                                       clock_.Now()};
            if (Status u = txn.AddScreening(r); !u.ok()) return u;
            storage::Feedback f{"fb1", s.account_id,  s.conversation_id, 2,
                                1,     "that helped", clock_.Now()};
            if (Status u = txn.AddFeedback(f); !u.ok()) return u;
            storage::Note n{"n1", s.conversation_id, "staff-x", "follow up tomorrow", clock_.Now()};
            return txn.AddNote(n);
          })
          .ok());
  auto doc = service_.Export(s.token);
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  json j = json::parse(*doc);
  EXPECT_EQ(j["schema"], kExportSchema);
  EXPECT_EQ(j["account"]["pseudonym"], s.account_id);
  EXPECT_EQ(j["account"]["nickname"], "Sam");
  ASSERT_EQ(j["conversations"].size(), 1u);
  const json& conv = j["conversations"][0];
  EXPECT_EQ(conv["id"], s.conversation_id);
  ASSERT_EQ(conv["messages"].size(), 2u);
  EXPECT_EQ(conv["messages"][0]["text"], "my sister and I had a fight");
  EXPECT_EQ(conv["messages"][0]["role"], "user");
  EXPECT_EQ(conv["messages"][0]["client_id"], "c1");
  EXPECT_EQ(conv["messages"][1]["role"], "assistant");
  EXPECT_FALSE(conv["messages"][1].contains("client_id"));
  EXPECT_TRUE(conv["messages"][1].contains("strategy"));
  ASSERT_EQ(conv["notes"].size(), 1u);
  EXPECT_EQ(conv["notes"][0]["text"], "follow up tomorrow");
  ASSERT_EQ(j["screenings"].size(), 1u);
  EXPECT_EQ(j["screenings"][0]["instrument"], "phq9");
  EXPECT_EQ(j["screenings"][0]["payload"], R"({"score":7})");
  ASSERT_EQ(j["feedback"].size(), 1u);
  EXPECT_EQ(j["feedback"][0]["comment"], "that helped");
  EXPECT_EQ(j["privacy"]["retention_days"], 30);
  bool analytics = false;
  for (const auto& c : j["privacy"]["consents"]) {
    if (c["kind"] == "analytics") analytics = c["granted"].get<bool>();
  }
  EXPECT_TRUE(analytics);
  EXPECT_EQ(doc->find("someone else's words"), std::string::npos);
  EXPECT_EQ(doc->find(other.account_id), std::string::npos);

  auto log = AuditLog(store_);
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.back().action, storage::audit_action::kExport);
  EXPECT_EQ(log.back().subject, s.account_id);
  EXPECT_EQ(log.back().actor, s.account_id);
  EXPECT_EQ(log.back().outcome, "ok");
  for (const auto& r : log) {  // the audit log never carries text
    EXPECT_EQ(r.detail.find("sister"), std::string::npos);
  }
  ASSERT_TRUE(storage::VerifyAudit(store_, std::nullopt)->intact);
}

TEST_F(PrivacyTest, AnExportOverTheCapIsRefusedAndAuditedAsAnError) {
  ChatOptions o = Options();
  o.max_export_bytes = 100;
  ChatService small(SharedEngine(), store_, o, clock_.AsClock());
  auto s = small.CreateSeeker();
  ASSERT_TRUE(s.ok());
  auto doc = small.Export(s->token);
  EXPECT_EQ(doc.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(doc.status().message(), "export_too_large");
  auto log = AuditLog(store_);
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.back().action, storage::audit_action::kExport);
  EXPECT_EQ(log.back().outcome, "error");
}

TEST_F(PrivacyTest, EraseRemovesEverythingEndsEverySessionAndIsAudited) {
  SeekerSession alice = NewSeeker();
  SeekerSession bob = NewSeeker();
  Say(alice, "a1", "alice's words");
  Say(bob, "b1", "bob's words");
  // A second session of alice (another device, by her recovery phrase).
  auto second = service_.Recover(alice.account_id, alice.recovery_phrase);
  ASSERT_TRUE(second.ok()) << second.status().message();
  auto erased = service_.Erase(alice.token);
  ASSERT_TRUE(erased.ok()) << erased.status().message();
  EXPECT_EQ(*erased, alice.account_id);
  EXPECT_EQ(service_.Resume(alice.token).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(service_.CheckSession(alice.token).code(), StatusCode::kNotFound);
  EXPECT_EQ(service_.CheckSession(second->token).code(), StatusCode::kNotFound);
  EXPECT_EQ(service_.Erase(alice.token).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_
                  .Transact([&](Txn& txn) -> Status {
                    EXPECT_EQ(txn.GetAccount(alice.account_id).status().code(),
                              StatusCode::kNotFound);
                    EXPECT_EQ(txn.GetConversation(alice.conversation_id).status().code(),
                              StatusCode::kNotFound);
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(CountAudit(store_, storage::audit_action::kErase, alice.account_id), 1);
  // Bob is untouched.
  EXPECT_EQ(Texts(store_, bob.conversation_id).front(), "bob's words");
  EXPECT_TRUE(service_.GetPrivacy(bob.token).ok());
  ASSERT_TRUE(storage::VerifyAudit(store_, std::nullopt)->intact);
}

// The proof the issue asks for: a backup of the database files taken before the erasure, opened
// afterwards with the same key file, holds the erased person's ciphertext but no key for it,
// while the other person in that backup still opens.
TEST(PrivacyShreddingTest, ABackupTakenBeforeErasureCannotBeReadForThatPerson) {
  storage::testing::TempDir tmp;
  const std::string data = tmp / "data";
  const std::string key_file = tmp / "haven.key";
  const std::string backup = tmp / "backup";
  FakeClock clock;
  auto opened = storage::OpenSqliteStorage(data, key_file);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  std::unique_ptr<storage::EncryptedStore> store = std::move(opened).value();
  ChatService service(SharedEngine(), *store, {}, clock.AsClock());
  auto alice = service.CreateSeeker();
  auto bob = service.CreateSeeker();
  ASSERT_TRUE(alice.ok() && bob.ok());
  ASSERT_TRUE(service.Send(*alice, "a1", "alice canary 7f3e: my secret worry", "en-US").ok());
  ASSERT_TRUE(service.Send(*bob, "b1", "bob canary 91c2: my own worry", "en-US").ok());

  // The backup: the main database files as they are now (the database and its WAL).
  fs::create_directories(backup);
  for (const char* f : {"haven.db", "haven.db-wal"}) {
    if (fs::exists(fs::path(data) / f)) fs::copy_file(fs::path(data) / f, fs::path(backup) / f);
  }

  ASSERT_TRUE(service.Erase(alice->token).ok());
  EXPECT_EQ(store->keys().Get(alice->account_id).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store->keys().Get(bob->account_id).ok());

  // The backup, opened with the same key file and the key store as it is now.
  auto copy = storage::SqliteStore::Open(backup + "/haven.db");
  ASSERT_TRUE(copy.ok()) << copy.status().message();
  auto keys = storage::SqliteKeyStore::Open(data + "/keys.db");
  ASSERT_TRUE(keys.ok()) << keys.status().message();
  auto kek = storage::crypto::KeyFile::Load(key_file, data);
  ASSERT_TRUE(kek.ok()) << kek.status().message();
  storage::EncryptedStore old_copy(std::move(copy).value(), std::move(keys).value(),
                                   storage::crypto::Keyring(std::move(kek).value()));

  // Alice's rows are in the backup, but only as ciphertext that nothing opens any more.
  Status raw = old_copy.inner().Transact([&](Txn& txn) -> Status {
    auto rows = txn.ListMessages(alice->conversation_id, 0, 10);
    if (!rows.ok()) return rows.status();
    EXPECT_EQ(rows->size(), 2u);
    for (const auto& m : *rows) EXPECT_EQ(m.text.find("canary 7f3e"), std::string::npos);
    return Status::Ok();
  });
  ASSERT_TRUE(raw.ok()) << raw.message();
  Status alice_read = old_copy.Transact(
      [&](Txn& txn) -> Status { return txn.ListMessages(alice->conversation_id, 0, 10).status(); });
  EXPECT_EQ(alice_read.code(), StatusCode::kNotFound);
  EXPECT_EQ(alice_read.message().find("canary"), std::string::npos);
  // Bob, in the same backup, still opens.
  std::vector<std::string> bob_texts;
  Status bob_read = old_copy.Transact([&](Txn& txn) -> Status {
    auto rows = txn.ListMessages(bob->conversation_id, 0, 10);
    if (!rows.ok()) return rows.status();
    for (const auto& m : *rows) bob_texts.push_back(m.text);
    return Status::Ok();
  });
  ASSERT_TRUE(bob_read.ok()) << bob_read.message();
  ASSERT_EQ(bob_texts.size(), 2u);
  EXPECT_EQ(bob_texts[0], "bob canary 91c2: my own worry");
  // And the live service still serves bob.
  EXPECT_TRUE(service.GetPrivacy(bob->token).ok());
  EXPECT_TRUE(service.Export(bob->token).ok());
}

}  // namespace
}  // namespace haven::chat
