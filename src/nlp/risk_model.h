// The learned reader of suicide and self-harm risk, a second opinion beside the rules of
// nlp/risk.h. Hand-written patterns only know the phrasings their author imagined; people at
// risk describe preparation, means and farewells in endless other words. This quantised fastText
// model (data/models/risk.ftz, rebuilt by scripts/train_risk_model.py) is trained only on the
// project's own labelled messages (tests/data: risk_dev, risk_train*, risk_cases and everyday
// intent cases; never the held-out risk_holdout.jsonl), over words and word pairs of the
// normalised text (RiskFeatures: no punctuation, see there). It is a softmax over the five levels;
// summed from the top they give P(level >= low), P(>= moderate), P(>= high), P(>= imminent), and
// data/models/risk.thresholds holds one decision threshold for each.
//
// CombineRisk applies the safety policy: the model may only raise the rules' level, never lower
// it ("when unsure, escalate"); it may not raise a message whose every risk phrase the rules read
// as someone else's, denied, figurative or talk about the topic.
//
// Immutable after Load; Score is thread-safe.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "nlp/analysis.h"
#include "nlp/text.h"

namespace haven::nlp {

// The model's input: the normalised words, emoji and emoticons of `text`, without punctuation.
// Punctuation is left out on purpose: the project's own training messages are written chat-style
// (a closing full stop is rare in every level), so a model that saw "." learnt the writing style
// of the few formal messages, not risk, and read ordinary punctuated sentences ("That looks even
// smaller.") as imminent.
std::string RiskFeatures(const NormalizedText& text);

// The fewest words (RiskFeatures tokens) the learned reader reads. A bag of words over one or two
// words is the words alone: the training messages "bye." and "done." were labelled imminent (the
// last words of a crisis), so the model read every "bye" and "Bye!" as imminent. Short messages
// are the rules' alone; a goodbye after risk earlier in the conversation is the safety policy's
// (safety/policy.h).
inline constexpr int kMinRiskModelWords = 3;

// P(level >= low), P(>= moderate), P(>= high), P(>= imminent), each in [0, 1].
using RiskProbabilities = std::array<float, 4>;

class RiskModel {
 public:
  // Loads models/risk.ftz and models/risk.thresholds under `data_dir`. Error when either is
  // missing or malformed (labels other than the five levels, thresholds other than ge1..ge4 in
  // (0, 1]).
  static StatusOr<RiskModel> Load(const std::string& data_dir);
  // The same from risk.ftz and risk.thresholds in `models_dir` itself (a registry version).
  static StatusOr<RiskModel> LoadFrom(const std::string& models_dir);

  // The model's probabilities for `text` (its input is RiskFeatures(text)). All zero when the
  // text has fewer than kMinRiskModelWords words. Never fails.
  RiskProbabilities Score(const NormalizedText& text) const;

  // The highest level whose probability reaches its threshold (kNone if none does).
  RiskLevel Level(const RiskProbabilities& p) const;

 private:
  struct Model;
  std::shared_ptr<const Model> model_;
};

// The rules' reading raised to the model's level where the policy above allows it. A raise adds
// the category "suicide" when neither "suicide" nor "self_harm" is present, evidence with signal
// "learned_reading" over the whole message (`text_bytes` long) and the score of the new level.
Risk CombineRisk(Risk rules, RiskLevel model_level, uint32_t text_bytes);

}  // namespace haven::nlp
