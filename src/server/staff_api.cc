#include "server/staff_api.h"

#include <nlohmann/json.hpp>

namespace haven::server {
namespace {

constexpr size_t kMaxFieldBytes = 256;

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

}  // namespace

std::optional<StaffLoginRequest> DecodeStaffLogin(std::string_view body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || j.size() != 3) return std::nullopt;
  StaffLoginRequest r;
  for (auto [name, out] : {std::pair{"username", &r.username}, std::pair{"password", &r.password},
                           std::pair{"totp", &r.totp}}) {
    auto it = j.find(name);
    if (it == j.end() || !it->is_string()) return std::nullopt;
    *out = it->get<std::string>();
    if (out->size() > kMaxFieldBytes) return std::nullopt;
  }
  return r;
}

std::optional<std::string> BearerToken(std::string_view authorization) {
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() != kScheme.size() + 64 || !authorization.starts_with(kScheme)) {
    return std::nullopt;
  }
  std::string_view token = authorization.substr(kScheme.size());
  for (char c : token) {
    if (!IsLowerHex(c)) return std::nullopt;
  }
  return std::string(token);
}

std::string EncodeStaffLogin(const chat::StaffLogin& login) {
  nlohmann::json j = {{"token", login.token},
                      {"username", login.identity.username},
                      {"role", std::string(storage::StaffRoleName(login.identity.role))},
                      {"expires_at", login.expires_at}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string EncodeStaffIdentity(const chat::StaffIdentity& identity) {
  nlohmann::json j = {{"username", identity.username},
                      {"role", std::string(storage::StaffRoleName(identity.role))},
                      {"account", identity.account_id}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string EncodeApiError(std::string_view code) {
  return nlohmann::json{{"error", std::string(code)}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace haven::server
