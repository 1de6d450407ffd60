// PostgresStore: the Store in a PostgreSQL database (issue 6), for deployments that run more
// than one Haven process or keep their data on a managed server. Same tables and columns as
// SqliteStore's final schema: bytea for the opaque personal fields, bigint for UnixMillis,
// text ids in the "C" collation (so lists sort bytewise, as in SQLite, whatever the database's
// locale). The audit table refuses UPDATE, DELETE and TRUNCATE by trigger.
//
// Opening applies the numbered migrations (pg_store.cc) in one transaction that holds a
// transaction-level advisory lock, so two processes starting together on a new database do not
// race; it refuses a database written by a newer Haven (FailedPrecondition).
//
// Transact takes a pooled connection, runs BEGIN and then serialises the unit of work against
// every other writer of the database, in any process, with one transaction-level advisory lock
// (see Transact in pg_store.cc); then the function, then COMMIT (or ROLLBACK). Each write runs
// under a savepoint, so a refused statement (a duplicate key) does not end the unit of work, as
// in SQLite. A connection found lost is reconnected, never reused broken; when BEGIN itself
// fails on a lost connection the unit of work is retried once on the reconnected one.
//
// Thread-safe. A function given to Transact must not call Transact on the same store.
#pragma once

#include <memory>
#include <string>

#include "storage/postgres/pg_conn.h"
#include "storage/store.h"

namespace haven::storage {

class PostgresStore final : public Store {
 public:
  // Connects `pool_size` connections with `conninfo` (a libpq connection string or URI) and
  // migrates the database. Errors: Internal (cannot connect, a migration failed; the message
  // names neither the conninfo nor the server's words), FailedPrecondition (schema newer than
  // this binary).
  static StatusOr<std::unique_ptr<PostgresStore>> Open(const std::string& conninfo,
                                                       int pool_size = 4);
  ~PostgresStore() override;

  Status Transact(const std::function<Status(Txn&)>& fn) override;

  // The schema version this binary writes.
  static int LatestSchemaVersion();

 private:
  explicit PostgresStore(std::unique_ptr<pg::Pool> pool) : pool_(std::move(pool)) {}
  std::unique_ptr<pg::Pool> pool_;
};

}  // namespace haven::storage
