#include "cli/backup_cmd.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "cli/store_options.h"
#include "cli/test_util.h"
#include "storage/audit.h"
#include "storage/open.h"
#include "storage/postgres/test_cluster.h"
#include "storage/test_util.h"

namespace haven::cli {
namespace {

namespace fs = std::filesystem;
using storage::testing::TempDir;
using testing::Captured;

Status CreatePerson(storage::Store& store, const std::string& id, const std::string& nickname) {
  return store.Transact([&](storage::Txn& t) {
    storage::Account a;
    a.id = id;
    a.kind = storage::AccountKind::kSeeker;
    a.nickname = nickname;
    return t.CreateAccount(a);
  });
}

// The account's nickname, or the status of reading it.
StatusOr<std::string> Nickname(storage::Store& store, const std::string& id) {
  std::string name;
  Status st = store.Transact([&](storage::Txn& t) -> Status {
    auto a = t.GetAccount(id);
    if (!a.ok()) return a.status();
    name = a->nickname.value_or("");
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return name;
}

int CountAudit(storage::Store& store, const std::string& action, const std::string& detail = "") {
  int n = 0;
  EXPECT_TRUE(store
                  .Transact([&](storage::Txn& t) -> Status {
                    auto all = t.ListAuditRecords(0, 100000);
                    if (!all.ok()) return all.status();
                    for (const auto& r : *all) {
                      if (r.action == action &&
                          (detail.empty() || r.detail.find(detail) != std::string::npos)) {
                        n++;
                      }
                    }
                    return Status::Ok();
                  })
                  .ok());
  return n;
}

BackupArgs Args(const std::string& data_dir, const std::string& file, bool keys = false) {
  BackupArgs a;
  a.data_dir = data_dir;
  a.file = file;
  a.keys = keys;
  return a;
}

// Ana is erased after the backup; Bo is not. Restoring the backup brings Ana's rows back as
// ciphertext that no key opens, and the restore deletes them again.
TEST(BackupCommandTest, SqliteRestoreCannotBringBackSomeoneErasedAfterTheBackup) {
  TempDir tmp;
  const std::string data = tmp / "data", key = tmp / "haven.key";
  const std::string records = tmp / "records.bak", keys = tmp / "keys.bak";
  {
    auto store = storage::OpenSqliteStorage(data, key);
    ASSERT_TRUE(store.ok()) << store.status().message();
    ASSERT_TRUE(CreatePerson(**store, "ana", "Ana").ok());
    ASSERT_TRUE(CreatePerson(**store, "bo", "Bo").ok());
  }
  Captured b;
  ASSERT_EQ(RunBackup(Args(data, records), b.out, b.err), 0) << b.ErrText();
  EXPECT_NE(b.OutText().find("holds no data key"), std::string::npos) << b.OutText();
  EXPECT_EQ(fs::status(records).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  Captured again;
  EXPECT_EQ(RunBackup(Args(data, records), again.out, again.err), 2);
  EXPECT_NE(again.ErrText().find("exists already"), std::string::npos);
  Captured k;
  ASSERT_EQ(RunBackup(Args(data, keys, /*keys=*/true), k.out, k.err), 0) << k.ErrText();

  {  // Ana erases everything: her data key is destroyed, her rows deleted.
    auto store = storage::OpenSqliteStorage(data, key);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Transact([](storage::Txn& t) { return t.DeleteAccount("ana"); }).ok());
  }

  // The backup, put next to today's keys, cannot be read for Ana (crypto-shredding).
  const std::string copy = tmp / "copy";
  fs::create_directories(copy);
  fs::copy_file(records, fs::path(copy) / storage::kMainDbName);
  fs::copy_file(fs::path(data) / storage::kKeysDbName, fs::path(copy) / storage::kKeysDbName);
  {
    auto store = storage::OpenSqliteStorage(copy, key);
    ASSERT_TRUE(store.ok());
    EXPECT_EQ(Nickname(**store, "ana").status().code(), StatusCode::kNotFound);
    EXPECT_EQ(*Nickname(**store, "bo"), "Bo");
  }

  // A keys backup is not a records backup.
  BackupArgs wrong = Args(data, keys);
  wrong.key_file = key;
  Captured refused;
  EXPECT_EQ(RunRestore(wrong, refused.out, refused.err), 2);
  EXPECT_NE(refused.ErrText().find("not a backup of Haven's records"), std::string::npos)
      << refused.ErrText();

  // With the wrong key store (none of the backup's keys), nothing is deleted or replaced.
  const std::string stranger = tmp / "stranger";
  { ASSERT_TRUE(storage::OpenSqliteStorage(stranger, key).ok()); }
  BackupArgs lost = Args(stranger, records);
  lost.key_file = key;
  Captured no_keys;
  EXPECT_EQ(RunRestore(lost, no_keys.out, no_keys.err), 2);
  EXPECT_NE(no_keys.ErrText().find("none of the 2 accounts"), std::string::npos)
      << no_keys.ErrText();

  BackupArgs restore = Args(data, records);
  restore.key_file = key;
  Captured r;
  ASSERT_EQ(RunRestore(restore, r.out, r.err), 0) << r.ErrText();
  EXPECT_NE(r.OutText().find("1 erasure since the backup reapplied"), std::string::npos)
      << r.OutText();
  auto store = storage::OpenSqliteStorage(data, key);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(Nickname(**store, "ana").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(*Nickname(**store, "bo"), "Bo");
  EXPECT_EQ(CountAudit(**store, storage::audit_action::kRestore, "erasures_reapplied=1"), 1);
  EXPECT_EQ(CountAudit(**store, storage::audit_action::kErase, "reapplied"), 1);
  // The checkpoint next to the key file covers the restored log.
  auto checkpoint = storage::ReadAuditCheckpoint(storage::AuditCheckpointPathFor(key));
  ASSERT_TRUE(checkpoint.ok() && checkpoint->has_value());
  auto verdict = storage::VerifyAudit((*store)->inner(), *checkpoint);
  ASSERT_TRUE(verdict.ok());
  EXPECT_TRUE(verdict->intact) << verdict->problem;
}

TEST(BackupCommandTest, RestoreRefusesWhatIsNotABackup) {
  TempDir tmp;
  const std::string data = tmp / "data", key = tmp / "haven.key", junk = tmp / "junk";
  { ASSERT_TRUE(storage::OpenSqliteStorage(data, key).ok()); }
  FILE* f = std::fopen(junk.c_str(), "w");
  std::fputs("not a database at all", f);
  std::fclose(f);
  BackupArgs a = Args(data, junk);
  a.key_file = key;
  Captured c;
  EXPECT_EQ(RunRestore(a, c.out, c.err), 2);
  EXPECT_NE(c.ErrText().find("damaged or not an SQLite database"), std::string::npos)
      << c.ErrText();
  a.file = tmp / "missing";
  Captured m;
  EXPECT_EQ(RunRestore(a, m.out, m.err), 2);
  EXPECT_NE(m.ErrText().find("does not exist"), std::string::npos);
}

TEST(BackupCommandTest, PostgresRestoreCannotBringBackSomeoneErasedAfterTheBackup) {
  HAVEN_REQUIRE_PG_CLUSTER(cluster);
  auto records_db = cluster.NewDatabase();
  auto keys_db = cluster.NewDatabase();
  ASSERT_TRUE(records_db.ok() && keys_db.ok());
  TempDir tmp;
  const std::string key = tmp / "haven.key";
  const std::string records = tmp / "records.dump", keys = tmp / "keys.dump";
  BackupArgs a;
  a.store = testing::PostgresUrl(*records_db);
  a.keys_store = testing::PostgresUrl(*keys_db);
  a.key_file = key;
  auto where = ResolveStore(a.store, a.keys_store, "");
  ASSERT_TRUE(where.ok());
  {
    auto store = OpenStorage(*where, key, /*create=*/true);
    ASSERT_TRUE(store.ok()) << store.status().message();
    ASSERT_TRUE(CreatePerson(**store, "ana", "Ana").ok());
    ASSERT_TRUE(CreatePerson(**store, "bo", "Bo").ok());
  }
  a.file = records;
  Captured b;
  ASSERT_EQ(RunBackup(a, b.out, b.err), 0) << b.ErrText();
  BackupArgs ak = a;
  ak.file = keys;
  ak.keys = true;
  Captured bk;
  ASSERT_EQ(RunBackup(ak, bk.out, bk.err), 0) << bk.ErrText();
  {
    auto store = OpenStorage(*where, key, /*create=*/false);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Transact([](storage::Txn& t) { return t.DeleteAccount("ana"); }).ok());
    ASSERT_TRUE(CreatePerson(**store, "cy", "Cy").ok());  // after the backup: lost by restoring
  }
  a.file = records;
  Captured r;
  ASSERT_EQ(RunRestore(a, r.out, r.err), 0) << r.ErrText();
  EXPECT_NE(r.OutText().find("1 erasure since the backup reapplied"), std::string::npos)
      << r.OutText();
  auto store = OpenStorage(*where, key, /*create=*/false);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(Nickname(**store, "ana").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Nickname(**store, "cy").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(*Nickname(**store, "bo"), "Bo");
  EXPECT_EQ(CountAudit(**store, storage::audit_action::kRestore, "erasures_reapplied=1"), 1);

  // The keys backup goes back on its own (here: the same keys, so Bo still reads).
  Captured rk;
  ASSERT_EQ(RunRestore(ak, rk.out, rk.err), 0) << rk.ErrText();
  EXPECT_NE(rk.OutText().find("restored the keys"), std::string::npos);
  auto reopened = OpenStorage(*where, key, /*create=*/false);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(*Nickname(**reopened, "bo"), "Bo");
}

}  // namespace
}  // namespace haven::cli
