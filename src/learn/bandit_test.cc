#include "learn/bandit.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

namespace haven::learn {
namespace {

const std::vector<std::string> kArms = {"reflection", "question", "suggestion"};

// A simulated deployment: in "sad" conversations reflection helps most, in "stressed" ones a
// suggestion does (the rates are the simulation's, not a clinical claim).
double HelpRate(const std::string& context, const std::string& arm) {
  static const std::map<std::pair<std::string, std::string>, double> rates = {
      {{"sad", "reflection"}, 0.7},     {{"sad", "question"}, 0.5},
      {{"sad", "suggestion"}, 0.3},     {{"stressed", "reflection"}, 0.4},
      {{"stressed", "question"}, 0.45}, {{"stressed", "suggestion"}, 0.65}};
  return rates.at({context, arm});
}

TEST(ThompsonPolicyTest, LearnsTheBestArmPerContext) {
  ThompsonPolicy policy(42, /*propensity_draws=*/200);
  std::mt19937_64 world(7);
  std::map<std::pair<std::string, std::string>, int> late;
  for (int round = 0; round < 4000; ++round) {
    const std::string context = round % 2 == 0 ? "sad" : "stressed";
    auto c = policy.Choose(context, kArms);
    ASSERT_TRUE(c.ok());
    ASSERT_GT(c->propensity, 0);
    ASSERT_LE(c->propensity, 1);
    const bool helped = std::bernoulli_distribution(HelpRate(context, c->arm))(world);
    policy.Update(context, c->arm, helped);
    if (round >= 3000) late[{context, c->arm}]++;
  }
  EXPECT_GT((late[{"sad", "reflection"}]), 400);       // of 500
  EXPECT_GT((late[{"stressed", "suggestion"}]), 400);  // of 500
  auto p = policy.Probabilities("sad", kArms);
  double total = 0;
  for (const auto& [arm, q] : p) total += q;
  EXPECT_NEAR(total, 1.0, 1e-9);
  EXPECT_GT(p["reflection"], 0.8);
  EXPECT_FALSE(policy.Choose("sad", {}).ok());
}

TEST(OfflineEvaluationTest, IpsRecoversANewPolicysValueFromUniformLogs) {
  // Logged by a uniform policy; evaluated: "always the best arm of the context".
  std::mt19937_64 world(11);
  std::vector<LoggedChoice> log;
  for (int i = 0; i < 30000; ++i) {
    const std::string context = i % 2 == 0 ? "sad" : "stressed";
    const std::string arm = kArms[std::uniform_int_distribution<size_t>(0, 2)(world)];
    log.push_back({context, kArms, arm, 1.0 / 3,
                   std::bernoulli_distribution(HelpRate(context, arm))(world) ? 1.0 : 0.0});
  }
  auto best = [](const std::string& context, const std::vector<std::string>& arms) {
    std::map<std::string, double> p;
    for (const auto& a : arms) p[a] = 0;
    p[context == "sad" ? "reflection" : "suggestion"] = 1;
    return p;
  };
  auto e = EvaluateOffline(log, best);
  ASSERT_TRUE(e.ok());
  const double truth = (0.7 + 0.65) / 2;
  EXPECT_NEAR(e->ips, truth, 0.03);
  EXPECT_NEAR(e->snips, truth, 0.03);
  EXPECT_LT(e->ci_low, truth);
  EXPECT_GT(e->ci_high, truth);
  EXPECT_NEAR(e->logged_mean, (0.7 + 0.5 + 0.3 + 0.4 + 0.45 + 0.65) / 6, 0.02);
  EXPECT_GT(e->ci_low, e->logged_mean);  // worth switching on
  EXPECT_NEAR(e->effective_n, 10000, 500);

  EXPECT_FALSE(EvaluateOffline({}, best).ok());
  EXPECT_FALSE(EvaluateOffline({{"sad", kArms, "question", 0, 1}}, best).ok());
}

}  // namespace
}  // namespace haven::learn
