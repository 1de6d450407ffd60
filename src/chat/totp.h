// TOTP, the staff's second factor: RFC 6238 time-based one-time passwords over RFC 4226 HOTP
// (HMAC-SHA1, 6 digits, 30-second steps, the parameters every authenticator app supports),
// Base32 secrets (RFC 4648) and the otpauth:// URI an app reads from a QR code.
//
// Verification accepts the code of the current step and of one step either side (clock drift,
// a code typed as the step turns), and only a step later than the last one accepted for that
// account, so a code that was seen (over a shoulder, in a log, in a replayed request) cannot be
// used again. The caller keeps that step (storage::Account::totp_last_step).
//
// Pure functions, thread-safe. Secrets are bytes; nothing here logs or keeps them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace haven::chat {

inline constexpr int kTotpDigits = 6;
inline constexpr int64_t kTotpStepSeconds = 30;
inline constexpr size_t kTotpSecretBytes = 20;  // 160 bits, RFC 4226's recommendation

// A new random TOTP secret (kTotpSecretBytes bytes from libsodium's randombytes).
std::string NewTotpSecret();

// RFC 4648 Base32 (alphabet A-Z2-7). Encode pads with '=' to a multiple of 8 when `pad`.
std::string Base32Encode(std::string_view bytes, bool pad = true);
// Decodes upper or lower case, ignoring spaces and trailing '=' padding. InvalidArgument for
// any other character or an impossible length; the message never quotes the input.
StatusOr<std::string> Base32Decode(std::string_view text);

// RFC 4226 HOTP: the `digits`-digit code (6..8) of `counter` under `key`, zero-padded.
std::string Hotp(std::string_view key, uint64_t counter, int digits = kTotpDigits);
// The time step of a Unix time in seconds (negative times give step 0).
int64_t TotpStep(int64_t unix_seconds, int64_t step_seconds = kTotpStepSeconds);
// RFC 6238 TOTP: the code at `unix_seconds`.
std::string TotpCode(std::string_view key, int64_t unix_seconds, int digits = kTotpDigits,
                     int64_t step_seconds = kTotpStepSeconds);

// Checks a 6-digit `code` at `unix_seconds` against the steps within `window` of the current
// one, each later than `last_step`. Returns the step that matched (store it as the new
// last_step), or nullopt: wrong, malformed (not exactly kTotpDigits ASCII digits), or already
// used. Compares in constant time.
std::optional<int64_t> VerifyTotp(std::string_view key, std::string_view code, int64_t unix_seconds,
                                  int64_t last_step, int window = 1);

// The provisioning URI authenticator apps read:
//   otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30
// with issuer and account percent-encoded (RFC 3986 unreserved characters kept).
std::string TotpProvisioningUri(std::string_view issuer, std::string_view account,
                                std::string_view key);

}  // namespace haven::chat
