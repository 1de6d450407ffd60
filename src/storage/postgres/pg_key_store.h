// PostgresKeyStore: the KeyStore in a PostgreSQL database (table data_keys), opened with its own
// connection string so that operators can keep the keys in another database (or on another
// server) than the records and back them up on their own schedule, never restoring them over a
// newer copy (key_store.h). Each call is one statement, atomic on its own.
//
// Destroy deletes the key's row. Unlike SqliteKeyStore it cannot promise that no file keeps the
// wrapped key's bytes: until VACUUM reuses the page, and until the server recycles its WAL, the
// old row version can remain on disk, and in WAL archives and base backups for as long as they
// are kept. That is why the key database should be a separate one with short-lived backups.
// (The wrapped key is useless without the KEK, which is never in either database.)
//
// Thread-safe (a small connection pool).
#pragma once

#include <memory>
#include <string>

#include "storage/key_store.h"
#include "storage/postgres/pg_conn.h"

namespace haven::storage {

class PostgresKeyStore final : public KeyStore {
 public:
  // Connects with `conninfo` and migrates the key database (errors as PostgresStore::Open).
  static StatusOr<std::unique_ptr<PostgresKeyStore>> Open(const std::string& conninfo,
                                                          int pool_size = 2);

  Status Put(const WrappedKey& key) override;
  StatusOr<WrappedKey> Get(std::string_view account_id) override;
  Status Destroy(std::string_view account_id) override;
  StatusOr<std::vector<WrappedKey>> ListNotUnder(uint32_t kek_version, int limit) override;
  Status Rewrap(const WrappedKey& key, uint32_t expected_kek_version) override;
  StatusOr<std::vector<std::pair<uint32_t, int64_t>>> CountByKekVersion() override;

  // The schema version this binary writes.
  static int LatestSchemaVersion();

 private:
  explicit PostgresKeyStore(std::unique_ptr<pg::Pool> pool) : pool_(std::move(pool)) {}
  // Runs one statement on a pooled connection (outside any transaction block).
  StatusOr<pg::Result> Run(const pg::Statement& stmt, const pg::Params& params);

  std::unique_ptr<pg::Pool> pool_;
};

}  // namespace haven::storage
