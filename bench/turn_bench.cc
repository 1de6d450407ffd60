// Where a chat turn's time goes, without the network: `ChatService::Send` (store the message,
// rebuild or take the conversation's state, analyse, compose, guard, seal, store the reply, apply
// the escalation policy) over the SQLite store `haven serve` opens (WAL; fsync only at
// checkpoints here, so that the disk is not what is measured), against its parts measured in the
// same run: `Analyzer::Analyze` of the message alone (the baseline) and `reply::Conversation::Send`
// (the engine's turn, analysis included). It prints each one's ratio to the baseline.
//
//   build/release/bench/bench_turn [--benchmark_filter=ChatTurn]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "chat/chat_service.h"
#include "chat/events.h"
#include "chat/oversight.h"
#include "chat/staff_auth.h"
#include "nlp/analyzer.h"
#include "reply/draft_coach.h"
#include "reply/engine.h"
#include "safety/escalation_policy.h"
#include "storage/open.h"

namespace {

namespace fs = std::filesystem;
using haven::chat::ChatService;
using haven::chat::SeekerSession;

// A seeker's messages in the order a conversation might go, ordinary and risky.
const std::vector<std::string>& Messages() {
  static const std::vector<std::string> m = {
      "hi",
      "I've been feeling really low since I lost my job last month",
      "my wife keeps telling me it will be fine but I can't see how",
      "I just can't sleep, I lie awake every night going over it",
      "honestly sometimes I wonder what the point of any of it is",
      "no, I'm not going to hurt myself, I just feel stuck",
      "I guess I could try calling my brother, we used to be close",
      "what do you think I should do about the bills?",
      "thank you, that actually helps a bit",
      "I have to go now, bye",
  };
  return m;
}

const haven::reply::Engine& SharedEngine() {
  static const std::unique_ptr<haven::reply::Engine> e = [] {
    auto loaded = haven::reply::Engine::Load(HAVEN_SOURCE_DATA_DIR);
    if (!loaded.ok()) {
      std::fprintf(stderr, "bench_turn: %s\n", loaded.status().message().c_str());
      std::abort();
    }
    return std::move(loaded).value();
  }();
  return *e;
}

// The baseline: the message's analysis alone.
void BM_Analyze(benchmark::State& state) {
  const auto& analyzer = SharedEngine().analyzer();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(analyzer.Analyze(Messages()[i++ % Messages().size()]));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_Analyze);

// The engine's turn: a conversation going round Messages(), started again after state.range(0)
// turns.
void BM_EngineTurn(benchmark::State& state) {
  std::unique_ptr<haven::reply::Conversation> c;
  const auto length = static_cast<size_t>(state.range(0));
  size_t i = 0;
  for (auto _ : state) {
    if (i % length == 0) {
      state.PauseTiming();
      c = std::make_unique<haven::reply::Conversation>(SharedEngine(), "en-US");
      state.ResumeTiming();
    }
    benchmark::DoNotOptimize(c->Send(Messages()[i++ % Messages().size()]));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_EngineTurn)->Arg(10)->Arg(50)->Arg(200);

// The whole turn through the chat service as `haven serve` wires it (cli/serve_cmd.cc): the
// SQLite store, the oversight over the shipped escalation policy, one seeker (created before the
// timing: its recovery phrase's Argon2id hash would dwarf a turn) going round Messages().
void BM_ChatTurn(benchmark::State& state) {
  const fs::path dir = fs::temp_directory_path() / ("haven-turn-bench-" + std::to_string(getpid()));
  fs::remove_all(dir);
  {
    haven::storage::SqliteStorageOptions options;
    options.sync_every_commit = false;
    auto store = haven::storage::OpenSqliteStorage((dir / "data").string(),
                                                   (dir / "haven.key").string(), options);
    auto policy = haven::safety::EscalationPolicy::Load(std::string(HAVEN_SOURCE_DATA_DIR) +
                                                        "/policy/escalation.yaml");
    if (!store.ok() || !policy.ok()) {
      state.SkipWithError(!store.ok() ? store.status().message().c_str()
                                      : policy.status().message().c_str());
      return;
    }
    ChatService chat(SharedEngine(), **store);
    haven::chat::StaffAuth staff(**store);
    haven::chat::EventLog events;
    haven::reply::DraftCoach coach(SharedEngine());
    haven::chat::Oversight oversight(**store, staff, SharedEngine(), &*policy, events,
                                     /*notifier=*/nullptr, &coach, haven::chat::OversightOptions{});
    chat.set_oversight(&oversight);
    auto session = chat.CreateSeeker();
    if (!session.ok()) {
      state.SkipWithError(session.status().message().c_str());
      return;
    }
    size_t i = 0;
    for (auto _ : state) {
      auto turn =
          chat.Send(*session, "m" + std::to_string(i), Messages()[i % Messages().size()], "en-US");
      ++i;
      if (!turn.ok()) {
        state.SkipWithError(turn.status().message().c_str());
        break;
      }
      benchmark::DoNotOptimize(turn);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  }
  fs::remove_all(dir);
}
BENCHMARK(BM_ChatTurn);

// Collects each benchmark's mean time per turn for the ratio table.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& r : runs) {
      if (r.run_type == Run::RT_Iteration && !r.error_occurred) {
        ns_[r.benchmark_name()] = r.GetAdjustedRealTime();
      }
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    auto base = ns_.find("BM_Analyze");
    if (base == ns_.end() || base->second <= 0) return;
    std::printf("\nratio to the baseline (Analyze of the same messages), same run:\n");
    for (const auto& [name, ns] : ns_) {
      std::printf("  %-20s %9.1f us  %6.2fx\n", name.c_str(), ns / 1000.0, ns / base->second);
    }
  }

 private:
  std::map<std::string, double> ns_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
