#include "storage/open.h"

#include <filesystem>
#include <system_error>

#include "storage/postgres/pg_key_store.h"
#include "storage/postgres/pg_store.h"
#include "storage/sqlite/sqlite_key_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace haven::storage {

StatusOr<std::unique_ptr<EncryptedStore>> OpenSqliteStorage(const std::string& data_dir,
                                                            const std::string& key_file,
                                                            const SqliteStorageOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(data_dir, ec)) {
    fs::create_directories(data_dir, ec);
    if (ec) return Internal("cannot create data directory " + data_dir);
    fs::permissions(data_dir, fs::perms::owner_all, ec);
  }
  auto kek = crypto::KeyFile::LoadOrCreate(key_file, data_dir);
  if (!kek.ok()) return kek.status();
  crypto::Keyring keyring(std::move(kek).value());
  for (const std::string& path : options.older_key_files) {
    auto older = crypto::KeyFile::Load(path, data_dir);
    if (!older.ok()) return older.status();
    keyring.AddOlder(std::move(older).value());
  }
  auto store = SqliteStore::Open(data_dir + "/" + kMainDbName, options.sync_every_commit);
  if (!store.ok()) return store.status();
  auto keys = SqliteKeyStore::Open(data_dir + "/" + kKeysDbName);
  if (!keys.ok()) return keys.status();
  return std::make_unique<EncryptedStore>(std::move(store).value(), std::move(keys).value(),
                                          std::move(keyring));
}

StatusOr<std::unique_ptr<EncryptedStore>> OpenPostgresStorage(
    const std::string& store_conninfo, const std::string& keys_conninfo,
    const std::string& key_file, const PostgresStorageOptions& options) {
  // No data directory here: the key file may lie anywhere the operator keeps secrets.
  auto kek = crypto::KeyFile::LoadOrCreate(key_file, /*data_dir=*/"");
  if (!kek.ok()) return kek.status();
  crypto::Keyring keyring(std::move(kek).value());
  for (const std::string& path : options.older_key_files) {
    auto older = crypto::KeyFile::Load(path, /*data_dir=*/"");
    if (!older.ok()) return older.status();
    keyring.AddOlder(std::move(older).value());
  }
  auto store = PostgresStore::Open(store_conninfo, options.store_pool_size);
  if (!store.ok()) return store.status();
  auto keys = PostgresKeyStore::Open(keys_conninfo, options.keys_pool_size);
  if (!keys.ok()) return keys.status();
  return std::make_unique<EncryptedStore>(std::move(store).value(), std::move(keys).value(),
                                          std::move(keyring));
}

}  // namespace haven::storage
