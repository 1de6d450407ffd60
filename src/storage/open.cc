#include "storage/open.h"

#include <filesystem>
#include <system_error>

#include "storage/postgres/pg_conn.h"
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
  auto keys = OpenPostgresKeyStore(store_conninfo, keys_conninfo, options.keys_pool_size);
  if (!keys.ok()) return keys.status();
  return std::make_unique<EncryptedStore>(std::move(store).value(), std::move(keys).value(),
                                          std::move(keyring));
}

StatusOr<std::unique_ptr<KeyStore>> OpenPostgresKeyStore(const std::string& store_conninfo,
                                                         const std::string& keys_conninfo,
                                                         int pool_size) {
  std::string conninfo = keys_conninfo;
  if (keys_conninfo == store_conninfo) {
    auto conn = pg::Conn::Connect(store_conninfo);
    if (!conn.ok()) return conn.status();
    if (Status s = (*conn)->Exec(
            (std::string("CREATE SCHEMA IF NOT EXISTS ") + kKeysSchema).c_str(), "create schema");
        !s.ok()) {
      return s;
    }
    const bool uri = conninfo.starts_with("postgres://") || conninfo.starts_with("postgresql://");
    if (uri) {
      conninfo += conninfo.find('?') == std::string::npos ? "?" : "&";
      conninfo += std::string("options=-c%20search_path%3D") + kKeysSchema;
    } else {
      conninfo += std::string(" options='-c search_path=") + kKeysSchema + "'";
    }
  }
  auto keys = PostgresKeyStore::Open(conninfo, pool_size);
  if (!keys.ok()) return keys.status();
  // A database whose version table another store wrote passes the migration without a
  // data_keys table: find that now rather than at the first person's key.
  if (auto probe = (*keys)->CountByKekVersion(); !probe.ok()) {
    return FailedPrecondition(
        "the keys' database has no data_keys table (it holds another store's schema): give the "
        "keys a database of their own");
  }
  return std::unique_ptr<KeyStore>(std::move(keys).value());
}

}  // namespace haven::storage
