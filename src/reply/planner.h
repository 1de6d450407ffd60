// The strategy planner: for one user turn, which strategy Haven answers with, from which content
// pool (tag), and why. Deterministic: the same analysis and state give the same plan.
//
// Order of precedence, first match wins:
//  1. Safety (safety::Decide with the conversation's context). emergency / crisis_reply /
//     check_in -> kCrisis; handoff -> kHandoff. Nothing later can override these.
//  2. Intents answered directly: question_about_bot -> information (the truth about Haven),
//     privacy_request -> information (what is stored), worry about someone else (category
//     third_party) -> information with the lines for them.
//  3. Replies to Haven's offer: yes -> suggestion, no -> question (tag declined); then goodbye
//     -> other, gratitude -> affirmation, a bare greeting -> question.
//  4. Short replies with nothing to reflect -> question (tag minimal).
//  5. Advice asked for: before Haven understands (fewer than 2 substantive turns) a question
//     first (tag before_advice); after that a suggestion.
//  6. Good news (a positive feeling, no negative sentiment) -> affirmation (tag positive).
//  7. By stage (exploration -> comforting -> action, after Hill as used by ESConv), never the
//     same strategy twice in a row: exploration alternates reflection / restatement with
//     questions; comforting adds affirmation and honest self-disclosure; action asks before
//     suggesting (question, tag offer), then suggestions (only after a yes, or when ideas
//     were already on the table), reflections, questions and affirmations.
// Each plan lists fallbacks in order, for when the content has no fillable variant left for the
// chosen strategy (reflection needs a feeling, restatement the person's words).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "nlp/analysis.h"
#include "reply/state.h"
#include "reply/strategy.h"
#include "safety/policy.h"

namespace haven::reply {

struct Plan {
  Strategy strategy = Strategy::kQuestion;
  std::string tag;                  // content tag ("" = the strategy's general pool)
  std::vector<Strategy> fallbacks;  // general pools to try next, in order
  safety::Decision decision;        // the safety decision for this turn
  std::vector<std::string> why;     // machine-readable reasons ("safety:continue",
                                    // "intent:venting", "stage:exploration", ...)
  std::string choice;  // tag "dilemma": the decision in their words (reply/paraphrase.h Dilemma)
  std::string step;    // tag "plan": the step they will take (reply/paraphrase.h NextStep)
};

// Plans the reply to the latest user turn, `text` (read only for yes/no to an offer). `state`
// already holds that turn (AddUserTurn); `context` is the safety context taken before it was
// added (ConversationState::SafetyContext).
Plan PlanTurn(std::string_view text, const nlp::Analysis& analysis,
              const safety::ConversationContext& context, const ConversationState& state,
              const safety::PolicyConfig& config = safety::PolicyConfig());

// "yes" / "no" / "" for a reply to an offer ("sure", "ok let's try" / "no thanks", "not now").
std::string ReadOfferReply(std::string_view text);

}  // namespace haven::reply
