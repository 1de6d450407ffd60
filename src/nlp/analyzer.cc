#include "nlp/analyzer.h"

#include <filesystem>
#include <string>
#include <utility>

namespace haven::nlp {

Analyzer::Analyzer(Normalizer n, SentimentScorer s, EmotionClassifier e, RiskDetector r,
                   RiskModel rm, IntentClassifier i, TopicDetector t, PiiDetector p)
    : normalizer_(std::move(n)),
      sentiment_(std::move(s)),
      emotions_(std::move(e)),
      risk_(std::move(r)),
      risk_model_(std::move(rm)),
      intent_(std::move(i)),
      topics_(std::move(t)),
      pii_(std::move(p)) {}

StatusOr<std::unique_ptr<Analyzer>> Analyzer::Load(const std::string& data_dir,
                                                   const std::string& models_dir) {
  // Each model comes from the registry's version when that holds it, else from the shipped data.
  const auto models_of = [&](const char* file) {
    std::error_code ec;
    if (!models_dir.empty() && std::filesystem::exists(models_dir + "/" + file, ec)) {
      return models_dir;
    }
    return data_dir + "/models";
  };
  auto normalizer = Normalizer::Load(data_dir);
  if (!normalizer.ok()) return normalizer.status();
  auto sentiment = SentimentScorer::Load(data_dir);
  if (!sentiment.ok()) return sentiment.status();
  auto emotions = EmotionClassifier::LoadFrom(models_of("emotions.ftz"));
  if (!emotions.ok()) return emotions.status();
  auto risk = RiskDetector::Create();
  if (!risk.ok()) return risk.status();
  auto risk_model = RiskModel::LoadFrom(models_of("risk.ftz"));
  if (!risk_model.ok()) return risk_model.status();
  auto intent = IntentClassifier::Create();
  if (!intent.ok()) return intent.status();
  auto topics = TopicDetector::Create();
  if (!topics.ok()) return topics.status();
  auto pii = PiiDetector::Create();
  if (!pii.ok()) return pii.status();
  return std::unique_ptr<Analyzer>(new Analyzer(
      std::move(normalizer).value(), std::move(sentiment).value(), std::move(emotions).value(),
      std::move(risk).value(), std::move(risk_model).value(), std::move(intent).value(),
      std::move(topics).value(), std::move(pii).value()));
}

Analysis Analyzer::Analyze(std::string_view text) const {
  NormalizedText norm = normalizer_.Normalize(text);
  Analysis a;
  a.repaired_utf8 = norm.repaired;
  a.sentiment = sentiment_.Score(norm);
  a.emotions = emotions_.Classify(norm);
  a.risk = CombineRisk(risk_.Assess(norm), risk_model_.Level(risk_model_.Score(norm)),
                       static_cast<uint32_t>(norm.text.size()));
  a.intent = intent_.Classify(norm, a.risk, a.sentiment);
  a.topics = topics_.Detect(norm);
  a.pii = pii_.Find(norm);
  a.redacted = Redact(norm.text, a.pii);
  return a;
}

}  // namespace haven::nlp
