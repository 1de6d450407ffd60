#include "storage/audit.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <fstream>

#include "storage/memory/memory_store.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/test_util.h"

namespace haven::storage {
namespace {

using testing::TempDir;

AuditEvent Event(int i) {
  return AuditEvent{1000 + i,          "staff-1", "seeker-" + std::to_string(i),
                    "transcript.read", "ok",      "conversation c" + std::to_string(i)};
}

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = SqliteStore::Open(path_);
    ASSERT_TRUE(s.ok());
    store_ = std::move(s).value();
    for (int i = 1; i <= 5; ++i) {
      ASSERT_TRUE(store_->Transact([&](Txn& t) { return AppendAudit(t, Event(i)).status(); }).ok());
    }
    auto v = VerifyAudit(*store_, std::nullopt);
    ASSERT_TRUE(v.ok() && v->intact);
    checkpoint_ = v->checked;
  }

  // What someone holding the database file can do: the append-only triggers do not stop them.
  void Tamper(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    std::string all =
        "DROP TRIGGER IF EXISTS audit_log_no_update; "
        "DROP TRIGGER IF EXISTS audit_log_no_delete; " +
        sql;
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, all.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
  }

  AuditVerdict Verify(bool with_checkpoint = true) {
    auto v = VerifyAudit(*store_, with_checkpoint ? std::optional(checkpoint_) : std::nullopt);
    EXPECT_TRUE(v.ok());
    return v.ok() ? *v : AuditVerdict{};
  }

  TempDir tmp_;
  std::string path_ = tmp_ / "haven.db";
  std::unique_ptr<SqliteStore> store_;
  AuditCheckpoint checkpoint_;
};

TEST_F(AuditTest, AnUntouchedLogVerifiesAndChainsLikeRfc6962) {
  AuditVerdict v = Verify();
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.checked.count, 5);
  ASSERT_TRUE(store_
                  ->Transact([&](Txn& t) -> Status {
                    auto rows = t.ListAuditRecords(0, 10);
                    if (!rows.ok()) return rows.status();
                    std::string prev(32, '\0');
                    for (const AuditRecord& r : *rows) {
                      EXPECT_EQ(r.leaf_hash, AuditLeafHash(r));
                      EXPECT_EQ(r.chain_hash, AuditChainHash(prev, r.leaf_hash));
                      prev = r.chain_hash;
                    }
                    EXPECT_EQ(prev, v.checked.head);
                    EXPECT_EQ((*rows)[2].subject, "seeker-3");
                    EXPECT_EQ((*rows)[2].time, 1003);
                    return Status::Ok();
                  })
                  .ok());
}

TEST_F(AuditTest, TheDatabaseRefusesUpdatesAndDeletes) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "UPDATE audit_log SET outcome = 'x'", nullptr, nullptr, nullptr),
            SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM audit_log", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  EXPECT_TRUE(Verify().intact);
}

TEST_F(AuditTest, DetectsAnEditedEntry) {
  Tamper("UPDATE audit_log SET outcome = 'denied' WHERE seq = 3");
  AuditVerdict v = Verify(false);
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_seq, 3);
  EXPECT_NE(v.problem.find("altered"), std::string::npos);
}

TEST_F(AuditTest, DetectsAnEditedTime) {
  Tamper("UPDATE audit_log SET time = time + 1 WHERE seq = 1");
  EXPECT_EQ(Verify(false).first_bad_seq, 1);
}

TEST_F(AuditTest, DetectsADeletedEntry) {
  Tamper("DELETE FROM audit_log WHERE seq = 3");
  AuditVerdict v = Verify(false);
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_seq, 3);
  EXPECT_NE(v.problem.find("missing"), std::string::npos);
}

TEST_F(AuditTest, DetectsADeletedEntryWithTheRestRenumbered) {
  Tamper(
      "DELETE FROM audit_log WHERE seq = 3; UPDATE audit_log SET seq = seq + 100 WHERE seq > 3; "
      "UPDATE audit_log SET seq = seq - 101 WHERE seq > 100");
  AuditVerdict v = Verify(false);
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_seq, 3);
}

TEST_F(AuditTest, DetectsReorderedEntries) {
  Tamper(
      "UPDATE audit_log SET seq = -2 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 4; "
      "UPDATE audit_log SET seq = 4 WHERE seq = -2");
  AuditVerdict v = Verify(false);
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_seq, 2);
}

TEST_F(AuditTest, DetectsAnInsertedEntry) {
  // In the middle, the later entries moved up by one.
  Tamper(
      "UPDATE audit_log SET seq = seq + 100 WHERE seq >= 3; "
      "UPDATE audit_log SET seq = seq - 99 WHERE seq > 100; "
      "INSERT INTO audit_log SELECT 3, time, actor, 'someone-else', action, outcome, detail, "
      "leaf_hash, chain_hash FROM audit_log WHERE seq = 2");
  AuditVerdict v = Verify(false);
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_seq, 3);
}

TEST_F(AuditTest, DetectsAnEntryAppendedWithoutTheChain) {
  Tamper(
      "INSERT INTO audit_log SELECT 6, time, actor, subject, action, outcome, detail, "
      "leaf_hash, chain_hash FROM audit_log WHERE seq = 5");
  AuditVerdict v = Verify(false);
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_seq, 6);
}

TEST_F(AuditTest, DetectsATruncatedTailAgainstTheCheckpoint) {
  Tamper("DELETE FROM audit_log WHERE seq >= 4");
  EXPECT_TRUE(Verify(false).intact);  // a shorter log is self-consistent...
  AuditVerdict v = Verify(true);      // ...but not against the checkpoint
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.checked.count, 3);
  EXPECT_NE(v.problem.find("tail"), std::string::npos);
}

TEST_F(AuditTest, DetectsARecomputedChainAgainstTheCheckpoint) {
  // A careful forger edits entry 2 and recomputes every hash after it.
  Tamper("UPDATE audit_log SET outcome = 'denied' WHERE seq = 2");
  std::vector<AuditRecord> rows;
  ASSERT_TRUE(store_
                  ->Transact([&](Txn& t) -> Status {
                    auto r = t.ListAuditRecords(0, 10);
                    if (!r.ok()) return r.status();
                    rows = *r;
                    return Status::Ok();
                  })
                  .ok());
  std::string prev(32, '\0'), sql;
  for (AuditRecord& r : rows) {
    r.leaf_hash = AuditLeafHash(r);
    r.chain_hash = AuditChainHash(prev, r.leaf_hash);
    prev = r.chain_hash;
    auto hex = [](const std::string& b) {
      static const char* d = "0123456789abcdef";
      std::string h;
      for (unsigned char c : b) {
        h.push_back(d[c >> 4]);
        h.push_back(d[c & 15]);
      }
      return h;
    };
    sql += "UPDATE audit_log SET leaf_hash = x'" + hex(r.leaf_hash) + "', chain_hash = x'" +
           hex(r.chain_hash) + "' WHERE seq = " + std::to_string(r.seq) + "; ";
  }
  Tamper(sql);
  EXPECT_TRUE(Verify(false).intact);
  AuditVerdict v = Verify(true);
  EXPECT_FALSE(v.intact);
  EXPECT_NE(v.problem.find("checkpoint"), std::string::npos);
}

TEST_F(AuditTest, GrowsPastTheCheckpoint) {
  ASSERT_TRUE(store_->Transact([&](Txn& t) { return AppendAudit(t, Event(6)).status(); }).ok());
  AuditVerdict v = Verify(true);
  EXPECT_TRUE(v.intact) << v.problem;
  EXPECT_EQ(v.checked.count, 6);
}

TEST_F(AuditTest, AnEntryCommitsOrRollsBackWithItsAction) {
  Status s = store_->Transact([&](Txn& t) -> Status {
    if (Status a = AppendAudit(t, Event(6)).status(); !a.ok()) return a;
    return Internal("the action failed");
  });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(Verify().checked.count, 5);
}

TEST(AuditFieldsTest, RefusesEmptyCodesAndLongFields) {
  MemoryStore store;
  AuditEvent e = Event(1);
  e.detail = std::string(300, 'x');
  EXPECT_EQ(store.Transact([&](Txn& t) { return AppendAudit(t, e).status(); }).code(),
            StatusCode::kInvalidArgument);
  e = Event(1);
  e.action = "";
  EXPECT_EQ(store.Transact([&](Txn& t) { return AppendAudit(t, e).status(); }).code(),
            StatusCode::kInvalidArgument);
  auto v = VerifyAudit(store, AuditCheckpoint{0, std::string(32, '\0')});
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->intact);
  EXPECT_EQ(v->checked.count, 0);
}

TEST(AuditCheckpointTest, RoundTripsThroughAnOwnerOnlyFile) {
  TempDir tmp;
  std::string path = AuditCheckpointPathFor(tmp / "haven.key");
  EXPECT_EQ(path, tmp / "haven.key.audit-checkpoint");
  auto none = ReadAuditCheckpoint(path);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  AuditCheckpoint cp{42, std::string(32, '\x7f')};
  ASSERT_TRUE(WriteAuditCheckpoint(path, cp).ok());
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  auto back = ReadAuditCheckpoint(path);
  ASSERT_TRUE(back.ok() && back->has_value());
  EXPECT_EQ((*back)->count, 42);
  EXPECT_EQ((*back)->head, cp.head);
  {
    std::ofstream out(path, std::ios::trunc);
    out << "haven-audit-checkpoint-v1 3 zz\n";
  }
  EXPECT_EQ(ReadAuditCheckpoint(path).status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace haven::storage
