#include "learn/bandit.h"

#include <algorithm>
#include <cmath>

namespace haven::learn {

ThompsonPolicy::ThompsonPolicy(uint64_t seed, int propensity_draws)
    : gen_(seed), propensity_draws_(std::max(1, propensity_draws)) {}

// Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b).
double ThompsonPolicy::SampleBelief(const std::string& context, const std::string& arm) {
  auto it = counts_.find({context, arm});
  const double a = 1.0 + (it == counts_.end() ? 0 : static_cast<double>(it->second.first));
  const double b = 1.0 + (it == counts_.end() ? 0 : static_cast<double>(it->second.second));
  const double x = std::gamma_distribution<double>(a, 1.0)(gen_);
  const double y = std::gamma_distribution<double>(b, 1.0)(gen_);
  return x + y > 0 ? x / (x + y) : 0.5;
}

std::map<std::string, double> ThompsonPolicy::Probabilities(const std::string& context,
                                                            const std::vector<std::string>& arms) {
  std::map<std::string, double> p;
  if (arms.empty()) return p;
  for (const auto& a : arms) p[a] = 0;
  for (int d = 0; d < propensity_draws_; ++d) {
    size_t best = 0;
    double best_v = -1;
    for (size_t i = 0; i < arms.size(); ++i) {
      const double v = SampleBelief(context, arms[i]);
      if (v > best_v) {
        best_v = v;
        best = i;
      }
    }
    p[arms[best]] += 1.0;
  }
  // Never exactly 0: every arm keeps a chance (and a finite importance weight).
  const double floor = 0.5;
  double total = 0;
  for (auto& [arm, n] : p) total += (n = std::max(n, floor));
  for (auto& [arm, n] : p) n /= total;
  return p;
}

StatusOr<Choice> ThompsonPolicy::Choose(const std::string& context,
                                        const std::vector<std::string>& arms) {
  if (arms.empty()) return InvalidArgument("no arms to choose from");
  size_t best = 0;
  double best_v = -1;
  for (size_t i = 0; i < arms.size(); ++i) {
    const double v = SampleBelief(context, arms[i]);
    if (v > best_v) {
      best_v = v;
      best = i;
    }
  }
  Choice c;
  c.arm = arms[best];
  c.propensity = Probabilities(context, arms)[c.arm];
  return c;
}

void ThompsonPolicy::Update(const std::string& context, const std::string& arm, bool reward) {
  auto& [wins, losses] = counts_[{context, arm}];
  (reward ? wins : losses) += 1;
}

std::pair<int64_t, int64_t> ThompsonPolicy::Counts(const std::string& context,
                                                   const std::string& arm) const {
  auto it = counts_.find({context, arm});
  return it == counts_.end() ? std::pair<int64_t, int64_t>{0, 0} : it->second;
}

StatusOr<OfflineEstimate> EvaluateOffline(
    const std::vector<LoggedChoice>& log,
    const std::function<std::map<std::string, double>(const std::string&,
                                                      const std::vector<std::string>&)>& target) {
  if (log.empty()) return InvalidArgument("empty log");
  OfflineEstimate e;
  e.n = log.size();
  std::vector<double> terms;
  terms.reserve(log.size());
  double sum_w = 0, sum_w2 = 0, sum_wr = 0, sum_r = 0;
  for (const auto& l : log) {
    if (!(l.propensity > 0 && l.propensity <= 1)) {
      return InvalidArgument("a logged propensity outside (0, 1]");
    }
    const auto probs = target(l.context, l.arms);
    auto it = probs.find(l.arm);
    const double w = (it == probs.end() ? 0.0 : it->second) / l.propensity;
    sum_w += w;
    sum_w2 += w * w;
    sum_wr += w * l.reward;
    sum_r += l.reward;
    terms.push_back(w * l.reward);
  }
  const auto n = static_cast<double>(log.size());
  e.logged_mean = sum_r / n;
  e.ips = sum_wr / n;
  e.snips = sum_w > 0 ? sum_wr / sum_w : 0;
  double var = 0;
  for (double t : terms) var += (t - e.ips) * (t - e.ips);
  var = log.size() > 1 ? var / (n - 1) : 0;
  const double se = std::sqrt(var / n);
  e.ci_low = e.ips - 1.96 * se;
  e.ci_high = e.ips + 1.96 * se;
  e.effective_n = sum_w2 > 0 ? sum_w * sum_w / sum_w2 : 0;
  return e;
}

}  // namespace haven::learn
