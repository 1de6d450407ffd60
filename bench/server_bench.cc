// The full path of a chat turn through the real server under load (WebSocket in, analyze, reply,
// encrypt, commit, acknowledge), as a ratio to a bare Boost.Beast WebSocket echo server measured
// in the same run with the same clients, the same messages and the same transport (issue 4).
//
//   build/release/bench/server_bench [--quick] [--clients 100,1000] [--seconds 10] [--idle 10000]
//                                    [--rate 1000] [--plain] [--no-fsync] [--data-parent DIR]
//
// What runs, all in this one process except the idle clients:
//   - Haven: server::Server on 127.0.0.1 port 0 over a temp directory with the store `haven
//     serve` opens (storage::OpenSqliteStorage: SQLite, per-person envelope encryption, a key
//     file, fsync on every commit), the shipped reply engine and chat::ChatService. TLS with the
//     self-signed certificate `haven serve` makes (server/tls_cert.h), or plain with --plain.
//     Its rate limits and connection caps are raised for the bench (see RaiseLimits).
//   - Echo: a bare Beast WebSocket server (TLS or not, as Haven), one I/O thread as Haven has;
//     it sends every message back. It does no work, so it is the ceiling of the sockets alone.
//   - The load generator: asynchronous Beast clients (C++20 coroutines) on their own io_context
//     thread. Closed loop: C clients each send a message and wait for its answer (Haven: the
//     `reply`, after the `ack`; echo: the echo), for --seconds after a warm-up. Open loop: turns
//     at a fixed rate over 1,000 connections, latency counted from when each turn was due (so a
//     backlog shows as latency instead of hiding it).
//   - Idle memory: a child process (this program again, --idle-child) opens N WebSockets and
//     says hello on each; the server's RSS grows by what N idle connections cost it, with none of
//     the clients' memory in it. Kernel socket buffers are not in RSS and not counted.
//
// Messages: 50 seeker sentences of varied length, some of them risky (they take the safety path
// and a longer reply), in rotation; each client starts at a different one. The echo server gets
// the very same frames.
//
// The load generator shares the machine's CPUs with both servers: on a small machine the figures
// are lower bounds, and the ratio is the number to read.
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "chat/chat_service.h"
#include "reply/engine.h"
#include "server/server.h"
#include "storage/open.h"
#include "ws_load.h"

extern char** environ;

namespace haven::bench {
namespace {

// ---------------------------------------------------------------------------------------------
// Options

struct Options {
  std::vector<int> clients = {100, 1000};
  double seconds = 10;  // measured, per closed-loop run and for the open loop
  double warmup = 2;    // before each measurement
  int idle = 10000;     // idle connections (0: skip)
  double rate = 1000;   // open-loop turns per second (0: skip)
  int open_clients = 1000;
  int seekers_parallel = 8;  // concurrent new-seeker hellos (Argon2id each) while setting up
  bool tls = true;
  bool sync_every_commit = true;      // as `haven serve`; --no-fsync: fsync at checkpoints only
  bool echo_release_buffers = false;  // an experiment: SSL_MODE_RELEASE_BUFFERS on the echo
  std::string data_parent;  // where the temp data directory goes ("" = the temp directory)
  int workers = 0;          // the server's worker threads; 0: ServerOptions' default
};

[[noreturn]] void Usage(const char* why) {
  std::fprintf(
      stderr,
      "server_bench: %s\n"
      "usage: server_bench [--quick] [--clients 100,1000] [--seconds S] [--warmup S]\n"
      "                    [--idle N] [--rate R] [--open-clients N] [--plain] [--no-fsync]\n"
      "                    [--echo-release-buffers]\n"
      "                    [--data-parent DIR] [--workers N]\n",
      why);
  std::exit(2);
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  auto value = [&](int& i) -> std::string {
    if (i + 1 >= argc) Usage("a flag is missing its value");
    return argv[++i];
  };
  auto number = [&](int& i) -> double {
    std::string v = value(i);
    char* end = nullptr;
    double d = std::strtod(v.c_str(), &end);
    if (end == v.c_str() || *end != '\0' || d < 0) Usage("not a number");
    return d;
  };
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--quick") {
      o.clients = {10, 50};
      o.seconds = 2;
      o.warmup = 0.5;
      o.idle = 500;
      o.rate = 100;
      o.open_clients = 50;
    } else if (a == "--clients") {
      o.clients.clear();
      std::string list = value(i);
      for (size_t p = 0; p <= list.size();) {
        size_t q = list.find(',', p);
        if (q == std::string::npos) q = list.size();
        int c = std::atoi(list.substr(p, q - p).c_str());
        if (c <= 0) Usage("--clients wants positive numbers, e.g. 100,1000");
        o.clients.push_back(c);
        p = q + 1;
      }
    } else if (a == "--seconds") {
      o.seconds = number(i);
    } else if (a == "--warmup") {
      o.warmup = number(i);
    } else if (a == "--idle") {
      o.idle = static_cast<int>(number(i));
    } else if (a == "--rate") {
      o.rate = number(i);
    } else if (a == "--open-clients") {
      o.open_clients = std::max(1, static_cast<int>(number(i)));
    } else if (a == "--plain") {
      o.tls = false;
    } else if (a == "--echo-release-buffers") {
      o.echo_release_buffers = true;
    } else if (a == "--no-fsync") {
      o.sync_every_commit = false;
    } else if (a == "--workers") {
      o.workers = static_cast<int>(number(i));
      if (o.workers < 1) Usage("--workers must be at least 1");
    } else if (a == "--data-parent") {
      o.data_parent = value(i);
    } else {
      Usage("unknown flag");
    }
  }
  if (o.seconds <= 0) Usage("--seconds must be positive");
  return o;
}

// ---------------------------------------------------------------------------------------------
// Messages

// 50 things a seeker writes, from a word to a paragraph; some are risky and take the safety
// path. No real person's words.
const std::vector<std::string>& Sentences() {
  static const std::vector<std::string> s = {
      "hi",
      "hello, is anyone there?",
      "i can't sleep again",
      "my boss yelled at me in front of everyone today and I just froze",
      "I feel so alone lately",
      "thank you, that actually helps a bit",
      "idk what to do anymore",
      "my exams start next week and I haven't studied at all, I'm panicking",
      "everything feels pointless",
      "I had a fight with my mum and she said I'm a disappointment",
      "i just want it all to stop",
      "I've been feeling really anxious about money, the rent is due and I can't pay it",
      "my dog died last month and I still cry every day 😢",
      "sometimes I think everyone would be better off without me",
      "I'm tired. just tired.",
      "can you help me calm down? my heart is racing",
      "my partner checks my phone and gets angry when I talk to friends",
      "I started a new job and I feel like I'm failing at it",
      "i haven't eaten properly in days",
      "nobody at school talks to me",
      "I keep thinking about hurting myself",
      "ok",
      "that's not really what I meant",
      "I don't know why I'm even writing this",
      "my brother is in hospital and I can't stop worrying",
      "I feel numb, like I'm watching my life from outside",
      "lol I'm fine, just bored",
      "I'm so angry I could scream",
      "I relapsed last night after 3 months sober",
      "my friend said she wants to kill herself and I don't know what to do",
      "i've been cutting again",
      "work is killing me, 60 hour weeks and no end in sight",
      "I can't stop crying and I don't even know why",
      "do you think things can get better?",
      "I wrote a goodbye letter yesterday",
      "my dad drinks and it gets scary at home",
      "I feel like a burden to my family",
      "I'm really nervous about a job interview tomorrow morning",
      "I keep replaying an embarrassing thing I said years ago, over and over, every night "
      "before sleep, and it makes me want to hide from everyone I know",
      "thanks for listening",
      "I have pills saved up and I think tonight is the night",
      "I moved to a new city and I don't know anyone here. the weekends are the worst, I don't "
      "talk to a single person from friday to monday",
      "what's the point of talking to a bot",
      "I feel guilty all the time",
      "my girlfriend broke up with me and I can't focus on anything",
      "I'm scared of the panic attacks coming back",
      "I got a bad grade and my parents are going to kill me",
      "it's 3am and my head won't shut up",
      "I don't want to be here anymore",
      "bye, I'll come back tomorrow",
  };
  return s;
}

// The JSON string literal of each sentence (escaped once).
const std::vector<std::string>& EscapedSentences() {
  static const std::vector<std::string> e = [] {
    std::vector<std::string> out;
    for (const auto& s : Sentences()) out.push_back(nlohmann::json(s).dump());
    return out;
  }();
  return e;
}

std::string MessageFrame(const std::string& id, size_t sentence) {
  const auto& texts = EscapedSentences();
  return R"({"v":1,"type":"message","id":")" + id + R"(","text":)" +
         texts[sentence % texts.size()] + "}";
}

// ---------------------------------------------------------------------------------------------
// Small helpers

// VmRSS and RssAnon of a process, in KiB (from /proc/<pid>/status).
struct Rss {
  long vm_kib = 0;
  long anon_kib = 0;
};
Rss ReadRss(const std::string& pid = "self") {
  Rss r;
  std::ifstream in("/proc/" + pid + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) r.vm_kib = std::atol(line.c_str() + 6);
    if (line.rfind("RssAnon:", 0) == 0) r.anon_kib = std::atol(line.c_str() + 8);
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// The baseline: a bare Beast WebSocket echo server.

class EchoServer {
 public:
  // `ssl` null: plain WebSocket. One I/O thread, as Haven's server has.
  explicit EchoServer(ssl::context* ssl) : ssl_(ssl), acceptor_(io_) {}
  ~EchoServer() { Stop(); }

  uint16_t Start() {
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    asio::co_spawn(io_, Listen(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
    return acceptor_.local_endpoint().port();
  }
  void Stop() {
    if (!thread_.joinable()) return;
    io_.stop();
    thread_.join();
  }
  int active() const { return active_.load(); }

 private:
  asio::awaitable<void> Listen() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(as_tuple(use_awaitable));
      if (ec) {
        if (!acceptor_.is_open()) co_return;
        continue;
      }
      if (ssl_ != nullptr) {
        asio::co_spawn(io_, Session(TlsWs(beast::tcp_stream(std::move(socket)), *ssl_)),
                       asio::detached);
      } else {
        asio::co_spawn(io_, Session(PlainWs(beast::tcp_stream(std::move(socket)))), asio::detached);
      }
    }
  }

  template <class Ws>
  asio::awaitable<void> Session(Ws ws) {
    // The same WebSocket settings as Haven's sessions: 300 s idle with keep-alive pings.
    websocket::stream_base::timeout t =
        websocket::stream_base::timeout::suggested(beast::role_type::server);
    ws.set_option(t);
    ws.read_message_max(64 * 1024);
    if constexpr (kIsTls<Ws>) {
      beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(10));
      auto [ec] = co_await ws.next_layer().async_handshake(ssl::stream_base::server,
                                                           as_tuple(use_awaitable));
      if (ec) co_return;
      beast::get_lowest_layer(ws).expires_never();
    }
    auto [ec] = co_await ws.async_accept(as_tuple(use_awaitable));
    if (ec) co_return;
    active_++;
    beast::flat_buffer buffer;
    for (;;) {
      auto [rec, n] = co_await ws.async_read(buffer, as_tuple(use_awaitable));
      if (rec) break;
      ws.text(ws.got_text());
      auto [wec, m] = co_await ws.async_write(buffer.data(), as_tuple(use_awaitable));
      if (wec) break;
      buffer.consume(buffer.size());
    }
    active_--;
  }

  ssl::context* ssl_;
  asio::io_context io_{1};
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::atomic<int> active_{0};
};

// ---------------------------------------------------------------------------------------------
// The load generator's clients

enum class Target { kEcho, kHaven };

struct ClientStats {
  std::vector<float> latency_us;  // turns counted in the window
  std::vector<float> ack_us;      // Haven: message -> ack
  uint64_t errors = 0;            // error frames, or a connection that failed
  Clock::time_point last_done{};  // the last counted turn's completion
  std::string failure;            // the first failure's description
};

struct Run {
  Target target = Target::kEcho;
  uint16_t port = 0;
  int clients = 0;
  bool open_loop = false;
  double rate = 0;        // open loop: turns per second over all clients
  std::string id_prefix;  // unique per run (client message ids are unique per conversation)
  const std::vector<std::string>* tokens = nullptr;  // Haven: one seeker per client

  std::atomic<int> ready{0}, done{0}, failed{0};
  std::atomic<int64_t> start_ns{0};  // steady clock, set once every client is connected
  Clock::time_point start, measure_from, end;
  std::vector<ClientStats> stats;
};

// Waits for one turn's answer: echo, the echoed frame; Haven, the ack then the reply. False on
// an error frame.
template <class Ws>
asio::awaitable<bool> AwaitAnswer(Ws& ws, beast::flat_buffer& buf, Target target,
                                  Clock::time_point* acked, ClientStats& st) {
  for (;;) {
    buf.consume(buf.size());
    co_await ws.async_read(buf, use_awaitable);
    if (target == Target::kEcho) co_return true;
    std::string_view f = View(buf);
    if (IsType(f, kReply)) co_return true;
    if (IsType(f, kAck)) {
      *acked = Clock::now();
      continue;
    }
    if (IsType(f, kError)) {
      if (st.failure.empty()) st.failure = std::string(f.substr(0, 200));
      co_return false;
    }
    // pong or anything else: keep reading.
  }
}

template <class Ws>
asio::awaitable<void> Client(Run& run, ssl::context& ctx, int idx) {
  ClientStats& st = run.stats[static_cast<size_t>(idx)];
  bool counted_ready = false;
  try {
    auto ws = co_await Connect<Ws>(ctx, run.port);
    beast::flat_buffer buf;
    if (run.target == Target::kHaven) {
      const std::string& token = (*run.tokens)[static_cast<size_t>(idx) % run.tokens->size()];
      std::string resumed = co_await Hello(*ws, buf, token);
      if (resumed.empty()) throw std::runtime_error("hello refused");
    }
    run.ready++;
    counted_ready = true;
    asio::steady_timer timer(co_await asio::this_coro::executor);
    while (run.start_ns.load(std::memory_order_acquire) == 0) {
      timer.expires_after(std::chrono::milliseconds(5));
      co_await timer.async_wait(use_awaitable);
    }
    ws->text(true);
    const size_t first = static_cast<size_t>(idx) * 7;  // each client its own place in the set
    for (size_t n = 0;; ++n) {
      Clock::time_point due = Clock::now();
      if (run.open_loop) {
        // Client idx's n-th turn is due at start + (n * clients + idx) / rate.
        due = run.start + FromSeconds((static_cast<double>(n) * run.clients + idx) / run.rate);
        if (due >= run.end) break;
        if (Clock::now() < due) {
          timer.expires_at(due);
          co_await timer.async_wait(use_awaitable);
        }
      } else if (due >= run.end) {
        break;
      }
      const bool in_window = due >= run.measure_from;
      std::string frame = MessageFrame(
          run.id_prefix + "c" + std::to_string(idx) + "n" + std::to_string(n), first + n);
      co_await ws->async_write(asio::buffer(frame), use_awaitable);
      Clock::time_point acked{};
      bool ok = co_await AwaitAnswer(*ws, buf, run.target, &acked, st);
      Clock::time_point t = Clock::now();
      if (!ok) {
        st.errors++;
        continue;
      }
      // Closed loop: turns that began and ended in the window. Open loop: every turn due in the
      // window, however late it finished (a backlog is latency).
      if (in_window && (run.open_loop || t <= run.end)) {
        st.latency_us.push_back(std::chrono::duration<float, std::micro>(t - due).count());
        if (acked != Clock::time_point{}) {
          st.ack_us.push_back(std::chrono::duration<float, std::micro>(acked - due).count());
        }
        st.last_done = std::max(st.last_done, t);
      }
    }
    auto [ec] = co_await ws->async_close(websocket::close_code::normal, as_tuple(use_awaitable));
    (void)ec;
  } catch (const std::exception& e) {
    st.errors++;
    if (st.failure.empty()) st.failure = e.what();
    if (!counted_ready) run.failed++;
  }
  run.done++;
}

// Creates `count` seekers over WebSocket (hello without a token, as a browser's first visit
// does), `parallel` at a time. Each creation costs the server an Argon2id hash.
template <class Ws>
asio::awaitable<void> CreateSeekers(uint16_t port, ssl::context& ctx, int count, int parallel,
                                    std::vector<std::string>& tokens, std::atomic<int>& done,
                                    std::string& failure) {
  auto ex = co_await asio::this_coro::executor;
  auto next = std::make_shared<int>(0);
  auto finished = std::make_shared<int>(0);
  auto worker = [&, next, finished]() -> asio::awaitable<void> {
    for (;;) {
      int i = (*next)++;
      if (i >= count) break;
      try {
        auto ws = co_await Connect<Ws>(ctx, port);
        beast::flat_buffer buf;
        tokens[static_cast<size_t>(i)] = co_await Hello(*ws, buf, "");
        auto [ec] =
            co_await ws->async_close(websocket::close_code::normal, as_tuple(use_awaitable));
        (void)ec;
      } catch (const std::exception& e) {
        if (failure.empty()) failure = e.what();
      }
    }
    (*finished)++;
  };
  for (int w = 0; w < parallel; ++w) asio::co_spawn(ex, worker(), asio::detached);
  asio::steady_timer timer(ex);
  while (*finished < parallel) {
    timer.expires_after(std::chrono::milliseconds(10));
    co_await timer.async_wait(use_awaitable);
  }
  done = 1;
}

// The load generator's io_context and thread.
class LoadGenerator {
 public:
  explicit LoadGenerator(bool tls) : tls_(tls), ctx_(ClientTlsContext()) {
    thread_ = std::thread([this] { io_.run(); });
  }
  ~LoadGenerator() {
    guard_.reset();
    io_.stop();
    thread_.join();
  }

  // Runs `run` to its end; `run` is filled in with each client's figures.
  void Execute(Run& run, double warmup, double seconds) {
    run.stats.assign(static_cast<size_t>(run.clients), {});
    for (int i = 0; i < run.clients; ++i) {
      if (tls_) {
        asio::co_spawn(io_, Client<TlsWs>(run, ctx_, i), asio::detached);
      } else {
        asio::co_spawn(io_, Client<PlainWs>(run, ctx_, i), asio::detached);
      }
    }
    WaitUntil([&] { return run.ready + run.failed == run.clients; }, 600);
    run.start = Clock::now() + std::chrono::milliseconds(20);
    run.measure_from = run.start + FromSeconds(warmup);
    run.end = run.measure_from + FromSeconds(seconds);
    run.start_ns.store(run.start.time_since_epoch().count(), std::memory_order_release);
    // Open loop: late turns are still counted, so give the backlog time to drain.
    WaitUntil([&] { return run.done == run.clients; }, warmup + seconds + 600);
  }

  std::vector<std::string> CreateSeekers(uint16_t port, int count, int parallel,
                                         std::string* failure) {
    std::vector<std::string> tokens(static_cast<size_t>(count));
    std::atomic<int> done{0};
    if (tls_) {
      asio::co_spawn(
          io_, bench::CreateSeekers<TlsWs>(port, ctx_, count, parallel, tokens, done, *failure),
          asio::detached);
    } else {
      asio::co_spawn(
          io_, bench::CreateSeekers<PlainWs>(port, ctx_, count, parallel, tokens, done, *failure),
          asio::detached);
    }
    WaitUntil([&] { return done.load() == 1; }, 3600);
    std::erase_if(tokens, [](const std::string& t) { return t.empty(); });
    return tokens;
  }

 private:
  bool tls_;
  ssl::context ctx_;
  asio::io_context io_{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard_{
      asio::make_work_guard(io_)};
  std::thread thread_;
};

// ---------------------------------------------------------------------------------------------
// Idle connections: a child process holds them.

// The child: opens `count` connections to `port`, says hello on each (Haven: the first
// `seekers` as new seekers, the rest resuming their sessions in turn, as a person's other tabs
// would), keeps a read pending on each (so pings are answered), prints "ready OK FAILED" and
// waits for its stdin to close.
template <class Ws>
int IdleChild(uint16_t port, int count, bool haven, int seekers) {
  ::close_range(3, ~0U, 0);  // nothing of the parent's (its sockets) stays open here
  asio::io_context io{1};
  ssl::context ctx = ClientTlsContext();
  std::vector<std::unique_ptr<Ws>> held;
  held.reserve(static_cast<size_t>(count));
  std::vector<std::string> tokens;
  int ok = 0, failed = 0, next = 0, finished = 0;
  std::string failure;
  auto hold = [](Ws* ws) -> asio::awaitable<void> {
    beast::flat_buffer buf;
    for (;;) {
      auto [ec, n] = co_await ws->async_read(buf, as_tuple(use_awaitable));
      if (ec) co_return;
      buf.consume(buf.size());
    }
  };
  auto open_one = [&](int i) -> asio::awaitable<void> {
    try {
      auto ws = co_await Connect<Ws>(ctx, port);
      if (haven) {
        beast::flat_buffer buf;
        std::string token = i < seekers ? "" : tokens[static_cast<size_t>(i) % tokens.size()];
        std::string got = co_await Hello(*ws, buf, token);
        if (got.empty()) throw std::runtime_error("hello refused");
        if (i < seekers) tokens.push_back(got);
      }
      Ws* raw = ws.get();
      held.push_back(std::move(ws));
      asio::co_spawn(io, hold(raw), asio::detached);
      ok++;
    } catch (const std::exception& e) {
      failed++;
      if (failure.empty()) failure = e.what();
    }
  };
  auto worker = [&]() -> asio::awaitable<void> {
    for (;;) {
      int i = next++;
      if (i >= count) break;
      co_await open_one(i);
    }
    finished++;
  };
  constexpr int kParallel = 64;
  auto start = [&]() -> asio::awaitable<void> {
    // The seekers first, one at a time (each is an Argon2id hash on the server).
    for (; next < std::min(seekers, count);) co_await open_one(next++);
    if (haven && tokens.empty()) {
      failed = count;
      finished = kParallel;
      co_return;
    }
    for (int w = 0; w < kParallel; ++w) asio::co_spawn(io, worker(), asio::detached);
  };
  asio::co_spawn(io, start(), asio::detached);
  std::thread runner([&] { io.run(); });
  // io is single-threaded: read the counters on it.
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::promise<bool> p;
    auto f = p.get_future();
    asio::post(io, [&] { p.set_value(finished == kParallel); });
    if (f.get()) break;
  }
  std::promise<std::string> p;
  auto f = p.get_future();
  asio::post(
      io, [&] { p.set_value(std::to_string(ok) + " " + std::to_string(failed) + " " + failure); });
  std::string line = "ready " + f.get() + "\n";
  if (::write(1, line.data(), line.size()) < 0) return 1;
  char c;
  while (::read(0, &c, 1) > 0) {
  }
  std::_Exit(0);  // the kernel closes every socket
}

struct IdleResult {
  int asked = 0, opened = 0, failed = 0;
  std::string failure;
  Rss before, after, child;
  size_t heap_before = 0, heap_after = 0;  // bytes malloc has handed out and not had back
  double open_seconds = 0;
};

// What this process's malloc has handed out and not had back, over every arena (mallinfo2):
// the idle connections' live memory, without the free chunks that RSS also counts.
size_t LiveHeapBytes() {
  struct mallinfo2 m = ::mallinfo2();
  return m.uordblks + m.hblkhd;
}

// Runs the child against `port` and measures this process's RSS before and with the idle
// connections. `active` reports the server's open WebSockets.
template <class Active>
IdleResult MeasureIdle(uint16_t port, int count, bool haven, bool tls, Active active) {
  IdleResult r;
  r.asked = count;
  int to_child[2], from_child[2];
  if (::pipe2(to_child, O_CLOEXEC) != 0 || ::pipe2(from_child, O_CLOEXEC) != 0) {
    r.failure = "pipe failed";
    return r;
  }
  ::malloc_trim(0);
  SleepFor(0.5);
  r.before = ReadRss();
  r.heap_before = LiveHeapBytes();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to_child[0], 0);
  posix_spawn_file_actions_adddup2(&actions, from_child[1], 1);
  std::string port_s = std::to_string(port), count_s = std::to_string(count);
  std::string mode = haven ? "haven" : "echo", tls_s = tls ? "tls" : "plain";
  std::string seekers_s = std::to_string(std::min(count, 20));
  char arg0[] = "server_bench", flag[] = "--idle-child";
  char* argv[] = {arg0,        flag,         port_s.data(),    count_s.data(),
                  mode.data(), tls_s.data(), seekers_s.data(), nullptr};
  pid_t pid = 0;
  auto t0 = Clock::now();
  int rc = ::posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(to_child[0]);
  ::close(from_child[1]);
  if (rc != 0) {
    r.failure = "cannot start the client process";
    ::close(to_child[1]);
    ::close(from_child[0]);
    return r;
  }
  std::string line;
  pollfd pfd{from_child[0], POLLIN, 0};
  while (line.find('\n') == std::string::npos && ::poll(&pfd, 1, 900'000) > 0) {
    char buf[512];
    ssize_t n = ::read(from_child[0], buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<size_t>(n));
  }
  r.open_seconds = Seconds(Clock::now() - t0);
  if (std::sscanf(line.c_str(), "ready %d %d", &r.opened, &r.failed) != 2) {
    r.failure = "the client process did not report";
  } else {
    size_t sp = line.find(' ', line.find(' ', 6) + 1);
    if (r.failed > 0 && sp != std::string::npos) r.failure = line.substr(sp + 1);
    while (!r.failure.empty() && r.failure.back() == '\n') r.failure.pop_back();
    WaitUntil([&] { return active() >= r.opened; }, 30);
    SleepFor(1.0);  // let the last hellos' work settle
    r.after = ReadRss();
    r.heap_after = LiveHeapBytes();
    r.child = ReadRss(std::to_string(pid));
  }
  ::close(to_child[1]);  // the child exits
  ::close(from_child[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  WaitUntil([&] { return active() == 0; }, 120);
  return r;
}

int IdleChildMain(int argc, char** argv) {
  if (argc != 7) return 2;
  auto port = static_cast<uint16_t>(std::atoi(argv[2]));
  int count = std::atoi(argv[3]);
  bool haven = std::string_view(argv[4]) == "haven";
  bool tls = std::string_view(argv[5]) == "tls";
  int seekers = std::atoi(argv[6]);
  RaiseFileLimit();
  return tls ? IdleChild<TlsWs>(port, count, haven, seekers)
             : IdleChild<PlainWs>(port, count, haven, seekers);
}

// ---------------------------------------------------------------------------------------------
// Haven in-process

// The chat service alone, no network: `threads` threads (the server's worker count) each
// running turns on its own seekers for `seconds`. The ceiling for the server's full path.
struct DirectResult {
  uint64_t turns = 0, errors = 0;
  double seconds = 0;
  std::vector<float> latency_us;
};
DirectResult RunDirect(chat::ChatService& chat, const std::vector<std::string>& tokens, int threads,
                       double seconds) {
  DirectResult out;
  std::vector<chat::SeekerSession> sessions;
  for (size_t i = 0; i < std::min<size_t>(tokens.size(), 100); ++i) {
    auto s = chat.Resume(tokens[i], 1'000'000'000'000);
    if (s.ok()) sessions.push_back(std::move(s).value());
  }
  if (sessions.empty()) return out;
  threads = std::min<int>(threads, static_cast<int>(sessions.size()));
  std::vector<DirectResult> per(static_cast<size_t>(threads));
  auto end = Clock::now() + FromSeconds(seconds);
  auto t0 = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      DirectResult& r = per[static_cast<size_t>(t)];
      // Thread t owns sessions t, t + threads, ... (turns of one conversation are serialised).
      std::vector<size_t> mine;
      for (size_t k = static_cast<size_t>(t); k < sessions.size();
           k += static_cast<size_t>(threads)) {
        mine.push_back(k);
      }
      for (size_t n = 0; Clock::now() < end; ++n) {
        size_t k = mine[n % mine.size()];
        std::string id = "d" + std::to_string(t) + "n" + std::to_string(n);
        const std::string& text = Sentences()[(k * 7 + n) % Sentences().size()];
        auto a = Clock::now();
        auto turn = chat.Send(sessions[k], id, text, "en-US");
        auto b = Clock::now();
        if (!turn.ok()) {
          r.errors++;
          continue;
        }
        r.turns++;
        r.latency_us.push_back(std::chrono::duration<float, std::micro>(b - a).count());
      }
    });
  }
  for (auto& th : pool) th.join();
  out.seconds = Seconds(Clock::now() - t0);
  for (auto& r : per) {
    out.turns += r.turns;
    out.errors += r.errors;
    out.latency_us.insert(out.latency_us.end(), r.latency_us.begin(), r.latency_us.end());
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reporting

struct RunSummary {
  double turns_per_s = 0;
  Percentiles latency, ack;
  uint64_t errors = 0;
  int failed_clients = 0;
  std::string failure;
};

RunSummary Summarise(const Run& run, double seconds) {
  RunSummary s;
  std::vector<float> lat, ack;
  Clock::time_point last = run.measure_from;
  for (const auto& c : run.stats) {
    lat.insert(lat.end(), c.latency_us.begin(), c.latency_us.end());
    ack.insert(ack.end(), c.ack_us.begin(), c.ack_us.end());
    s.errors += c.errors;
    last = std::max(last, c.last_done);
    if (s.failure.empty() && !c.failure.empty()) s.failure = c.failure;
  }
  s.failed_clients = run.failed;
  // Open loop: the turns due in the window over the time it took to finish them.
  double window = run.open_loop ? std::max(seconds, Seconds(last - run.measure_from)) : seconds;
  s.turns_per_s = static_cast<double>(lat.size()) / window;
  s.latency = ComputePercentiles(std::move(lat));
  s.ack = ComputePercentiles(std::move(ack));
  return s;
}

void PrintRow(const char* what, int clients, const RunSummary& s, bool haven) {
  if (*what != '\0') std::printf("  %-6s", what);
  std::printf(" %7d %10.0f %8.2f %8.2f %8.2f", clients, s.turns_per_s, s.latency.p50, s.latency.p99,
              s.latency.max);
  if (haven) {
    std::printf("   %7.2f %7.2f", s.ack.p50, s.ack.p99);
  } else {
    std::printf("   %7s %7s", "-", "-");
  }
  std::printf(" %6llu", static_cast<unsigned long long>(s.errors));
  if (s.failed_clients > 0) std::printf("  (%d clients failed to connect)", s.failed_clients);
  if (!s.failure.empty()) std::printf("  first error: %.120s", s.failure.c_str());
  std::printf("\n");
}

const char* Verdict(bool ok) { return ok ? "meets the goal" : "MISSES the goal"; }

int Main(int argc, char** argv) {
  Options opt = ParseArgs(argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const int max_clients = *std::max_element(opt.clients.begin(), opt.clients.end());
  // The turn runs hold both ends of each connection in this process; the idle run only the
  // server's (the child holds the clients).
  const rlim_t files = RaiseFileLimit();
  int idle = opt.idle;
  if (static_cast<rlim_t>(idle) + 300 > files) {
    int can = std::max(0, static_cast<int>(files) - 300);
    std::printf("note: open-file limit %llu: idle connections cut from %d to %d\n",
                static_cast<unsigned long long>(files), idle, can);
    idle = can;
  }
  const int most = std::max(max_clients, opt.open_clients);
  if (static_cast<rlim_t>(most) * 2 + 300 > files) {
    std::printf("note: open-file limit %llu is too low for %d clients; some will fail\n",
                static_cast<unsigned long long>(files), most);
  }

  // The data directory, where a real deployment would have it: on disk, not tmpfs.
  ScratchDir scratch(opt.data_parent, "haven-bench-");
  if (!scratch.ok()) {
    std::fprintf(
        stderr, "server_bench: cannot create a directory under %s\n",
        opt.data_parent.empty() ? fs::temp_directory_path().c_str() : opt.data_parent.c_str());
    return 2;
  }
  const fs::path& root = scratch.path();

  auto engine = reply::Engine::Load(HAVEN_SOURCE_DATA_DIR);
  if (!engine.ok()) {
    std::fprintf(stderr, "server_bench: %s\n", engine.status().message().c_str());
    return 2;
  }
  std::string data_dir = (root / "data").string();
  storage::SqliteStorageOptions storage_options;
  storage_options.sync_every_commit = opt.sync_every_commit;
  auto store =
      storage::OpenSqliteStorage(data_dir, (root / "keys" / "haven.key").string(), storage_options);
  if (!store.ok()) {
    std::fprintf(stderr, "server_bench: %s\n", store.status().message().c_str());
    return 2;
  }
  chat::ChatService chat(**engine, **store);

  server::ServerOptions so;
  so.host = "127.0.0.1";
  so.port = 0;
  so.tls = opt.tls;
  std::optional<ssl::context> echo_ssl;
  if (opt.tls) {
    auto files_tls = UseSelfSignedTls(so, data_dir);
    if (!files_tls.ok()) {
      std::fprintf(stderr, "server_bench: %s\n", files_tls.status().message().c_str());
      return 2;
    }
    // The echo server's TLS context is set up exactly as Haven's (server.cc).
    echo_ssl.emplace(ssl::context::tls_server);
    echo_ssl->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                          ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                          ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(echo_ssl->native_handle(), TLS1_2_VERSION);
    echo_ssl->use_certificate_chain_file(files_tls->cert);
    echo_ssl->use_private_key_file(files_tls->key, ssl::context::pem);
    if (opt.echo_release_buffers) {
      // Not Haven's setting: frees OpenSSL's 16 KiB+ record buffers while a connection is idle.
      SSL_CTX_set_mode(echo_ssl->native_handle(), SSL_MODE_RELEASE_BUFFERS);
      std::printf(
          "note: --echo-release-buffers: the echo server (only) uses "
          "SSL_MODE_RELEASE_BUFFERS\n");
    }
  }
  RaiseLimits(so, std::max({idle, max_clients, opt.open_clients}) + 1000);
  if (opt.workers > 0) so.worker_threads = opt.workers;
  const int workers = so.worker_threads;
  auto started = server::Server::Start(so, chat);
  if (!started.ok()) {
    std::fprintf(stderr, "server_bench: %s\n", started.status().message().c_str());
    return 2;
  }
  std::unique_ptr<server::Server> haven = std::move(started).value();
  EchoServer echo(echo_ssl ? &*echo_ssl : nullptr);
  const uint16_t echo_port = echo.Start();

  std::printf("server_bench: Haven's full chat turn vs a bare Beast WebSocket echo server\n");
  std::printf("machine: %u CPUs (%s); the load generator (1 thread) shares them with the servers\n",
              std::thread::hardware_concurrency(), CpuModel().c_str());
  PrintLoadAverage();
  std::printf("transport: %s on loopback for both servers, same clients and frames\n",
              opt.tls ? "WebSocket over TLS (self-signed ECDSA P-256)" : "plain WebSocket");
  std::printf(
      "haven: 1 I/O thread + %d workers; SQLite (WAL) + envelope encryption, %s, on %s "
      "(%s)\n",
      workers,
      opt.sync_every_commit ? "fsync on every commit (as haven serve)"
                            : "fsync at checkpoints only (--no-fsync, NOT as haven serve)",
      FsType(root.string()).c_str(), root.c_str());
  std::printf("echo: 1 I/O thread; rate limits and connection caps raised for the bench\n");
  std::printf("messages: %zu seeker sentences in rotation, some risky\n\n", Sentences().size());

  // 1. Idle connections, first, while the server's heap is fresh.
  if (idle > 0) {
    std::printf("idle connections (a child process holds the clients; the server's RSS delta)\n");
    std::printf("  %-6s %7s %12s %12s %14s %14s %10s\n", "server", "conns", "RSS delta", "per conn",
                "anon per conn", "heap per conn", "open (s)");
    double haven_per = 0;
    for (bool is_haven : {true, false}) {
      IdleResult r =
          is_haven
              ? MeasureIdle(haven->port(), idle, true, opt.tls,
                            [&] { return static_cast<int>(haven->metrics().ws_active.load()); })
              : MeasureIdle(echo_port, idle, false, opt.tls, [&] { return echo.active(); });
      double per =
          r.opened > 0 ? static_cast<double>(r.after.vm_kib - r.before.vm_kib) / r.opened : 0;
      double anon =
          r.opened > 0 ? static_cast<double>(r.after.anon_kib - r.before.anon_kib) / r.opened : 0;
      if (is_haven) haven_per = per;
      double heap = r.opened > 0
                        ? (static_cast<double>(r.heap_after) - static_cast<double>(r.heap_before)) /
                              1024.0 / r.opened
                        : 0;
      std::printf("  %-6s %7d %9.1f MiB %8.1f KiB %10.1f KiB %10.1f KiB %10.1f",
                  is_haven ? "haven" : "echo", r.opened,
                  (r.after.vm_kib - r.before.vm_kib) / 1024.0, per, anon, heap, r.open_seconds);
      if (r.failed > 0 || !r.failure.empty()) {
        std::printf("  (%d failed: %.120s)", r.failed, r.failure.c_str());
      }
      std::printf("\n");
      if (is_haven && r.opened > 0) {
        std::printf("         client process RSS %.1f MiB (%.1f KiB per conn, not counted)\n",
                    r.child.vm_kib / 1024.0, static_cast<double>(r.child.vm_kib) / r.opened);
      }
    }
    std::printf("  goal: at most 20 KiB per idle Haven connection: %s (%.1f KiB)\n\n",
                Verdict(haven_per <= 20.0), haven_per);
  }

  LoadGenerator gen(opt.tls);

  // 2. Seekers, created as a browser's first visit does (hello without a token).
  const int seekers = std::max(max_clients, opt.open_clients);
  std::string failure;
  auto t0 = Clock::now();
  std::vector<std::string> tokens =
      gen.CreateSeekers(haven->port(), seekers, opt.seekers_parallel, &failure);
  double create_s = Seconds(Clock::now() - t0);
  std::printf(
      "setup: %zu new seekers over WebSocket in %.1f s (%.0f/s, %d at a time; each is an "
      "Argon2id hash of the recovery phrase)%s%s\n\n",
      tokens.size(), create_s, tokens.size() / create_s, opt.seekers_parallel,
      failure.empty() ? "" : "; first error: ", failure.c_str());
  if (tokens.empty()) return 1;

  // 3. Closed loop: echo, then Haven, at each client count.
  std::printf("closed loop (%.0f s warm-up, %.0f s measured per row; latency in ms)\n", opt.warmup,
              opt.seconds);
  std::printf("  %-6s %7s %10s %8s %8s %8s   %7s %7s %6s\n", "server", "clients", "turns/s", "p50",
              "p99", "max", "ack p50", "ack p99", "errors");
  int run_no = 0;
  double best_haven = 0;  // turns/s
  for (int c : opt.clients) {
    RunSummary sums[2];
    for (Target target : {Target::kEcho, Target::kHaven}) {
      Run run;
      run.target = target;
      run.port = target == Target::kEcho ? echo_port : haven->port();
      run.clients = c;
      run.tokens = &tokens;
      run.id_prefix = "r" + std::to_string(run_no++);
      uint64_t turns_before = haven->metrics().chat_turns;
      uint64_t micros_before = haven->metrics().chat_turn_micros;
      gen.Execute(run, opt.warmup, opt.seconds);
      RunSummary s = Summarise(run, opt.seconds);
      PrintRow(target == Target::kEcho ? "echo" : "haven", c, s, target == Target::kHaven);
      if (target == Target::kHaven) {
        uint64_t turns = haven->metrics().chat_turns - turns_before;
        uint64_t micros = haven->metrics().chat_turn_micros - micros_before;
        if (turns > 0) {
          std::printf(
              "         server side, mean per turn from decode to result (the worker "
              "pool's queue + the chat service): %.2f ms\n",
              micros / 1000.0 / turns);
        }
      }
      sums[target == Target::kEcho ? 0 : 1] = s;
    }
    double ratio = sums[0].turns_per_s > 0 ? sums[1].turns_per_s / sums[0].turns_per_s : 0;
    best_haven = std::max(best_haven, sums[1].turns_per_s);
    std::printf(
        "  haven/echo at %d clients: %.3f of the echo server's throughput: %s (goal >= "
        "0.50)\n",
        c, ratio, Verdict(ratio >= 0.5));
  }
  std::printf("\n");

  // 4. Open loop at a fixed rate; when Haven cannot sustain it, again at half of what it
  // sustained in the closed loop, for its latency under a load it can carry.
  auto open_run = [&](Target target, double rate) {
    Run run;
    run.target = target;
    run.port = target == Target::kEcho ? echo_port : haven->port();
    run.clients = opt.open_clients;
    run.open_loop = true;
    run.rate = rate;
    run.tokens = &tokens;
    run.id_prefix = "r" + std::to_string(run_no++);
    gen.Execute(run, opt.warmup, opt.seconds);
    RunSummary s = Summarise(run, opt.seconds);
    std::printf("  %-6s %7.0f", target == Target::kEcho ? "echo" : "haven", rate);
    PrintRow("", opt.open_clients, s, target == Target::kHaven);
    return s;
  };
  if (opt.rate > 0) {
    std::printf(
        "open loop over %d connections (%.0f s warm-up, %.0f s measured; latency from when "
        "each turn was due, in ms)\n",
        opt.open_clients, opt.warmup, opt.seconds);
    std::printf("  %-6s %7s %7s %10s %8s %8s %8s   %7s %7s %6s\n", "server", "offered", "clients",
                "achieved", "p50", "p99", "max", "ack p50", "ack p99", "errors");
    open_run(Target::kEcho, opt.rate);
    RunSummary s = open_run(Target::kHaven, opt.rate);
    bool sustained = s.turns_per_s >= 0.95 * opt.rate;
    std::printf(
        "  goal: p99 under 20 ms at 1,000 turns/s: %s (p99 %.1f ms at %.0f offered, "
        "%.0f achieved%s)\n",
        Verdict(opt.rate >= 1000 && sustained && s.latency.p99 < 20.0), s.latency.p99, opt.rate,
        s.turns_per_s, sustained ? "" : "; the rate was not sustained");
    if (!sustained && best_haven > 0) {
      double half = std::max(1.0, std::floor(best_haven / 2));
      RunSummary h = open_run(Target::kHaven, half);
      std::printf("  at half its closed-loop best (%.0f turns/s): p99 %.1f ms\n", half,
                  h.latency.p99);
    }
    std::printf("\n");
  }

  // 5. The chat service alone, for where the time goes.
  DirectResult direct = RunDirect(chat, tokens, workers, opt.seconds);
  Percentiles dp = ComputePercentiles(direct.latency_us);
  std::printf(
      "chat service alone (ChatService::Send on %d threads, no network): %.0f turns/s, "
      "p50 %.2f ms, p99 %.2f ms, errors %llu\n",
      workers, direct.seconds > 0 ? direct.turns / direct.seconds : 0.0, dp.p50, dp.p99,
      static_cast<unsigned long long>(direct.errors));

  haven->Shutdown(std::chrono::seconds(5));
  echo.Stop();
  return 0;
}

}  // namespace
}  // namespace haven::bench

int main(int argc, char** argv) {
  if (argc >= 2 && std::string_view(argv[1]) == "--idle-child") {
    return haven::bench::IdleChildMain(argc, argv);
  }
  return haven::bench::Main(argc, argv);
}
