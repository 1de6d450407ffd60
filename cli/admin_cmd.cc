#include "cli/admin_cmd.h"

#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include <ctime>

#include "cli/store_options.h"

namespace haven::cli {
namespace {

constexpr size_t kMaxPasswordLine = 4096;

// Reads one line (without "\n" or "\r\n"); false at end of input or when longer than the cap.
bool ReadLine(std::FILE* in, std::string* line) {
  line->clear();
  int c;
  bool any = false;
  while ((c = std::fgetc(in)) != EOF) {
    any = true;
    if (c == '\n') break;
    if (line->size() >= kMaxPasswordLine) return false;
    line->push_back(static_cast<char>(c));
  }
  if (!any) return false;
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return true;
}

// Echo off on a terminal for the life of the object.
class NoEcho {
 public:
  explicit NoEcho(int fd) : fd_(fd) {
    if (tcgetattr(fd_, &saved_) != 0) return;
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    active_ = tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
  }
  ~NoEcho() {
    if (active_) tcsetattr(fd_, TCSAFLUSH, &saved_);
  }
  NoEcho(const NoEcho&) = delete;
  NoEcho& operator=(const NoEcho&) = delete;

 private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

void Wipe(std::string& s) {
  if (!s.empty()) sodium_memzero(s.data(), s.size());
  s.clear();
}

// The storage, opened with the key file given or the default one. For commands other than
// create-user an SQLite database must exist already (nothing is created by a typo in --data-dir).
StatusOr<std::unique_ptr<storage::EncryptedStore>> OpenStore(const AdminArgs& args, bool create) {
  auto where = ResolveStore(args.store, args.keys_store, args.data_dir);
  if (!where.ok()) return where.status();
  return OpenStorage(*where, KeyFileOrDefault(args.key_file), create);
}

StatusOr<storage::StaffRole> RoleArg(const std::string& name) {
  auto role = chat::ParseStaffRole(name);
  if (!role) return InvalidArgument("--role must be supporter, clinician or admin");
  return *role;
}

std::string UtcDate(storage::UnixMillis ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int Fail(std::FILE* err, const char* command, const Status& s) {
  std::fprintf(err, "haven admin %s: %s\n", command, s.message().c_str());
  return 2;
}

}  // namespace

bool ReadPassword(std::FILE* in, std::FILE* err, std::string* password) {
  int fd = fileno(in);
  if (fd < 0 || !isatty(fd)) return ReadLine(in, password);
  std::string again;
  bool ok;
  {
    NoEcho quiet(fd);
    std::fputs("Password (at least 12 characters): ", err);
    std::fflush(err);
    ok = ReadLine(in, password);
    std::fputs("\nAgain: ", err);
    std::fflush(err);
    ok = ok && ReadLine(in, &again);
    std::fputs("\n", err);
  }
  ok = ok && again == *password;
  Wipe(again);
  if (!ok) {
    Wipe(*password);
    std::fputs("the two passwords differ (or the input ended)\n", err);
  }
  return ok;
}

int RunAdminCreateUser(const AdminArgs& args, std::FILE* in, std::FILE* out, std::FILE* err,
                       const chat::StaffAuthOptions& options) {
  constexpr char kCmd[] = "create-user";
  auto role = RoleArg(args.role);
  if (!role.ok()) return Fail(err, kCmd, role.status());
  auto store = OpenStore(args, /*create=*/true);
  if (!store.ok()) return Fail(err, kCmd, store.status());
  chat::StaffAuth auth(**store, options);
  std::string password;
  if (!ReadPassword(in, err, &password)) {
    return Fail(err, kCmd, InvalidArgument("no password on stdin"));
  }
  auto user = auth.CreateUser(args.username, *role, password);
  Wipe(password);
  if (!user.ok()) return Fail(err, kCmd, user.status());
  std::fprintf(out,
               "created %s \"%s\" (account %s)\n"
               "Add this TOTP secret to an authenticator app now; it is not shown again.\n"
               "secret: %s\n"
               "uri:    %s\n",
               std::string(storage::StaffRoleName(*role)).c_str(), args.username.c_str(),
               user->account_id.c_str(), user->totp_secret_base32.c_str(),
               user->otpauth_uri.c_str());
  Wipe(user->totp_secret_base32);
  Wipe(user->otpauth_uri);
  return 0;
}

int RunAdminListUsers(const AdminArgs& args, std::FILE* out, std::FILE* err) {
  constexpr char kCmd[] = "list-users";
  auto store = OpenStore(args, /*create=*/false);
  if (!store.ok()) return Fail(err, kCmd, store.status());
  chat::StaffAuth auth(**store);
  auto users = auth.ListUsers();
  if (!users.ok()) return Fail(err, kCmd, users.status());
  std::fprintf(out, "%-24s %-10s %-9s %-7s %s\n", "USERNAME", "ROLE", "STATE", "FAILED", "CREATED");
  for (const chat::StaffSummary& u : *users) {
    const char* state = u.role == storage::StaffRole::kNone ? "disabled"
                        : u.locked                          ? "locked"
                                                            : "active";
    std::fprintf(out, "%-24s %-10s %-9s %-7d %s\n", u.username.c_str(),
                 std::string(storage::StaffRoleName(u.role)).c_str(), state, u.failed_attempts,
                 UtcDate(u.created_at).c_str());
  }
  return 0;
}

int RunAdminSetRole(const AdminArgs& args, std::FILE* out, std::FILE* err) {
  constexpr char kCmd[] = "set-role";
  auto role = RoleArg(args.role);
  if (!role.ok()) return Fail(err, kCmd, role.status());
  auto store = OpenStore(args, /*create=*/false);
  if (!store.ok()) return Fail(err, kCmd, store.status());
  chat::StaffAuth auth(**store);
  if (Status s = auth.SetRoleAsOperator(args.username, *role); !s.ok()) {
    return Fail(err, kCmd, s);
  }
  std::fprintf(out, "%s is now %s; their sessions have ended\n", args.username.c_str(),
               std::string(storage::StaffRoleName(*role)).c_str());
  return 0;
}

int RunAdminDisableUser(const AdminArgs& args, std::FILE* out, std::FILE* err) {
  constexpr char kCmd[] = "disable-user";
  auto store = OpenStore(args, /*create=*/false);
  if (!store.ok()) return Fail(err, kCmd, store.status());
  chat::StaffAuth auth(**store);
  if (Status s = auth.DisableAsOperator(args.username); !s.ok()) return Fail(err, kCmd, s);
  std::fprintf(out, "%s is disabled; their sessions have ended (set-role enables it again)\n",
               args.username.c_str());
  return 0;
}

std::unique_ptr<AdminCommand> AdminCommand::Add(CLI::App& app) {
  auto cmd = std::make_unique<AdminCommand>();
  auto* admin =
      app.add_subcommand("admin", "Manage staff accounts (supporters, clinicians, admins)");
  admin->require_subcommand(1);
  auto common = [](CLI::App* sub, AdminArgs& a) {
    sub->add_option("--data-dir", a.data_dir,
                    "Haven's data directory (haven.db, keys.db); not with --store postgres://");
    sub->add_option("--key-file", a.key_file, "The key file (default: $HAVEN_KEY_FILE)");
    AddStoreOptions(sub, &a.store, &a.keys_store);
  };
  cmd->create_ = admin->add_subcommand(
      "create-user",
      "Create a staff account. The password is read from stdin (asked twice without echo on a "
      "terminal); the TOTP secret and otpauth:// URI are printed once.\n"
      "  haven admin create-user --data-dir DIR [--key-file K] --username U --role R");
  common(cmd->create_, cmd->create_args_);
  cmd->create_->add_option("--username", cmd->create_args_.username, "3-64 of a-z 0-9 . _ -")
      ->required();
  cmd->create_->add_option("--role", cmd->create_args_.role, "supporter, clinician or admin")
      ->required();

  cmd->list_ = admin->add_subcommand("list-users", "List staff accounts (no secrets)");
  common(cmd->list_, cmd->list_args_);

  cmd->set_role_ = admin->add_subcommand(
      "set-role", "Change a staff account's role (enables a disabled account; ends its sessions)");
  common(cmd->set_role_, cmd->set_role_args_);
  cmd->set_role_->add_option("--username", cmd->set_role_args_.username, "The account")->required();
  cmd->set_role_->add_option("--role", cmd->set_role_args_.role, "supporter, clinician or admin")
      ->required();

  cmd->disable_ = admin->add_subcommand(
      "disable-user", "Disable a staff account: no role, no login, its sessions ended");
  common(cmd->disable_, cmd->disable_args_);
  cmd->disable_->add_option("--username", cmd->disable_args_.username, "The account")->required();
  return cmd;
}

bool AdminCommand::parsed() const {
  return create_->parsed() || list_->parsed() || set_role_->parsed() || disable_->parsed();
}

int AdminCommand::Run() const {
  if (create_->parsed()) return RunAdminCreateUser(create_args_, stdin, stdout, stderr);
  if (list_->parsed()) return RunAdminListUsers(list_args_, stdout, stderr);
  if (set_role_->parsed()) return RunAdminSetRole(set_role_args_, stdout, stderr);
  return RunAdminDisableUser(disable_args_, stdout, stderr);
}

}  // namespace haven::cli
