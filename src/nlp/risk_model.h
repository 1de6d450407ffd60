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
// as someone else's, denied, figurative, talk about the topic, an ordinary preparation or an
// accident (evidence third_party, denial, figurative, topic, ordinary, accident); and where the
// rules found no risk
// phrase at all, it may raise only a message that touches one of the risk concepts of
// data/lexicons/risk_concepts.txt (RiskConcepts): a bag of words gives "This is working for me
// right now" and "none of my friends are taking the class" P(imminent) above its threshold, for
// their word pairs alone.
//
// Immutable after Load; Score is thread-safe.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "nlp/analysis.h"
#include "nlp/risk.h"
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
  // The same for a message's RiskFeatures, already computed.
  RiskProbabilities ScoreFeatures(std::string_view features) const;

  // The highest level whose probability reaches its threshold (kNone if none does).
  RiskLevel Level(const RiskProbabilities& p) const;

 private:
  struct Model;
  std::shared_ptr<const Model> model_;
};

// The clinical concepts a learned reading needs beside it (data/lexicons/risk_concepts.txt): death
// and suicide, hopelessness and burden, farewells, preparation and planning, means and places,
// self-harm, in words and phrases as RiskFeatures writes them. A bag of words cannot tell "i have
// made a note" from "this is working for me right now" once both are over a threshold; a message
// that names none of these concepts, in any words the list knows, is not raised by the model.
// The list is deliberately broad (a concept word alone never raises anything: the model must
// agree); what it costs in recall is measured in data/models/README.md.
//
// File format: one concept per line, its words separated by single spaces, lower case, as
// `haven prep risk` prints a message; a trailing '*' on the last word matches any word that
// begins so ("bridge*": bridge, bridges); '#' starts a comment line. Immutable after Load;
// Touches is thread-safe.
class RiskConcepts {
 public:
  // Reads <data_dir>/lexicons/risk_concepts.txt. NotFound when it is missing; InvalidArgument
  // "<file>:<line>: <problem>" for a malformed entry (upper case, a stray '*', empty words).
  static StatusOr<RiskConcepts> Load(const std::string& data_dir);
  // The same from the file's text; `source` names it in errors.
  static StatusOr<RiskConcepts> Parse(std::string_view text, std::string_view source);

  // Whether `features` (RiskFeatures of a message: words separated by single spaces) holds one
  // of the concepts as whole words.
  bool Touches(std::string_view features) const;

  // The number of concepts.
  size_t size() const;

 private:
  struct Table;
  std::shared_ptr<const Table> table_;
};

// Whether the policy above lets a learned reading raise the rules' reading `rules` of a message;
// `touches_concept`: RiskConcepts::Touches of the message. The training recipe
// (scripts/train_risk_model.py, through `haven prep risk --gate`) counts the model's false alarms
// only where it does.
bool LearnedRaiseAllowed(const Risk& rules, bool touches_concept);

// The rules' reading raised to the model's level where the policy above allows it;
// `touches_concept`: RiskConcepts::Touches of the message. A raise adds the category "suicide"
// when neither "suicide" nor "self_harm" is present, evidence with signal "learned_reading" over
// the whole message (`text_bytes` long) and the score of the new level.
Risk CombineRisk(Risk rules, RiskLevel model_level, bool touches_concept, uint32_t text_bytes);

// The whole risk stage as the analyzer runs it: the rules' reading, the model's level, and
// CombineRisk (the concepts are looked up only when the model would raise).
Risk AssessRisk(const RiskDetector& rules, const RiskModel& model, const RiskConcepts& concepts,
                const NormalizedText& text);

// AssessRisk's second half: `rules` (RiskDetector::Assess of `text`) combined with the model's
// level. Analyzer::AnalyzeBatch runs the rules over a whole batch first, then this.
Risk CombineLearnedRisk(Risk rules, const RiskModel& model, const RiskConcepts& concepts,
                        const NormalizedText& text);

}  // namespace haven::nlp
