// Risk of suicide and self-harm, graded none / low / moderate / high / imminent (see
// core/risk_level.h), built from clinical knowledge rather than a trained model: the Columbia
// (C-SSRS) ladder (wish to be dead, active thoughts, method, intent, plan, behaviour), warning
// signs (farewells, giving possessions away, preparation, a timeframe, access to means) and
// protective statements. Patterns are compiled once into a Hyperscan database; context rules
// handle denial, hypotheticals, quotes and lyrics, talk about the topic, third parties, the past,
// and figurative speech. Also flags harm to others, abuse, medical emergencies and substances.
// Immutable after Create; Assess is thread-safe (a scratch space per thread).
#pragma once

#include <memory>

#include "core/status.h"
#include "nlp/analysis.h"
#include "nlp/text.h"

namespace haven::nlp {

class RiskDetector {
 public:
  // Compiles the pattern set. Error only if Hyperscan rejects it (a programming error).
  static StatusOr<RiskDetector> Create();

  Risk Assess(const NormalizedText& text) const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace haven::nlp
