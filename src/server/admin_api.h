// The admin API over HTTPS (docs/protocol.md, "Admin API"): what the admin pages read. Only a
// signed-in admin gets an answer; anyone else's attempt is refused and audited.
//
//   GET /api/admin/insights[?fresh=1]  Authorization: Bearer TOKEN
//       -> 200 the latest private insights release (chat/insights.h, docs/insights.md)
//        | 401 {"error": "not_signed_in"} | 403 {"error": "forbidden"}
//        | 409 {"error": "period_budget_exhausted"} (a fresh release would pass the ration)
//        | 404 {"error": "not_found"} for any other path
//   GET /api/admin/report | fairness | learning   (added by haven serve: AddRoute)
//       -> 200 the audit report's checks and figures (cli/audit_report.h), the fairness of the
//          risk reading on the safety set (cli/fairness_cmd.h), the bandit's offline evaluation
//          (chat/learning.h), as JSON
//   GET /api/admin/models
//       -> 200 the model registry (learn/model_registry.h) with "running": the version this
//          instance runs (it follows the active one: chat::ModelFollower), and "running_error"
//          when the active version's models could not be loaded
//   POST /api/admin/models/approve | /api/admin/models/rollback   {"version": "..."}
//       -> 200 the registry after the change (audited: model.approve, model.rollback), the
//          new active version already running in this instance
//        | 409 {"error": "refused", "detail": "..."} (a refused candidate, a version never active)
//        | 400 {"error": "bad_request"} | 404 {"error": "not_found"} (no such version)
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "chat/insights.h"
#include "chat/models.h"
#include "chat/staff_auth.h"
#include "core/status.h"
#include "learn/model_registry.h"
#include "storage/store.h"

namespace haven::server {

// What the server asks the admin API. Blocking: the server calls it on its worker pool.
class AdminApi {
 public:
  virtual ~AdminApi() = default;
  // GET /api/admin/<what> with the raw query string, for a signed-in staff member. The JSON
  // body, or a Status whose message is the error code: NotFound "not_found" (404),
  // FailedPrecondition "forbidden" (403) or another code (409), anything else 500.
  virtual StatusOr<std::string> Get(std::string_view what, std::string_view query,
                                    const chat::StaffIdentity& who) = 0;
  // POST /api/admin/<what> with its JSON body. Errors as Get; a FailedPrecondition whose message
  // is "refused: <why>" is 409 {"error": "refused", "detail": "<why>"}.
  virtual StatusOr<std::string> Post(std::string_view what, std::string_view body,
                                     const chat::StaffIdentity& who) = 0;
};

// {"error": "refused", "detail": detail}
std::string EncodeAdminRefusal(std::string_view detail);

// The routes: "insights", "models", "models/approve", "models/rollback". A refusal for a role
// is written to the audit log (access.denied, detail "admin <what>") on `store`. `registry` may
// be null (no model routes); `follower` (may be null: "shipped") runs the active version and
// is synced after each change.
class AdminRoutes final : public AdminApi {
 public:
  AdminRoutes(storage::Store& store, chat::Insights* insights,
              learn::ModelRegistry* registry = nullptr, chat::ModelFollower* follower = nullptr)
      : store_(store), insights_(insights), registry_(registry), follower_(follower) {}
  StatusOr<std::string> Get(std::string_view what, std::string_view query,
                            const chat::StaffIdentity& who) override;
  StatusOr<std::string> Post(std::string_view what, std::string_view body,
                             const chat::StaffIdentity& who) override;
  // A further read-only route for admins (`haven serve` adds "report", "fairness" and
  // "learning", which the CLI layer computes). `answer` gets the query string; it runs on the
  // worker pool and must be thread-safe. Not thread-safe itself: add routes before serving.
  using Route = std::function<StatusOr<std::string>(std::string_view query)>;
  void AddRoute(std::string name, Route answer);

 private:
  // OK for an admin; otherwise the refusal, audited.
  Status AdminOnly(std::string_view what, const chat::StaffIdentity& who);
  StatusOr<std::string> Models();

  storage::Store& store_;
  chat::Insights* insights_;
  learn::ModelRegistry* registry_;
  chat::ModelFollower* follower_;
  std::map<std::string, Route, std::less<>> routes_;
};

}  // namespace haven::server
