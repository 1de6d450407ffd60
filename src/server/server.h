// Server: HTTPS and WebSocket in front of the chat service (chat/chat_service.h). Bytes in,
// ChatService calls, bytes out; no use-case logic lives here.
//
//   GET /healthz     200 "ok"
//   GET /metrics     Prometheus text (server/http_policy.h); from a loopback address only
//   GET /ws          the WebSocket chat protocol v1 (docs/protocol.md), Origin checked
//   GET /console/ws  the staff console protocol v1 (with an Oversight), Origin checked
//   /api/staff/...   staff sign-in (server/staff_api.h): POST login, POST logout, GET me
//   /api/admin/...   the admin pages' data (server/admin_api.h), GET with a staff token
//   GET /<file>      the pages under web_root ("/" is chat.html); nothing outside it
//   other methods    405 (TRACE included), POST only on the staff API; every response
//                    carries the security headers
//
// Threads: one I/O thread runs every socket (Asio C++20 coroutines); chat turns run on a small
// worker pool so a slow turn never stalls other connections. Start returns once the port is
// bound; the server runs until Shutdown or destruction.
//
// Shutdown (thread-safe, idempotent, blocks): stops accepting, lets every turn in flight finish
// and be answered, closes each WebSocket with 1001 "server shutting down" and each idle HTTP
// connection, then joins the threads; after `grace` whatever is left is cut.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "chat/chat_service.h"
#include "chat/oversight.h"
#include "chat/staff_auth.h"
#include "core/status.h"
#include "server/admin_api.h"
#include "server/http_policy.h"

namespace haven::server {

struct ServerOptions {
  std::string host = "127.0.0.1";  // an IP address, or "localhost"
  uint16_t port = 0;               // 0: any free port (see Server::port)
  bool tls = true;                 // false only on a loopback address (--insecure-http)
  std::string tls_cert_file;       // PEM chain; required when tls
  std::string tls_key_file;        // PEM private key; required when tls
  std::string web_root;            // the pages; "" serves none
  // Origins allowed to open /ws ("https://haven.example"). Empty: the server's own origin,
  // and on a loopback address the same with localhost, 127.0.0.1 and [::1].
  std::vector<std::string> allowed_origins;
  size_t max_frame_bytes = 64 * 1024;  // a bigger WebSocket message is closed with 1009
  std::chrono::milliseconds handshake_timeout{10'000};  // TLS + HTTP request + WS upgrade + hello
  std::chrono::milliseconds idle_timeout{300'000};      // a WebSocket with no traffic (pings count)
  // Rate limits on messages and the other frames that do work (privacy, mood, ...), each a
  // token bucket: per connection, per seeker account (all its connections and tabs together),
  // and per network address (every account behind it; people behind one NAT share it, so it
  // is generous).
  double messages_per_minute = 30;  // per connection, on average
  double message_burst = 10;        // messages at once before the rate applies
  double account_messages_per_minute = 30;
  double account_message_burst = 10;
  double address_messages_per_minute = 600;
  double address_message_burst = 100;
  int max_connections = 1000;             // in all
  int max_connections_per_address = 100;  // 0: no cap
  // Per-address limits do not apply to loopback clients (this machine: the operator, a local
  // reverse proxy, the tests and benchmarks) unless this is set.
  bool limit_loopback = false;
  // Chat turns run on these threads. Most of a turn's time is the wait for its commit's fsync,
  // and the store commits the turns that wait together at once (group commit, SqliteStore):
  // more workers, more turns per fsync. The analysis itself is a few hundred microseconds.
  int worker_threads = 16;
};

class Server {
 public:
  // Binds and starts serving. FailedPrecondition for plain HTTP on a non-loopback address or
  // a missing certificate; InvalidArgument for a malformed host; Internal when the port cannot
  // be bound or TLS cannot be set up (the message names the file or address).
  // `staff` (optional) answers the staff sign-in API (server/staff_api.h); without it
  // /api/staff/* is 404. Both must outlive the server.
  // `oversight` (optional) serves the staff console at /console/ws (docs/protocol.md, "Console
  // protocol v1"), pushes staff messages to the seeker's chat, and sweeps for conversations
  // nobody has taken (every 5 s); without it /console/ws is 404.
  // `admin` (optional, with `staff`) answers GET /api/admin/* (server/admin_api.h) for signed-in
  // staff; without it /api/admin/* is 404.
  static StatusOr<std::unique_ptr<Server>> Start(ServerOptions options, chat::ChatService& chat,
                                                 chat::StaffAuth* staff = nullptr,
                                                 chat::Oversight* oversight = nullptr,
                                                 AdminApi* admin = nullptr);
  ~Server();  // Shutdown()

  uint16_t port() const;
  // "https://127.0.0.1:8443" (http:// with --insecure-http); IPv6 hosts in brackets.
  std::string url() const;
  void Shutdown(std::chrono::milliseconds grace = std::chrono::seconds(10));
  const Metrics& metrics() const;

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace haven::server
