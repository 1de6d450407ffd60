// Opening Haven's storage: one call per backend that the server and the command line share.
//
// The embedded default (OpenSqliteStorage):
//   <data_dir>/haven.db   the records (SqliteStore), personal fields sealed
//   <data_dir>/keys.db    the wrapped data keys (SqliteKeyStore)
//   <key file>            the KEK, outside data_dir (crypto/key_file.h); created on first start
// PostgreSQL (OpenPostgresStorage): the records and the keys in two databases, each named by a
// libpq connection string, and the KEK in its file as above.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/crypto/encrypted_store.h"

namespace haven::storage {

inline constexpr char kMainDbName[] = "haven.db";
inline constexpr char kKeysDbName[] = "keys.db";

struct SqliteStorageOptions {
  // Key files of older KEKs (each must exist), so that data keys a rotation (`haven keys
  // rotate`) has not reached yet can still be read. New keys are wrapped under key_file's KEK.
  std::vector<std::string> older_key_files;
  // See SqliteStore::Open: fsync every commit (power-loss safe) or only at checkpoints.
  bool sync_every_commit = true;
};

// Creates data_dir (mode 0700) when missing, loads or creates the KEK at key_file, opens both
// databases and returns the encrypted store over them. Errors: those of KeyFile::LoadOrCreate /
// Load, SqliteStore::Open and SqliteKeyStore::Open; messages name paths only.
StatusOr<std::unique_ptr<EncryptedStore>> OpenSqliteStorage(
    const std::string& data_dir, const std::string& key_file,
    const SqliteStorageOptions& options = {});

struct PostgresStorageOptions {
  // As SqliteStorageOptions::older_key_files.
  std::vector<std::string> older_key_files;
  // Connections in each pool: the records' and the keys'.
  int store_pool_size = 4;
  int keys_pool_size = 2;
};

// Loads or creates the KEK at key_file, connects to both databases (migrating them) and returns
// the encrypted store over them. The keys should live in another database than the records (a
// copy of the records' database then never holds a data key). Giving the same connection string
// for both works but loses that: the keys then live in that database's schema kKeysSchema
// (OpenPostgresKeyStore). Errors: those of KeyFile::LoadOrCreate / Load, PostgresStore::Open and
// OpenPostgresKeyStore; messages never quote a connection string.
StatusOr<std::unique_ptr<EncryptedStore>> OpenPostgresStorage(
    const std::string& store_conninfo, const std::string& keys_conninfo,
    const std::string& key_file, const PostgresStorageOptions& options = {});

// The schema that holds the keys when they share the records' database.
inline constexpr char kKeysSchema[] = "haven_keys";

// The key store for records at `store_conninfo` and keys at `keys_conninfo` (migrated). Each
// database records its schema version in one table, so two stores cannot share a schema: when
// the two strings are equal, the keys' connections use the schema kKeysSchema (created when
// missing; options=-c search_path=... is added to the string, replacing any `options` it has).
// FailedPrecondition when the keys' database turns out to hold another store's schema (its
// version table is there but not the data_keys table: two spellings of one database); else the
// errors of PostgresKeyStore::Open.
StatusOr<std::unique_ptr<KeyStore>> OpenPostgresKeyStore(const std::string& store_conninfo,
                                                         const std::string& keys_conninfo,
                                                         int pool_size = 2);

}  // namespace haven::storage
