#include "chat/staff_auth.h"

#include <algorithm>
#include <cstdlib>

#include "chat/tokens.h"
#include "chat/totp.h"
#include "storage/audit.h"

namespace haven::chat {
namespace {

using storage::Account;
using storage::AccountKind;
using storage::StaffRole;
using storage::Txn;
using storage::UnixMillis;

constexpr char kInvalidCredentials[] = "invalid credentials";
constexpr char kSessionGone[] = "session not found or expired";
constexpr char kNoSuchUser[] = "no such user";
constexpr char kPermissionDenied[] = "permission denied";
// Who acted when a login fails: nobody proved who they are.
constexpr char kAnonymousActor[] = "anonymous";

// Actions of staff accounts in the audit log (storage/audit.h has the shared ones).
constexpr char kActionAccountCreate[] = "account.create";
constexpr char kActionAccountDisable[] = "account.disable";
constexpr char kActionLogout[] = "logout";

UnixMillis SystemNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool IsValidUsername(std::string_view u) {
  if (u.size() < 3 || u.size() > 64) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(u[0])) return false;
  return std::all_of(u.begin(), u.end(),
                     [&](char c) { return alnum(c) || c == '.' || c == '_' || c == '-'; });
}

size_t CodePoints(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

storage::AuditEvent Event(UnixMillis now, std::string_view actor, std::string_view subject,
                          std::string_view action, std::string_view outcome,
                          std::string_view detail) {
  storage::AuditEvent e;
  e.time = now;
  e.actor = std::string(actor);
  e.subject = std::string(subject);
  e.action = std::string(action);
  e.outcome = std::string(outcome);
  e.detail = std::string(detail);
  return e;
}

bool SessionLive(const storage::Session& s, UnixMillis now, std::chrono::milliseconds idle) {
  return !s.revoked && now < s.expires_at && now - s.last_seen <= idle.count();
}

}  // namespace

std::optional<StaffRole> ParseStaffRole(std::string_view name) {
  if (name == "supporter") return StaffRole::kSupporter;
  if (name == "clinician") return StaffRole::kClinician;
  if (name == "admin") return StaffRole::kAdmin;
  return std::nullopt;
}

StaffAuth::StaffAuth(storage::Store& store, StaffAuthOptions options, Clock clock)
    : store_(store), options_(std::move(options)), clock_(std::move(clock)) {
  if (!clock_) clock_ = SystemNow;
  if (sodium_init() < 0) std::abort();  // libsodium cannot work: nothing here can be secure
  if (options_.insecure_fast_hash_for_tests) {
    options_.pwhash_opslimit = crypto_pwhash_OPSLIMIT_MIN;
    options_.pwhash_memlimit = crypto_pwhash_MEMLIMIT_MIN;
  }
  if (options_.max_concurrent_hashes < 1) options_.max_concurrent_hashes = 1;
  if (options_.lockout_threshold < 1) options_.lockout_threshold = 1;
  if (options_.address_threshold < 1) options_.address_threshold = 1;
}

Status StaffAuth::CheckHashLimits() const {
  if (options_.insecure_fast_hash_for_tests) return Status::Ok();
  if (options_.pwhash_opslimit < kOwaspMinOpslimit ||
      options_.pwhash_memlimit < kOwaspMinMemlimit) {
    return Internal("password hash limits are below OWASP's floor (19 MiB, 2 passes)");
  }
  return Status::Ok();
}

namespace {

// A counting semaphore around libsodium's Argon2id: each hash holds up to pwhash_memlimit.
class HashSlot {
 public:
  HashSlot(std::mutex& mu, std::condition_variable& cv, int& running, int max)
      : mu_(mu), cv_(cv), running_(running) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return running_ < max; });
    ++running_;
  }
  ~HashSlot() {
    {
      std::lock_guard lock(mu_);
      --running_;
    }
    cv_.notify_one();
  }
  HashSlot(const HashSlot&) = delete;
  HashSlot& operator=(const HashSlot&) = delete;

 private:
  std::mutex& mu_;
  std::condition_variable& cv_;
  int& running_;
};

}  // namespace

StatusOr<std::string> StaffAuth::HashPassword(std::string_view password) {
  if (Status s = CheckHashLimits(); !s.ok()) return s;
  HashSlot slot(hash_mu_, hash_cv_, hashes_running_, options_.max_concurrent_hashes);
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), options_.pwhash_opslimit,
                            options_.pwhash_memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Internal("password: crypto_pwhash_str failed (out of memory)");
  }
  return std::string(out);
}

bool StaffAuth::VerifyPassword(const std::string& hash, std::string_view password) {
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  HashSlot slot(hash_mu_, hash_cv_, hashes_running_, options_.max_concurrent_hashes);
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool StaffAuth::NeedsRehash(const std::string& hash) const {
  return crypto_pwhash_str_needs_rehash(hash.c_str(), options_.pwhash_opslimit,
                                        options_.pwhash_memlimit) != 0;
}

const std::string& StaffAuth::DummyHash() {
  std::call_once(dummy_once_, [this] {
    std::string random(32, '\0');
    randombytes_buf(random.data(), random.size());
    auto hash = HashPassword(random);
    if (hash.ok()) dummy_hash_ = *hash;
  });
  return dummy_hash_;
}

UnixMillis StaffAuth::LockoutFor(int failures) const {
  int rounds = failures / options_.lockout_threshold;  // 1 for the first lock
  int64_t period = options_.lockout_base.count();
  for (int i = 1; i < rounds && period < options_.lockout_max.count(); ++i) period *= 2;
  return std::min<int64_t>(period, options_.lockout_max.count());
}

bool StaffAuth::AddressThrottled(std::string_view address, UnixMillis now) {
  std::lock_guard lock(address_mu_);
  auto it = addresses_.find(address);
  return it != addresses_.end() && it->second.locked_until > now;
}

void StaffAuth::AddressFailed(std::string_view address, UnixMillis now) {
  std::lock_guard lock(address_mu_);
  auto it = addresses_.find(address);
  if (it == addresses_.end()) {
    if (addresses_.size() >= options_.max_tracked_addresses) {
      // Forget every address that is not throttled now; if all are, track no new one (each
      // account's own lockout still holds).
      std::erase_if(addresses_, [&](const auto& kv) { return kv.second.locked_until <= now; });
      if (addresses_.size() >= options_.max_tracked_addresses) return;
    }
    it = addresses_.emplace(std::string(address), AddressState{}).first;
  }
  AddressState& st = it->second;
  ++st.failures;
  if (st.failures % options_.address_threshold == 0) {
    int rounds = st.failures / options_.address_threshold;
    int64_t period = options_.lockout_base.count();
    for (int i = 1; i < rounds && period < options_.lockout_max.count(); ++i) period *= 2;
    st.locked_until = now + std::min<int64_t>(period, options_.lockout_max.count());
  }
}

void StaffAuth::AddressSucceeded(std::string_view address) {
  std::lock_guard lock(address_mu_);
  auto it = addresses_.find(address);
  if (it != addresses_.end()) addresses_.erase(it);
}

Status StaffAuth::CheckPasswordPolicy(std::string_view username, std::string_view password) const {
  if (password.size() > options_.max_password_bytes) {
    return InvalidArgument("password: longer than " + std::to_string(options_.max_password_bytes) +
                           " bytes");
  }
  if (!IsValidUtf8(password)) return InvalidArgument("password: not valid UTF-8");
  if (CodePoints(password) < options_.min_password_chars) {
    return InvalidArgument("password: shorter than " + std::to_string(options_.min_password_chars) +
                           " characters");
  }
  if (!username.empty() && AsciiLower(password).find(AsciiLower(username)) != std::string::npos) {
    return InvalidArgument("password: contains the username");
  }
  return Status::Ok();
}

StatusOr<NewStaffUser> StaffAuth::CreateUser(std::string_view username, StaffRole role,
                                             std::string_view password, std::string_view actor) {
  if (!IsValidUsername(username)) {
    return InvalidArgument("username: 3 to 64 of a-z 0-9 . _ -, starting with a letter or digit");
  }
  if (role == StaffRole::kNone) return InvalidArgument("role: supporter, clinician or admin");
  if (Status s = CheckPasswordPolicy(username, password); !s.ok()) return s;
  if (Status s = CheckHashLimits(); !s.ok()) return s;
  // Refuse a taken name before paying for the hash (CreateAccount would refuse it too).
  Status taken = store_.Transact([&](Txn& txn) -> Status {
    auto existing = txn.FindStaffByUsername(username);
    if (existing.ok()) return FailedPrecondition("username taken");
    if (existing.status().code() == StatusCode::kNotFound) return Status::Ok();
    return existing.status();
  });
  if (!taken.ok()) return taken;
  auto hash = HashPassword(password);
  if (!hash.ok()) return hash.status();

  Account account;
  account.id = storage::NewRecordId();
  account.kind = AccountKind::kStaff;
  account.created_at = Now();
  account.username = std::string(username);
  account.role = role;
  account.password_hash = *hash;
  account.totp_secret = NewTotpSecret();
  Status s = store_.Transact([&](Txn& txn) -> Status {
    if (Status c = txn.CreateAccount(account); !c.ok()) {
      return c.code() == StatusCode::kFailedPrecondition ? FailedPrecondition("username taken") : c;
    }
    return storage::AppendAudit(txn,
                                Event(account.created_at, actor, account.id, kActionAccountCreate,
                                      storage::audit_outcome::kOk, storage::StaffRoleName(role)))
        .status();
  });
  NewStaffUser out;
  if (s.ok()) {
    out.account_id = account.id;
    out.totp_secret_base32 = Base32Encode(account.totp_secret, /*pad=*/false);
    out.otpauth_uri = TotpProvisioningUri(options_.issuer, username, account.totp_secret);
  }
  sodium_memzero(account.totp_secret.data(), account.totp_secret.size());
  if (!s.ok()) return s;
  return out;
}

StatusOr<StaffLogin> StaffAuth::Login(std::string_view username, std::string_view password,
                                      std::string_view totp_code, std::string_view address) {
  const UnixMillis now = Now();
  auto deny = [&](std::string_view subject, std::string_view reason) -> Status {
    Status s = store_.Transact([&](Txn& txn) {
      return storage::AppendAudit(
                 txn, Event(now, kAnonymousActor, subject, storage::audit_action::kLogin,
                            storage::audit_outcome::kDenied, reason))
          .status();
    });
    if (!s.ok()) return s;
    return NotFound(kInvalidCredentials);
  };

  if (AddressThrottled(address, now)) return deny("", "address_throttled");
  const bool well_formed = IsValidUsername(username) && !password.empty() &&
                           password.size() <= options_.max_password_bytes && totp_code.size() <= 16;

  // Phase 1, outside any unit of work (Argon2id takes long; the store would wait): read the
  // account, check the password and the code.
  std::optional<Account> account;
  if (well_formed) {
    Status read = store_.Transact([&](Txn& txn) -> Status {
      auto a = txn.FindStaffByUsername(username);
      if (a.ok()) {
        account = std::move(a).value();
        return Status::Ok();
      }
      return a.status().code() == StatusCode::kNotFound ? Status::Ok() : a.status();
    });
    if (!read.ok()) return read;
  }
  if (!account) {
    (void)VerifyPassword(DummyHash(), password);  // the same cost as for a real account
    AddressFailed(address, now);
    return deny("", well_formed ? "unknown_user" : "malformed");
  }

  const bool password_ok = VerifyPassword(account->password_hash, password);
  std::optional<int64_t> step;
  if (password_ok)
    step = VerifyTotp(account->totp_secret, totp_code, now / 1000, account->totp_last_step);
  std::optional<std::string> rehashed;
  if (password_ok && step && NeedsRehash(account->password_hash)) {
    auto h = HashPassword(password);
    if (h.ok()) rehashed = *h;
  }

  // Phase 2, one unit of work on the account as it is now: count the failure or open the
  // session, with the audit entry.
  StaffLogin login;
  std::string reason;
  Status s = store_.Transact([&](Txn& txn) -> Status {
    auto fresh = txn.GetAccount(account->id);
    if (!fresh.ok()) {
      if (fresh.status().code() != StatusCode::kNotFound) return fresh.status();
      reason = "unknown_user";
      return storage::AppendAudit(txn,
                                  Event(now, kAnonymousActor, "", storage::audit_action::kLogin,
                                        storage::audit_outcome::kDenied, reason))
          .status();
    }
    Account& a = *fresh;
    if (a.kind != AccountKind::kStaff || a.role == StaffRole::kNone) {
      reason = "disabled";
    } else if (a.locked_until > now) {
      reason = "locked";
    } else if (!password_ok || a.password_hash != account->password_hash) {
      reason = "bad_password";
    } else if (!step || *step <= a.totp_last_step) {
      reason = "bad_code";  // wrong, or a step already used (a replay)
    }
    if (!reason.empty()) {
      // Failures while locked or disabled do not count: they would only lengthen the lock.
      if (reason == "bad_password" || reason == "bad_code") {
        ++a.failed_attempts;
        if (a.failed_attempts % options_.lockout_threshold == 0) {
          a.locked_until = now + LockoutFor(a.failed_attempts);
          reason += ",locked";
        }
        if (Status u = txn.UpdateAccount(a); !u.ok()) return u;
      }
      return storage::AppendAudit(txn,
                                  Event(now, kAnonymousActor, a.id, storage::audit_action::kLogin,
                                        storage::audit_outcome::kDenied, reason))
          .status();
    }
    a.failed_attempts = 0;
    a.locked_until = 0;
    a.totp_last_step = *step;
    if (rehashed) a.password_hash = *rehashed;
    if (Status u = txn.UpdateAccount(a); !u.ok()) return u;
    login.token = NewSessionToken();
    storage::Session row;
    row.token_hash = HashSessionToken(login.token);
    row.account_id = a.id;
    row.created_at = now;
    row.last_seen = now;
    row.expires_at = now + options_.session_lifetime.count();
    if (Status c = txn.CreateSession(row); !c.ok()) return c;
    login.identity = {a.id, a.username, a.role};
    login.expires_at = row.expires_at;
    return storage::AppendAudit(txn, Event(now, a.id, a.id, storage::audit_action::kLogin,
                                           storage::audit_outcome::kOk, ""))
        .status();
  });
  if (!s.ok()) return s;
  if (!reason.empty()) {
    AddressFailed(address, now);
    return NotFound(kInvalidCredentials);
  }
  AddressSucceeded(address);
  return login;
}

Status StaffAuth::Logout(std::string_view token) {
  if (token.empty() || token.size() > 256) return Status::Ok();
  std::string hash = HashSessionToken(token);
  const UnixMillis now = Now();
  return store_.Transact([&](Txn& txn) -> Status {
    auto row = txn.GetSession(hash);
    if (!row.ok()) {
      return row.status().code() == StatusCode::kNotFound ? Status::Ok() : row.status();
    }
    if (row->revoked) return Status::Ok();
    if (Status r = txn.RevokeSession(hash); !r.ok()) return r;
    return storage::AppendAudit(txn, Event(now, row->account_id, row->account_id, kActionLogout,
                                           storage::audit_outcome::kOk, ""))
        .status();
  });
}

StatusOr<StaffIdentity> StaffAuth::CheckSession(std::string_view token) {
  if (token.empty() || token.size() > 256) return NotFound(kSessionGone);
  std::string hash = HashSessionToken(token);
  const UnixMillis now = Now();
  StaffIdentity id;
  Status s = store_.Transact([&](Txn& txn) -> Status {
    auto row = txn.GetSession(hash);
    if (!row.ok()) {
      return row.status().code() == StatusCode::kNotFound ? NotFound(kSessionGone) : row.status();
    }
    if (!SessionLive(*row, now, options_.session_idle)) return NotFound(kSessionGone);
    auto a = txn.GetAccount(row->account_id);
    if (!a.ok()) {
      return a.status().code() == StatusCode::kNotFound ? NotFound(kSessionGone) : a.status();
    }
    if (a->kind != AccountKind::kStaff || a->role == StaffRole::kNone) {
      return NotFound(kSessionGone);
    }
    id = {a->id, a->username, a->role};
    return txn.TouchSession(hash, now);
  });
  if (!s.ok()) return s;
  return id;
}

Status StaffAuth::SetRole(std::string_view actor, std::string_view username, StaffRole role,
                          bool disable) {
  const UnixMillis now = Now();
  return store_.Transact([&](Txn& txn) -> Status {
    auto a = txn.FindStaffByUsername(username);
    if (!a.ok()) {
      return a.status().code() == StatusCode::kNotFound ? NotFound(kNoSuchUser) : a.status();
    }
    StaffRole old_role = a->role;
    a->role = disable ? StaffRole::kNone : role;
    if (Status u = txn.UpdateAccount(*a); !u.ok()) return u;
    auto revoked = txn.RevokeAccountSessions(a->id);
    if (!revoked.ok()) return revoked.status();
    std::string detail = std::string(storage::StaffRoleName(old_role)) + " -> " +
                         std::string(storage::StaffRoleName(a->role));
    return storage::AppendAudit(
               txn, Event(now, actor, a->id,
                          disable ? kActionAccountDisable : storage::audit_action::kRoleChange,
                          storage::audit_outcome::kOk, detail))
        .status();
  });
}

Status StaffAuth::ChangeRole(std::string_view admin_token, std::string_view username,
                             StaffRole role) {
  if (role == StaffRole::kNone) return InvalidArgument("role: supporter, clinician or admin");
  auto who = CheckSession(admin_token);
  if (!who.ok()) return who.status();
  const UnixMillis now = Now();
  if (who->role != StaffRole::kAdmin) {
    Status s = store_.Transact([&](Txn& txn) {
      return storage::AppendAudit(
                 txn, Event(now, who->account_id, "", storage::audit_action::kAccessDenied,
                            storage::audit_outcome::kDenied, "role.change"))
          .status();
    });
    if (!s.ok()) return s;
    return FailedPrecondition(kPermissionDenied);
  }
  if (who->username == username) {
    return FailedPrecondition("an admin cannot change their own role");
  }
  return SetRole(who->account_id, username, role, /*disable=*/false);
}

Status StaffAuth::Disable(std::string_view admin_token, std::string_view username) {
  auto who = CheckSession(admin_token);
  if (!who.ok()) return who.status();
  const UnixMillis now = Now();
  if (who->role != StaffRole::kAdmin) {
    Status s = store_.Transact([&](Txn& txn) {
      return storage::AppendAudit(
                 txn, Event(now, who->account_id, "", storage::audit_action::kAccessDenied,
                            storage::audit_outcome::kDenied, "account.disable"))
          .status();
    });
    if (!s.ok()) return s;
    return FailedPrecondition(kPermissionDenied);
  }
  if (who->username == username) {
    return FailedPrecondition("an admin cannot disable their own account");
  }
  return SetRole(who->account_id, username, StaffRole::kNone, /*disable=*/true);
}

Status StaffAuth::SetRoleAsOperator(std::string_view username, StaffRole role) {
  if (role == StaffRole::kNone) return InvalidArgument("role: supporter, clinician or admin");
  return SetRole(kSystemActor, username, role, /*disable=*/false);
}

Status StaffAuth::DisableAsOperator(std::string_view username) {
  return SetRole(kSystemActor, username, StaffRole::kNone, /*disable=*/true);
}

StatusOr<std::vector<StaffSummary>> StaffAuth::ListUsers() {
  const UnixMillis now = Now();
  std::vector<StaffSummary> out;
  Status s = store_.Transact([&](Txn& txn) -> Status {
    auto ids = txn.ListAccountIds();
    if (!ids.ok()) return ids.status();
    for (const std::string& id : *ids) {
      auto a = txn.GetAccount(id);
      if (!a.ok()) return a.status();
      if (a->kind != AccountKind::kStaff) continue;
      out.push_back(
          {a->id, a->username, a->role, a->locked_until > now, a->failed_attempts, a->created_at});
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  std::sort(out.begin(), out.end(),
            [](const StaffSummary& x, const StaffSummary& y) { return x.username < y.username; });
  return out;
}

}  // namespace haven::chat
