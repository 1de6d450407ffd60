// A thin RAII layer over one SQLite connection: the pragmas Haven always sets, cached prepared
// statements, transactions and numbered schema migrations. Errors become Status values whose
// messages name the operation, never a row's contents. Not thread-safe: the owner serialises.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"

namespace haven::storage::sqlite {

// One numbered schema step. Versions start at 1 and increase by one.
struct Migration {
  int version;
  const char* name;
  const char* sql;  // one or more statements, run in one transaction
};

// A prepared statement, reset and unbound each time Db::Prepare hands it out.
class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  // Binders take 1-based indexes, like SQLite. Text and blobs are copied (SQLITE_TRANSIENT).
  Stmt& Text(int i, std::string_view v);
  Stmt& Blob(int i, std::string_view v);
  Stmt& Int(int i, int64_t v);
  Stmt& Null(int i);
  Stmt& OptText(int i, const std::optional<std::string>& v);
  Stmt& TextOrNull(int i, std::string_view v);  // empty -> NULL
  Stmt& BlobOrNull(int i, std::string_view v);  // empty -> NULL

  // Steps once: true with a row, false when done; an error Status otherwise.
  StatusOr<bool> Step();
  // Steps to completion (for statements without rows).
  Status Run();

  int64_t ColInt(int i) const { return sqlite3_column_int64(stmt_, i); }
  bool ColIsNull(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }
  std::string ColText(int i) const;  // NULL -> ""
  std::string ColBlob(int i) const;  // NULL -> ""
  std::optional<std::string> ColOptText(int i) const;

  sqlite3_stmt* raw() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_;
};

class Db {
 public:
  // Opens (creating) the file, then sets: journal_mode=WAL, secure_delete=ON, foreign_keys=ON,
  // synchronous=FULL (or NORMAL when !sync_every_commit), busy_timeout, trusted_schema=OFF.
  // The file is created with mode 0600.
  static StatusOr<std::unique_ptr<Db>> Open(const std::string& path, bool sync_every_commit = true);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Runs SQL without results. `what` names the operation in an error message.
  Status Exec(const char* sql, std::string_view what);
  // Runs one statement without results through the statement cache (Prepare): for the
  // statements every transaction runs (BEGIN, SAVEPOINT, COMMIT), parsed once.
  Status ExecCached(const char* sql, std::string_view what);
  // A cached prepared statement for `sql` (a string literal or other stable text), ready to bind.
  StatusOr<Stmt*> Prepare(const char* sql);

  // Applies the migrations newer than the database's version, each in its own transaction,
  // recording it in schema_migrations(version, name, applied_at). FailedPrecondition when the
  // database already has a version newer than the last one given (a newer binary wrote it).
  Status Migrate(std::span<const Migration> migrations, int64_t now_unix_seconds);
  // The highest applied migration version (0 for a new database).
  StatusOr<int> SchemaVersion();

  // Maps a SQLite result code to a Status: constraint violations become NotFound (foreign key)
  // or FailedPrecondition (unique / primary key); everything else Internal.
  Status Error(int rc, std::string_view what) const;

  sqlite3* raw() const { return db_; }

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::map<const char*, std::unique_ptr<Stmt>> stmts_;
};

}  // namespace haven::storage::sqlite
