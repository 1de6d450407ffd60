// Emotions: probabilities for GoEmotions' 27 emotions + neutral from a quantised fastText model
// (data/models/emotions.ftz, rebuilt by scripts/train_emotions.sh), with a decision threshold per
// label chosen on GoEmotions dev (data/models/emotions.thresholds). Immutable after Load;
// Classify is thread-safe.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "nlp/analysis.h"
#include "nlp/text.h"

namespace haven::nlp {

// The exact text the fastText model sees for `text`: the same function prepares the training
// data (`haven prep emotions`, used by scripts/train_emotions.sh) and the input at inference,
// so the two can never drift apart.
std::string EmotionFeatures(const NormalizedText& text);

class EmotionClassifier {
 public:
  // Loads the model and thresholds under `data_dir`/models/. Error when missing or malformed.
  static StatusOr<EmotionClassifier> Load(const std::string& data_dir);
  // The same from emotions.ftz and emotions.thresholds in `models_dir` itself.
  static StatusOr<EmotionClassifier> LoadFrom(const std::string& models_dir);

  // Scores: each label's one-vs-all probability in [0, 1] (sharp: many are near 0 or 1).
  // Labels: every label whose score reaches its threshold, in kEmotionNames order; when none
  // does, the single label with the highest score / threshold. Never empty, never fails.
  Emotions Classify(const NormalizedText& text) const;

  // The same, given `features` == EmotionFeatures(text) already computed.
  Emotions Classify(const NormalizedText& text, std::string_view features) const;

 private:
  struct Model;
  std::shared_ptr<const Model> model_;
};

}  // namespace haven::nlp
