// The five risk levels of Haven, ordered: comparisons mean "at least as severe as".
// Definitions (shared/eval/CONTRACT.md and docs/clinical-safety.md):
//   kNone      no indication (figurative language, denial, talk about the topic)
//   kLow       passive death wish, hopelessness, burdensomeness; past ideation or self-harm
//   kModerate  current active suicidal thoughts or self-harm urges/acts, no plan or intent
//   kHigh      ideation with plan, method, means, preparation, timeframe or stated intent
//   kImminent  an attempt in progress or about to happen now
#pragma once

#include <optional>
#include <string_view>

namespace haven {

enum class RiskLevel { kNone = 0, kLow = 1, kModerate = 2, kHigh = 3, kImminent = 4 };

constexpr std::string_view RiskLevelName(RiskLevel level) {
  switch (level) {
    case RiskLevel::kNone: return "none";
    case RiskLevel::kLow: return "low";
    case RiskLevel::kModerate: return "moderate";
    case RiskLevel::kHigh: return "high";
    case RiskLevel::kImminent: return "imminent";
  }
  return "none";
}

constexpr std::optional<RiskLevel> ParseRiskLevel(std::string_view name) {
  for (int i = 0; i <= 4; ++i) {
    auto level = static_cast<RiskLevel>(i);
    if (RiskLevelName(level) == name) return level;
  }
  return std::nullopt;
}

}  // namespace haven
