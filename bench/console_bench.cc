// How soon a risky message reaches the staff console (issue 5): the time from a seeker's client
// writing a risky message to a signed-in console reading the `queued` event for that
// conversation, with 100 ordinary conversations under way, as a ratio to the same message's ack
// and reply on the seeker's own connection, measured in the same run.
//
//   build/release/bench/console_bench [--quick] [--conversations 100] [--risky 200]
//       [--interval-ms 200] [--warmup 2] [--plain] [--data-parent DIR]
//
// What runs, all in this one process:
//   - Haven as `haven serve` wires it (cli/serve_cmd.cc): server::Server on 127.0.0.1 port 0 over
//     a temp directory with storage::OpenSqliteStorage (SQLite, envelope encryption, fsync on
//     every commit), the shipped reply engine, chat::ChatService with chat::Oversight over the
//     shipped escalation policy (data/policy/escalation.yaml), chat::EventLog, StaffAuth and the
//     DraftCoach; TLS with the self-signed certificate `haven serve` makes, or plain with
//     --plain. Rate limits and connection caps raised (ws_load.h, RaiseLimits).
//   - One console: a supporter made with StaffAuth on the store before the server starts, signed
//     in with its password and a TOTP code, saying hello on /console/ws with the token.
//   - The load: --conversations seekers in a closed loop of ordinary, non-risky messages (each
//     waits for its reply before the next). Their turns per second over the measured phase are
//     printed, to show the load the events travel through.
//   - The risky messages: --risky fresh seekers, connected and greeted before the measurement
//     (a queued conversation stays queued, so each risky message comes from a new one), send one
//     risky message each, one every --interval-ms, while the load runs. For each: T_event (the
//     write to the console reading `queued` for that conversation), T_ack and T_reply (the write
//     to the seeker reading its `ack` and `reply`). The seekers stay connected, as a person
//     waiting for someone does.
//   All the clients are asynchronous Beast clients (C++20 coroutines) on one thread of their own.
//
// The ack is the baseline: the server sends it after the turn's commit, and the escalation is
// part of that commit, so the ratio p99(event)/p99(ack) is how much the path to the console adds
// to what the seeker sees. The load generator shares the machine's CPUs with the server.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <future>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "chat/chat_service.h"
#include "chat/events.h"
#include "chat/oversight.h"
#include "chat/staff_auth.h"
#include "chat/totp.h"
#include "reply/draft_coach.h"
#include "reply/engine.h"
#include "safety/escalation_policy.h"
#include "server/server.h"
#include "storage/open.h"
#include "ws_load.h"

namespace haven::bench {
namespace {

// ---------------------------------------------------------------------------------------------
// Options

struct Options {
  int conversations = 100;  // ordinary conversations in the closed loop
  int risky = 200;          // risky messages, each from a fresh seeker
  double interval_s = 0.2;  // between risky messages
  double warmup = 2;        // of the ordinary load before the first risky message
  double drain = 15;        // the longest wait for the last events after the last risky message
  int parallel = 8;         // concurrent new-seeker hellos while setting up (Argon2id each)
  bool tls = true;
  std::string data_parent;  // where the temp data directory goes ("" = the temp directory)
};

[[noreturn]] void Usage(const char* why) {
  std::fprintf(stderr,
               "console_bench: %s\n"
               "usage: console_bench [--quick] [--conversations N] [--risky N] [--interval-ms MS]\n"
               "                     [--warmup S] [--plain] [--data-parent DIR]\n",
               why);
  std::exit(2);
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--quick") {
      o.conversations = 10;
      o.risky = 20;
      o.warmup = 0.5;
      o.drain = 5;
      continue;
    }
    if (flag == "--plain") {
      o.tls = false;
      continue;
    }
    if (i + 1 >= argc) Usage("unknown flag, or a flag without its value");
    const std::string arg = argv[++i];
    if (flag == "--data-parent") {
      o.data_parent = arg;
      continue;
    }
    char* end = nullptr;
    const double v = std::strtod(arg.c_str(), &end);
    if (end == arg.c_str() || *end != '\0' || v < 0) Usage("not a number");
    if (flag == "--conversations") {
      o.conversations = static_cast<int>(v);
    } else if (flag == "--risky") {
      o.risky = static_cast<int>(v);
    } else if (flag == "--interval-ms") {
      o.interval_s = v / 1000.0;
    } else if (flag == "--warmup") {
      o.warmup = v;
    } else {
      Usage("unknown flag");
    }
  }
  if (o.risky < 1) Usage("--risky must be at least 1");
  return o;
}

// ---------------------------------------------------------------------------------------------
// Messages

// Ordinary things a seeker writes, none of them risky (each reads risk level none, and none
// asks for a person); the bench counts any ordinary conversation that gets queued all the same.
// No real person's words.
const std::vector<std::string>& OrdinaryTexts() {
  static const std::vector<std::string> s = {
      "hi",
      "i can't sleep again",
      "my boss yelled at me in front of everyone today and I just froze",
      "I feel so alone lately",
      "thank you, that actually helps a bit",
      "my exams start next week and I haven't studied at all, I'm panicking",
      "I've been feeling really anxious about money, the rent is due and I can't pay it",
      "my dog died last month and I still cry every day",
      "I'm tired. just tired.",
      "can you help me calm down? my heart is racing",
      "I started a new job and I feel like I'm failing at it",
      "nobody at school talks to me",
      "that's not really what I meant",
      "I don't know why I'm even writing this",
      "my brother is in hospital and I can't stop worrying",
      "lol I'm fine, just bored",
      "I'm so angry I could scream",
      "work is busy, 60 hour weeks and no end in sight",
      "do you think things can get better?",
      "I'm really nervous about a job interview tomorrow morning",
      "I keep replaying an embarrassing thing I said years ago, over and over, every night "
      "before sleep, and it makes me want to hide from everyone I know",
      "thanks for listening",
      "I moved to a new city and I don't know anyone here. the weekends are the worst, I don't "
      "talk to a single person from friday to monday",
      "I feel guilty all the time",
      "my girlfriend broke up with me and I can't focus on anything",
      "my flatmate never cleans up and I don't know how to bring it up",
      "I miss my friends from back home",
  };
  return s;
}

// Risky messages: a plan, the means at hand and a time (high or imminent risk), which the
// shipped policy queues at priority 1 or 2.
const std::vector<std::string>& RiskyTexts() {
  static const std::vector<std::string> s = {
      "I have the pills here and I'm going to take them all tonight",
      "I've got the pills in my hand and I'm taking all of them tonight",
      "tonight I'm going to swallow every pill I have, they're right here",
      "I saved up my pills and I'm taking them all tonight, I've decided",
  };
  return s;
}

std::string MessageFrame(const std::string& id, const std::string& text) {
  return R"({"v":1,"type":"message","id":")" + id + R"(","text":)" + nlohmann::json(text).dump() +
         "}";
}

constexpr std::string_view kQueueSnapshot = R"("type":"queue")";
constexpr std::string_view kEvent = R"("type":"event")";
constexpr std::string_view kKindQueued = R"("kind":"queued")";
constexpr std::string_view kEscalate = R"("escalate":true)";

// ---------------------------------------------------------------------------------------------
// The run's state. Everything below is touched only on the load generator's thread while it
// runs; the main thread reads it after the run's future is ready.

struct RiskyTurn {
  std::string conversation;
  Clock::time_point sent{}, acked{}, replied{}, event{};
  bool escalate = false;
  int priority = 0;  // of the queued event
  std::string failure;
};

struct OrdinaryTurn {
  Clock::time_point start, acked, end;
};

template <class Ws>
struct State {
  Options opt;
  uint16_t port = 0;
  std::string staff_token;
  ssl::context* ctx = nullptr;
  const server::Metrics* metrics = nullptr;

  std::unique_ptr<Ws> console;
  std::vector<std::unique_ptr<Ws>> ordinary, risky_ws;
  std::vector<std::vector<OrdinaryTurn>> ordinary_turns;
  std::vector<uint64_t> ordinary_errors;
  std::string ordinary_failure;
  std::vector<RiskyTurn> risky;
  std::unordered_map<std::string, size_t> risky_by_conversation;
  bool console_ready = false;
  int other_queued = 0;  // queued events for conversations that are not the risky ones
  int running = 0;       // coroutines still reading or writing
  int ordinary_running = 0;
  bool stop = false;  // the ordinary loops end after their current turn

  double setup_ordinary_s = 0, setup_risky_s = 0;
  Clock::time_point window_start, window_end;
  uint64_t turns_at_start = 0, micros_at_start = 0, turns_in_window = 0, micros_in_window = 0;
  std::string setup_failure;
};

asio::awaitable<void> Pause(Clock::duration d) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(d);
  co_await timer.async_wait(use_awaitable);
}

// Polls `done` every 5 ms on the load generator's thread, at most `timeout_s`.
template <class Pred>
asio::awaitable<bool> AwaitUntil(Pred done, double timeout_s) {
  const auto deadline = Clock::now() + FromSeconds(timeout_s);
  while (!done()) {
    if (Clock::now() > deadline) co_return false;
    co_await Pause(std::chrono::milliseconds(5));
  }
  co_return true;
}

// The console: reads every frame and stamps the first `queued` event of each risky conversation.
template <class Ws>
asio::awaitable<void> ConsoleReader(State<Ws>& s) {
  s.running++;
  beast::flat_buffer buf;
  for (;;) {
    buf.consume(buf.size());
    auto [ec, n] = co_await s.console->async_read(buf, as_tuple(use_awaitable));
    if (ec) break;
    const auto now = Clock::now();
    std::string_view f = View(buf);
    if (IsType(f, kQueueSnapshot)) {
      s.console_ready = true;
      continue;
    }
    if (!IsType(f, kEvent) || !IsType(f, kKindQueued)) continue;
    auto j = nlohmann::json::parse(f, nullptr, false);
    if (!j.is_object() || !j.contains("conversation")) continue;
    auto it = s.risky_by_conversation.find(j.value("conversation", ""));
    if (it == s.risky_by_conversation.end()) {
      s.other_queued++;
      continue;
    }
    RiskyTurn& t = s.risky[it->second];
    if (t.event != Clock::time_point{}) continue;  // a rise in priority later
    t.event = now;
    if (j.contains("item") && j["item"].is_object()) t.priority = j["item"].value("priority", 0);
  }
  s.running--;
}

// A risky seeker's connection: stamps its ack and reply, and reads on (queue positions) until
// the connection closes.
template <class Ws>
asio::awaitable<void> RiskyReader(State<Ws>& s, size_t k) {
  s.running++;
  RiskyTurn& t = s.risky[k];
  beast::flat_buffer buf;
  for (;;) {
    buf.consume(buf.size());
    auto [ec, n] = co_await s.risky_ws[k]->async_read(buf, as_tuple(use_awaitable));
    if (ec) break;
    const auto now = Clock::now();
    std::string_view f = View(buf);
    if (IsType(f, kAck) && t.acked == Clock::time_point{}) {
      t.acked = now;
    } else if (IsType(f, kReply) && t.replied == Clock::time_point{}) {
      t.replied = now;
      t.escalate = IsType(f, kEscalate);
    } else if (IsType(f, kError) && t.failure.empty()) {
      t.failure = std::string(f.substr(0, 200));
    }
  }
  s.running--;
}

template <class Ws>
asio::awaitable<void> SendRisky(State<Ws>& s, size_t k) {
  s.running++;
  std::string frame =
      MessageFrame("risky" + std::to_string(k), RiskyTexts()[k % RiskyTexts().size()]);
  s.risky[k].sent = Clock::now();
  auto [ec, n] = co_await s.risky_ws[k]->async_write(asio::buffer(frame), as_tuple(use_awaitable));
  if (ec && s.risky[k].failure.empty()) s.risky[k].failure = ec.message();
  s.running--;
}

// An ordinary conversation in the closed loop: a message, its ack and its reply, the next.
template <class Ws>
asio::awaitable<void> OrdinaryLoop(State<Ws>& s, size_t i) {
  s.running++;
  s.ordinary_running++;
  Ws& ws = *s.ordinary[i];
  const auto& texts = OrdinaryTexts();
  beast::flat_buffer buf;
  try {
    for (size_t n = 0; !s.stop; ++n) {
      std::string frame = MessageFrame("o" + std::to_string(i) + "n" + std::to_string(n),
                                       texts[(i * 7 + n) % texts.size()]);
      const auto start = Clock::now();
      co_await ws.async_write(asio::buffer(frame), use_awaitable);
      bool ok = true;
      Clock::time_point acked{};
      for (;;) {
        buf.consume(buf.size());
        co_await ws.async_read(buf, use_awaitable);
        std::string_view f = View(buf);
        if (IsType(f, kAck)) acked = Clock::now();
        if (IsType(f, kReply)) break;
        if (IsType(f, kError)) {
          if (s.ordinary_failure.empty()) s.ordinary_failure = std::string(f.substr(0, 200));
          ok = false;
          break;
        }
      }
      if (ok) {
        s.ordinary_turns[i].push_back(
            {start, acked == Clock::time_point{} ? start : acked, Clock::now()});
      } else {
        s.ordinary_errors[i]++;
      }
    }
    // Closed from this side: nothing reads this connection any more to answer the server's close.
    auto [ec] = co_await ws.async_close(websocket::close_code::normal, as_tuple(use_awaitable));
    (void)ec;
  } catch (const std::exception& e) {
    s.ordinary_errors[i]++;
    if (s.ordinary_failure.empty()) s.ordinary_failure = e.what();
  }
  s.ordinary_running--;
  s.running--;
}

// Connects `count` new seekers, `parallel` at a time (each hello without a token makes one: an
// Argon2id hash on the server). `conversations` (optional) receives each one's conversation id.
template <class Ws>
asio::awaitable<void> NewSeekers(State<Ws>& s, std::vector<std::unique_ptr<Ws>>& out, int count,
                                 std::vector<std::string>* conversations) {
  out.resize(static_cast<size_t>(count));
  if (conversations != nullptr) conversations->resize(static_cast<size_t>(count));
  int next = 0, finished = 0;
  auto worker = [&]() -> asio::awaitable<void> {
    for (;;) {
      const int i = next++;
      if (i >= count) break;
      try {
        auto ws = co_await Connect<Ws>(*s.ctx, s.port);
        beast::flat_buffer buf;
        nlohmann::json welcome;
        std::string token = co_await Hello(*ws, buf, "", &welcome);
        if (token.empty()) throw std::runtime_error("hello refused");
        if (conversations != nullptr) {
          (*conversations)[static_cast<size_t>(i)] = welcome.value("conversation", "");
        }
        out[static_cast<size_t>(i)] = std::move(ws);
      } catch (const std::exception& e) {
        if (s.setup_failure.empty()) s.setup_failure = e.what();
      }
    }
    finished++;
  };
  auto ex = co_await asio::this_coro::executor;
  for (int w = 0; w < s.opt.parallel; ++w) asio::co_spawn(ex, worker(), asio::detached);
  co_await AwaitUntil([&] { return finished == s.opt.parallel; }, 3600);
}

// The whole run, on the load generator's thread.
template <class Ws>
asio::awaitable<void> Run(State<Ws>& s) {
  auto ex = co_await asio::this_coro::executor;
  const Options& o = s.opt;

  // The console, signed in as a supporter, with its (empty) queue.
  s.console = co_await Connect<Ws>(*s.ctx, s.port, "/console/ws");
  s.console->text(true);
  const std::string hello = R"({"v":1,"type":"hello","token":")" + s.staff_token + R"("})";
  co_await s.console->async_write(asio::buffer(hello), use_awaitable);
  asio::co_spawn(ex, ConsoleReader(s), asio::detached);
  if (!co_await AwaitUntil([&] { return s.console_ready; }, 30)) {
    throw std::runtime_error("the console got no queue after hello");
  }
  std::fprintf(stderr, "console_bench: console signed in; making %d + %d seekers\n",
               o.conversations, o.risky);

  // The seekers, before anything is measured.
  auto t0 = Clock::now();
  co_await NewSeekers(s, s.ordinary, o.conversations, nullptr);
  s.setup_ordinary_s = Seconds(Clock::now() - t0);
  t0 = Clock::now();
  std::vector<std::string> conversations;
  co_await NewSeekers(s, s.risky_ws, o.risky, &conversations);
  s.setup_risky_s = Seconds(Clock::now() - t0);
  std::fprintf(stderr, "console_bench: seekers made; load on, %.1f s warm-up\n", o.warmup);
  s.risky.resize(static_cast<size_t>(o.risky));
  for (size_t k = 0; k < s.risky.size(); ++k) {
    if (!s.risky_ws[k] || conversations[k].empty()) {
      s.risky[k].failure = "setup failed";
      continue;
    }
    s.risky[k].conversation = conversations[k];
    s.risky_by_conversation[conversations[k]] = k;
    asio::co_spawn(ex, RiskyReader(s, k), asio::detached);
  }

  // The ordinary load, warmed up.
  s.ordinary_turns.resize(s.ordinary.size());
  s.ordinary_errors.assign(s.ordinary.size(), 0);
  for (size_t i = 0; i < s.ordinary.size(); ++i) {
    if (s.ordinary[i]) asio::co_spawn(ex, OrdinaryLoop(s, i), asio::detached);
  }
  co_await Pause(FromSeconds(o.warmup));

  // The risky messages, each at its time.
  s.window_start = Clock::now();
  s.turns_at_start = s.metrics->chat_turns;
  s.micros_at_start = s.metrics->chat_turn_micros;
  std::fprintf(stderr, "console_bench: risky messages, %.0f s\n",
               o.interval_s * static_cast<double>(s.risky.size()));
  for (size_t k = 0; k < s.risky.size(); ++k) {
    const auto due = s.window_start + FromSeconds(o.interval_s * static_cast<double>(k));
    if (Clock::now() < due) co_await Pause(due - Clock::now());
    if (s.risky_ws[k] && !s.risky[k].conversation.empty()) {
      asio::co_spawn(ex, SendRisky(s, k), asio::detached);
    }
  }
  co_await AwaitUntil(
      [&] {
        return std::all_of(s.risky.begin(), s.risky.end(), [](const RiskyTurn& t) {
          return !t.failure.empty() ||
                 (t.event != Clock::time_point{} && t.replied != Clock::time_point{});
        });
      },
      o.drain);
  s.window_end = Clock::now();
  s.turns_in_window = s.metrics->chat_turns - s.turns_at_start;
  s.micros_in_window = s.metrics->chat_turn_micros - s.micros_at_start;
  s.stop = true;
  std::fprintf(stderr, "console_bench: measured; stopping the load\n");
}

// ---------------------------------------------------------------------------------------------
// Reporting

void PrintRow(const char* what, const Percentiles& p) {
  std::printf("  %-22s %5zu %9.1f %9.1f %9.1f %9.1f\n", what, p.n, p.p50, p.p90, p.p99, p.max);
}

double Ratio(double a, double b) { return b > 0 ? a / b : 0; }

template <class Ws>
void Report(const State<Ws>& s) {
  const Options& o = s.opt;
  std::vector<float> event_us, ack_us, reply_us;
  // The seeker's ack after the console's event, overall and in the first and last quarter of
  // the risky messages (the queue is longer by then).
  std::vector<float> gap_us, gap_first_us, gap_last_us;
  const size_t quarter = std::max<size_t>(1, s.risky.size() / 4);
  int missing_event = 0, failed = 0, not_escalated = 0, event_first = 0;
  std::map<int, int> priorities;
  std::string first_failure;
  for (size_t k = 0; k < s.risky.size(); ++k) {
    const RiskyTurn& t = s.risky[k];
    if (t.sent == Clock::time_point{}) {
      failed++;
      if (first_failure.empty()) first_failure = t.failure;
      continue;
    }
    if (t.event != Clock::time_point{}) {
      event_us.push_back(Micros(t.event - t.sent));
      priorities[t.priority]++;
    } else {
      missing_event++;
    }
    if (t.acked != Clock::time_point{}) ack_us.push_back(Micros(t.acked - t.sent));
    if (t.replied != Clock::time_point{}) {
      reply_us.push_back(Micros(t.replied - t.sent));
      if (!t.escalate) not_escalated++;
    }
    if (t.event != Clock::time_point{} && t.acked != Clock::time_point{}) {
      if (t.event <= t.acked) event_first++;
      const float gap = Micros(t.acked - t.event);
      gap_us.push_back(gap);
      if (k < quarter) gap_first_us.push_back(gap);
      if (k >= s.risky.size() - quarter) gap_last_us.push_back(gap);
    }
    if (!t.failure.empty() && first_failure.empty()) first_failure = t.failure;
  }
  const Percentiles ev = ComputePercentiles(std::move(event_us));
  const Percentiles ack = ComputePercentiles(std::move(ack_us));
  const Percentiles reply = ComputePercentiles(std::move(reply_us));

  // The ordinary load over the risky phase: turns that began and ended in it.
  std::vector<float> turn_us, turn_ack_us;
  uint64_t errors = 0;
  for (size_t i = 0; i < s.ordinary_turns.size(); ++i) {
    errors += s.ordinary_errors[i];
    for (const OrdinaryTurn& t : s.ordinary_turns[i]) {
      if (t.start < s.window_start || t.end > s.window_end) continue;
      turn_us.push_back(Micros(t.end - t.start));
      turn_ack_us.push_back(Micros(t.acked - t.start));
    }
  }
  const double window = Seconds(s.window_end - s.window_start);
  const Percentiles turns = ComputePercentiles(std::move(turn_us));
  const Percentiles turn_acks = ComputePercentiles(std::move(turn_ack_us));
  int connected = 0;
  for (const auto& ws : s.ordinary) connected += ws ? 1 : 0;

  std::printf(
      "load: %d ordinary conversations in a closed loop (%d connected): %.1f turns/s over the "
      "%.1f s of the risky phase; reply p50 %.1f ms, p99 %.1f ms; ack p50 %.1f ms, p99 %.1f ms; "
      "%llu errors%s%s\n",
      o.conversations, connected, window > 0 ? static_cast<double>(turns.n) / window : 0.0, window,
      turns.p50, turns.p99, turn_acks.p50, turn_acks.p99, static_cast<unsigned long long>(errors),
      s.ordinary_failure.empty() ? "" : "; first error: ", s.ordinary_failure.c_str());
  if (s.turns_in_window > 0) {
    std::printf(
        "  server side, mean per turn from decode to result (the worker pool's queue + the chat "
        "service), all turns of the phase: %.1f ms\n",
        static_cast<double>(s.micros_in_window) / 1000.0 / static_cast<double>(s.turns_in_window));
  }
  std::printf("  ordinary conversations queued (should be 0): %d\n\n", s.other_queued);

  std::printf(
      "risky messages: %d, one every %.0f ms, each from a fresh seeker (%zu texts in rotation); "
      "%zu queued on the console",
      o.risky, o.interval_s * 1000, RiskyTexts().size(), ev.n);
  for (const auto& [priority, count] : priorities) {
    std::printf("%spriority %d: %d", priority == priorities.begin()->first ? " (" : ", ", priority,
                count);
  }
  std::printf("%s; %d never queued, %d not sent, %d replies without escalate%s%.200s\n",
              priorities.empty() ? "" : ")", missing_event, failed, not_escalated,
              first_failure.empty() ? "" : "; first error: ", first_failure.c_str());
  std::printf("  %-22s %5s %9s %9s %9s %9s   (ms from the client's write)\n", "", "n", "p50", "p90",
              "p99", "max");
  PrintRow("event (console)", ev);
  PrintRow("ack (seeker, baseline)", ack);
  PrintRow("reply (seeker)", reply);
  std::printf("  p99(event) / p99(ack):   %.3f\n", Ratio(ev.p99, ack.p99));
  std::printf("  p99(event) / p99(reply): %.3f\n", Ratio(ev.p99, reply.p99));
  const Percentiles gap = ComputePercentiles(std::move(gap_us));
  std::printf(
      "  the seeker's ack came after the console's event by p50 %.1f ms, p99 %.1f ms (p50 %.1f ms "
      "for the first %zu risky messages, %.1f ms for the last %zu); the event first for %d of "
      "%zu\n",
      gap.p50, gap.p99, ComputePercentiles(std::move(gap_first_us)).p50, quarter,
      ComputePercentiles(std::move(gap_last_us)).p50, quarter, event_first, gap.n);
  const bool met = ev.n > 0 && missing_event == 0 && failed == 0 && ev.p99 < 1000.0;
  std::printf("goal: p99 event < 1000 ms: %s (p99 %.1f ms%s)\n", met ? "met" : "missed", ev.p99,
              missing_event + failed > 0 ? "; some risky messages never reached the console" : "");
}

// ---------------------------------------------------------------------------------------------

template <class Ws>
int Drive(State<Ws>& s, server::Server& haven) {
  asio::io_context io{1};
  auto guard = asio::make_work_guard(io);  // so that posts below run even when all else ended
  std::future<void> done = asio::co_spawn(io, Run(s), asio::use_future);
  std::thread runner([&] { io.run(); });
  int rc = 0;
  try {
    done.get();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "console_bench: %s\n", e.what());
    rc = 1;
  }
  // The ordinary loops end after their current turn; the server's shutdown closes the rest.
  auto running = [&](const int& counter) {
    return asio::post(io, asio::use_future([&] { return counter; })).get();
  };
  WaitUntil([&] { return running(s.ordinary_running) == 0; }, 60);
  haven.Shutdown(std::chrono::seconds(5));
  WaitUntil([&] { return running(s.running) == 0; }, 30);
  guard.reset();
  io.stop();
  runner.join();
  if (rc == 0) {
    if (!s.setup_failure.empty()) {
      std::printf("setup: first error: %.200s\n", s.setup_failure.c_str());
    }
    std::printf(
        "setup: %d ordinary seekers in %.1f s, %d risky seekers in %.1f s (new seekers over "
        "WebSocket, %d at a time; each is an Argon2id hash)\n\n",
        s.opt.conversations, s.setup_ordinary_s, s.opt.risky, s.setup_risky_s, s.opt.parallel);
    Report(s);
  }
  s.console.reset();
  s.ordinary.clear();
  s.risky_ws.clear();
  return rc;
}

int Main(int argc, char** argv) {
  const Options opt = ParseArgs(argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const int connections = opt.conversations + opt.risky + 1;
  const rlim_t files = RaiseFileLimit();
  if (static_cast<rlim_t>(connections) * 2 + 100 > files) {
    std::printf("note: open-file limit %llu is too low for %d connections; some will fail\n",
                static_cast<unsigned long long>(files), connections);
  }

  // The data directory, where a real deployment would have it: on disk, not tmpfs.
  ScratchDir scratch(opt.data_parent, "haven-console-bench-");
  if (!scratch.ok()) {
    std::fprintf(stderr, "console_bench: cannot create the data directory\n");
    return 2;
  }
  const fs::path& root = scratch.path();
  auto fail = [](const Status& s) {
    std::fprintf(stderr, "console_bench: %s\n", s.message().c_str());
    return 2;
  };

  // As `haven serve` (cli/serve_cmd.cc) wires it.
  auto engine = reply::Engine::Load(HAVEN_SOURCE_DATA_DIR);
  if (!engine.ok()) return fail(engine.status());
  const std::string data_dir = (root / "data").string();
  auto store = storage::OpenSqliteStorage(data_dir, (root / "keys" / "haven.key").string());
  if (!store.ok()) return fail(store.status());
  const std::string policy_path = std::string(HAVEN_SOURCE_DATA_DIR) + "/policy/escalation.yaml";
  auto policy = safety::EscalationPolicy::Load(policy_path);
  if (!policy.ok()) return fail(policy.status());
  chat::ChatService chat(**engine, **store);
  chat::StaffAuth staff(**store);
  chat::EventLog events;
  reply::DraftCoach coach(**engine);
  chat::Oversight oversight(**store, staff, **engine, &*policy, events, /*notifier=*/nullptr,
                            &coach, chat::OversightOptions{});
  chat.set_oversight(&oversight);

  // The supporter, made and signed in on the store (the fast hash only for making it quickly;
  // the server's StaffAuth keeps the defaults and only checks the session).
  std::string staff_token;
  {
    chat::StaffAuthOptions fast;
    fast.insecure_fast_hash_for_tests = true;
    chat::StaffAuth setup(**store, fast);
    const std::string password = "a long bench password, not a real one";
    auto user = setup.CreateUser("bench-supporter", storage::StaffRole::kSupporter, password);
    if (!user.ok()) return fail(user.status());
    auto key = chat::Base32Decode(user->totp_secret_base32);
    if (!key.ok()) return fail(key.status());
    auto login =
        setup.Login("bench-supporter", password,
                    chat::TotpCode(*key, static_cast<int64_t>(std::time(nullptr))), "127.0.0.1");
    if (!login.ok()) return fail(login.status());
    staff_token = login->token;
  }

  server::ServerOptions so;
  so.host = "127.0.0.1";
  so.port = 0;
  so.tls = opt.tls;
  if (opt.tls) {
    auto tls = UseSelfSignedTls(so, data_dir);
    if (!tls.ok()) return fail(tls.status());
  }
  RaiseLimits(so, connections + 100);
  auto started = server::Server::Start(so, chat, &staff, &oversight);
  if (!started.ok()) return fail(started.status());
  std::unique_ptr<server::Server> haven = std::move(started).value();

  std::printf(
      "console_bench: a risky message's write to the console's `queued` event, against the "
      "seeker's own ack and reply\n");
  std::printf("machine: %u CPUs (%s); the load generator (1 thread) shares them with the server\n",
              std::thread::hardware_concurrency(), CpuModel().c_str());
  PrintLoadAverage();
  std::printf("transport: %s on loopback\n",
              opt.tls ? "WebSocket over TLS (self-signed ECDSA P-256)" : "plain WebSocket");
  std::printf(
      "haven: 1 I/O thread + %d workers; SQLite (WAL) + envelope encryption, fsync on every "
      "commit (as haven serve), on %s (%s); escalation policy %s; rate limits and connection "
      "caps raised\n",
      so.worker_threads, FsType(root.string()).c_str(), root.c_str(), policy_path.c_str());
  std::printf("console: 1 supporter on /console/ws\n");

  ssl::context ctx = ClientTlsContext();
  if (opt.tls) {
    State<TlsWs> s;
    s.opt = opt;
    s.port = haven->port();
    s.staff_token = staff_token;
    s.ctx = &ctx;
    s.metrics = &haven->metrics();
    return Drive(s, *haven);
  }
  State<PlainWs> s;
  s.opt = opt;
  s.port = haven->port();
  s.staff_token = staff_token;
  s.ctx = &ctx;
  s.metrics = &haven->metrics();
  return Drive(s, *haven);
}

}  // namespace
}  // namespace haven::bench

int main(int argc, char** argv) { return haven::bench::Main(argc, argv); }
