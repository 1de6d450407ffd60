// SqliteKeyStore: the KeyStore in its own SQLite file (keys.db beside haven.db), apart from
// the main database so that copies of that one never hold keys. Destroy deletes the row with
// secure_delete on and then truncates the WAL, so the wrapped key's bytes are left in no file
// SQLite keeps. Thread-safe (one connection, one mutex).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "storage/key_store.h"
#include "storage/sqlite/sqlite_db.h"

namespace haven::storage {

class SqliteKeyStore final : public KeyStore {
 public:
  // Opens or creates the key database at `path` and migrates it (errors as SqliteStore::Open).
  static StatusOr<std::unique_ptr<SqliteKeyStore>> Open(const std::string& path);

  Status Put(const WrappedKey& key) override;
  StatusOr<WrappedKey> Get(std::string_view account_id) override;
  Status Destroy(std::string_view account_id) override;
  StatusOr<std::vector<WrappedKey>> ListNotUnder(uint32_t kek_version, int limit) override;
  Status Rewrap(const WrappedKey& key, uint32_t expected_kek_version) override;
  StatusOr<std::vector<std::pair<uint32_t, int64_t>>> CountByKekVersion() override;

 private:
  explicit SqliteKeyStore(std::unique_ptr<sqlite::Db> db) : db_(std::move(db)) {}
  std::mutex mu_;
  std::unique_ptr<sqlite::Db> db_;
};

}  // namespace haven::storage
