// The analyzer: one message in, its whole reading out (nlp/analysis.h). It owns every stage's
// model and is immutable once loaded, so one Analyzer serves any number of threads: Analyze is
// a pure function of its input.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "nlp/analysis.h"
#include "nlp/emotions.h"
#include "nlp/intent.h"
#include "nlp/pii.h"
#include "nlp/risk.h"
#include "nlp/risk_model.h"
#include "nlp/sentiment.h"
#include "nlp/text.h"
#include "nlp/topics.h"

namespace haven::nlp {

class Analyzer {
 public:
  // Loads every stage's data from `data_dir` (see core/paths.h). Error names what is missing.
  // With `models_dir` (a model registry's version: learn/model_registry.h), the risk and
  // emotion models found there replace the shipped ones; a model it lacks comes from `data_dir`.
  static StatusOr<std::unique_ptr<Analyzer>> Load(const std::string& data_dir,
                                                  const std::string& models_dir = {});

  // Any bytes are accepted: invalid UTF-8 is repaired first (Analysis::repaired_utf8).
  Analysis Analyze(std::string_view text) const;

  // The stages, for benchmarks and tools that run one stage alone.
  const Normalizer& normalizer() const { return normalizer_; }
  const SentimentScorer& sentiment_stage() const { return sentiment_; }
  const EmotionClassifier& emotions_stage() const { return emotions_; }
  const RiskDetector& risk_stage() const { return risk_; }
  const RiskModel& risk_model() const { return risk_model_; }
  const IntentClassifier& intent_stage() const { return intent_; }
  const TopicDetector& topics_stage() const { return topics_; }
  const PiiDetector& pii_stage() const { return pii_; }

 private:
  Analyzer(Normalizer n, SentimentScorer s, EmotionClassifier e, RiskDetector r, RiskModel rm,
           IntentClassifier i, TopicDetector t, PiiDetector p);

  Normalizer normalizer_;
  SentimentScorer sentiment_;
  EmotionClassifier emotions_;
  RiskDetector risk_;
  RiskModel risk_model_;
  IntentClassifier intent_;
  TopicDetector topics_;
  PiiDetector pii_;
};

}  // namespace haven::nlp
