// `haven admin`: staff accounts from the operator's shell (chat/staff_auth.h). Whoever can read
// the data directory and the key file is trusted; the audit log records them as "system".
//   haven admin create-user  --data-dir DIR [--key-file K] --username U --role R
//       reads the password from stdin (one line), or asks for it twice without echo when stdin
//       is a terminal; prints the TOTP secret and otpauth:// URI once (they are never shown
//       again: the secret is stored sealed).
//   haven admin list-users   --data-dir DIR [--key-file K]
//   haven admin set-role     --data-dir DIR [--key-file K] --username U --role R
//   haven admin disable-user --data-dir DIR [--key-file K] --username U
// Each takes --store postgres://... [--keys-store URL] instead of --data-dir to manage the
// accounts in PostgreSQL (cli/store_options.h).
// Roles: supporter, clinician, admin. set-role also enables a disabled account; both set-role
// and disable-user end the account's sessions. Exit status 0 on success, 2 on any error (the
// message names the rule or the path, never the password).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "chat/staff_auth.h"

namespace haven::cli {

struct AdminArgs {
  std::string data_dir;
  std::string key_file;  // default $HAVEN_KEY_FILE, then ~/.config/haven/haven.key
  std::string username;
  std::string role;
  std::string store;  // --store: "" or sqlite (--data-dir), or postgres://... (store_options.h)
  std::string keys_store;  // --keys-store (PostgreSQL only)
};

// `options` is for tests (a cheap password hash); the command line always uses the defaults.
int RunAdminCreateUser(const AdminArgs& args, std::FILE* in, std::FILE* out, std::FILE* err,
                       const chat::StaffAuthOptions& options = {});
int RunAdminListUsers(const AdminArgs& args, std::FILE* out, std::FILE* err);
int RunAdminSetRole(const AdminArgs& args, std::FILE* out, std::FILE* err);
int RunAdminDisableUser(const AdminArgs& args, std::FILE* out, std::FILE* err);

// Reads a password: one line of `in` (without its line end), or, when `in` is a terminal, a
// prompt on `err` with echo off, asked twice. Returns false on end of input, a mismatch or a
// line longer than 4 KiB.
bool ReadPassword(std::FILE* in, std::FILE* err, std::string* password);

// The `admin` subcommands registered on an app. main keeps it and asks parsed() after parsing.
class AdminCommand {
 public:
  static std::unique_ptr<AdminCommand> Add(CLI::App& app);
  bool parsed() const;
  int Run() const;

 private:
  CLI::App* create_ = nullptr;
  CLI::App* list_ = nullptr;
  CLI::App* set_role_ = nullptr;
  CLI::App* disable_ = nullptr;
  AdminArgs create_args_, list_args_, set_role_args_, disable_args_;
};

}  // namespace haven::cli
