// The admin API's routes: role check (audited when refused), then the answer.
#include "server/admin_api.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "storage/audit.h"

namespace haven::server {
namespace {

storage::UnixMillis NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string EncodeAdminRefusal(std::string_view detail) {
  return nlohmann::json{{"error", "refused"}, {"detail", std::string(detail)}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Status AdminRoutes::AdminOnly(std::string_view what, const chat::StaffIdentity& who) {
  if (who.role == storage::StaffRole::kAdmin) return Status::Ok();
  Status st = store_.Transact([&](storage::Txn& txn) -> Status {
    storage::AuditEvent e;
    e.time = NowMillis();
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

StatusOr<std::string> AdminRoutes::Models() {
  auto index = registry_->Read();
  if (!index.ok()) return index.status();
  (*index)["running"] = follower_ ? follower_->running() : std::string(learn::kShippedVersion);
  if (follower_ && !follower_->last_error().empty()) {
    (*index)["running_error"] = follower_->last_error();
  }
  return index->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void AdminRoutes::AddRoute(std::string name, Route answer) {
  routes_[std::move(name)] = std::move(answer);
}

StatusOr<std::string> AdminRoutes::Get(std::string_view what, std::string_view query,
                                       const chat::StaffIdentity& who) {
  const bool insights = what == "insights" && insights_ != nullptr;
  const bool models = what == "models" && registry_ != nullptr;
  const auto route = routes_.find(what);
  if (!insights && !models && route == routes_.end()) return NotFound("not_found");
  if (Status s = AdminOnly(what, who); !s.ok()) return s;
  if (models) return Models();
  if (route != routes_.end()) return route->second(query);
  return insights_->Latest(who.account_id, /*fresh=*/query == "fresh=1");
}

StatusOr<std::string> AdminRoutes::Post(std::string_view what, std::string_view body,
                                        const chat::StaffIdentity& who) {
  if (registry_ == nullptr || (what != "models/approve" && what != "models/rollback")) {
    return NotFound("not_found");
  }
  if (Status s = AdminOnly(what, who); !s.ok()) return s;
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || j.size() != 1 || !j.contains("version") || !j["version"].is_string()) {
    return InvalidArgument("bad_request");
  }
  const std::string version = j["version"].get<std::string>();
  Status s = chat::ChangeActiveModel(
      store_, *registry_,
      what == "models/approve" ? chat::ModelChange::kApprove : chat::ModelChange::kRollback,
      version, who.account_id, who.username, NowMillis());
  if (!s.ok()) {
    if (s.code() == StatusCode::kNotFound) return NotFound("not_found");
    if (s.code() == StatusCode::kFailedPrecondition || s.code() == StatusCode::kInvalidArgument) {
      std::string detail = s.message();
      if (detail.starts_with("model registry: ")) detail = detail.substr(16);
      return FailedPrecondition("refused: " + detail);
    }
    return s;
  }
  if (follower_) (void)follower_->Sync();  // a failed load shows as running_error
  return Models();
}

}  // namespace haven::server
