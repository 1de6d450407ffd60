#include "llm/http_client.h"

#include <openssl/ssl.h>
#include <strings.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <exception>
#include <optional>
#include <utility>

namespace haven::llm {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr size_t kMaxAnswerBytes = 1 << 20;

// Where the exchange is, so that a failure can say which kind it is.
enum class Phase { kConnect, kTls, kHttp };

struct Exchange {
  const Endpoint& endpoint;
  const std::string& target;
  const HttpHeaders& headers;
  const std::string& body;
  Clock::time_point deadline;
  Phase phase = Phase::kConnect;
  HttpResponse response;
};

http::request<http::string_body> MakeRequest(const Exchange& ex) {
  http::request<http::string_body> req{http::verb::post, ex.target, 11};
  req.set(http::field::host, ex.endpoint.host);
  for (const auto& [name, value] : ex.headers) req.set(name, value);
  req.body() = ex.body;
  req.prepare_payload();
  return req;
}

template <class Stream>
net::awaitable<void> WriteAndRead(Stream& stream, beast::tcp_stream& tcp_layer, Exchange& ex) {
  ex.phase = Phase::kHttp;
  auto req = MakeRequest(ex);
  tcp_layer.expires_at(ex.deadline);
  co_await http::async_write(stream, req, net::use_awaitable);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxAnswerBytes);
  tcp_layer.expires_at(ex.deadline);
  co_await http::async_read(stream, buffer, parser, net::use_awaitable);
  auto& answer = parser.get();
  ex.response.status = answer.result_int();
  for (const auto& field : answer) {
    ex.response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  ex.response.body = std::move(answer.body());
}

net::awaitable<void> Run(Exchange& ex, ssl::context* tls) {
  auto executor = co_await net::this_coro::executor;
  tcp::resolver resolver(executor);
  beast::tcp_stream stream(executor);
  stream.expires_at(ex.deadline);
  auto results =
      co_await resolver.async_resolve(ex.endpoint.host, ex.endpoint.port, net::use_awaitable);
  stream.expires_at(ex.deadline);
  co_await stream.async_connect(results, net::use_awaitable);
  if (tls == nullptr) {
    co_await WriteAndRead(stream, stream, ex);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return;
  }
  ex.phase = Phase::kTls;
  beast::ssl_stream<beast::tcp_stream> secure(std::move(stream), *tls);
  if (!SSL_set_tlsext_host_name(secure.native_handle(), ex.endpoint.host.c_str())) {
    throw beast::system_error(
        beast::error_code(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category()));
  }
  secure.set_verify_callback(ssl::host_name_verification(ex.endpoint.host));
  beast::get_lowest_layer(secure).expires_at(ex.deadline);
  co_await secure.async_handshake(ssl::stream_base::client, net::use_awaitable);
  co_await WriteAndRead(secure, beast::get_lowest_layer(secure), ex);
  // A TLS close is a courtesy here: the answer is already complete.
  beast::get_lowest_layer(secure).expires_after(std::chrono::milliseconds(200));
  beast::error_code ignored;
  beast::get_lowest_layer(secure).socket().shutdown(tcp::socket::shutdown_both, ignored);
}

Status Failure(Phase phase, const std::string& what) {
  switch (phase) {
    case Phase::kConnect:
      return Internal("connect: " + what);
    case Phase::kTls:
      return Internal("tls: " + what);
    case Phase::kHttp:
      break;
  }
  return Internal("http: " + what);
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

StatusOr<Endpoint> ParseHttpUrl(std::string_view url, std::string_view what_view) {
  const std::string what(what_view);
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return InvalidArgument(what + " must not contain spaces or control characters");
    }
  }
  Endpoint e;
  std::string_view rest;
  if (StartsWith(url, "https://")) {
    e.tls = true;
    rest = url.substr(8);
  } else if (StartsWith(url, "http://")) {
    rest = url.substr(7);
  } else {
    return InvalidArgument(what + " must start with http:// or https://");
  }
  if (size_t hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  size_t end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, end);
  std::string_view path = end == std::string_view::npos ? "" : rest.substr(end);
  if (authority.find('@') != std::string_view::npos) {
    return InvalidArgument(what + " must not carry credentials");
  }
  std::string_view host = authority, port;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return InvalidArgument(what + " has a bad host");
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return InvalidArgument(what + " has a bad host");
      port = authority.substr(close + 2);
    }
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return InvalidArgument(what + " has no host");
  for (char c : port) {
    if (c < '0' || c > '9') return InvalidArgument(what + " has a bad port");
  }
  if (port.empty() && authority.back() == ':') return InvalidArgument(what + " has a bad port");
  if (port.size() > 5 || (!port.empty() && std::stoi(std::string(port)) > 65535)) {
    return InvalidArgument(what + " has a bad port");
  }
  e.host = std::string(host);
  e.port = port.empty() ? (e.tls ? "443" : "80") : std::string(port);
  if (!path.empty() && path.front() == '?') {
    e.path = "/" + std::string(path);
  } else {
    e.path = std::string(path);
  }
  return e;
}

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n.size() == name.size() && ::strncasecmp(n.data(), name.data(), n.size()) == 0) return v;
  }
  return "";
}

HttpErrorKind HttpErrorKindOf(const Status& status) {
  const std::string& m = status.message();
  if (StartsWith(m, "timeout")) return HttpErrorKind::kTimeout;
  if (StartsWith(m, "connect:")) return HttpErrorKind::kConnect;
  if (StartsWith(m, "tls:")) return HttpErrorKind::kTls;
  return HttpErrorKind::kHttp;
}

std::string_view HttpErrorKindName(HttpErrorKind kind) {
  switch (kind) {
    case HttpErrorKind::kTimeout:
      return "timeout";
    case HttpErrorKind::kConnect:
      return "connect";
    case HttpErrorKind::kTls:
      return "tls";
    case HttpErrorKind::kHttp:
      break;
  }
  return "http";
}

StatusOr<HttpResponse> HttpPost(const Endpoint& endpoint, const std::string& target,
                                const HttpHeaders& headers, const std::string& body,
                                std::chrono::milliseconds timeout, const std::string& ca_file) {
  if (timeout.count() <= 0) return Internal("timeout before the exchange began");
  std::optional<ssl::context> tls;
  try {
    if (endpoint.tls) {
      tls.emplace(ssl::context::tls_client);
      tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
      beast::error_code ec;
      if (ca_file.empty()) {
        tls->set_default_verify_paths(ec);
      } else {
        tls->load_verify_file(ca_file, ec);
      }
      if (ec) return Internal("tls: cannot load the CA certificates");
      tls->set_verify_mode(ssl::verify_peer);
    }
  } catch (const std::exception&) {
    return Internal("tls: cannot make a TLS context");
  }

  Exchange ex{endpoint, target, headers, body, Clock::now() + timeout, Phase::kConnect, {}};
  std::exception_ptr failure;
  try {
    net::io_context ioc(1);
    net::co_spawn(ioc, Run(ex, tls ? &*tls : nullptr),
                  [&failure](std::exception_ptr e) { failure = e; });
    ioc.run();
  } catch (const std::exception&) {
    return Failure(ex.phase, "the exchange failed");
  }
  if (!failure) return std::move(ex.response);
  try {
    std::rethrow_exception(failure);
  } catch (const boost::system::system_error& e) {
    if (e.code() == beast::error::timeout) {
      return Internal("timeout after " + std::to_string(timeout.count()) + " ms");
    }
    if (e.code() == http::error::body_limit) return Internal("http: answer too large");
    return Failure(ex.phase, e.code().message());
  } catch (const std::exception&) {
    return Failure(ex.phase, "the exchange failed");
  }
}

}  // namespace haven::llm
