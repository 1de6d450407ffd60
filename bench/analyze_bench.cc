// Per-stage cost of `haven analyze`, with p50/p99 microseconds per message over a corpus of
// chat-style messages (the project's own labelled cases in tests/data), and each stage's ratio to
// a baseline measured in the same run: copying and lower-casing the same bytes, the least any
// text stage can do.
//
//   build/release/bench/bench_analyze [--benchmark_filter=Risk]
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "nlp/analyzer.h"

namespace {

using haven::nlp::Analyzer;
using haven::nlp::NormalizedText;

const std::vector<std::string>& Corpus() {
  static const std::vector<std::string> corpus = [] {
    std::vector<std::string> texts;
    for (const char* file : {"risk_cases.jsonl", "risk_dev.jsonl", "intent_cases.jsonl"}) {
      std::ifstream in(std::string(HAVEN_SOURCE_DATA_DIR) + "/../tests/data/" + file);
      std::string line;
      while (std::getline(in, line)) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_object() && j.contains("text") && j["text"].is_string()) {
          texts.push_back(j["text"].get<std::string>());
        }
      }
    }
    if (texts.empty()) {
      texts = {"i can't sleep again and work is killing me", "I just want it all to stop",
               "thank you so much, that really helped :)", "my mum keeps yelling at me"};
    }
    return texts;
  }();
  return corpus;
}

const Analyzer& SharedAnalyzer() {
  static const std::unique_ptr<Analyzer> a = [] {
    auto loaded = Analyzer::Load(HAVEN_SOURCE_DATA_DIR);
    if (!loaded.ok()) std::abort();
    return std::move(loaded).value();
  }();
  return *a;
}

const std::vector<NormalizedText>& Normalized() {
  static const std::vector<NormalizedText> n = [] {
    std::vector<NormalizedText> out;
    for (const auto& t : Corpus()) out.push_back(SharedAnalyzer().normalizer().Normalize(t));
    return out;
  }();
  return n;
}

// The risk and sentiment readings the intent stage takes as input, one per corpus message.
struct IntentInputs {
  haven::nlp::Risk risk;
  haven::nlp::Sentiment sentiment;
};

const std::vector<IntentInputs>& IntentInputsPerMessage() {
  static const std::vector<IntentInputs> in = [] {
    std::vector<IntentInputs> out;
    for (const auto& t : Normalized()) {
      out.push_back(
          {SharedAnalyzer().risk_stage().Assess(t), SharedAnalyzer().sentiment_stage().Score(t)});
    }
    return out;
  }();
  return in;
}

// Runs `fn(i)` over the corpus and reports p50/p99 per message in microseconds.
template <typename Fn>
void PerMessage(benchmark::State& state, Fn fn) {
  const size_t n = Corpus().size();
  std::vector<double> us;
  us.reserve(n * 4);
  size_t i = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    fn(i % n);
    auto t1 = std::chrono::steady_clock::now();
    if (us.size() < 200000)
      us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    ++i;
  }
  std::sort(us.begin(), us.end());
  if (!us.empty()) {
    state.counters["p50_us"] = us[us.size() / 2];
    state.counters["p99_us"] = us[std::min(us.size() - 1, us.size() * 99 / 100)];
  }
  state.SetItemsProcessed(static_cast<int64_t>(i));
}

void BM_Baseline_LowercaseCopy(benchmark::State& state) {
  PerMessage(state, [](size_t i) {
    std::string s = Corpus()[i];
    for (char& c : s) c = static_cast<char>((c >= 'A' && c <= 'Z') ? c + 32 : c);
    benchmark::DoNotOptimize(s.data());
  });
}
BENCHMARK(BM_Baseline_LowercaseCopy);

void BM_Normalize(benchmark::State& state) {
  const auto& n = SharedAnalyzer().normalizer();
  PerMessage(state, [&](size_t i) { benchmark::DoNotOptimize(n.Normalize(Corpus()[i])); });
}
BENCHMARK(BM_Normalize);

#define HAVEN_STAGE_BENCH(NAME, EXPR)               \
  void BM_##NAME(benchmark::State& state) {         \
    const auto& a = SharedAnalyzer();               \
    (void)a;                                        \
    PerMessage(state, [&](size_t i) {               \
      const NormalizedText& text = Normalized()[i]; \
      benchmark::DoNotOptimize(EXPR);               \
    });                                             \
  }                                                 \
  BENCHMARK(BM_##NAME)

HAVEN_STAGE_BENCH(Sentiment, a.sentiment_stage().Score(text));
HAVEN_STAGE_BENCH(Emotions, a.emotions_stage().Classify(text));
// The risk stage as Analyze runs it: the rules, the learned model, the policy that combines them.
HAVEN_STAGE_BENCH(Risk,
                  haven::nlp::AssessRisk(a.risk_stage(), a.risk_model(), a.risk_concepts(), text));
// Its two readers alone (before the learned model, BM_Risk was the rules alone).
HAVEN_STAGE_BENCH(RiskRules, a.risk_stage().Assess(text));
HAVEN_STAGE_BENCH(RiskModel, a.risk_model().Score(text));
HAVEN_STAGE_BENCH(Topics, a.topics_stage().Detect(text));
HAVEN_STAGE_BENCH(Pii, a.pii_stage().Find(text));

// Intent reads the message's risk and sentiment; both are computed before timing starts.
void BM_Intent(benchmark::State& state) {
  const auto& stage = SharedAnalyzer().intent_stage();
  const auto& inputs = IntentInputsPerMessage();
  PerMessage(state, [&](size_t i) {
    benchmark::DoNotOptimize(stage.Classify(Normalized()[i], inputs[i].risk, inputs[i].sentiment));
  });
}
BENCHMARK(BM_Intent);

void BM_AnalyzeAll(benchmark::State& state) {
  PerMessage(state,
             [](size_t i) { benchmark::DoNotOptimize(SharedAnalyzer().Analyze(Corpus()[i])); });
}
BENCHMARK(BM_AnalyzeAll);

// The same messages 64 at a time through AnalyzeBatch (as `haven analyze --jsonl` reads them):
// the time shown is per message (the batch's time / 64), so it compares with BM_AnalyzeAll.
void BM_AnalyzeBatch64(benchmark::State& state) {
  constexpr size_t kBatch = 64;
  const size_t n = Corpus().size();
  std::vector<std::string_view> batch(kBatch);
  size_t next = 0;
  for (auto _ : state) {
    for (auto& text : batch) text = Corpus()[next++ % n];
    auto t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(SharedAnalyzer().AnalyzeBatch(batch));
    auto t1 = std::chrono::steady_clock::now();
    state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count() / kBatch);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_AnalyzeBatch64)->UseManualTime();

// Start-up: what each stage costs to load, against reading the bytes of every data file the
// analyzer reads (the least a load can do). A whole-process `haven analyze` pays all of it once.
void BM_Load_Baseline_ReadFiles(benchmark::State& state) {
  const std::string dir = HAVEN_SOURCE_DATA_DIR;
  const std::vector<std::string> files = {
      "/models/emotions.ftz",          "/models/risk.ftz",
      "/models/emotions.thresholds",   "/models/risk.thresholds",
      "/lexicons/vader_lexicon.txt",   "/lexicons/afinn-en-165.txt",
      "/lexicons/haven_sentiment.txt", "/lexicons/english_words.txt"};
  for (auto _ : state) {
    size_t bytes = 0;
    for (const auto& f : files) {
      std::ifstream in(dir + f, std::ios::binary | std::ios::ate);
      std::string data(static_cast<size_t>(std::max<std::streamoff>(0, in.tellg())), '\0');
      in.seekg(0);
      in.read(data.data(), static_cast<std::streamsize>(data.size()));
      bytes += data.size();
      benchmark::DoNotOptimize(data.data());
    }
    benchmark::DoNotOptimize(bytes);
  }
}
BENCHMARK(BM_Load_Baseline_ReadFiles)->Unit(benchmark::kMillisecond);

#define HAVEN_LOAD_BENCH(NAME, EXPR)                        \
  void BM_Load_##NAME(benchmark::State& state) {            \
    const std::string dir = HAVEN_SOURCE_DATA_DIR;          \
    for (auto _ : state) {                                  \
      auto loaded = EXPR;                                   \
      if (!loaded.ok()) state.SkipWithError("load failed"); \
      benchmark::DoNotOptimize(loaded);                     \
    }                                                       \
  }                                                         \
  BENCHMARK(BM_Load_##NAME)->Unit(benchmark::kMillisecond)

HAVEN_LOAD_BENCH(Normalizer, haven::nlp::Normalizer::Load(dir));
HAVEN_LOAD_BENCH(Sentiment, haven::nlp::SentimentScorer::Load(dir));
HAVEN_LOAD_BENCH(Emotions, haven::nlp::EmotionClassifier::Load(dir));
HAVEN_LOAD_BENCH(RiskRules, haven::nlp::RiskDetector::Create());
HAVEN_LOAD_BENCH(RiskModel, haven::nlp::RiskModel::Load(dir));
HAVEN_LOAD_BENCH(Intent, haven::nlp::IntentClassifier::Create());
HAVEN_LOAD_BENCH(Topics, haven::nlp::TopicDetector::Create());
HAVEN_LOAD_BENCH(Pii, haven::nlp::PiiDetector::Create());
HAVEN_LOAD_BENCH(Analyzer, Analyzer::Load(dir));

// Prints each stage's mean time as a multiple of its baseline's, after the table: per-message
// stages against copying and lower-casing the message, loads against reading the files.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& r : runs) {
      double t = r.GetAdjustedRealTime();
      const bool load = r.benchmark_name().starts_with("BM_Load_");
      if (r.benchmark_name().find("Baseline") != std::string::npos) {
        (load ? load_baseline_ : baseline_) = t;
      }
      (load ? load_results_ : results_).emplace_back(r.benchmark_name(), t);
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    if (baseline_ > 0) {
      std::printf("\nratio to baseline (copy + lowercase of the same message), same run:\n");
      for (const auto& [name, t] : results_)
        std::printf("  %-28s %8.1fx\n", name.c_str(), t / baseline_);
    }
    if (load_baseline_ > 0) {
      std::printf("\nstart-up, ratio to baseline (reading the data files' bytes), same run:\n");
      for (const auto& [name, t] : load_results_)
        std::printf("  %-28s %8.1fx\n", name.c_str(), t / load_baseline_);
    }
  }

 private:
  double baseline_ = 0;
  double load_baseline_ = 0;
  std::vector<std::pair<std::string, double>> results_;
  std::vector<std::pair<std::string, double>> load_results_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  std::printf("corpus: %zu messages\n", Corpus().size());
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
