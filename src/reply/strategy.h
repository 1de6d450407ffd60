// The reply strategies of ESConv (Liu et al., "Towards Emotional Support Dialog Systems", ACL
// 2021), after Hill's helping skills, plus Haven's two safety paths. Names are the contract's
// `strategy` values (shared/eval/CONTRACT.md).
#pragma once

#include <optional>
#include <string_view>

namespace haven::reply {

enum class Strategy {
  kQuestion,        // an open question that explores feelings or the situation
  kRestatement,     // the person's situation said back in their own words, switched
  kReflection,      // the feelings behind it, named
  kSelfDisclosure,  // only what is honest for an AI (what it has seen help, how it works)
  kAffirmation,     // affirmation and reassurance: their strengths, their effort, hope
  kSuggestion,      // one small, concrete thing to try, offered after asking
  kInformation,     // facts: about Haven itself, about what helps, where help is
  kCrisis,          // the safety path: check in, crisis reply or emergency
  kHandoff,         // a person from the team is brought in
  kOther,           // greetings and goodbyes
};
inline constexpr int kNumStrategies = 10;

constexpr std::string_view StrategyName(Strategy s) {
  switch (s) {
    case Strategy::kQuestion:
      return "question";
    case Strategy::kRestatement:
      return "restatement";
    case Strategy::kReflection:
      return "reflection";
    case Strategy::kSelfDisclosure:
      return "self_disclosure";
    case Strategy::kAffirmation:
      return "affirmation";
    case Strategy::kSuggestion:
      return "suggestion";
    case Strategy::kInformation:
      return "information";
    case Strategy::kCrisis:
      return "crisis";
    case Strategy::kHandoff:
      return "handoff";
    case Strategy::kOther:
      return "other";
  }
  return "other";
}

constexpr std::optional<Strategy> ParseStrategy(std::string_view name) {
  for (int i = 0; i < kNumStrategies; ++i) {
    auto s = static_cast<Strategy>(i);
    if (StrategyName(s) == name) return s;
  }
  return std::nullopt;
}

}  // namespace haven::reply
