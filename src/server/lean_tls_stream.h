// A server-side TLS stream over beast::tcp_stream that holds no buffers while a connection is
// idle.
//
// Why not asio::ssl::stream: it keeps four 17 KiB buffers for the life of each connection (two
// vectors of its own and an OpenSSL BIO pair), about 68 KiB per idle WebSocket; the issue asks
// for at most 20 KiB. Here OpenSSL reads the socket itself, through a BIO that calls recv(2)
// without blocking, and writes into a string that is flushed to the socket and released at once;
// with SSL_MODE_RELEASE_BUFFERS (set on the context by the server) OpenSSL frees its own record
// buffers between records too. What an idle connection keeps is the SSL object and its keys.
//
// Every wait goes through the tcp_stream, so its timeouts and cancel() apply as before: a
// wait for the peer's bytes is a one-byte async_read_some (the byte is handed to OpenSSL first
// on the next read), a flush is an async_write. One read and one write may be in flight at
// once (as Beast's WebSocket does); ciphertext goes out in the order OpenSSL produced it, one
// flush at a time. All operations of one stream must run on one thread at a time (the
// server's single I/O thread), as with asio::ssl::stream.
#pragma once

#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <climits>
#include <cstddef>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

namespace haven::server::internal {

class LeanTlsStream {
 public:
  using next_layer_type = boost::beast::tcp_stream;
  using executor_type = next_layer_type::executor_type;

  // The state OpenSSL's BIO sees; on the heap so that it stays put when the stream moves.
  struct Core {
    Core(boost::asio::ssl::context& context, const executor_type& ex);
    ~Core();
    Core(const Core&) = delete;
    Core& operator=(const Core&) = delete;

    // What one call of SSL_read, SSL_write, SSL_do_handshake or SSL_shutdown asks for next.
    enum class Want { kDone, kRead };
    struct Outcome {
      Want want = Want::kDone;
      std::size_t bytes = 0;
      boost::beast::error_code ec;
    };
    // Runs `call` (which calls one SSL_ function and returns its result) against `fd`.
    template <class Call>
    Outcome Run(int socket_fd, Call& call) {
      fd = socket_fd;
      sys_error = 0;
      ClearErrors();
      return Interpret(call(ssl));
    }
    Outcome Interpret(int result);
    static void ClearErrors();

    SSL* ssl = nullptr;
    int fd = -1;             // the socket, set before each SSL call
    std::string out;         // ciphertext OpenSSL wrote, not yet handed to the socket
    std::string sending;     // ciphertext an async_write is sending now
    unsigned char peek = 0;  // the byte the last wait for the peer read
    bool has_peek = false;
    bool eof = false;                   // the peer closed its side of the TCP connection
    int sys_error = 0;                  // errno of the last failed recv
    bool flushing = false;              // an async_write of `sending` is in flight
    boost::beast::error_code broken;    // a flush failed: every later operation fails with it
    boost::asio::steady_timer flushed;  // operations waiting for another's flush
  };

  LeanTlsStream(next_layer_type next, boost::asio::ssl::context& context);
  LeanTlsStream(LeanTlsStream&&) noexcept = default;
  LeanTlsStream& operator=(LeanTlsStream&&) noexcept = default;
  ~LeanTlsStream() = default;

  executor_type get_executor() noexcept { return next_.get_executor(); }
  next_layer_type& next_layer() noexcept { return next_; }
  const next_layer_type& next_layer() const noexcept { return next_; }
  SSL* native_handle() noexcept { return core_->ssl; }

  // Sends close_notify with a blocking write (for Beast's synchronous teardown).
  void shutdown(boost::beast::error_code& ec);

  template <class Token>
  auto async_handshake(boost::asio::ssl::stream_base::handshake_type type, Token&& token) {
    auto call = [type](SSL* ssl) {
      return type == boost::asio::ssl::stream_base::server ? SSL_accept(ssl) : SSL_connect(ssl);
    };
    return boost::asio::async_compose<Token, void(boost::beast::error_code)>(
        Op<decltype(call), false>{*this, call}, token, get_executor());
  }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    boost::asio::mutable_buffer b = First(buffers);
    auto call = [b](SSL* ssl) {
      return SSL_read(ssl, b.data(), static_cast<int>(std::min<std::size_t>(b.size(), INT_MAX)));
    };
    return boost::asio::async_compose<Token, void(boost::beast::error_code, std::size_t)>(
        Op<decltype(call), true>{*this, call, b.size() == 0}, token, get_executor());
  }

  // Writes at most one TLS record's worth (16 KiB) per call, so what waits in memory for the
  // socket stays small.
  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    boost::asio::const_buffer b = First(buffers);
    auto call = [b](SSL* ssl) {
      return SSL_write(ssl, b.data(), static_cast<int>(std::min<std::size_t>(b.size(), 16384)));
    };
    return boost::asio::async_compose<Token, void(boost::beast::error_code, std::size_t)>(
        Op<decltype(call), true>{*this, call, b.size() == 0}, token, get_executor());
  }

  // Sends close_notify, then reads (and drops) what the peer still sends until its
  // close_notify, an error or the tcp_stream's timeout, as asio::ssl::stream does: closing the
  // socket with the peer's bytes unread would reset the connection before the peer has read
  // ours (a WebSocket close frame, for one).
  template <class Token>
  auto async_shutdown(Token&& token) {
    auto call = [](SSL* ssl) {
      int r = SSL_shutdown(ssl);
      return r == 0 ? SSL_shutdown(ssl) : r;  // 0: ours sent; the second call reads the peer's
    };
    return boost::asio::async_compose<Token, void(boost::beast::error_code)>(
        Op<decltype(call), false>{*this, call}, token, get_executor());
  }

 private:
  // The first non-empty buffer of a sequence (what one SSL call reads into or writes from).
  template <class Buffers>
  static auto First(const Buffers& buffers) {
    using Buffer = std::decay_t<decltype(*boost::asio::buffer_sequence_begin(buffers))>;
    auto end = boost::asio::buffer_sequence_end(buffers);
    for (auto it = boost::asio::buffer_sequence_begin(buffers); it != end; ++it) {
      Buffer b(*it);
      if (b.size() != 0) return b;
    }
    return Buffer();
  }

  // One operation: runs the SSL call, flushes what it wrote, waits for the peer's bytes while
  // OpenSSL wants them, and runs the call again, until it is done or fails. `kBytes`: the
  // completion carries a byte count (read, write) or not (handshake, shutdown).
  template <class Call, bool kBytes>
  struct Op {
    LeanTlsStream& s;
    Call call;
    bool empty = false;  // a zero-length read or write: completes at once with 0
    enum class State { kStart, kRead, kFlushed, kWaited, kPosted } state = State::kStart;
    Core::Outcome result{};
    bool io = false;  // an asynchronous operation ran: completing now is not inline

    template <class Self>
    void operator()(Self& self, boost::beast::error_code ec = {}, std::size_t = 0) {
      Core& c = *s.core_;
      switch (state) {
        case State::kStart:
          if (c.broken) return Complete(self, c.broken, 0);
          if (empty) return Complete(self, {}, 0);
          result = c.Run(s.Fd(), call);
          break;
        case State::kRead:
          if (ec == boost::asio::error::eof) {
            c.eof = true;
          } else if (ec) {
            return Complete(self, ec, 0);
          } else {
            c.has_peek = true;
          }
          result = c.Run(s.Fd(), call);
          break;
        case State::kFlushed:
          std::string().swap(c.sending);  // release the memory, not only the bytes
          if (ec) {
            c.broken = ec;
            c.flushing = false;
            c.flushed.cancel();
            return Complete(self, ec, 0);
          }
          if (!c.out.empty()) return Flush(self);
          c.flushing = false;
          c.flushed.cancel();
          break;
        case State::kWaited:
          if (c.broken) return Complete(self, c.broken, 0);
          break;
        case State::kPosted:
          if constexpr (kBytes) {
            self.complete(result.ec, result.bytes);
          } else {
            self.complete(result.ec);
          }
          return;
      }
      // What this call wrote goes out before the operation goes on or completes.
      if (!c.out.empty()) {
        if (!c.flushing) return Flush(self);
        state = State::kWaited;  // another operation is flushing: it takes these bytes too
        io = true;
        // Set once: expires_at would cancel the waits of other operations (cancel() wakes all).
        if (c.flushed.expiry() != boost::asio::steady_timer::time_point::max()) {
          c.flushed.expires_at(boost::asio::steady_timer::time_point::max());
        }
        c.flushed.async_wait(std::move(self));
        return;
      }
      if (result.want == Core::Want::kRead) {
        state = State::kRead;
        io = true;
        s.next_.async_read_some(boost::asio::buffer(&c.peek, 1), std::move(self));
        return;
      }
      Complete(self, result.ec, result.bytes);
    }

    template <class Self>
    void Flush(Self& self) {
      Core& c = *s.core_;
      c.flushing = true;
      c.sending.swap(c.out);
      state = State::kFlushed;
      io = true;
      boost::asio::async_write(s.next_, boost::asio::buffer(c.sending), std::move(self));
    }

    // Completes, through the executor when nothing asynchronous ran (never inline).
    template <class Self>
    void Complete(Self& self, boost::beast::error_code ec, std::size_t bytes) {
      result.ec = ec;
      result.bytes = bytes;
      state = State::kPosted;
      if (io) return (*this)(self);
      io = true;
      boost::asio::post(s.get_executor(), std::move(self));
    }
  };

  int Fd() { return next_.socket().native_handle(); }

  std::unique_ptr<Core> core_;
  next_layer_type next_;
};

// Ends the connection for Beast's WebSocket stream: close_notify (and the wait for the peer's),
// then the TCP side. As the server, it shuts down its sending side and then reads and drops
// whatever the peer still sends until its FIN, before closing: a socket closed with unread bytes
// resets the connection, and the peer may lose the close frame it was about to read (Beast's own
// TCP teardown reads one chunk only). The tcp_stream's cancel and the WebSocket's timeouts end
// the wait.
struct LeanTlsTeardownOp {
  LeanTlsStream& s;
  boost::beast::role_type role;
  std::unique_ptr<char[]> drain;
  enum class State { kStart, kShutDown, kDraining } state = State::kStart;

  template <class Self>
  void operator()(Self& self, boost::beast::error_code ec = {}, std::size_t = 0) {
    using tcp = boost::asio::ip::tcp;
    boost::beast::error_code ignored;
    switch (state) {
      case State::kStart:
        state = State::kShutDown;
        s.async_shutdown(std::move(self));
        return;
      case State::kShutDown:  // done or failed: the TCP side goes on either way
        if (role == boost::beast::role_type::server) {
          s.next_layer().socket().shutdown(tcp::socket::shutdown_send, ignored);
        }
        drain = std::make_unique<char[]>(kDrainBytes);
        state = State::kDraining;
        break;
      case State::kDraining:
        if (!ec) break;  // more bytes, dropped
        if (role == boost::beast::role_type::client) {
          s.next_layer().socket().shutdown(tcp::socket::shutdown_send, ignored);
        }
        s.next_layer().socket().close(ignored);
        self.complete(ec == boost::asio::error::eof ? boost::beast::error_code() : ec);
        return;
    }
    s.next_layer().async_read_some(boost::asio::buffer(drain.get(), kDrainBytes), std::move(self));
  }
  static constexpr std::size_t kDrainBytes = 4096;
};

void teardown(boost::beast::role_type role, LeanTlsStream& stream, boost::beast::error_code& ec);

template <class TeardownHandler>
void async_teardown(boost::beast::role_type role, LeanTlsStream& stream,
                    TeardownHandler&& handler) {
  boost::asio::async_compose<TeardownHandler, void(boost::beast::error_code)>(
      LeanTlsTeardownOp{stream, role, nullptr}, handler, stream.get_executor());
}

}  // namespace haven::server::internal
