// LeanTlsStream against Asio's own TLS client over loopback: handshakes at TLS 1.2 and 1.3,
// bytes in both directions at once (with key updates that make OpenSSL write while it reads),
// a WebSocket on top with both ways of closing, the peer vanishing, timeouts and cancel.
#include "server/lean_tls_stream.h"

#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <stdlib.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <tuple>
#include <utility>  // before Asio's awaitable (Boost's coroutine headers need it)

#include "server/tls_cert.h"

namespace haven::server::internal {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using asio::as_tuple;
using asio::awaitable;
using asio::use_awaitable;
using namespace std::chrono_literals;

// Deterministic bytes that show any loss, duplication or reordering.
std::string Pattern(size_t n, unsigned seed) {
  std::string s(n, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (auto& ch : s) {
    x = x * 1664525u + 1013904223u;
    ch = static_cast<char>(x >> 24);
  }
  return s;
}

class LeanTlsStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "haven-tls-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    auto files = EnsureSelfSignedCertificate(dir_ + "/tls");
    ASSERT_TRUE(files.ok()) << files.status().message();
    server_ctx_.use_certificate_chain_file(files->cert);
    server_ctx_.use_private_key_file(files->key, ssl::context::pem);
    SSL_CTX_set_mode(server_ctx_.native_handle(), SSL_MODE_RELEASE_BUFFERS);
    client_ctx_.set_verify_mode(ssl::verify_none);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Accepts one connection as a LeanTlsStream.
  awaitable<LeanTlsStream> Accept() {
    tcp::socket socket = co_await acceptor_.async_accept(use_awaitable);
    co_return LeanTlsStream(beast::tcp_stream(std::move(socket)), server_ctx_);
  }
  awaitable<ssl::stream<tcp::socket>> Connect(bool handshake = true) {
    ssl::stream<tcp::socket> client(io_, client_ctx_);
    co_await client.next_layer().async_connect(acceptor_.local_endpoint(), use_awaitable);
    if (handshake) co_await client.async_handshake(ssl::stream_base::client, use_awaitable);
    co_return client;
  }
  // Runs the two coroutines to the end; fails the test if either throws or they take > 20 s.
  void RunBoth(awaitable<void> server, awaitable<void> client) {
    int done = 0;
    auto finish = [&](const char* who) {
      return [&done, who](std::exception_ptr e) {
        ++done;
        if (e) {
          try {
            std::rethrow_exception(e);
          } catch (const std::exception& ex) {
            ADD_FAILURE() << "the " << who << " threw: " << ex.what();
          }
        }
      };
    };
    asio::co_spawn(io_, std::move(server), finish("server"));
    asio::co_spawn(io_, std::move(client), finish("client"));
    io_.run_for(20s);
    EXPECT_EQ(done, 2) << "timed out";
  }

  std::string dir_;
  asio::io_context io_{1};
  ssl::context server_ctx_{ssl::context::tls_server};
  ssl::context client_ctx_{ssl::context::tls_client};
  tcp::acceptor acceptor_{io_, {asio::ip::make_address("127.0.0.1"), 0}};
};

// Waits until `flag` is set (by a coroutine spawned beside this one, which must end before the
// stream it uses goes away).
awaitable<void> WaitFor(const bool& flag) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  while (!flag) {
    t.expires_after(1ms);
    co_await t.async_wait(use_awaitable);
  }
}

// Reads exactly `n` bytes from any stream.
template <class Stream>
awaitable<std::string> ReadN(Stream& s, size_t n) {
  std::string got(n, '\0');
  co_await asio::async_read(s, asio::buffer(got), use_awaitable);
  co_return got;
}

TEST_F(LeanTlsStreamTest, EchoesBothWaysAtOnceAtTls13AndTls12) {
  for (int version : {TLS1_3_VERSION, TLS1_2_VERSION}) {
    SCOPED_TRACE(version == TLS1_3_VERSION ? "TLS 1.3" : "TLS 1.2");
    SSL_CTX_set_max_proto_version(client_ctx_.native_handle(), version);
    const std::string sent = Pattern(3 << 20, static_cast<unsigned>(version));
    std::string negotiated;
    RunBoth(
        [&]() -> awaitable<void> {
          LeanTlsStream s = co_await Accept();
          co_await s.async_handshake(ssl::stream_base::server, use_awaitable);
          negotiated = SSL_get_version(s.native_handle());
          // Echo in uneven pieces until the client's close_notify.
          std::string buf(7777, '\0');
          for (;;) {
            auto [ec, n] = co_await s.async_read_some(asio::buffer(buf), as_tuple(use_awaitable));
            if (ec == asio::error::eof) break;
            if (ec) throw beast::system_error(ec);
            co_await asio::async_write(s, asio::buffer(buf.data(), n), use_awaitable);
          }
          co_await s.async_shutdown(use_awaitable);
        }(),
        [&]() -> awaitable<void> {
          auto c = co_await Connect();
          std::string echoed;
          // Writer and reader run together: the server's writes race its reads.
          bool written = false;
          auto writer = [&]() -> awaitable<void> {
            for (size_t at = 0; at < sent.size(); at += 65536) {
              co_await asio::async_write(
                  c, asio::buffer(sent.data() + at, std::min<size_t>(65536, sent.size() - at)),
                  use_awaitable);
            }
            written = true;
          };
          asio::co_spawn(io_, writer(), asio::detached);
          echoed = co_await ReadN(c, sent.size());
          co_await WaitFor(written);
          EXPECT_TRUE(echoed == sent) << "echo differs";
          auto [ec] = co_await c.async_shutdown(as_tuple(use_awaitable));
          EXPECT_TRUE(!ec || ec == ssl::error::stream_truncated) << ec.message();
        }());
    EXPECT_EQ(negotiated, version == TLS1_3_VERSION ? "TLSv1.3" : "TLSv1.2");
    io_.restart();
  }
}

// A TLS 1.3 key update asks the server to answer with its own: OpenSSL writes while it reads,
// and that write must queue behind the server's big write in flight and keep the order.
TEST_F(LeanTlsStreamTest, KeyUpdatesDuringALongWriteKeepEveryByteInOrder) {
  const std::string down = Pattern(8 << 20, 1);
  const std::string up = Pattern(200 * 1000, 2);
  RunBoth(
      [&]() -> awaitable<void> {
        LeanTlsStream s = co_await Accept();
        co_await s.async_handshake(ssl::stream_base::server, use_awaitable);
        bool read_done = false;
        auto reader = [&]() -> awaitable<void> {
          std::string got = co_await ReadN(s, up.size());
          EXPECT_TRUE(got == up) << "upload differs";
          read_done = true;
        };
        asio::co_spawn(io_, reader(), asio::detached);
        for (size_t at = 0; at < down.size(); at += 100000) {
          co_await asio::async_write(
              s, asio::buffer(down.data() + at, std::min<size_t>(100000, down.size() - at)),
              use_awaitable);
        }
        co_await WaitFor(read_done);
      }(),
      [&]() -> awaitable<void> {
        auto c = co_await Connect();
        bool written = false;
        auto writer = [&]() -> awaitable<void> {
          for (size_t at = 0; at < up.size(); at += 1000) {
            EXPECT_EQ(SSL_key_update(c.native_handle(), SSL_KEY_UPDATE_REQUESTED), 1);
            co_await asio::async_write(c, asio::buffer(up.data() + at, 1000), use_awaitable);
          }
          written = true;
        };
        asio::co_spawn(io_, writer(), asio::detached);
        std::string got = co_await ReadN(c, down.size());
        EXPECT_TRUE(got == down) << "download differs";
        co_await WaitFor(written);
      }());
}

// At TLS 1.2 a client's renegotiation makes OpenSSL write while the server reads (the refusal:
// the server, like Haven's, allows none), with the server's big write in flight: the refusal
// queues behind that write, and both of the server's operations end (here with errors, as
// with asio::ssl::stream: the client gives up on the connection) instead of hanging.
TEST_F(LeanTlsStreamTest, ARefusedRenegotiationDuringALongWriteEndsBothOperations) {
  SSL_CTX_set_max_proto_version(client_ctx_.native_handle(), TLS1_2_VERSION);
  SSL_CTX_set_options(server_ctx_.native_handle(), SSL_OP_NO_RENEGOTIATION);
  const std::string down = Pattern(8 << 20, 3);
  bool read_ended = false, write_ended = false;
  RunBoth(
      [&]() -> awaitable<void> {
        LeanTlsStream s = co_await Accept();
        co_await s.async_handshake(ssl::stream_base::server, use_awaitable);
        auto reader = [&]() -> awaitable<void> {
          std::string got(1 << 20, 0);
          auto [ec, n] = co_await asio::async_read(s, asio::buffer(got), as_tuple(use_awaitable));
          EXPECT_TRUE(ec);
          read_ended = true;
        };
        asio::co_spawn(io_, reader(), asio::detached);
        auto [ec, n] = co_await asio::async_write(s, asio::buffer(down), as_tuple(use_awaitable));
        EXPECT_TRUE(ec);
        write_ended = true;
        co_await WaitFor(read_ended);
      }(),
      [&]() -> awaitable<void> {
        auto c = co_await Connect();
        char b[1000] = {};
        co_await asio::async_write(c, asio::buffer(b), use_awaitable);
        EXPECT_EQ(SSL_renegotiate(c.native_handle()), 1);
        bool written = false;
        auto writer = [&]() -> awaitable<void> {
          co_await asio::async_write(c, asio::buffer(b), as_tuple(use_awaitable));
          written = true;
        };
        asio::co_spawn(io_, writer(), asio::detached);
        std::string got(down.size(), 0);
        co_await asio::async_read(c, asio::buffer(got), as_tuple(use_awaitable));
        co_await WaitFor(written);
      }());
  EXPECT_TRUE(read_ended);
  EXPECT_TRUE(write_ended);
}

TEST_F(LeanTlsStreamTest, WebSocketEchoAndCloseFromEitherSide) {
  for (bool server_closes : {false, true}) {
    SCOPED_TRACE(server_closes ? "server closes" : "client closes");
    RunBoth(
        [&]() -> awaitable<void> {
          LeanTlsStream s = co_await Accept();
          co_await s.async_handshake(ssl::stream_base::server, use_awaitable);
          websocket::stream<LeanTlsStream> ws(std::move(s));
          co_await ws.async_accept(use_awaitable);
          for (int i = 0; i < 3; ++i) {
            beast::flat_buffer b;
            co_await ws.async_read(b, use_awaitable);
            ws.binary(ws.got_binary());
            co_await ws.async_write(b.data(), use_awaitable);
          }
          if (server_closes) {
            co_await ws.async_close(websocket::close_code::going_away, use_awaitable);
          } else {
            beast::flat_buffer b;
            auto [ec, n] = co_await ws.async_read(b, as_tuple(use_awaitable));
            EXPECT_EQ(ec, websocket::error::closed) << ec.message();
          }
        }(),
        [&]() -> awaitable<void> {
          auto c = co_await Connect();
          websocket::stream<ssl::stream<tcp::socket>> ws(std::move(c));
          co_await ws.async_handshake("localhost", "/ws", use_awaitable);
          ws.binary(true);  // the pattern is not UTF-8
          for (size_t size : {size_t{1}, size_t{100000}, size_t{0}}) {
            std::string m = Pattern(size, 7);
            co_await ws.async_write(asio::buffer(m), use_awaitable);
            beast::flat_buffer b;
            co_await ws.async_read(b, use_awaitable);
            EXPECT_EQ(beast::buffers_to_string(b.data()), m);
          }
          if (server_closes) {
            beast::flat_buffer b;
            auto [ec, n] = co_await ws.async_read(b, as_tuple(use_awaitable));
            EXPECT_EQ(ec, websocket::error::closed) << ec.message();
            EXPECT_EQ(ws.reason().code, websocket::close_code::going_away);
          } else {
            co_await ws.async_close(websocket::close_code::normal, use_awaitable);
          }
        }());
    io_.restart();
  }
}

// The server refuses a frame over its cap while the client is still sending it (a blocking
// client, as in the server's integration test): the 1009 close must reach the client, so the
// server drains what the client still sends before it closes the socket, instead of resetting
// the connection under the client's next read or write.
TEST_F(LeanTlsStreamTest, ACloseWhileThePeerIsStillSendingReachesThePeer) {
  for (int round = 0; round < 20; ++round) {
    bool server_done = false;
    asio::io_context server_io{1};
    tcp::acceptor acceptor(server_io, {asio::ip::make_address("127.0.0.1"), 0});
    std::thread server([&] {
      asio::co_spawn(
          server_io,
          [&]() -> awaitable<void> {
            tcp::socket socket = co_await acceptor.async_accept(use_awaitable);
            LeanTlsStream s(beast::tcp_stream(std::move(socket)), server_ctx_);
            co_await s.async_handshake(ssl::stream_base::server, use_awaitable);
            websocket::stream<LeanTlsStream> ws(std::move(s));
            ws.read_message_max(1000);
            websocket::stream_base::timeout t{5s, 5s, false};
            ws.set_option(t);
            co_await ws.async_accept(use_awaitable);
            beast::flat_buffer b;
            auto [ec, n] = co_await ws.async_read(b, as_tuple(use_awaitable));
            EXPECT_EQ(ec, websocket::error::message_too_big) << ec.message();
            server_done = true;
          },
          asio::detached);
      server_io.run_for(20s);
    });
    {
      asio::io_context io;
      websocket::stream<ssl::stream<tcp::socket>> ws(io, client_ctx_);
      beast::get_lowest_layer(ws).connect(acceptor.local_endpoint());
      ws.next_layer().handshake(ssl::stream_base::client);
      ws.handshake("localhost", "/ws");
      ws.binary(true);
      beast::error_code ec;
      ws.write(asio::buffer(Pattern(70 * 1024, 9)), ec);
      EXPECT_FALSE(ec) << ec.message();
      beast::flat_buffer b;
      while (!ec) ws.read(b, ec);
      EXPECT_EQ(ec, websocket::error::closed) << ec.message();
      EXPECT_EQ(ws.reason().code, websocket::close_code::too_big);
    }
    server.join();
    EXPECT_TRUE(server_done);
  }
}

TEST_F(LeanTlsStreamTest, ThePeerVanishingEndsAReadWithAnError) {
  RunBoth(
      [&]() -> awaitable<void> {
        LeanTlsStream s = co_await Accept();
        co_await s.async_handshake(ssl::stream_base::server, use_awaitable);
        char b[16];
        auto [ec, n] = co_await s.async_read_some(asio::buffer(b), as_tuple(use_awaitable));
        // The peer's FIN (stream_truncated) or, at TLS 1.3, a broken pipe when OpenSSL first
        // sends its session tickets.
        EXPECT_TRUE(ec == ssl::error::stream_truncated || ec == asio::error::broken_pipe ||
                    ec == asio::error::connection_reset)
            << ec.message();
        // Later operations fail too, and do not hang.
        auto [ec2, n2] = co_await s.async_read_some(asio::buffer(b), as_tuple(use_awaitable));
        EXPECT_TRUE(ec2) << "a second read after the peer left succeeded";
      }(),
      [&]() -> awaitable<void> {
        auto c = co_await Connect();
        c.next_layer().close();  // no close_notify
      }());
}

TEST_F(LeanTlsStreamTest, TheTcpStreamsTimeoutEndsASilentHandshake) {
  RunBoth(
      [&]() -> awaitable<void> {
        LeanTlsStream s = co_await Accept();
        beast::get_lowest_layer(s).expires_after(100ms);
        auto [ec] = co_await s.async_handshake(ssl::stream_base::server, as_tuple(use_awaitable));
        EXPECT_EQ(ec, beast::error::timeout) << ec.message();
      }(),
      [&]() -> awaitable<void> {
        auto c = co_await Connect(/*handshake=*/false);  // connects, says nothing
        asio::steady_timer t(io_, 500ms);
        co_await t.async_wait(use_awaitable);
      }());
}

TEST_F(LeanTlsStreamTest, CancelEndsAWaitingReadAndAZeroLengthReadCompletesAtOnce) {
  RunBoth(
      [&]() -> awaitable<void> {
        LeanTlsStream s = co_await Accept();
        co_await s.async_handshake(ssl::stream_base::server, use_awaitable);
        auto [ec0, n0] =
            co_await s.async_read_some(asio::mutable_buffer(), as_tuple(use_awaitable));
        EXPECT_FALSE(ec0);
        EXPECT_EQ(n0, 0u);
        asio::steady_timer t(io_, 50ms);
        t.async_wait([&](beast::error_code) { beast::get_lowest_layer(s).cancel(); });
        char b[16];
        auto [ec, n] = co_await s.async_read_some(asio::buffer(b), as_tuple(use_awaitable));
        EXPECT_EQ(ec, asio::error::operation_aborted) << ec.message();
        // The connection still works after a cancelled wait.
        co_await asio::async_write(s, asio::buffer("ok", 2), use_awaitable);
      }(),
      [&]() -> awaitable<void> {
        auto c = co_await Connect();
        EXPECT_EQ(co_await ReadN(c, 2), "ok");
      }());
}

}  // namespace
}  // namespace haven::server::internal
