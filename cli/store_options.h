// Where a command's records and keys live: the --store and --keys-store flags that `haven
// serve`, `haven admin ...`, `haven keys rotate`, `haven audit verify` and `haven migrate` share,
// and the one place that opens what they name.
//
//   --store sqlite, or no --store   the embedded default: <--data-dir>/haven.db and keys.db
//   --store postgres://...          PostgreSQL (postgresql:// too; a libpq URI). The keys go to
//   [--keys-store postgres://...]   --keys-store, by default the same database (then in its own
//                                   schema, storage/open.h), which a separate one is better than
// The key-encryption key stays a local file either way: --key-file, else $HAVEN_KEY_FILE, else
// ~/.config/haven/haven.key (KeyFile::DefaultPath, which never depends on the data directory).
//
// A URL may carry a password: every message made here shows URLs through RedactUrl, and an
// invalid value is never quoted back.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "storage/crypto/encrypted_store.h"
#include "storage/key_store.h"
#include "storage/store.h"

namespace haven::cli {

// Where the storage is, resolved from the flags (ResolveStore).
struct StoreLocation {
  bool postgres = false;
  std::string data_dir;   // SQLite: the data directory. PostgreSQL: unused here
  std::string store_url;  // PostgreSQL: the records' database
  std::string keys_url;   // PostgreSQL: the keys' database (store_url when --keys-store is absent)

  // For messages: "SQLite in DIR", or "PostgreSQL postgres://u:***@host/db" with
  // " (keys: ...)" when the keys are elsewhere. Passwords redacted.
  std::string Describe() const;
};

// True for "postgres://..." and "postgresql://...".
bool IsPostgresUrl(std::string_view value);

// The URL with its password replaced by "***": the one in user:password@ and any query
// parameter whose name ends in "password" (password=, sslpassword=). Anything else unchanged.
std::string RedactUrl(std::string_view url);

// Checks the flags. InvalidArgument (quoting no URL) when `store` is neither empty, "sqlite" nor
// a PostgreSQL URL; when `keys_store` is given with SQLite or is not a PostgreSQL URL; when SQLite
// is chosen without `data_dir`.
StatusOr<StoreLocation> ResolveStore(const std::string& store, const std::string& keys_store,
                                     const std::string& data_dir);

// Adds --store URL and --keys-store URL to a subcommand.
void AddStoreOptions(CLI::App* command, std::string* store, std::string* keys_store);

// The key file given, or KeyFile::DefaultPath() ("" when neither).
std::string KeyFileOrDefault(const std::string& given);

// The encrypted store at `where` under the KEK in `key_file` (created when missing). With
// SQLite and `create` false the database must exist already (NotFound naming it: a typo in
// --data-dir creates nothing). PostgreSQL databases are migrated on opening. Errors name the
// location (redacted) and the cause.
StatusOr<std::unique_ptr<storage::EncryptedStore>> OpenStorage(const StoreLocation& where,
                                                               const std::string& key_file,
                                                               bool create, int pool_size = 4);

// The records alone and the keys alone, without a KEK (migrate, audit verify, keys rotate);
// `create` as above.
StatusOr<std::unique_ptr<storage::Store>> OpenRecords(const StoreLocation& where, bool create);
StatusOr<std::unique_ptr<storage::KeyStore>> OpenKeys(const StoreLocation& where, bool create);

}  // namespace haven::cli
