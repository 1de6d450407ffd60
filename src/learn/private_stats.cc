#include "learn/private_stats.h"

#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <set>
#include <utility>

namespace haven::learn {
namespace {

constexpr uint64_t kMicro = 1'000'000;  // epsilons are kept in millionths

std::string Decimal(uint64_t micro) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%llu.%06llu", static_cast<unsigned long long>(micro / kMicro),
                static_cast<unsigned long long>(micro % kMicro));
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

uint64_t SystemRandom::Uniform(uint64_t upper) {
  if (upper <= 1) return 0;
  if (upper <= UINT32_MAX) return randombytes_uniform(static_cast<uint32_t>(upper));
  // Rejection below the largest multiple of `upper`, as randombytes_uniform does for 32 bits.
  const uint64_t min = (0 - upper) % upper;
  uint64_t r = 0;
  do {
    randombytes_buf(&r, sizeof r);
  } while (r < min);
  return r % upper;
}

StatusOr<Rational> ParseEpsilon(std::string_view text) {
  uint64_t whole = 0, frac = 0;
  int decimals = 0;
  bool point = false, digits = false;
  for (char c : text) {
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    if (c < '0' || c > '9')
      return InvalidArgument("epsilon must be a decimal number: " + std::string(text));
    digits = true;
    if (point) {
      if (++decimals > 6) return InvalidArgument("epsilon has more than six decimals");
      frac = frac * 10 + static_cast<uint64_t>(c - '0');
    } else {
      whole = whole * 10 + static_cast<uint64_t>(c - '0');
      if (whole > 100) return InvalidArgument("epsilon above 100");
    }
  }
  if (!digits) return InvalidArgument("epsilon must be a decimal number");
  for (int i = decimals; i < 6; ++i) frac *= 10;
  const uint64_t micro = whole * kMicro + frac;
  if (micro == 0) return InvalidArgument("epsilon must be above 0");
  if (micro > 100 * kMicro) return InvalidArgument("epsilon above 100");
  return Rational{micro, kMicro};
}

bool SampleBernoulli(RandomSource& rng, uint64_t num, uint64_t den) {
  return rng.Uniform(den) < num;
}

// CKS Algorithm 1: Bernoulli(exp(-gamma)), gamma = num / den >= 0.
bool SampleBernoulliExp(RandomSource& rng, uint64_t num, uint64_t den) {
  while (num > den) {  // exp(-gamma) = exp(-1)^floor(gamma) * exp(-(gamma - floor(gamma)))
    if (!SampleBernoulliExp(rng, 1, 1)) return false;
    num -= den;
  }
  uint64_t k = 1;
  while (SampleBernoulli(rng, num, den * k)) ++k;
  return k % 2 == 1;
}

// CKS Algorithm 2: P(x) proportional to exp(-|x| * s / t), here s = num, t = den.
int64_t SampleDiscreteLaplace(RandomSource& rng, uint64_t num, uint64_t den) {
  const uint64_t g = std::gcd(num, den);
  const uint64_t s = num / g, t = den / g;
  while (true) {
    const uint64_t u = rng.Uniform(t);
    if (!SampleBernoulliExp(rng, u, t)) continue;
    uint64_t v = 0;
    while (SampleBernoulliExp(rng, 1, 1)) ++v;
    const uint64_t x = u + t * v;
    const auto y = static_cast<int64_t>(x / s);
    const bool negative = SampleBernoulli(rng, 1, 2);
    if (negative && y == 0) continue;
    return negative ? -y : y;
  }
}

StatusOr<PrivateRelease> PrivateRelease::Create(const ReleaseOptions& options,
                                                std::shared_ptr<RandomSource> rng) {
  auto budget = ParseEpsilon(options.epsilon_budget);
  if (!budget.ok()) return budget.status();
  if (options.min_group_size < 1) return InvalidArgument("min_group_size must be at least 1");
  PrivateRelease r;
  r.budget_ = *budget;
  r.min_group_size_ = options.min_group_size;
  r.rng_ = rng ? std::move(rng) : std::make_shared<SystemRandom>();
  return r;
}

Status PrivateRelease::Spend(const Rational& epsilon) {
  if (spent_.num + epsilon.num > budget_.num) {
    return FailedPrecondition("budget_exhausted");
  }
  spent_.num += epsilon.num;
  return Status::Ok();
}

StatusOr<int64_t> PrivateRelease::Noise(uint64_t sensitivity, const Rational& epsilon) {
  // Scale sensitivity / epsilon: exp(-|x| * epsilon / sensitivity) = exp(-|x| * num / (den * s)).
  return SampleDiscreteLaplace(*rng_, epsilon.num,
                               epsilon.den * std::max<uint64_t>(1, sensitivity));
}

StatusOr<NoisyFigure> PrivateRelease::Count(std::string_view name,
                                            const std::vector<std::string>& people,
                                            std::string_view epsilon) {
  auto eps = ParseEpsilon(epsilon);
  if (!eps.ok()) return eps.status();
  if (Status s = Spend(*eps); !s.ok()) return s;
  const std::set<std::string> once(people.begin(), people.end());  // one person counts once
  auto noise = Noise(1, *eps);
  if (!noise.ok()) return noise.status();
  NoisyFigure f;
  f.name = std::string(name);
  f.value = static_cast<int64_t>(once.size()) + *noise;
  f.epsilon = Decimal(eps->num);
  f.scale_num = static_cast<int64_t>(eps->den);
  f.scale_den = static_cast<int64_t>(eps->num);
  if (f.value < min_group_size_) return FailedPrecondition("group_too_small: " + f.name);
  return f;
}

StatusOr<NoisyFigure> PrivateRelease::Sum(std::string_view name,
                                          const std::map<std::string, int64_t>& values, int64_t lo,
                                          int64_t hi, std::string_view epsilon) {
  if (lo > hi) return InvalidArgument("lo above hi");
  auto eps = ParseEpsilon(epsilon);
  if (!eps.ok()) return eps.status();
  if (Status s = Spend(*eps); !s.ok()) return s;
  int64_t total = 0;
  for (const auto& [person, v] : values) total += std::clamp(v, lo, hi);
  const auto sensitivity = static_cast<uint64_t>(std::max(lo < 0 ? -lo : lo, hi < 0 ? -hi : hi));
  auto noise = Noise(sensitivity, *eps);
  if (!noise.ok()) return noise.status();
  NoisyFigure f;
  f.name = std::string(name);
  f.value = total + *noise;
  f.epsilon = Decimal(eps->num);
  f.scale_num = static_cast<int64_t>(eps->den * std::max<uint64_t>(1, sensitivity));
  f.scale_den = static_cast<int64_t>(eps->num);
  return f;
}

StatusOr<std::vector<NoisyFigure>> PrivateRelease::CountGroups(
    const std::map<std::string, std::vector<std::string>>& groups, std::string_view epsilon) {
  auto eps = ParseEpsilon(epsilon);
  if (!eps.ok()) return eps.status();
  if (spent_.num + eps->num * groups.size() > budget_.num) {
    return FailedPrecondition("budget_exhausted");
  }
  std::vector<NoisyFigure> out;
  std::string too_small;
  for (const auto& [name, people] : groups) {
    auto f = Count(name, people, epsilon);
    if (!f.ok()) {
      if (f.status().message().starts_with("group_too_small") && too_small.empty()) {
        too_small = name;
        continue;
      }
      if (!f.status().message().starts_with("group_too_small")) return f.status();
      continue;
    }
    out.push_back(std::move(f).value());
  }
  if (!too_small.empty()) return FailedPrecondition("group_too_small: " + too_small);
  return out;
}

std::string PrivateRelease::spent() const { return Decimal(spent_.num); }
std::string PrivateRelease::left() const { return Decimal(budget_.num - spent_.num); }

}  // namespace haven::learn
