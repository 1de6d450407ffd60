#include "cli/migrate_cmd.h"

#include "cli/store_options.h"
#include "storage/open.h"
#include "storage/postgres/pg_key_store.h"
#include "storage/postgres/pg_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace haven::cli {

int RunMigrate(const MigrateArgs& args, std::FILE* out, std::FILE* err) {
  if (args.store.empty() && args.data_dir.empty()) {
    std::fprintf(err,
                 "haven migrate: applies the schema migrations of this Haven to its databases "
                 "(idempotent) and prints the schema versions. Say which:\n"
                 "  haven migrate --store postgres://user@host/db [--keys-store "
                 "postgres://user@host/keys_db]\n"
                 "  haven migrate --data-dir DIR   (the embedded SQLite default)\n"
                 "A running Haven migrates at start too; run this first to do it on its own.\n");
    return 2;
  }
  auto where = ResolveStore(args.store, args.keys_store, args.data_dir);
  if (!where.ok()) {
    std::fprintf(err, "haven migrate: %s\n", where.status().message().c_str());
    return 2;
  }
  // Opening migrates: the records first, then the keys (as every start does).
  auto records = OpenRecords(*where, /*create=*/true);
  if (!records.ok()) {
    std::fprintf(err, "haven migrate: %s\n", records.status().message().c_str());
    return 2;
  }
  auto keys = OpenKeys(*where, /*create=*/true);
  if (!keys.ok()) {
    std::fprintf(err, "haven migrate: %s\n", keys.status().message().c_str());
    return 2;
  }
  if (where->postgres) {
    std::fprintf(out, "records: PostgreSQL %s, schema version %d\n",
                 RedactUrl(where->store_url).c_str(),
                 storage::PostgresStore::LatestSchemaVersion());
    std::fprintf(out, "keys: PostgreSQL %s%s, schema version %d\n",
                 RedactUrl(where->keys_url).c_str(),
                 where->keys_url == where->store_url
                     ? (std::string(" (schema ") + storage::kKeysSchema + ")").c_str()
                     : "",
                 storage::PostgresKeyStore::LatestSchemaVersion());
  } else {
    std::fprintf(out, "records: SQLite %s/%s, schema version %d\n", where->data_dir.c_str(),
                 storage::kMainDbName, storage::SqliteStore::LatestSchemaVersion());
    std::fprintf(out, "keys: SQLite %s/%s, up to date\n", where->data_dir.c_str(),
                 storage::kKeysDbName);
  }
  return 0;
}

std::unique_ptr<MigrateCommand> MigrateCommand::Add(CLI::App& app) {
  auto cmd = std::make_unique<MigrateCommand>();
  cmd->migrate_ = app.add_subcommand(
      "migrate",
      "Apply the schema migrations to Haven's databases (idempotent) and print their versions.\n"
      "  haven migrate --store postgres://user@host/db [--keys-store URL]\n"
      "  haven migrate --data-dir DIR");
  cmd->migrate_->add_option("--data-dir", cmd->args_.data_dir,
                            "The embedded SQLite data directory (haven.db, keys.db)");
  AddStoreOptions(cmd->migrate_, &cmd->args_.store, &cmd->args_.keys_store);
  return cmd;
}

bool MigrateCommand::parsed() const { return migrate_->parsed(); }

int MigrateCommand::Run() const { return RunMigrate(args_, stdout, stderr); }

}  // namespace haven::cli
