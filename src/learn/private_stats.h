// Private statistics (issue 7, the seed paper's §3.4): aggregate figures about the people Haven
// serves released only through differential privacy, with a privacy budget per release and
// minimum group sizes, so that no figure tells anything about one person.
//
// The mechanism is the discrete Laplace (two-sided geometric) distribution, sampled exactly with
// integer arithmetic after Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential
// Privacy" (NeurIPS 2020), Algorithms 1 and 2: no floating point touches the noise, so none of the
// attacks on naive floating-point Laplace noise (Mironov, CCS 2012) applies. For a query whose
// answer changes by at most `sensitivity` when one person's data is added or removed, noise of
// scale sensitivity / epsilon gives epsilon-differential privacy. Randomness comes from
// libsodium's CSPRNG (randombytes_uniform) unless a test supplies its own.
//
// A release (PrivateRelease) holds a budget: every query spends its epsilon, and a query that
// would take the total past the budget is refused before any noise is drawn (sequential
// composition). Each person's contribution is clamped before it counts (one person, one unit in
// a count; a value clamped to [lo, hi] in a sum), which is what makes the sensitivity true. A
// group whose noisy count is below the minimum group size is refused, and so is an export with
// any such group: small groups are where people can be recognised. (Deciding on the noisy count,
// not the true one, keeps the decision itself private.)
//
// Epsilon is a decimal string ("0.5", "1", "0.125"; at most six decimals) so that it stays an
// exact rational. Thread-compatible: one release per thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace haven::learn {

// Uniform integers, the only randomness the samplers use.
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // Uniform in [0, upper), upper >= 1.
  virtual uint64_t Uniform(uint64_t upper) = 0;
};

// libsodium's CSPRNG.
class SystemRandom final : public RandomSource {
 public:
  uint64_t Uniform(uint64_t upper) override;
};

// A positive rational num / den.
struct Rational {
  uint64_t num = 0;
  uint64_t den = 1;
};

// "0.5" -> 1/2 ... (digits, at most one point, at most six decimals, > 0 and <= 100).
StatusOr<Rational> ParseEpsilon(std::string_view text);

// Exact samplers (CKS 2020). Bernoulli(num/den); Bernoulli(exp(-num/den)); the discrete Laplace
// distribution P(x) proportional to exp(-|x| * num / den), x an integer (scale den / num).
bool SampleBernoulli(RandomSource& rng, uint64_t num, uint64_t den);
bool SampleBernoulliExp(RandomSource& rng, uint64_t num, uint64_t den);
int64_t SampleDiscreteLaplace(RandomSource& rng, uint64_t num, uint64_t den);

struct ReleaseOptions {
  std::string epsilon_budget = "1";  // total epsilon a release may spend
  int64_t min_group_size = 10;       // noisy counts below this are refused
};

// One released figure.
struct NoisyFigure {
  std::string name;
  int64_t value = 0;  // the noisy answer
  std::string epsilon;
  int64_t scale_num = 0, scale_den = 1;  // the noise scale (sensitivity / epsilon), exact
};

class PrivateRelease {
 public:
  static StatusOr<PrivateRelease> Create(const ReleaseOptions& options,
                                         std::shared_ptr<RandomSource> rng = nullptr);

  // How many people are in a group: `people` is one entry per person (each counted once,
  // duplicates removed: the clamp). FailedPrecondition "budget_exhausted" when `epsilon` does not
  // fit the budget left; "group_too_small" when the noisy count is below the minimum (the
  // epsilon is spent either way).
  StatusOr<NoisyFigure> Count(std::string_view name, const std::vector<std::string>& people,
                              std::string_view epsilon);
  // A sum of per-person values, each person's total clamped to [lo, hi] (integers) first; the
  // sensitivity is max(|lo|, |hi|). Errors as Count's, without the group-size rule (pair it with
  // a Count of the same group).
  StatusOr<NoisyFigure> Sum(std::string_view name, const std::map<std::string, int64_t>& values,
                            int64_t lo, int64_t hi, std::string_view epsilon);

  // Counts per group in one go, as an export would: refused whole ("group_too_small", naming the
  // group) when any noisy count is below the minimum, and ("budget_exhausted") before drawing
  // anything when epsilon times the number of groups does not fit.
  StatusOr<std::vector<NoisyFigure>> CountGroups(
      const std::map<std::string, std::vector<std::string>>& groups, std::string_view epsilon);

  // The budget spent and left, as decimal strings.
  std::string spent() const;
  std::string left() const;

 private:
  PrivateRelease() = default;
  Status Spend(const Rational& epsilon);
  StatusOr<int64_t> Noise(uint64_t sensitivity, const Rational& epsilon);

  Rational budget_;
  Rational spent_{0, 1};
  int64_t min_group_size_ = 10;
  std::shared_ptr<RandomSource> rng_;
};

}  // namespace haven::learn
