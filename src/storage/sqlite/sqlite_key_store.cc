#include "storage/sqlite/sqlite_key_store.h"

#include <ctime>

namespace haven::storage {
namespace {

constexpr sqlite::Migration kKeyMigrations[] = {
    {1, "data keys", R"sql(
CREATE TABLE data_keys(
  account_id TEXT PRIMARY KEY,
  dek_version INTEGER NOT NULL,
  kek_version INTEGER NOT NULL,
  wrapped BLOB NOT NULL);
CREATE INDEX data_keys_by_kek ON data_keys(kek_version, account_id);
)sql"},
};

WrappedKey ReadKey(const sqlite::Stmt& q) {
  WrappedKey k;
  k.account_id = q.ColText(0);
  k.dek_version = static_cast<uint32_t>(q.ColInt(1));
  k.kek_version = static_cast<uint32_t>(q.ColInt(2));
  k.wrapped = q.ColBlob(3);
  return k;
}

}  // namespace

StatusOr<std::unique_ptr<SqliteKeyStore>> SqliteKeyStore::Open(const std::string& path) {
  auto db = sqlite::Db::Open(path);
  if (!db.ok()) return db.status();
  if (Status s = (*db)->Migrate(kKeyMigrations, std::time(nullptr)); !s.ok()) return s;
  return std::unique_ptr<SqliteKeyStore>(new SqliteKeyStore(std::move(db).value()));
}

Status SqliteKeyStore::Put(const WrappedKey& key) {
  if (key.account_id.empty()) return InvalidArgument("key account id is empty");
  std::lock_guard lock(mu_);
  auto q = db_->Prepare(
      "INSERT INTO data_keys(account_id, dek_version, kek_version, wrapped) VALUES(?,?,?,?)");
  if (!q.ok()) return q.status();
  (*q)->Text(1, key.account_id).Int(2, key.dek_version).Int(3, key.kek_version);
  return (*q)->Blob(4, key.wrapped).Run();
}

StatusOr<WrappedKey> SqliteKeyStore::Get(std::string_view account_id) {
  std::lock_guard lock(mu_);
  auto q = db_->Prepare(
      "SELECT account_id, dek_version, kek_version, wrapped FROM data_keys WHERE account_id = ?");
  if (!q.ok()) return q.status();
  (*q)->Text(1, account_id);
  auto row = (*q)->Step();
  if (!row.ok()) return row.status();
  if (!*row) return NotFound("data key not found");
  WrappedKey k = ReadKey(**q);
  sqlite3_reset((*q)->raw());
  return k;
}

Status SqliteKeyStore::Destroy(std::string_view account_id) {
  std::lock_guard lock(mu_);
  auto q = db_->Prepare("DELETE FROM data_keys WHERE account_id = ?");
  if (!q.ok()) return q.status();
  if (Status s = (*q)->Text(1, account_id).Run(); !s.ok()) return s;
  // secure_delete zeroed the row in the new page image; the checkpoint writes that image into
  // the database file and truncates the WAL, which held the only other copy.
  auto cp = db_->Prepare("PRAGMA wal_checkpoint(TRUNCATE)");
  if (!cp.ok()) return cp.status();
  auto row = (*cp)->Step();
  if (!row.ok()) return row.status();
  bool busy = *row && (*cp)->ColInt(0) != 0;
  sqlite3_reset((*cp)->raw());
  // Another connection still reads an older snapshot: the key is deleted, but its old page may
  // remain in the log until that reader is done. Report it; erasing again finishes the job.
  if (busy) return Internal("the key store's log could not be truncated yet; erase again");
  return Status::Ok();
}

StatusOr<std::vector<WrappedKey>> SqliteKeyStore::ListNotUnder(uint32_t kek_version, int limit) {
  std::lock_guard lock(mu_);
  auto q = db_->Prepare(
      "SELECT account_id, dek_version, kek_version, wrapped FROM data_keys "
      "WHERE kek_version != ? ORDER BY account_id LIMIT ?");
  if (!q.ok()) return q.status();
  (*q)->Int(1, kek_version).Int(2, limit);
  std::vector<WrappedKey> out;
  for (;;) {
    auto row = (*q)->Step();
    if (!row.ok()) return row.status();
    if (!*row) return out;
    out.push_back(ReadKey(**q));
  }
}

Status SqliteKeyStore::Rewrap(const WrappedKey& key, uint32_t expected_kek_version) {
  std::lock_guard lock(mu_);
  auto q = db_->Prepare(
      "UPDATE data_keys SET kek_version = ?, wrapped = ? WHERE account_id = ? AND kek_version = ?");
  if (!q.ok()) return q.status();
  (*q)->Int(1, key.kek_version).Blob(2, key.wrapped).Text(3, key.account_id);
  if (Status s = (*q)->Int(4, expected_kek_version).Run(); !s.ok()) return s;
  if (sqlite3_changes(db_->raw()) == 1) return Status::Ok();
  auto exists = db_->Prepare("SELECT 1 FROM data_keys WHERE account_id = ?");
  if (!exists.ok()) return exists.status();
  auto row = (*exists)->Text(1, key.account_id).Step();
  if (!row.ok()) return row.status();
  sqlite3_reset((*exists)->raw());
  if (!*row) return NotFound("data key not found");
  return FailedPrecondition("data key was rewrapped meanwhile");
}

StatusOr<std::vector<std::pair<uint32_t, int64_t>>> SqliteKeyStore::CountByKekVersion() {
  std::lock_guard lock(mu_);
  auto q = db_->Prepare(
      "SELECT kek_version, COUNT(*) FROM data_keys GROUP BY kek_version ORDER BY kek_version");
  if (!q.ok()) return q.status();
  std::vector<std::pair<uint32_t, int64_t>> out;
  for (;;) {
    auto row = (*q)->Step();
    if (!row.ok()) return row.status();
    if (!*row) return out;
    out.emplace_back(static_cast<uint32_t>((*q)->ColInt(0)), (*q)->ColInt(1));
  }
}

}  // namespace haven::storage
