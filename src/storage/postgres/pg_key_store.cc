#include "storage/postgres/pg_key_store.h"

#include <ctime>

namespace haven::storage {
namespace {

using pg::Params;
using pg::Result;
using pg::Statement;

// "havenkey" in ASCII: the key database's migration lock.
constexpr int64_t kKeyMigrationLockKey = 0x686176656e6b6579;

constexpr pg::Migration kKeyMigrations[] = {
    {1, "data keys", R"sql(
CREATE TABLE data_keys(
  account_id text COLLATE "C" PRIMARY KEY,
  dek_version bigint NOT NULL,
  kek_version bigint NOT NULL,
  wrapped bytea NOT NULL);
CREATE INDEX data_keys_by_kek ON data_keys(kek_version, account_id);
)sql"},
};

#define KEY_COLUMNS "account_id, dek_version, kek_version, wrapped"

WrappedKey ReadKey(const Result& r, int i) {
  WrappedKey k;
  k.account_id = r.Bytes(i, 0);
  k.dek_version = static_cast<uint32_t>(r.Int(i, 1));
  k.kek_version = static_cast<uint32_t>(r.Int(i, 2));
  k.wrapped = r.Bytes(i, 3);
  return k;
}

}  // namespace

StatusOr<std::unique_ptr<PostgresKeyStore>> PostgresKeyStore::Open(const std::string& conninfo,
                                                                   int pool_size) {
  auto pool = pg::Pool::Open(conninfo, pool_size);
  if (!pool.ok()) return pool.status();
  {
    auto conn = (*pool)->Acquire();
    if (!conn.ok()) return conn.status();
    if (Status s = pg::Migrate(**conn, kKeyMigrations, kKeyMigrationLockKey, std::time(nullptr));
        !s.ok()) {
      return s;
    }
  }
  return std::unique_ptr<PostgresKeyStore>(new PostgresKeyStore(std::move(pool).value()));
}

int PostgresKeyStore::LatestSchemaVersion() { return std::end(kKeyMigrations)[-1].version; }

StatusOr<Result> PostgresKeyStore::Run(const Statement& stmt, const Params& params) {
  auto conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Run(stmt, params);
  if (!r.ok() && (*conn)->Broken()) {
    // Lost while it sat in the pool; one statement outside a transaction that did not run.
    // Only a statement that never reached the server is safe to send again, and libpq cannot
    // tell; every statement here is idempotent or fails harmlessly when repeated (a repeated
    // Put finds its own row: FailedPrecondition), so retry once on a fresh connection.
    if (Status s = (*conn)->Reset(); !s.ok()) return s;
    r = (*conn)->Run(stmt, params);
  }
  return r;
}

Status PostgresKeyStore::Put(const WrappedKey& key) {
  static constexpr Statement kInsert{
      "key.insert", "INSERT INTO data_keys(" KEY_COLUMNS ") VALUES($1, $2, $3, $4)"};
  if (key.account_id.empty()) return InvalidArgument("key account id is empty");
  return Run(kInsert, Params()
                          .Text(key.account_id)
                          .Int(key.dek_version)
                          .Int(key.kek_version)
                          .Bytes(key.wrapped))
      .status();
}

StatusOr<WrappedKey> PostgresKeyStore::Get(std::string_view account_id) {
  static constexpr Statement kGet{"key.get",
                                  "SELECT " KEY_COLUMNS " FROM data_keys WHERE account_id = $1"};
  auto r = Run(kGet, Params().Text(account_id));
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return NotFound("data key not found");
  return ReadKey(*r, 0);
}

Status PostgresKeyStore::Destroy(std::string_view account_id) {
  static constexpr Statement kDelete{"key.delete", "DELETE FROM data_keys WHERE account_id = $1"};
  return Run(kDelete, Params().Text(account_id)).status();
}

StatusOr<std::vector<WrappedKey>> PostgresKeyStore::ListNotUnder(uint32_t kek_version, int limit) {
  static constexpr Statement kList{"key.list_not_under", "SELECT " KEY_COLUMNS
                                                         " FROM data_keys WHERE kek_version <> $1 "
                                                         "ORDER BY account_id LIMIT $2"};
  if (limit <= 0) return std::vector<WrappedKey>();  // as MemoryKeyStore
  auto r = Run(kList, Params().Int(kek_version).Int(limit));
  if (!r.ok()) return r.status();
  std::vector<WrappedKey> out;
  for (int i = 0; i < r->rows(); ++i) out.push_back(ReadKey(*r, i));
  return out;
}

Status PostgresKeyStore::Rewrap(const WrappedKey& key, uint32_t expected_kek_version) {
  // One statement: the update, and whether the row existed (the outer query sees the table as
  // it was before the update).
  static constexpr Statement kRewrap{
      "key.rewrap",
      "WITH u AS (UPDATE data_keys SET kek_version = $1, wrapped = $2 "
      "WHERE account_id = $3 AND kek_version = $4 RETURNING 1) "
      "SELECT (SELECT COUNT(*) FROM u), EXISTS(SELECT 1 FROM data_keys WHERE account_id = $3)"};
  auto r = Run(kRewrap, Params()
                            .Int(key.kek_version)
                            .Bytes(key.wrapped)
                            .Text(key.account_id)
                            .Int(expected_kek_version));
  if (!r.ok()) return r.status();
  if (r->Int(0, 0) == 1) return Status::Ok();
  if (!r->Bool(0, 1)) return NotFound("data key not found");
  return FailedPrecondition("data key was rewrapped meanwhile");
}

StatusOr<std::vector<std::pair<uint32_t, int64_t>>> PostgresKeyStore::CountByKekVersion() {
  static constexpr Statement kCount{
      "key.count_by_kek",
      "SELECT kek_version, COUNT(*) FROM data_keys GROUP BY kek_version ORDER BY kek_version"};
  auto r = Run(kCount, Params());
  if (!r.ok()) return r.status();
  std::vector<std::pair<uint32_t, int64_t>> out;
  for (int i = 0; i < r->rows(); ++i) {
    out.emplace_back(static_cast<uint32_t>(r->Int(i, 0)), r->Int(i, 1));
  }
  return out;
}

}  // namespace haven::storage
