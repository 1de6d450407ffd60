#include "chat/learning.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <utility>

#include "chat/chat_service.h"

namespace haven::chat {
namespace {

constexpr int kPropensityDraws = 500;

std::vector<std::string_view> SplitCommas(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string_view::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

learn::LoggedChoice ToLogged(const LoggedReward& r) {
  learn::LoggedChoice l;
  l.context = r.choice.context;
  l.arms = r.choice.arms;
  l.arm = r.choice.arm;
  l.propensity = r.choice.propensity;
  l.reward = r.reward.value_or(false) ? 1.0 : 0.0;
  return l;
}

}  // namespace

bool AllowsDeidentifiedUse(storage::Txn& txn, const std::string& account_id) {
  auto consents = txn.ListConsents(account_id);
  if (!consents.ok()) return false;
  for (const auto& c : *consents) {
    if (c.kind == consent::kDeidentifiedUse) return c.granted;
  }
  return false;  // default off
}

std::optional<reply::ChoiceRecord> ChoiceInRationale(std::string_view rationale) {
  for (std::string_view reason : SplitCommas(rationale)) {
    if (auto c = reply::ParseChoiceReason(reason)) return c;
  }
  return std::nullopt;
}

std::string_view BanditModeName(BanditMode mode) {
  switch (mode) {
    case BanditMode::kOff:
      return "off";
    case BanditMode::kExplore:
      return "explore";
    case BanditMode::kThompson:
      return "thompson";
  }
  return "off";
}

std::optional<BanditMode> ParseBanditMode(std::string_view name) {
  for (BanditMode m : {BanditMode::kOff, BanditMode::kExplore, BanditMode::kThompson}) {
    if (BanditModeName(m) == name) return m;
  }
  return std::nullopt;
}

std::optional<bool> RewardOf(const storage::Feedback& f) {
  if (f.kind == "rating") {
    if (f.rating > 0) return true;
    if (f.rating < 0) return false;
    return std::nullopt;
  }
  if (f.kind == "review") {
    if (f.flagged) return false;
    if (f.helpfulness >= 4) return true;
    if (f.helpfulness >= 1 && f.helpfulness <= 2) return false;
  }
  return std::nullopt;
}

StatusOr<std::unique_ptr<Learner>> Learner::Create(BanditMode mode, double explore_rate,
                                                   uint64_t seed) {
  if (mode == BanditMode::kOff) return InvalidArgument("the bandit is off: no learner");
  if (!(explore_rate >= 0 && explore_rate <= 1)) {
    return InvalidArgument("learning explore_rate must be in [0, 1]");
  }
  return std::unique_ptr<Learner>(new Learner(mode, explore_rate, seed));
}

Learner::Learner(BanditMode mode, double explore_rate, uint64_t seed)
    : mode_(mode),
      explore_rate_(explore_rate),
      policy_(seed ^ 0x5DEECE66Dull, kPropensityDraws),
      gen_(seed) {}

reply::VariantChoice Learner::Choose(const std::string& context,
                                     const std::vector<std::string>& arms) const {
  reply::VariantChoice out;
  out.policy = std::string(BanditModeName(mode_));
  if (arms.empty()) return out;
  std::lock_guard lock(mu_);
  if (mode_ == BanditMode::kThompson) {
    auto c = policy_.Choose(context, arms);
    if (c.ok()) {
      for (size_t i = 0; i < arms.size(); ++i) {
        if (arms[i] == c->arm) out.index = i;
      }
      out.propensity = c->propensity;
      return out;
    }
  }
  // Explore: the best with 1 - rate, otherwise any of the arms uniformly.
  const double k = static_cast<double>(arms.size());
  std::uniform_real_distribution<double> u(0.0, 1.0);
  if (u(gen_) < explore_rate_) {
    std::uniform_int_distribution<size_t> pick(0, arms.size() - 1);
    out.index = pick(gen_);
  } else {
    out.index = 0;
  }
  out.propensity = explore_rate_ / k + (out.index == 0 ? 1.0 - explore_rate_ : 0.0);
  return out;
}

void Learner::Reward(const reply::ChoiceRecord& choice, bool reward) {
  std::lock_guard lock(mu_);
  policy_.Update(choice.context, choice.arm, reward);
  ++rewards_;
}

int64_t Learner::rewards() const {
  std::lock_guard lock(mu_);
  return rewards_;
}

Status ForEachConsentingConversation(
    storage::Txn& txn, const std::function<StatusOr<bool>(const storage::Conversation&)>& fn) {
  auto ids = txn.ListAccountIds();
  if (!ids.ok()) return ids.status();
  for (const std::string& id : *ids) {
    auto account = txn.GetAccount(id);
    if (!account.ok() || account->kind != storage::AccountKind::kSeeker) continue;
    if (!AllowsDeidentifiedUse(txn, id)) continue;
    storage::ConversationQuery q;
    q.owner_id = id;
    auto convs = txn.ListConversations(q);
    if (!convs.ok()) return convs.status();
    for (const auto& conv : *convs) {
      auto more = fn(conv);
      if (!more.ok()) return more.status();
      if (!*more) return Status::Ok();
    }
  }
  return Status::Ok();
}

Status ForEachMessage(storage::Txn& txn, const std::string& conversation_id,
                      const std::function<void(const storage::Message&)>& fn) {
  constexpr int kPage = 500;
  int64_t after = 0;
  while (true) {
    auto page = txn.ListMessages(conversation_id, after, kPage);
    if (!page.ok()) return page.status();
    for (const auto& m : *page) {
      after = m.seq;
      fn(m);
    }
    if (page->size() < static_cast<size_t>(kPage)) return Status::Ok();
  }
}

StatusOr<std::vector<LoggedReward>> CollectChoices(storage::Store& store, int limit_conversations) {
  std::vector<LoggedReward> out;
  Status st = store.Transact([&](storage::Txn& txn) -> Status {
    int conversations_left = limit_conversations;
    return ForEachConsentingConversation(
        txn, [&](const storage::Conversation& conv) -> StatusOr<bool> {
          if (conversations_left-- <= 0) return false;
          auto feedback = txn.ListFeedback(conv.id);
          if (!feedback.ok()) return feedback.status();
          // The seeker's own rating wins (the latest); a clinician's review otherwise.
          std::map<int64_t, bool> rating, review;
          for (const auto& f : *feedback) {
            auto r = RewardOf(f);
            if (!r) continue;
            (f.kind == "rating" ? rating : review)[f.message_seq] = *r;
          }
          Status read = ForEachMessage(txn, conv.id, [&](const storage::Message& m) {
            if (m.role != storage::MessageRole::kAssistant) return;
            auto c = ChoiceInRationale(m.rationale);
            if (!c) return;
            LoggedReward l;
            l.choice = std::move(*c);
            l.conversation_id = conv.id;
            l.message_seq = m.seq;
            l.at = m.created_at;
            if (auto it = rating.find(m.seq); it != rating.end()) {
              l.reward = it->second;
            } else if (auto jt = review.find(m.seq); jt != review.end()) {
              l.reward = jt->second;
            }
            out.push_back(std::move(l));
          });
          if (!read.ok()) return read;
          return true;
        });
  });
  if (!st.ok()) return st;
  std::stable_sort(out.begin(), out.end(),
                   [](const LoggedReward& a, const LoggedReward& b) { return a.at < b.at; });
  return out;
}

LearningReport Evaluate(const std::vector<LoggedReward>& log, uint64_t seed, size_t min_rewarded) {
  LearningReport rep;
  rep.choices = log.size();
  std::vector<learn::LoggedChoice> rewarded;
  std::set<std::string> contexts;
  std::map<std::string, size_t> policies;
  for (const auto& l : log) {
    contexts.insert(l.choice.context);
    ++policies[l.choice.policy];
    if (l.reward) rewarded.push_back(ToLogged(l));
  }
  rep.rewarded = rewarded.size();
  rep.contexts = contexts.size();
  rep.policies.assign(policies.begin(), policies.end());
  if (rewarded.empty()) {
    rep.recommendation = "keep_collecting";
    rep.reason = "no logged choice has feedback yet";
    return rep;
  }
  double sum = 0;
  for (const auto& l : rewarded) sum += l.reward;
  rep.logged_mean = sum / static_cast<double>(rewarded.size());

  auto fixed = [&](std::string name, std::string description, auto probs) {
    auto e = learn::EvaluateOffline(rewarded, probs);
    if (e.ok()) rep.estimates.push_back({std::move(name), std::move(description), *e});
  };
  fixed("best_ranked", "the engine's best-ranked candidate (the bandit off)",
        [](const std::string&, const std::vector<std::string>& arms) {
          std::map<std::string, double> p;
          for (size_t i = 0; i < arms.size(); ++i) p[arms[i]] = i == 0 ? 1.0 : 0.0;
          return p;
        });
  fixed("uniform", "any of the best candidates, uniformly",
        [](const std::string&, const std::vector<std::string>& arms) {
          std::map<std::string, double> p;
          for (const auto& a : arms) p[a] = 1.0 / static_cast<double>(arms.size());
          return p;
        });

  // Thompson: beliefs from the older half, scored on the newer half.
  const size_t half = rewarded.size() / 2;
  std::vector<learn::LoggedChoice> train(rewarded.begin(),
                                         rewarded.begin() + static_cast<std::ptrdiff_t>(half));
  std::vector<learn::LoggedChoice> test(rewarded.begin() + static_cast<std::ptrdiff_t>(half),
                                        rewarded.end());
  learn::ThompsonPolicy policy(seed, kPropensityDraws);
  for (const auto& l : train) policy.Update(l.context, l.arm, l.reward > 0.5);
  if (!test.empty()) {
    auto e = learn::EvaluateOffline(
        test, [&](const std::string& ctx, const std::vector<std::string>& arms) {
          return policy.Probabilities(ctx, arms);
        });
    if (e.ok()) {
      rep.estimates.push_back(
          {"thompson", "Thompson sampling trained on the older half, scored on the newer", *e});
    }
  }

  const PolicyEstimate* t = nullptr;
  for (const auto& e : rep.estimates) {
    if (e.name == "thompson") t = &e;
  }
  if (rewarded.size() < min_rewarded || t == nullptr) {
    rep.recommendation = "keep_collecting";
    rep.reason = std::to_string(rewarded.size()) + " rated choices; at least " +
                 std::to_string(min_rewarded) + " are needed";
  } else if (t->estimate.ci_low > t->estimate.logged_mean) {
    rep.recommendation = "switch_on_thompson";
    rep.reason = "its 95% interval lies above the logged policy's mean reward";
  } else {
    rep.recommendation = "keep_current";
    rep.reason = "its 95% interval does not lie above the logged policy's mean reward";
  }
  return rep;
}

}  // namespace haven::chat
