#include "server/lean_tls_stream.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <sys/socket.h>

#include <boost/asio/ssl/error.hpp>
#include <cerrno>
#include <stdexcept>

namespace haven::server::internal {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using Core = LeanTlsStream::Core;

// Reads from the socket without blocking: the byte of the last wait first, then what the
// kernel has. No bytes yet: a retry, which SSL_ turns into SSL_ERROR_WANT_READ.
int BioRead(BIO* bio, char* buf, int len) {
  auto* c = static_cast<Core*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  if (len <= 0) return 0;
  int got = 0;
  if (c->has_peek) {
    buf[got++] = static_cast<char>(c->peek);
    c->has_peek = false;
  }
  if (got < len && !c->eof) {
    ssize_t r;
    do {
      r = ::recv(c->fd, buf + got, static_cast<size_t>(len - got), MSG_DONTWAIT);
    } while (r < 0 && errno == EINTR);
    if (r > 0) {
      got += static_cast<int>(r);
    } else if (r == 0) {
      c->eof = true;
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && got == 0) {
      c->sys_error = errno;
      return -1;
    }
  }
  if (got > 0) return got;
  if (c->eof) return 0;
  BIO_set_retry_read(bio);
  return -1;
}

// Keeps what OpenSSL writes; the operation that made the call flushes it.
int BioWrite(BIO* bio, const char* buf, int len) {
  auto* c = static_cast<Core*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  if (len <= 0) return 0;
  c->out.append(buf, static_cast<size_t>(len));
  return len;
}

long BioCtrl(BIO* bio, int cmd, long num, void* ptr) {
  (void)num;
  (void)ptr;
  switch (cmd) {
    case BIO_CTRL_FLUSH:
      return 1;  // flushed by the operation, after the SSL call
    case BIO_CTRL_EOF:
      return static_cast<Core*>(BIO_get_data(bio))->eof ? 1 : 0;
    default:
      return 0;
  }
}

BIO_METHOD* Method() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "haven lean tls");
    if (m == nullptr || BIO_meth_set_read(m, BioRead) != 1 ||
        BIO_meth_set_write(m, BioWrite) != 1 || BIO_meth_set_ctrl(m, BioCtrl) != 1) {
      throw std::runtime_error("LeanTlsStream: cannot make OpenSSL's BIO method");
    }
    return m;
  }();
  return method;
}

}  // namespace

Core::Core(asio::ssl::context& context, const LeanTlsStream::executor_type& ex) : flushed(ex) {
  ssl = SSL_new(context.native_handle());
  BIO* bio = BIO_new(Method());
  if (ssl == nullptr || bio == nullptr) {
    if (bio != nullptr) BIO_free(bio);
    if (ssl != nullptr) SSL_free(ssl);
    throw std::runtime_error("LeanTlsStream: out of memory for a TLS connection");
  }
  BIO_set_data(bio, this);
  BIO_set_init(bio, 1);
  SSL_set_bio(ssl, bio, bio);  // one reference, taken by ssl
  SSL_set_mode(ssl, SSL_MODE_RELEASE_BUFFERS);
}

Core::~Core() { SSL_free(ssl); }

void Core::ClearErrors() { ERR_clear_error(); }

Core::Outcome Core::Interpret(int result) {
  Outcome o;
  if (result > 0) {
    o.bytes = static_cast<std::size_t>(result);
    return o;
  }
  switch (SSL_get_error(ssl, result)) {
    case SSL_ERROR_WANT_READ:
      o.want = Want::kRead;
      return o;
    case SSL_ERROR_ZERO_RETURN:  // the peer's close_notify
      o.ec = asio::error::eof;
      return o;
    case SSL_ERROR_SYSCALL:
      if (sys_error != 0) {
        o.ec = beast::error_code(sys_error, boost::system::system_category());
      } else {
        o.ec = asio::ssl::error::stream_truncated;  // TCP closed without close_notify
      }
      return o;
    case SSL_ERROR_SSL: {
      unsigned long e = ERR_get_error();
      if (ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
        o.ec = asio::ssl::error::stream_truncated;
      } else {
        o.ec = beast::error_code(static_cast<int>(e), asio::error::get_ssl_category());
      }
      return o;
    }
    default:  // SSL_ERROR_WANT_WRITE cannot happen (the write BIO takes everything)
      o.ec = asio::error::fault;
      return o;
  }
}

LeanTlsStream::LeanTlsStream(next_layer_type next, asio::ssl::context& context)
    : core_(std::make_unique<Core>(context, next.get_executor())), next_(std::move(next)) {}

void LeanTlsStream::shutdown(beast::error_code& ec) {
  auto call = [](SSL* ssl) {
    int r = SSL_shutdown(ssl);
    return r == 0 ? 1 : r;
  };
  Core::Outcome o = core_->Run(Fd(), call);
  ec = o.ec;
  if (!core_->out.empty()) {
    beast::error_code wec;
    asio::write(next_.socket(), asio::buffer(core_->out), wec);
    std::string().swap(core_->out);
    if (!ec) ec = wec;
  }
}

void teardown(beast::role_type role, LeanTlsStream& stream, beast::error_code& ec) {
  stream.shutdown(ec);
  using beast::websocket::teardown;
  teardown(role, stream.next_layer().socket(), ec);
}

}  // namespace haven::server::internal
