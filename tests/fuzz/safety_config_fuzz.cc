// Any bytes through the safety layer's loaders (data/crisis/resources.json and
// data/safety/policy.json are files an operator edits) and through the output guard: never a
// crash, and whatever loads keeps the promises of crisis_resources.h and policy.h.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "nlp/analysis.h"
#include "safety/crisis_resources.h"
#include "safety/output_guard.h"
#include "safety/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const haven::safety::OutputGuard guard;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);

  auto resources = haven::safety::CrisisResources::Parse(bytes, "fuzz");
  if (resources.ok()) {
    for (std::string_view locale : {"en", "en-GB", "en-US", "fr-CA", "zh-Hant-TW", "", "x-y-z"}) {
      const auto& region = resources->ForLocale(locale);
      if (region.lines.empty()) std::abort();
      if (!region.is_fallback() && region.emergency.empty()) std::abort();
      for (const auto& line : region.lines) (void)line.Describe();
      for (int l = 0; l <= 4; ++l) {
        std::string text =
            haven::safety::SafeFallback(*resources, locale, static_cast<haven::RiskLevel>(l));
        (void)guard.Check(text);
      }
    }
  } else if (resources.status().message().rfind("fuzz: ", 0) != 0) {
    std::abort();  // every error names its source
  }

  auto config = haven::safety::ParsePolicyConfig(bytes, "fuzz");
  if (config.ok()) {
    // A loaded config can never be looser than the floor.
    for (int l = 0; l <= 4; ++l) {
      haven::nlp::Analysis a;
      a.risk.level = static_cast<haven::RiskLevel>(l);
      auto d = haven::safety::Decide(a, {}, *config);
      if (l >= 2 && (!d.escalate_to_human || d.action < haven::safety::Action::kCrisisReply)) {
        std::abort();
      }
      if (l >= 3 && !d.urgent) std::abort();
      if (l == 4 && d.action != haven::safety::Action::kEmergency) std::abort();
    }
  } else if (config.status().message().rfind("fuzz: ", 0) != 0) {
    std::abort();
  }

  auto result = guard.Check(bytes);
  for (const auto& v : result.violations) {
    if (v.start > v.end || v.end > size) std::abort();
  }
  return 0;
}
