// Risk of suicide and self-harm, graded none / low / moderate / high / imminent (see
// core/risk_level.h), built from clinical knowledge rather than a trained model: the Columbia
// (C-SSRS) ladder (wish to be dead, active thoughts, method, intent, plan, behaviour), warning
// signs (farewells, giving possessions away, preparation, a timeframe, access to means) and
// protective statements. Patterns are compiled once into a Hyperscan database; context rules
// handle denial, hypotheticals, quotes and lyrics, talk about the topic, third parties, the past,
// and figurative speech. Also flags harm to others, abuse, medical emergencies and substances.
// Immutable after Create; Assess is thread-safe (a scratch space per thread).
//
// Policy (the level is always the WRITER's own risk):
//  - someone else at risk ("my friend wants to die") -> none + category third_party;
//  - denial, hypotheticals, quotes/lyrics, talk about the topic, figurative phrases -> none;
//    hyperbole with laughter and a trivial cause ("this exam makes me want to kms lol") -> none;
//    laughter alone never lowers a stated wish to die below moderate;
//  - past ideation, attempts or self-harm ("used to", "years ago", "clean for") -> low;
//    a recent attempt ("last night") -> high;
//  - between two readings the higher level wins ("i want to die" -> moderate);
//  - abuse, harm to others, substance use and medical emergencies add categories only.
// Assess never throws; on an internal Hyperscan failure it returns level none.
#pragma once

#include <memory>

#include "core/status.h"
#include "nlp/analysis.h"
#include "nlp/text.h"

namespace haven::nlp {

// The score a reading at `level` starts from (Risk::score is this plus a small bump for each
// further live signal, so it stays monotone with the level): 0, 0.3, 0.55, 0.8, 0.95.
constexpr double RiskBaseScore(RiskLevel level) {
  constexpr double kBase[] = {0.0, 0.3, 0.55, 0.8, 0.95};
  return kBase[static_cast<int>(level)];
}

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
