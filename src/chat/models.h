// Which trained models Haven runs (issue 7): an admin approves a candidate that passed the
// evaluation gate, or rolls back to a version that was active before (or to the shipped models).
// Each change is written to the audit log (model.approve, model.rollback; detail "model
// <version>") in the same unit of work as the registry's change (learn/model_registry.h), so a
// change that cannot be audited does not happen. `haven models` and the admin API both come here.
// Every instance that serves from the registry follows its active version without a restart
// (ModelFollower, below; docs/learning.md).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "core/status.h"
#include "learn/model_registry.h"
#include "reply/engine.h"
#include "storage/records.h"
#include "storage/store.h"

namespace haven::chat {

enum class ModelChange { kApprove, kRollback };

// `admin_id` and `admin_name`: the admin's account id (the audit actor) and username (the
// registry's "by"). Errors are the registry's (NotFound, FailedPrecondition with the reason).
Status ChangeActiveModel(storage::Store& store, learn::ModelRegistry& registry, ModelChange change,
                         std::string_view version, std::string_view admin_id,
                         std::string_view admin_name, storage::UnixMillis now);

// Keeps a running engine on the registry's active version: Sync reads the registry and, when the
// active version is not the one running, loads its models into the engine (reply::Engine::
// ReloadModels: from the next message on, the conversations under way keep going). An approval
// on the admin page syncs at once; Start also checks every `period`, so an approval by `haven
// models approve` or by another instance sharing the registry reaches this one within a period.
// A version whose files cannot be loaded is not run: the running models stay, and each Sync
// reports the error until the registry changes again. Thread-safe.
class ModelFollower {
 public:
  // `running`: the version `engine` was loaded with. `on_change(version, error)` is called after
  // each change of the running version (error "") and for each failed load (error set), from
  // the thread that synced; it must not call back into the follower.
  using Listener = std::function<void(const std::string& version, const std::string& error)>;
  ModelFollower(const learn::ModelRegistry& registry, reply::Engine& engine, std::string running,
                Listener on_change = {});
  ~ModelFollower();  // stops the checks
  ModelFollower(const ModelFollower&) = delete;
  ModelFollower& operator=(const ModelFollower&) = delete;

  // The version running after the check; an error when the registry cannot be read or the active
  // version's models cannot be loaded (the running version is unchanged).
  StatusOr<std::string> Sync();
  std::string running() const;
  // The last failed load's message, "" after a successful one.
  std::string last_error() const;

  // Checks every `period` on a thread of its own until Stop (or destruction).
  void Start(std::chrono::milliseconds period);
  void Stop();

 private:
  const learn::ModelRegistry& registry_;
  reply::Engine& engine_;
  Listener on_change_;
  mutable std::mutex mu_;  // serialises Sync; guards the fields below
  std::string running_;
  std::string failed_version_, last_error_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread thread_;
};

// UTC RFC 3339 for a time in milliseconds.
std::string IsoTime(storage::UnixMillis t);

}  // namespace haven::chat
