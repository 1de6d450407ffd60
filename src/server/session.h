// Internal to src/server: what the listener, the HTTP session and the WebSocket session share.
// Only server.cc and websocket_session.cc include it (Beast is heavy to compile).
#pragma once

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>  // before Asio's awaitable (Boost's coroutine headers need it)
#include <vector>

#include "chat/chat_service.h"
#include "chat/oversight.h"
#include "chat/staff_auth.h"
#include "server/http_policy.h"
#include "server/lean_tls_stream.h"
#include "server/server.h"

namespace haven::server::internal {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using PlainStream = beast::tcp_stream;
using TlsStream = LeanTlsStream;  // lean_tls_stream.h: no buffers while idle
using Request = http::request<http::string_body>;

// A connection the server can ask to wind down. Shutdown() is called from any thread; it only
// posts work to the connection's own executor.
class Closable {
 public:
  virtual ~Closable() = default;
  virtual void Shutdown() = 0;
  // Ends the connection if it speaks for `account_id` (the account was erased): a `bye` with
  // `reason`, then close 1008. Called from any thread; posts to the connection's executor.
  virtual void EndAccount(const std::string& account_id, const std::string& reason) {
    (void)account_id;
    (void)reason;
  }
  // Ends the connection if it speaks for the session of `token` (logged out elsewhere): a `bye`
  // with `reason`, then close 1000. Called from any thread; posts to the connection's executor.
  virtual void EndSession(const std::string& token, const std::string& reason) {
    (void)token;
    (void)reason;
  }
  // An oversight event (chat/events.h): a console or the seeker's chat keeps what its reader
  // may see. Called from any thread, in event order; posts to the connection's executor.
  virtual void OnEvent(std::shared_ptr<const chat::Event> event) { (void)event; }
};

// State every connection shares. Lives as long as the server.
struct Shared {
  Shared(ServerOptions o, chat::ChatService& c, int workers)
      : options(std::move(o)), chat(c), pool(static_cast<size_t>(workers)) {}

  ServerOptions options;
  chat::ChatService& chat;
  chat::StaffAuth* staff = nullptr;      // the staff sign-in API; absent: /api/staff/* is 404
  chat::Oversight* oversight = nullptr;  // the console; absent: /console/ws is 404
  AdminApi* admin = nullptr;             // the admin API; absent: /api/admin/* is 404
  Metrics metrics;
  asio::thread_pool pool;  // chat turns
  std::vector<std::string> origins;
  std::atomic<bool> stopping{false};
  KeyedRateLimiter account_limiter{options.account_messages_per_minute,
                                   options.account_message_burst};
  KeyedRateLimiter address_limiter{options.address_messages_per_minute,
                                   options.address_message_burst};
  AddressCounter address_connections;

  // Live connections, for Shutdown and the connection cap.
  uint64_t Register(std::weak_ptr<Closable> c);
  void Unregister(uint64_t id);
  int Count();
  void CloseAll();
  // EndAccount on every live connection (after an erasure).
  void CloseAccount(const std::string& account_id, const std::string& reason);
  // EndSession on every live connection (after a logout).
  void CloseSession(const std::string& token, const std::string& reason);
  // OnEvent on every live connection.
  void Broadcast(std::shared_ptr<const chat::Event> event);
  // Waits until no connection is left or `deadline` passes; true when none is left.
  bool WaitEmpty(std::chrono::steady_clock::time_point deadline);

 private:
  std::vector<std::shared_ptr<Closable>> Live();  // every connection still alive
  std::mutex mu_;
  std::condition_variable empty_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, std::weak_ptr<Closable>> live_;
};

// The security headers on any response.
template <class Fields>
void AddSecurityHeaders(Fields& fields, bool tls) {
  for (const auto& [name, value] : SecurityHeaders(tls)) fields.set(name, value);
}

// Takes over a stream whose HTTP request was a WebSocket upgrade to /ws (the seeker's chat) or,
// with `console`, to /console/ws (origin already checked) and runs the session until it
// closes. Defined in websocket_session.cc for PlainStream and TlsStream.
template <class Stream>
asio::awaitable<void> RunWebSocketSession(std::shared_ptr<Shared> shared, Stream stream,
                                          Request request, bool console);

}  // namespace haven::server::internal
