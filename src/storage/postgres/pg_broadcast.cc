#include "storage/postgres/pg_broadcast.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "storage/postgres/pg_conn.h"

namespace haven::storage {

struct PgBroadcast::Connections {
  std::unique_ptr<pg::Conn> listener;
  std::unique_ptr<pg::Conn> sender;
};

namespace {

constexpr std::chrono::milliseconds kFirstBackoff{200};
constexpr std::chrono::milliseconds kMaxBackoff{5000};
constexpr int kPollMillis = 200;

// LISTEN on a fresh or reconnected listener connection.
Status StartListening(pg::Conn& conn) { return conn.Exec("LISTEN haven_events", "listen"); }

const pg::Statement kNotify = {"haven_notify", "SELECT pg_notify('haven_events', $1)"};
// 0x686176656e6c6564, "havenled": the leader's session-level lock (other keys: pg_store.cc,
// pg_key_store.cc).
const pg::Statement kTryLead = {"haven_try_lead",
                                "SELECT pg_try_advisory_lock(7521423030701811044)"};
constexpr std::chrono::seconds kLeadRetry{2};

}  // namespace

PgBroadcast::PgBroadcast(std::string conninfo)
    : conninfo_(std::move(conninfo)), conns_(std::make_unique<Connections>()) {}

StatusOr<std::unique_ptr<PgBroadcast>> PgBroadcast::Open(const std::string& conninfo) {
  std::unique_ptr<PgBroadcast> b(new PgBroadcast(conninfo));
  auto listener = pg::Conn::Connect(conninfo);
  if (!listener.ok()) return listener.status();
  auto sender = pg::Conn::Connect(conninfo);
  if (!sender.ok()) return sender.status();
  if (Status s = StartListening(**listener); !s.ok()) return s;
  b->conns_->listener = std::move(listener).value();
  b->conns_->sender = std::move(sender).value();
  return b;
}

PgBroadcast::~PgBroadcast() { Stop(); }

Status PgBroadcast::Start(Receiver receiver) {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_ || stopped_) return FailedPrecondition("broadcast already started");
  started_ = true;
  receiver_ = std::move(receiver);
  listener_ = std::thread([this] { Listen(); });
  sender_ = std::thread([this] { SendLoop(); });
  return Status::Ok();
}

Status PgBroadcast::Send(std::string payload) {
  if (payload.size() > kMaxPayload) return InvalidArgument("broadcast payload too large");
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return FailedPrecondition("broadcast stopped");
    if (queue_.size() >= kMaxQueued) {
      queue_.pop_front();
      ++dropped_;
    }
    queue_.push_back(std::move(payload));
  }
  cv_.notify_all();
  return Status::Ok();
}

void PgBroadcast::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  cv_.notify_all();
  if (listener_.joinable()) listener_.join();
  if (sender_.joinable()) sender_.join();
}

bool PgBroadcast::Sleep(std::chrono::milliseconds delay) {
  std::unique_lock<std::mutex> lock(mu_);
  return !cv_.wait_for(lock, delay, [this] { return stopped_; });
}

void PgBroadcast::SendLoop() {
  pg::Conn& conn = *conns_->sender;
  auto backoff = kFirstBackoff;
  while (true) {
    std::string payload;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopped_ || !queue_.empty(); });
      if (stopped_) return;
      payload = std::move(queue_.front());
      queue_.pop_front();
    }
    auto sent = conn.Run(kNotify, pg::Params().Text(payload));
    if (sent.ok()) {
      backoff = kFirstBackoff;
      ++sent_;
      continue;
    }
    // Lost (or refused): put it back first in line, reconnect, and send it again.
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_front(std::move(payload));
    }
    if (!Sleep(backoff)) return;
    backoff = std::min(backoff * 2, kMaxBackoff);
    if (conn.Reset().ok()) ++reconnects_;
  }
}

void PgBroadcast::Listen() {
  pg::Conn& conn = *conns_->listener;
  auto backoff = kFirstBackoff;
  auto next_lead_try = std::chrono::steady_clock::now();
  // Delivers every notification libpq has read; false once stopped.
  const auto deliver = [&]() {
    while (PGnotify* n = PQnotifies(conn.raw())) {
      std::string payload = n->extra != nullptr ? n->extra : "";
      PQfreemem(n);
      ++received_;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stopped_) return false;
      }
      receiver_(payload);
    }
    return true;
  };
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopped_) break;
    }
    bool lost = conn.Broken();
    if (!lost && !leads_.load() && std::chrono::steady_clock::now() >= next_lead_try) {
      next_lead_try = std::chrono::steady_clock::now() + kLeadRetry;
      auto got = conn.Run(kTryLead, pg::Params());
      if (got.ok()) {
        leads_.store(got->rows() == 1 && got->Int(0, 0) != 0);
      } else {
        lost = conn.Broken();
      }
      // Notifications that arrived with the answer are read already: poll() would not see them.
      if (!lost && !deliver()) break;
    }
    if (!lost) {
      pollfd pfd{PQsocket(conn.raw()), POLLIN, 0};
      const int ready = pfd.fd < 0 ? -1 : ::poll(&pfd, 1, kPollMillis);
      if (ready < 0 && errno != EINTR) lost = true;
      if (ready > 0 && PQconsumeInput(conn.raw()) == 0) lost = true;
      if (!lost) {
        if (!deliver()) break;
        backoff = kFirstBackoff;
        continue;
      }
    }
    leads_.store(false);  // the lock went with the session
    if (!Sleep(backoff)) break;
    backoff = std::min(backoff * 2, kMaxBackoff);
    if (conn.Reset().ok() && StartListening(conn).ok()) {
      ++reconnects_;
      next_lead_try = std::chrono::steady_clock::now();
    }
  }
  // Stopped: give the lead up now rather than when the connection closes.
  if (leads_.exchange(false) && !conn.Broken()) {
    (void)conn.Exec("SELECT pg_advisory_unlock_all()", "unlock");
  }
}

}  // namespace haven::storage
