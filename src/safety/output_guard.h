// The last check before any reply leaves Haven, whoever wrote it (a content pack, a template or
// a language model). Check() reads the reply and says pass, or fail with the rule it breaks:
//
//   method           method information: how to, lethal doses, heights, means ("not even to warn")
//   dosing           medication amounts or changes ("take 50mg", "double your dose")
//   human_claim      a claim to be human or a human professional ("i'm a real person",
//                    "i'm not a bot", "as your therapist", "when i was a kid")
//   confidentiality  a promise Haven cannot keep ("i won't tell anyone", "no one will ever see")
//   diagnosis        naming a disorder ("you have depression", "you are bipolar")
//   blame            "it's your fault", "you brought this on yourself"
//   minimising       "it's not that bad", "just get over it", "others have it worse"
//
// How: the reply is tokenised (lower case, curly quotes straightened, contractions expanded:
// "i'm" -> "i am", "won't" -> "will not", "50mg" -> "50 mg"), and a table of phrase patterns of
// Haven's own (output_guard.cc; nothing is shared with the risk detector) is matched token by
// token within each sentence. Negation is read where it changes the meaning: "it's not your
// fault" and "don't change your dose without your GP" pass; "i'm not a human" passes while "i'm
// not a bot" fails. The guard fails closed: a wrong fail costs a less personal reply
// (SafeFallback), a wrong pass can cost much more. It works on English text.
//
// An OutputGuard is immutable after construction, cheap to copy, and Check is thread-safe.
// Results carry byte offsets into the checked text, never the text itself.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/risk_level.h"
#include "safety/crisis_resources.h"

namespace haven::safety {

enum class GuardRule {
  kMethod,
  kDosing,
  kHumanClaim,
  kConfidentiality,
  kDiagnosis,
  kBlame,
  kMinimising,
};
// "method", "dosing", "human_claim", "confidentiality", "diagnosis", "blame", "minimising".
std::string_view GuardRuleName(GuardRule rule);

struct GuardViolation {
  GuardRule rule;
  int pattern = 0;   // index in the guard's pattern table (for tests and the console)
  size_t start = 0;  // byte range in the checked text
  size_t end = 0;
};

struct GuardResult {
  bool pass = true;
  // On fail: the most severe rule broken (the order of GuardRule), and every match by position.
  GuardRule rule = GuardRule::kMethod;
  std::vector<GuardViolation> violations;
};

class OutputGuard {
 public:
  // Builds the pattern table (built in; never fails).
  OutputGuard();

  GuardResult Check(std::string_view reply) const;

  // The pattern text of a table index, for tests and diagnostics.
  std::string_view PatternText(int pattern) const;

  struct Impl;

 private:
  std::shared_ptr<const Impl> impl_;
};

// A reply that always passes the guard (tested for every locale in the file and every level): the
// text to send when a drafted reply fails, or when nothing else can answer. It says Haven is an
// AI; from low on it asks directly about thoughts of suicide; from moderate on it gives the
// locale's crisis lines and says a person is being brought in; at imminent it gives the emergency
// number first.
std::string SafeFallback(const CrisisResources& resources, std::string_view locale,
                         RiskLevel level);

}  // namespace haven::safety
