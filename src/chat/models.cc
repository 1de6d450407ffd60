#include "chat/models.h"

#include <ctime>
#include <string>
#include <utility>

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

ModelFollower::ModelFollower(const learn::ModelRegistry& registry, reply::Engine& engine,
                             std::string running, Listener on_change)
    : registry_(registry),
      engine_(engine),
      on_change_(std::move(on_change)),
      running_(std::move(running)) {}

ModelFollower::~ModelFollower() { Stop(); }

StatusOr<std::string> ModelFollower::Sync() {
  std::unique_lock lock(mu_);
  auto active = registry_.Active();
  if (!active.ok()) return active.status();
  if (*active == running_) {
    failed_version_.clear();
    last_error_.clear();
    return running_;
  }
  // A version that failed to load is tried again only when its files may have changed: after
  // the registry moved on and back. Until then each check reports the same error, once.
  if (*active == failed_version_) return FailedPrecondition(last_error_);
  auto dir = registry_.ActiveDir();
  Status loaded = dir.ok() ? engine_.ReloadModels(*dir) : dir.status();
  if (!loaded.ok()) {
    failed_version_ = *active;
    last_error_ = "models " + *active + " not loaded: " + loaded.message();
    const std::string error = last_error_, version = running_;
    lock.unlock();
    if (on_change_) on_change_(version, error);
    return FailedPrecondition(error);
  }
  running_ = *active;
  failed_version_.clear();
  last_error_.clear();
  const std::string version = running_;
  lock.unlock();
  if (on_change_) on_change_(version, "");
  return version;
}

std::string ModelFollower::running() const {
  std::lock_guard lock(mu_);
  return running_;
}

std::string ModelFollower::last_error() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

void ModelFollower::Start(std::chrono::milliseconds period) {
  Stop();
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this, period] {
    std::unique_lock lock(stop_mu_);
    while (!stop_cv_.wait_for(lock, period, [this] { return stopping_; })) {
      lock.unlock();
      (void)Sync();  // errors reach on_change_ and last_error()
      lock.lock();
    }
  });
}

void ModelFollower::Stop() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace haven::chat
