// The prompt that asks a language model to word one of Haven's replies, and the checks its
// answer must pass before Haven says it.
//
// The engine has already decided what to do: the strategy (ESConv's, reply/strategy.h) and the
// tag, from the planner; the state (feelings, people, stressors, stage, risk trajectory); and a
// reviewed content reply for this turn (the draft). The model is asked to say that one thing
// more naturally, in at most three sentences, following Haven's rules: an AI and never a person,
// no diagnosis, no medication advice, nothing about methods of harm, no promise of secrecy, no
// blame, no facts about the person they did not say. The draft goes in as the reference, so a
// model that knows nothing of the conversation still has a safe answer to adapt.
//
// Safety replies (crisis, handoff) and guided flows never go to the model: the engine uses its
// reviewed content for those. The answer is then checked here (CheckGenerated: length, no
// role-play markers or links) and by the output guard.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reply/generator.h"
#include "reply/state.h"
#include "reply/strategy.h"

namespace haven::reply {

// What the prompt is built from (no pointers into the engine: easy to test).
struct PromptInputs {
  Strategy strategy = Strategy::kQuestion;
  std::string tag;
  std::string draft;  // the content engine's reply for this turn
  std::string locale = "en-US";
  // The recent messages, oldest first, roles "user" and "assistant"; the last is the person's.
  std::vector<GenerationMessage> recent;
  std::string feeling;  // "sad", with intensity "strong", or ""
  std::string intensity;
  std::vector<std::string> people;     // as said back: "your sister"
  std::vector<std::string> stressors;  // topics, most frequent first
  std::string stage;                   // exploration, comforting, action
  std::string preferred_name;
  bool earlier_risk = false;  // risk at low or above earlier in the conversation
};

// What the strategy asks of the reply, in one sentence for the model.
std::string_view StrategyInstruction(Strategy s);

// The chat-completions request: a system message with the rules, the strategy, the state and
// the draft; then the recent turns (at most `max_turns` messages, alternating as they came).
GenerationRequest BuildPrompt(const PromptInputs& in, int max_turns = 8);

// "" when `text` may be sent after the output guard has also passed it; otherwise the reason
// ("empty", "too_long", "link", "role_marker", "draft_ignored_question"...). `text` is trimmed
// in place first.
std::string CheckGenerated(std::string& text);

}  // namespace haven::reply
