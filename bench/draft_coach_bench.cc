// The cost of one DraftCoach::Coach call (issue 5), which the console runs on every typing pause:
// a typical conversation (six messages), the same with an empty draft, a longer one (the full ten
// messages, a long draft), and, for scale, Engine::Respond on the same history, since Coach
// replays the conversation through the engine.
//
//   build/release/bench/bench_draft_coach
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "reply/draft_coach.h"
#include "reply/engine.h"

namespace {

using haven::reply::CoachTurn;
using haven::reply::DraftCoach;
using haven::reply::Engine;

const Engine& SharedEngine() {
  static const std::unique_ptr<Engine> e = [] {
    auto loaded = Engine::Load(HAVEN_SOURCE_DATA_DIR);
    if (!loaded.ok()) std::abort();
    return std::move(loaded).value();
  }();
  return *e;
}

const std::vector<CoachTurn>& Typical() {
  static const std::vector<CoachTurn> turns = {
      {true, "hi, I don't really know where to start"},
      {false, "Hi, I'm glad you're here. Take your time. What's been going on?"},
      {true, "work has been awful. I had a huge argument with my manager today"},
      {false, "That sounds really stressful. What was the argument about?"},
      {true,
       "he said my work isn't good enough in front of everyone and I'm so exhausted of "
       "trying"},
      {false, "I'm sorry, that sounds humiliating."},
  };
  return turns;
}

constexpr const char* kDraft = "That sucks. Have you thought about talking to HR about it?";

void BM_CoachTypical(benchmark::State& state) {
  DraftCoach coach(SharedEngine());
  for (auto _ : state) benchmark::DoNotOptimize(coach.Coach(Typical(), kDraft));
}
BENCHMARK(BM_CoachTypical)->Unit(benchmark::kMicrosecond);

void BM_CoachEmptyDraft(benchmark::State& state) {
  DraftCoach coach(SharedEngine());
  for (auto _ : state) benchmark::DoNotOptimize(coach.Coach(Typical(), ""));
}
BENCHMARK(BM_CoachEmptyDraft)->Unit(benchmark::kMicrosecond);

void BM_CoachLong(benchmark::State& state) {
  DraftCoach coach(SharedEngine());
  std::vector<CoachTurn> turns = Typical();
  turns.push_back({true,
                   "and my sister says I should just quit but I can't afford to, rent is "
                   "due and I keep lying awake at night going over everything he said"});
  turns.push_back({false, "It sounds like you're carrying a lot at once."});
  turns.push_back({true, "yeah. some days I wonder what the point of any of it is"});
  turns.push_back({false, "I'm really glad you told me that."});
  std::string draft;
  for (int i = 0; i < 6; ++i) {
    draft += "I hear you, and it makes sense that you feel worn down after all of this. ";
  }
  for (auto _ : state) benchmark::DoNotOptimize(coach.Coach(turns, draft));
}
BENCHMARK(BM_CoachLong)->Unit(benchmark::kMicrosecond);

void BM_EngineRespondSameHistory(benchmark::State& state) {
  std::vector<haven::reply::Turn> history;
  for (const CoachTurn& t : Typical())
    history.push_back({t.from_seeker ? "user" : "assistant", t.text});
  history.pop_back();  // ends with the person's message
  for (auto _ : state) benchmark::DoNotOptimize(SharedEngine().Respond(history, "en-US"));
}
BENCHMARK(BM_EngineRespondSameHistory)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
