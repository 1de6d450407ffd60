#include "nlp/emotions.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "nlp/fasttext_predictor.h"
#include "nlp/model_files.h"

namespace haven::nlp {
namespace {

int EmotionIndex(std::string_view name) {
  for (int i = 0; i < kNumEmotions; ++i) {
    if (kEmotionNames[static_cast<size_t>(i)] == name) return i;
  }
  return -1;
}

}  // namespace

std::string EmotionFeatures(const NormalizedText& text) {
  std::string out;
  for (const Token& t : text.tokens) {
    if (t.Has(kPunct) && t.repeat > 1) {
      // "!!!" and "..." read differently from "!" and "."; one token marks the run.
      AppendFastTextWord(t.norm + t.norm, &out);
      continue;
    }
    AppendFastTextWord(t.norm, &out);
  }
  return out;
}

struct EmotionClassifier::Model {
  std::optional<FastTextPredictor> predictor;  // fastText's predict, without fastText
  std::vector<int> label_to_emotion;           // fastText label id -> index into kEmotionNames
  std::array<float, kNumEmotions> thresholds{};
};

StatusOr<EmotionClassifier> EmotionClassifier::Load(const std::string& data_dir) {
  return LoadFrom(data_dir + "/models");
}

StatusOr<EmotionClassifier> EmotionClassifier::LoadFrom(const std::string& models_dir) {
  const std::string model_path = models_dir + "/emotions.ftz";
  auto model = std::make_shared<Model>();
  auto predictor = FastTextPredictor::Load(model_path);
  if (!predictor.ok())
    return Status(predictor.status().code(), "emotion " + predictor.status().message());
  if (predictor->labels() != kNumEmotions) {
    return InvalidArgument("emotion model must have the 28 GoEmotions labels: " + model_path);
  }
  std::array<bool, kNumEmotions> seen{};
  for (int32_t id = 0; id < predictor->labels(); ++id) {
    int index = EmotionIndex(predictor->label(id));
    if (index < 0 || seen[static_cast<size_t>(index)]) {
      return InvalidArgument("emotion model has an unknown or repeated label: " + model_path);
    }
    seen[static_cast<size_t>(index)] = true;
    model->label_to_emotion.push_back(index);
  }
  if (Status s = ReadThresholds(models_dir + "/emotions.thresholds", "emotion", EmotionIndex,
                                model->thresholds);
      !s.ok()) {
    return s;
  }
  model->predictor.emplace(std::move(predictor).value());
  EmotionClassifier classifier;
  classifier.model_ = std::move(model);
  return classifier;
}

Emotions EmotionClassifier::Classify(const NormalizedText& text) const {
  return Classify(text, EmotionFeatures(text));
}

// FastTextPredictor gives fastText's predict(k = -1, threshold = 0) values, label by label; its
// scratch is on the stack of each call, so concurrent calls share only read-only data.
Emotions EmotionClassifier::Classify(const NormalizedText& /*text*/,
                                     std::string_view features) const {
  Emotions e;
  std::vector<float> log_probs;
  model_->predictor->Predict(features, &log_probs);  // none: every score stays 0
  for (size_t id = 0; id < log_probs.size() && id < model_->label_to_emotion.size(); ++id) {
    float p = std::clamp(static_cast<float>(std::exp(log_probs[id])), 0.0f, 1.0f);
    e.scores[static_cast<size_t>(model_->label_to_emotion[id])] = p;
  }
  // Labels at or above their threshold; when none is, the one that comes closest (highest
  // score / threshold, first in kEmotionNames order on a tie). With no scores at all: neutral.
  int best = kNumEmotions - 1;
  float best_ratio = 0.0f;
  for (int i = 0; i < kNumEmotions; ++i) {
    float score = e.scores[static_cast<size_t>(i)];
    float threshold = model_->thresholds[static_cast<size_t>(i)];
    if (score >= threshold) e.labels.push_back(i);
    if (score / threshold > best_ratio) {
      best_ratio = score / threshold;
      best = i;
    }
  }
  if (e.labels.empty()) e.labels.push_back(best);
  return e;
}

}  // namespace haven::nlp
