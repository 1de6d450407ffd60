// SqliteStore: the embedded default Store, one SQLite file (plus its -wal and -shm files).
// Opening applies the numbered migrations (sqlite_schema.cc) and refuses a database written by
// a newer Haven. Pragmas: WAL, secure_delete, foreign_keys, synchronous, a busy timeout.
// The audit table refuses UPDATE and DELETE by trigger.
//
// Thread-safe: transactions are serialised on one connection (BEGIN IMMEDIATE ... COMMIT).
// Other processes may open the same file; they wait up to the busy timeout for the write lock.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "storage/sqlite/sqlite_db.h"
#include "storage/store.h"

namespace haven::storage {

class SqliteStore final : public Store {
 public:
  // Opens or creates the database at `path` and migrates it. Errors: Internal (cannot open,
  // I/O), FailedPrecondition (schema newer than this binary).
  //
  // Durability: with sync_every_commit (the default, synchronous=FULL) every commit is on disk
  // before Transact returns, at the cost of one fsync per commit (about 1.7 ms per unit of work on
  // the shared development machine: 2 to 6 ms for a message and its audit entry). Without it
  // (synchronous=NORMAL) a commit survives the process being killed (kill -9) but the last ones
  // may be lost if the machine loses power; the log is synced at checkpoints (0.4 to 1.3 ms).
  static StatusOr<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                     bool sync_every_commit = true);
  ~SqliteStore() override;

  Status Transact(const std::function<Status(Txn&)>& fn) override;

  // Copies committed WAL content into the database file and truncates the WAL to zero bytes,
  // so deleted pages (overwritten by secure_delete) leave no old copy behind. Erasure calls it.
  Status Checkpoint();

  // The schema version this binary writes.
  static int LatestSchemaVersion();

 private:
  explicit SqliteStore(std::unique_ptr<sqlite::Db> db) : db_(std::move(db)) {}
  std::mutex mu_;
  std::unique_ptr<sqlite::Db> db_;
};

}  // namespace haven::storage
