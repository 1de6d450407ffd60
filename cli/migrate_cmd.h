// `haven migrate`: brings the databases' schemas up to this binary's version, and says which.
//   haven migrate --store postgres://... [--keys-store URL]
//   haven migrate --data-dir DIR        (the embedded SQLite default; creates the files)
// Applies the numbered migrations to the records' and the keys' databases (the same ones every
// open applies: PostgresStore::Open and friends), each in one transaction, and prints the
// schema versions. Idempotent: run again, it changes nothing and prints the same. Needs no key
// file: no personal field is read. Without --store or --data-dir it explains itself (exit 2).
// Exit status 0 on success, 2 on an error (a newer schema than this binary included); messages
// show URLs with their password redacted.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

namespace haven::cli {

struct MigrateArgs {
  std::string data_dir;
  std::string store;
  std::string keys_store;
};

int RunMigrate(const MigrateArgs& args, std::FILE* out, std::FILE* err);

// The `migrate` subcommand registered on an app. main keeps it and asks parsed() after parsing.
class MigrateCommand {
 public:
  static std::unique_ptr<MigrateCommand> Add(CLI::App& app);
  bool parsed() const;
  int Run() const;

 private:
  CLI::App* migrate_ = nullptr;
  MigrateArgs args_;
};

}  // namespace haven::cli
