#include "learn/private_stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace haven::learn {
namespace {

// Seeded randomness, so the statistical checks below are reproducible (never flaky).
class SeededRandom final : public RandomSource {
 public:
  explicit SeededRandom(uint64_t seed) : gen_(seed) {}
  uint64_t Uniform(uint64_t upper) override {
    return std::uniform_int_distribution<uint64_t>(0, upper - 1)(gen_);
  }

 private:
  std::mt19937_64 gen_;
};

TEST(PrivateStatsTest, EpsilonIsAnExactDecimal) {
  auto half = ParseEpsilon("0.5");
  ASSERT_TRUE(half.ok());
  EXPECT_EQ(half->num * 2, half->den);
  EXPECT_TRUE(ParseEpsilon("1").ok());
  EXPECT_TRUE(ParseEpsilon("0.000001").ok());
  EXPECT_TRUE(ParseEpsilon("100").ok());
  for (const char* bad :
       {"", ".", "0", "0.0", "-1", "abc", "1e-3", "0.1234567", "101", "1.2.3", " 1"}) {
    EXPECT_FALSE(ParseEpsilon(bad).ok()) << bad;
  }
}

TEST(PrivateStatsTest, BernoulliExpHasTheRightMean) {
  SeededRandom rng(1);
  for (auto [num, den] : {std::pair<uint64_t, uint64_t>{3, 10}, {1, 1}, {17, 10}, {5, 2}}) {
    const int n = 200000;
    int ones = 0;
    for (int i = 0; i < n; ++i) ones += SampleBernoulliExp(rng, num, den) ? 1 : 0;
    const double want = std::exp(-static_cast<double>(num) / static_cast<double>(den));
    EXPECT_NEAR(static_cast<double>(ones) / n, want, 0.005) << num << "/" << den;
  }
}

// The discrete Laplace distribution with P(x) proportional to exp(-|x| / b): P(0) =
// (1 - e^(-1/b)) / (1 + e^(-1/b)), variance 2 e^(-1/b) / (1 - e^(-1/b))^2, symmetric.
TEST(PrivateStatsTest, DiscreteLaplaceHasTheRightShape) {
  SeededRandom rng(7);
  for (auto [num, den] : {std::pair<uint64_t, uint64_t>{1, 1}, {1, 2}, {5, 2}, {1, 10}}) {
    const int n = 200000;
    double sum = 0, sq = 0;
    int zeros = 0, positive = 0, negative = 0;
    for (int i = 0; i < n; ++i) {
      const int64_t x = SampleDiscreteLaplace(rng, num, den);
      sum += static_cast<double>(x);
      sq += static_cast<double>(x) * static_cast<double>(x);
      zeros += x == 0;
      positive += x > 0;
      negative += x < 0;
    }
    const double q = std::exp(-static_cast<double>(num) / static_cast<double>(den));
    const double var = 2 * q / ((1 - q) * (1 - q));
    EXPECT_NEAR(static_cast<double>(zeros) / n, (1 - q) / (1 + q), 0.005) << num << "/" << den;
    EXPECT_NEAR(sum / n, 0.0, 4 * std::sqrt(var / n) + 1e-9) << num << "/" << den;
    EXPECT_NEAR(sq / n, var, 0.05 * var) << num << "/" << den;
    EXPECT_NEAR(static_cast<double>(positive) / n, static_cast<double>(negative) / n, 0.01);
  }
}

ReleaseOptions Options(const char* budget, int64_t min_group) {
  ReleaseOptions o;
  o.epsilon_budget = budget;
  o.min_group_size = min_group;
  return o;
}

std::vector<std::string> People(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("p" + std::to_string(i));
  return out;
}

TEST(PrivateReleaseTest, TheBudgetRefusesQueriesPastIt) {
  auto r = PrivateRelease::Create(Options("1", 1), std::make_shared<SeededRandom>(3));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->Count("a", People(50), "0.5").ok());
  EXPECT_TRUE(r->Count("b", People(50), "0.25").ok());
  auto over = r->Count("c", People(50), "0.5");
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().message(), "budget_exhausted");
  EXPECT_EQ(r->spent(), "0.75");
  EXPECT_EQ(r->left(), "0.25");
  EXPECT_TRUE(r->Count("d", People(50), "0.25").ok());
  EXPECT_EQ(r->left(), "0");
}

TEST(PrivateReleaseTest, EachPersonCountsOnceAndSumsAreClamped) {
  // A huge epsilon makes the noise (almost surely, and with this seed certainly) zero, so the
  // clamped answers show.
  auto r = PrivateRelease::Create(Options("100", 1), std::make_shared<SeededRandom>(5));
  ASSERT_TRUE(r.ok());
  std::vector<std::string> people = People(20);
  people.insert(people.end(), {"p1", "p1", "p2"});
  auto count = r->Count("people", people, "40");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->value, 20);
  auto sum = r->Sum("sessions", {{"a", 1000}, {"b", -5}, {"c", 3}}, 0, 10, "40");
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(sum->value, 13);
  EXPECT_EQ(sum->scale_num * 4, sum->scale_den);  // sensitivity 10 / epsilon 40
}

TEST(PrivateReleaseTest, SmallGroupsAreRefusedAndSoIsAnExportWithOne) {
  auto r = PrivateRelease::Create(Options("100", 10), std::make_shared<SeededRandom>(9));
  ASSERT_TRUE(r.ok());
  auto small = r->Count("tiny", People(3), "10");
  ASSERT_FALSE(small.ok());
  EXPECT_EQ(small.status().message(), "group_too_small: tiny");
  std::map<std::string, std::vector<std::string>> groups = {
      {"british", People(40)}, {"indian", People(35)}, {"rare", People(2)}};
  auto exported = r->CountGroups(groups, "10");
  ASSERT_FALSE(exported.ok());
  EXPECT_EQ(exported.status().message(), "group_too_small: rare");
  groups.erase("rare");
  auto fine = r->CountGroups(groups, "10");
  ASSERT_TRUE(fine.ok()) << fine.status().message();
  EXPECT_EQ(fine->size(), 2u);
}

TEST(PrivateReleaseTest, AnExportPastTheBudgetDrawsNothing) {
  auto r = PrivateRelease::Create(Options("1", 1), std::make_shared<SeededRandom>(11));
  ASSERT_TRUE(r.ok());
  std::map<std::string, std::vector<std::string>> groups = {
      {"a", People(20)}, {"b", People(20)}, {"c", People(20)}};
  auto refused = r->CountGroups(groups, "0.5");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(), "budget_exhausted");
  EXPECT_EQ(r->spent(), "0");
}

TEST(PrivateReleaseTest, SystemRandomStaysInRange) {
  SystemRandom rng;
  for (uint64_t upper : {uint64_t{1}, uint64_t{2}, uint64_t{1000}, uint64_t{1} << 40}) {
    for (int i = 0; i < 1000; ++i) EXPECT_LT(rng.Uniform(upper), upper);
  }
  auto r = PrivateRelease::Create(Options("1", 1));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->Count("x", People(100), "1").ok());
  EXPECT_FALSE(PrivateRelease::Create(Options("0", 1)).ok());
  EXPECT_FALSE(PrivateRelease::Create(Options("1", 0)).ok());
}

}  // namespace
}  // namespace haven::learn
