// `haven audit`: the audit log (storage/audit.h).
//   haven audit verify --data-dir DIR [--key-file K | --checkpoint F] [--update-checkpoint]
// recomputes the hash chain of DIR/haven.db and checks it against the checkpoint (default: the
// key file's path + ".audit-checkpoint"). Exit status: 0 intact, 1 tampered, 2 error.
// --update-checkpoint moves the checkpoint to the verified head.
// With --store postgres://... (cli/store_options.h) it verifies the records in PostgreSQL.
// Other `haven audit ...` subcommands may be added to the app returned by audit().
#pragma once

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

namespace haven::cli {

struct AuditVerifyArgs {
  std::string data_dir;
  std::string key_file;    // used only to find the checkpoint; default $HAVEN_KEY_FILE
  std::string checkpoint;  // overrides the path derived from the key file
  bool update_checkpoint = false;
  std::string store;       // --store: "" or sqlite (--data-dir), or postgres://...
  std::string keys_store;  // --keys-store: accepted for symmetry; the keys are not read
};

int RunAuditVerify(const AuditVerifyArgs& args, std::FILE* out, std::FILE* err);

class AuditCommand {
 public:
  static std::unique_ptr<AuditCommand> Add(CLI::App& app);
  CLI::App* audit() const { return audit_; }
  bool parsed() const;  // whether `audit verify` was chosen
  int Run() const;

 private:
  CLI::App* audit_ = nullptr;
  CLI::App* verify_ = nullptr;
  AuditVerifyArgs verify_args_;
};

}  // namespace haven::cli
