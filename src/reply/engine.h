// The reply engine: a person's message (and the conversation so far) in, Haven's reply out.
//
// Per user turn: analyse (nlp::Analyzer) -> update the conversation state (reply/state.h) ->
// safety decision and strategy (reply/planner.h; the safety path cannot be overridden) ->
// candidates from the content packs (reply/content.h) with their slots filled, never repeating a
// variant within a conversation -> ranked by fit (feeling, topic, intensity, how personal) and by
// the EPITOME empathy scorer (reply/empathy.h) -> the output guard (safety/output_guard.h; a
// reply that fails is replaced by SafeFallback and the event is recorded in `why`).
//
// Safety in every reply: check_in (low) acknowledges and asks directly about thoughts of killing
// oneself, with a crisis line and a person offered; crisis_reply (moderate, high) acknowledges,
// asks about safety, gives the locale's crisis lines and the emergency number, and says a person
// is being brought in; emergency (imminent) gives the emergency number first. The first reply of
// every conversation says Haven is an AI, and so does every answer to "are you a bot?".
//
// With an optional language model (set_generator), the composed content reply of a non-safety
// turn becomes the model's draft; the model's answer replaces it only when it passes
// CheckGenerated and the output guard, and the AI disclosure is still added by the engine.
//
// Guided flows and screening (reply/flows.h, reply/screening.h), in Conversation only (Respond
// answers each history afresh and never runs them): each message is analysed and the safety
// decision is taken first. When it is anything but continue, an active flow is interrupted
// (resumed later only with consent, on a later turn without risk) and a screening stops with its
// partial result kept; the safety reply is sent. Otherwise the message goes to the active
// screening (strategy question) or flow (strategy suggestion), whose lines are the reply, with
// the reason in `why` ("in flow box_breathing, step inhale_1"). A flow is offered (strategy
// question, tag offer) in place of the planner's "may I suggest something?" when one suits the
// message's emotion or the topic, and starts only on a yes; a no continues the conversation.
// Asking directly ("can we do a breathing exercise", "PHQ-9", "make a safety plan") starts it at
// once. Exit words end a flow or a screening at any moment. PHQ-9 item 9 above 0 takes the risk
// path at once: the crisis reply for moderate risk, escalate, and the risk trajectory raised to
// at least moderate. Screening results (complete or not) are kept in the conversation state.
//
// An Engine is immutable after Load and thread-safe: Respond may run on many threads at once
// (the one change allowed while it serves is ReloadModels, which the analyzer makes safe). A
// Conversation belongs to one thread at a time. Neither logs anything; `why` never holds user
// text.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/risk_level.h"
#include "core/status.h"
#include "nlp/analyzer.h"
#include "reply/chooser.h"
#include "reply/content.h"
#include "reply/empathy.h"
#include "reply/flows.h"
#include "reply/generator.h"
#include "reply/planner.h"
#include "reply/screening.h"
#include "reply/state.h"
#include "reply/strategy.h"
#include "safety/crisis_resources.h"
#include "safety/output_guard.h"
#include "safety/policy.h"

namespace haven::reply {

struct Turn {
  std::string role;  // "user" or "assistant"
  std::string text;
};

struct Reply {
  std::string text;
  Strategy strategy = Strategy::kOther;
  RiskLevel risk_level = RiskLevel::kNone;  // the effective level after the conversation rules
  bool escalate = false;                    // a person from the team is brought in
  bool urgent = false;
  safety::Action action = safety::Action::kContinue;
  std::string variant_id;        // the content variant used ("" for composed or fallback text)
  std::string tag;               // the content tag of the plan
  std::vector<std::string> why;  // machine-readable reasons, for the console
  bool guard_replaced = false;   // the drafted reply failed the output guard
};

class Engine {
 public:
  // Loads the analyzer, crisis resources, safety policy, content packs and the empathy scorer
  // from `data_dir`. The error names the file and problem. `models_dir`: a model registry's
  // active version (learn/model_registry.h), whose models replace the shipped ones.
  static StatusOr<std::unique_ptr<Engine>> Load(const std::string& data_dir,
                                                const std::string& models_dir = {});

  // The reply to the last entry of `history`, which must be the user's; the earlier entries are
  // the context (replayed into a fresh state: Haven's own earlier replies count as used
  // variants). Several user entries in a row at the end are the person's one turn, answered
  // together (Conversation::SendRun): "Yeah, I should do it" / "Thanks for the talk" / "you've
  // been more helpful than my teachers!" is thanks. InvalidArgument when history is empty or
  // ends with an assistant turn.
  StatusOr<Reply> Respond(const std::vector<Turn>& history, std::string_view locale) const;

  const nlp::Analyzer& analyzer() const { return *analyzer_; }
  // Runs the trained models of `models_dir` (a model registry's active version; "" for the
  // shipped ones) from the next message on, without a restart (nlp::Analyzer::ReloadModels).
  // On error the running models stay.
  Status ReloadModels(const std::string& models_dir) { return analyzer_->ReloadModels(models_dir); }
  const ContentLibrary& content() const { return content_; }
  const safety::CrisisResources& resources() const { return resources_; }
  const FlowLibrary& flows() const { return *flows_; }
  const Screener& screener() const { return *screener_; }

  // An optional language model that words the non-safety replies (reply/llm_prompt.h): the
  // content reply is its draft and the fallback when it fails, times out or fails a check
  // ("llm:<name>" or "llm_fallback:<reason>" in `why`). Crisis and handoff replies, guided
  // flows and screening always come from the reviewed content. Set it before the engine is
  // shared between threads; nullptr (the default) is the content engine alone.
  void set_generator(std::shared_ptr<const ReplyGenerator> generator) {
    generator_ = std::move(generator);
  }
  const ReplyGenerator* generator() const { return generator_.get(); }

  // An optional learner that picks among the best candidates of an ordinary turn
  // (reply/chooser.h); the choice is recorded in `why`. The safety path, guided activities,
  // the disclosure and fallbacks never pass through it. Set it before the engine is shared
  // between threads; nullptr (the default) says the best-ranked candidate.
  void set_chooser(std::shared_ptr<const VariantChooser> chooser) { chooser_ = std::move(chooser); }

 private:
  friend class Conversation;
  Engine() = default;

  // What a guided activity makes of one turn: lines to send instead of the composed reply
  // (`messages`), or lines to put before the safety reply (`prefix`, PHQ-9's risk pause).
  struct GuidedTurn {
    std::vector<std::string> messages;
    std::vector<std::string> prefix;
    Strategy strategy = Strategy::kOther;
    std::string tag;
  };

  // The reply to `text` (already analysed as `analysis`); adds both turns to `state`. `guided`:
  // flows and screening run (see the file comment); `now` is the screening timestamp.
  Reply Answer(ConversationState& state, std::string_view text, const nlp::Analysis& analysis,
               std::string_view locale, uint64_t seed, bool guided = false,
               std::int64_t now = 0) const;
  // Runs the active flow or screening, or starts or offers one, for the turn whose plan is
  // `plan` (may re-plan it: PHQ-9's risk path). Reasons go to plan.why.
  GuidedTurn Guide(ConversationState& state, std::string_view text, const nlp::Analysis& analysis,
                   const safety::ConversationContext& context, Plan& plan, std::string_view locale,
                   std::int64_t now) const;
  std::map<std::string, std::string> FlowInputs(std::string_view flow_id,
                                                std::string_view locale) const;
  // The generator's wording of `draft`, or `draft` when it fails or fails a check (the reason
  // goes to plan.why).
  std::string Generate(const ConversationState& state, const std::string& draft, Strategy strategy,
                       Plan& plan, std::string_view locale, const Feeling& feeling) const;
  // Records an earlier assistant text in `state`, matching it to a content variant if it is one.
  void ObserveAssistant(ConversationState& state, std::string_view text) const;

  std::unique_ptr<nlp::Analyzer> analyzer_;
  safety::CrisisResources resources_ = safety::CrisisResources::BuiltinFallback();
  safety::PolicyConfig policy_;
  ContentLibrary content_;
  safety::OutputGuard guard_;
  EmpathyScorer scorer_;
  std::optional<FlowLibrary> flows_;  // set by Load
  std::optional<Screener> screener_;  // set by Load
  // Per variant (same order as content_.variants()): its longest fixed text, to recognise it in
  // an earlier assistant turn.
  std::vector<std::string> signatures_;
  std::shared_ptr<const ReplyGenerator> generator_;
  std::shared_ptr<const VariantChooser> chooser_;
};

// One live conversation (haven chat): state kept between messages.
class Conversation {
 public:
  Conversation(const Engine& engine, std::string locale);

  // Haven's reply to the person's next message. `analysis`, when given, receives the message's
  // analysis (the engine's reading of it), so that a caller need not analyse it again.
  Reply Send(std::string_view text, nlp::Analysis* analysis = nullptr);
  // Haven's reply to several messages the person sent in a row, read as one text (joined with
  // ". " where a message ends without punctuation). Risk is the rules' reading of the joined
  // text raised to any one message's own reading (rules and learned reader; a higher level, its
  // categories and evidence, spans moved into the joined text), so a denial in one message
  // cannot cover risk in another; the learned reader never reads the joined text (it learnt
  // from single messages). One message: Send.
  Reply SendRun(const std::vector<std::string_view>& texts);
  // Adds an earlier turn without replying (replaying a history).
  void ObserveUser(std::string_view text);
  void ObserveAssistant(std::string_view text);

  const ConversationState& state() const { return state_; }
  void set_human_connected(bool v) { state_.set_human_connected(v); }
  // Flows and screening run in this conversation (default true; Engine::Respond turns them off).
  void set_guided(bool v) { guided_ = v; }
  // The time (e.g. Unix seconds) stamped on screening results from now on (default 0).
  void set_now(std::int64_t now) { now_ = now; }
  // Screening administrations of this conversation, in order (complete or not), for storage.
  const std::vector<ScreeningResult>& screening_results() const {
    return state_.activity().screening_results;
  }
  // The guided activity after the latest turn, to keep with its reply (ActivityStateToJson):
  // "" when there is none.
  std::string SaveActivity() const;
  // Goes on with an activity SaveActivity kept, in a conversation rebuilt (ObserveUser,
  // ObserveAssistant) from the history up to that reply. What this engine no longer has (a flow
  // or step removed since, guided activities off) is dropped; a state that does not parse is an
  // error and changes nothing.
  Status RestoreActivity(std::string_view json);

 private:
  const Engine* engine_;
  std::string locale_;
  ConversationState state_;
  uint64_t seed_ = 1469598103934665603ull;  // mixed with each user message (varies replies)
  bool guided_ = true;
  std::int64_t now_ = 0;
};

// The crisis line as a phrase for a sentence: "Samaritans (call 116 123)", "988 Suicide & Crisis
// Lifeline (call or text 988)", "Crisis Text Line (text HOME to 741741)".
std::string LinePhrase(const safety::CrisisLine& line);

}  // namespace haven::reply
