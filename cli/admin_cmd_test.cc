#include "cli/admin_cmd.h"

#include <gtest/gtest.h>

#include "chat/totp.h"
#include "cli/test_util.h"
#include "storage/audit.h"
#include "storage/open.h"
#include "storage/test_util.h"

namespace haven::cli {
namespace {

using storage::testing::TempDir;
using testing::Captured;
using testing::Input;

constexpr char kPassword[] = "a long enough passphrase";

chat::StaffAuthOptions Cheap() {
  chat::StaffAuthOptions o;
  o.insecure_fast_hash_for_tests = true;
  return o;
}

// The value after "label: " on its line of `text`.
std::string Field(const std::string& text, const std::string& label) {
  size_t at = text.find(label + ": ");
  if (at == std::string::npos) return "";
  at += label.size() + 2;
  while (at < text.size() && text[at] == ' ') ++at;
  return text.substr(at, text.find('\n', at) - at);
}

class AdminCommandTest : public ::testing::Test {
 protected:
  AdminArgs Args(const std::string& username = "", const std::string& role = "") const {
    AdminArgs a;
    a.data_dir = data_;
    a.key_file = key_;
    a.username = username;
    a.role = role;
    return a;
  }
  int Create(const std::string& username, const std::string& role, const std::string& stdin_text,
             Captured& c) {
    Input in(stdin_text);
    return RunAdminCreateUser(Args(username, role), in.file, c.out, c.err, Cheap());
  }
  storage::Account Stored(const std::string& username) {
    auto store = storage::OpenSqliteStorage(data_, key_);
    EXPECT_TRUE(store.ok());
    storage::Account out;
    if (!store.ok()) return out;
    EXPECT_TRUE((*store)
                    ->Transact([&](storage::Txn& t) -> Status {
                      auto a = t.FindStaffByUsername(username);
                      if (!a.ok()) return a.status();
                      out = *a;
                      return Status::Ok();
                    })
                    .ok());
    return out;
  }

  TempDir tmp_;
  std::string data_ = tmp_ / "data";
  std::string key_ = tmp_ / "haven.key";
};

TEST_F(AdminCommandTest, CreateUserReadsThePasswordAndPrintsTheSecretOnce) {
  Captured c;
  ASSERT_EQ(Create("alice", "admin", std::string(kPassword) + "\n", c), 0) << c.ErrText();
  std::string out = c.OutText();
  EXPECT_NE(out.find("created admin \"alice\""), std::string::npos);
  std::string secret = Field(out, "secret");
  std::string uri = Field(out, "uri");
  EXPECT_EQ(secret.size(), 32u);
  EXPECT_EQ(uri.rfind("otpauth://totp/Haven:alice?secret=" + secret, 0), 0u) << uri;
  EXPECT_EQ(out.find(kPassword), std::string::npos);
  EXPECT_EQ(c.ErrText(), "");

  storage::Account a = Stored("alice");
  EXPECT_EQ(a.role, storage::StaffRole::kAdmin);
  EXPECT_EQ(a.password_hash.rfind("$argon2id$", 0), 0u);
  auto raw = chat::Base32Decode(secret);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(a.totp_secret, *raw);
  // The secret is sealed in the database: its bytes are nowhere in the files.
  for (const char* name : {"haven.db", "haven.db-wal"}) {
    std::string bytes = storage::testing::ReadFileBytes(data_ + "/" + name);
    EXPECT_EQ(bytes.find(*raw), std::string::npos) << name;
    EXPECT_EQ(bytes.find(kPassword), std::string::npos) << name;
  }
}

TEST_F(AdminCommandTest, CreateUserRefusals) {
  {
    Captured c;
    EXPECT_EQ(Create("alice", "root", std::string(kPassword) + "\n", c), 2);
    EXPECT_NE(c.ErrText().find("--role must be"), std::string::npos);
  }
  {
    Captured c;
    EXPECT_EQ(Create("alice", "supporter", "too short\n", c), 2);
    EXPECT_NE(c.ErrText().find("password: shorter than 12"), std::string::npos);
    EXPECT_EQ(c.ErrText().find("too short"), std::string::npos);
  }
  {
    Captured c;
    EXPECT_EQ(Create("alice", "supporter", "", c), 2);
    EXPECT_NE(c.ErrText().find("no password"), std::string::npos);
  }
  {
    Captured c;
    ASSERT_EQ(Create("alice", "supporter", std::string(kPassword) + "\r\n", c), 0);
    Captured again;
    EXPECT_EQ(Create("alice", "clinician", std::string(kPassword) + "\n", again), 2);
    EXPECT_NE(again.ErrText().find("username taken"), std::string::npos);
  }
}

TEST_F(AdminCommandTest, ListSetRoleAndDisable) {
  {
    Captured c;
    ASSERT_EQ(Create("bob", "supporter", std::string(kPassword) + "\n", c), 0);
    Captured d;
    ASSERT_EQ(Create("alice", "admin", std::string(kPassword) + "\n", d), 0);
  }
  {
    Captured c;
    ASSERT_EQ(RunAdminSetRole(Args("bob", "clinician"), c.out, c.err), 0) << c.ErrText();
    EXPECT_NE(c.OutText().find("bob is now clinician"), std::string::npos);
  }
  EXPECT_EQ(Stored("bob").role, storage::StaffRole::kClinician);
  {
    Captured c;
    ASSERT_EQ(RunAdminDisableUser(Args("alice"), c.out, c.err), 0) << c.ErrText();
  }
  {
    Captured c;
    ASSERT_EQ(RunAdminListUsers(Args(), c.out, c.err), 0) << c.ErrText();
    std::string out = c.OutText();
    size_t alice = out.find("alice"), bob = out.find("bob");
    ASSERT_NE(alice, std::string::npos);
    ASSERT_NE(bob, std::string::npos);
    EXPECT_LT(alice, bob);
    EXPECT_NE(out.find("disabled", alice), std::string::npos);
    EXPECT_NE(out.find("clinician", bob), std::string::npos);
    EXPECT_EQ(out.find("argon2"), std::string::npos);
  }
  {
    Captured c;
    EXPECT_EQ(RunAdminSetRole(Args("nobody", "admin"), c.out, c.err), 2);
    EXPECT_NE(c.ErrText().find("no such user"), std::string::npos);
  }
  // Everything is in the audit chain, which still verifies.
  auto store = storage::OpenSqliteStorage(data_, key_);
  ASSERT_TRUE(store.ok());
  std::vector<std::string> actions;
  ASSERT_TRUE((*store)
                  ->Transact([&](storage::Txn& t) -> Status {
                    auto r = t.ListAuditRecords(0, 100);
                    if (!r.ok()) return r.status();
                    for (const auto& e : *r) {
                      actions.push_back(e.action + " " + e.actor + " " + e.detail);
                    }
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(actions, (std::vector<std::string>{"account.create system supporter",
                                               "account.create system admin",
                                               "role.change system supporter -> clinician",
                                               "account.disable system admin -> none"}));
  auto verdict = storage::VerifyAudit(**store, std::nullopt);
  ASSERT_TRUE(verdict.ok());
  EXPECT_TRUE(verdict->intact);
}

TEST_F(AdminCommandTest, CommandsOtherThanCreateNeedAnExistingDatabase) {
  Captured c;
  EXPECT_EQ(RunAdminListUsers(Args(), c.out, c.err), 2);
  EXPECT_NE(c.ErrText().find("no database"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(data_));
}

TEST(AdminPasswordTest, ReadsOneLineFromAPipeOrFile) {
  Input in("first line\nsecond\n");
  Captured c;
  std::string pw;
  ASSERT_TRUE(ReadPassword(in.file, c.err, &pw));
  EXPECT_EQ(pw, "first line");
  Input empty("");
  EXPECT_FALSE(ReadPassword(empty.file, c.err, &pw));
  Input huge(std::string(5000, 'x'));
  EXPECT_FALSE(ReadPassword(huge.file, c.err, &pw));
}

TEST(AdminCommandParseTest, SubcommandsAndRequiredOptions) {
  CLI::App app;
  auto cmd = AdminCommand::Add(app);
  const char* argv[] = {"haven",      "admin", "set-role", "--data-dir", "/tmp/x",
                        "--username", "bob",   "--role",   "admin"};
  app.parse(9, const_cast<char**>(argv));
  EXPECT_TRUE(cmd->parsed());
  CLI::App app2;
  auto cmd2 = AdminCommand::Add(app2);
  const char* missing[] = {"haven", "admin", "create-user", "--data-dir", "/tmp/x"};
  EXPECT_THROW(app2.parse(5, const_cast<char**>(missing)), CLI::RequiredError);
}

}  // namespace
}  // namespace haven::cli
