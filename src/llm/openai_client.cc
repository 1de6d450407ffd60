#include "llm/openai_client.h"

#include <openssl/ssl.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdlib>
#include <exception>
#include <nlohmann/json.hpp>
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

struct Exchange {
  const Endpoint& endpoint;
  const std::string& target;
  const std::string& body;
  const std::string& key;
  Clock::time_point deadline;
  // Results.
  unsigned status = 0;
  std::string answer;
};

http::request<http::string_body> MakeRequest(const Exchange& ex) {
  http::request<http::string_body> req{http::verb::post, ex.target, 11};
  req.set(http::field::host, ex.endpoint.host);
  req.set(http::field::user_agent, "haven");
  req.set(http::field::content_type, "application/json");
  req.set(http::field::accept, "application/json");
  if (!ex.key.empty()) req.set(http::field::authorization, "Bearer " + ex.key);
  req.body() = ex.body;
  req.prepare_payload();
  return req;
}

template <class Stream>
net::awaitable<void> WriteAndRead(Stream& stream, beast::tcp_stream& tcp_layer, Exchange& ex) {
  auto req = MakeRequest(ex);
  tcp_layer.expires_at(ex.deadline);
  co_await http::async_write(stream, req, net::use_awaitable);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxAnswerBytes);
  tcp_layer.expires_at(ex.deadline);
  co_await http::async_read(stream, buffer, parser, net::use_awaitable);
  ex.status = parser.get().result_int();
  ex.answer = std::move(parser.get().body());
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

}  // namespace

StatusOr<Endpoint> ParseBaseUrl(std::string_view url) {
  Endpoint e;
  std::string_view rest;
  if (url.rfind("https://", 0) == 0) {
    e.tls = true;
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else {
    return InvalidArgument("the model URL must start with http:// or https://");
  }
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (authority.find('@') != std::string_view::npos) {
    return InvalidArgument("the model URL must not carry credentials (use the key variable)");
  }
  std::string_view host = authority, port;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return InvalidArgument("the model URL has a bad host");
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return InvalidArgument("the model URL has a bad host");
      port = authority.substr(close + 2);
    }
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return InvalidArgument("the model URL has no host");
  for (char c : port) {
    if (c < '0' || c > '9') return InvalidArgument("the model URL has a bad port");
  }
  if (port.empty() && authority.back() == ':')
    return InvalidArgument("the model URL has a bad port");
  e.host = std::string(host);
  e.port = port.empty() ? (e.tls ? "443" : "80") : std::string(port);
  e.path = std::string(path);
  return e;
}

std::string ChatCompletionsBody(const std::string& model, const reply::GenerationRequest& request) {
  nlohmann::json messages = nlohmann::json::array();
  for (const auto& m : request.messages) {
    messages.push_back({{"role", m.role}, {"content", m.content}});
  }
  nlohmann::json body = {{"model", model},
                         {"messages", std::move(messages)},
                         {"max_tokens", request.max_tokens},
                         {"temperature", request.temperature},
                         {"n", 1},
                         {"stream", false}};
  // Invalid UTF-8 in a message must not throw here: replace it.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

StatusOr<std::string> ParseChatCompletion(std::string_view body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Internal("bad answer: not a JSON object");
  auto choices = j.find("choices");
  if (choices == j.end() || !choices->is_array() || choices->empty()) {
    return Internal("bad answer: no choices");
  }
  const auto& first = (*choices)[0];
  if (!first.is_object()) return Internal("bad answer: no message");
  auto message = first.find("message");
  if (message == first.end() || !message->is_object()) return Internal("bad answer: no message");
  auto content = message->find("content");
  if (content == message->end() || !content->is_string()) {
    return Internal("bad answer: no content");
  }
  return content->get<std::string>();
}

StatusOr<std::unique_ptr<OpenAiClient>> OpenAiClient::Create(OpenAiOptions options) {
  auto endpoint = ParseBaseUrl(options.base_url);
  if (!endpoint.ok()) return endpoint.status();
  if (options.model.empty()) return InvalidArgument("give the model's name");
  std::string key;
  if (!options.api_key_env.empty()) {
    const char* v = std::getenv(options.api_key_env.c_str());
    if (v == nullptr || *v == '\0') {
      return InvalidArgument("the key variable " + options.api_key_env + " is not set");
    }
    key = v;
  }
  if (options.timeout.count() <= 0) return InvalidArgument("the model timeout must be positive");
  return std::unique_ptr<OpenAiClient>(
      new OpenAiClient(std::move(options), std::move(endpoint).value(), std::move(key)));
}

OpenAiClient::OpenAiClient(OpenAiOptions options, Endpoint endpoint, std::string key)
    : options_(std::move(options)), endpoint_(std::move(endpoint)), key_(std::move(key)) {}

StatusOr<std::string> OpenAiClient::Generate(const reply::GenerationRequest& request) const {
  const std::string target = endpoint_.path + "/chat/completions";
  const std::string body = ChatCompletionsBody(options_.model, request);
  Exchange ex{endpoint_, target, body, key_, Clock::now() + options_.timeout, 0, {}};

  std::optional<ssl::context> tls;
  if (endpoint_.tls) {
    tls.emplace(ssl::context::tls_client);
    tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    beast::error_code ec;
    if (options_.ca_file.empty()) {
      tls->set_default_verify_paths(ec);
    } else {
      tls->load_verify_file(options_.ca_file, ec);
    }
    if (ec) return Internal("unreachable: cannot load the CA certificates");
    tls->set_verify_mode(ssl::verify_peer);
  }

  net::io_context ioc(1);
  std::exception_ptr failure;
  net::co_spawn(ioc, Run(ex, tls ? &*tls : nullptr),
                [&failure](std::exception_ptr e) { failure = e; });
  ioc.run();
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const boost::system::system_error& e) {
      if (e.code() == beast::error::timeout) {
        return Internal("timeout after " + std::to_string(options_.timeout.count()) + " ms");
      }
      if (e.code() == http::error::body_limit) return Internal("bad answer: too large");
      return Internal("unreachable: " + e.code().message());
    } catch (const std::exception&) {
      return Internal("unreachable: the exchange failed");
    }
  }
  if (ex.status < 200 || ex.status >= 300) return Internal("http " + std::to_string(ex.status));
  return ParseChatCompletion(ex.answer);
}

}  // namespace haven::llm
