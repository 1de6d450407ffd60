#include "chat/staff_auth.h"

#include <gtest/gtest.h>

#include <atomic>

#include "chat/tokens.h"
#include "chat/totp.h"
#include "storage/audit.h"
#include "storage/memory/memory_store.h"

namespace haven::chat {
namespace {

using storage::StaffRole;
using storage::UnixMillis;

constexpr UnixMillis kStart = 1'700'000'010'000;  // 2023-11-14, the start of a 30-second step
constexpr UnixMillis kMinute = 60'000;
const std::string kPassword = "correct horse battery staple";

class StaffAuthTest : public ::testing::Test {
 protected:
  StaffAuthTest() : auth_(store_, Options(), [this] { return now_.load(); }) {}

  static StaffAuthOptions Options() {
    StaffAuthOptions o;
    o.insecure_fast_hash_for_tests = true;
    return o;
  }

  // Creates a user and returns its raw TOTP secret.
  std::string Create(const std::string& username, StaffRole role) {
    auto user = auth_.CreateUser(username, role, kPassword);
    EXPECT_TRUE(user.ok()) << user.status().message();
    if (!user.ok()) return "";
    auto secret = Base32Decode(user->totp_secret_base32);
    EXPECT_TRUE(secret.ok());
    return secret.ok() ? *secret : "";
  }
  std::string Code(const std::string& secret) const { return TotpCode(secret, now_ / 1000); }
  void Advance(UnixMillis ms) { now_ += ms; }

  StatusOr<StaffLogin> LoginNow(const std::string& user, const std::string& secret,
                                const std::string& address = "10.0.0.1") {
    return auth_.Login(user, kPassword, Code(secret), address);
  }

  storage::Account Stored(const std::string& username) {
    storage::Account out;
    EXPECT_TRUE(store_
                    .Transact([&](storage::Txn& t) -> Status {
                      auto a = t.FindStaffByUsername(username);
                      if (!a.ok()) return a.status();
                      out = *a;
                      return Status::Ok();
                    })
                    .ok());
    return out;
  }

  std::vector<storage::AuditRecord> Audit() {
    std::vector<storage::AuditRecord> out;
    EXPECT_TRUE(store_
                    .Transact([&](storage::Txn& t) -> Status {
                      auto r = t.ListAuditRecords(0, 10000);
                      if (!r.ok()) return r.status();
                      out = *r;
                      return Status::Ok();
                    })
                    .ok());
    return out;
  }

  static void ExpectInvalidCredentials(const StatusOr<StaffLogin>& r) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
    EXPECT_EQ(r.status().message(), "invalid credentials");
  }

  storage::MemoryStore store_;
  std::atomic<UnixMillis> now_{kStart};
  StaffAuth auth_;
};

TEST_F(StaffAuthTest, CreateThenLoginWithPasswordAndCode) {
  auto user = auth_.CreateUser("alice", StaffRole::kClinician, kPassword);
  ASSERT_TRUE(user.ok()) << user.status().message();
  EXPECT_EQ(user->totp_secret_base32.size(), 32u);  // 160 bits
  EXPECT_EQ(
      user->otpauth_uri.rfind(
          "otpauth://totp/Haven:alice?secret=" + user->totp_secret_base32 + "&issuer=Haven", 0),
      0u);
  auto secret = Base32Decode(user->totp_secret_base32);
  ASSERT_TRUE(secret.ok());

  storage::Account stored = Stored("alice");
  EXPECT_EQ(stored.kind, storage::AccountKind::kStaff);
  EXPECT_EQ(stored.role, StaffRole::kClinician);
  EXPECT_EQ(stored.password_hash.rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(stored.password_hash.find(kPassword), std::string::npos);
  EXPECT_EQ(stored.totp_secret, *secret);

  auto login = LoginNow("alice", *secret);
  ASSERT_TRUE(login.ok()) << login.status().message();
  EXPECT_EQ(login->token.size(), 64u);
  EXPECT_EQ(login->identity.username, "alice");
  EXPECT_EQ(login->identity.role, StaffRole::kClinician);
  EXPECT_EQ(login->expires_at, kStart + 12 * 60 * kMinute);
  auto who = auth_.CheckSession(login->token);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->account_id, user->account_id);
  EXPECT_EQ(who->role, StaffRole::kClinician);
  // Only the token's hash is stored.
  EXPECT_TRUE(store_
                  .Transact([&](storage::Txn& t) -> Status {
                    EXPECT_EQ(t.GetSession(login->token).status().code(), StatusCode::kNotFound);
                    return t.GetSession(HashSessionToken(login->token)).status();
                  })
                  .ok());
}

TEST_F(StaffAuthTest, EveryLoginFailureLooksTheSame) {
  std::string secret = Create("alice", StaffRole::kSupporter);
  ExpectInvalidCredentials(auth_.Login("nobody", kPassword, Code(secret), "a"));
  ExpectInvalidCredentials(auth_.Login("alice", kPassword + "!", Code(secret), "a"));
  ExpectInvalidCredentials(auth_.Login("alice", kPassword, "000000", "a"));
  ExpectInvalidCredentials(auth_.Login("alice", kPassword, "", "a"));
  ExpectInvalidCredentials(auth_.Login("ALICE!", kPassword, Code(secret), "a"));
  ExpectInvalidCredentials(auth_.Login("alice", std::string(200, 'x'), Code(secret), "a"));
  EXPECT_TRUE(LoginNow("alice", secret).ok());
}

TEST_F(StaffAuthTest, ACodeIsAcceptedOnceAndItsStepRemembered) {
  std::string secret = Create("alice", StaffRole::kSupporter);
  std::string code = Code(secret);
  auto first = auth_.Login("alice", kPassword, code, "a");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(Stored("alice").totp_last_step, TotpStep(kStart / 1000));
  ASSERT_TRUE(auth_.Logout(first->token).ok());
  ExpectInvalidCredentials(auth_.Login("alice", kPassword, code, "a"));  // replayed
  Advance(10'000);
  ExpectInvalidCredentials(auth_.Login("alice", kPassword, code, "a"));  // still the same step
  Advance(30'000);
  EXPECT_TRUE(LoginNow("alice", secret).ok());  // the next step's code
}

TEST_F(StaffAuthTest, OneStepOfClockDriftIsAccepted) {
  std::string secret = Create("alice", StaffRole::kSupporter);
  std::string behind = TotpCode(secret, now_ / 1000 - 30);
  EXPECT_TRUE(auth_.Login("alice", kPassword, behind, "a").ok());
  Advance(60'000);
  std::string ahead = TotpCode(secret, now_ / 1000 + 30);
  EXPECT_TRUE(auth_.Login("alice", kPassword, ahead, "a").ok());
  Advance(60'000);
  ExpectInvalidCredentials(
      auth_.Login("alice", kPassword, TotpCode(secret, now_ / 1000 + 90), "a"));
}

TEST_F(StaffAuthTest, FiveFailuresLockTheAccountForLongerEachTime) {
  std::string secret = Create("alice", StaffRole::kSupporter);
  for (int i = 0; i < 5; ++i) {
    ExpectInvalidCredentials(auth_.Login("alice", "wrong password " + std::to_string(i),
                                         Code(secret), "addr" + std::to_string(i)));
  }
  storage::Account a = Stored("alice");
  EXPECT_EQ(a.failed_attempts, 5);
  EXPECT_EQ(a.locked_until, now_ + 15 * kMinute);
  // Locked: even the right password and code are refused, with the same error, and do not
  // count as failures.
  Advance(kMinute);
  ExpectInvalidCredentials(LoginNow("alice", secret, "elsewhere"));
  EXPECT_EQ(Stored("alice").failed_attempts, 5);
  // After the lock, five more failures lock it for twice as long.
  Advance(15 * kMinute);
  for (int i = 0; i < 5; ++i) {
    ExpectInvalidCredentials(auth_.Login("alice", kPassword, "123456", "b" + std::to_string(i)));
  }
  EXPECT_EQ(Stored("alice").locked_until, now_ + 30 * kMinute);
  Advance(31 * kMinute);
  ASSERT_TRUE(LoginNow("alice", secret, "elsewhere").ok());
  a = Stored("alice");
  EXPECT_EQ(a.failed_attempts, 0);
  EXPECT_EQ(a.locked_until, 0);
}

TEST_F(StaffAuthTest, TheLockoutIsKeptInTheStore) {
  std::string secret = Create("alice", StaffRole::kSupporter);
  for (int i = 0; i < 5; ++i) {
    (void)auth_.Login("alice", "wrong password!", Code(secret), "x" + std::to_string(i));
  }
  // Another service over the same store (a restart) still sees the lock.
  StaffAuth again(store_, Options(), [this] { return now_.load(); });
  ExpectInvalidCredentials(again.Login("alice", kPassword, Code(secret), "fresh"));
}

TEST_F(StaffAuthTest, AnAddressIsThrottledAcrossAccounts) {
  std::string secret = Create("alice", StaffRole::kSupporter);
  for (int i = 0; i < 20; ++i) {
    ExpectInvalidCredentials(
        auth_.Login("user" + std::to_string(i), kPassword, "000000", "203.0.113.9"));
  }
  ExpectInvalidCredentials(LoginNow("alice", secret, "203.0.113.9"));
  EXPECT_EQ(Stored("alice").failed_attempts, 0);  // not the account's fault
  Advance(30'000);
  EXPECT_TRUE(LoginNow("alice", secret, "198.51.100.7").ok());
  Advance(15 * kMinute);
  Advance(30'000);
  EXPECT_TRUE(LoginNow("alice", secret, "203.0.113.9").ok());
}

TEST_F(StaffAuthTest, PasswordPolicy) {
  auto code = [&](std::string_view user, std::string_view pw) {
    return auth_.CheckPasswordPolicy(user, pw).code();
  };
  EXPECT_EQ(code("alice", "short pass1"), StatusCode::kInvalidArgument);  // 11 characters
  EXPECT_EQ(code("alice", "twelve chars"), StatusCode::kOk);
  EXPECT_EQ(code("alice", std::string(129, 'x')), StatusCode::kInvalidArgument);
  EXPECT_EQ(code("alice", std::string(128, 'x')), StatusCode::kOk);
  EXPECT_EQ(code("alice", "my name is ALICE ok"), StatusCode::kInvalidArgument);
  EXPECT_EQ(code("alice", "valid length \xff\xfe"), StatusCode::kInvalidArgument);
  // Twelve characters of two bytes each: counted as characters, not bytes.
  EXPECT_EQ(code("alice", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"),
            StatusCode::kInvalidArgument);  // six é
  std::string twelve;
  for (int i = 0; i < 12; ++i) twelve += "\xc3\xa9";
  EXPECT_EQ(code("alice", twelve), StatusCode::kOk);
  auto refused = auth_.CreateUser("alice", StaffRole::kAdmin, "alice1234567890");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(), "password: contains the username");
  EXPECT_EQ(refused.status().message().find("1234567890"), std::string::npos);
}

TEST_F(StaffAuthTest, UsernamesRolesAndDuplicates) {
  EXPECT_EQ(auth_.CreateUser("Al", StaffRole::kAdmin, kPassword).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(auth_.CreateUser("Alice", StaffRole::kAdmin, kPassword).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(auth_.CreateUser("alice", StaffRole::kNone, kPassword).status().code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(auth_.CreateUser("alice.b-c_d", StaffRole::kAdmin, kPassword).ok());
  EXPECT_EQ(auth_.CreateUser("alice.b-c_d", StaffRole::kSupporter, kPassword).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(ParseStaffRole("clinician"), StaffRole::kClinician);
  EXPECT_EQ(ParseStaffRole("none"), std::nullopt);
  EXPECT_EQ(ParseStaffRole("Admin"), std::nullopt);
}

TEST_F(StaffAuthTest, SessionsEndWhenIdleAtTheirLifetimeAndAtLogout) {
  std::string secret = Create("alice", StaffRole::kSupporter);
  auto idle = LoginNow("alice", secret);
  ASSERT_TRUE(idle.ok());
  Advance(29 * kMinute);
  EXPECT_TRUE(auth_.CheckSession(idle->token).ok());  // touched
  Advance(29 * kMinute);
  EXPECT_TRUE(auth_.CheckSession(idle->token).ok());
  Advance(31 * kMinute);
  EXPECT_EQ(auth_.CheckSession(idle->token).status().message(), "session not found or expired");

  auto busy = LoginNow("alice", secret);
  ASSERT_TRUE(busy.ok());
  for (int i = 0; i < 12 * 4 + 1; ++i) {
    Advance(15 * kMinute - 1);
    (void)auth_.CheckSession(busy->token);
  }
  EXPECT_FALSE(auth_.CheckSession(busy->token).ok());  // 12 hours however busy

  Advance(kMinute);
  auto out = LoginNow("alice", secret);
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE(auth_.Logout(out->token).ok());
  EXPECT_FALSE(auth_.CheckSession(out->token).ok());
  EXPECT_TRUE(auth_.Logout(out->token).ok());  // twice is fine
  EXPECT_TRUE(auth_.Logout("not a token").ok());
  EXPECT_FALSE(auth_.CheckSession("").ok());
}

TEST_F(StaffAuthTest, ASeekersTokenIsNotAStaffSession) {
  std::string token = NewSessionToken();
  ASSERT_TRUE(store_
                  .Transact([&](storage::Txn& t) -> Status {
                    storage::Account seeker;
                    seeker.id = "seeker1";
                    if (Status s = t.CreateAccount(seeker); !s.ok()) return s;
                    storage::Session s;
                    s.token_hash = HashSessionToken(token);
                    s.account_id = "seeker1";
                    s.created_at = s.last_seen = now_;
                    s.expires_at = now_ + 60 * kMinute;
                    return t.CreateSession(s);
                  })
                  .ok());
  EXPECT_EQ(auth_.CheckSession(token).status().code(), StatusCode::kNotFound);
}

TEST_F(StaffAuthTest, AnAdminChangesARoleAuditedInTheSameUnitOfWork) {
  std::string admin_secret = Create("root", StaffRole::kAdmin);
  std::string bob_secret = Create("bob", StaffRole::kSupporter);
  auto admin = LoginNow("root", admin_secret);
  auto bob = LoginNow("bob", bob_secret);
  ASSERT_TRUE(admin.ok() && bob.ok());

  // A supporter may not.
  EXPECT_EQ(auth_.ChangeRole(bob->token, "bob", StaffRole::kAdmin).message(), "permission denied");
  EXPECT_EQ(Audit().back().action, "access.denied");
  EXPECT_EQ(Audit().back().actor, bob->identity.account_id);
  // Nor may an admin change their own role.
  EXPECT_EQ(auth_.ChangeRole(admin->token, "root", StaffRole::kSupporter).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(auth_.ChangeRole(admin->token, "nobody", StaffRole::kSupporter).code(),
            StatusCode::kNotFound);

  ASSERT_TRUE(auth_.ChangeRole(admin->token, "bob", StaffRole::kClinician).ok());
  storage::AuditRecord last = Audit().back();
  EXPECT_EQ(last.action, "role.change");
  EXPECT_EQ(last.actor, admin->identity.account_id);
  EXPECT_EQ(last.subject, bob->identity.account_id);
  EXPECT_EQ(last.detail, "supporter -> clinician");
  EXPECT_EQ(Stored("bob").role, StaffRole::kClinician);
  // Bob's old session (with the old role) is gone; the next login has the new role.
  EXPECT_FALSE(auth_.CheckSession(bob->token).ok());
  Advance(30'000);
  auto again = LoginNow("bob", bob_secret);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->identity.role, StaffRole::kClinician);
}

TEST_F(StaffAuthTest, ADisabledAccountCannotLogInUntilGivenARoleAgain) {
  std::string admin_secret = Create("root", StaffRole::kAdmin);
  std::string bob_secret = Create("bob", StaffRole::kSupporter);
  auto admin = LoginNow("root", admin_secret);
  auto bob = LoginNow("bob", bob_secret);
  ASSERT_TRUE(admin.ok() && bob.ok());
  EXPECT_EQ(auth_.Disable(bob->token, "root").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(auth_.Disable(admin->token, "root").code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(auth_.Disable(admin->token, "bob").ok());
  EXPECT_EQ(Audit().back().action, "account.disable");
  EXPECT_EQ(Audit().back().detail, "supporter -> none");
  EXPECT_FALSE(auth_.CheckSession(bob->token).ok());
  Advance(30'000);
  ExpectInvalidCredentials(LoginNow("bob", bob_secret));
  EXPECT_EQ(Stored("bob").failed_attempts, 0);

  ASSERT_TRUE(auth_.SetRoleAsOperator("bob", StaffRole::kSupporter).ok());
  EXPECT_EQ(Audit().back().actor, "system");
  Advance(30'000);
  EXPECT_TRUE(LoginNow("bob", bob_secret).ok());
  ASSERT_TRUE(auth_.DisableAsOperator("bob").ok());
  EXPECT_EQ(auth_.DisableAsOperator("nobody").code(), StatusCode::kNotFound);
}

TEST_F(StaffAuthTest, LoginsAreAuditedWithoutPasswordsCodesOrUsernames) {
  std::string secret = Create("alice", StaffRole::kSupporter);
  std::string code = Code(secret);
  (void)auth_.Login("alice", "secret-password-canary", code, "a");
  (void)auth_.Login("mallory-canary", "another-password-canary", code, "a");
  auto ok = auth_.Login("alice", kPassword, code, "a");
  ASSERT_TRUE(ok.ok());
  auto records = Audit();
  ASSERT_EQ(records.size(), 4u);  // create, two failures, one success
  EXPECT_EQ(records[0].action, "account.create");
  EXPECT_EQ(records[0].detail, "supporter");
  EXPECT_EQ(records[1].action, "login");
  EXPECT_EQ(records[1].outcome, "denied");
  EXPECT_EQ(records[1].subject, ok->identity.account_id);
  EXPECT_EQ(records[1].detail, "bad_password");
  EXPECT_EQ(records[2].subject, "");
  EXPECT_EQ(records[2].detail, "unknown_user");
  EXPECT_EQ(records[3].outcome, "ok");
  EXPECT_EQ(records[3].actor, ok->identity.account_id);
  for (const auto& r : records) {
    std::string all = r.actor + r.subject + r.action + r.outcome + r.detail;
    EXPECT_EQ(all.find("canary"), std::string::npos);
    EXPECT_EQ(all.find(code), std::string::npos);
    EXPECT_EQ(all.find(kPassword), std::string::npos);
    EXPECT_EQ(all.find("alice"), std::string::npos);
  }
  auto verdict = storage::VerifyAudit(store_, std::nullopt);
  ASSERT_TRUE(verdict.ok());
  EXPECT_TRUE(verdict->intact);
}

TEST_F(StaffAuthTest, ListUsersShowsStaffOnlyWithoutSecrets) {
  Create("bob", StaffRole::kSupporter);
  Create("alice", StaffRole::kAdmin);
  ASSERT_TRUE(store_
                  .Transact([](storage::Txn& t) {
                    storage::Account seeker;
                    seeker.id = "s1";
                    return t.CreateAccount(seeker);
                  })
                  .ok());
  auto users = auth_.ListUsers();
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].username, "alice");
  EXPECT_EQ((*users)[0].role, StaffRole::kAdmin);
  EXPECT_EQ((*users)[1].username, "bob");
  EXPECT_FALSE((*users)[1].locked);
}

TEST(StaffAuthHashTest, DefaultsAreModerateAndAboveOwaspsFloor) {
  StaffAuthOptions defaults;
  EXPECT_EQ(defaults.pwhash_opslimit, crypto_pwhash_OPSLIMIT_MODERATE);
  EXPECT_EQ(defaults.pwhash_memlimit, crypto_pwhash_MEMLIMIT_MODERATE);
  EXPECT_GE(defaults.pwhash_opslimit, kOwaspMinOpslimit);
  EXPECT_GE(defaults.pwhash_memlimit, kOwaspMinMemlimit);
  EXPECT_FALSE(defaults.insecure_fast_hash_for_tests);
}

TEST(StaffAuthHashTest, LimitsBelowTheFloorAreRefusedUnlessForTests) {
  storage::MemoryStore store;
  StaffAuthOptions weak;
  weak.pwhash_opslimit = 1;
  weak.pwhash_memlimit = 8u << 20;
  StaffAuth auth(store, weak);
  auto user = auth.CreateUser("alice", StaffRole::kAdmin, kPassword);
  ASSERT_FALSE(user.ok());
  EXPECT_EQ(user.status().code(), StatusCode::kInternal);
}

TEST(StaffAuthHashTest, AWeakerHashIsReplacedAtTheNextLogin) {
  storage::MemoryStore store;
  UnixMillis now = kStart;
  StaffAuthOptions cheap;
  cheap.insecure_fast_hash_for_tests = true;
  StaffAuth old_auth(store, cheap, [&] { return now; });
  auto user = old_auth.CreateUser("alice", StaffRole::kAdmin, kPassword);
  ASSERT_TRUE(user.ok());
  auto secret = Base32Decode(user->totp_secret_base32);
  ASSERT_TRUE(secret.ok());

  StaffAuthOptions floor;  // OWASP's floor: real, but cheap enough for a test
  floor.pwhash_opslimit = kOwaspMinOpslimit;
  floor.pwhash_memlimit = kOwaspMinMemlimit;
  StaffAuth auth(store, floor, [&] { return now; });
  ASSERT_TRUE(auth.Login("alice", kPassword, TotpCode(*secret, now / 1000), "a").ok());
  std::string hash;
  ASSERT_TRUE(store
                  .Transact([&](storage::Txn& t) -> Status {
                    auto a = t.FindStaffByUsername("alice");
                    if (!a.ok()) return a.status();
                    hash = a->password_hash;
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_NE(hash.find("m=19456,t=2"), std::string::npos) << hash;
  // And the new hash still opens with the same password.
  now += 30'000;
  EXPECT_TRUE(auth.Login("alice", kPassword, TotpCode(*secret, now / 1000), "a").ok());
}

}  // namespace
}  // namespace haven::chat
