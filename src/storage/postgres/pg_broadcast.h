// PgBroadcast: storage::Broadcast over PostgreSQL's LISTEN/NOTIFY on the records' database, so
// that several `haven serve` instances share their real-time events with nothing but that
// database (issue 6).
//
// The channel is "haven_events". Two connections of its own, outside the store's pool: a
// listener (LISTEN on the channel, then
// poll() on its socket with a short timeout, so that Stop is prompt) and a sender (pg_notify,
// from one thread that drains a queue, so that Send never waits on the network and one
// process's payloads keep their order). A lost connection is reconnected with backoff (0.2 s
// doubling to 5 s); payloads queued meanwhile wait, up to kMaxQueued (older ones are dropped
// beyond that); notifications sent by others while the listener was away are lost to it, as
// PostgreSQL keeps none for a session that is not listening.
//
// Leadership (Leads): the listener connection holds a session-level advisory lock while it
// lives; an instance without it tries to take it every two seconds, so when the leader stops,
// or dies and its connection closes, another instance leads within a few seconds.
//
// NOTIFY is transactional in PostgreSQL, but pg_notify here runs in its own transaction after
// the unit of work that made the change committed: a receiver that reads the store sees it.
//
// Errors never quote the connection string or the server's words.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "storage/broadcast.h"

namespace haven::storage {

class PgBroadcast final : public Broadcast {
 public:
  static constexpr size_t kMaxQueued = 10000;  // payloads waiting to be sent

  // Connects both connections now (Internal when the database cannot be reached).
  static StatusOr<std::unique_ptr<PgBroadcast>> Open(const std::string& conninfo);
  ~PgBroadcast() override;

  Status Start(Receiver receiver) override;
  Status Send(std::string payload) override;
  void Stop() override;
  bool Leads() const override { return leads_.load(); }

  // For tests and /metrics: payloads sent, received, and dropped (queue full); reconnections.
  uint64_t sent() const { return sent_.load(); }
  uint64_t received() const { return received_.load(); }
  uint64_t dropped() const { return dropped_.load(); }
  uint64_t reconnects() const { return reconnects_.load(); }

 private:
  struct Connections;
  explicit PgBroadcast(std::string conninfo);
  void Listen();
  void SendLoop();
  // Waits `delay` unless stopped first; false when stopped.
  bool Sleep(std::chrono::milliseconds delay);

  const std::string conninfo_;
  std::unique_ptr<Connections> conns_;
  Receiver receiver_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool started_ = false;
  bool stopped_ = false;
  std::deque<std::string> queue_;
  std::thread listener_;
  std::thread sender_;

  std::atomic<uint64_t> sent_{0}, received_{0}, dropped_{0}, reconnects_{0};
  std::atomic<bool> leads_{false};
};

}  // namespace haven::storage
