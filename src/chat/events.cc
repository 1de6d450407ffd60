#include "chat/events.h"

#include <charconv>

#include "storage/records.h"

namespace haven::chat {

std::string_view EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kQueued:
      return "queued";
    case EventKind::kUpdated:
      return "updated";
    case EventKind::kClosed:
      return "closed";
    case EventKind::kMessage:
      return "message";
    case EventKind::kStaffJoined:
      return "staff_joined";
    case EventKind::kStaffLeft:
      return "staff_left";
    case EventKind::kBreakGlass:
      return "breakglass";
    case EventKind::kQueuePosition:
      return "queue_position";
  }
  return "updated";
}

EventLog::EventLog(size_t capacity)
    : capacity_(capacity == 0 ? 1 : capacity), epoch_(storage::NewRecordId().substr(0, 12)) {}

std::string EventLog::Publish(Event event) {
  std::lock_guard<std::mutex> lock(mu_);
  event.id = epoch_ + ":" + std::to_string(next_++);
  kept_.push_back(event);
  if (kept_.size() > capacity_) kept_.pop_front();
  for (const auto& [handle, fn] : subscribers_) fn(kept_.back());
  return kept_.back().id;
}

std::string EventLog::LastId() const {
  std::lock_guard<std::mutex> lock(mu_);
  return epoch_ + ":" + std::to_string(next_ - 1);
}

std::optional<std::vector<Event>> EventLog::Since(std::string_view last_id) const {
  size_t colon = last_id.find(':');
  if (colon == std::string_view::npos || last_id.substr(0, colon) != epoch_) return std::nullopt;
  std::string_view digits = last_id.substr(colon + 1);
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || p != digits.data() + digits.size()) return std::nullopt;
  std::lock_guard<std::mutex> lock(mu_);
  if (n >= next_) return std::nullopt;  // from the future: not ours
  const uint64_t first_kept = next_ - kept_.size();
  if (n + 1 < first_kept) return std::nullopt;  // some were dropped
  std::vector<Event> out(kept_.begin() + static_cast<std::ptrdiff_t>(n + 1 - first_kept),
                         kept_.end());
  return out;
}

uint64_t EventLog::Subscribe(Subscriber fn) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t h = next_subscriber_++;
  subscribers_[h] = std::move(fn);
  return h;
}

void EventLog::Unsubscribe(uint64_t handle) {
  std::lock_guard<std::mutex> lock(mu_);
  subscribers_.erase(handle);
}

}  // namespace haven::chat
