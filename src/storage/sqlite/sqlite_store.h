// SqliteStore: the embedded default Store, one SQLite file (plus its -wal and -shm files).
// Opening applies the numbered migrations (sqlite_schema.cc) and refuses a database written by
// a newer Haven. Pragmas: WAL, secure_delete, foreign_keys, synchronous, a busy timeout.
// The audit table refuses UPDATE and DELETE by trigger.
//
// Thread-safe, with group commit: units of work run one at a time on one connection, and the
// units that arrive while a commit is under way share the next one. The first waiting caller
// becomes the leader: it opens one transaction (BEGIN IMMEDIATE), runs every queued unit in
// arrival order, each inside its own savepoint (a unit that fails or throws is rolled back to
// its savepoint and leaves the others untouched), and commits once: one fsync for the batch
// instead of one per unit. Every caller returns only after the commit that holds its unit, with
// its own function's Status, or the commit's error when the commit fails (then nothing of the
// batch was written). A unit's function therefore may run on another caller's thread; an
// exception it throws is rethrown on its own caller's thread after its rollback. Units see the
// writes of the units before them in the batch, as if each had committed before the next began.
// Other processes may open the same file; they wait up to the busy timeout for the write lock.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

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

  // At most this many units share one commit (a bound on how long the leader's own call takes).
  static constexpr size_t kMaxBatch = 64;

  // How many commits (batches) and units have run since Open; for tests and benchmarks.
  struct Counters {
    int64_t batches = 0;
    int64_t units = 0;
  };
  Counters counters();
  // Units waiting for a leader to run them (not the one running); for tests.
  size_t queued();

 private:
  struct Unit;
  explicit SqliteStore(std::unique_ptr<sqlite::Db> db) : db_(std::move(db)) {}
  // Runs `batch` in one transaction and fills in each unit's result (the leader, alone on db_).
  void RunBatch(const std::vector<Unit*>& batch);

  std::mutex mu_;  // guards queue_, leader_, counters_ (never held while SQLite works)
  std::condition_variable cv_;
  std::vector<Unit*> queue_;
  bool leader_ = false;  // someone is using db_
  Counters counters_;
  std::unique_ptr<sqlite::Db> db_;
};

}  // namespace haven::storage
