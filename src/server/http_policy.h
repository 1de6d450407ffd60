// What the server answers over HTTP, apart from the sockets: the security headers on every
// response, the mapping of a request target to a file under web/, origin checks and the
// server's counters. Pure functions and plain values (no Beast here); thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace haven::server {

// The headers every response carries (docs/security.md): CSP with frame-ancestors 'none',
// X-Content-Type-Options, Referrer-Policy, Cache-Control: no-store, and HSTS when `tls`.
std::vector<std::pair<std::string, std::string>> SecurityHeaders(bool tls);

// The file under `root` that `target` names ("/" -> chat.html), or nullopt when the target is
// malformed, tries to leave root (".." segments, encoded or not, backslashes, NUL, a symlink
// out), names a hidden file, or the file does not exist. The query string is ignored.
std::optional<std::filesystem::path> ResolveStaticPath(const std::filesystem::path& root,
                                                       std::string_view target);

// The Content-Type for a file by its extension (text/html; charset=utf-8, ...).
std::string_view MimeType(const std::filesystem::path& file);

// Whether a WebSocket handshake's Origin header is allowed: an exact (case-insensitive) match
// with one of `allowed`. An absent Origin (a non-browser client) is allowed: browsers always
// send one, and the check exists against other sites' pages in a browser.
bool OriginAllowed(std::optional<std::string_view> origin, const std::vector<std::string>& allowed);

// A token bucket: `per_minute` events a minute on average, bursts up to `burst`.
class RateLimiter {
 public:
  RateLimiter(double per_minute, double burst)
      : rate_(per_minute / 60000.0), burst_(burst), tokens_(burst) {}
  // Takes one token at time `now_ms` (monotonic); false when none is left.
  bool Allow(int64_t now_ms);
  // Whether the bucket has refilled completely by `now_ms` (forgetting it changes nothing).
  bool Full(int64_t now_ms) const;
  int64_t last_ms() const { return last_ms_; }

 private:
  double rate_;  // tokens per millisecond
  double burst_;
  double tokens_;
  int64_t last_ms_ = -1;
};

// One token bucket per key (an account id, a network address), shared by every connection of
// that key. Thread-safe. Bounded: at most `max_keys` buckets are kept; when a new key comes and
// the map is full, buckets that have refilled completely are forgotten (that changes nothing),
// and if none has, the one used least recently.
class KeyedRateLimiter {
 public:
  KeyedRateLimiter(double per_minute, double burst, size_t max_keys = 100'000)
      : per_minute_(per_minute), burst_(burst), max_keys_(max_keys) {}
  bool Allow(std::string_view key, int64_t now_ms);
  size_t size() const;

 private:
  void MakeRoom(int64_t now_ms);  // mu_ held

  double per_minute_;
  double burst_;
  size_t max_keys_;
  mutable std::mutex mu_;
  std::map<std::string, RateLimiter, std::less<>> buckets_;
};

// Open connections per network address, for the per-address cap. Thread-safe.
class AddressCounter {
 public:
  // Counts one more connection from `address`; false (and nothing counted) when it has `max`
  // already. max <= 0: no cap.
  bool Acquire(const std::string& address, int max);
  void Release(const std::string& address);
  int Count(std::string_view address) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, int, std::less<>> open_;
};

// The server's counters, rendered in Prometheus text format. Thread-safe (atomics).
struct Metrics {
  std::atomic<uint64_t> http_requests{0};
  std::atomic<uint64_t> http_errors{0};  // 4xx and 5xx answers
  std::atomic<uint64_t> ws_connections{0};
  std::atomic<int64_t> ws_active{0};
  std::atomic<uint64_t> ws_frames_in{0};
  std::atomic<uint64_t> ws_error_frames{0};
  std::atomic<uint64_t> chat_turns{0};
  std::atomic<uint64_t> chat_duplicates{0};
  std::atomic<uint64_t> chat_escalations{0};
  std::atomic<uint64_t> chat_turn_micros{0};  // sum of turn durations
  std::atomic<uint64_t> tls_handshake_failures{0};
  std::atomic<uint64_t> origin_refused{0};
  std::atomic<uint64_t> rate_limited{0};
  std::atomic<uint64_t> connections_refused{0};  // over the total or per-address cap

  std::string Render() const;
};

}  // namespace haven::server
