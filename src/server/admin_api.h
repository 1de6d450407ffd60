// The admin API over HTTPS (docs/protocol.md, "Admin API"): what the admin pages read. Only a
// signed-in admin gets an answer; anyone else's attempt is refused and audited.
//
//   GET /api/admin/insights[?fresh=1]  Authorization: Bearer TOKEN
//       -> 200 the latest private insights release (chat/insights.h, docs/insights.md)
//        | 401 {"error": "not_signed_in"} | 403 {"error": "forbidden"}
//        | 409 {"error": "period_budget_exhausted"} (a fresh release would pass the ration)
//        | 404 {"error": "not_found"} for any other path
#pragma once

#include <string>
#include <string_view>

#include "chat/insights.h"
#include "chat/staff_auth.h"
#include "core/status.h"
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
};

// The routes: "insights". A refusal for a role is written to the audit log (access.denied,
// detail "admin <what>") on `store`.
class AdminRoutes final : public AdminApi {
 public:
  AdminRoutes(storage::Store& store, chat::Insights* insights)
      : store_(store), insights_(insights) {}
  StatusOr<std::string> Get(std::string_view what, std::string_view query,
                            const chat::StaffIdentity& who) override;

 private:
  storage::Store& store_;
  chat::Insights* insights_;
};

}  // namespace haven::server
