// Broadcast: a channel that every Haven process working on the same records shares, for the
// real-time events of the console and the seeker's chat (chat/event_relay.h) when several
// `haven serve` instances run behind a load balancer (issue 6). PostgreSQL carries it with
// LISTEN/NOTIFY (postgres/pg_broadcast.h), so several instances need no service beyond their
// database; LocalBroadcastHub joins channels inside one process (tests, and the shape of the
// contract).
//
// A payload reaches every channel's receiver, the sender's own included (a receiver skips what
// its process sent), once, in the order one channel sent them; channels of different processes
// interleave. Delivery is best effort: a payload sent while a listener is reconnecting is lost to
// it (consoles and chats then catch up from the store: on their next snapshot or resume).
//
// The database can see a payload, so it must hold no personal data and no message text: ids,
// kinds, numbers, staff usernames. At most kMaxPayload bytes.
//
// Thread-safe. The receiver runs on the channel's own thread, one payload at a time; it may block
// (read the store) but delays the payloads after it.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/status.h"

namespace haven::storage {

class Broadcast {
 public:
  using Receiver = std::function<void(std::string_view payload)>;
  static constexpr size_t kMaxPayload = 7000;  // PostgreSQL's NOTIFY takes under 8,000 bytes

  virtual ~Broadcast() = default;
  // Starts delivering to `receiver`. Once; before the first Send.
  virtual Status Start(Receiver receiver) = 0;
  // Queues `payload` for every channel and returns at once. InvalidArgument when it is longer
  // than kMaxPayload; FailedPrecondition once stopped.
  virtual Status Send(std::string payload) = 0;
  // Stops sending and delivering (the receiver is not called after it returns). Idempotent.
  virtual void Stop() = 0;
  // Whether this process is, of all those sharing the channel, the one chosen for work that must
  // run once per deployment (the sweep of unanswered escalations). One leads at a time (a leader
  // whose connection broke may believe it leads until its listener notices, which for a closed
  // connection is at once); when the leader stops or dies another takes over within seconds.
  // False before Start.
  virtual bool Leads() const = 0;
};

// Channels of one process joined together: what one sends, each (itself included) receives on
// its own delivery thread.
class LocalBroadcastHub {
 public:
  // The first channel made (while it runs) leads; then the next.
  std::unique_ptr<Broadcast> NewChannel();

 private:
  class Channel;
  friend class Channel;
  void Deliver(const std::string& payload);
  void Remove(Channel* channel);

  bool IsFirst(const Channel* channel);

  std::mutex mu_;
  std::vector<Channel*> channels_;
};

}  // namespace haven::storage
