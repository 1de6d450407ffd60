// Guided multi-turn flows (box breathing, grounding, a thought record, behavioural activation,
// worry time, sleep hygiene, a personal safety plan, short psychoeducation), offered with
// consent, as a small data-driven state machine.
//
// Content: data/content/flows/*.yaml, each file `version: 1` and a list of `flows`. A flow has an
// id, a title, an `offer` (a question asking consent), `declined`, `exit` and `resume` lines, and
// steps of these kinds:
//   say      send `text`, go on to `next` without waiting
//   wait     send `prompt`, wait for any reply, go on to `next`
//   ask      send `prompt`, keep the reply as written under `capture`; `help` (optional) is sent
//            once when the reply is "I don't know" before it is kept; `if_no` (optional) is
//            where a plain "no" goes, nothing captured
//   number   send `prompt`, read a whole number in [min, max] ("70", "70%", "7/10" on 0-100)
//            under `capture`; re-ask with `reask` otherwise; `if_below` N with `below_next`
//            branches on a low number (a confidence rating)
//   yes_no   send `prompt`, go to `yes` or `no`; re-ask with `reask` when unclear
//   list     send `prompt`, keep each reply as one entry under `capture` until the person says
//            they are done ("done", "that's all", "no"); `more` (a line, or a list of lines used
//            in turn) is sent after each entry; `help` is sent once on "done" before min_items;
//            `min_items` 0 lets "none" / "I don't know" move on with an empty list
//   summary  send `text` with {capture} and {input} placeholders filled, go on to `next`
//   end      send `text` (optional); the flow is completed
// A flow may list what it `suits` (nlp emotion and topic names, a hint for the planner), declare
// `inputs` (values the engine supplies at Offer/Start, such as the locale's crisis line) with
// `defaults`, and a `check_back` template (behavioural activation) returned when the flow
// completes, for the engine to use in a later conversation; `then_offer` names a flow the engine
// may offer next (its id must exist).
//
// Loading validates everything and fails with "<file>: flow '<id>': step '<id>': <problem>":
// unknown keys or step kinds, a missing prompt or text, a dangling `next`/`yes`/`no`, duplicate
// flow or step ids (flow ids across files), an unknown placeholder, an unreachable step, and a
// chain of non-waiting steps that loops forever.
//
// Captured answers are the person's own words: trimmed, whitespace runs made single spaces, one
// pair of surrounding quotes removed, cut to 400 bytes at a character boundary. Summaries quote
// them as written; pronouns are never switched.
//
// Consent and leaving: a flow starts only after kYes to its offer (or by Start, when the person
// asked for it). Declining starts nothing. At every waiting step an exit request ("stop",
// "let's stop", "can we stop", "I don't want to do this", "exit") ends the flow with its `exit`
// line; the answers so far stay in the state. (In a list step, "done", "enough" or "no more"
// end the list, not the flow.)
//
// Risk: the runner reads no risk. The engine analyses every message (nlp::Analyzer, then
// safety::Policy) BEFORE calling Step; when the decision is anything but continue, it calls
// Interrupt(state), takes the safety path, and later may call Resume(state), which asks whether
// to carry on. A flow never delays or replaces the safety path. This holds in the safety plan
// too: a warning sign such as "when I start thinking about ending it" is read as risk and
// answered on the safety path first; the plan can be resumed afterwards with its answers kept.
//
// Pure: no I/O after Load, no clock, no globals. A FlowLibrary is immutable after Load; all its
// methods are const and thread-safe. States are values the engine stores with the conversation.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace haven::reply {

// ---- Reading short answers (also used by screening) -----------------------------------------

// Lower-case ASCII words of `text`: apostrophes dropped ("don't" -> "dont", curly ones too),
// every other non-alphanumeric byte a separator. Non-ASCII characters separate words.
std::vector<std::string> AnswerWords(std::string_view text);

enum class Consent {
  kYes,     // "yes", "sure", "ok let's try", "why not", "go on"
  kNo,      // "no", "not now", "no thanks", "maybe later", "yes but not now"
  kUnsure,  // "maybe", "not sure", "I don't know", "what is it?"
  kOther,   // no answer to the question (the person said something else)
};
// "yes", "no", "unsure", "other".
std::string_view ConsentId(Consent consent);
// Reads a reply to a yes/no question. A "no" anywhere in a short reply wins over a "yes" (consent
// must be clear). In long replies only the first words are read, so "no one listens to me" or a
// story that mentions "yes" is kOther. Pure.
Consent ReadConsent(std::string_view text);

// True when the message asks to stop the current activity: the whole message is "stop", "quit",
// "exit", "cancel", "enough", "i'm done" (with "please", "ok", "now" and the like around it), or it
// contains "let's stop", "can we stop", "i want to stop", "stop this", "i don't want to do this",
// "i don't want to continue", "no more questions". "I can't stop worrying" is not one. Pure.
bool IsExitRequest(std::string_view text);

// ---- Flows --------------------------------------------------------------------------------------

enum class StepKind { kSay, kWait, kAsk, kNumber, kYesNo, kList, kSummary, kEnd };
std::string_view StepKindId(StepKind kind);

struct FlowStepDef {
  std::string id;
  StepKind kind = StepKind::kSay;
  std::string text;    // say, summary, end: what is sent
  std::string prompt;  // wait, ask, number, yes_no, list: what is asked
  std::string reask;   // number, yes_no: sent when the reply is unclear (defaults to a generic one)
  std::string help;    // ask: sent once on "I don't know"
  std::vector<std::string> more;  // list: sent after each entry, the variants in turn
  std::string capture;            // ask, number, list: the key the reply is kept under
  std::string next;               // every kind but yes_no and end
  std::string if_no;     // ask: where a plain "no" goes (nothing captured), or "" to keep it
  std::string yes, no;   // yes_no
  int min = 0, max = 0;  // number
  int if_below = -1;     // number: a reply below this goes to `below_next` (-1: never)
  std::string below_next;
  int min_items = 1;   // list
  int max_items = 10;  // list: after this many, it moves on
};

struct FlowDef {
  std::string id;     // snake_case, unique across files
  std::string title;  // "Box breathing"
  std::string kind;   // "exercise", "cbt", "planning", "psychoeducation", "safety_plan"
  std::string file;   // where it was loaded from (for errors and the console)
  int version = 0;    // the file's version
  std::string offer, offer_more, declined, exit, resume;
  std::string check_back;          // template, or "" when the flow has none
  std::string then_offer;          // a flow id to offer when this one completes, or ""
  std::vector<std::string> suits;  // nlp emotion and topic names it suits ("nervousness", "sleep")
  std::vector<std::string> inputs;
  std::map<std::string, std::string> defaults;  // input -> value used when Start lacks it
  std::vector<FlowStepDef> steps;               // steps[0] is the first
  const FlowStepDef* Find(std::string_view step_id) const;
};

// Captured answers: one entry for ask and number steps, one per entry for list steps.
using Captures = std::map<std::string, std::vector<std::string>>;

enum class FlowPhase {
  kOffered,        // the offer was sent; waiting for consent
  kRunning,        // waiting at `step`
  kInterrupted,    // the engine took the safety path; Resume asks whether to carry on
  kResumeOffered,  // waiting for consent to carry on
  kDone,           // ended: see `end`
};
enum class FlowEnd { kNone, kCompleted, kExited, kDeclined, kLapsed };
std::string_view FlowPhaseId(FlowPhase phase);
std::string_view FlowEndId(FlowEnd end);

struct FlowState {
  std::string flow_id;
  FlowPhase phase = FlowPhase::kDone;
  FlowEnd end = FlowEnd::kNone;
  std::string step;     // the waiting step (kRunning, kInterrupted, kResumeOffered)
  int unclear = 0;      // consecutive unclear replies at this step (or to the offer)
  bool helped = false;  // the current ask step's help was sent
  Captures captures;
  std::map<std::string, std::string> inputs;  // supplied at Offer/Start

  bool active() const { return phase != FlowPhase::kDone; }
  friend bool operator==(const FlowState&, const FlowState&) = default;
};

enum class FlowOutcome {
  kOffered,        // the offer was sent
  kStarted,        // consent given (or Start): the first prompts were sent
  kContinuing,     // an answer was taken; the next prompt was sent
  kReasked,        // the reply did not answer; asked again (or `help` sent)
  kCompleted,      // the flow ended normally
  kExited,         // the person left; the `exit` line was sent
  kDeclined,       // the offer (or resuming) was declined; nothing started
  kLapsed,         // the reply to the offer was about something else: no messages; the engine
                   // answers the message itself
  kResumeOffered,  // Resume asked whether to carry on
  kInterrupted,    // Step on an interrupted state: nothing sent; call Resume
  kNotActive,      // Step on a finished state: nothing happens
};
std::string_view FlowOutcomeId(FlowOutcome outcome);

// What behavioural activation leaves for later: "Last time you planned to ...".
struct CheckBack {
  std::string flow_id;
  std::string text;  // the filled `check_back` template
  Captures captures;
};

struct FlowStepResult {
  FlowState state;
  std::vector<std::string> messages;  // to send, in order
  FlowOutcome outcome = FlowOutcome::kNotActive;
  std::optional<CheckBack> check_back;  // on kCompleted of a flow with `check_back`
  std::string then_offer;  // on kCompleted: a flow the engine may Offer next (psychoeducation on
                           // panic -> box breathing), or ""
};

// The person's safety plan after Stanley & Brown (2012), from the safety_plan flow's captures.
struct SafetyPlan {
  std::vector<std::string> warning_signs;
  std::vector<std::string> internal_coping;
  std::vector<std::string> social_distractions;  // people and social settings that distract
  std::vector<std::string> people_to_ask;        // people to ask for help
  std::vector<std::string> professionals;        // professionals, services and crisis lines
  std::vector<std::string> safer_environment;    // making the environment safer
  std::vector<std::string> reasons_for_living;   // "the one thing most important to me"
  bool empty() const;
  friend bool operator==(const SafetyPlan&, const SafetyPlan&) = default;
};
SafetyPlan SafetyPlanFromCaptures(const Captures& captures);
// {"warning_signs":[..],"internal_coping":[..],...}: every field, lists possibly empty.
std::string SafetyPlanToJson(const SafetyPlan& plan);
// InvalidArgument (naming the field) when not JSON, a field is missing, or not a list of strings.
StatusOr<SafetyPlan> SafetyPlanFromJson(std::string_view json);

// A FlowState as JSON, and back (InvalidArgument naming the field on bad input).
std::string FlowStateToJson(const FlowState& state);
StatusOr<FlowState> FlowStateFromJson(std::string_view json);

class FlowLibrary {
 public:
  // Loads every "*.yaml" in "<data_dir>/content/flows", in name order. NotFound when the
  // directory is missing or empty; InvalidArgument with file, flow, step and problem otherwise
  // (see the file comment).
  static StatusOr<FlowLibrary> Load(const std::string& data_dir);
  // As Load over in-memory files: (name, contents) pairs.
  static StatusOr<FlowLibrary> Parse(const std::vector<std::pair<std::string, std::string>>& files);

  // The flow, or nullptr. The pointer lives as long as this library or any copy of it.
  const FlowDef* Find(std::string_view flow_id) const;
  std::vector<std::string> Ids() const;  // sorted
  // Ids of the flows whose `suits` lists `name` (an nlp emotion or topic), sorted: a hint for the
  // planner choosing what to offer.
  std::vector<std::string> Suiting(std::string_view name) const;

  // Sends the flow's offer and waits for consent. `inputs` fill the flow's declared inputs
  // (missing ones take the flow's defaults). InvalidArgument for an unknown flow id.
  StatusOr<FlowStepResult> Offer(std::string_view flow_id,
                                 const std::map<std::string, std::string>& inputs = {}) const;
  // Starts the flow now (consent already given), sending its first steps up to the first wait.
  StatusOr<FlowStepResult> Start(std::string_view flow_id,
                                 const std::map<std::string, std::string>& inputs = {}) const;
  // Takes the person's reply. Never fails: a state naming an unknown flow or step ends with
  // kNotActive and no messages.
  FlowStepResult Step(const FlowState& state, std::string_view user_text) const;
  // Marks an active flow interrupted (the engine is taking the safety path). A finished state is
  // returned unchanged.
  static FlowState Interrupt(const FlowState& state);
  // Asks whether to carry on an interrupted flow (its `resume` line); yes re-sends the waiting
  // step's prompt, no ends it as exited. A state that is not interrupted gives kNotActive.
  FlowStepResult Resume(const FlowState& state) const;

  // Fills {key} from captures and inputs: a capture in `list_keys` as "- entry" lines (or
  // "(nothing added yet)" when empty), any other capture as its last entry, verbatim. Unknown
  // keys are left empty. Exposed for tests and the console.
  static std::string Fill(std::string_view tmpl, const Captures& captures,
                          const std::map<std::string, std::string>& inputs,
                          const std::set<std::string>& list_keys = {});

 private:
  FlowLibrary() = default;  // only Load and Parse make one
  FlowStepResult RunFrom(const FlowDef& flow, FlowState state, const std::string& step_id,
                         std::vector<std::string> messages, FlowOutcome outcome) const;
  std::shared_ptr<const std::vector<FlowDef>> flows_;  // sorted by id
};

}  // namespace haven::reply
