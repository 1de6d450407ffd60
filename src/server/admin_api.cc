// The admin API's routes: role check (audited when refused), then the answer.
#include "server/admin_api.h"

#include <chrono>

#include "storage/audit.h"

namespace haven::server {

StatusOr<std::string> AdminRoutes::Get(std::string_view what, std::string_view query,
                                       const chat::StaffIdentity& who) {
  if (what != "insights" || insights_ == nullptr) return NotFound("not_found");
  if (who.role != storage::StaffRole::kAdmin) {
    Status st = store_.Transact([&](storage::Txn& txn) -> Status {
      storage::AuditEvent e;
      e.time = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
      e.actor = who.account_id;
      e.action = storage::audit_action::kAccessDenied;
      e.outcome = storage::audit_outcome::kDenied;
      e.detail = "admin " + std::string(what);
      auto a = storage::AppendAudit(txn, e);
      return a.ok() ? Status::Ok() : a.status();
    });
    if (!st.ok()) return st;
    return FailedPrecondition("forbidden");
  }
  return insights_->Latest(who.account_id, /*fresh=*/query == "fresh=1");
}

}  // namespace haven::server
