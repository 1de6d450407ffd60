// Learning to choose better (issue 7): a contextual bandit over the reply engine's choices (which
// strategy, which variant), rewarded by feedback (a thumbs up or down, a clinician's rating), and
// its offline evaluation from logged choices before an operator switches it on.
//
// ThompsonPolicy keeps a Beta(1 + successes, 1 + failures) belief per (context, arm) and picks
// the arm whose sampled success rate is highest; Choose also reports the probability it had of
// picking that arm (the propensity, estimated by drawing the beliefs `propensity_draws` times),
// which the log must keep for inverse propensity scoring. The caller decides the arms: only
// choices the planner already considers safe are ever offered, and the safety path (crisis,
// handoff, the output guard) never passes through a bandit.
//
// Offline evaluation (EvaluateOffline): from logged (context, arm, propensity, reward) records,
// the value a new policy would have had: inverse propensity scoring (IPS), its self-normalised
// variant (SNIPS, lower variance), a 95% interval from the IPS terms' standard error, and the
// effective sample size. A policy is worth switching on when its interval's lower end is above
// the logged policy's mean reward.
//
// Thread-compatible: one policy per thread, or a lock around it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace haven::learn {

struct Choice {
  std::string arm;
  double propensity = 0;  // P(this arm | context, beliefs) when it was chosen
};

class ThompsonPolicy {
 public:
  explicit ThompsonPolicy(uint64_t seed, int propensity_draws = 1000);

  // One of `arms` (non-empty) for `context`. InvalidArgument for no arms.
  StatusOr<Choice> Choose(const std::string& context, const std::vector<std::string>& arms);
  // Feedback on a choice: reward 1 (helped) or 0 (did not).
  void Update(const std::string& context, const std::string& arm, bool reward);
  // The probability of each arm for `context` (estimated), for evaluating this policy offline.
  std::map<std::string, double> Probabilities(const std::string& context,
                                              const std::vector<std::string>& arms);
  // Successes and failures seen for (context, arm).
  std::pair<int64_t, int64_t> Counts(const std::string& context, const std::string& arm) const;

 private:
  double SampleBelief(const std::string& context, const std::string& arm);

  std::mt19937_64 gen_;
  int propensity_draws_;
  std::map<std::pair<std::string, std::string>, std::pair<int64_t, int64_t>> counts_;
};

// One logged decision with its outcome.
struct LoggedChoice {
  std::string context;
  std::vector<std::string> arms;  // what could have been chosen
  std::string arm;                // what was
  double propensity = 0;          // its probability under the logging policy
  double reward = 0;              // 0..1
};

struct OfflineEstimate {
  size_t n = 0;
  double logged_mean = 0;  // the logging policy's own mean reward
  double ips = 0;
  double snips = 0;
  double ci_low = 0, ci_high = 0;  // 95%, from the IPS terms
  double effective_n = 0;          // (sum w)^2 / sum w^2
};

// `target(context, arms)` gives the new policy's probability of each arm. InvalidArgument for an
// empty log or a propensity outside (0, 1].
StatusOr<OfflineEstimate> EvaluateOffline(
    const std::vector<LoggedChoice>& log,
    const std::function<std::map<std::string, double>(const std::string&,
                                                      const std::vector<std::string>&)>& target);

}  // namespace haven::learn
