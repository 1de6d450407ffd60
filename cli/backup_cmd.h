// `haven backup` and `haven restore`: copies of the records and, on their own, of the keys.
//
//   haven backup  --data-dir DIR | --store URL [--keys-store URL]   --out FILE [--keys]
//   haven restore --data-dir DIR | --store URL [--keys-store URL]   --from FILE [--keys]
//                 [--key-file K]
//
// Without --keys the records are copied (every personal field in them is sealed); with --keys,
// the wrapped data keys. The two go to different places on different schedules (keys backups
// short-lived): a records backup holds no key, so a person erased after it was taken stays
// unreadable in it for ever (crypto-shredding), and a restore of the records makes that erasure
// whole again (below). Restoring a keys backup older than the records brings erased people back:
// never do it.
//
// SQLite: a consistent online copy of haven.db (or keys.db) by VACUUM INTO, safe while Haven
// runs; FILE must not exist and is created with mode 0600. PostgreSQL: pg_dump in its custom
// format (HAVEN_PG_BINDIR, else the newest /usr/lib/postgresql/*/bin, else PATH); a database
// shared by the records and the keys (schema haven_keys) is split by schema. Passwords belong in
// ~/.pgpass: a password in a URL is visible to other local users in pg_dump's command line.
//
// Restore (stop every `haven serve` first): the backup is checked (a Haven database of a schema
// this binary knows), then replaces the records (SQLite: the file, atomically, the old WAL
// dropped; PostgreSQL: pg_restore --clean --single-transaction). Then, with the KEK
// (--key-file), every account of the backup whose data key the key store no longer holds was
// erased after the backup: its rows are deleted again and each such erasure is audited, as is
// the restore ("backup.restore"). When no account of the backup has a key, the key store is the
// wrong one (or lost): nothing is deleted and the restore stops with an error. Finally the audit
// log is verified and its checkpoint (next to the key file) moved to the restored log's head, the
// restore itself being an audited, deliberate step back.
// Exit status: 0 done, 2 an error (nothing replaced when the backup is refused).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

namespace haven::cli {

struct BackupArgs {
  std::string data_dir;
  std::string store;
  std::string keys_store;
  std::string file;  // --out (backup) or --from (restore)
  bool keys = false;
  std::string key_file;  // restore: the KEK (default as every command)
};

int RunBackup(const BackupArgs& args, std::FILE* out, std::FILE* err);
int RunRestore(const BackupArgs& args, std::FILE* out, std::FILE* err);

// The `backup` and `restore` subcommands registered on an app.
class BackupCommands {
 public:
  static std::unique_ptr<BackupCommands> Add(CLI::App& app);
  bool parsed() const;
  int Run() const;

 private:
  CLI::App* backup_ = nullptr;
  CLI::App* restore_ = nullptr;
  BackupArgs backup_args_;
  BackupArgs restore_args_;
};

}  // namespace haven::cli
