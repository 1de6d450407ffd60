// The empathy scorer: how a reply to a support-seeker's post expresses empathy, on the three
// mechanisms of EPITOME (Sharma et al., "A Computational Approach to Understanding Empathy
// Expressed in Text-Based Mental Health Support", EMNLP 2020):
//  - emotional reactions: warmth, compassion, concern ("I'm so sorry you're going through
//    this"; weak: a generic "that sucks", "hang in there");
//  - interpretations: an understanding of the seeker's feelings or experiences ("it sounds like
//    you feel abandoned", "I went through the same thing"; weak: "I understand");
//  - explorations: questions that explore the seeker's feelings or experiences ("what happened
//    that made you feel this way?"; weak: a generic "what's wrong?").
//
// Rules over the normaliser's canonical tokens (nlp/text.h): cue phrases, questions and their
// subject, first-person shared experience, and the seeker's own content words reflected back.
// Built from the mechanisms' definitions and Haven's own written cases
// (tests/data/empathy_cases.jsonl); never trained or tuned on EPITOME, whose data is
// non-commercial.
//
// Thread-safety: an EmpathyScorer is immutable after construction; Score is a pure function of
// its arguments and may be called from any number of threads. Copies share the tables.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "nlp/text.h"

namespace haven::reply {

enum class Mechanism { kEmotionalReactions = 0, kInterpretations = 1, kExplorations = 2 };
inline constexpr int kNumMechanisms = 3;

// The contract's field name for `m`: "emotional_reactions", "interpretations", "explorations".
std::string_view MechanismName(Mechanism m);

// One piece of evidence in the response, for coaching ("this sentence asked about feelings").
struct EmpathyCue {
  Mechanism mechanism;
  nlp::Span span;         // bytes of the response (of its repaired text when it was invalid UTF-8)
  std::string_view kind;  // a static label such as "compassion", "sounds_like", "feeling_question"
  float weight = 0;       // its contribution before the squashing to [0, 1]
};

struct MechanismScore {
  float score = 0;  // in [0, 1]: how strongly the reply shows the mechanism
  int level = 0;    // 0 none, 1 weak, 2 strong (EPITOME's scale)
};

struct EmpathyScore {
  std::array<MechanismScore, kNumMechanisms> mechanisms;
  std::vector<EmpathyCue> cues;  // in response order; empty when nothing was found

  const MechanismScore& operator[](Mechanism m) const { return mechanisms[static_cast<int>(m)]; }
};

class EmpathyScorer {
 public:
  // A scorer over `normalizer` (copied; copies are cheap and share their tables). A default
  // Normalizer works; one loaded with the word list restores more chat spellings.
  explicit EmpathyScorer(nlp::Normalizer normalizer = nlp::Normalizer());

  // Loads the normaliser from `data_dir` (see nlp::Normalizer::Load). Error when it is missing.
  static StatusOr<EmpathyScorer> Load(const std::string& data_dir);

  // Scores `response` as a reply to `seeker`. Any bytes are accepted (invalid UTF-8 is repaired,
  // empty text scores 0 everywhere); only the first kMaxBytes bytes of each text are read, so the
  // cost is bounded for any input.
  EmpathyScore Score(std::string_view seeker, std::string_view response) const;

  static constexpr size_t kMaxBytes = 32 * 1024;

  struct Tables;  // implementation detail (empathy.cc)

 private:
  nlp::Normalizer normalizer_;
  std::shared_ptr<const Tables> tables_;
};

// The contract's JSON members for a score, without braces:
// `"emotional_reactions":L,"interpretations":L,"explorations":L`.
std::string EmpathyLevelsJson(const EmpathyScore& score);

}  // namespace haven::reply
