// Secrets of the seeker's account: session tokens and recovery phrases. Neither is ever stored;
// only their hashes are.
//
// Thread-safe (libsodium's randombytes and hashes). Call sodium_init() first (ChatService does).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace haven::chat {

// A new session token: 256 random bits as 64 lowercase hex characters.
std::string NewSessionToken();
// The stored form of a token: SHA-256 of its text (32 bytes). Tokens carry 256 random bits, so
// a fast unsalted hash is enough: nobody can guess a preimage.
std::string HashSessionToken(std::string_view token);

// A new recovery phrase: 8 groups of 4 characters from a 31-letter alphabet without look-alike
// characters ("k7mq-..."), about 158 random bits in all.
std::string NewRecoveryPhrase();
// The stored form of a phrase: an encoded Argon2id hash (crypto_pwhash_str, interactive limits).
// Internal when libsodium cannot allocate the memory it needs.
StatusOr<std::string> HashRecoveryPhrase(std::string_view phrase);
// Whether `phrase` matches `hash` (false for a malformed hash).
bool VerifyRecoveryPhrase(std::string_view phrase, const std::string& hash);

// Whether `s` is well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool IsValidUtf8(std::string_view s);

// A client message id: 1..max bytes of [A-Za-z0-9_.:-].
bool IsValidClientId(std::string_view id, size_t max);
// True when `text` is only spaces, tabs and line breaks (or empty).
bool IsBlank(std::string_view text);

}  // namespace haven::chat
