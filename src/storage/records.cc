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

bool IsValidTag(std::string_view tag) {
  if (tag.empty() || tag.size() > kMaxTagLength) return false;
  for (char ch : tag) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
    if (!ok) return false;
  }
  return true;
}

Status ValidateOversightFields(const Conversation& conversation) {
  if (conversation.queue_priority < 0 || conversation.queue_priority > kMaxQueuePriority) {
    return InvalidArgument("queue priority must be 0..5");
  }
  if (conversation.tags.size() > static_cast<size_t>(kMaxTags)) {
    return InvalidArgument("a conversation has at most 16 tags");
  }
  for (const std::string& tag : conversation.tags) {
    if (!IsValidTag(tag)) return InvalidArgument("a tag must be 1..32 characters of [a-z0-9_-]");
  }
  return Status::Ok();
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
