// Conversation state: what Haven knows about one conversation, built turn by turn from each
// message's analysis (nlp/analysis.h) and from what Haven itself said. It holds:
//  - the people in the person's story as they named them ("my sister", "my manager"), and which
//    one a later "she"/"he"/"they" most likely means (within the last kResolveWindow user
//    turns; "they" means someone named without a gender, "my boss" or "my parents");
//  - the stressors (topics) and how often each came up;
//  - the feeling of each message (a family such as "sad" or "anxious", its intensity, and the
//    person's own word for it when they used one), and the trend of sentiment over turns;
//  - the risk trajectory: the highest level so far and the low turns in a row, which feed
//    safety::ConversationContext;
//  - what Haven offered: strategies, content variant ids, tags ("offer" = asked permission to
//    suggest something), and its reply texts;
//  - the stage after Hill's helping skills as ESConv uses them: exploration, then comforting,
//    then action;
//  - a preferred name, when the person gave one ("call me Sam", "my name is Sam").
//
// A ConversationState is a plain value: copyable, no I/O, no clock. Not thread-safe for
// concurrent mutation (one conversation is handled by one thread at a time). It keeps derived
// facts, never whole messages, except the latest message's situation clause (reply/paraphrase.h)
// which lives only as long as the state does.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/risk_level.h"
#include "core/status.h"
#include "nlp/analysis.h"
#include "reply/flows.h"
#include "reply/screening.h"
#include "reply/strategy.h"
#include "safety/policy.h"

namespace haven::reply {

enum class Stage { kExploration, kComforting, kAction };
std::string_view StageName(Stage s);

enum class Trend { kUnknown, kImproving, kSteady, kWorsening };
std::string_view TrendName(Trend t);

enum class Intensity { kMild = 0, kModerate = 1, kStrong = 2 };
std::string_view IntensityName(Intensity i);
std::optional<Intensity> ParseIntensity(std::string_view name);

// The feeling of one message.
struct Feeling {
  std::string family;  // "sad", "anxious", "angry", "lonely", "stressed", "grief", "hurt",
                       // "shame", "guilt", "confused", "disappointed", "tired", "positive",
                       // "relieved"; "" when no feeling is evident
  Intensity intensity = Intensity::kModerate;
  std::string own_word;  // the person's own adjective ("stressed", "really lonely"), or ""
  bool stated = false;   // the family came from the person's own words, not the classifier
};

// Whether a feeling family is a pleasant one ("positive", "relieved").
bool IsPleasantFamily(std::string_view family);

// Reads the feeling of a message from its words first, then the emotion classifier and topics.
Feeling ReadFeeling(std::string_view text, const nlp::Analysis& analysis);

struct Person {
  std::string phrase;     // as named, lower case: "my little sister"
  std::string reference;  // said back: "your little sister"
  char gender = 'n';      // 'f', 'm', or 'n' (unknown or plural)
  int last_turn = 0;      // user turn (1-based) that last mentioned them, by name or pronoun
};

// People named in a message, in order ("my mum and my boss" -> mum, boss).
std::vector<Person> ExtractPeople(std::string_view text);

// A preferred name given in the message ("call me Sam", "my name is sam", "I go by Sam",
// "name's Sam"), capitalised; std::nullopt when none, or when the word is not name-like.
std::optional<std::string> ExtractPreferredName(std::string_view text);

struct UserTurnFacts {
  RiskLevel level = RiskLevel::kNone;
  double compound = 0;
  std::string intent;
  Feeling feeling;
  std::vector<std::string> topics;
  bool minimal = false;  // a short message with nothing to reflect ("ok", "yeah", "idk")
};

// The guided activity of a conversation (reply/flows.h, reply/screening.h), kept by the engine
// between turns. At most one of `flow` (active) and `screening` is in progress at a time.
struct ActivityState {
  std::optional<FlowState> flow;  // offered, running, interrupted or resume-offered; nullopt
                                  // when none (a finished flow is cleared)
  int interrupted_turn = 0;       // the user turn at which `flow` was interrupted (1-based)
  std::optional<ScreeningState> screening;         // being asked (never a finished one)
  std::optional<Instrument> screening_offer;       // offered, waiting for consent
  std::vector<std::string> offered;                // flow ids and instrument ids offered so far
  std::vector<ScreeningResult> screening_results;  // completed, stopped or risk-path results
  std::vector<CheckBack> check_backs;              // from completed flows, for later
};

// An ActivityState as JSON, kept with a reply so that a restarted server (or another instance)
// goes on with the activity: the flow, the questionnaire being asked, the open offer, what was
// offered, and the check-backs. screening_results are left out: each is stored on its own with
// the reply that ends it. `user_turns` is the conversation's user turn count at this point: an
// interruption is kept as a number of turns ago, so that it counts the same way in a
// conversation rebuilt from fewer messages. "" when the state holds nothing to keep.
std::string ActivityStateToJson(const ActivityState& activity, int user_turns);
// Back from ActivityStateToJson's output, for a conversation at `user_turns`: InvalidArgument
// (naming the field) on bad input; "" is an empty state. screening_results is empty.
StatusOr<ActivityState> ActivityStateFromJson(std::string_view json, int user_turns);

class ConversationState {
 public:
  static constexpr int kResolveWindow = 3;

  // The safety context for the next user message: call it before AddUserTurn of that message.
  safety::ConversationContext SafetyContext() const;

  // Adds the person's message and its analysis. Updates people, name, topics, feeling, risk,
  // stage and the situation clause.
  void AddUserTurn(std::string_view text, const nlp::Analysis& analysis);
  // Adds Haven's reply: its strategy, the content variant id ("" when none) and its tag.
  void AddAssistantTurn(std::string_view text, Strategy strategy, std::string_view variant_id,
                        std::string_view tag);

  int user_turns() const { return static_cast<int>(turns_.size()); }
  int assistant_turns() const { return static_cast<int>(assistant_texts_.size()); }
  const std::vector<UserTurnFacts>& turns() const { return turns_; }
  const UserTurnFacts* last_turn() const { return turns_.empty() ? nullptr : &turns_.back(); }

  const std::vector<Person>& people() const { return people_; }
  // The person the latest message is about: named in it, or meant by its "she"/"he"/"they". nullptr
  // when none.
  const Person* current_person() const;
  // Who "she"/"he"/"her"/"him" most likely means: the latest person of that gender named within
  // kResolveWindow user turns. For "they"/"them"/"their": the latest person named in the plural
  // ("my parents"), so that the verb after it still agrees when it is said back; a singular
  // "they" ("my boss ... they") is followed as the current person but not said back. "" when
  // nobody fits, or when two people fit equally.
  std::string ResolvePronoun(std::string_view pronoun) const;

  const std::optional<std::string>& preferred_name() const { return preferred_name_; }
  // Topics by how often they came up (ties: the more recent first), with counts.
  std::vector<std::pair<std::string, int>> Stressors() const;
  // The latest message's top topic, else the most frequent so far; "" when none. Work, once a
  // lost job has come up, is the lost job: "the management did not like that" after "I was laid
  // off" is about the lay-off, not a job they go to.
  std::string CurrentTopic() const;
  // Whether `topic` came up in any message so far.
  bool TopicCameUp(std::string_view topic) const;
  // The latest message's situation in second person (reply/paraphrase.h), or "".
  const std::string& situation() const { return situation_; }
  // The latest feeling that was evident within the last two user turns.
  Feeling CurrentFeeling() const;

  Trend trend() const;
  RiskLevel max_level() const { return max_level_; }
  int consecutive_low_turns() const { return consecutive_low_; }
  bool human_connected() const { return human_connected_; }
  void set_human_connected(bool v) { human_connected_ = v; }

  // Message turns with something to work with (not greetings, thanks, or minimal replies).
  int substantive_turns() const { return substantive_; }
  Stage stage() const;

  const std::vector<Strategy>& strategies() const { return strategies_; }
  const std::vector<std::string>& tags() const { return tags_; }
  bool VariantUsed(std::string_view id) const;
  // Marks a variant used that was part of a reply (an opening reaction, for instance).
  void MarkVariantUsed(std::string_view id) { extra_used_.emplace_back(id); }
  const std::vector<std::string>& assistant_texts() const { return assistant_texts_; }
  // The last kRecentMessages messages of both sides, oldest first (the prompt of an optional
  // language model, reply/llm_prompt.h); in memory only, like every text here.
  static constexpr size_t kRecentMessages = 8;
  struct RecentMessage {
    std::string role;  // "user" or "assistant"
    std::string text;
  };
  const std::vector<RecentMessage>& recent() const { return recent_; }
  // The tag of Haven's latest reply, "" when none.
  std::string_view last_tag() const { return tags_.empty() ? std::string_view() : tags_.back(); }
  // How many of Haven's replies used `s`.
  int StrategyCount(Strategy s) const;
  bool disclosed_ai() const { return disclosed_ai_; }
  void set_disclosed_ai() { disclosed_ai_ = true; }

  // Raises the latest user turn's risk (and the trajectory's maximum) to at least `level`: used
  // when an answer inside screening (PHQ-9 item 9) shows risk the message analysis did not.
  void RaiseRisk(RiskLevel level);

  const ActivityState& activity() const { return activity_; }
  ActivityState& mutable_activity() { return activity_; }

 private:
  void Remember(std::string_view role, std::string_view text);

  std::vector<RecentMessage> recent_;
  ActivityState activity_;
  std::vector<UserTurnFacts> turns_;
  std::vector<Person> people_;
  std::vector<std::string> current_people_;  // phrases of the people the latest message is about
  std::optional<std::string> preferred_name_;
  std::vector<std::pair<std::string, int>> topic_counts_;  // first mention order
  std::vector<int> topic_last_turn_;
  std::string situation_;
  RiskLevel max_level_ = RiskLevel::kNone;
  RiskLevel max_sure_level_ = RiskLevel::kNone;  // the same, of readings not the learned one alone
  int consecutive_low_ = 0;
  bool human_connected_ = false;
  int substantive_ = 0;
  bool asked_for_advice_ = false;
  std::vector<Strategy> strategies_;
  std::vector<std::string> variant_ids_;
  std::vector<std::string> extra_used_;
  std::vector<std::string> tags_;
  std::vector<std::string> assistant_texts_;
  bool disclosed_ai_ = false;
};

}  // namespace haven::reply
