// Chat turns per second and their latency on PostgreSQL with one and with two Haven instances,
// against one instance on the embedded SQLite store, all measured in the same run (issue 6;
// docs/benchmarks.md). A load generator, not a Google Benchmark.
//
//   build/release/bench/instances_bench [--seconds 10] [--clients 8] [--quick]
//
// An instance here is what a `haven serve` process holds for a turn: a chat::ChatService over its
// own storage (storage::OpenSqliteStorage or OpenPostgresStorage: envelope encryption, its own
// connection pools and key cache), with the shipped reply engine. Two instances are two of them on
// the same two databases (records, keys), the clients split between them as a load balancer
// would. The network layer is left out (server_bench measures it); what is left is each turn's
// unit of work, which PostgresStore serialises across processes (pg_store.h), so this is the
// figure that says whether a second instance adds throughput.
//
// PostgreSQL is a throwaway cluster started here (storage/postgres/test_cluster.h: the newest
// server under /usr/lib/postgresql/*/bin, fsync off). SQLite fsyncs every commit, as `haven
// serve` does, on the temporary directory's disk. Both are therefore lower bounds of a tuned
// server's figures, and their ratio is specific to this machine; the ratio of two instances to
// one is the figure to read. Clients: C threads, each sending the next turn of its own seekers as
// soon as the last one is answered (closed loop), 50 sentences in rotation.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "chat/chat_service.h"
#include "reply/engine.h"
#include "storage/open.h"
#include "storage/postgres/test_cluster.h"

namespace {

using namespace haven;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

struct Options {
  double seconds = 10;
  int clients = 8;
  int seekers_per_client = 4;
};

const std::vector<std::string>& Sentences() {
  static const std::vector<std::string> s = {
      "hi",
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
      "my dog died last month and I still cry every day",
      "I'm tired. just tired.",
      "can you help me calm down? my heart is racing",
      "I started a new job and I feel like I'm failing at it",
      "nobody at school talks to me",
      "ok",
      "that's not really what I meant",
      "my brother is in hospital and I can't stop worrying",
      "I think I'm a bit better today"};
  return s;
}

struct Result {
  uint64_t turns = 0, errors = 0;
  double seconds = 0;
  double p50_ms = 0, p99_ms = 0;
};

// C client threads over the given instances (client i uses instance i % n), closed loop.
Result Drive(const std::vector<chat::ChatService*>& instances, const Options& o) {
  struct PerClient {
    std::vector<chat::SeekerSession> seekers;
    uint64_t turns = 0, errors = 0;
    std::vector<float> us;
  };
  std::vector<PerClient> clients(static_cast<size_t>(o.clients));
  for (size_t c = 0; c < clients.size(); ++c) {
    chat::ChatService& chat = *instances[c % instances.size()];
    for (int k = 0; k < o.seekers_per_client; ++k) {
      auto s = chat.CreateSeeker();
      if (!s.ok()) {
        std::fprintf(stderr, "instances_bench: %s\n", s.status().message().c_str());
        std::exit(2);
      }
      clients[c].seekers.push_back(std::move(s).value());
    }
  }
  const auto start = Clock::now();
  const auto end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  std::vector<std::thread> threads;
  for (size_t c = 0; c < clients.size(); ++c) {
    threads.emplace_back([&, c] {
      PerClient& me = clients[c];
      chat::ChatService& chat = *instances[c % instances.size()];
      for (size_t n = 0; Clock::now() < end; ++n) {
        const chat::SeekerSession& s = me.seekers[n % me.seekers.size()];
        const std::string& text = Sentences()[(c * 7 + n) % Sentences().size()];
        auto a = Clock::now();
        char id[48];
        std::snprintf(id, sizeof id, "c%zun%zu", c, n);
        auto turn = chat.Send(s, id, text, "en-US");
        auto b = Clock::now();
        if (!turn.ok()) {
          ++me.errors;
          continue;
        }
        ++me.turns;
        me.us.push_back(std::chrono::duration<float, std::micro>(b - a).count());
      }
    });
  }
  for (auto& t : threads) t.join();
  Result r;
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<float> us;
  for (auto& c : clients) {
    r.turns += c.turns;
    r.errors += c.errors;
    us.insert(us.end(), c.us.begin(), c.us.end());
  }
  std::sort(us.begin(), us.end());
  auto at = [&](double q) {
    if (us.empty()) return 0.0;
    return us[std::min(us.size() - 1, static_cast<size_t>(q * static_cast<double>(us.size())))] /
           1000.0;
  };
  r.p50_ms = at(0.50);
  r.p99_ms = at(0.99);
  return r;
}

void Print(const char* what, const Result& r, double baseline) {
  const double tps = r.seconds > 0 ? static_cast<double>(r.turns) / r.seconds : 0;
  std::printf("| %-34s | %8.0f | %7.1f | %7.1f | %6llu | %5.2f |\n", what, tps, r.p50_ms, r.p99_ms,
              static_cast<unsigned long long>(r.errors), baseline > 0 ? tps / baseline : 1.0);
}

double Tps(const Result& r) { return r.seconds > 0 ? static_cast<double>(r.turns) / r.seconds : 0; }

int Main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--quick") {
      o.seconds = 3;
    } else if (a == "--seconds" && i + 1 < argc) {
      o.seconds = std::atof(argv[++i]);
    } else if (a == "--clients" && i + 1 < argc) {
      o.clients = std::max(1, std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: instances_bench [--seconds S] [--clients C] [--quick]\n");
      return 2;
    }
  }
  auto engine = reply::Engine::Load(HAVEN_SOURCE_DATA_DIR);
  if (!engine.ok()) {
    std::fprintf(stderr, "instances_bench: %s\n", engine.status().message().c_str());
    return 2;
  }
  auto cluster = storage::testing::TestCluster::Get();
  if (!cluster.ok()) {
    std::fprintf(stderr, "instances_bench: no PostgreSQL cluster: %s\n",
                 cluster.status().message().c_str());
    return 2;
  }
  const fs::path root =
      fs::temp_directory_path() / ("haven-instances-bench-" + std::to_string(::getpid()));
  fs::create_directories(root / "keys");
  const std::string key_file = (root / "keys" / "haven.key").string();

  std::printf(
      "instances_bench: %d clients (closed loop, %d seekers each), %.0f s per run, %u CPUs\n",
      o.clients, o.seekers_per_client, o.seconds, std::thread::hardware_concurrency());
  std::printf("| %-34s | %8s | %7s | %7s | %6s | %5s |\n", "", "turns/s", "p50 ms", "p99 ms",
              "errors", "ratio");
  std::printf("|%s|%s|%s|%s|%s|%s|\n", std::string(36, '-').c_str(), std::string(10, '-').c_str(),
              std::string(9, '-').c_str(), std::string(9, '-').c_str(), std::string(8, '-').c_str(),
              std::string(7, '-').c_str());

  Result sqlite;
  {
    auto store = storage::OpenSqliteStorage((root / "sqlite").string(), key_file);
    if (!store.ok()) {
      std::fprintf(stderr, "instances_bench: %s\n", store.status().message().c_str());
      return 2;
    }
    chat::ChatService chat(**engine, **store);
    sqlite = Drive({&chat}, o);
    Print("SQLite, one instance (baseline)", sqlite, 0);
  }
  const double base = Tps(sqlite);
  for (int instances : {1, 2}) {
    auto records = (*cluster)->NewDatabase();
    auto keys = (*cluster)->NewDatabase();
    if (!records.ok() || !keys.ok()) {
      std::fprintf(stderr, "instances_bench: cannot create the databases\n");
      return 2;
    }
    std::vector<std::unique_ptr<storage::EncryptedStore>> stores;
    std::vector<std::unique_ptr<chat::ChatService>> chats;
    std::vector<chat::ChatService*> raw;
    for (int i = 0; i < instances; ++i) {
      auto store = storage::OpenPostgresStorage(*records, *keys, key_file);
      if (!store.ok()) {
        std::fprintf(stderr, "instances_bench: %s\n", store.status().message().c_str());
        return 2;
      }
      stores.push_back(std::move(store).value());
      chats.push_back(std::make_unique<chat::ChatService>(**engine, *stores.back()));
      raw.push_back(chats.back().get());
    }
    Result r = Drive(raw, o);
    Print(instances == 1 ? "PostgreSQL, one instance" : "PostgreSQL, two instances", r, base);
  }
  std::error_code ec;
  fs::remove_all(root, ec);
  std::printf("ratio: turns/s over the SQLite baseline's, same run.\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return Main(argc, argv); }
