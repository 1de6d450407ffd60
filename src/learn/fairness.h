// Fairness of the risk reading across varieties of English (issue 7): for each variety present
// in an evaluation set, the figures that matter for safety (at-risk recall: gold at least
// moderate, read at least moderate; urgent recall: gold at least high, read at least high; false
// alarms: gold none, read at least moderate), beside the same figures over the whole set, and a
// flag wherever a variety falls behind: recall more than `max_gap` below the overall, or false
// alarms more than `max_gap` above it. A variety with fewer than `min_cases` cases of a kind is
// reported but not judged on that figure ("too few to judge"): a gap on five cases is noise.
//
// The variety of a case is its `variety` field when the set has one, else read from its note
// (VarietyFromNote: "Indian English", "AAVE", "Nigerian Pidgin", ...), else "unmarked". Pure
// functions; `haven audit fairness` (cli/fairness_cmd.h) runs the analyzer over a JSONL set.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/risk_level.h"

namespace haven::learn {

struct FairnessCase {
  std::string variety;
  RiskLevel gold = RiskLevel::kNone;
  RiskLevel read = RiskLevel::kNone;
};

struct FairnessOptions {
  int min_cases = 10;     // of a kind (at risk, urgent, none) before a figure is judged
  double max_gap = 0.05;  // against the overall figure
};

struct VarietyFigures {
  std::string variety;
  int cases = 0, at_risk = 0, urgent = 0, none = 0;
  int at_risk_caught = 0, urgent_caught = 0, false_alarms = 0;
  double recall = 0, urgent_recall = 0, false_alarm_rate = 0;  // 0 when there is nothing to count
  std::vector<std::string> gaps;      // e.g. "at-risk recall 0.81 vs 0.95 overall"
  std::vector<std::string> unjudged;  // figures with too few cases
};

struct FairnessReport {
  VarietyFigures overall;
  std::vector<VarietyFigures> varieties;  // by variety name; "unmarked" too
  bool gaps = false;                      // any variety flagged
};

FairnessReport AuditFairness(const std::vector<FairnessCase>& cases,
                             const FairnessOptions& options = {});

// The variety a note names ("Indian English, study stress" -> "Indian"), or "" when none.
std::string VarietyFromNote(std::string_view note);

}  // namespace haven::learn
