#include "storage/postgres/pg_conn.h"

#include <algorithm>
#include <string>
#include <utility>

namespace haven::storage::pg {

Params& Params::Text(std::string_view v) {
  values_.emplace_back(v);
  null_.push_back(false);
  formats_.push_back(0);
  return *this;
}
Params& Params::Bytes(std::string_view v) {
  values_.emplace_back(v);
  null_.push_back(false);
  formats_.push_back(1);
  return *this;
}
Params& Params::Int(int64_t v) { return Text(std::to_string(v)); }
Params& Params::Bool(bool v) { return Text(v ? "t" : "f"); }
Params& Params::Null() {
  values_.emplace_back();
  null_.push_back(true);
  formats_.push_back(0);
  return *this;
}
Params& Params::OptText(const std::optional<std::string>& v) { return v ? Text(*v) : Null(); }
Params& Params::OptBytes(const std::optional<std::string>& v) { return v ? Bytes(*v) : Null(); }
Params& Params::TextOrNull(std::string_view v) { return v.empty() ? Null() : Text(v); }
Params& Params::BytesOrNull(std::string_view v) { return v.empty() ? Null() : Bytes(v); }

Result& Result::operator=(Result&& other) noexcept {
  if (this != &other) {
    PQclear(res_);
    res_ = other.res_;
    other.res_ = nullptr;
  }
  return *this;
}

int64_t Result::affected() const {
  const char* n = res_ ? PQcmdTuples(res_) : "";
  return *n ? std::stoll(n) : 0;
}

int64_t Result::Int(int row, int col) const {
  if (IsNull(row, col)) return 0;
  const auto* p = reinterpret_cast<const unsigned char*>(PQgetvalue(res_, row, col));
  int n = PQgetlength(res_, row, col);
  if (n != 1 && n != 2 && n != 4 && n != 8) return 0;
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  if (n == 1) return static_cast<int64_t>(v);  // boolean or "char"
  // Sign-extend the n-byte two's complement value.
  int shift = 64 - 8 * n;
  return static_cast<int64_t>(v << shift) >> shift;
}

std::string Result::Bytes(int row, int col) const {
  if (IsNull(row, col)) return {};
  return std::string(PQgetvalue(res_, row, col), static_cast<size_t>(PQgetlength(res_, row, col)));
}

std::optional<std::string> Result::OptBytes(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return Bytes(row, col);
}

Status ErrorStatus(const PGresult* res, std::string_view what) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg = "postgres: " + std::string(what);
  if (state == nullptr) return Internal(msg + ": the connection to the server failed");
  std::string code(state);
  if (code == "23505") return FailedPrecondition(msg + ": already exists (SQLSTATE 23505)");
  if (code == "23503") {
    return NotFound(msg + ": a record it refers to does not exist (SQLSTATE 23503)");
  }
  return Internal(msg + " failed (SQLSTATE " + code + ")");
}

StatusOr<std::unique_ptr<Conn>> Conn::Connect(const std::string& conninfo) {
  // dbname is expanded as a connection string; the keywords after it override it, so the
  // operator's application_name wins over the fallback, and the encoding is always UTF8.
  const char* const keywords[] = {"dbname", "fallback_application_name", "client_encoding",
                                  nullptr};
  const char* const values[] = {conninfo.c_str(), "haven", "UTF8", nullptr};
  PGconn* raw = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (raw == nullptr) return Internal("postgres: out of memory opening a connection");
  std::unique_ptr<Conn> conn(new Conn(raw));
  // The server's notices ("relation ... already exists, skipping") would go to stderr; they may
  // quote values, and nothing here needs them.
  PQsetNoticeProcessor(
      raw, [](void*, const char*) {}, nullptr);
  if (PQstatus(raw) != CONNECTION_OK) {
    return Internal(
        "postgres: cannot connect to the database server (check the connection string, that the "
        "server runs and accepts this user)");
  }
  return conn;
}

Conn::~Conn() { PQfinish(conn_); }

Status Conn::Exec(const char* sql, std::string_view what) {
  Result res(PQexec(conn_, sql));
  ExecStatusType st = PQresultStatus(res.raw());
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return Status::Ok();
  return ErrorStatus(res.raw(), what);
}

StatusOr<Result> Conn::Run(const Statement& stmt, const Params& params) {
  if (!prepared_.contains(stmt.name)) {
    Result prep(PQprepare(conn_, stmt.name, stmt.sql, 0, nullptr));
    if (PQresultStatus(prep.raw()) != PGRES_COMMAND_OK) {
      return ErrorStatus(prep.raw(), std::string("prepare ") + stmt.name);
    }
    prepared_.insert(stmt.name);
  }
  int n = params.size();
  std::vector<const char*> values(n);
  std::vector<int> lengths(n);
  for (int i = 0; i < n; ++i) {
    values[i] = params.null_[i] ? nullptr : params.values_[i].data();
    lengths[i] = static_cast<int>(params.values_[i].size());
  }
  Result res(PQexecPrepared(conn_, stmt.name, n, values.data(), lengths.data(),
                            params.formats_.data(), /*resultFormat=binary*/ 1));
  ExecStatusType st = PQresultStatus(res.raw());
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return res;
  return ErrorStatus(res.raw(), stmt.name);
}

Status Conn::Reset() {
  prepared_.clear();
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    return Internal("postgres: the connection was lost and reconnecting failed");
  }
  return Status::Ok();
}

StatusOr<std::unique_ptr<Pool>> Pool::Open(const std::string& conninfo, int size) {
  std::unique_ptr<Pool> pool(new Pool());
  for (int i = 0; i < std::max(size, 1); ++i) {
    auto conn = Conn::Connect(conninfo);
    if (!conn.ok()) return conn.status();
    pool->free_.push_back(std::move(conn).value());
  }
  return pool;
}

StatusOr<Pool::Lease> Pool::Acquire() {
  std::unique_ptr<Conn> conn;
  {
    std::unique_lock lock(mu_);
    free_cv_.wait(lock, [&] { return !free_.empty(); });
    conn = std::move(free_.back());
    free_.pop_back();
  }
  if (conn->Broken()) {
    if (Status s = conn->Reset(); !s.ok()) {
      Release(std::move(conn));
      return s;
    }
  }
  return Lease(this, std::move(conn));
}

void Pool::Release(std::unique_ptr<Conn> conn) {
  if (!conn->Broken() && !conn->Idle()) (void)conn->Exec("ROLLBACK", "rollback");
  if (!conn->Broken() && !conn->Idle()) (void)conn->Reset();
  // A lost connection that did not come back stays Broken; Acquire tries again.
  {
    std::lock_guard lock(mu_);
    free_.push_back(std::move(conn));
  }
  free_cv_.notify_one();
}

Pool::Lease::~Lease() {
  if (conn_) pool_->Release(std::move(conn_));
}

Status Migrate(Conn& conn, std::span<const Migration> migrations, int64_t lock_key,
               int64_t now_unix_seconds) {
  static constexpr Statement kLock{"haven_migrate_lock", "SELECT pg_advisory_xact_lock($1)"};
  static constexpr Statement kVersion{"haven_migrate_version",
                                      "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"};
  static constexpr Statement kRecord{
      "haven_migrate_record",
      "INSERT INTO schema_migrations(version, name, applied_at) VALUES($1, $2, $3)"};
  auto body = [&]() -> Status {
    if (auto locked = conn.Run(kLock, Params().Int(lock_key)); !locked.ok()) {
      return locked.status();
    }
    if (Status s =
            conn.Exec("CREATE TABLE IF NOT EXISTS schema_migrations(version integer PRIMARY KEY, "
                      "name text NOT NULL, applied_at bigint NOT NULL)",
                      "create schema_migrations");
        !s.ok()) {
      return s;
    }
    auto version = conn.Run(kVersion, Params());
    if (!version.ok()) return version.status();
    int64_t current = version->Int(0, 0);
    int latest = migrations.empty() ? 0 : migrations.back().version;
    if (current > latest) {
      return FailedPrecondition("database schema version " + std::to_string(current) +
                                " is newer than this binary supports (" + std::to_string(latest) +
                                "); upgrade Haven");
    }
    for (const Migration& m : migrations) {
      if (m.version <= current) continue;
      if (Status s = conn.Exec(m.sql, "migration " + std::to_string(m.version)); !s.ok()) return s;
      auto rec = conn.Run(kRecord, Params().Int(m.version).Text(m.name).Int(now_unix_seconds));
      if (!rec.ok()) return rec.status();
    }
    return conn.Exec("COMMIT", "commit migrations");
  };
  if (Status s = conn.Exec("BEGIN", "begin migrations"); !s.ok()) return s;
  Status s = body();
  if (!s.ok() && !conn.Idle()) (void)conn.Exec("ROLLBACK", "rollback migrations");
  return s;
}

}  // namespace haven::storage::pg
