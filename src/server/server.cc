// The listener, the HTTP session and the hourly retention sweeper (the WebSocket session is in
// websocket_session.cc).
#include "server/server.h"

#include <openssl/ssl.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <thread>

#include "server/session.h"
#include "server/staff_api.h"

namespace haven::server {
namespace internal {

uint64_t Shared::Register(std::weak_ptr<Closable> c) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t id = next_id_++;
  live_.emplace(id, std::move(c));
  return id;
}

void Shared::Unregister(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  live_.erase(id);
  if (live_.empty()) empty_.notify_all();
}

int Shared::Count() {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(live_.size());
}

std::vector<std::shared_ptr<Closable>> Shared::Live() {
  std::vector<std::shared_ptr<Closable>> all;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, weak] : live_) {
    if (auto c = weak.lock()) all.push_back(std::move(c));
  }
  return all;
}

void Shared::CloseAll() {
  std::vector<std::shared_ptr<Closable>> all = Live();
  for (auto& c : all) c->Shutdown();
}

void Shared::CloseAccount(const std::string& account_id, const std::string& reason) {
  std::vector<std::shared_ptr<Closable>> all = Live();
  for (auto& c : all) c->EndAccount(account_id, reason);
}

void Shared::CloseSession(const std::string& token, const std::string& reason) {
  std::vector<std::shared_ptr<Closable>> all = Live();
  for (auto& c : all) c->EndSession(token, reason);
}

void Shared::Broadcast(std::shared_ptr<const chat::Event> event) {
  std::vector<std::shared_ptr<Closable>> all = Live();
  for (auto& c : all) c->OnEvent(event);
}

bool Shared::WaitEmpty(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  return empty_.wait_until(lock, deadline, [&] { return live_.empty(); });
}

namespace {

using asio::as_tuple;
using asio::use_awaitable;
using Response = http::response<http::string_body>;

Response MakeResponse(const Request& req, http::status status, std::string body,
                      std::string_view content_type, bool tls) {
  Response res{status, req.version()};
  res.set(http::field::server, "haven");
  res.set(http::field::content_type, content_type);
  AddSecurityHeaders(res, tls);
  res.keep_alive(req.keep_alive());
  if (req.method() != http::verb::head) {
    res.body() = std::move(body);
    res.prepare_payload();
  } else {
    res.content_length(body.size());
  }
  return res;
}

std::optional<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string_view PathOf(std::string_view target) {
  return target.substr(0, target.find_first_of("?#"));
}

// A coroutine (a connection's, or the listener's) that ended with an exception: said on stderr,
// never rethrown into the I/O loop.
void ReportConnectionFailure(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "haven serve: connection failed: %s\n", ex.what());
  }
}

// One HTTP/1.1 connection: reads requests and answers them until the peer leaves, an error, a
// timeout or shutdown, or hands the connection to a WebSocket session on an upgrade to /ws.
template <class Stream>
class HttpSession final : public Closable,
                          public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  // `counted`: the peer's address was counted in Shared::address_connections for this
  // connection; released when the session ends.
  HttpSession(std::shared_ptr<Shared> shared, Stream stream, std::string peer_address,
              bool loopback_peer, bool counted)
      : shared_(std::move(shared)),
        stream_(std::move(stream)),
        peer_address_(std::move(peer_address)),
        loopback_peer_(loopback_peer),
        counted_(counted) {}
  ~HttpSession() override {
    if (counted_) shared_->address_connections.Release(peer_address_);
  }

  void Shutdown() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      self->stop_ = true;
      if (self->reading_) beast::get_lowest_layer(self->stream_).cancel();
    });
  }

  // `self` keeps the session alive while the coroutine runs.
  asio::awaitable<void> Run(std::shared_ptr<HttpSession> self) {
    id_ = shared_->Register(self);
    bool upgraded = co_await Serve();
    if (id_ != 0) shared_->Unregister(id_);
    if (!upgraded) co_await Close();
  }

 private:
  // Returns true when the stream went to a WebSocket session.
  asio::awaitable<bool> Serve() {
    const ServerOptions& o = shared_->options;
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      beast::get_lowest_layer(stream_).expires_after(o.handshake_timeout);
      reading_ = true;
      auto [ec] =
          co_await stream_.async_handshake(asio::ssl::stream_base::server, as_tuple(use_awaitable));
      reading_ = false;
      if (ec) {
        shared_->metrics.tls_handshake_failures++;
        co_return false;
      }
    }
    beast::flat_buffer buffer;
    while (!stop_) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(16 * 1024);
      parser.body_limit(16 * 1024);
      beast::get_lowest_layer(stream_).expires_after(o.handshake_timeout);
      reading_ = true;
      auto [ec, n] = co_await http::async_read(stream_, buffer, parser, as_tuple(use_awaitable));
      reading_ = false;
      if (ec) {
        if (ec != http::error::end_of_stream && ec != asio::error::operation_aborted &&
            ec != beast::error::timeout && ec != asio::error::eof) {
          // A malformed request: answer 400 and close.
          Request bad;
          bad.version(11);
          bad.keep_alive(false);
          Response res = MakeResponse(bad, http::status::bad_request, "bad request\n",
                                      "text/plain; charset=utf-8", o.tls);
          shared_->metrics.http_errors++;
          co_await http::async_write(stream_, res, as_tuple(use_awaitable));
        }
        co_return false;
      }
      shared_->metrics.http_requests++;
      Request req = parser.release();
      const bool console_ws =
          PathOf(req.target()) == "/console/ws" && shared_->oversight != nullptr;
      if (websocket::is_upgrade(req) && (PathOf(req.target()) == "/ws" || console_ws) &&
          req.method() == http::verb::get) {
        std::optional<std::string_view> origin;
        if (auto it = req.find(http::field::origin); it != req.end()) origin = it->value();
        if (!OriginAllowed(origin, shared_->origins)) {
          shared_->metrics.origin_refused++;
          req.keep_alive(false);
          co_await Write(MakeResponse(req, http::status::forbidden, "origin not allowed\n",
                                      "text/plain; charset=utf-8", o.tls));
          co_return false;
        }
        if (shared_->stopping) {
          req.keep_alive(false);
          co_await Write(MakeResponse(req, http::status::service_unavailable, "shutting down\n",
                                      "text/plain; charset=utf-8", o.tls));
          co_return false;
        }
        shared_->Unregister(id_);  // the WebSocket session registers itself
        id_ = 0;
        // The WebSocket session runs on its own: this coroutine and its caller end, so an idle
        // connection keeps none of their frames (the parser, the buffer, responses). The
        // completion handler keeps this object, and with it the peer's count in
        // address_connections, until the WebSocket session ends.
        auto ex = stream_.get_executor();
        asio::co_spawn(
            ex,
            RunWebSocketSession<Stream>(shared_, std::move(stream_), std::move(req), console_ws),
            [self = this->shared_from_this()](std::exception_ptr e) {
              ReportConnectionFailure(e);
            });
        co_return true;
      }
      Response res;
      if (PathOf(req.target()).starts_with("/api/staff/")) {
        res = co_await StaffApi(req);  // not inside ?: (GCC 12 miscompiles co_await there)
      } else if (PathOf(req.target()).starts_with("/api/admin/")) {
        res = co_await AdminGet(req);
      } else {
        res = Answer(req);
      }
      if (stop_) res.keep_alive(false);
      bool keep = res.keep_alive();
      if (!co_await Write(std::move(res)) || !keep) co_return false;
    }
    co_return false;
  }

  // The staff sign-in API (server/staff_api.h). Password hashing and storage run on the
  // worker pool. A request from a browser must come from an allowed origin (against cross-site
  // requests); failures never say which part of a sign-in was wrong.
  asio::awaitable<Response> StaffApi(const Request& req) {
    const bool tls = shared_->options.tls;
    const std::string_view json = "application/json; charset=utf-8";
    auto answer = [&](http::status status, std::string body) {
      return MakeResponse(req, status, std::move(body), json, tls);
    };
    const std::string_view path = PathOf(req.target());
    chat::StaffAuth* staff = shared_->staff;
    if (staff == nullptr ||
        (path != "/api/staff/login" && path != "/api/staff/logout" && path != "/api/staff/me")) {
      co_return answer(http::status::not_found, EncodeApiError("not_found"));
    }
    const http::verb want = path == "/api/staff/me" ? http::verb::get : http::verb::post;
    if (req.method() != want) {
      Response res = answer(http::status::method_not_allowed, EncodeApiError("method_not_allowed"));
      res.set(http::field::allow, want == http::verb::get ? "GET" : "POST");
      co_return res;
    }
    std::optional<std::string_view> origin;
    if (auto it = req.find(http::field::origin); it != req.end()) origin = it->value();
    if (!OriginAllowed(origin, shared_->origins)) {
      shared_->metrics.origin_refused++;
      co_return answer(http::status::forbidden, EncodeApiError("origin_not_allowed"));
    }
    if (path == "/api/staff/login") {
      auto type = req[http::field::content_type];
      if (!type.starts_with("application/json")) {
        co_return answer(http::status::unsupported_media_type, EncodeApiError("json_only"));
      }
      std::optional<StaffLoginRequest> login = DecodeStaffLogin(req.body());
      if (!login) co_return answer(http::status::bad_request, EncodeApiError("bad_request"));
      const std::string address = peer_address_;
      auto result = co_await OnWorkers(
          [&] { return staff->Login(login->username, login->password, login->totp, address); });
      if (!result.ok()) {
        if (result.status().code() == StatusCode::kInternal) {
          co_return answer(http::status::internal_server_error, EncodeApiError("internal"));
        }
        co_return answer(http::status::unauthorized, EncodeApiError("invalid_credentials"));
      }
      co_return answer(http::status::ok, EncodeStaffLogin(*result));
    }
    std::optional<std::string> token = BearerToken(req[http::field::authorization]);
    if (path == "/api/staff/logout") {
      if (!token) co_return answer(http::status::unauthorized, EncodeApiError("not_signed_in"));
      Status s = co_await OnWorkers([&] { return staff->Logout(*token); });
      if (!s.ok())
        co_return answer(http::status::internal_server_error, EncodeApiError("internal"));
      shared_->CloseSession(*token, "logged out");
      Response res{http::status::no_content, req.version()};
      res.set(http::field::server, "haven");
      AddSecurityHeaders(res, tls);
      res.keep_alive(req.keep_alive());
      co_return res;
    }
    if (!token) co_return answer(http::status::unauthorized, EncodeApiError("not_signed_in"));
    auto identity = co_await OnWorkers([&] { return staff->CheckSession(*token); });
    if (!identity.ok()) {
      if (identity.status().code() == StatusCode::kInternal) {
        co_return answer(http::status::internal_server_error, EncodeApiError("internal"));
      }
      co_return answer(http::status::unauthorized, EncodeApiError("not_signed_in"));
    }
    co_return answer(http::status::ok, EncodeStaffIdentity(*identity));
  }

  // The admin API (server/admin_api.h): GET only, Origin checked like the staff API, a staff
  // session's bearer token; the answer comes from the AdminApi on the worker pool.
  asio::awaitable<Response> AdminGet(const Request& req) {
    const bool tls = shared_->options.tls;
    const std::string_view json = "application/json; charset=utf-8";
    auto answer = [&](http::status status, std::string body) {
      return MakeResponse(req, status, std::move(body), json, tls);
    };
    chat::StaffAuth* staff = shared_->staff;
    AdminApi* admin = shared_->admin;
    if (staff == nullptr || admin == nullptr) {
      co_return answer(http::status::not_found, EncodeApiError("not_found"));
    }
    // Reads are GETs; the model registry's changes (models/approve, models/rollback) are POSTs
    // of JSON.
    const std::string_view target = req.target();
    const std::string what(PathOf(target).substr(std::string_view("/api/admin/").size()));
    const bool post_route = what.starts_with("models/");
    const http::verb want = post_route ? http::verb::post : http::verb::get;
    if (req.method() != want) {
      Response res = answer(http::status::method_not_allowed, EncodeApiError("method_not_allowed"));
      res.set(http::field::allow, post_route ? "POST" : "GET");
      co_return res;
    }
    std::optional<std::string_view> origin;
    if (auto it = req.find(http::field::origin); it != req.end()) origin = it->value();
    if (!OriginAllowed(origin, shared_->origins)) {
      shared_->metrics.origin_refused++;
      co_return answer(http::status::forbidden, EncodeApiError("origin_not_allowed"));
    }
    if (post_route && !req[http::field::content_type].starts_with("application/json")) {
      co_return answer(http::status::unsupported_media_type, EncodeApiError("json_only"));
    }
    std::optional<std::string> token = BearerToken(req[http::field::authorization]);
    if (!token) co_return answer(http::status::unauthorized, EncodeApiError("not_signed_in"));
    auto identity = co_await OnWorkers([&] { return staff->CheckSession(*token); });
    if (!identity.ok()) {
      if (identity.status().code() == StatusCode::kInternal) {
        co_return answer(http::status::internal_server_error, EncodeApiError("internal"));
      }
      co_return answer(http::status::unauthorized, EncodeApiError("not_signed_in"));
    }
    const size_t q = target.find('?');
    const std::string query(q == std::string_view::npos ? "" : target.substr(q + 1));
    const std::string payload = post_route ? req.body() : std::string();
    auto body = co_await OnWorkers([&] {
      return post_route ? admin->Post(what, payload, *identity)
                        : admin->Get(what, query, *identity);
    });
    if (body.ok()) co_return answer(http::status::ok, std::move(body).value());
    const Status& s = body.status();
    switch (s.code()) {
      case StatusCode::kNotFound:
        co_return answer(http::status::not_found, EncodeApiError("not_found"));
      case StatusCode::kInvalidArgument:
        co_return answer(http::status::bad_request, EncodeApiError("bad_request"));
      case StatusCode::kFailedPrecondition:
        if (s.message() == "forbidden") {
          co_return answer(http::status::forbidden, EncodeApiError("forbidden"));
        }
        // "refused: <why>" is a refusal with its reason; anything else is an error code.
        if (s.message().starts_with("refused: ")) {
          co_return answer(http::status::conflict,
                           EncodeAdminRefusal(s.message().substr(sizeof("refused: ") - 1)));
        }
        co_return answer(http::status::conflict, EncodeApiError(s.message()));
      default:
        co_return answer(http::status::internal_server_error, EncodeApiError("internal"));
    }
  }

  // Runs `fn` on the worker pool and resumes here with its result.
  template <class Fn>
  asio::awaitable<std::invoke_result_t<Fn>> OnWorkers(Fn fn) {
    using R = std::invoke_result_t<Fn>;
    struct Box {
      std::optional<R> value;
    };
    Box box = co_await asio::co_spawn(
        shared_->pool, [&fn]() -> asio::awaitable<Box> { co_return Box{std::optional<R>(fn())}; },
        use_awaitable);
    co_return std::move(*box.value);
  }

  Response Answer(const Request& req) {
    const bool tls = shared_->options.tls;
    const std::string_view text = "text/plain; charset=utf-8";
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
      Response res =
          MakeResponse(req, http::status::method_not_allowed, "method not allowed\n", text, tls);
      res.set(http::field::allow, "GET, HEAD");
      return res;
    }
    std::string_view path = PathOf(req.target());
    if (path == "/healthz") return MakeResponse(req, http::status::ok, "ok\n", text, tls);
    if (path == "/metrics") {
      if (!loopback_peer_)
        return MakeResponse(req, http::status::not_found, "not found\n", text, tls);
      return MakeResponse(req, http::status::ok, shared_->metrics.Render(),
                          "text/plain; version=0.0.4; charset=utf-8", tls);
    }
    if (path == "/ws" || (path == "/console/ws" && shared_->oversight)) {
      return MakeResponse(req, http::status::upgrade_required, "WebSocket only\n", text, tls);
    }
    if (auto file = ResolveStaticPath(shared_->options.web_root, req.target())) {
      if (auto body = ReadFile(*file)) {
        return MakeResponse(req, http::status::ok, std::move(*body), MimeType(*file), tls);
      }
    }
    return MakeResponse(req, http::status::not_found, "not found\n", text, tls);
  }

  asio::awaitable<bool> Write(Response res) {
    if (static_cast<int>(res.result_int()) >= 400) shared_->metrics.http_errors++;
    beast::get_lowest_layer(stream_).expires_after(shared_->options.handshake_timeout);
    auto [ec, n] = co_await http::async_write(stream_, res, as_tuple(use_awaitable));
    co_return !ec;
  }

  asio::awaitable<void> Close() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
      co_await stream_.async_shutdown(as_tuple(use_awaitable));
    }
    beast::error_code ec;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(stream_).close();
  }

  std::shared_ptr<Shared> shared_;
  Stream stream_;
  std::string peer_address_;
  bool loopback_peer_;
  bool counted_;
  bool reading_ = false;
  bool stop_ = false;
  uint64_t id_ = 0;
};

// Accepts connections and starts an HTTP session for each, up to the connection cap.
class Listener {
 public:
  Listener(std::shared_ptr<Shared> shared, tcp::acceptor& acceptor, asio::ssl::context* ssl_context)
      : shared_(std::move(shared)), acceptor_(acceptor), ssl_(ssl_context) {}

  asio::awaitable<void> Run() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(as_tuple(use_awaitable));
      if (ec) {
        if (!acceptor_.is_open() || shared_->stopping) co_return;
        continue;  // e.g. too many open files: try the next one
      }
      const ServerOptions& o = shared_->options;
      if (shared_->Count() >= o.max_connections) {
        shared_->metrics.connections_refused++;
        continue;  // closed by RAII
      }
      beast::error_code peer_ec;
      auto peer = socket.remote_endpoint(peer_ec);
      if (peer_ec) continue;  // already gone
      // Frames go out as soon as they are written (an ack and its reply are two frames: without
      // this, Nagle holds the reply until the client's delayed ACK, about 40 ms).
      socket.set_option(tcp::no_delay(true), peer_ec);
      const bool loopback = peer.address().is_loopback();
      std::string address = peer.address().to_string();
      const bool counted = (!loopback || o.limit_loopback) && o.max_connections_per_address > 0;
      if (counted &&
          !shared_->address_connections.Acquire(address, o.max_connections_per_address)) {
        shared_->metrics.connections_refused++;
        continue;  // closed by RAII
      }
      auto ex = socket.get_executor();
      if (ssl_ != nullptr) {
        auto s = std::make_shared<HttpSession<TlsStream>>(
            shared_, TlsStream(beast::tcp_stream(std::move(socket)), *ssl_), std::move(address),
            loopback, counted);
        asio::co_spawn(ex, s->Run(s), ReportConnectionFailure);
      } else {
        auto s = std::make_shared<HttpSession<PlainStream>>(shared_, PlainStream(std::move(socket)),
                                                            std::move(address), loopback, counted);
        asio::co_spawn(ex, s->Run(s), ReportConnectionFailure);
      }
    }
  }

 private:
  std::shared_ptr<Shared> shared_;
  tcp::acceptor& acceptor_;
  asio::ssl::context* ssl_;
};

// The retention sweeper (chat::ChatService::SweepRetention): once at start, then every
// kRetentionSweepInterval, on the worker pool so the I/O thread never waits on storage. Plain
// handlers with a raw Shared*: Server::Impl destroys the I/O context (and with it a pending
// wait) before Shared, and Shutdown joins the pool before either.
constexpr std::chrono::hours kRetentionSweepInterval{1};
constexpr std::chrono::seconds kUnansweredSweepInterval{5};

void SweepOnWorkers(Shared* shared) {
  asio::post(shared->pool, [shared] {
    if (shared->stopping) return;
    auto swept = shared->chat.SweepRetention();
    if (!swept.ok()) {  // the message names no person's data (core/status.h); next hour
      std::fprintf(stderr, "haven serve: retention sweep failed: %s\n",
                   swept.status().message().c_str());
    }
  });
}

// Conversations nobody has taken within the escalation policy's limits (chat/oversight.h).
void ScheduleUnanswered(Shared* shared, asio::steady_timer* timer) {
  timer->expires_after(kUnansweredSweepInterval);
  timer->async_wait([shared, timer](boost::system::error_code ec) {
    if (ec || shared->stopping) return;
    asio::post(shared->pool, [shared] {
      if (shared->stopping) return;
      auto told = shared->oversight->SweepUnanswered();
      if (!told.ok()) {
        std::fprintf(stderr, "haven serve: unanswered sweep failed: %s\n",
                     told.status().message().c_str());
      }
    });
    ScheduleUnanswered(shared, timer);
  });
}

void ScheduleSweep(Shared* shared, asio::steady_timer* timer) {
  timer->expires_after(kRetentionSweepInterval);
  timer->async_wait([shared, timer](boost::system::error_code ec) {
    if (ec || shared->stopping) return;  // cancelled: shutting down
    SweepOnWorkers(shared);
    ScheduleSweep(shared, timer);
  });
}

}  // namespace
}  // namespace internal

struct Server::Impl {
  std::shared_ptr<internal::Shared> shared;
  internal::asio::io_context io{1};
  std::optional<internal::asio::ssl::context> ssl;
  std::optional<internal::tcp::acceptor> acceptor;
  std::unique_ptr<internal::Listener> listener;
  std::optional<internal::asio::steady_timer> sweep_timer;
  std::optional<internal::asio::steady_timer> unanswered_timer;
  uint64_t subscription = 0;
  std::thread thread;
  std::string host_for_url;
  uint16_t port = 0;
  std::mutex shutdown_mu;
  bool shut_down = false;
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() { Shutdown(); }

uint16_t Server::port() const { return impl_->port; }
const Metrics& Server::metrics() const { return impl_->shared->metrics; }

std::string Server::url() const {
  return std::string(impl_->shared->options.tls ? "https://" : "http://") + impl_->host_for_url +
         ":" + std::to_string(impl_->port);
}

StatusOr<std::unique_ptr<Server>> Server::Start(ServerOptions options, chat::ChatService& chat,
                                                chat::StaffAuth* staff, chat::Oversight* oversight,
                                                AdminApi* admin) {
  namespace asio = internal::asio;
  using internal::tcp;
  auto impl = std::make_unique<Impl>();
  std::string host = options.host == "localhost" ? "127.0.0.1" : options.host;
  if (!host.empty() && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  boost::system::error_code ec;
  asio::ip::address address = asio::ip::make_address(host, ec);
  if (ec) return InvalidArgument("listen: not an IP address: " + options.host);
  if (!options.tls && !address.is_loopback()) {
    return FailedPrecondition("plain HTTP (--insecure-http) is only allowed on a loopback address");
  }
  if (options.tls) {
    if (options.tls_cert_file.empty() || options.tls_key_file.empty()) {
      return FailedPrecondition("TLS needs a certificate and a key");
    }
    try {
      impl->ssl.emplace(asio::ssl::context::tls_server);
      impl->ssl->set_options(asio::ssl::context::default_workarounds |
                             asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                             asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                             asio::ssl::context::single_dh_use);
      SSL_CTX* ctx = impl->ssl->native_handle();
      SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
      // Idle connections keep no record buffers (LeanTlsStream, docs/benchmarks.md); no
      // renegotiation; resumption by tickets only, so no server-side session cache grows with
      // the connections.
      SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
      SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
      SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
      impl->ssl->use_certificate_chain_file(options.tls_cert_file);
    } catch (const std::exception&) {
      return Internal("tls: cannot load the certificate " + options.tls_cert_file);
    }
    try {
      impl->ssl->use_private_key_file(options.tls_key_file, asio::ssl::context::pem);
    } catch (const std::exception&) {
      return Internal("tls: cannot load the private key " + options.tls_key_file);
    }
  }
  impl->acceptor.emplace(impl->io);
  tcp::endpoint endpoint(address, options.port);
  impl->acceptor->open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor->bind(endpoint, ec);
  if (!ec) impl->acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Internal("listen: cannot bind " + options.host + ":" + std::to_string(options.port) +
                    ": " + ec.message());
  }
  impl->port = impl->acceptor->local_endpoint().port();
  impl->host_for_url = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  if (options.host == "localhost") impl->host_for_url = "localhost";

  int workers = std::max(1, options.worker_threads);
  impl->shared = std::make_shared<internal::Shared>(std::move(options), chat, workers);
  internal::Shared& shared = *impl->shared;
  shared.staff = staff;
  shared.oversight = oversight;
  shared.admin = admin;
  shared.origins = shared.options.allowed_origins;
  if (shared.origins.empty()) {
    std::string scheme = shared.options.tls ? "https://" : "http://";
    std::string port = ":" + std::to_string(impl->port);
    shared.origins.push_back(scheme + impl->host_for_url + port);
    if (address.is_loopback()) {
      for (const char* h : {"localhost", "127.0.0.1", "[::1]"}) {
        shared.origins.push_back(scheme + h + port);
      }
    }
  }
  impl->listener = std::make_unique<internal::Listener>(impl->shared, *impl->acceptor,
                                                        impl->ssl ? &*impl->ssl : nullptr);
  asio::co_spawn(impl->io, impl->listener->Run(), internal::ReportConnectionFailure);
  impl->sweep_timer.emplace(impl->io);
  internal::SweepOnWorkers(impl->shared.get());
  internal::ScheduleSweep(impl->shared.get(), &*impl->sweep_timer);
  impl->unanswered_timer.emplace(impl->io);
  if (oversight) {
    std::weak_ptr<internal::Shared> weak = impl->shared;
    impl->subscription = oversight->events().Subscribe([weak](const chat::Event& e) {
      if (auto shared = weak.lock()) shared->Broadcast(std::make_shared<const chat::Event>(e));
    });
    internal::ScheduleUnanswered(impl->shared.get(), &*impl->unanswered_timer);
  }
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] {
    for (;;) {
      try {
        raw->io.run();
        return;
      } catch (const std::exception& e) {
        std::fprintf(stderr, "haven serve: I/O loop: %s\n", e.what());
      }
    }
  });
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

void Server::Shutdown(std::chrono::milliseconds grace) {
  std::lock_guard<std::mutex> lock(impl_->shutdown_mu);
  if (impl_->shut_down) return;
  impl_->shut_down = true;
  auto& shared = *impl_->shared;
  shared.stopping = true;
  // Stop accepting (on the I/O thread, which owns the acceptor).
  internal::asio::post(impl_->io, [this] {
    boost::system::error_code ec;
    impl_->acceptor->close(ec);
    impl_->sweep_timer->cancel();
    impl_->unanswered_timer->cancel();
  });
  if (shared.oversight) shared.oversight->events().Unsubscribe(impl_->subscription);
  shared.CloseAll();
  auto deadline = std::chrono::steady_clock::now() + grace;
  if (!shared.WaitEmpty(deadline)) {
    std::fprintf(stderr, "haven serve: %d connections cut after the grace period\n",
                 shared.Count());
  }
  shared.pool.join();
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace haven::server
