// The safety policy: one message's Analysis (and a little of the conversation) -> a Decision.
//
// Decide() is a pure function: no I/O, no clock, no globals; it never fails, and it is
// thread-safe. The thresholds live in a PolicyConfig (defaults below; data/safety/policy.json
// may set them, validated by LoadPolicyConfig). docs/clinical-safety.md, "What Haven does at
// each level", says the same in clinicians' words; keep the two in step.
//
// What Haven does at each level (defaults):
//   none      -> continue.
//   low       -> check_in: acknowledge, ask directly about thoughts of killing oneself (the
//                C-SSRS screener question), keep help and a human visible.
//   low, when this is the 3rd low turn in a row (recent_low_turns >= 2), or after an earlier
//                turn at moderate or above -> treated as moderate.
//   moderate  -> crisis_reply, escalate to a human.
//   high      -> crisis_reply, escalate to a human, urgent.
//   imminent  -> emergency (the emergency number first), escalate to a human, urgent.
//   imminent from the learned reader alone (evidence only learned_reading) -> crisis_reply,
//                escalate, urgent: asked directly first, since such a reading with no phrase the
//                rules know is the least certain one ("I took the dog out" has read imminent).
//   a message that is only "done" (evidence lone_done, read as high on its own) during a guided
//                exercise -> none: it answers the exercise's "tell me when you're done".
//   a reading above low from the learned reader alone (evidence only learned_reading) during a
//                guided exercise or questionnaire -> low: asked about directly (check-in), not
//                escalated. Answers to an exercise ("I don't want to do this", "more than half
//                the days") are where the learned reader is least reliable; any phrase the rules
//                know keeps the full reading.
//   a goodbye (intent goodbye, or farewell evidence) after an earlier turn at moderate or above
//                -> at least crisis_reply, escalate, urgent: a farewell in a crisis is a warning
//                sign.
//   intent asking_for_human -> handoff at once (escalate); if a human is already connected, the
//                action stays as the level says and the connected human is alerted.
//   categories abuse, harm_to_others, medical -> a reason each, escalate; at least handoff (a
//                person joins; the reply says so). medical -> at least crisis_reply (the
//                emergency number is shown).
//   medical with overdose symptoms or an ingestion in progress (evidence "overdose_symptoms",
//                "attempt_in_progress") -> emergency, urgent.
// The action is the most severe that any rule asks for:
//   emergency > crisis_reply > handoff > check_in > continue.
// When unsure, escalate: an unknown intent or category never lowers anything, and the config
// cannot be set weaker than the floor LoadPolicyConfig enforces.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/risk_level.h"
#include "core/status.h"
#include "nlp/analysis.h"

namespace haven::safety {

enum class Action {
  kContinue = 0,     // the reply engine answers as usual
  kCheckIn = 1,      // acknowledge and ask the screener question directly
  kHandoff = 2,      // bring a person from the team in now
  kCrisisReply = 3,  // the crisis reply: validation, crisis lines, a human on the way
  kEmergency = 4,    // the emergency number first, then crisis lines; a human urgently
};
std::string_view ActionName(Action a);

struct Decision {
  Action action = Action::kContinue;
  bool escalate_to_human = false;
  bool urgent = false;  // the human must come now (high, imminent, medical emergency)
  RiskLevel effective_level = RiskLevel::kNone;  // the level after the conversation rules
  // The level comes from the learned reader alone: no phrase the rules know, no risk earlier in
  // the conversation, no conversation rule. The action is the same (when unsure, escalate); the
  // reply's acknowledgement says less about what the person meant ("I'd rather ask than guess").
  bool learned_alone = false;
  std::vector<std::string> reasons;  // short, for the console; never user text
};

// What the policy needs from the conversation so far (the caller keeps it).
struct ConversationContext {
  RiskLevel previous_max_level = RiskLevel::kNone;  // highest level of earlier turns
  int recent_low_turns = 0;      // earlier turns in a row, right before this one, at level low
  bool human_connected = false;  // a person from the team is in the conversation now
  // Haven is running a guided exercise or a questionnaire and waits for the person's answer
  // ("tell me when you're done"): a message that is only "done" (evidence lone_done) answers it,
  // and a learned reading alone is asked about rather than escalated.
  bool in_guided_exercise = false;
  // Every earlier turn at moderate or above was raised by the learned reader alone (no phrase the
  // rules know): a learned reading now is still worded as a question, not as a certainty.
  bool earlier_risk_learned_alone = false;
  // The message takes leave ("thank you for the ideas. Goodbye.") after earlier turns of the
  // conversation. A learned reading alone of such a goodbye, in a conversation where nothing was
  // read as risk before, is asked about directly rather than answered as a crisis.
  bool takes_leave_after_talk = false;
};

// The intent label (contract) that asks for a person.
inline constexpr std::string_view kHandoffIntent = "asking_for_human";
// The intent label of a goodbye.
inline constexpr std::string_view kGoodbyeIntent = "goodbye";

struct PolicyConfig {
  // A low turn counts as moderate when it is the Nth low turn in a row (this one included).
  int low_turns_to_moderate = 3;
  // A low turn counts as moderate when an earlier turn reached this level.
  RiskLevel low_after_level = RiskLevel::kModerate;
  // From this level on: escalate to a human (and crisis_reply).
  RiskLevel escalate_from = RiskLevel::kModerate;
  // From this level on: the escalation is urgent.
  RiskLevel urgent_from = RiskLevel::kHigh;
  // From this level on: emergency.
  RiskLevel emergency_from = RiskLevel::kImminent;
  // Categories that add a reason and escalate at any level.
  std::vector<nlp::RiskCategory> escalate_categories = {
      nlp::RiskCategory::kHarmToOthers, nlp::RiskCategory::kAbuse, nlp::RiskCategory::kMedical};
  // Evidence signals that make a medical category an emergency.
  std::vector<std::string> medical_emergency_signals = {"overdose_symptoms", "attempt_in_progress"};
};

// Reads data/safety/policy.json. Every member is optional (the default stays); an unknown member,
// a wrong type or a value outside its range is an error "<source>: <member>: <problem>". The
// floor, so a config can tighten but never loosen the defaults' safety: low_turns_to_moderate in
// [1, 3]; low_after_level in [low, moderate]; escalate_from in [low, moderate]; urgent_from in
// [escalate_from, high]; emergency_from in [urgent_from, imminent]; escalate_categories are names
// from nlp's RiskCategoryName and include abuse, harm_to_others and medical;
// medical_emergency_signals are non-empty strings and include the defaults.
StatusOr<PolicyConfig> ParsePolicyConfig(std::string_view json, std::string_view source);
// As ParsePolicyConfig, from a file. NotFound when it cannot be read.
StatusOr<PolicyConfig> LoadPolicyConfig(const std::string& path);
// "<data_dir>/safety/policy.json".
std::string DefaultPolicyPath(const std::string& data_dir);

// The decision for one message. Pure, never fails.
Decision Decide(const nlp::Analysis& analysis, const ConversationContext& context,
                const PolicyConfig& config = PolicyConfig());

}  // namespace haven::safety
