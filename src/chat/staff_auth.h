// StaffAuth: the accounts of supporters, clinicians and admins, with no network in it (the
// server and `haven admin` turn bytes into these calls).
//
// Passwords: Argon2id (libsodium crypto_pwhash_str) with libsodium's MODERATE limits by default
// (3 passes over 256 MiB), above OWASP's floor for Argon2id (19 MiB, 2 passes, 1 lane). At most
// `max_concurrent_hashes` hashes run at once, so that a burst of logins cannot exhaust memory.
// A hash made with weaker limits is replaced at the next successful login. The policy: at least
// 12 characters, at most 128 bytes of valid UTF-8, not containing the username.
//
// Second factor: TOTP (chat/totp.h), a 160-bit secret made at creation and shown once (it is
// stored sealed, as a personal field), checked with one step of drift either side; a step once
// accepted is never accepted again (Account::totp_last_step).
//
// Login failures of every kind (unknown user, wrong password, wrong code, locked or disabled
// account, throttled address, malformed input) return the same NotFound "invalid credentials",
// and an unknown user costs the same password hash, so that nobody learns which usernames exist.
// Each failure is counted against the account (persisted) and the caller's address (in memory):
// every `lockout_threshold`-th consecutive failure of an account locks it, for `lockout_base`
// the first time, twice as long each time after, at most `lockout_max`; a success resets the
// count. An address is throttled the same way after `address_threshold` failures over any
// accounts. Logins are audited ("login", ok or denied, with a reason code in the detail; never a
// password, code or the username typed).
//
// Sessions: a token of 256 random bits stored only as its SHA-256 (chat/tokens.h), ending after
// `session_idle` without use (30 minutes), at `session_lifetime` after login (12 hours: the
// re-authentication bound of ASVS 3.3.2 at level 2 and NIST SP 800-63B AAL2), at logout, when
// the account is disabled or its role changes.
//
// Errors: InvalidArgument for a username, role or password that breaks the rules (the message
// names the rule, never the password); FailedPrecondition for a taken username, for an action
// the caller's role does not allow ("permission denied", audited as access.denied) and for an
// admin changing or disabling their own account; NotFound "invalid credentials" for a failed
// login, "session not found or expired" for a bad token and "no such user" for admin actions on
// an unknown user; Internal when storage or libsodium fails.
//
// Thread-safe. The store must outlive the service. Nothing here logs.
#pragma once

#include <sodium.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "storage/records.h"
#include "storage/store.h"

namespace haven::chat {

struct StaffAuthOptions {
  std::string issuer = "Haven";  // shown in authenticator apps
  // Argon2id limits for new password hashes. Defaults: crypto_pwhash_OPSLIMIT_MODERATE and
  // MEMLIMIT_MODERATE. Limits below OWASP's floor are refused (CreateUser fails with Internal)
  // unless insecure_fast_hash_for_tests is set, which only tests may do.
  unsigned long long pwhash_opslimit = crypto_pwhash_OPSLIMIT_MODERATE;  // 3 passes
  size_t pwhash_memlimit = crypto_pwhash_MEMLIMIT_MODERATE;              // 256 MiB
  bool insecure_fast_hash_for_tests = false;  // libsodium's minimum limits instead
  int max_concurrent_hashes = 2;
  size_t min_password_chars = 12;  // code points
  size_t max_password_bytes = 128;
  int lockout_threshold = 5;
  std::chrono::milliseconds lockout_base = std::chrono::minutes(15);
  std::chrono::milliseconds lockout_max = std::chrono::hours(24);
  int address_threshold = 20;
  size_t max_tracked_addresses = 10000;
  std::chrono::milliseconds session_idle = std::chrono::minutes(30);
  std::chrono::milliseconds session_lifetime = std::chrono::hours(12);
};

// OWASP's minimum for Argon2id (Password Storage Cheat Sheet): 19 MiB, 2 iterations.
inline constexpr size_t kOwaspMinMemlimit = 19u * 1024 * 1024;
inline constexpr unsigned long long kOwaspMinOpslimit = 2;

// Parses "supporter", "clinician", "admin" (nullopt otherwise; "none" is not a role to grant).
std::optional<storage::StaffRole> ParseStaffRole(std::string_view name);

// What CreateUser returns, once: the secret is never shown again.
struct NewStaffUser {
  std::string account_id;
  std::string totp_secret_base32;  // for typing into an authenticator app
  std::string otpauth_uri;         // for a QR code
};

// Who a valid staff session belongs to.
struct StaffIdentity {
  std::string account_id;
  std::string username;
  storage::StaffRole role = storage::StaffRole::kNone;
};

struct StaffLogin {
  std::string token;  // give it to the client; only its hash is stored
  StaffIdentity identity;
  storage::UnixMillis expires_at = 0;  // the absolute end (idle expiry may come first)
};

// One line of `haven admin list-users`: no secret, no hash.
struct StaffSummary {
  std::string account_id;
  std::string username;
  storage::StaffRole role = storage::StaffRole::kNone;  // kNone: disabled
  bool locked = false;
  int failed_attempts = 0;
  storage::UnixMillis created_at = 0;
};

class StaffAuth {
 public:
  using Clock = std::function<storage::UnixMillis()>;
  // The actor recorded for actions taken from the operator's shell (`haven admin`).
  static constexpr char kSystemActor[] = "system";

  // `clock` gives UTC milliseconds (default: the system clock).
  explicit StaffAuth(storage::Store& store, StaffAuthOptions options = {}, Clock clock = {});

  // A new staff account. Usernames: 3..64 of [a-z0-9._-], starting with a letter or digit.
  // `actor` is recorded in the audit log (an admin's account id, or kSystemActor).
  StatusOr<NewStaffUser> CreateUser(std::string_view username, storage::StaffRole role,
                                    std::string_view password,
                                    std::string_view actor = kSystemActor);

  // A session for the account, given its password and current TOTP code. `address` is the
  // caller's network address (any string; only counted in memory, never stored).
  StatusOr<StaffLogin> Login(std::string_view username, std::string_view password,
                             std::string_view totp_code, std::string_view address);
  // Revokes the session. OK when it is unknown or already revoked.
  Status Logout(std::string_view token);
  // The identity of a live staff session, touched (its idle timer restarts). NotFound "session
  // not found or expired" for an unknown, expired or revoked token, a seeker's token, or a
  // disabled account.
  StatusOr<StaffIdentity> CheckSession(std::string_view token);

  // Sets the role of `username`; the caller must hold an admin session. Revokes the target's
  // sessions (the new role applies at its next login). An admin cannot change their own role.
  Status ChangeRole(std::string_view admin_token, std::string_view username,
                    storage::StaffRole role);
  // Disables `username`: no role, every session revoked; ChangeRole enables it again.
  Status Disable(std::string_view admin_token, std::string_view username);
  // The same two for the operator's shell (actor kSystemActor): whoever holds the data
  // directory and key file is trusted already.
  Status SetRoleAsOperator(std::string_view username, storage::StaffRole role);
  Status DisableAsOperator(std::string_view username);

  // Every staff account, by username.
  StatusOr<std::vector<StaffSummary>> ListUsers();

  // The password rules (CreateUser applies them): OK or InvalidArgument naming the rule.
  Status CheckPasswordPolicy(std::string_view username, std::string_view password) const;

  const StaffAuthOptions& options() const { return options_; }

 private:
  storage::UnixMillis Now() const { return clock_(); }
  Status CheckHashLimits() const;
  StatusOr<std::string> HashPassword(std::string_view password);
  bool VerifyPassword(const std::string& hash, std::string_view password);
  bool NeedsRehash(const std::string& hash) const;
  const std::string& DummyHash();
  storage::UnixMillis LockoutFor(int failures) const;
  bool AddressThrottled(std::string_view address, storage::UnixMillis now);
  void AddressFailed(std::string_view address, storage::UnixMillis now);
  void AddressSucceeded(std::string_view address);
  Status SetRole(std::string_view actor, std::string_view username, storage::StaffRole role,
                 bool disable);

  storage::Store& store_;
  StaffAuthOptions options_;
  Clock clock_;

  std::mutex hash_mu_;
  std::condition_variable hash_cv_;
  int hashes_running_ = 0;
  std::once_flag dummy_once_;
  std::string dummy_hash_;

  struct AddressState {
    int failures = 0;
    storage::UnixMillis locked_until = 0;
  };
  std::mutex address_mu_;
  std::map<std::string, AddressState, std::less<>> addresses_;
};

}  // namespace haven::chat
