// Letting a learner choose among the reply engine's best candidates (issue 7).
//
// Without a chooser the engine says its best-ranked candidate. With one (Engine::set_chooser),
// on an ordinary turn (never crisis, handoff, a guided flow, screening, the disclosure or a
// fallback), the best `kMaxArms` candidates of the planned pool become the arms and the chooser
// picks one, reporting the probability it had of picking it (the propensity). The engine records
// the choice in the reply's `why` as one reason (FormatChoiceReason), so the stored rationale is
// the decision log: which context, which arms, which arm, with what probability. Feedback on the
// reply later rewards that arm (chat/learning.h), and `haven learn report` evaluates a policy
// offline from those records (learn/bandit.h).
//
// The context of a choice is "<strategy>/<tag>/<feeling family>" ("-" for an empty part): only
// what the planner already decided, never the person's words.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace haven::reply {

inline constexpr size_t kMaxArms = 3;

struct VariantChoice {
  size_t index = 0;       // into the arms
  double propensity = 1;  // P(this arm | context) under the chooser's policy, in (0, 1]
  std::string policy;     // e.g. "explore", "thompson": [a-z_]{1,16}
};

// Must be thread-safe: the engine is shared by many threads.
class VariantChooser {
 public:
  virtual ~VariantChooser() = default;
  // `arms` (2..kMaxArms variant ids) are best-ranked first. Returns an index below arms.size().
  virtual VariantChoice Choose(const std::string& context,
                               const std::vector<std::string>& arms) const = 0;
};

// One logged choice, as kept in a reply's reasons.
struct ChoiceRecord {
  std::string policy;
  std::string context;
  std::vector<std::string> arms;
  std::string arm;
  double propensity = 1;
};

// "choice:<policy>:<context>:<arm>:<propensity>:<arm1>|<arm2>|..." (no commas: a stored
// rationale is comma-separated).
std::string FormatChoiceReason(const ChoiceRecord& record);
// The record of a reason made by FormatChoiceReason; nullopt for any other reason or one that is
// malformed (a propensity outside (0, 1], the arm not among the arms, a comma).
std::optional<ChoiceRecord> ParseChoiceReason(std::string_view reason);

// The context string of a choice.
std::string ChoiceContext(std::string_view strategy, std::string_view tag,
                          std::string_view feeling_family);

}  // namespace haven::reply
