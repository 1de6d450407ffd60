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
  NormalizedText norm = normalizer_.Normalize(text);
  const std::shared_ptr<const TrainedModels> models = models_.load(std::memory_order_acquire);
  Analysis a;
  a.repaired_utf8 = norm.repaired;
  a.sentiment = sentiment_.Score(norm);
  a.emotions = models->emotions.Classify(norm);
  a.risk = AssessRisk(risk_, models->risk, concepts_, norm);
  a.intent = intent_.Classify(norm, a.risk, a.sentiment);
  a.topics = topics_.Detect(norm);
  a.pii = pii_.Find(norm);
  a.redacted = Redact(norm.text, a.pii);
  return a;
}

}  // namespace haven::nlp
