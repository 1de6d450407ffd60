// The escalation policy: a versioned YAML file (data/policy/escalation.yaml) that maps what is
// known about a conversation to what happens around it: crisis resources shown, a place in the
// queue for a person, on-call staff notified, the bot paused or kept in its safest mode, a
// warm-handoff message. docs/clinical-safety.md, "Escalation policy", explains the default rules
// and their clinical rationale; keep the two in step.
//
// It sits beside the per-turn policy (safety/policy.h), never in its place: Decide() chooses what
// Haven says this turn; the escalation policy chooses who else is brought in and how. Both run on
// every turn, and neither lowers the other. The loader refuses a file whose decisions would be
// weaker than Decide()'s on a fixed set of cases (CheckFloor below).
//
// The schema, version 1:
//
//   version: 1                    # required; the only version this Haven reads
//   name: haven-default           # required; [a-z0-9_.-], 1-64 characters
//   description: "..."            # optional text
//   defaults:                     # optional
//     human_response_limit_seconds: 120   # 10..3600, default 120: what `limit` means below
//   webhooks: [on_call]           # optional: the endpoint names `notify` may use. Their URLs
//                                 # and signing keys live in the server's configuration, never
//                                 # here (once the server sends them, it must refuse to
//                                 # start when one is missing).
//   rules:                        # required, at least one
//     - name: imminent            # required, unique; [a-z0-9_.-], 1-64 characters
//       description: "..."        # optional: the clinical reason, one sentence
//       when:                     # required; every condition given must hold (AND), at least one
//         risk_at_least: high     # this turn's level (low, moderate, high, imminent)
//         categories_any: [abuse, medical]  # this turn has any of these analyzer categories
//                                 # (suicide, self_harm, harm_to_others, abuse, third_party,
//                                 # medical, substance)
//         accumulated_risk_at_least: 2.0    # AccumulatedRisk over the conversation, (0, 20]
//         phq9_item9_at_least: 1  # the latest PHQ-9 item 9 answer, 1..3
//         asks_for_human: true    # the person asked for a person this turn (only `true`)
//         turn_action_at_least: crisis_reply  # Decide()'s action this turn (check_in, handoff,
//                                 # crisis_reply, emergency)
//         turn_urgent: true       # Decide() asked for a person urgently this turn (only `true`)
//         queue_priority_at_most: 2  # the conversation waits in the queue at this priority or
//                                 # a more urgent one (1..5; 1 is the most urgent)
//         unanswered_for_seconds: limit  # it has waited at least this long with nobody taking
//                                 # it: an integer 10..86400, or `limit` (the default above)
//       then:                     # required, at least one action, each at most once per rule
//         - show_crisis_resources # the locale's crisis lines, in the reply and in view
//         - queue: {priority: 1}  # queue for a person; 1 (most urgent) .. 5
//         - notify: {webhook: on_call}   # a name from `webhooks`
//         - pause_bot             # the bot stops answering until a person is in
//         - handoff_message: no_human_yet  # a content tag the reply layer says (see below)
//         - safest_mode           # only reviewed safety content: no language model, no
//                                 # exercises or questionnaires, the crisis lines in every reply
//
// Unknown keys, duplicate keys, wrong types, unknown levels, categories or actions, values out
// of range, duplicate rule names, a webhook not listed in `webhooks`, a missing or unsupported
// `version` are all errors. Every error reads "<source>:<line>: <where>: <problem>", where
// <where> is "rule 3 (imminent): when.risk_at_least" or a top-level key; it quotes only the
// policy file, never a person's text. `handoff_message` is checked for its form ([a-z0-9_.-]);
// whether the content packs hold that tag is the reply layer's check, not this one's.
//
// Combination: every rule whose conditions all hold contributes. Its actions are merged: the
// most urgent queue priority (the smallest number) wins; show_crisis_resources, pause_bot and
// safest_mode are set when any matching rule sets them; notify webhooks and handoff messages are
// the union, in file order without repeats. Rules are never "first match": adding a rule can only
// add to a decision, never take away.
//
// Thread-safety: an EscalationPolicy is an immutable value after Parse/Load; Evaluate is a pure
// const function (no I/O, no clock, no globals) and may run on many threads at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/risk_level.h"
#include "core/status.h"
#include "nlp/analysis.h"
#include "safety/policy.h"

namespace haven::safety {

// The schema version this Haven reads.
inline constexpr int kEscalationSchemaVersion = 1;

// ---- Accumulated risk -------------------------------------------------------------------------
//
// Risk that builds up over a conversation without any one turn being alarming ("low, none, low,
// none, low"). Each user turn contributes its level's number (none 0, low 1, moderate 2, high 3,
// imminent 4), and everything before it is multiplied by kAccumulationDecay once per later user
// turn:
//     A(t_1 .. t_n) = sum over i of weight(t_i) * 0.8^(n - i)
// so this turn counts fully, the one before 0.8, the one before that 0.64, and so on (a turn's
// weight halves in about three turns). Time between turns does not matter; only turns do.
// Examples: low, low = 1.8; low, low, low = 2.44; low, none, low, none, low = 2.05;
// low, none, low = 1.64; a steady stream of low turns approaches 5; the most is 20.
inline constexpr double kAccumulationDecay = 0.8;
inline constexpr double kMaxAccumulatedRisk = 20.0;  // 4 / (1 - 0.8)
// `earlier`: the earlier user turns' levels, oldest first; `current`: this turn's. Pure.
double AccumulatedRisk(const std::vector<RiskLevel>& earlier, RiskLevel current);

// ---- Evaluation -------------------------------------------------------------------------------

// What the policy reads. The caller (the server, later) fills it from the turn's analysis and
// safety::Decision, the conversation's stored levels, its screening results and the queue.
struct EscalationInput {
  // This turn's level as the per-turn policy settled it (Decision::effective_level): three low
  // turns in a row already count as moderate here.
  RiskLevel risk_level = RiskLevel::kNone;
  std::vector<nlp::RiskCategory> categories;  // this turn's (nlp::Risk::categories)
  // Earlier user turns' levels, oldest first (each as it was settled), for AccumulatedRisk.
  std::vector<RiskLevel> earlier_levels;
  // The latest PHQ-9 item 9 answer in this conversation, 0..3; nullopt when never asked. An
  // answer that endorsed the item without a frequency, hedged or withheld it
  // (reply::ScreeningResult::item9_positive with item 9 unscored) is passed as 3: when unsure,
  // escalate. Values outside 0..3 are clamped.
  std::optional<int> phq9_item9;
  bool asks_for_human = false;  // intent asking_for_human this turn
  // What safety::Decide said this turn.
  Action turn_action = Action::kContinue;
  bool turn_urgent = false;
  // The conversation waits in the queue at this priority (1..5) and no person has taken it;
  // nullopt when it is not queued or a person is in.
  std::optional<int> queued_priority;
  // How long it has waited so, in seconds (ignored when queued_priority is nullopt). A timer
  // evaluation with no new message passes the last turn's facts again with a larger value.
  std::int64_t unanswered_seconds = 0;
};

// The parts of an EscalationInput that one turn gives: risk_level (effective), categories,
// asks_for_human, turn_action and turn_urgent. The rest stays default for the caller to fill.
EscalationInput InputForTurn(const nlp::Analysis& analysis, const Decision& decision);

// The merged actions of every matching rule (see "Combination" above).
struct EscalationDecision {
  bool show_crisis_resources = false;
  std::optional<int> queue_priority;  // 1 (most urgent) .. 5; nullopt: not queued
  std::vector<std::string> notify;    // webhook names, file order, unique
  bool pause_bot = false;
  std::vector<std::string> handoff_messages;  // content tags, file order, unique
  bool safest_mode = false;
  std::vector<std::string> matched_rules;  // names of the rules that matched, file order
  double accumulated_risk = 0.0;           // the value the conditions saw, for the console

  // True when no rule matched.
  bool empty() const { return matched_rules.empty(); }
};

// ---- The policy -------------------------------------------------------------------------------

struct EscalationCondition {
  std::optional<RiskLevel> risk_at_least;
  std::vector<nlp::RiskCategory> categories_any;  // empty: no condition
  std::optional<double> accumulated_risk_at_least;
  std::optional<int> phq9_item9_at_least;
  bool asks_for_human = false;  // false: no condition
  std::optional<Action> turn_action_at_least;
  bool turn_urgent = false;  // false: no condition
  std::optional<int> queue_priority_at_most;
  std::optional<std::int64_t> unanswered_for_seconds;  // `limit` already resolved

  // True when every condition given holds for `input`; `accumulated` is
  // AccumulatedRisk(input.earlier_levels, input.risk_level).
  bool Matches(const EscalationInput& input, double accumulated) const;
};

struct EscalationActions {
  bool show_crisis_resources = false;
  std::optional<int> queue_priority;
  std::vector<std::string> notify;
  bool pause_bot = false;
  std::optional<std::string> handoff_message;
  bool safest_mode = false;
};

struct EscalationRule {
  std::string name;
  std::string description;
  EscalationCondition when;
  EscalationActions then;
  int line = 0;  // 1-based line of the rule in its file, for messages
};

class EscalationPolicy {
 public:
  struct ParseOptions {
    // Refuse a policy weaker than the per-turn policy (CheckFloor). Only tests that build
    // partial policies turn this off; Haven itself never does.
    bool require_floor = true;
  };

  // Parses and validates a policy. `source` names it in errors ("escalation.yaml").
  // InvalidArgument with "<source>:<line>: <where>: <problem>" on any problem (see the file
  // comment), or CheckFloor's error.
  static StatusOr<EscalationPolicy> Parse(std::string_view yaml, std::string_view source,
                                          ParseOptions options);
  static StatusOr<EscalationPolicy> Parse(std::string_view yaml, std::string_view source) {
    return Parse(yaml, source, ParseOptions());
  }
  // As Parse, from a file (errors name the path). NotFound when it cannot be read.
  static StatusOr<EscalationPolicy> Load(const std::string& path);

  // The merged decision of every matching rule. Pure, thread-safe, never fails.
  EscalationDecision Evaluate(const EscalationInput& input) const;

  // Ok when, on each of a fixed set of cases (every risk level; each category the per-turn
  // policy escalates; medical with overdose symptoms; asking for a person; three low turns in a
  // row; a goodbye after moderate risk; a conversation queued at priority 2 and unanswered for an
  // hour), this policy's decision is at least as strong as safety::Decide's with the default
  // PolicyConfig, where "as strong" means: Decide escalates -> queued; Decide is urgent -> queued
  // at priority 1 or 2 and someone notified; crisis reply or emergency -> crisis resources shown;
  // emergency -> priority 1 and safest mode; and a queued high-priority conversation nobody took
  // -> crisis resources again, a handoff message and safest mode. Otherwise InvalidArgument
  // "<source>: weaker than Haven's per-turn safety policy: <case>: <what is missing>".
  Status CheckFloor() const;

  int version() const { return version_; }
  const std::string& name() const { return name_; }
  const std::string& description() const { return description_; }
  std::int64_t human_response_limit_seconds() const { return human_response_limit_seconds_; }
  const std::vector<std::string>& webhooks() const { return webhooks_; }
  const std::vector<EscalationRule>& rules() const { return rules_; }
  const std::string& source() const { return source_; }

 private:
  EscalationPolicy() = default;
  int version_ = kEscalationSchemaVersion;
  std::string name_;
  std::string description_;
  std::int64_t human_response_limit_seconds_ = 120;
  std::vector<std::string> webhooks_;
  std::vector<EscalationRule> rules_;
  std::string source_;
};

// "<data_dir>/policy/escalation.yaml".
std::string DefaultEscalationPolicyPath(const std::string& data_dir);

// One line each, for `haven policy check` and the console: "risk >= high, categories any of
// [abuse]" and "crisis resources, queue 1, notify on_call, safest mode".
std::string DescribeCondition(const EscalationCondition& when);
std::string DescribeActions(const EscalationActions& then);

}  // namespace haven::safety
