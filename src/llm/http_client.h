// HttpPost: one HTTP/1.1 POST over HTTP or HTTPS, for Haven's outgoing calls (the language model
// in llm/openai_client.h, the on-call webhooks in server/webhook.h). Boost.Beast's client code
// lives in http_client.cc only (heavy to compile).
//
// One request per call, on its own connection, bounded by one deadline for the whole exchange
// (resolve, connect, TLS handshake, write, read). HTTPS verifies the server's certificate and
// host name against the system's CAs, or against `ca_file` when given. The answer's body is read
// up to 1 MiB. No redirect is followed. Errors never quote the headers, the body or the answer.
// Thread-safe: calls share nothing.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace haven::llm {

// The parts of an http:// or https:// URL.
struct Endpoint {
  bool tls = false;
  std::string host;  // without brackets for IPv6
  std::string port;  // "80"/"443" when the URL gives none
  std::string path;  // the path (and query) without a trailing '/', e.g. "/v1"; may be ""
};

// InvalidArgument for anything but http:// or https:// with a host and a numeric port, or a URL
// with credentials in it. `what` names the URL in the message ("the model URL").
StatusOr<Endpoint> ParseHttpUrl(std::string_view url, std::string_view what = "the URL");

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  unsigned status = 0;
  HttpHeaders headers;  // as received, in order
  std::string body;

  // The first header called `name` (case-insensitive); "" when there is none.
  std::string Header(std::string_view name) const;
};

// What went wrong when HttpPost gives no answer; the Status message starts with the kind's name
// ("timeout", "connect: ...", "tls: ...", "http: ...").
enum class HttpErrorKind {
  kTimeout,  // the deadline passed, in any phase
  kConnect,  // the name did not resolve or nobody accepted the connection
  kTls,      // the handshake failed (certificate, host name, protocol) or the CAs did not load
  kHttp,     // writing, reading or parsing failed, or the answer was too large
};
// The kind named at the start of an HttpPost error (kHttp for anything else).
HttpErrorKind HttpErrorKindOf(const Status& status);
std::string_view HttpErrorKindName(HttpErrorKind kind);  // "timeout", "connect", "tls", "http"

// POSTs `body` to `target` (an origin-form path like "/v1/chat/completions") on `endpoint` and
// returns the answer, whatever its status code. Sets Host and Content-Length itself; `headers`
// adds the rest (Content-Type, User-Agent, ...). Internal with an HttpErrorKind prefix when no
// complete answer came back within `timeout`.
StatusOr<HttpResponse> HttpPost(const Endpoint& endpoint, const std::string& target,
                                const HttpHeaders& headers, const std::string& body,
                                std::chrono::milliseconds timeout, const std::string& ca_file);

}  // namespace haven::llm
