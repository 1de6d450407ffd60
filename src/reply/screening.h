// PHQ-9 and GAD-7 screening conducted in conversation: one published item per turn, answers read
// from the person's own words, the published scoring and severity bands, and results kept as
// values so that change can be tracked.
//
// The instruments' wording (stem, items, answer options, the functional-difficulty question) and
// every line Haven says around them live in data/content/screening/{phq9,gad7}.yaml; the items and
// options are the published text and tests hold them verbatim. The code holds only what is not
// wording: the scoring, the bands' arithmetic checks, and how answers are read.
//
// Reading an answer (ReadFrequency): the number 0-3, the option text ("more than half the days"),
// or a paraphrase ("most days" 2, "every single day" 3, "never" 0, "a couple of days" 1, "5 days"
// 1, "10 days" 2). A negated phrase does not count ("not every day, more like a few days" is 1).
// Anything unclear or mixed ("yes", "often", "sometimes or every day") is not guessed: the step
// re-asks, listing the options, and the person can always stop.
//
// PHQ-9 item 9 ("Thoughts that you would be better off dead or of hurting yourself in some way"):
// any answer above 0 ends the questions at once with outcome kRiskPath and `risk` set, and so
// does an answer that endorses the item without a frequency ("yes", "sometimes"), a softened no
// ("not really", "no, but..."), or a withheld one ("I'd rather not say"): item 9 is then left
// unscored, item9_positive set, and it is never re-asked. The engine must then take the safety path
// (docs/clinical-safety.md); the score is not shown then.
// Independently, the engine analyses every message before it reaches the screener and may
// interrupt screening for the safety path at any answer ("nearly every day, I want to die").
//
// Stopping: "stop", "can we stop", "I don't want to do this" (IsExitRequest in flows.h) end the
// screening at any item; the partial result is kept with completed = false and is never scored
// into a band shown to the person.
//
// Pure: no clock (the caller passes timestamps), no I/O after Load, no globals. A Screener is
// immutable after Load; its methods are const and thread-safe. States and results are values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace haven::reply {

enum class Instrument { kPhq9, kGad7 };

// "phq9", "gad7".
std::string_view InstrumentId(Instrument instrument);
std::optional<Instrument> InstrumentFromId(std::string_view id);
// The number of scored items (9, 7) and the highest total (27, 21).
int ItemCount(Instrument instrument);
int MaxTotal(Instrument instrument);

// PHQ-9: minimal 0-4, mild 5-9, moderate 10-14, moderately severe 15-19, severe 20-27.
// GAD-7: minimal 0-4, mild 5-9, moderate 10-14, severe 15-21 (kModeratelySevere never occurs).
enum class Band { kMinimal, kMild, kModerate, kModeratelySevere, kSevere };
// "minimal", "mild", "moderate", "moderately_severe", "severe".
std::string_view BandId(Band band);
std::optional<Band> BandFromId(std::string_view id);
// The band of `total` for `instrument`; totals outside 0..MaxTotal are clamped.
Band BandFor(Instrument instrument, int total);

// One administration, complete or not.
struct ScreeningResult {
  Instrument instrument = Instrument::kPhq9;
  std::vector<int> answers;       // 0-3 per item, in item order; fewer than ItemCount if stopped
  std::optional<int> difficulty;  // the functional-difficulty answer 0-3, when given
  int total = 0;                  // sum of `answers` (of the answered items when incomplete)
  Band band = Band::kMinimal;     // BandFor(total); meaningful only when `completed`
  bool item9_positive = false;    // PHQ-9 item 9 answered above 0, or endorsed without a
                                  // frequency (then unscored); always false for GAD-7
  bool completed = false;         // every scored item was answered
  std::int64_t started_at = 0;    // caller-supplied times (e.g. Unix seconds); never read here
  std::int64_t finished_at = 0;

  friend bool operator==(const ScreeningResult&, const ScreeningResult&) = default;
};

// A result built from answers: total, band, item9_positive and completed computed.
// `item9_endorsed`: PHQ-9 item 9 was endorsed without a frequency ("yes", "sometimes"); only with
// exactly 8 answers; item9_positive is then true and the result incomplete (item 9 unscored).
// Answers outside 0-3, more than ItemCount of them, or item9_endorsed elsewhere are a programmer
// error (assert); use ScreeningResultFromJson for untrusted input.
ScreeningResult MakeResult(Instrument instrument, std::vector<int> answers,
                           std::optional<int> difficulty, std::int64_t started_at,
                           std::int64_t finished_at, bool item9_endorsed = false);

// {"instrument":"phq9","answers":[..],"difficulty":2|null,"total":..,"band":"moderate",
//  "item9_positive":false,"completed":true,"started_at":..,"finished_at":..}
std::string ScreeningResultToJson(const ScreeningResult& result);
// Parses and checks the above: InvalidArgument (naming the field, never quoting the input) when
// it is not JSON, a field is missing or mistyped, an answer is outside 0-3, there are too many
// answers, or total/band/item9_positive/completed disagree with the answers.
StatusOr<ScreeningResult> ScreeningResultFromJson(std::string_view json);

enum class ChangeDirection { kImproved, kNoReliableChange, kWorsened };
// "improved", "no_reliable_change", "worsened".
std::string_view ChangeDirectionId(ChangeDirection direction);

struct ScreeningChange {
  bool comparable = false;  // same instrument and both completed; otherwise the rest is default
  int delta = 0;            // later.total - earlier.total (negative is fewer symptoms)
  bool reliable = false;    // |delta| >= ReliableChangeThreshold(instrument)
  ChangeDirection direction = ChangeDirection::kNoReliableChange;  // kNoReliableChange unless
                                                                   // reliable
  bool band_changed = false;
};
// 5 points for PHQ-9 (the reliable change used with Kroenke et al.'s measure), 4 for GAD-7 (the
// reliable change index used by NHS Talking Therapies).
int ReliableChangeThreshold(Instrument instrument);
// How `later` differs from `earlier`. Never fails: incomparable pairs give comparable = false.
ScreeningChange CompareResults(const ScreeningResult& earlier, const ScreeningResult& later);

// Reads a frequency answer: 0 "not at all", 1 "several days", 2 "more than half the days",
// 3 "nearly every day", or nullopt when unclear or mixed (see the file comment). Pure.
std::optional<int> ReadFrequency(std::string_view text);
// True when the answer says a problem was there without saying how often ("yes", "sometimes",
// "often", "0 or 1", "4"): not a score, but for PHQ-9 item 9 it is enough for the risk path.
bool EndorsesWithoutFrequency(std::string_view text);
// True when the person withholds the answer ("I'd rather not say", "skip", "pass"). On PHQ-9
// item 9 this takes the risk path (unscored); elsewhere the question is asked again.
bool DeclinesToAnswer(std::string_view text);
// True when the answer reads as "not at all" but softened ("not really", "no, but sometimes",
// "probably not"): a clear 0 elsewhere, but on PHQ-9 item 9 it takes the risk path.
bool IsHedgedNo(std::string_view text);
// Reads a functional-difficulty answer: 0 "not difficult at all" ... 3 "extremely difficult",
// or nullopt when unclear.
std::optional<int> ReadDifficulty(std::string_view text);

// Where an administration stands; a value the engine keeps with the conversation.
struct ScreeningState {
  Instrument instrument = Instrument::kPhq9;
  int item = 0;                   // the item being asked (0-based); ItemCount: the difficulty one
  std::vector<int> answers;       // answers so far
  std::optional<int> difficulty;  // set when answered
  int unclear = 0;                // consecutive unclear answers to the current question
  bool finished = false;          // completed, stopped or ended on the risk path
  std::int64_t started_at = 0;

  friend bool operator==(const ScreeningState&, const ScreeningState&) = default;
};

// A ScreeningState as JSON, and back: InvalidArgument (naming the field) on bad input. A state
// that parses but does not fit together ends quietly at the next Step (kFinished).
std::string ScreeningStateToJson(const ScreeningState& state);
StatusOr<ScreeningState> ScreeningStateFromJson(std::string_view json);

enum class ScreeningOutcome {
  kAsking,     // the next question was asked
  kReasked,    // the answer was unclear; the same question was asked again with the options
  kCompleted,  // every question answered; `result` and the result wording in `messages`
  kStopped,    // the person stopped; `result` holds the partial answers (completed = false).
               // A stop at the unscored difficulty question completes the screening instead.
  kRiskPath,   // PHQ-9 item 9 above 0: `risk` is set; the engine takes the safety path now
  kFinished,   // Step on a finished state: nothing happens
};
// "asking", "reasked", "completed", "stopped", "risk_path", "finished".
std::string_view ScreeningOutcomeId(ScreeningOutcome outcome);

struct ScreeningStep {
  ScreeningState state;               // the state to keep for the next turn
  std::vector<std::string> messages;  // to send, in order (each passes the output guard)
  ScreeningOutcome outcome = ScreeningOutcome::kAsking;
  bool risk = false;                      // true exactly when outcome is kRiskPath
  std::optional<ScreeningResult> result;  // on kCompleted, kStopped, kRiskPath
};

// The wording of one instrument, as loaded.
struct InstrumentContent {
  int version = 0;
  Instrument instrument = Instrument::kPhq9;
  std::string name;       // "PHQ-9"
  std::string construct;  // "depression"
  std::string citation;
  std::string stem;                  // the published stem
  std::vector<std::string> options;  // the published options, index = value
  std::vector<std::string> items;    // the published items
  std::string difficulty_question;   // published wording
  std::string difficulty_prompt;     // conversational wording
  std::string difficulty_reask;
  std::vector<std::string> difficulty_options;  // index = value
  std::vector<std::string> band_words;          // by Band (index = static_cast<int>(Band))
  std::string offer, intro, first_item, next_item, reask, stopped, risk_pause, result,
      not_diagnosis;
  std::string risk_item_intro;      // PHQ-9 only, optional: said before item 9 is first asked
  std::vector<std::string> advice;  // by Band
  std::string change_improved, change_worsened, change_same;  // DescribeChange
};

class Screener {
 public:
  // Reads "<data_dir>/content/screening/phq9.yaml" and "gad7.yaml". Errors: NotFound when a file
  // cannot be read; InvalidArgument "<file>: <field>: <problem>" when it is not YAML, `version` is
  // missing or not 1, a field is missing, mistyped or unknown, the item count or option values
  // are wrong, the bands do not cover 0..MaxTotal exactly, or a placeholder is unknown.
  static StatusOr<Screener> Load(const std::string& data_dir);
  // As Load for one instrument's file contents; `source` names it in errors.
  static StatusOr<InstrumentContent> ParseInstrument(std::string_view yaml,
                                                     std::string_view source);

  // "Would you like to go through a short questionnaire...?" The engine reads the reply with
  // ReadConsent (flows.h) and calls Start only on kYes.
  const std::string& Offer(Instrument instrument) const;
  // The intro and the first item; `now` becomes started_at.
  ScreeningStep Start(Instrument instrument, std::int64_t now) const;
  // Reads `text` as the answer to the current question. `now` is finished_at when it ends.
  ScreeningStep Step(const ScreeningState& state, std::string_view text, std::int64_t now) const;
  // The result wording: "Your total is 12 out of 27. Your answers suggest moderate symptoms of
  // ...", the not-a-diagnosis line, and the band's advice (a professional from moderate up).
  // Only for completed results; an incomplete one gives the `stopped` line.
  std::vector<std::string> Describe(const ScreeningResult& result) const;

  // One line on the change since an earlier result ("That's 7 points lower than last time (15),
  // a change big enough to be more than ordinary ups and downs."), or "" when the two cannot be
  // compared (CompareResults). Reliable change decides the wording, never the raw difference.
  std::string DescribeChange(const ScreeningResult& earlier, const ScreeningResult& later) const;

  const InstrumentContent& content(Instrument instrument) const;

 private:
  Screener() = default;  // only Load makes one: a Screener always holds both instruments
  std::vector<std::string> AskCurrent(const ScreeningState& state, bool first) const;
  InstrumentContent phq9_;
  InstrumentContent gad7_;
};

}  // namespace haven::reply
