// Events: what the console learns in real time (a conversation queued, taken over, a new
// message, ...), and what a seeker's open chat learns from the staff side (a person joined, a
// person's message, handed back). The oversight layer publishes; the server fans them out to the
// sockets (server/websocket_session.cc), each of which keeps only what its reader may see.
//
// Resume: every event gets an id "<epoch>:<n>", n counting from 1 in this process; the epoch is
// random per process. The log keeps the latest `capacity` events, so a console that reconnects
// with the id of the last event it saw gets every later one (Since). When that id is from
// another process (a restart) or too old, Since says so and the console starts from a fresh
// queue snapshot instead; messages it missed come back when it opens the conversation again
// with the last seq it showed. Nothing is lost either way; only the path differs.
//
// No event is ever written to a log or to disk: messages in events carry the person's text, in
// memory only, on their way to authorised sockets.
//
// Thread-safe. Subscribers are called on the publishing thread, in id order, outside any lock of
// the caller's (but under the log's own lock, so that order holds): they must only post work
// elsewhere and return.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/risk_level.h"
#include "nlp/analysis.h"
#include "storage/records.h"

namespace haven::chat {

// A conversation as the queue shows it: no text.
struct QueueItem {
  std::string conversation_id;
  std::string owner_id;
  storage::ConversationState state = storage::ConversationState::kActive;
  int priority = 0;  // 1..5 while queued; 0: not queued
  RiskLevel risk_level = RiskLevel::kNone;
  storage::UnixMillis queued_at = 0;
  std::string assigned_staff_id;  // "" when nobody has it
  std::string assigned_name;      // that person's username, for display
  std::vector<std::string> tags;
  bool bot_paused = false;
  std::string outcome;  // set once closed
};

// A message as the console (and, for staff messages, the seeker) sees it.
struct LiveMessage {
  int64_t seq = 0;
  storage::MessageRole role = storage::MessageRole::kUser;
  std::string text;
  storage::UnixMillis time = 0;
  std::string author_name;  // staff messages: the supporter's username
  std::string strategy;     // assistant messages
  std::vector<std::string> why;
  std::string client_message_id;
  // User messages: the analyzer's reading, for the console's annotations (never logged).
  std::shared_ptr<const nlp::Analysis> analysis;
  // Haven said it on its own, not as the reply to the person's turn (e.g. nobody has joined
  // yet): the seeker's open chat is sent it as a notice.
  bool pushed = false;
};

enum class EventKind {
  kQueued,        // entered the queue, or its priority rose (item)
  kUpdated,       // state, assignment, tags or priority changed (item)
  kClosed,        // the case was closed (item, outcome)
  kMessage,       // a message was stored in the conversation (message)
  kStaffJoined,   // a person took the conversation over (staff_name) — for the seeker
  kStaffLeft,     // handed back to the bot (staff_name) — for the seeker
  kBreakGlass,    // someone opened a conversation outside their queue and caseload (admins)
  kQueuePosition  // the seeker's place in the queue changed (position) — for the seeker
};
std::string_view EventKindName(EventKind kind);

struct Event {
  std::string id;  // "<epoch>:<n>", set by EventLog::Publish
  EventKind kind = EventKind::kUpdated;
  std::string conversation_id;
  std::string owner_id;
  std::optional<QueueItem> item;
  std::optional<LiveMessage> message;
  std::string staff_name;              // joined/left; break-glass: who
  std::string staff_id;                // break-glass: who (the staff account id)
  std::string reason;                  // break-glass: the written reason
  storage::UnixMillis expires_at = 0;  // break-glass grant
  int position = 0;                    // queue position (1 = next)
  // Published by another Haven process and relayed here (chat/event_relay.h): not relayed again.
  bool remote = false;
};

class EventLog {
 public:
  using Subscriber = std::function<void(const Event&)>;
  explicit EventLog(size_t capacity = 10000);

  const std::string& epoch() const { return epoch_; }
  // Assigns the id, keeps the event and calls every subscriber. Returns the id.
  std::string Publish(Event event);
  // The id of the latest event ("<epoch>:0" before the first).
  std::string LastId() const;
  // Every kept event after `last_id`, oldest first; nullopt when `last_id` is not from this
  // process, malformed, or older than what is kept (the caller then starts from a snapshot).
  std::optional<std::vector<Event>> Since(std::string_view last_id) const;

  uint64_t Subscribe(Subscriber fn);
  void Unsubscribe(uint64_t handle);

 private:
  const size_t capacity_;
  const std::string epoch_;
  mutable std::mutex mu_;
  uint64_t next_ = 1;
  std::deque<Event> kept_;  // ids next_-kept_.size() .. next_-1
  uint64_t next_subscriber_ = 1;
  std::map<uint64_t, Subscriber> subscribers_;
};

}  // namespace haven::chat
