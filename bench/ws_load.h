// What the WebSocket load generators in bench/ share (server_bench.cc, console_bench.cc): the
// client stream types, connecting over TLS or plain, the seeker's hello, frame tests, timing
// helpers, percentiles, the machine's description, a scratch data directory and raising the
// server's limits so that a bench measures the path, not the limiter.
//
// Internal to bench/: header-only, everything inline, and the namespace aliases below are for
// these programs only.
#pragma once

#include <stdlib.h>
#include <sys/resource.h>
#include <sys/vfs.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>  // before Asio's awaitable
#include <vector>

#include "core/status.h"
#include "server/server.h"
#include "server/tls_cert.h"

namespace haven::bench {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;
using asio::as_tuple;
using asio::use_awaitable;
using Clock = std::chrono::steady_clock;
using TlsWs = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;
using PlainWs = websocket::stream<beast::tcp_stream>;

template <class Ws>
inline constexpr bool kIsTls = std::is_same_v<Ws, TlsWs>;

// ---------------------------------------------------------------------------------------------
// Frames

inline std::string HelloFrame(const std::string& token) {
  if (token.empty()) return R"({"v":1,"type":"hello"})";
  // last_seq far ahead: no history back (the connections of a run are new, not reconnecting).
  return R"({"v":1,"type":"hello","token":")" + token + R"(","last_seq":1000000000000})";
}

// Frames are compact JSON (server/protocol.cc), so a type is this exact text.
inline constexpr std::string_view kWelcome = R"("type":"welcome")";
inline constexpr std::string_view kAck = R"("type":"ack")";
inline constexpr std::string_view kReply = R"("type":"reply")";
inline constexpr std::string_view kError = R"("type":"error")";

inline bool IsType(std::string_view frame, std::string_view needle) {
  return frame.find(needle) != std::string_view::npos;
}

inline std::string_view View(const beast::flat_buffer& b) {
  return {static_cast<const char*>(b.data().data()), b.size()};
}

// ---------------------------------------------------------------------------------------------
// Time

inline double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
inline Clock::duration FromSeconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}
inline float Micros(Clock::duration d) {
  return std::chrono::duration<float, std::micro>(d).count();
}

inline void SleepFor(double seconds) { std::this_thread::sleep_for(FromSeconds(seconds)); }

// Polls `done` every 10 ms until it holds or `timeout_s` passes; returns whether it held.
template <class Pred>
bool WaitUntil(Pred done, double timeout_s) {
  auto deadline = Clock::now() + FromSeconds(timeout_s);
  while (!done()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

struct Percentiles {
  size_t n = 0;
  double p50 = 0, p90 = 0, p99 = 0, max = 0;  // milliseconds
};
// Nearest-rank percentiles of latencies in microseconds, in milliseconds.
inline Percentiles ComputePercentiles(std::vector<float> us) {
  Percentiles p;
  p.n = us.size();
  if (us.empty()) return p;
  std::sort(us.begin(), us.end());
  auto at = [&](double q) {
    size_t i = static_cast<size_t>(q * static_cast<double>(us.size() - 1) + 0.5);
    return us[std::min(i, us.size() - 1)] / 1000.0;
  };
  p.p50 = at(0.50);
  p.p90 = at(0.90);
  p.p99 = at(0.99);
  p.max = us.back() / 1000.0;
  return p;
}

// ---------------------------------------------------------------------------------------------
// The machine

inline std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "unknown CPU";
}

inline std::string FsType(const std::string& path) {
  struct statfs s {};
  if (::statfs(path.c_str(), &s) != 0) return "unknown";
  switch (static_cast<unsigned long>(s.f_type)) {
    case 0xEF53:
      return "ext4";
    case 0x01021994:
      return "tmpfs (fsync costs nothing here)";
    case 0x58465342:
      return "xfs";
    case 0x9123683E:
      return "btrfs";
    case 0x794c7630:
      return "overlayfs";
    default: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "fs 0x%lx", static_cast<unsigned long>(s.f_type));
      return buf;
    }
  }
}

// Prints the 1- and 5-minute load averages.
inline void PrintLoadAverage() {
  std::ifstream load("/proc/loadavg");
  std::string l1, l5;
  load >> l1 >> l5;
  std::printf(
      "load average before the run: %s (1 min), %s (5 min); other work on the machine "
      "lowers every figure here\n",
      l1.c_str(), l5.c_str());
}

// Raises the soft open-file limit to the hard one; returns the limit in effect.
inline rlim_t RaiseFileLimit() {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0) return 0;
  if (r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &r);
    ::getrlimit(RLIMIT_NOFILE, &r);
  }
  return r.rlim_cur;
}

// A fresh directory "<parent>/<prefix>XXXXXX" (parent "" = the temp directory), removed with
// everything in it when this goes. ok() is false when it could not be made.
class ScratchDir {
 public:
  ScratchDir(const std::string& parent, const std::string& prefix) {
    fs::path base = parent.empty() ? fs::temp_directory_path() : fs::path(parent);
    std::string tmpl = (base / (prefix + "XXXXXX")).string();
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  bool ok() const { return !path_.empty(); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// ---------------------------------------------------------------------------------------------
// Haven in-process

// TLS as `haven serve` has it without --tls-cert: the self-signed certificate under `data_dir`.
inline StatusOr<server::TlsFiles> UseSelfSignedTls(server::ServerOptions& so,
                                                   const std::string& data_dir) {
  auto files = server::EnsureSelfSignedCertificate(data_dir);
  if (!files.ok()) return files.status();
  so.tls_cert_file = files->cert;
  so.tls_key_file = files->key;
  return files;
}

// Raises the server's limits so the bench measures the path, not the limiter: message rates
// per connection, per account and per address, and the connection caps. Members that this
// version of ServerOptions lacks are skipped.
inline void RaiseLimits(server::ServerOptions& o, int connections) {
  auto raise = [connections](auto& opt) {
    opt.messages_per_minute = 1e9;
    opt.message_burst = 1e9;
    opt.max_connections = connections;
    if constexpr (requires { opt.account_messages_per_minute; }) {
      opt.account_messages_per_minute = 1e9;
      opt.account_message_burst = 1e9;
    }
    if constexpr (requires { opt.address_messages_per_minute; }) {
      opt.address_messages_per_minute = 1e9;
      opt.address_message_burst = 1e9;
    }
    if constexpr (requires { opt.max_connections_per_address; }) {
      opt.max_connections_per_address = 0;
    }
  };
  raise(o);
}

// ---------------------------------------------------------------------------------------------
// Clients

// The clients' TLS context: our own self-signed certificate on loopback, not verified.
inline ssl::context ClientTlsContext() {
  ssl::context ctx(ssl::context::tls_client);
  ctx.set_verify_mode(ssl::verify_none);
  return ctx;
}

// A connected WebSocket client of `target` ("/ws", "/console/ws"), TLS or not. Throws on failure
// (the callers catch).
template <class Ws>
asio::awaitable<std::unique_ptr<Ws>> Connect(ssl::context& ctx, uint16_t port,
                                             const char* target = "/ws") {
  auto ex = co_await asio::this_coro::executor;
  std::unique_ptr<Ws> ws;
  if constexpr (kIsTls<Ws>) {
    ws = std::make_unique<Ws>(ex, ctx);
  } else {
    (void)ctx;
    ws = std::make_unique<Ws>(ex);
  }
  auto& stream = beast::get_lowest_layer(*ws);
  stream.expires_after(std::chrono::seconds(60));
  co_await stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                                use_awaitable);
  stream.socket().set_option(tcp::no_delay(true));
  if constexpr (kIsTls<Ws>) {
    co_await ws->next_layer().async_handshake(ssl::stream_base::client, use_awaitable);
  }
  stream.expires_never();
  ws->set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
  co_await ws->async_handshake("127.0.0.1:" + std::to_string(port), target, use_awaitable);
  co_return ws;
}

// Sends hello (new seeker when `token` is empty, else resumes) and waits for welcome. Returns the
// token of a new seeker, `token` on a resume, "" when refused. `welcome` (optional) receives the
// welcome frame.
template <class Ws>
asio::awaitable<std::string> Hello(Ws& ws, beast::flat_buffer& buf, const std::string& token,
                                   nlohmann::json* welcome = nullptr) {
  ws.text(true);
  co_await ws.async_write(asio::buffer(HelloFrame(token)), use_awaitable);
  buf.consume(buf.size());
  co_await ws.async_read(buf, use_awaitable);
  std::string_view f = View(buf);
  if (!IsType(f, kWelcome)) co_return "";
  if (!token.empty() && welcome == nullptr) co_return token;
  auto j = nlohmann::json::parse(f, nullptr, false);
  if (welcome != nullptr) *welcome = j;
  if (!token.empty()) co_return token;
  if (!j.is_object() || !j.contains("token") || !j["token"].is_string()) co_return "";
  co_return j["token"].get<std::string>();
}

}  // namespace haven::bench
