// What is particular to the SQLite backend (the shared behaviour is in store_contract_test.cc).
#include "storage/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "storage/test_util.h"

namespace haven::storage {
namespace {

using testing::TempDir;

std::string Pragma(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK);
  std::string out;
  if (sqlite3_step(st) == SQLITE_ROW)
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

TEST(SqliteStoreTest, AppliesMigrationsOnceAndRecordsThem) {
  TempDir tmp;
  std::string path = tmp / "haven.db";
  ASSERT_TRUE(SqliteStore::Open(path).ok());
  ASSERT_TRUE(SqliteStore::Open(path).ok());  // idempotent
  EXPECT_EQ(Pragma(path, "SELECT COUNT(*) FROM schema_migrations"),
            std::to_string(SqliteStore::LatestSchemaVersion()));
  EXPECT_EQ(Pragma(path, "SELECT name FROM schema_migrations WHERE version = 1"), "initial schema");
  EXPECT_EQ(Pragma(path, "PRAGMA journal_mode"), "wal");
}

TEST(SqliteStoreTest, MigrationTwoAddsTotpLastStepToAnExistingDatabase) {
  TempDir tmp;
  std::string path = tmp / "haven.db";
  ASSERT_TRUE(SqliteStore::Open(path).ok());
  // Back to the schema of version 1, with a staff account in it.
  Pragma(path, "ALTER TABLE accounts DROP COLUMN totp_last_step");
  Pragma(path, "DELETE FROM schema_migrations WHERE version = 2");
  Pragma(path,
         "INSERT INTO accounts(id, kind, created_at, username, role, password_hash) "
         "VALUES('s1', 1, 5, 'alice', 1, 'h')");
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE((*store)
                  ->Transact([](Txn& t) -> Status {
                    auto a = t.FindStaffByUsername("alice");
                    if (!a.ok()) return a.status();
                    EXPECT_EQ(a->totp_last_step, 0);
                    a->totp_last_step = 42;
                    return t.UpdateAccount(*a);
                  })
                  .ok());
  EXPECT_EQ(Pragma(path, "SELECT totp_last_step FROM accounts WHERE id = 's1'"), "42");
}

TEST(SqliteStoreTest, SetsSafetyPragmasOnItsConnection) {
  TempDir tmp;
  auto store = SqliteStore::Open(tmp / "haven.db");
  ASSERT_TRUE(store.ok());
  // Foreign keys are on: a conversation for a missing account is refused.
  Status s = (*store)->Transact([](Txn& t) {
    Conversation c;
    c.id = "c";
    c.owner_id = "missing";
    return t.CreateConversation(c);
  });
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
}

TEST(SqliteStoreTest, RefusesADatabaseFromANewerHaven) {
  TempDir tmp;
  std::string path = tmp / "haven.db";
  ASSERT_TRUE(SqliteStore::Open(path).ok());
  Pragma(path, "INSERT INTO schema_migrations VALUES(999, 'from the future', 0)");
  auto again = SqliteStore::Open(path);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(again.status().message().find("newer"), std::string::npos);
}

TEST(SqliteStoreTest, RefusesAFileThatIsNotADatabase) {
  TempDir tmp;
  std::string path = tmp / "haven.db";
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    std::fputs("this is not a database, just some bytes that go on for a while ...........", f);
    std::fclose(f);
  }
  auto store = SqliteStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace haven::storage

namespace haven::storage {
namespace {

TEST(SqliteStoreTest, CommitsSurviveWithoutAnFsyncPerCommit) {
  TempDir tmp;
  std::string path = tmp / "haven.db";
  {
    auto store = SqliteStore::Open(path, /*sync_every_commit=*/false);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)
                    ->Transact([](Txn& t) {
                      Account a;
                      a.id = "a";
                      return t.CreateAccount(a);
                    })
                    .ok());
  }
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE((*store)->Transact([](Txn& t) { return t.GetAccount("a").status(); }).ok());
}

}  // namespace
}  // namespace haven::storage
