#include "nlp/analyzer.h"

#include <filesystem>
#include <string>
#include <utility>

namespace haven::nlp {

Analyzer::Analyzer(std::string data_dir, Normalizer n, SentimentScorer s,
                   std::shared_ptr<const TrainedModels> m, RiskDetector r, RiskConcepts c,
                   IntentClassifier i, TopicDetector t, PiiDetector p)
    : data_dir_(std::move(data_dir)),
      normalizer_(std::move(n)),
      sentiment_(std::move(s)),
      models_(std::move(m)),
      risk_(std::move(r)),
      concepts_(std::move(c)),
      intent_(std::move(i)),
      topics_(std::move(t)),
      pii_(std::move(p)) {}

StatusOr<std::shared_ptr<const Analyzer::TrainedModels>> Analyzer::LoadModels(
    const std::string& data_dir, const std::string& models_dir) {
  // Each model comes from the registry's version when that holds it, else from the shipped data.
  const auto models_of = [&](const char* file) {
    std::error_code ec;
    if (!models_dir.empty() && std::filesystem::exists(models_dir + "/" + file, ec)) {
      return models_dir;
    }
    return data_dir + "/models";
  };
  auto emotions = EmotionClassifier::LoadFrom(models_of("emotions.ftz"));
  if (!emotions.ok()) return emotions.status();
  auto risk_model = RiskModel::LoadFrom(models_of("risk.ftz"));
  if (!risk_model.ok()) return risk_model.status();
  return std::make_shared<const TrainedModels>(
      TrainedModels{std::move(emotions).value(), std::move(risk_model).value()});
}

StatusOr<std::unique_ptr<Analyzer>> Analyzer::Load(const std::string& data_dir,
                                                   const std::string& models_dir) {
  auto normalizer = Normalizer::Load(data_dir);
  if (!normalizer.ok()) return normalizer.status();
  auto sentiment = SentimentScorer::Load(data_dir);
  if (!sentiment.ok()) return sentiment.status();
  auto models = LoadModels(data_dir, models_dir);
  if (!models.ok()) return models.status();
  auto risk = RiskDetector::Create();
  if (!risk.ok()) return risk.status();
  auto concepts = RiskConcepts::Load(data_dir);
  if (!concepts.ok()) return concepts.status();
  auto intent = IntentClassifier::Create();
  if (!intent.ok()) return intent.status();
  auto topics = TopicDetector::Create();
  if (!topics.ok()) return topics.status();
  auto pii = PiiDetector::Create();
  if (!pii.ok()) return pii.status();
  return std::unique_ptr<Analyzer>(
      new Analyzer(data_dir, std::move(normalizer).value(), std::move(sentiment).value(),
                   std::move(models).value(), std::move(risk).value(), std::move(concepts).value(),
                   std::move(intent).value(), std::move(topics).value(), std::move(pii).value()));
}

Status Analyzer::ReloadModels(const std::string& models_dir) {
  auto models = LoadModels(data_dir_, models_dir);
  if (!models.ok()) return models.status();
  models_.store(std::move(models).value(), std::memory_order_release);
  return Status::Ok();
}

Analysis Analyzer::Analyze(std::string_view text) const {
  return std::move(AnalyzeBatch(std::span<const std::string_view>(&text, 1)).front());
}

std::vector<Analysis> Analyzer::AnalyzeBatch(std::span<const std::string_view> texts) const {
  const size_t n = texts.size();
  std::vector<NormalizedText> norms;
  norms.reserve(n);
  for (std::string_view text : texts) norms.push_back(normalizer_.Normalize(text));
  const std::shared_ptr<const TrainedModels> models = models_.load(std::memory_order_acquire);
  std::vector<Analysis> out(n);
  for (size_t i = 0; i < n; ++i) {
    out[i].repaired_utf8 = norms[i].repaired;
    out[i].sentiment = sentiment_.Score(norms[i]);
  }
  for (size_t i = 0; i < n; ++i) out[i].emotions = models->emotions.Classify(norms[i]);
  // AssessRisk in two passes: the rules over every text, then the learned reader.
  for (size_t i = 0; i < n; ++i) out[i].risk = risk_.Assess(norms[i]);
  for (size_t i = 0; i < n; ++i) {
    out[i].risk = CombineLearnedRisk(std::move(out[i].risk), models->risk, concepts_, norms[i]);
  }
  for (size_t i = 0; i < n; ++i) {
    out[i].intent = intent_.Classify(norms[i], out[i].risk, out[i].sentiment);
  }
  for (size_t i = 0; i < n; ++i) out[i].topics = topics_.Detect(norms[i]);
  for (size_t i = 0; i < n; ++i) {
    out[i].pii = pii_.Find(norms[i]);
    out[i].redacted = Redact(norms[i].text, out[i].pii);
  }
  return out;
}

}  // namespace haven::nlp
