#include "cli/store_options.h"

#include <filesystem>
#include <system_error>

#include "storage/crypto/key_file.h"
#include "storage/open.h"
#include "storage/postgres/pg_store.h"
#include "storage/sqlite/sqlite_key_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace haven::cli {
namespace {

// The status with `where` in front of its message (same code).
Status Located(const Status& s, const std::string& where) {
  return Status(s.code(), where + ": " + s.message());
}

// NotFound unless the SQLite file exists (when it must).
Status RequireFile(const std::string& path, bool create, const char* what) {
  std::error_code ec;
  if (!create && !std::filesystem::exists(path, ec)) {
    return NotFound(std::string("no ") + what + " at " + path);
  }
  return Status::Ok();
}

}  // namespace

std::string StoreLocation::Describe() const {
  if (!postgres) return "SQLite in " + data_dir;
  std::string s = "PostgreSQL " + RedactUrl(store_url);
  if (keys_url != store_url) s += " (keys: " + RedactUrl(keys_url) + ")";
  return s;
}

bool IsPostgresUrl(std::string_view value) {
  return value.starts_with("postgres://") || value.starts_with("postgresql://");
}

std::string RedactUrl(std::string_view url) {
  std::string out(url);
  size_t scheme = out.find("://");
  if (scheme == std::string::npos) return out;
  size_t start = scheme + 3;
  size_t query = out.find('?', start);
  size_t authority_end = query == std::string::npos ? out.size() : query;
  // The last '@' before the query ends the user information, so a password holding '@' or '/'
  // (unencoded, which libpq would misread) is still covered.
  size_t at = out.rfind('@', authority_end == 0 ? 0 : authority_end - 1);
  if (at != std::string::npos && at >= start) {
    size_t colon = out.find(':', start);
    if (colon != std::string::npos && colon < at) {
      out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  query = out.find('?', start);
  if (query == std::string::npos) return out;
  // Query parameters: name=value pairs separated by '&'.
  std::string rebuilt = out.substr(0, query + 1);
  std::string_view rest = std::string_view(out).substr(query + 1);
  bool first = true;
  while (true) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    if (!first) rebuilt += '&';
    first = false;
    size_t eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    if (eq != std::string_view::npos && name.ends_with("password")) {
      rebuilt.append(name);
      rebuilt += "=***";
    } else {
      rebuilt.append(pair);
    }
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return rebuilt;
}

StatusOr<StoreLocation> ResolveStore(const std::string& store, const std::string& keys_store,
                                     const std::string& data_dir) {
  StoreLocation where;
  where.data_dir = data_dir;
  if (store.empty() || store == "sqlite") {
    if (!keys_store.empty()) {
      return InvalidArgument("--keys-store goes with --store postgres://... only");
    }
    if (data_dir.empty()) return InvalidArgument("give --data-dir (or --store postgres://...)");
    return where;
  }
  if (!IsPostgresUrl(store)) {
    return InvalidArgument(
        "--store must be sqlite or a postgres:// (postgresql://) URL (the value is not shown: it "
        "may hold a password)");
  }
  if (!keys_store.empty() && !IsPostgresUrl(keys_store)) {
    return InvalidArgument(
        "--keys-store must be a postgres:// (postgresql://) URL (the value is not shown: it may "
        "hold a password)");
  }
  where.postgres = true;
  where.store_url = store;
  where.keys_url = keys_store.empty() ? store : keys_store;
  return where;
}

void AddStoreOptions(CLI::App* command, std::string* store, std::string* keys_store) {
  command->add_option("--store", *store,
                      "Where the records live: sqlite (the default, in --data-dir) or a "
                      "postgres://user@host/db URL (a password in it is never printed; prefer "
                      "~/.pgpass or PGPASSFILE)");
  command->add_option("--keys-store", *keys_store,
                      "With --store postgres://...: the database of the people's wrapped data "
                      "keys (default: the same database, schema haven_keys; a separate one is "
                      "better, docs/deployment.md)");
}

std::string KeyFileOrDefault(const std::string& given) {
  return given.empty() ? storage::crypto::KeyFile::DefaultPath() : given;
}

StatusOr<std::unique_ptr<storage::EncryptedStore>> OpenStorage(const StoreLocation& where,
                                                               const std::string& key_file,
                                                               bool create, int pool_size) {
  if (key_file.empty()) return InvalidArgument("give --key-file (or set HAVEN_KEY_FILE)");
  if (!where.postgres) {
    if (Status s = RequireFile(where.data_dir + "/" + storage::kMainDbName, create, "database");
        !s.ok()) {
      return s;
    }
    return storage::OpenSqliteStorage(where.data_dir, key_file);
  }
  storage::PostgresStorageOptions options;
  options.store_pool_size = pool_size;
  auto store = storage::OpenPostgresStorage(where.store_url, where.keys_url, key_file, options);
  if (!store.ok()) return Located(store.status(), where.Describe());
  return store;
}

StatusOr<std::unique_ptr<storage::Store>> OpenRecords(const StoreLocation& where, bool create) {
  if (!where.postgres) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (create && !fs::exists(where.data_dir, ec)) {  // as OpenSqliteStorage: mode 0700
      fs::create_directories(where.data_dir, ec);
      if (ec) return Internal("cannot create data directory " + where.data_dir);
      fs::permissions(where.data_dir, fs::perms::owner_all, ec);
    }
    std::string db = where.data_dir + "/" + storage::kMainDbName;
    if (Status s = RequireFile(db, create, "database"); !s.ok()) return s;
    auto store = storage::SqliteStore::Open(db);
    if (!store.ok()) return store.status();
    return std::unique_ptr<storage::Store>(std::move(store).value());
  }
  auto store = storage::PostgresStore::Open(where.store_url, /*pool_size=*/1);
  if (!store.ok()) return Located(store.status(), "PostgreSQL " + RedactUrl(where.store_url));
  return std::unique_ptr<storage::Store>(std::move(store).value());
}

StatusOr<std::unique_ptr<storage::KeyStore>> OpenKeys(const StoreLocation& where, bool create) {
  if (!where.postgres) {
    std::string db = where.data_dir + "/" + storage::kKeysDbName;
    if (Status s = RequireFile(db, create, "key store"); !s.ok()) return s;
    auto keys = storage::SqliteKeyStore::Open(db);
    if (!keys.ok()) return keys.status();
    return std::unique_ptr<storage::KeyStore>(std::move(keys).value());
  }
  auto keys = storage::OpenPostgresKeyStore(where.store_url, where.keys_url, /*pool_size=*/1);
  if (!keys.ok()) {
    return Located(keys.status(), "PostgreSQL keys " + RedactUrl(where.keys_url));
  }
  return keys;
}

}  // namespace haven::cli
