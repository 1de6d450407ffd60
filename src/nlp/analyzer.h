// The analyzer: one message in, its whole reading out (nlp/analysis.h). It owns every stage's
// model, so one Analyzer serves any number of threads: Analyze is a pure function of its input
// and of the trained models in place when it starts.
//
// The trained models (risk and emotions) can be replaced while it runs (ReloadModels: a model
// registry's newly approved version, learn/model_registry.h). Each Analyze takes one snapshot of
// them, so a message is read wholly by the old models or wholly by the new ones, and the old
// ones are freed when the last reading that uses them ends. Everything else is fixed at Load.
#pragma once

#include <atomic>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

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

  // The same answers as Analyze on each text, in order, computed stage by stage: every text is
  // normalised, then every text is scored for sentiment, and so on. Each stage's tables (the
  // models, the Hyperscan database, the word lists: megabytes together) then stay in the cache
  // from one text to the next, which makes a batch of messages about a fifth faster than one
  // Analyze call each (`haven analyze --jsonl` uses it for the lines already waiting).
  std::vector<Analysis> AnalyzeBatch(std::span<const std::string_view> texts) const;

  // Replaces the trained models with those of `models_dir` (a registry version; "" for the
  // shipped ones), a model it lacks coming from the shipped data as at Load. Safe while other
  // threads analyse. On error (missing or malformed files) the running models stay in place.
  Status ReloadModels(const std::string& models_dir);

  // The stages, for benchmarks and tools that run one stage alone.
  const Normalizer& normalizer() const { return normalizer_; }
  const SentimentScorer& sentiment_stage() const { return sentiment_; }
  // The trained stages in place now (cheap copies that share the model).
  EmotionClassifier emotions_stage() const { return models_.load()->emotions; }
  const RiskDetector& risk_stage() const { return risk_; }
  RiskModel risk_model() const { return models_.load()->risk; }
  const RiskConcepts& risk_concepts() const { return concepts_; }
  const IntentClassifier& intent_stage() const { return intent_; }
  const TopicDetector& topics_stage() const { return topics_; }
  const PiiDetector& pii_stage() const { return pii_; }

 private:
  struct TrainedModels {
    EmotionClassifier emotions;
    RiskModel risk;
  };
  static StatusOr<std::shared_ptr<const TrainedModels>> LoadModels(const std::string& data_dir,
                                                                   const std::string& models_dir);

  Analyzer(std::string data_dir, Normalizer n, SentimentScorer s,
           std::shared_ptr<const TrainedModels> m, RiskDetector r, RiskConcepts c,
           IntentClassifier i, TopicDetector t, PiiDetector p);

  const std::string data_dir_;
  Normalizer normalizer_;
  SentimentScorer sentiment_;
  std::atomic<std::shared_ptr<const TrainedModels>> models_;
  RiskDetector risk_;
  RiskConcepts concepts_;  // what a learned raise needs beside it (CombineRisk)
  IntentClassifier intent_;
  TopicDetector topics_;
  PiiDetector pii_;
};

}  // namespace haven::nlp
