#include "cli/backup_cmd.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>
#include <vector>

#include "cli/store_options.h"
#include "storage/audit.h"
#include "storage/open.h"
#include "storage/sqlite/sqlite_store.h"

namespace haven::cli {
namespace {

namespace fs = std::filesystem;

storage::UnixMillis NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// ----- SQLite --------------------------------------------------------------------------------

// A read-only connection, closed with the object.
class ReadOnlyDb {
 public:
  static StatusOr<ReadOnlyDb> Open(const std::string& path) {
    if (!fs::exists(path)) return NotFound(path + " does not exist");
    ReadOnlyDb db;
    if (sqlite3_open_v2(path.c_str(), &db.db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      return FailedPrecondition(path + " is not an SQLite database");
    }
    sqlite3_busy_timeout(db.db_, 10000);
    return db;
  }
  ReadOnlyDb() = default;
  ReadOnlyDb(ReadOnlyDb&& o) noexcept : db_(std::exchange(o.db_, nullptr)) {}
  ReadOnlyDb& operator=(ReadOnlyDb&&) = delete;
  ~ReadOnlyDb() { sqlite3_close(db_); }

  // The first column of each row of `sql` (one text parameter when `param` is set).
  StatusOr<std::vector<std::string>> Column(const std::string& sql,
                                            const std::optional<std::string>& param = {}) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      return FailedPrecondition(sqlite3_errmsg(db_));
    }
    if (param) sqlite3_bind_text(st, 1, param->data(), static_cast<int>(param->size()), nullptr);
    std::vector<std::string> rows;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(st, 0);
      rows.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
    }
    std::string error = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db_);
    sqlite3_finalize(st);
    if (!error.empty()) return FailedPrecondition(error);
    return rows;
  }

 private:
  sqlite3* db_ = nullptr;
};

// Whether `path` is a whole Haven database of the kind wanted (records, or keys) whose schema
// this binary knows. The account ids of a records database come back (empty for keys).
StatusOr<std::vector<std::string>> CheckSqliteBackup(const std::string& path, bool keys) {
  auto db = ReadOnlyDb::Open(path);
  if (!db.ok()) return db.status();
  auto check = db->Column("PRAGMA quick_check");
  if (!check.ok() || check->empty() || (*check)[0] != "ok") {
    return FailedPrecondition(path + " is damaged or not an SQLite database");
  }
  const char* table = keys ? "data_keys" : "accounts";
  auto tables = db->Column("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?",
                           std::string(table));
  if (!tables.ok() || tables->empty()) {
    return FailedPrecondition(path + " is not a backup of Haven's " +
                              (keys ? "keys (keys.db)" : "records (haven.db)"));
  }
  if (keys) return std::vector<std::string>{};
  auto version = db->Column("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!version.ok() || version->empty()) return FailedPrecondition(path + " has no schema version");
  if (std::atoi((*version)[0].c_str()) > storage::SqliteStore::LatestSchemaVersion()) {
    return FailedPrecondition(path + " comes from a newer Haven (schema version " + (*version)[0] +
                              "); restore it with that version");
  }
  return db->Column("SELECT id FROM accounts ORDER BY id");
}

// A consistent snapshot of `db` (read while Haven may be writing) in a new file, mode 0600.
Status SqliteCopy(const std::string& db_path, const std::string& out) {
  if (fs::exists(out)) return FailedPrecondition(out + " exists already; give a new file");
  auto db = ReadOnlyDb::Open(db_path);
  if (!db.ok()) return db.status();
  mode_t old = ::umask(077);  // the copy is born 0600
  auto done = db->Column("VACUUM INTO ?", out);
  ::umask(old);
  if (!done.ok()) return Internal("cannot write " + out + ": " + done.status().message());
  ::chmod(out.c_str(), 0600);
  return Status::Ok();
}

Status FsyncPath(const std::string& path, bool directory) {
  int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return Internal("cannot open " + path);
  int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Internal("cannot fsync " + path);
}

// Replaces `target` by a copy of `backup`: the copy is written and synced beside it, the old
// WAL and shared-memory files are removed (they belong to the old file), then one rename.
Status SqliteReplace(const std::string& backup, const std::string& target) {
  const std::string staging = target + ".restoring";
  std::error_code ec;
  fs::remove(staging, ec);
  mode_t old = ::umask(077);
  fs::copy_file(backup, staging, fs::copy_options::overwrite_existing, ec);
  ::umask(old);
  if (ec) return Internal("cannot copy the backup to " + staging + ": " + ec.message());
  ::chmod(staging.c_str(), 0600);
  if (Status s = FsyncPath(staging, false); !s.ok()) return s;
  for (const char* suffix : {"-wal", "-shm", "-journal"}) fs::remove(target + suffix, ec);
  fs::rename(staging, target, ec);
  if (ec) return Internal("cannot move the backup into place: " + ec.message());
  return FsyncPath(fs::path(target).parent_path().string(), true);
}

// ----- PostgreSQL --------------------------------------------------------------------------

// pg_dump or pg_restore: $HAVEN_PG_BINDIR, else the newest /usr/lib/postgresql/*/bin, else PATH.
std::string PgTool(const std::string& name) {
  if (const char* env = std::getenv("HAVEN_PG_BINDIR"); env && *env) {
    return (fs::path(env) / name).string();
  }
  std::vector<std::pair<int, fs::path>> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    int version = std::atoi(entry.path().filename().c_str());
    fs::path tool = entry.path() / "bin" / name;
    if (version > 0 && ::access(tool.c_str(), X_OK) == 0) found.emplace_back(version, tool);
  }
  if (!found.empty()) return std::max_element(found.begin(), found.end())->second.string();
  return name;  // execvp searches PATH
}

// Runs a PostgreSQL client tool, its output (never a person's data: error messages) going to
// `err`. Returns its exit status, or -1 when it could not run.
int RunTool(const std::vector<std::string>& argv, std::FILE* err) {
  std::fflush(err);
  pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    int fd = ::fileno(err);
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// pg_dump's selection: the records, or the keys; split by schema when they share a database.
std::vector<std::string> PgSelection(const StoreLocation& where, bool keys) {
  if (where.keys_url != where.store_url) return {};
  return {keys ? std::string("--schema=") + storage::kKeysSchema
               : std::string("--exclude-schema=") + storage::kKeysSchema};
}

// ----- restore: erasures since the backup made whole again --------------------------------

// The accounts of `ids` whose data key `keys` no longer holds.
StatusOr<std::vector<std::string>> WithoutKeys(const std::vector<std::string>& ids,
                                               storage::KeyStore& keys) {
  std::vector<std::string> missing;
  for (const auto& id : ids) {
    auto k = keys.Get(id);
    if (k.ok()) continue;
    if (k.status().code() != StatusCode::kNotFound) return k.status();
    missing.push_back(id);
  }
  if (!ids.empty() && missing.size() == ids.size()) {
    return FailedPrecondition(
        "none of the " + std::to_string(ids.size()) +
        " accounts in this backup has a data key in the key store: it is the wrong key store "
        "(--keys-store, --data-dir) or it was lost. Nothing was deleted");
  }
  return missing;
}

StatusOr<std::vector<std::string>> AccountIds(storage::Store& store) {
  std::vector<std::string> ids;
  Status st = store.Transact([&](storage::Txn& txn) -> Status {
    auto all = txn.ListAccountIds();
    if (!all.ok()) return all.status();
    ids = std::move(all).value();
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return ids;
}

// Deletes the accounts erased since the backup (audited one by one), audits the restore, then
// verifies the audit log and moves its checkpoint to the restored head.
int FinishRestore(const StoreLocation& where, const std::string& key_file,
                  const std::vector<std::string>& erased, std::FILE* out, std::FILE* err) {
  auto store = OpenStorage(where, key_file, /*create=*/false);
  if (!store.ok()) {
    std::fprintf(err, "haven restore: %s\n", store.status().message().c_str());
    return 2;
  }
  for (const auto& id : erased) {
    Status st = (*store)->Transact([&](storage::Txn& txn) -> Status {
      storage::AuditEvent e;
      e.time = NowMillis();
      e.actor = "system";
      e.subject = id;
      e.action = storage::audit_action::kErase;
      e.outcome = storage::audit_outcome::kOk;
      e.detail = "erased after the backup: reapplied by restore";
      if (auto a = storage::AppendAudit(txn, e); !a.ok()) return a.status();
      if (auto n = txn.RevokeAccountSessions(id); !n.ok()) return n.status();
      return txn.DeleteAccount(id);
    });
    if (!st.ok()) {
      std::fprintf(err, "haven restore: reapplying an erasure failed: %s\n", st.message().c_str());
      return 2;
    }
  }
  Status st = (*store)->Transact([&](storage::Txn& txn) -> Status {
    storage::AuditEvent e;
    e.time = NowMillis();
    e.actor = "system";
    e.action = storage::audit_action::kRestore;
    e.outcome = storage::audit_outcome::kOk;
    e.detail = "erasures_reapplied=" + std::to_string(erased.size());
    return storage::AppendAudit(txn, e).status();
  });
  if (!st.ok()) {
    std::fprintf(err, "haven restore: cannot audit the restore: %s\n", st.message().c_str());
    return 2;
  }
  auto verdict = storage::VerifyAudit((*store)->inner(), std::nullopt);
  if (!verdict.ok() || !verdict->intact) {
    std::fprintf(err, "haven restore: the restored audit log does not verify: %s\n",
                 verdict.ok() ? verdict->problem.c_str() : verdict.status().message().c_str());
    return 2;
  }
  const std::string checkpoint = storage::AuditCheckpointPathFor(key_file);
  if (Status w = storage::WriteAuditCheckpoint(checkpoint, verdict->checked); !w.ok()) {
    std::fprintf(err, "haven restore: %s\n", w.message().c_str());
    return 2;
  }
  std::fprintf(out,
               "restored the records: %zu erasure%s since the backup reapplied; audit log intact "
               "(%lld entries), checkpoint %s moved to it\n",
               erased.size(), erased.size() == 1 ? "" : "s",
               static_cast<long long>(verdict->checked.count), checkpoint.c_str());
  return 0;
}

int Fail(const char* command, const Status& s, std::FILE* err) {
  std::fprintf(err, "haven %s: %s\n", command, s.message().c_str());
  return 2;
}

}  // namespace

int RunBackup(const BackupArgs& args, std::FILE* out, std::FILE* err) {
  if (args.file.empty()) return Fail("backup", InvalidArgument("give --out FILE"), err);
  auto where = ResolveStore(args.store, args.keys_store, args.data_dir);
  if (!where.ok()) return Fail("backup", where.status(), err);
  const char* what = args.keys ? "keys" : "records";
  if (!where->postgres) {
    const std::string db =
        where->data_dir + "/" + (args.keys ? storage::kKeysDbName : storage::kMainDbName);
    if (Status s = SqliteCopy(db, args.file); !s.ok()) return Fail("backup", s, err);
    std::fprintf(out, "backed up the %s of %s to %s\n", what, where->Describe().c_str(),
                 args.file.c_str());
  } else {
    if (fs::exists(args.file)) {
      return Fail("backup", FailedPrecondition(args.file + " exists already; give a new file"),
                  err);
    }
    std::vector<std::string> argv = {
        PgTool("pg_dump"), "--format=custom", "--no-owner", "--file=" + args.file,
        "--dbname=" + (args.keys ? where->keys_url : where->store_url)};
    for (auto& s : PgSelection(*where, args.keys)) argv.push_back(s);
    mode_t old = ::umask(077);
    int rc = RunTool(argv, err);
    ::umask(old);
    if (rc != 0) {
      std::error_code ec;
      fs::remove(args.file, ec);
      return Fail("backup", Internal("pg_dump failed (exit status " + std::to_string(rc) + ")"),
                  err);
    }
    std::fprintf(out, "backed up the %s of PostgreSQL %s to %s\n", what,
                 RedactUrl(args.keys ? where->keys_url : where->store_url).c_str(),
                 args.file.c_str());
  }
  if (!args.keys) {
    std::fprintf(out,
                 "it holds no data key: back up the keys on their own (--keys), and never "
                 "restore keys older than the records\n");
  }
  return 0;
}

int RunRestore(const BackupArgs& args, std::FILE* out, std::FILE* err) {
  if (args.file.empty()) return Fail("restore", InvalidArgument("give --from FILE"), err);
  if (!fs::exists(args.file)) return Fail("restore", NotFound(args.file + " does not exist"), err);
  auto where = ResolveStore(args.store, args.keys_store, args.data_dir);
  if (!where.ok()) return Fail("restore", where.status(), err);
  const std::string key_file = KeyFileOrDefault(args.key_file);
  if (!args.keys && key_file.empty()) {
    return Fail("restore", InvalidArgument("give --key-file (or set HAVEN_KEY_FILE)"), err);
  }

  std::vector<std::string> erased;
  if (!where->postgres) {
    const std::string target =
        where->data_dir + "/" + (args.keys ? storage::kKeysDbName : storage::kMainDbName);
    auto ids = CheckSqliteBackup(args.file, args.keys);
    if (!ids.ok()) return Fail("restore", ids.status(), err);
    if (!args.keys) {
      // Which accounts were erased since: checked before anything is replaced.
      auto keys = OpenKeys(*where, /*create=*/false);
      if (!keys.ok()) return Fail("restore", keys.status(), err);
      auto missing = WithoutKeys(*ids, **keys);
      if (!missing.ok()) return Fail("restore", missing.status(), err);
      erased = std::move(missing).value();
    }
    if (!fs::exists(where->data_dir)) {
      return Fail("restore", NotFound("data directory " + where->data_dir + " does not exist"),
                  err);
    }
    if (Status s = SqliteReplace(args.file, target); !s.ok()) return Fail("restore", s, err);
  } else {
    const std::string& url = args.keys ? where->keys_url : where->store_url;
    if (RunTool({PgTool("pg_restore"), "--list", "--file=/dev/null", args.file}, err) != 0) {
      return Fail("restore",
                  FailedPrecondition(args.file + " is not a pg_dump archive (custom format)"), err);
    }
    std::vector<std::string> argv = {PgTool("pg_restore"),   "--clean",    "--if-exists",
                                     "--single-transaction", "--no-owner", "--exit-on-error",
                                     "--dbname=" + url};
    argv.push_back(args.file);  // the archive holds only what its backup selected
    int rc = RunTool(argv, err);
    if (rc != 0) {
      return Fail("restore",
                  Internal("pg_restore failed (exit status " + std::to_string(rc) +
                           "); it ran in one transaction, so nothing changed"),
                  err);
    }
    if (!args.keys) {
      auto records = OpenRecords(*where, /*create=*/false);
      if (!records.ok()) return Fail("restore", records.status(), err);
      auto ids = AccountIds(**records);
      if (!ids.ok()) return Fail("restore", ids.status(), err);
      auto keys = OpenKeys(*where, /*create=*/false);
      if (!keys.ok()) return Fail("restore", keys.status(), err);
      auto missing = WithoutKeys(*ids, **keys);
      if (!missing.ok()) return Fail("restore", missing.status(), err);
      erased = std::move(missing).value();
    }
  }
  if (args.keys) {
    std::fprintf(out,
                 "restored the keys of %s. If these keys are older than the records, people "
                 "erased since can be read again: restore the records' latest backup over them "
                 "now\n",
                 where->Describe().c_str());
    return 0;
  }
  return FinishRestore(*where, key_file, erased, out, err);
}

std::unique_ptr<BackupCommands> BackupCommands::Add(CLI::App& app) {
  auto cmd = std::make_unique<BackupCommands>();
  cmd->backup_ = app.add_subcommand(
      "backup",
      "Copy Haven's records (or, with --keys, its data keys) to a file, safely while it runs.\n"
      "  haven backup --data-dir DIR --out FILE [--keys]\n"
      "  haven backup --store postgres://... [--keys-store URL] --out FILE [--keys]\n"
      "Back the keys up separately and keep those copies short-lived: a records backup without\n"
      "keys cannot be read for anyone erased after it.");
  cmd->restore_ = app.add_subcommand(
      "restore",
      "Put a backup back (stop every haven serve first). Restoring the records deletes again\n"
      "everyone erased since the backup (their data keys are gone), audits it and moves the\n"
      "audit checkpoint.\n"
      "  haven restore --data-dir DIR --from FILE [--keys] [--key-file K]\n"
      "  haven restore --store postgres://... [--keys-store URL] --from FILE [--keys]");
  for (auto [sub, a] : {std::pair{cmd->backup_, &cmd->backup_args_},
                        std::pair{cmd->restore_, &cmd->restore_args_}}) {
    sub->add_option("--data-dir", a->data_dir,
                    "The embedded SQLite data directory (haven.db, keys.db)");
    AddStoreOptions(sub, &a->store, &a->keys_store);
    sub->add_flag("--keys", a->keys, "The data keys (keys.db, or the keys' database)");
  }
  cmd->backup_->add_option("--out", cmd->backup_args_.file, "The backup file to create")
      ->required();
  cmd->restore_->add_option("--from", cmd->restore_args_.file, "The backup file")->required();
  cmd->restore_->add_option("--key-file", cmd->restore_args_.key_file,
                            "The key-encryption key (default: $HAVEN_KEY_FILE, else "
                            "~/.config/haven/haven.key)");
  return cmd;
}

bool BackupCommands::parsed() const { return backup_->parsed() || restore_->parsed(); }

int BackupCommands::Run() const {
  if (backup_->parsed()) return RunBackup(backup_args_, stdout, stderr);
  return RunRestore(restore_args_, stdout, stderr);
}

}  // namespace haven::cli
