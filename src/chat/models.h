// Which trained models Haven runs (issue 7): an admin approves a candidate that passed the
// evaluation gate, or rolls back to a version that was active before (or to the shipped models).
// Each change is written to the audit log (model.approve, model.rollback; detail "model
// <version>") in the same unit of work as the registry's change (learn/model_registry.h), so a
// change that cannot be audited does not happen. `haven models` and the admin API both come here.
// A running server keeps the models it started with: the change takes effect when each instance
// restarts (docs/learning.md).
#pragma once

#include <string_view>

#include "core/status.h"
#include "learn/model_registry.h"
#include "storage/records.h"
#include "storage/store.h"

namespace haven::chat {

enum class ModelChange { kApprove, kRollback };

// `admin_id` and `admin_name`: the admin's account id (the audit actor) and username (the
// registry's "by"). Errors are the registry's (NotFound, FailedPrecondition with the reason).
Status ChangeActiveModel(storage::Store& store, learn::ModelRegistry& registry, ModelChange change,
                         std::string_view version, std::string_view admin_id,
                         std::string_view admin_name, storage::UnixMillis now);

// UTC RFC 3339 for a time in milliseconds.
std::string IsoTime(storage::UnixMillis t);

}  // namespace haven::chat
