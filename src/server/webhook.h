// WebhookNotifier: the server's chat::Notifier. It tells on-call staff that a conversation needs
// a person by POSTing a small signed JSON document to each configured endpoint (docs/webhooks.md
// is the receiver's side: payload, headers, how to verify, retries).
//
// Notify() only queues: one background thread delivers, one exchange at a time, each bounded by
// its endpoint's timeout (llm/http_client.h; HTTPS verifies the certificate against the system's
// CAs or the endpoint's ca_file). A 2xx answer delivers; a network error, a timeout, 408, 429
// and 5xx are retried with exponential backoff (base_backoff doubling up to max_backoff, +-20%
// jitter; a 429's or 503's Retry-After in seconds instead, capped at max_retry_after) until
// max_attempts; any other answer (3xx, other 4xx) fails at once. Each attempt signs afresh. The
// queue holds at most max_queue notifications; when it is full, the oldest is dropped to make room.
// A notification for a name that is not configured is dropped as "unknown_webhook".
//
// Every attempt and every drop appends one line to the delivery log (JSON Lines, mode 0600):
//   {"time":<UTC ms>,"delivery":"<notification id>","webhook":"<name>","attempt":N,
//    "outcome":"delivered"|"retry"|"failed"|"dropped"|"unknown_webhook","status":<HTTP or 0>,
//    "error":"timeout"|"connect"|"tls"|"http"|"","next_attempt_in_ms":<ms or 0>}
// No URL, no secret and nothing of the payload beyond the ids is ever logged. A payload carries
// no message text and no token either (chat/notifier.h).
//
// Thread-safe: every public member may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "chat/notifier.h"
#include "core/status.h"
#include "llm/http_client.h"

namespace haven::server {

// One receiving endpoint, as the server's config file names it (`webhooks: {on_call: {...}}`).
struct WebhookEndpoint {
  std::string name;     // the name the escalation policy uses ("on_call")
  std::string url;      // https://...; http:// only to a loopback host (CheckWebhookUrl)
  std::string secret;   // the HMAC-SHA256 key, any length (ReadWebhookSecret: >= 32 bytes)
  std::string ca_file;  // PEM CA bundle for HTTPS ("" = the system's)
  std::chrono::milliseconds timeout{5000};  // one attempt, from resolve to the answer's end
  int max_attempts = 6;                     // >= 1, the first attempt included
};

struct WebhookOptions {
  std::vector<WebhookEndpoint> endpoints;              // names unique
  std::string log_path;                                // the delivery log; "" = none (tests)
  size_t max_queue = 10'000;                           // notifications waiting or being retried
  std::chrono::milliseconds base_backoff{1000};        // the wait after the first failed attempt
  std::chrono::milliseconds max_backoff{300'000};      // no wait is longer (jitter included)
  std::chrono::milliseconds max_retry_after{300'000};  // a 429's Retry-After is capped here
  size_t recent = 1000;  // delivery records kept in memory for Recent()
};

// One line of the delivery log.
struct DeliveryRecord {
  int64_t time = 0;                // UTC milliseconds
  std::string delivery;            // the notification's id
  std::string webhook;             // the endpoint's name
  int attempt = 0;                 // 1-based; 0 when no attempt was made
  std::string outcome;             // "delivered", "retry", "failed", "dropped", "unknown_webhook"
  int status = 0;                  // the HTTP status, 0 when none came back
  std::string error;               // "timeout", "connect", "tls", "http" or ""
  int64_t next_attempt_in_ms = 0;  // with "retry"
};

// The JSON object of a delivery log line (exactly the keys above).
std::string DeliveryRecordJson(const DeliveryRecord& record);

// The body POSTed for `n` on attempt `attempt`:
// {"id","kind","conversation","priority","risk_level","rules":[...],"time","attempt",
//  "console_path":"/console.html#c=<conversation>"}.
std::string WebhookPayload(const chat::Notification& n, int attempt);

// "sha256=" + the lowercase hex HMAC-SHA256 of `timestamp + "." + body` under `secret`: the
// X-Haven-Signature header.
std::string WebhookSignature(std::string_view secret, std::string_view timestamp,
                             std::string_view body);

// OK for an https:// URL, or an http:// URL whose host is loopback (localhost, 127.0.0.0/8,
// ::1); InvalidArgument saying why otherwise (never quoting the URL, whose query may be secret).
Status CheckWebhookUrl(std::string_view url);

// The signing key in `path`: a regular file that neither group nor others may read or write
// (mode & 077 == 0), holding at least 32 bytes once one trailing newline ("\n" or "\r\n") is
// removed. InvalidArgument saying which rule failed (never quoting the contents).
StatusOr<std::string> ReadWebhookSecret(const std::string& path);

class WebhookNotifier final : public chat::Notifier {
 public:
  struct Stats {
    uint64_t delivered = 0;  // notifications delivered
    uint64_t retried = 0;    // attempts that will be retried
    uint64_t failed = 0;     // notifications given up (a 4xx, or max_attempts reached)
    uint64_t dropped = 0;    // queue full, after Shutdown, or left at its deadline
    uint64_t unknown = 0;    // for a webhook name that is not configured
    size_t queued = 0;       // waiting now (including waiting for a retry)
  };

  // Checks the options (names unique and non-empty, URLs by CheckWebhookUrl, a non-empty secret,
  // a positive timeout, max_attempts >= 1, max_queue >= 1), opens (creates, mode 0600) the
  // delivery log for appending and starts the delivery thread. InvalidArgument for bad options;
  // Internal when the log cannot be opened.
  static StatusOr<std::unique_ptr<WebhookNotifier>> Create(WebhookOptions options);

  // Shutdown(now + 2 s).
  ~WebhookNotifier() override;

  // Queues `notification` for its webhook and returns at once (no network; one log line when it
  // is dropped). After Shutdown it is dropped.
  void Notify(chat::Notification notification) override;

  // Stops accepting, gives every queued notification one more attempt at once (and retries as
  // usual) until `deadline`, then logs what is left as dropped and stops the thread. Returns when
  // the thread has stopped: once the queue is empty or at the deadline (later by at most one
  // attempt's timeout when an attempt was under way at the call). A later call may bring the
  // deadline forward and returns when the thread has stopped.
  void Shutdown(std::chrono::steady_clock::time_point deadline);

  Stats stats() const;
  // The last min(n, options.recent) delivery records, oldest first.
  std::vector<DeliveryRecord> Recent(size_t n) const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Target {
    WebhookEndpoint endpoint;
    llm::Endpoint parsed;
  };
  struct Pending {
    chat::Notification notification;
    const Target* target = nullptr;
    int attempts = 0;  // made so far
    Clock::time_point due;
  };

  WebhookNotifier(WebhookOptions options, std::map<std::string, Target> targets, int log_fd);
  void Run();
  // Makes one attempt; returns the record (outcome, status, error, next_attempt_in_ms).
  DeliveryRecord Attempt(Pending& p, Clock::time_point stop_by);
  std::chrono::milliseconds Backoff(int failed_attempts) const;
  // Appends to the log and the in-memory ring; mu_ held.
  void RecordLocked(DeliveryRecord record);
  void DropLocked(std::map<uint64_t, Pending>::iterator it);

  const WebhookOptions options_;
  const std::map<std::string, Target> targets_;
  const int log_fd_;  // -1 = no log

  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  Clock::time_point deadline_ = Clock::time_point::max();
  uint64_t next_seq_ = 0;
  std::map<uint64_t, Pending> queue_;                        // by arrival: begin() is oldest
  std::set<std::pair<Clock::time_point, uint64_t>> by_due_;  // (due, seq) of every entry
  Stats stats_;
  std::deque<DeliveryRecord> recent_;

  std::mutex join_mu_;
  std::thread thread_;
};

}  // namespace haven::server
