#include "chat/models.h"

#include <ctime>
#include <string>

#include "storage/audit.h"

namespace haven::chat {

std::string IsoTime(storage::UnixMillis t) {
  const std::time_t s = static_cast<std::time_t>(t / 1000);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Status ChangeActiveModel(storage::Store& store, learn::ModelRegistry& registry, ModelChange change,
                         std::string_view version, std::string_view admin_id,
                         std::string_view admin_name, storage::UnixMillis now) {
  return store.Transact([&](storage::Txn& txn) -> Status {
    storage::AuditEvent e;
    e.time = now;
    e.actor = std::string(admin_id);
    e.action = change == ModelChange::kApprove ? storage::audit_action::kModelApprove
                                               : storage::audit_action::kModelRollback;
    e.outcome = storage::audit_outcome::kOk;
    e.detail = "model " + std::string(version);
    auto a = storage::AppendAudit(txn, e);
    if (!a.ok()) return a.status();
    // Last: when the registry refuses, the audit entry is rolled back with the unit of work.
    const std::string when = IsoTime(now);
    return change == ModelChange::kApprove ? registry.Approve(version, admin_name, when)
                                           : registry.Rollback(version, admin_name, when);
  });
}

}  // namespace haven::chat
