// The real server on port 0 in a temp directory, spoken to by a Beast client over TLS (with the
// self-signed certificate it made) and plain HTTP on loopback. Every socket read has a timeout
// (SO_RCVTIMEO), so a missing frame fails the test instead of hanging it; there are no sleeps.
#include "server/server.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <utility>  // before Asio's awaitable

#include "chat/chat_service.h"
#include "reply/engine.h"
#include "server/tls_cert.h"
#include "storage/audit.h"
#include "storage/memory/memory_store.h"
#include "storage/open.h"

namespace haven {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;
using nlohmann::json;

const reply::Engine& SharedEngine() {
  static const reply::Engine* engine = [] {
    auto loaded = reply::Engine::Load(HAVEN_SOURCE_DATA_DIR);
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status().message();
      std::abort();
    }
    return std::move(loaded).value().release();
  }();
  return *engine;
}

void SetTimeouts(tcp::socket& socket) {
  timeval tv{20, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

// A running server with its own store, on a data dir that outlives restarts.
class Running {
 public:
  Running(const fs::path& root, bool tls) {
    data_dir_ = (root / "data").string();
    auto store = storage::OpenSqliteStorage(data_dir_, (root / "keys" / "haven.key").string());
    if (!store.ok()) throw std::runtime_error(store.status().message());
    store_ = std::move(store).value();
    chat_ = std::make_unique<chat::ChatService>(SharedEngine(), *store_);
    server::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.tls = tls;
    o.web_root = (root / "web").string();
    o.handshake_timeout = std::chrono::seconds(15);
    o.messages_per_minute = 600;
    o.message_burst = 50;
    if (tls) {
      auto files = server::EnsureSelfSignedCertificate(data_dir_);
      if (!files.ok()) throw std::runtime_error(files.status().message());
      o.tls_cert_file = files->cert;
      o.tls_key_file = files->key;
      cert_ = files->cert;
    }
    auto s = server::Server::Start(o, *chat_);
    if (!s.ok()) throw std::runtime_error(s.status().message());
    server_ = std::move(s).value();
  }
  ~Running() { server_.reset(); }
  server::Server& server() { return *server_; }
  storage::EncryptedStore& store() { return *store_; }
  chat::ChatService& chat() { return *chat_; }
  const std::string& cert() const { return cert_; }

 private:
  std::string data_dir_, cert_;
  std::unique_ptr<storage::EncryptedStore> store_;
  std::unique_ptr<chat::ChatService> chat_;
  std::unique_ptr<server::Server> server_;
};

// A blocking WebSocket client over TLS that trusts exactly the server's certificate.
class WsClient {
 public:
  WsClient(uint16_t port, const std::string& cert) : ctx_(ssl::context::tls_client), port_(port) {
    ctx_.load_verify_file(cert);
    ctx_.set_verify_mode(ssl::verify_peer);
    ws_.emplace(io_, ctx_);
  }

  // The handshake; the error (e.g. 403 for a bad origin) rather than a throw.
  beast::error_code Connect(std::optional<std::string> origin = {}) {
    auto& socket = beast::get_lowest_layer(*ws_);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    SetTimeouts(socket);
    SSL_set_tlsext_host_name(ws_->next_layer().native_handle(), "localhost");
    ws_->next_layer().set_verify_callback(ssl::host_name_verification("localhost"));
    ws_->next_layer().handshake(ssl::stream_base::client);
    std::string o = origin.value_or("https://localhost:" + std::to_string(port_));
    ws_->set_option(websocket::stream_base::decorator(
        [o](websocket::request_type& req) { req.set(http::field::origin, o); }));
    beast::error_code ec;
    ws_->handshake(response_, "localhost:" + std::to_string(port_), "/ws", ec);
    return ec;
  }
  void Send(const std::string& frame, bool binary = false) {
    ws_->binary(binary);
    ws_->write(asio::buffer(frame));
  }
  void Send(const json& frame) { Send(frame.dump()); }
  json Read() {
    beast::flat_buffer buffer;
    ws_->read(buffer);
    return json::parse(beast::buffers_to_string(buffer.data()));
  }
  // Reads until the connection closes; the error and the peer's close reason.
  beast::error_code ReadUntilClosed() {
    beast::flat_buffer buffer;
    beast::error_code ec;
    while (!ec) ws_->read(buffer, ec);
    return ec;
  }
  websocket::close_reason reason() const { return ws_->reason(); }
  const websocket::response_type& response() const { return response_; }

 private:
  asio::io_context io_;
  ssl::context ctx_;
  uint16_t port_;
  std::optional<websocket::stream<ssl::stream<tcp::socket>>> ws_;
  websocket::response_type response_;
};

http::response<http::string_body> HttpsRequest(uint16_t port, const std::string& cert,
                                               http::verb method, const std::string& target) {
  asio::io_context io;
  ssl::context ctx(ssl::context::tls_client);
  ctx.load_verify_file(cert);
  ctx.set_verify_mode(ssl::verify_peer);
  ssl::stream<tcp::socket> stream(io, ctx);
  stream.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  SetTimeouts(stream.next_layer());
  SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
  stream.set_verify_callback(ssl::host_name_verification("localhost"));
  stream.handshake(ssl::stream_base::client);
  http::request<http::empty_body> req{method, target, 11};
  req.set(http::field::host, "localhost");
  req.keep_alive(false);
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  beast::error_code ec;
  stream.shutdown(ec);
  return res;
}

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() {
    std::string tmpl = (fs::temp_directory_path() / "haven-server-XXXXXX").string();
    root_ = ::mkdtemp(tmpl.data());
    fs::create_directories(root_ / "web");
    std::ofstream(root_ / "web" / "chat.html") << "<!doctype html><title>Haven</title>";
    std::ofstream(root_ / "outside.txt") << "not for the web";
  }
  ~ServerTest() override {
    running_.reset();
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  Running& Start(bool tls = true) {
    running_.reset();
    running_ = std::make_unique<Running>(root_, tls);
    return *running_;
  }
  uint16_t port() { return running_->server().port(); }
  const std::string& cert() { return running_->cert(); }

  fs::path root_;
  std::unique_ptr<Running> running_;
};

json Message(const std::string& id, const std::string& text) {
  return {{"v", 1}, {"type", "message"}, {"id", id}, {"text", text}};
}

TEST_F(ServerTest, HealthzTraceStaticAndSecurityHeaders) {
  Start();
  EXPECT_EQ(running_->server().url(), "https://127.0.0.1:" + std::to_string(port()));
  auto health = HttpsRequest(port(), cert(), http::verb::get, "/healthz");
  EXPECT_EQ(health.result(), http::status::ok);
  EXPECT_EQ(health.body(), "ok\n");
  for (const auto& res : {health, HttpsRequest(port(), cert(), http::verb::get, "/missing"),
                          HttpsRequest(port(), cert(), http::verb::trace, "/")}) {
    EXPECT_NE(res["Content-Security-Policy"].find("frame-ancestors 'none'"), std::string::npos);
    EXPECT_EQ(res["X-Content-Type-Options"], "nosniff");
    EXPECT_EQ(res["Referrer-Policy"], "no-referrer");
    EXPECT_EQ(res[http::field::cache_control], "no-store");
    EXPECT_NE(res[http::field::strict_transport_security].find("max-age="), std::string::npos);
  }
  EXPECT_EQ(HttpsRequest(port(), cert(), http::verb::trace, "/").result(),
            http::status::method_not_allowed);
  EXPECT_EQ(HttpsRequest(port(), cert(), http::verb::post, "/healthz").result(),
            http::status::method_not_allowed);
  auto page = HttpsRequest(port(), cert(), http::verb::get, "/");
  EXPECT_EQ(page.result(), http::status::ok);
  EXPECT_NE(page.body().find("<title>Haven</title>"), std::string::npos);
  EXPECT_EQ(page[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ(HttpsRequest(port(), cert(), http::verb::get, "/../outside.txt").result(),
            http::status::not_found);
  EXPECT_EQ(HttpsRequest(port(), cert(), http::verb::get, "/%2e%2e/outside.txt").result(),
            http::status::not_found);
  auto metrics = HttpsRequest(port(), cert(), http::verb::get, "/metrics");
  EXPECT_EQ(metrics.result(), http::status::ok);
  EXPECT_NE(metrics.body().find("haven_http_requests_total"), std::string::npos);
}

TEST_F(ServerTest, ChatOverWssAckThenReplyResendErrorsAndResume) {
  Start();
  std::string token;
  int64_t last_seq = 0;
  {
    WsClient c(port(), cert());
    ASSERT_FALSE(c.Connect()) << "handshake";
    EXPECT_NE(c.response()["Content-Security-Policy"].find("frame-ancestors"), std::string::npos);
    // A message before hello.
    c.Send(Message("early", "hello"));
    json e = c.Read();
    EXPECT_EQ(e["type"], "error");
    EXPECT_EQ(e["code"], "no_session");

    c.Send(json{{"v", 1}, {"type", "hello"}, {"locale", "en-US"}});
    json welcome = c.Read();
    ASSERT_EQ(welcome["type"], "welcome") << welcome.dump();
    EXPECT_EQ(welcome["resumed"], false);
    token = welcome["token"].get<std::string>();
    EXPECT_EQ(token.size(), 64u);
    EXPECT_FALSE(welcome["recovery_phrase"].get<std::string>().empty());

    c.Send(Message("c1", "I have been feeling really low since I lost my job"));
    json ack = c.Read();
    ASSERT_EQ(ack["type"], "ack") << ack.dump();
    EXPECT_EQ(ack["id"], "c1");
    EXPECT_EQ(ack["seq"], 1);
    EXPECT_EQ(ack["duplicate"], false);
    json reply = c.Read();
    ASSERT_EQ(reply["type"], "reply") << reply.dump();
    EXPECT_EQ(reply["reply_to"], "c1");
    EXPECT_EQ(reply["seq"], 2);
    EXPECT_FALSE(reply["text"].get<std::string>().empty());
    EXPECT_TRUE(reply.contains("strategy"));
    EXPECT_TRUE(reply.contains("risk_level"));
    EXPECT_EQ(reply["escalate"], false);

    // The same client id again: the same ack, and no second reply (the pong comes next).
    c.Send(Message("c1", "I have been feeling really low since I lost my job"));
    json again = c.Read();
    EXPECT_EQ(again["type"], "ack");
    EXPECT_EQ(again["seq"], 1);
    EXPECT_EQ(again["duplicate"], true);
    c.Send(json{{"v", 1}, {"type", "ping"}});
    EXPECT_EQ(c.Read()["type"], "pong");

    // Bad frames get error frames and the connection keeps working.
    c.Send(std::string("{\"v\":1,\"type\":"));
    EXPECT_EQ(c.Read()["code"], "bad_json");
    c.Send(std::string("{\"v\":1,\"type\":\"message\",\"id\":\"u\",\"text\":\"\xff\xfe\"}"),
           /*binary=*/true);
    EXPECT_EQ(c.Read()["code"], "invalid_utf8");
    c.Send(json{{"v", 1}, {"type", "dance"}});
    EXPECT_EQ(c.Read()["code"], "unknown_type");
    c.Send(json{{"v", 2}, {"type", "hello"}});
    EXPECT_EQ(c.Read()["code"], "bad_version");
    c.Send(Message("big", std::string(5000, 'a')));
    json big = c.Read();
    EXPECT_EQ(big["code"], "too_large");
    EXPECT_EQ(big["id"], "big");
    c.Send(json{{"v", 1}, {"type", "hello"}});
    EXPECT_EQ(c.Read()["code"], "already_hello");

    // High risk: crisis resources and escalation.
    c.Send(Message("c2", "I have the pills ready and I am going to kill myself tonight"));
    json ack2 = c.Read();
    EXPECT_EQ(ack2["type"], "ack");
    EXPECT_EQ(ack2["seq"], 3);
    json crisis = c.Read();
    ASSERT_EQ(crisis["type"], "reply");
    EXPECT_EQ(crisis["escalate"], true);
    EXPECT_TRUE(crisis["risk_level"] == "high" || crisis["risk_level"] == "imminent")
        << crisis["risk_level"];
    ASSERT_TRUE(crisis.contains("resources"));
    EXPECT_FALSE(crisis["resources"]["lines"].empty());
    EXPECT_FALSE(crisis["resources"]["emergency"].get<std::string>().empty());
    last_seq = crisis["seq"].get<int64_t>();

    // A frame over the cap closes the connection with 1009.
    c.Send(std::string(70 * 1024, 'x'));
    beast::error_code ec = c.ReadUntilClosed();
    EXPECT_EQ(ec, websocket::error::closed) << ec.message();
    EXPECT_EQ(c.reason().code, websocket::close_code::too_big);
  }
  EXPECT_EQ(last_seq, 4);

  // Restart on the same data directory: the token resumes the conversation.
  Start();
  WsClient c(port(), cert());
  ASSERT_FALSE(c.Connect());
  c.Send(json{{"v", 1}, {"type", "hello"}, {"token", token}});
  json welcome = c.Read();
  ASSERT_EQ(welcome["type"], "welcome") << welcome.dump();
  EXPECT_EQ(welcome["resumed"], true);
  EXPECT_FALSE(welcome.contains("token"));
  EXPECT_FALSE(welcome.contains("recovery_phrase"));
  ASSERT_EQ(welcome["history"].size(), 4u);
  EXPECT_EQ(welcome["history"][0]["text"], "I have been feeling really low since I lost my job");
  EXPECT_EQ(welcome["history"][0]["id"], "c1");
  EXPECT_EQ(welcome["history"][1]["role"], "assistant");
  // The acknowledged message is still there exactly once: a resend is a duplicate.
  c.Send(Message("c2", "I have the pills ready and I am going to kill myself tonight"));
  json ack = c.Read();
  EXPECT_EQ(ack["seq"], 3);
  EXPECT_EQ(ack["duplicate"], true);
  c.Send(Message("c3", "thank you for listening"));
  EXPECT_EQ(c.Read()["seq"], 5);
  EXPECT_EQ(c.Read()["type"], "reply");

  // Only what was missed: last_seq.
  WsClient d(port(), cert());
  ASSERT_FALSE(d.Connect());
  d.Send(json{{"v", 1}, {"type", "hello"}, {"token", token}, {"last_seq", 4}});
  json missed = d.Read();
  ASSERT_EQ(missed["history"].size(), 2u);
  EXPECT_EQ(missed["history"][0]["seq"], 5);

  // No file the server wrote holds a message's text (databases sealed, nothing logged there).
  for (const auto& entry : fs::recursive_directory_iterator(root_ / "data")) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find("lost my job"), std::string::npos) << entry.path();
    EXPECT_EQ(bytes.find("pills ready"), std::string::npos) << entry.path();
  }

  // A wrong token.
  WsClient bad(port(), cert());
  ASSERT_FALSE(bad.Connect());
  bad.Send(json{{"v", 1}, {"type", "hello"}, {"token", std::string(64, 'a')}});
  EXPECT_EQ(bad.Read()["code"], "auth_failed");
}

json Frame(const std::string& type, json members = json::object()) {
  members["v"] = 1;
  members["type"] = type;
  return members;
}

TEST_F(ServerTest, PrivacyCenterConsentsExportAndEraseOverWss) {
  Start();
  WsClient c(port(), cert());
  ASSERT_FALSE(c.Connect());
  c.Send(Frame("export"));
  EXPECT_EQ(c.Read()["code"], "no_session");
  c.Send(Frame("hello"));
  json welcome = c.Read();
  ASSERT_EQ(welcome["type"], "welcome") << welcome.dump();
  const std::string token = welcome["token"].get<std::string>();
  const std::string account = welcome["account"].get<std::string>();
  c.Send(Message("p1", "my cat Biscuit-canary-5d1 is the only one who listens"));
  ASSERT_EQ(c.Read()["type"], "ack");
  ASSERT_EQ(c.Read()["type"], "reply");

  // What is stored, and the switches, each effective at once.
  c.Send(Frame("privacy.get"));
  json p = c.Read();
  ASSERT_EQ(p["type"], "privacy") << p.dump();
  EXPECT_EQ(p["account"], account);
  EXPECT_EQ(p["stored"]["messages"], 2);
  EXPECT_EQ(p["consents"]["keep_history"]["granted"], true);
  EXPECT_EQ(p["consents"]["analytics"]["granted"], false);
  EXPECT_EQ(p["retention"]["default"], true);
  c.Send(Frame("consent.set", {{"kind", "analytics"}, {"granted", true}}));
  p = c.Read();
  ASSERT_EQ(p["type"], "privacy") << p.dump();
  EXPECT_EQ(p["consents"]["analytics"]["granted"], true);
  c.Send(Frame("consent.set", {{"kind", "everything"}, {"granted", true}}));
  EXPECT_EQ(c.Read()["code"], "bad_consent");
  c.Send(Frame("consent.set", {{"kind", "analytics"}}));
  EXPECT_EQ(c.Read()["code"], "bad_field");
  c.Send(Frame("retention.set", {{"days", 30}}));
  p = c.Read();
  ASSERT_EQ(p["type"], "privacy") << p.dump();
  EXPECT_EQ(p["retention"]["days"], 30);
  EXPECT_EQ(p["retention"]["default"], false);
  c.Send(Frame("retention.set", {{"days", -3}}));
  EXPECT_EQ(c.Read()["code"], "bad_retention");

  // Export: one frame with the whole document.
  c.Send(Frame("export"));
  json e = c.Read();
  ASSERT_EQ(e["type"], "export") << e.dump().substr(0, 200);
  EXPECT_EQ(e["data"]["schema"], "haven.export.v1");
  EXPECT_EQ(e["data"]["account"]["pseudonym"], account);
  ASSERT_EQ(e["data"]["conversations"].size(), 1u);
  EXPECT_EQ(e["data"]["conversations"][0]["messages"][0]["text"],
            "my cat Biscuit-canary-5d1 is the only one who listens");

  // A second connection of the same person, then erasure from the first.
  WsClient d(port(), cert());
  ASSERT_FALSE(d.Connect());
  d.Send(Frame("hello", {{"token", token}}));
  ASSERT_EQ(d.Read()["type"], "welcome");
  c.Send(Frame("erase"));
  EXPECT_EQ(c.Read()["code"], "confirm_required");
  c.Send(Frame("erase", {{"confirm", "yes"}}));
  EXPECT_EQ(c.Read()["code"], "confirm_required");
  c.Send(Frame("erase", {{"confirm", "erase everything"}}));
  EXPECT_EQ(c.Read()["type"], "erased");
  EXPECT_EQ(c.ReadUntilClosed(), websocket::error::closed);
  EXPECT_EQ(c.reason().code, websocket::close_code::normal);
  EXPECT_EQ(std::string(c.reason().reason.c_str()), "account erased");
  json bye = d.Read();
  EXPECT_EQ(bye["type"], "bye");
  EXPECT_EQ(bye["reason"], "account erased");
  EXPECT_EQ(d.ReadUntilClosed(), websocket::error::closed);
  EXPECT_EQ(d.reason().code, websocket::close_code::policy_error);

  // The token is dead, and both actions are in the audit chain.
  WsClient after(port(), cert());
  ASSERT_FALSE(after.Connect());
  after.Send(Frame("hello", {{"token", token}}));
  EXPECT_EQ(after.Read()["code"], "auth_failed");
  auto verdict = storage::VerifyAudit(running_->store(), std::nullopt);
  ASSERT_TRUE(verdict.ok());
  EXPECT_TRUE(verdict->intact);
  int exports = 0, erasures = 0;
  ASSERT_TRUE(running_->store()
                  .Transact([&](storage::Txn& txn) -> Status {
                    auto log = txn.ListAuditRecords(0, 1000);
                    if (!log.ok()) return log.status();
                    for (const auto& r : *log) {
                      exports += r.action == "export" && r.subject == account;
                      erasures += r.action == "account.erase" && r.subject == account;
                    }
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(exports, 1);
  EXPECT_EQ(erasures, 1);
  // No file the server wrote holds the message's text.
  for (const auto& entry : fs::recursive_directory_iterator(root_ / "data")) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(bytes.find("Biscuit-canary-5d1"), std::string::npos) << entry.path();
  }
}

TEST_F(ServerTest, AMoodCheckInResentWithItsIdAfterAReconnectIsStoredOnce) {
  Start();
  std::string token;
  json saved;
  {
    WsClient a(port(), cert());
    ASSERT_FALSE(a.Connect());
    a.Send(Frame("hello"));
    json welcome = a.Read();
    ASSERT_EQ(welcome["type"], "welcome") << welcome.dump();
    token = welcome["token"].get<std::string>();
    a.Send(Frame("mood", {{"id", "mood-k1"}, {"value", 2}}));
    saved = a.Read();
    ASSERT_EQ(saved["type"], "mood.saved") << saved.dump();
    EXPECT_EQ(saved["id"], "mood-k1");
  }  // the connection drops (no close handshake)
  // As if the client had not seen the answer: it sends the frame again on the next connection,
  // with the same id. The answer is the stored check-in, and there is one.
  WsClient b(port(), cert());
  ASSERT_FALSE(b.Connect());
  b.Send(Frame("hello", {{"token", token}}));
  ASSERT_EQ(b.Read()["type"], "welcome");
  b.Send(Frame("mood", {{"id", "mood-k1"}, {"value", 2}}));
  json again = b.Read();
  ASSERT_EQ(again["type"], "mood.saved") << again.dump();
  EXPECT_EQ(again["id"], "mood-k1");
  EXPECT_EQ(again["time"], saved["time"]);
  // A bad id is refused with the id echoed, so the client knows which check-in it was.
  b.Send(Frame("mood", {{"id", "no spaces"}, {"value", 2}}));
  json refused = b.Read();
  EXPECT_EQ(refused["code"], "bad_client_id") << refused.dump();
  EXPECT_EQ(refused["id"], "no spaces");
  b.Send(Frame("history.get"));
  json h = b.Read();
  ASSERT_EQ(h["type"], "history") << h.dump();
  EXPECT_EQ(h["screenings"].size(), 1u);
}

TEST_F(ServerTest, MoodAndHistoryOverWssAuthorisedOnEveryFrame) {
  Start();
  WsClient c(port(), cert());
  ASSERT_FALSE(c.Connect());
  c.Send(Frame("mood", {{"value", 3}}));
  EXPECT_EQ(c.Read()["code"], "no_session");
  c.Send(Frame("history.get"));
  EXPECT_EQ(c.Read()["code"], "no_session");
  c.Send(Frame("hello"));
  json welcome = c.Read();
  ASSERT_EQ(welcome["type"], "welcome") << welcome.dump();
  const std::string token = welcome["token"].get<std::string>();

  c.Send(Frame("history.get"));
  json h = c.Read();
  ASSERT_EQ(h["type"], "history") << h.dump();
  EXPECT_EQ(h["screenings"], json::array());
  c.Send(Frame("mood", {{"value", 2}}));
  json saved = c.Read();
  ASSERT_EQ(saved["type"], "mood.saved") << saved.dump();
  EXPECT_EQ(saved["value"], 2);
  EXPECT_TRUE(saved["time"].is_number_integer());
  for (json bad : {json(0), json(6), json("2"), json(2.5), json(nullptr)}) {
    c.Send(Frame("mood", {{"value", bad}}));
    EXPECT_EQ(c.Read()["code"], "bad_field") << bad.dump();
  }
  // Check-ins are listed by their time in milliseconds: the second one a millisecond later at
  // least, or the two may tie (then their order is their record ids').
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  c.Send(Frame("mood", {{"value", 5}}));
  ASSERT_EQ(c.Read()["type"], "mood.saved");
  c.Send(Frame("history.get"));
  h = c.Read();
  ASSERT_EQ(h["type"], "history") << h.dump();
  ASSERT_EQ(h["screenings"].size(), 2u);
  EXPECT_EQ(h["screenings"][0]["instrument"], "mood");
  EXPECT_EQ(h["screenings"][0]["score"], 2);
  EXPECT_TRUE(h["screenings"][0]["severity"].is_null());
  EXPECT_EQ(h["screenings"][0]["completed"], true);
  EXPECT_EQ(h["screenings"][1]["score"], 5);
  EXPECT_EQ(h["screenings"][0]["time"], saved["time"]);
  // Counted like the privacy center: the privacy summary sees them.
  c.Send(Frame("privacy.get"));
  json p = c.Read();
  ASSERT_EQ(p["type"], "privacy") << p.dump();
  EXPECT_EQ(p["stored"]["screenings"], 2);

  // The session is revoked elsewhere while this connection stays open: the next frame finds
  // out in its own unit of work, is refused, and the connection ends.
  ASSERT_TRUE(running_->chat().Revoke(token).ok());
  c.Send(Frame("mood", {{"value", 4}}));
  EXPECT_EQ(c.Read()["code"], "auth_failed");
  EXPECT_EQ(c.ReadUntilClosed(), websocket::error::closed);
  EXPECT_EQ(c.reason().code, websocket::close_code::policy_error);
  // Nothing was stored by the refused frame.
  ASSERT_TRUE(running_->store()
                  .Transact([&](storage::Txn& txn) -> Status {
                    auto rows = txn.ListScreenings(welcome["account"].get<std::string>());
                    if (!rows.ok()) return rows.status();
                    EXPECT_EQ(rows->size(), 2u);
                    return Status::Ok();
                  })
                  .ok());

  // The same for history.get on a connection whose session ends under it.
  WsClient d(port(), cert());
  ASSERT_FALSE(d.Connect());
  d.Send(Frame("hello"));
  json w2 = d.Read();
  ASSERT_EQ(w2["type"], "welcome");
  ASSERT_TRUE(running_->chat().Revoke(w2["token"].get<std::string>()).ok());
  d.Send(Frame("history.get"));
  EXPECT_EQ(d.Read()["code"], "auth_failed");
  EXPECT_EQ(d.ReadUntilClosed(), websocket::error::closed);
}

TEST_F(ServerTest, LogoutEndsEveryConnectionOfThatSessionAtOnce) {
  Start();
  WsClient a(port(), cert());
  ASSERT_FALSE(a.Connect());
  a.Send(Frame("hello"));
  json welcome = a.Read();
  ASSERT_EQ(welcome["type"], "welcome") << welcome.dump();
  const std::string token = welcome["token"].get<std::string>();
  // A second tab of the same session, and another person's connection.
  WsClient b(port(), cert());
  ASSERT_FALSE(b.Connect());
  b.Send(Frame("hello", {{"token", token}}));
  ASSERT_EQ(b.Read()["type"], "welcome");
  WsClient other(port(), cert());
  ASSERT_FALSE(other.Connect());
  other.Send(Frame("hello"));
  ASSERT_EQ(other.Read()["type"], "welcome");

  a.Send(Frame("logout"));
  EXPECT_EQ(a.Read()["type"], "bye");
  EXPECT_EQ(a.ReadUntilClosed(), websocket::error::closed);
  json bye = b.Read();
  EXPECT_EQ(bye["type"], "bye");
  EXPECT_EQ(bye["reason"], "logged out");
  EXPECT_EQ(b.ReadUntilClosed(), websocket::error::closed);
  EXPECT_EQ(b.reason().code, websocket::close_code::normal);
  // The other person is untouched; the token is dead.
  other.Send(Frame("ping"));
  EXPECT_EQ(other.Read()["type"], "pong");
  WsClient after(port(), cert());
  ASSERT_FALSE(after.Connect());
  after.Send(Frame("hello", {{"token", token}}));
  EXPECT_EQ(after.Read()["code"], "auth_failed");
}

TEST_F(ServerTest, ForeignOriginIsRefused) {
  Start();
  WsClient c(port(), cert());
  beast::error_code ec = c.Connect("https://evil.example");
  EXPECT_TRUE(ec);
  EXPECT_EQ(c.response().result(), http::status::forbidden);
}

TEST_F(ServerTest, ShutdownClosesSocketsWithAReason) {
  Start();
  WsClient c(port(), cert());
  ASSERT_FALSE(c.Connect());
  c.Send(json{{"v", 1}, {"type", "hello"}});
  ASSERT_EQ(c.Read()["type"], "welcome");
  std::thread stopper([&] { running_->server().Shutdown(); });
  beast::error_code ec = c.ReadUntilClosed();
  stopper.join();
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(c.reason().code, websocket::close_code::going_away);
  EXPECT_EQ(std::string(c.reason().reason.c_str()), "server shutting down");
}

TEST_F(ServerTest, InsecureHttpOnlyOnLoopback) {
  Start(/*tls=*/false);
  EXPECT_EQ(running_->server().url().rfind("http://127.0.0.1:", 0), 0u);
  asio::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port()));
  SetTimeouts(socket);
  websocket::stream<tcp::socket> ws(std::move(socket));
  std::string origin = "http://localhost:" + std::to_string(port());
  ws.set_option(websocket::stream_base::decorator(
      [origin](websocket::request_type& req) { req.set(http::field::origin, origin); }));
  ws.handshake("localhost", "/ws");
  ws.write(asio::buffer(json{{"v", 1}, {"type", "hello"}}.dump()));
  beast::flat_buffer buffer;
  ws.read(buffer);
  EXPECT_EQ(json::parse(beast::buffers_to_string(buffer.data()))["type"], "welcome");
  ws.close(websocket::close_code::normal);
}

TEST(ServerStartTest, PlainHttpOffLoopbackIsRefused) {
  storage::MemoryStore store;
  chat::ChatService chat(SharedEngine(), store);
  server::ServerOptions o;
  o.host = "0.0.0.0";
  o.tls = false;
  auto s = server::Server::Start(o, chat);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition);
  o.host = "not-an-address";
  EXPECT_FALSE(server::Server::Start(o, chat).ok());
  o.host = "127.0.0.1";
  o.tls = true;  // no certificate given
  EXPECT_FALSE(server::Server::Start(o, chat).ok());
}

}  // namespace
}  // namespace haven
