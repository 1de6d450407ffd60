// EventRelay: the console's and the seeker's real-time events across several Haven processes on
// the same records (issue 6). Every event this process publishes (chat/events.h) goes out on a
// storage::Broadcast as a reference with no text in it; every reference another process sent is
// rebuilt here from the store (the queue item as it is now, the stored message, decrypted, with
// the analyzer's reading) and published into this process's event log as `remote`, where the
// server fans it out to the sockets it holds, as it does its own events. So a supporter whose
// console is on instance B sees, at once, the conversation a seeker on instance A escalated, and
// the messages each of them writes reach the other.
//
// What travels (the database can read it): the sending process's event-log epoch, the event kind,
// the conversation's and its owner's pseudonymous ids, a message's seq and whether Haven pushed
// it, a queue position, a staff member's username and a break-glass grant's expiry and staff
// account id (so the grant holds on every instance). Never a
// message, a note or a break-glass reason: a remote break-glass event arrives without its reason
// (it is in the conversation's notes).
//
// Order: one process's events arrive in the order it published them; a receiver reads the store
// when the reference arrives, so a queue item may already show a later state (never an earlier
// one than its event). Per-conversation order of messages is the store's (seq), and the unit of
// work that writes a turn is serialised across processes (storage/postgres/pg_store.h), so
// exactly one process answers each turn.
//
// Once-per-deployment work: the relay makes the oversight's sweep of unanswered escalations run
// only in the process the broadcast elects (storage::Broadcast::Leads), so people and on-call
// staff are reminded once, not once per instance.
//
// A reference that cannot be rebuilt (the conversation was erased meanwhile, the store is down)
// is dropped: consoles catch up on their next queue snapshot or transcript open.
//
// Thread-safe. The oversight and the broadcast must outlive it; Stop (or the destructor) stops
// the broadcast before returning.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "chat/events.h"
#include "chat/oversight.h"
#include "core/status.h"
#include "storage/broadcast.h"

namespace haven::chat {

class EventRelay {
 public:
  EventRelay(Oversight& oversight, storage::Broadcast& broadcast);
  ~EventRelay();
  EventRelay(const EventRelay&) = delete;
  EventRelay& operator=(const EventRelay&) = delete;

  // Subscribes to the event log and starts the broadcast.
  Status Start();
  void Stop();

  // The reference an event travels as (JSON), and the event it describes before the store is
  // read (kind, ids, seq, position, staff name, expiry; the sender's epoch in *origin).
  // Exposed for tests.
  static std::string Encode(const Event& e, std::string_view origin);
  static StatusOr<Event> Decode(std::string_view payload, std::string* origin);

  // For tests and /metrics.
  uint64_t sent() const { return sent_.load(); }
  uint64_t relayed_in() const { return relayed_in_.load(); }
  uint64_t dropped() const { return dropped_.load(); }

 private:
  void OnLocal(const Event& e);
  void OnRemote(std::string_view payload);

  Oversight& oversight_;
  storage::Broadcast& broadcast_;
  uint64_t subscription_ = 0;
  bool started_ = false;
  std::atomic<uint64_t> sent_{0}, relayed_in_{0}, dropped_{0};
};

}  // namespace haven::chat
