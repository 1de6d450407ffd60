// The staff sign-in API over HTTPS (docs/protocol.md, "Staff sign-in"): decoding its request
// bodies and headers and encoding its answers. Pure functions, no I/O; every byte is untrusted
// and every failure is a value, never an exception.
//
//   POST /api/staff/login   {"username", "password", "totp"}  -> 200 {"token", "username",
//                           "role", "expires_at"} | 401 {"error": "invalid_credentials"}
//   POST /api/staff/logout  Authorization: Bearer TOKEN        -> 204
//   GET  /api/staff/me      Authorization: Bearer TOKEN        -> 200 {"username", "role",
//                           "account"} | 401 {"error": "not_signed_in"}
// The token never travels in a URL; the console keeps it in memory.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "chat/staff_auth.h"

namespace haven::server {

struct StaffLoginRequest {
  std::string username;
  std::string password;
  std::string totp;
};

// The body of POST /api/staff/login: a JSON object with exactly "username", "password" and
// "totp", all strings (at most 256 bytes each). nullopt for anything else (malformed JSON,
// another type, a missing or unknown member).
std::optional<StaffLoginRequest> DecodeStaffLogin(std::string_view body);

// The token of an "Authorization: Bearer <64 hex digits>" header value; nullopt otherwise.
std::optional<std::string> BearerToken(std::string_view authorization);

std::string EncodeStaffLogin(const chat::StaffLogin& login);
std::string EncodeStaffIdentity(const chat::StaffIdentity& identity);
// {"error": code}
std::string EncodeApiError(std::string_view code);

}  // namespace haven::server
