// A thin RAII layer over libpq: one connection (Conn) with its prepared statements, their
// results (Result), and a small fixed-size pool (Pool) with a blocking Acquire.
//
// Statements are prepared lazily, once per connection, under the name in their Statement; that
// name also names the operation in error messages. Parameters travel as text, except bytea
// (Params::Bytes), which travels in binary; results come back in binary, so bytea columns are
// the exact bytes and integers are decoded from network order.
//
// Errors become Status values by SQLSTATE: 23505 (unique_violation) FailedPrecondition, 23503
// (foreign_key_violation) NotFound, anything else Internal. Messages name the operation and the
// SQLSTATE only: never PQerrorMessage, DETAIL or the conninfo, which can hold a person's data
// ("Key (id)=(...)") or a password.
//
// Not thread-safe: a Conn belongs to one thread at a time (the Pool hands it out).
#pragma once

#include <libpq-fe.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace haven::storage::pg {

// A statement: its prepared name (also the operation named in errors) and its SQL text, with
// parameters $1, $2, ... Both must outlive the connections that use them (string literals).
struct Statement {
  const char* name;
  const char* sql;
};

// The parameters of one execution, in order ($1 first).
class Params {
 public:
  Params& Text(std::string_view v);
  Params& Bytes(std::string_view v);  // bytea, sent in binary
  Params& Int(int64_t v);
  Params& Bool(bool v);
  Params& Null();
  Params& OptText(const std::optional<std::string>& v);
  Params& OptBytes(const std::optional<std::string>& v);
  Params& TextOrNull(std::string_view v);   // empty -> NULL
  Params& BytesOrNull(std::string_view v);  // empty -> NULL

  int size() const { return static_cast<int>(values_.size()); }

 private:
  friend class Conn;
  std::vector<std::string> values_;
  std::vector<bool> null_;
  std::vector<int> formats_;  // 0 text, 1 binary
};

// An owned PGresult with binary columns.
class Result {
 public:
  Result() = default;
  explicit Result(PGresult* res) : res_(res) {}
  Result(Result&& other) noexcept : res_(other.res_) { other.res_ = nullptr; }
  Result& operator=(Result&& other) noexcept;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  ~Result() { PQclear(res_); }

  int rows() const { return res_ ? PQntuples(res_) : 0; }
  // Rows an INSERT, UPDATE or DELETE touched (PQcmdTuples); 0 when it says nothing.
  int64_t affected() const;

  bool IsNull(int row, int col) const { return PQgetisnull(res_, row, col) != 0; }
  // A smallint, integer, bigint or boolean column; 0 for NULL.
  int64_t Int(int row, int col) const;
  bool Bool(int row, int col) const { return Int(row, col) != 0; }
  // The column's bytes (text or bytea); "" for NULL.
  std::string Bytes(int row, int col) const;
  std::optional<std::string> OptBytes(int row, int col) const;

  PGresult* raw() const { return res_; }

 private:
  PGresult* res_ = nullptr;
};

// Maps a failed result (or none, when the connection failed) to a Status naming `what` and the
// SQLSTATE only.
Status ErrorStatus(const PGresult* res, std::string_view what);

class Conn {
 public:
  // Connects with `conninfo` (a libpq connection string or URI). fallback_application_name is
  // "haven" and client_encoding UTF8. Internal when the server cannot be reached or refuses;
  // the message names neither the conninfo nor the server's words.
  static StatusOr<std::unique_ptr<Conn>> Connect(const std::string& conninfo);
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  // Runs SQL text without parameters or results (one or more statements, simple protocol).
  Status Exec(const char* sql, std::string_view what);
  // Runs `stmt` with `params`, preparing it on this connection the first time.
  StatusOr<Result> Run(const Statement& stmt, const Params& params);

  // True when the connection is lost (libpq noticed on the last call).
  bool Broken() const { return PQstatus(conn_) == CONNECTION_BAD; }
  // True when idle outside a transaction block (what a connection handed back should be).
  bool Idle() const { return PQtransactionStatus(conn_) == PQTRANS_IDLE; }
  // True inside a transaction block that an error has aborted.
  bool InFailedTransaction() const { return PQtransactionStatus(conn_) == PQTRANS_INERROR; }
  // Reconnects with the same parameters; prepared statements are prepared again as needed.
  Status Reset();

  PGconn* raw() const { return conn_; }

 private:
  explicit Conn(PGconn* conn) : conn_(conn) {}
  PGconn* conn_;
  std::set<std::string> prepared_;
};

// A fixed number of connections to one database. Thread-safe.
class Pool {
 public:
  // Opens `size` connections (at least one) now, so that a wrong conninfo fails here.
  static StatusOr<std::unique_ptr<Pool>> Open(const std::string& conninfo, int size);

  // A connection on loan; going out of scope hands it back. A connection handed back lost or
  // inside a transaction is reset first (or reset by the next Acquire), never reused as is.
  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Conn> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Conn& operator*() const { return *conn_; }
    Conn* operator->() const { return conn_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Conn> conn_;
  };

  // Waits until a connection is free. A free connection found lost is reconnected: Internal when
  // that fails (the connection stays in the pool, to be tried again by the next Acquire).
  StatusOr<Lease> Acquire();

 private:
  Pool() = default;
  void Release(std::unique_ptr<Conn> conn);

  std::mutex mu_;
  std::condition_variable free_cv_;
  std::vector<std::unique_ptr<Conn>> free_;
};

// One numbered schema step. Versions start at 1 and increase by one.
struct Migration {
  int version;
  const char* name;
  const char* sql;  // one or more statements
};

// Applies the migrations newer than the database's version, all in one transaction that first
// takes the transaction-level advisory lock `lock_key` (so that processes starting together
// wait for each other instead of racing), recording each in schema_migrations(version, name,
// applied_at). FailedPrecondition when the database already has a version newer than the last
// one given (a newer binary wrote it). Rolls back everything on any error.
Status Migrate(Conn& conn, std::span<const Migration> migrations, int64_t lock_key,
               int64_t now_unix_seconds);

}  // namespace haven::storage::pg
