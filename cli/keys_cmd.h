// `haven keys`: key management for the encrypted store (storage/crypto/).
//   haven keys rotate --data-dir DIR --key-file OLD --new-key-file NEW
// re-wraps every person's data key from the KEK in OLD to the one in NEW (created, version
// OLD+1, when absent). Resumable: after an interruption (even kill -9) run the same command
// again. Haven should be stopped meanwhile and restarted with --key-file NEW afterwards.
// Each completed rotation is recorded in the audit log (action "keys.rotate", actor "system"),
// and the audit checkpoint beside OLD is copied beside NEW.
//   haven keys rotate --store postgres://... [--keys-store URL] --key-file OLD --new-key-file NEW
// does the same for keys in PostgreSQL (cli/store_options.h).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

namespace haven::cli {

struct KeysRotateArgs {
  std::string data_dir;
  std::string key_file;  // the current (old) key file; default $HAVEN_KEY_FILE
  std::string new_key_file;
  std::string store;       // --store: "" or sqlite (--data-dir), or postgres://...
  std::string keys_store;  // --keys-store (PostgreSQL only)
};

// Runs the rotation; a summary goes to `out`, errors (paths and counts only) to `err`.
// Returns 0 when every key is under the new KEK, 2 on an error.
int RunKeysRotate(const KeysRotateArgs& args, std::FILE* out, std::FILE* err);

// The `keys` subcommand registered on an app. main keeps it and asks parsed() after parsing.
class KeysCommand {
 public:
  static std::unique_ptr<KeysCommand> Add(CLI::App& app);
  bool parsed() const;
  int Run() const;

 private:
  CLI::App* rotate_ = nullptr;
  KeysRotateArgs rotate_args_;
};

}  // namespace haven::cli
