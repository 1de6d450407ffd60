// Learning to choose better from people's feedback (issue 7): the reply engine's chooser
// (reply/chooser.h) backed by a contextual bandit (learn/bandit.h), the rewards that feedback
// gives it, and the offline evaluation behind `haven learn report`.
//
// Modes (the operator's `learning.bandit` setting):
//   off       the engine says its best-ranked candidate; nothing is logged (the default).
//   explore   the best-ranked candidate with probability 1 - rate, otherwise one of the best
//             kMaxArms chosen uniformly; every choice is logged with its exact propensity. This
//             is how a deployment collects the evidence to evaluate a policy before using it.
//   thompson  Thompson sampling over the best kMaxArms, rewarded by feedback, with estimated
//             propensities logged. Switch it on after `haven learn report` shows it helps.
// In every mode the safety path is out of reach: the engine offers only ordinary turns' pools.
//
// Rewards: a seeker's thumbs up is 1 and thumbs down 0; a clinician's review counts when the
// person gave no rating: helpfulness 4..5 is 1, 1..2 is 0, a flagged reply is 0, anything else
// no reward. Only feedback of people who allow de-identified use (chat_service.h,
// kDeidentifiedUse) is ever stored or used, and withdrawing that consent removes their feedback
// from learning at once (CollectChoices reads the consent each time).
//
// Beliefs live in memory, per instance: rebuilt from the store at start (CollectChoices) and
// updated as feedback arrives. Learner is thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "learn/bandit.h"
#include "reply/chooser.h"
#include "storage/records.h"
#include "storage/store.h"

namespace haven::chat {

enum class BanditMode { kOff, kExplore, kThompson };

std::string_view BanditModeName(BanditMode mode);
std::optional<BanditMode> ParseBanditMode(std::string_view name);

// The reward a feedback row gives the reply it rates (see the top of this file).
std::optional<bool> RewardOf(const storage::Feedback& feedback);

class Learner : public reply::VariantChooser {
 public:
  // `explore_rate` in [0, 1] (explore mode). kOff is not a learner's mode: InvalidArgument.
  static StatusOr<std::unique_ptr<Learner>> Create(BanditMode mode, double explore_rate,
                                                   uint64_t seed);

  reply::VariantChoice Choose(const std::string& context,
                              const std::vector<std::string>& arms) const override;
  // Feedback on a logged choice.
  void Reward(const reply::ChoiceRecord& choice, bool reward);

  BanditMode mode() const { return mode_; }
  int64_t rewards() const;

 private:
  Learner(BanditMode mode, double explore_rate, uint64_t seed);

  BanditMode mode_;
  double explore_rate_;
  mutable std::mutex mu_;
  mutable learn::ThompsonPolicy policy_;
  mutable std::mt19937_64 gen_;
  int64_t rewards_ = 0;
};

// The choice logged in a stored rationale (comma-separated reasons), if there is one.
std::optional<reply::ChoiceRecord> ChoiceInRationale(std::string_view rationale);
// Whether the person allows de-identified use (chat_service.h consent::kDeidentifiedUse;
// default off). An error reading the consents reads as no.
bool AllowsDeidentifiedUse(storage::Txn& txn, const std::string& account_id);
// Calls `fn` on every conversation of every seeker who allows de-identified use now, in account
// order; stops when `fn` answers false or an error.
Status ForEachConsentingConversation(
    storage::Txn& txn, const std::function<StatusOr<bool>(const storage::Conversation&)>& fn);
// Calls `fn` on every message of the conversation in seq order, a page at a time.
Status ForEachMessage(storage::Txn& txn, const std::string& conversation_id,
                      const std::function<void(const storage::Message&)>& fn);

// One logged choice and what came of it.
struct LoggedReward {
  reply::ChoiceRecord choice;
  std::string conversation_id;
  int64_t message_seq = 0;
  storage::UnixMillis at = 0;  // when the reply was sent
  std::optional<bool> reward;  // none: no usable feedback
};

// Every logged choice of the seekers who allow de-identified use, oldest first, with its reward.
// Reads only metadata (rationales, ratings, consents): `store` may be the backend below the
// encryption layer, and no key is needed. `limit_conversations` bounds the work (newest first).
StatusOr<std::vector<LoggedReward>> CollectChoices(storage::Store& store,
                                                   int limit_conversations = 100000);

// What `haven learn report` prints: the logged policy's mean reward and each candidate policy's
// offline estimate (learn::EvaluateOffline) on the rewarded choices.
struct PolicyEstimate {
  std::string name;  // "best_ranked", "uniform", "thompson"
  std::string description;
  learn::OfflineEstimate estimate;
};
struct LearningReport {
  size_t choices = 0;  // logged
  size_t rewarded = 0;
  size_t contexts = 0;
  std::vector<std::pair<std::string, size_t>> policies;  // logged policy name -> choices
  double logged_mean = 0;
  std::vector<PolicyEstimate> estimates;
  // "switch_on_thompson", "keep_collecting" (too little evidence) or "keep_current".
  std::string recommendation;
  std::string reason;
};

// Thompson is trained on the older half of the rewarded choices and evaluated on the newer half
// (so it is never scored on what it learnt from); the fixed policies are evaluated on all of
// them. `min_rewarded`: below it the recommendation is keep_collecting.
LearningReport Evaluate(const std::vector<LoggedReward>& log, uint64_t seed,
                        size_t min_rewarded = 200);

}  // namespace haven::chat
