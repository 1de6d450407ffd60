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
// An Engine is immutable after Load and thread-safe: Respond may run on many threads at once. A
// Conversation belongs to one thread at a time. Neither logs anything; `why` never holds user
// text.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/risk_level.h"
#include "core/status.h"
#include "nlp/analyzer.h"
#include "reply/content.h"
#include "reply/empathy.h"
#include "reply/planner.h"
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
  // from `data_dir`. The error names the file and problem.
  static StatusOr<std::unique_ptr<Engine>> Load(const std::string& data_dir);

  // The reply to the last entry of `history`, which must be the user's; the earlier entries are
  // the context (replayed into a fresh state: Haven's own earlier replies count as used
  // variants). InvalidArgument when history is empty or ends with an assistant turn.
  StatusOr<Reply> Respond(const std::vector<Turn>& history, std::string_view locale) const;

  const nlp::Analyzer& analyzer() const { return *analyzer_; }
  const ContentLibrary& content() const { return content_; }
  const safety::CrisisResources& resources() const { return resources_; }

 private:
  friend class Conversation;
  Engine() = default;

  // The reply to `text` (already analysed as `analysis`); adds both turns to `state`.
  Reply Answer(ConversationState& state, std::string_view text, const nlp::Analysis& analysis,
               std::string_view locale, uint64_t seed) const;
  // Records an earlier assistant text in `state`, matching it to a content variant if it is one.
  void ObserveAssistant(ConversationState& state, std::string_view text) const;

  std::unique_ptr<nlp::Analyzer> analyzer_;
  safety::CrisisResources resources_ = safety::CrisisResources::BuiltinFallback();
  safety::PolicyConfig policy_;
  ContentLibrary content_;
  safety::OutputGuard guard_;
  EmpathyScorer scorer_;
  // Per variant (same order as content_.variants()): its longest fixed text, to recognise it in
  // an earlier assistant turn.
  std::vector<std::string> signatures_;
};

// One live conversation (haven chat): state kept between messages.
class Conversation {
 public:
  Conversation(const Engine& engine, std::string locale);

  // Haven's reply to the person's next message.
  Reply Send(std::string_view text);
  // Adds an earlier turn without replying (replaying a history).
  void ObserveUser(std::string_view text);
  void ObserveAssistant(std::string_view text);

  const ConversationState& state() const { return state_; }
  void set_human_connected(bool v) { state_.set_human_connected(v); }

 private:
  const Engine* engine_;
  std::string locale_;
  ConversationState state_;
  uint64_t seed_ = 1469598103934665603ull;  // mixed with each user message (varies replies)
};

// The crisis line as a phrase for a sentence: "Samaritans (call 116 123)", "988 Suicide & Crisis
// Lifeline (call or text 988)", "Crisis Text Line (text HOME to 741741)".
std::string LinePhrase(const safety::CrisisLine& line);

}  // namespace haven::reply
