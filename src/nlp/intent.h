// What the person wants from this message: one of the contract's intent labels
// (greeting, venting, seeking_advice, asking_for_human, question_about_bot, privacy_request,
// gratitude, goodbye, crisis, smalltalk, other), with a score in [0, 1].
// Immutable after Create; Classify is thread-safe.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "core/status.h"
#include "nlp/analysis.h"
#include "nlp/text.h"

namespace haven::nlp {

// The contract's intent labels, in the classifier's order of precedence.
std::span<const std::string_view> IntentLabels();

class IntentClassifier {
 public:
  static StatusOr<IntentClassifier> Create();

  // `risk` is this message's risk reading: high or imminent risk makes the intent "crisis".
  Intent Classify(const NormalizedText& text, const Risk& risk, const Sentiment& sentiment) const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace haven::nlp
