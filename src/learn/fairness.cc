#include "learn/fairness.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>

namespace haven::learn {
namespace {

void Tally(VarietyFigures& f, const FairnessCase& c) {
  ++f.cases;
  if (c.gold >= RiskLevel::kModerate) {
    ++f.at_risk;
    if (c.read >= RiskLevel::kModerate) ++f.at_risk_caught;
  }
  if (c.gold >= RiskLevel::kHigh) {
    ++f.urgent;
    if (c.read >= RiskLevel::kHigh) ++f.urgent_caught;
  }
  if (c.gold == RiskLevel::kNone) {
    ++f.none;
    if (c.read >= RiskLevel::kModerate) ++f.false_alarms;
  }
}

void Rates(VarietyFigures& f) {
  f.recall = f.at_risk ? static_cast<double>(f.at_risk_caught) / f.at_risk : 0;
  f.urgent_recall = f.urgent ? static_cast<double>(f.urgent_caught) / f.urgent : 0;
  f.false_alarm_rate = f.none ? static_cast<double>(f.false_alarms) / f.none : 0;
}

std::string Gap(const char* what, double mine, double overall) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%s %.2f vs %.2f overall", what, mine, overall);
  return buf;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string VarietyFromNote(std::string_view note) {
  // Checked in order: the more specific names first.
  static const std::pair<const char*, const char*> kNames[] = {
      {"african-american", "African-American"},
      {"african american", "African-American"},
      {"aave", "African-American"},
      {"nigerian", "Nigerian"},
      {"pidgin", "Nigerian"},
      {"indian", "Indian"},
      {"hinglish", "Indian"},
      {"singapor", "Singaporean"},
      {"singlish", "Singaporean"},
      {"filipino", "Filipino"},
      {"jamaican", "Jamaican"},
      {"south african", "South African"},
      {"scottish", "Scottish"},
      {"irish", "Irish"},
      {"welsh", "Welsh"},
      {"australian", "Australian"},
      {"new zealand", "New Zealand"},
      {"kiwi", "New Zealand"},
      {"canadian", "Canadian"},
      {"british", "British"},
      {"uk slang", "British"},
      {"american", "American"},
  };
  const std::string low = Lower(note);
  for (const auto& [key, name] : kNames) {
    if (low.find(key) != std::string::npos) return name;
  }
  return "";
}

FairnessReport AuditFairness(const std::vector<FairnessCase>& cases,
                             const FairnessOptions& options) {
  FairnessReport r;
  r.overall.variety = "all";
  std::map<std::string, VarietyFigures> by;
  for (const auto& c : cases) {
    Tally(r.overall, c);
    VarietyFigures& f = by[c.variety.empty() ? "unmarked" : c.variety];
    Tally(f, c);
  }
  Rates(r.overall);
  for (auto& [name, f] : by) {
    f.variety = name;
    Rates(f);
    const VarietyFigures& o = r.overall;
    if (f.at_risk < options.min_cases) {
      f.unjudged.push_back("at-risk recall");
    } else if (f.recall < o.recall - options.max_gap) {
      f.gaps.push_back(Gap("at-risk recall", f.recall, o.recall));
    }
    if (f.urgent < options.min_cases) {
      f.unjudged.push_back("urgent recall");
    } else if (f.urgent_recall < o.urgent_recall - options.max_gap) {
      f.gaps.push_back(Gap("urgent recall", f.urgent_recall, o.urgent_recall));
    }
    if (f.none < options.min_cases) {
      f.unjudged.push_back("false alarms");
    } else if (f.false_alarm_rate > o.false_alarm_rate + options.max_gap) {
      f.gaps.push_back(Gap("false alarms", f.false_alarm_rate, o.false_alarm_rate));
    }
    r.gaps = r.gaps || !f.gaps.empty();
    r.varieties.push_back(std::move(f));
  }
  return r;
}

}  // namespace haven::learn
