#include "server/http_policy.h"

#include <algorithm>
#include <cctype>
#include <system_error>

namespace haven::server {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

void Counter(std::string& out, const char* name, const char* help, uint64_t value,
             const char* type = "counter") {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
  out += name;
  out += ' ';
  out += std::to_string(value);
  out += '\n';
}

}  // namespace

std::vector<std::pair<std::string, std::string>> SecurityHeaders(bool tls) {
  std::vector<std::pair<std::string, std::string>> h = {
      {"Content-Security-Policy",
       "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"Cache-Control", "no-store"},
      {"X-Frame-Options", "DENY"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
  };
  if (tls) h.emplace_back("Strict-Transport-Security", "max-age=31536000");
  return h;
}

std::optional<std::filesystem::path> ResolveStaticPath(const std::filesystem::path& root,
                                                       std::string_view target) {
  namespace fs = std::filesystem;
  if (root.empty() || target.empty() || target.front() != '/') return std::nullopt;
  target = target.substr(0, target.find_first_of("?#"));
  auto decoded = PercentDecode(target);
  if (!decoded) return std::nullopt;
  std::string path = *decoded;
  if (path == "/") path = "/chat.html";
  if (path.find('\0') != std::string::npos || path.find('\\') != std::string::npos) {
    return std::nullopt;
  }
  // Every segment must be a plain, visible name.
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string_view seg(path.data() + start, end - start);
    if (seg.empty() || seg.front() == '.') return std::nullopt;
    start = end + 1;
  }
  std::error_code ec;
  fs::path base = fs::canonical(root, ec);
  if (ec) return std::nullopt;
  fs::path file = fs::canonical(base / path.substr(1), ec);
  if (ec) return std::nullopt;
  // Still under root after symlinks are resolved.
  auto [b, f] = std::mismatch(base.begin(), base.end(), file.begin(), file.end());
  if (b != base.end()) return std::nullopt;
  if (!fs::is_regular_file(file, ec)) return std::nullopt;
  return file;
}

std::string_view MimeType(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

bool OriginAllowed(std::optional<std::string_view> origin,
                   const std::vector<std::string>& allowed) {
  if (!origin) return true;
  return std::any_of(allowed.begin(), allowed.end(),
                     [&](const std::string& a) { return IEquals(a, *origin); });
}

bool RateLimiter::Allow(int64_t now_ms) {
  if (last_ms_ >= 0 && now_ms > last_ms_) {
    tokens_ = std::min(burst_, tokens_ + static_cast<double>(now_ms - last_ms_) * rate_);
  }
  if (last_ms_ < 0 || now_ms > last_ms_) last_ms_ = now_ms;
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

bool RateLimiter::Full(int64_t now_ms) const {
  double tokens = tokens_;
  if (last_ms_ >= 0 && now_ms > last_ms_) {
    tokens += static_cast<double>(now_ms - last_ms_) * rate_;
  }
  return tokens >= burst_;
}

bool KeyedRateLimiter::Allow(std::string_view key, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) MakeRoom(now_ms);
    it = buckets_.emplace(std::string(key), RateLimiter(per_minute_, burst_)).first;
  }
  return it->second.Allow(now_ms);
}

void KeyedRateLimiter::MakeRoom(int64_t now_ms) {
  std::erase_if(buckets_, [now_ms](const auto& entry) { return entry.second.Full(now_ms); });
  if (buckets_.size() < max_keys_ || buckets_.empty()) return;
  auto oldest = buckets_.begin();
  for (auto it = buckets_.begin(); it != buckets_.end(); ++it) {
    if (it->second.last_ms() < oldest->second.last_ms()) oldest = it;
  }
  buckets_.erase(oldest);
}

size_t KeyedRateLimiter::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return buckets_.size();
}

bool AddressCounter::Acquire(const std::string& address, int max) {
  std::lock_guard<std::mutex> lock(mu_);
  int& open = open_[address];
  if (max > 0 && open >= max) {
    if (open == 0) open_.erase(address);
    return false;
  }
  ++open;
  return true;
}

void AddressCounter::Release(const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = open_.find(address);
  if (it == open_.end()) return;
  if (--it->second <= 0) open_.erase(it);
}

int AddressCounter::Count(std::string_view address) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = open_.find(address);
  return it == open_.end() ? 0 : it->second;
}

std::string Metrics::Render() const {
  std::string out;
  out.reserve(2048);
  Counter(out, "haven_http_requests_total", "HTTP requests read.", http_requests);
  Counter(out, "haven_http_errors_total", "HTTP answers with a 4xx or 5xx status.", http_errors);
  Counter(out, "haven_ws_connections_total", "WebSocket connections accepted.", ws_connections);
  Counter(out, "haven_ws_active", "WebSocket connections open now.",
          static_cast<uint64_t>(std::max<int64_t>(0, ws_active.load())), "gauge");
  Counter(out, "haven_ws_frames_in_total", "WebSocket frames read.", ws_frames_in);
  Counter(out, "haven_ws_error_frames_total", "Error frames sent.", ws_error_frames);
  Counter(out, "haven_chat_turns_total", "Seeker turns answered.", chat_turns);
  Counter(out, "haven_chat_duplicates_total", "Resent messages acknowledged again.",
          chat_duplicates);
  Counter(out, "haven_chat_escalations_total", "Replies that brought a person in.",
          chat_escalations);
  Counter(out, "haven_chat_turn_microseconds_total", "Time spent in turns, microseconds.",
          chat_turn_micros);
  Counter(out, "haven_tls_handshake_failures_total", "TLS handshakes that failed.",
          tls_handshake_failures);
  Counter(out, "haven_ws_origin_refused_total", "WebSocket handshakes refused for their Origin.",
          origin_refused);
  Counter(out, "haven_rate_limited_total", "Messages refused by the rate limit.", rate_limited);
  Counter(out, "haven_connections_refused_total",
          "Connections refused by the total or per-address cap.", connections_refused);
  return out;
}

}  // namespace haven::server
