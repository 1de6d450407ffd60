#include "storage/sqlite/sqlite_db.h"

#include <fcntl.h>
#include <unistd.h>

#include <string>

namespace haven::storage::sqlite {

Stmt& Stmt::Text(int i, std::string_view v) {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::Blob(int i, std::string_view v) {
  sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::Int(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Stmt& Stmt::Null(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}
Stmt& Stmt::OptText(int i, const std::optional<std::string>& v) {
  return v ? Text(i, *v) : Null(i);
}
Stmt& Stmt::TextOrNull(int i, std::string_view v) { return v.empty() ? Null(i) : Text(i, v); }
Stmt& Stmt::BlobOrNull(int i, std::string_view v) { return v.empty() ? Null(i) : Blob(i, v); }

StatusOr<bool> Stmt::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3* db = sqlite3_db_handle(stmt_);
  int ext = sqlite3_extended_errcode(db);
  std::string msg = std::string("sqlite: ") + sqlite3_errmsg(db);
  if (ext == SQLITE_CONSTRAINT_FOREIGNKEY) return NotFound(msg + " (a referenced record)");
  if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return FailedPrecondition(msg + " (already exists)");
  }
  return Internal(msg);
}

Status Stmt::Run() {
  for (;;) {
    auto row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
  }
}

std::string Stmt::ColBlob(int i) const {
  const void* p = sqlite3_column_blob(stmt_, i);
  int n = sqlite3_column_bytes(stmt_, i);
  if (p == nullptr || n <= 0) return {};
  return std::string(static_cast<const char*>(p), static_cast<size_t>(n));
}

std::string Stmt::ColText(int i) const {
  const unsigned char* p = sqlite3_column_text(stmt_, i);
  int n = sqlite3_column_bytes(stmt_, i);
  if (p == nullptr || n <= 0) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
}

std::optional<std::string> Stmt::ColOptText(int i) const {
  if (ColIsNull(i)) return std::nullopt;
  return ColText(i);
}

StatusOr<std::unique_ptr<Db>> Db::Open(const std::string& path, bool sync_every_commit) {
  // Create the file ourselves so that it (and the -wal and -shm files SQLite derives from it)
  // is readable by the owner only, whatever the umask.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Internal("cannot open database file " + path);
  ::close(fd);
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<Db> db(new Db(raw));
  if (rc != SQLITE_OK) return db->Error(rc, "open " + path);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 5000);
  // journal_mode returns a row; the others return none.
  if (Status s = db->Exec("PRAGMA journal_mode=WAL", "set WAL mode"); !s.ok()) return s;
  if (Status s = db->Exec("PRAGMA secure_delete=ON; PRAGMA foreign_keys=ON; "
                          "PRAGMA trusted_schema=OFF",
                          "set pragmas");
      !s.ok()) {
    return s;
  }
  if (Status s =
          db->Exec(sync_every_commit ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL",
                   "set synchronous");
      !s.ok()) {
    return s;
  }
  return db;
}

Db::~Db() {
  stmts_.clear();
  sqlite3_close_v2(db_);
}

Status Db::Error(int rc, std::string_view what) const {
  std::string msg =
      "sqlite: " + std::string(what) + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
  int ext = db_ ? sqlite3_extended_errcode(db_) : rc;
  if (ext == SQLITE_CONSTRAINT_FOREIGNKEY) return NotFound(msg);
  if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return FailedPrecondition(msg);
  }
  return Internal(msg);
}

Status Db::Exec(const char* sql, std::string_view what) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  sqlite3_free(err);
  if (rc != SQLITE_OK) return Error(rc, what);
  return Status::Ok();
}

Status Db::ExecCached(const char* sql, std::string_view what) {
  auto stmt = Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  const int rc = sqlite3_step((*stmt)->raw());
  Status s = rc == SQLITE_DONE || rc == SQLITE_ROW ? Status::Ok() : Error(rc, what);
  sqlite3_reset((*stmt)->raw());
  return s;
}

StatusOr<Stmt*> Db::Prepare(const char* sql) {
  auto it = stmts_.find(sql);
  if (it == stmts_.end()) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    if (rc != SQLITE_OK) return Error(rc, "prepare");
    it = stmts_.emplace(sql, std::make_unique<Stmt>(raw)).first;
  }
  sqlite3_reset(it->second->raw());
  sqlite3_clear_bindings(it->second->raw());
  return it->second.get();
}

StatusOr<int> Db::SchemaVersion() {
  if (Status s =
          Exec("CREATE TABLE IF NOT EXISTS schema_migrations("
               "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
               "create schema_migrations");
      !s.ok()) {
    return s;
  }
  auto q = Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!q.ok()) return q.status();
  auto row = (*q)->Step();
  if (!row.ok()) return row.status();
  int v = static_cast<int>((*q)->ColInt(0));
  sqlite3_reset((*q)->raw());
  return v;
}

Status Db::Migrate(std::span<const Migration> migrations, int64_t now_unix_seconds) {
  auto current = SchemaVersion();
  if (!current.ok()) return current.status();
  int latest = migrations.empty() ? 0 : migrations.back().version;
  if (*current > latest) {
    return FailedPrecondition("database schema version " + std::to_string(*current) +
                              " is newer than this binary supports (" + std::to_string(latest) +
                              "); upgrade Haven");
  }
  for (const Migration& m : migrations) {
    if (m.version <= *current) continue;
    if (Status s = Exec("BEGIN IMMEDIATE", "begin migration"); !s.ok()) return s;
    Status s = Exec(m.sql, std::string("migration ") + std::to_string(m.version));
    if (s.ok()) {
      auto rec = Prepare("INSERT INTO schema_migrations(version, name, applied_at) VALUES(?,?,?)");
      s = rec.ok() ? (*rec)->Int(1, m.version).Text(2, m.name).Int(3, now_unix_seconds).Run()
                   : rec.status();
    }
    if (s.ok()) s = Exec("COMMIT", "commit migration");
    if (!s.ok()) {
      (void)Exec("ROLLBACK", "rollback migration");
      return s;
    }
  }
  return Status::Ok();
}

}  // namespace haven::storage::sqlite
