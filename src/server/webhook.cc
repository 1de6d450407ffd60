#include "server/webhook.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

namespace haven::server {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr size_t kMaxSecretBytes = 64 * 1024;
constexpr size_t kMinSecretBytes = 32;

int64_t NowUnixMs() {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Everything but RFC 3986's unreserved characters, percent-encoded.
std::string FragmentEncode(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost" || host == "::1") return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  return false;
}

// A Retry-After of delay-seconds; -1 for none or an HTTP date (which is not honoured).
int64_t RetryAfterSeconds(const std::string& value) {
  if (value.empty() || value.size() > 9) return -1;
  for (char c : value) {
    if (c < '0' || c > '9') return -1;
  }
  return std::stoll(value);
}

void WriteAll(int fd, const std::string& line) {
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(fd, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a full disk loses the line; delivery goes on
    done += static_cast<size_t>(n);
  }
}

}  // namespace

std::string DeliveryRecordJson(const DeliveryRecord& r) {
  nlohmann::json j = {{"time", r.time},       {"delivery", r.delivery},
                      {"webhook", r.webhook}, {"attempt", r.attempt},
                      {"outcome", r.outcome}, {"status", r.status},
                      {"error", r.error},     {"next_attempt_in_ms", r.next_attempt_in_ms}};
  return Dump(j);
}

std::string WebhookPayload(const chat::Notification& n, int attempt) {
  nlohmann::json j = {{"id", n.id},
                      {"kind", n.kind},
                      {"conversation", n.conversation_id},
                      {"priority", n.priority},
                      {"risk_level", n.risk_level},
                      {"rules", n.rules},
                      {"time", n.time},
                      {"attempt", attempt},
                      {"console_path", "/console.html#c=" + FragmentEncode(n.conversation_id)}};
  return Dump(j);
}

std::string WebhookSignature(std::string_view secret, std::string_view timestamp,
                             std::string_view body) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(timestamp.data()),
                                timestamp.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>("."), 1);
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(body.data()),
                                body.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  sodium_memzero(&state, sizeof state);
  char hex[2 * crypto_auth_hmacsha256_BYTES + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return std::string("sha256=") + hex;
}

Status CheckWebhookUrl(std::string_view url) {
  auto e = llm::ParseHttpUrl(url, "the webhook URL");
  if (!e.ok()) return e.status();
  if (!e->tls && !IsLoopbackHost(e->host)) {
    return InvalidArgument("the webhook URL must be https:// (http:// only to a loopback host)");
  }
  return Status::Ok();
}

StatusOr<std::string> ReadWebhookSecret(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return InvalidArgument("the secret file cannot be opened");
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return InvalidArgument("the secret file must be a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return InvalidArgument(
        "the secret file must not be readable or writable by group or others "
        "(chmod 600)");
  }
  if (static_cast<size_t>(st.st_size) > kMaxSecretBytes) {
    ::close(fd);
    return InvalidArgument("the secret file is too large for a key");
  }
  std::string secret(kMaxSecretBytes + 1, '\0');
  size_t got = 0;
  while (got < secret.size()) {
    ssize_t n = ::read(fd, secret.data() + got, secret.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      sodium_memzero(secret.data(), secret.size());
      return InvalidArgument("the secret file cannot be read");
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  if (got > kMaxSecretBytes) {
    sodium_memzero(secret.data(), secret.size());
    return InvalidArgument("the secret file is too large for a key");
  }
  secret.resize(got);
  if (!secret.empty() && secret.back() == '\n') secret.pop_back();
  if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  if (secret.size() < kMinSecretBytes) {
    sodium_memzero(secret.data(), secret.size());
    return InvalidArgument("the secret file must hold at least 32 bytes");
  }
  return secret;
}

StatusOr<std::unique_ptr<WebhookNotifier>> WebhookNotifier::Create(WebhookOptions options) {
  if (sodium_init() < 0) return Internal("libsodium cannot start");
  std::map<std::string, Target> targets;
  for (const WebhookEndpoint& e : options.endpoints) {
    const std::string who = "webhook " + e.name + ": ";
    if (e.name.empty()) return InvalidArgument("a webhook needs a name");
    if (targets.contains(e.name)) return InvalidArgument(who + "named twice");
    if (Status s = CheckWebhookUrl(e.url); !s.ok()) return InvalidArgument(who + s.message());
    if (e.secret.empty()) return InvalidArgument(who + "needs a secret");
    if (e.timeout.count() <= 0) return InvalidArgument(who + "the timeout must be positive");
    if (e.max_attempts < 1) return InvalidArgument(who + "max_attempts must be at least 1");
    auto parsed = llm::ParseHttpUrl(e.url, "the webhook URL");
    if (!parsed.ok()) return InvalidArgument(who + parsed.status().message());
    if (parsed->path.empty()) parsed->path = "/";
    targets.emplace(e.name, Target{e, std::move(parsed).value()});
  }
  if (options.max_queue < 1) return InvalidArgument("webhooks: max_queue must be at least 1");
  if (options.base_backoff.count() < 0 || options.max_backoff < options.base_backoff ||
      options.max_retry_after.count() < 0) {
    return InvalidArgument("webhooks: bad backoff settings");
  }
  int fd = -1;
  if (!options.log_path.empty()) {
    fd = ::open(options.log_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
                0600);
    if (fd < 0) return Internal("webhooks: cannot open the delivery log");
    if (::fchmod(fd, 0600) != 0) {
      ::close(fd);
      return Internal("webhooks: cannot make the delivery log private");
    }
  }
  return std::unique_ptr<WebhookNotifier>(
      new WebhookNotifier(std::move(options), std::move(targets), fd));
}

WebhookNotifier::WebhookNotifier(WebhookOptions options, std::map<std::string, Target> targets,
                                 int log_fd)
    : options_(std::move(options)), targets_(std::move(targets)), log_fd_(log_fd) {
  thread_ = std::thread([this] { Run(); });
}

WebhookNotifier::~WebhookNotifier() {
  Shutdown(Clock::now() + std::chrono::seconds(2));
  if (log_fd_ >= 0) ::close(log_fd_);
}

void WebhookNotifier::Notify(chat::Notification notification) {
  std::lock_guard lock(mu_);
  auto target = targets_.find(notification.webhook);
  if (target == targets_.end() || stopping_) {
    DeliveryRecord r;
    r.time = NowUnixMs();
    r.delivery = notification.id;
    r.webhook = notification.webhook;
    r.outcome = stopping_ && target != targets_.end() ? "dropped" : "unknown_webhook";
    if (r.outcome == "dropped") {
      ++stats_.dropped;
    } else {
      ++stats_.unknown;
    }
    RecordLocked(std::move(r));
    return;
  }
  while (queue_.size() >= options_.max_queue) DropLocked(queue_.begin());
  const uint64_t seq = next_seq_++;
  const Clock::time_point now = Clock::now();
  queue_.emplace(seq, Pending{std::move(notification), &target->second, 0, now});
  by_due_.emplace(now, seq);
  wake_.notify_one();
}

void WebhookNotifier::Shutdown(Clock::time_point deadline) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      stopping_ = true;
      deadline_ = deadline;
      // Whatever waits for a retry gets its last chance now.
      const Clock::time_point now = Clock::now();
      by_due_.clear();
      for (auto& [seq, p] : queue_) {
        p.due = now;
        by_due_.emplace(now, seq);
      }
    } else {
      deadline_ = std::min(deadline_, deadline);
    }
  }
  wake_.notify_all();
  std::lock_guard join(join_mu_);
  if (thread_.joinable()) thread_.join();
}

WebhookNotifier::Stats WebhookNotifier::stats() const {
  std::lock_guard lock(mu_);
  Stats s = stats_;
  s.queued = queue_.size();
  return s;
}

std::vector<DeliveryRecord> WebhookNotifier::Recent(size_t n) const {
  std::lock_guard lock(mu_);
  n = std::min(n, recent_.size());
  return std::vector<DeliveryRecord>(recent_.end() - static_cast<std::ptrdiff_t>(n), recent_.end());
}

void WebhookNotifier::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    const Clock::time_point now = Clock::now();
    if (stopping_ && (queue_.empty() || now >= deadline_)) break;
    if (by_due_.empty()) {
      wake_.wait(lock);
      continue;
    }
    const auto [due, seq] = *by_due_.begin();
    if (due > now) {
      wake_.wait_until(lock, stopping_ ? std::min(due, deadline_) : due);
      continue;
    }
    by_due_.erase(by_due_.begin());
    auto node = queue_.extract(seq);
    Pending p = std::move(node.mapped());
    const Clock::time_point stop_by = stopping_ ? deadline_ : Clock::time_point::max();
    lock.unlock();
    DeliveryRecord r = Attempt(p, stop_by);
    lock.lock();
    if (r.outcome == "delivered") {
      ++stats_.delivered;
    } else if (r.outcome == "failed") {
      ++stats_.failed;
    } else {
      ++stats_.retried;
      p.due = Clock::now() + milliseconds(r.next_attempt_in_ms);
      by_due_.emplace(p.due, seq);
      queue_.emplace(seq, std::move(p));
    }
    RecordLocked(std::move(r));
    while (queue_.size() > options_.max_queue) DropLocked(queue_.begin());
  }
  while (!queue_.empty()) DropLocked(queue_.begin());
}

DeliveryRecord WebhookNotifier::Attempt(Pending& p, Clock::time_point stop_by) {
  const Target& t = *p.target;
  ++p.attempts;
  const std::string body = WebhookPayload(p.notification, p.attempts);
  const std::string timestamp = std::to_string(NowUnixMs() / 1000);
  const llm::HttpHeaders headers = {
      {"Content-Type", "application/json"},
      {"User-Agent", "haven-webhook/1"},
      {"X-Haven-Delivery", p.notification.id},
      {"X-Haven-Timestamp", timestamp},
      {"X-Haven-Signature", WebhookSignature(t.endpoint.secret, timestamp, body)}};
  milliseconds timeout = t.endpoint.timeout;
  if (stop_by != Clock::time_point::max()) {
    timeout = std::min(timeout, std::chrono::duration_cast<milliseconds>(stop_by - Clock::now()));
  }
  auto answer = llm::HttpPost(t.parsed, t.parsed.path, headers, body, timeout, t.endpoint.ca_file);

  DeliveryRecord r;
  r.time = NowUnixMs();
  r.delivery = p.notification.id;
  r.webhook = t.endpoint.name;
  r.attempt = p.attempts;
  bool retryable = true;
  int64_t retry_after = -1;
  if (!answer.ok()) {
    r.error = std::string(llm::HttpErrorKindName(llm::HttpErrorKindOf(answer.status())));
  } else {
    r.status = static_cast<int>(answer->status);
    if (r.status >= 200 && r.status < 300) {
      r.outcome = "delivered";
      return r;
    }
    r.error = "http";
    retryable = r.status == 408 || r.status == 429 || (r.status >= 500 && r.status < 600);
    if (r.status == 429 || r.status == 503) {
      retry_after = RetryAfterSeconds(answer->Header("Retry-After"));
    }
  }
  if (!retryable || p.attempts >= t.endpoint.max_attempts) {
    r.outcome = "failed";
    return r;
  }
  r.outcome = "retry";
  if (retry_after >= 0) {
    r.next_attempt_in_ms = std::min<int64_t>(retry_after * 1000, options_.max_retry_after.count());
  } else {
    r.next_attempt_in_ms = Backoff(p.attempts).count();
  }
  return r;
}

milliseconds WebhookNotifier::Backoff(int failed_attempts) const {
  const double max = static_cast<double>(options_.max_backoff.count());
  const double exponent = std::min(failed_attempts - 1, 40);
  double wait = std::min(static_cast<double>(options_.base_backoff.count()) *
                             std::ldexp(1.0, static_cast<int>(exponent)),
                         max);
  wait *= 0.8 + 0.4 * static_cast<double>(randombytes_uniform(1001)) / 1000.0;  // +-20%
  return milliseconds(static_cast<int64_t>(std::min(wait, max)));
}

void WebhookNotifier::RecordLocked(DeliveryRecord record) {
  if (log_fd_ >= 0) WriteAll(log_fd_, DeliveryRecordJson(record) + "\n");
  recent_.push_back(std::move(record));
  while (recent_.size() > options_.recent) recent_.pop_front();
}

void WebhookNotifier::DropLocked(std::map<uint64_t, Pending>::iterator it) {
  DeliveryRecord r;
  r.time = NowUnixMs();
  r.delivery = it->second.notification.id;
  r.webhook = it->second.target->endpoint.name;
  r.attempt = it->second.attempts;
  r.outcome = "dropped";
  ++stats_.dropped;
  RecordLocked(std::move(r));
  by_due_.erase({it->second.due, it->first});
  queue_.erase(it);
}

}  // namespace haven::server
