#include "storage/records.h"

#include <sodium.h>

#include "storage/crypto/secret.h"

namespace haven::storage {

std::string_view StaffRoleName(StaffRole role) {
  switch (role) {
    case StaffRole::kNone:
      return "none";
    case StaffRole::kSupporter:
      return "supporter";
    case StaffRole::kClinician:
      return "clinician";
    case StaffRole::kAdmin:
      return "admin";
  }
  return "none";
}

std::string NewRecordId() {
  crypto::EnsureSodium();
  unsigned char raw[16];
  randombytes_buf(raw, sizeof raw);
  char hex[sizeof raw * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  return std::string(hex, sizeof raw * 2);
}

}  // namespace haven::storage
