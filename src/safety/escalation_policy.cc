#include "safety/escalation_policy.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <utility>

namespace haven::safety {
namespace {

constexpr nlp::RiskCategory kAllCategories[] = {
    nlp::RiskCategory::kSuicide,  nlp::RiskCategory::kSelfHarm,   nlp::RiskCategory::kHarmToOthers,
    nlp::RiskCategory::kAbuse,    nlp::RiskCategory::kThirdParty, nlp::RiskCategory::kMedical,
    nlp::RiskCategory::kSubstance};

constexpr std::string_view kTopKeys[] = {"version",  "name",     "description",
                                         "defaults", "webhooks", "rules"};
constexpr std::string_view kDefaultsKeys[] = {"human_response_limit_seconds"};
constexpr std::string_view kRuleKeys[] = {"name", "description", "when", "then"};
constexpr std::string_view kWhenKeys[] = {
    "risk_at_least",       "categories_any",         "accumulated_risk_at_least",
    "phq9_item9_at_least", "asks_for_human",         "turn_action_at_least",
    "turn_urgent",         "queue_priority_at_most", "unanswered_for_seconds"};
constexpr std::string_view kFlagActions[] = {"show_crisis_resources", "pause_bot", "safest_mode"};
constexpr std::string_view kValueActions[] = {"queue", "notify", "handoff_message"};

constexpr std::int64_t kMinLimitSeconds = 10;
constexpr std::int64_t kMaxLimitSeconds = 3600;
constexpr std::int64_t kMaxUnansweredSeconds = 86400;
constexpr int kMinPriority = 1;
constexpr int kMaxPriority = 5;

template <size_t N>
bool InList(const std::string_view (&list)[N], std::string_view s) {
  return std::find(std::begin(list), std::end(list), s) != std::end(list);
}

template <size_t N>
std::string Join(const std::string_view (&list)[N]) {
  std::string out;
  for (auto s : list) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

std::string CategoryNames() {
  std::string out;
  for (auto c : kAllCategories) {
    if (!out.empty()) out += ", ";
    out += nlp::RiskCategoryName(c);
  }
  return out;
}

std::optional<nlp::RiskCategory> ParseCategory(std::string_view name) {
  for (auto c : kAllCategories) {
    if (nlp::RiskCategoryName(c) == name) return c;
  }
  return std::nullopt;
}

std::optional<Action> ParseAction(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(Action::kEmergency); ++i) {
    auto a = static_cast<Action>(i);
    if (ActionName(a) == name) return a;
  }
  return std::nullopt;
}

// Names of rules, webhooks, policies and content tags.
bool IsName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
  });
}

int LineOf(const YAML::Node& node, int fallback) {
  if (node.IsDefined() && node.Mark().line >= 0) return node.Mark().line + 1;
  return fallback;
}

// Builds the errors of one document.
class Parser {
 public:
  explicit Parser(std::string_view source) : source_(source) {}

  Status Error(int line, std::string_view where, std::string_view problem) const {
    std::string m(source_);
    if (line > 0) m += ":" + std::to_string(line);
    m += ": ";
    if (!where.empty()) {
      m += where;
      m += ": ";
    }
    m += problem;
    return InvalidArgument(std::move(m));
  }
  Status Error(const YAML::Node& node, int fallback_line, std::string_view where,
               std::string_view problem) const {
    return Error(LineOf(node, fallback_line), where, problem);
  }

  // Every key of `map` is in `known` and appears once; errors name `prefix` + the key.
  template <size_t N>
  Status CheckKeys(const YAML::Node& map, std::string_view prefix,
                   const std::string_view (&known)[N]) const {
    std::set<std::string, std::less<>> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const YAML::Node key = it->first;  // a copy: the iterator's pair is a temporary
      std::string name = key.IsScalar() ? key.Scalar() : "?";
      std::string at = std::string(prefix) + name;
      if (!key.IsScalar() || !InList(known, name)) {
        return Error(key, 0, at, "unknown key (known: " + Join(known) + ")");
      }
      if (!seen.insert(name).second) return Error(key, 0, at, "duplicate key");
    }
    return Status::Ok();
  }

  Status ReadString(const YAML::Node& node, std::string_view where, std::string* out) const {
    if (!node.IsScalar()) return Error(node, 0, where, "must be text");
    *out = node.Scalar();
    return Status::Ok();
  }

  Status ReadName(const YAML::Node& node, std::string_view where, std::string* out) const {
    if (!node.IsScalar() || !IsName(node.Scalar())) {
      return Error(node, 0, where,
                   "must be a name of 1-64 characters from a-z, 0-9, '_', '-', '.'");
    }
    *out = node.Scalar();
    return Status::Ok();
  }

  Status ReadInt(const YAML::Node& node, std::string_view where, std::int64_t lo, std::int64_t hi,
                 std::int64_t* out) const {
    std::string range =
        "must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
    if (!node.IsScalar()) return Error(node, 0, where, range);
    std::int64_t v = 0;
    try {
      v = node.as<std::int64_t>();
    } catch (const YAML::Exception&) {
      return Error(node, 0, where, range + ", not \"" + node.Scalar() + "\"");
    }
    if (v < lo || v > hi) return Error(node, 0, where, range + ", not " + std::to_string(v));
    *out = v;
    return Status::Ok();
  }

  Status ReadTrue(const YAML::Node& node, std::string_view where) const {
    bool v = false;
    bool is_bool = false;
    if (node.IsScalar()) {
      try {
        v = node.as<bool>();
        is_bool = true;
      } catch (const YAML::Exception&) {
      }
    }
    if (!is_bool) return Error(node, 0, where, "must be true");
    if (!v) {
      return Error(node, 0, where,
                   "must be true (a condition on its absence is not supported; leave it out)");
    }
    return Status::Ok();
  }

  Status ReadLevel(const YAML::Node& node, std::string_view where, RiskLevel* out) const {
    const std::string hint = "(one of low, moderate, high, imminent)";
    if (!node.IsScalar()) return Error(node, 0, where, "must be a risk level " + hint);
    auto level = ParseRiskLevel(node.Scalar());
    if (!level) {
      return Error(node, 0, where, "unknown risk level \"" + node.Scalar() + "\" " + hint);
    }
    if (*level == RiskLevel::kNone) {
      return Error(node, 0, where, "none would match every turn; use a higher level " + hint);
    }
    *out = *level;
    return Status::Ok();
  }

  Status ParseDocument(std::string_view yaml, int* version, std::string* name,
                       std::string* description, std::int64_t* limit,
                       std::vector<std::string>* webhooks,
                       std::vector<EscalationRule>* rules) const;

 private:
  Status ParseRule(const YAML::Node& node, int index, std::int64_t limit,
                   const std::vector<std::string>& webhooks, EscalationRule* rule) const;
  Status ParseWhen(const YAML::Node& node, const std::string& where, std::int64_t limit,
                   EscalationCondition* when) const;
  Status ParseThen(const YAML::Node& node, const std::string& where,
                   const std::vector<std::string>& webhooks, EscalationActions* then) const;

  std::string_view source_;
};

Status Parser::ParseWhen(const YAML::Node& node, const std::string& where, std::int64_t limit,
                         EscalationCondition* when) const {
  if (!node.IsMap() || node.size() == 0) {
    return Error(node, 0, where,
                 "must be a map with at least one condition (" + Join(kWhenKeys) + ")");
  }
  if (Status s = CheckKeys(node, where + ".", kWhenKeys); !s.ok()) return s;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key_node = it->first;  // copies: the iterator's pair is a temporary
    const YAML::Node v = it->second;
    const std::string key = key_node.Scalar();
    const std::string at = where + "." + key;
    if (key == "risk_at_least") {
      RiskLevel level{};
      if (Status s = ReadLevel(v, at, &level); !s.ok()) return s;
      when->risk_at_least = level;
    } else if (key == "categories_any") {
      if (!v.IsSequence() || v.size() == 0) {
        return Error(v, LineOf(key_node, 0), at,
                     "must be a non-empty list of categories (" + CategoryNames() + ")");
      }
      for (size_t i = 0; i < v.size(); ++i) {
        const YAML::Node& c = v[i];
        auto cat = c.IsScalar() ? ParseCategory(c.Scalar()) : std::nullopt;
        if (!cat) {
          return Error(c, LineOf(v, 0), at,
                       "unknown category \"" + (c.IsScalar() ? c.Scalar() : std::string("?")) +
                           "\" (one of " + CategoryNames() + ")");
        }
        if (std::find(when->categories_any.begin(), when->categories_any.end(), *cat) !=
            when->categories_any.end()) {
          return Error(c, LineOf(v, 0), at, "category \"" + c.Scalar() + "\" listed twice");
        }
        when->categories_any.push_back(*cat);
      }
    } else if (key == "accumulated_risk_at_least") {
      std::string range = "must be a number above 0 and at most 20 (see AccumulatedRisk)";
      double d = 0;
      bool ok = v.IsScalar();
      if (ok) {
        try {
          d = v.as<double>();
        } catch (const YAML::Exception&) {
          ok = false;
        }
      }
      if (!ok || !std::isfinite(d)) return Error(v, 0, at, range);
      if (d <= 0 || d > kMaxAccumulatedRisk) {
        return Error(v, 0, at, range + ", not " + v.Scalar());
      }
      when->accumulated_risk_at_least = d;
    } else if (key == "phq9_item9_at_least") {
      std::int64_t n = 0;
      if (Status s = ReadInt(v, at, 1, 3, &n); !s.ok()) return s;
      when->phq9_item9_at_least = static_cast<int>(n);
    } else if (key == "asks_for_human") {
      if (Status s = ReadTrue(v, at); !s.ok()) return s;
      when->asks_for_human = true;
    } else if (key == "turn_action_at_least") {
      constexpr std::string_view kHint = "(one of check_in, handoff, crisis_reply, emergency)";
      auto action = v.IsScalar() ? ParseAction(v.Scalar()) : std::nullopt;
      if (!action) {
        return Error(v, 0, at,
                     "unknown action \"" + (v.IsScalar() ? v.Scalar() : std::string("?")) + "\" " +
                         std::string(kHint));
      }
      if (*action == Action::kContinue) {
        return Error(v, 0, at, "continue would match every turn " + std::string(kHint));
      }
      when->turn_action_at_least = action;
    } else if (key == "turn_urgent") {
      if (Status s = ReadTrue(v, at); !s.ok()) return s;
      when->turn_urgent = true;
    } else if (key == "queue_priority_at_most") {
      std::int64_t n = 0;
      if (Status s = ReadInt(v, at, kMinPriority, kMaxPriority, &n); !s.ok()) return s;
      when->queue_priority_at_most = static_cast<int>(n);
    } else if (key == "unanswered_for_seconds") {
      if (v.IsScalar() && v.Scalar() == "limit") {
        when->unanswered_for_seconds = limit;
      } else {
        std::int64_t n = 0;
        if (Status s = ReadInt(v, at, kMinLimitSeconds, kMaxUnansweredSeconds, &n); !s.ok()) {
          return Error(v, 0, at,
                       "must be `limit` (defaults.human_response_limit_seconds) or an integer "
                       "from 10 to 86400" +
                           (v.IsScalar() ? ", not \"" + v.Scalar() + "\"" : std::string()));
        }
        when->unanswered_for_seconds = n;
      }
    }
  }
  return Status::Ok();
}

Status Parser::ParseThen(const YAML::Node& node, const std::string& where,
                         const std::vector<std::string>& webhooks, EscalationActions* then) const {
  const std::string known = Join(kFlagActions) + ", " + Join(kValueActions);
  if (!node.IsSequence() || node.size() == 0) {
    return Error(node, 0, where, "must be a non-empty list of actions (" + known + ")");
  }
  std::set<std::string, std::less<>> seen;
  for (size_t i = 0; i < node.size(); ++i) {
    const YAML::Node& item = node[i];
    const std::string at = where + "[" + std::to_string(i + 1) + "]";
    std::string action;
    YAML::Node value;
    if (item.IsScalar()) {
      action = item.Scalar();
      if (InList(kValueActions, action)) {
        return Error(item, 0, at,
                     action + " needs a value (" +
                         (action == "queue"    ? "queue: {priority: 1..5}"
                          : action == "notify" ? "notify: {webhook: NAME}"
                                               : "handoff_message: TAG") +
                         ")");
      }
      if (!InList(kFlagActions, action)) {
        return Error(item, 0, at, "unknown action \"" + action + "\" (one of " + known + ")");
      }
    } else if (item.IsMap() && item.size() == 1) {
      const YAML::Node key = item.begin()->first;
      action = key.IsScalar() ? key.Scalar() : "?";
      value = item.begin()->second;
      if (InList(kFlagActions, action)) {
        return Error(item, 0, at, action + " takes no value: write it as a plain item");
      }
      if (!InList(kValueActions, action)) {
        return Error(item, 0, at, "unknown action \"" + action + "\" (one of " + known + ")");
      }
    } else {
      return Error(item, 0, at, "must be an action name or one `action: value` (" + known + ")");
    }
    const std::string key_where = at + "." + action;
    if (action == "notify") {
      // Several notify actions are allowed, one per webhook.
    } else if (!seen.insert(action).second) {
      return Error(item, 0, at, action + " appears twice in this rule");
    }
    if (action == "show_crisis_resources") {
      then->show_crisis_resources = true;
    } else if (action == "pause_bot") {
      then->pause_bot = true;
    } else if (action == "safest_mode") {
      then->safest_mode = true;
    } else if (action == "queue") {
      if (!value.IsMap())
        return Error(value, LineOf(item, 0), key_where, "must be {priority: 1..5}");
      constexpr std::string_view kQueueKeys[] = {"priority"};
      if (Status s = CheckKeys(value, key_where + ".", kQueueKeys); !s.ok()) return s;
      const YAML::Node p = value["priority"];
      if (!p) return Error(value, LineOf(item, 0), key_where + ".priority", "is missing");
      std::int64_t n = 0;
      if (Status s = ReadInt(p, key_where + ".priority", kMinPriority, kMaxPriority, &n); !s.ok()) {
        return s;
      }
      then->queue_priority = static_cast<int>(n);
    } else if (action == "notify") {
      if (!value.IsMap())
        return Error(value, LineOf(item, 0), key_where, "must be {webhook: NAME}");
      constexpr std::string_view kNotifyKeys[] = {"webhook"};
      if (Status s = CheckKeys(value, key_where + ".", kNotifyKeys); !s.ok()) return s;
      const YAML::Node w = value["webhook"];
      if (!w) return Error(value, LineOf(item, 0), key_where + ".webhook", "is missing");
      std::string name;
      if (Status s = ReadName(w, key_where + ".webhook", &name); !s.ok()) return s;
      if (std::find(webhooks.begin(), webhooks.end(), name) == webhooks.end()) {
        return Error(w, 0, key_where + ".webhook",
                     "\"" + name + "\" is not listed under `webhooks`");
      }
      if (std::find(then->notify.begin(), then->notify.end(), name) != then->notify.end()) {
        return Error(w, 0, key_where + ".webhook", "\"" + name + "\" notified twice in this rule");
      }
      then->notify.push_back(name);
    } else if (action == "handoff_message") {
      std::string tag;
      if (Status s = ReadName(value, key_where, &tag); !s.ok()) return s;
      then->handoff_message = tag;
    }
  }
  return Status::Ok();
}

Status Parser::ParseRule(const YAML::Node& node, int index, std::int64_t limit,
                         const std::vector<std::string>& webhooks, EscalationRule* rule) const {
  std::string where = "rule " + std::to_string(index);
  if (!node.IsMap()) return Error(node, 0, where, "must be a map with name, when, then");
  rule->line = LineOf(node, 0);
  // The name first, so later errors can say which rule.
  const YAML::Node name = node["name"];
  if (!name) return Error(node, 0, where + ": name", "is missing");
  if (Status s = ReadName(name, where + ": name", &rule->name); !s.ok()) return s;
  where += " (" + rule->name + ")";
  if (Status s = CheckKeys(node, where + ": ", kRuleKeys); !s.ok()) return s;
  if (const YAML::Node d = node["description"]) {
    if (Status s = ReadString(d, where + ": description", &rule->description); !s.ok()) return s;
  }
  const YAML::Node when = node["when"];
  if (!when) return Error(node, 0, where + ": when", "is missing");
  if (Status s = ParseWhen(when, where + ": when", limit, &rule->when); !s.ok()) return s;
  const YAML::Node then = node["then"];
  if (!then) return Error(node, 0, where + ": then", "is missing");
  return ParseThen(then, where + ": then", webhooks, &rule->then);
}

Status Parser::ParseDocument(std::string_view yaml, int* version, std::string* name,
                             std::string* description, std::int64_t* limit,
                             std::vector<std::string>* webhooks,
                             std::vector<EscalationRule>* rules) const {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return Error(e.mark.line >= 0 ? e.mark.line + 1 : 0, "", "not valid YAML (" + e.msg + ")");
  }
  try {
    if (!root.IsMap()) {
      return Error(root, 1, "(document)", "must be a map with version, name and rules");
    }
    if (Status s = CheckKeys(root, "", kTopKeys); !s.ok()) return s;

    const YAML::Node v = root["version"];
    if (!v) return Error(1, "version", "is missing (this Haven reads `version: 1`)");
    std::int64_t n = 0;
    if (Status s = ReadInt(v, "version", 1, std::numeric_limits<int>::max(), &n); !s.ok()) {
      return s;
    }
    if (n != kEscalationSchemaVersion) {
      return Error(v, 0, "version",
                   "unsupported schema version " + std::to_string(n) + " (this Haven reads " +
                       std::to_string(kEscalationSchemaVersion) + ")");
    }
    *version = static_cast<int>(n);

    const YAML::Node nm = root["name"];
    if (!nm) return Error(1, "name", "is missing");
    if (Status s = ReadName(nm, "name", name); !s.ok()) return s;
    if (const YAML::Node d = root["description"]) {
      if (Status s = ReadString(d, "description", description); !s.ok()) return s;
    }

    if (const YAML::Node d = root["defaults"]) {
      if (!d.IsMap()) return Error(d, 0, "defaults", "must be a map");
      if (Status s = CheckKeys(d, "defaults.", kDefaultsKeys); !s.ok()) return s;
      if (const YAML::Node l = d["human_response_limit_seconds"]) {
        if (Status s = ReadInt(l, "defaults.human_response_limit_seconds", kMinLimitSeconds,
                               kMaxLimitSeconds, limit);
            !s.ok()) {
          return s;
        }
      }
    }

    if (const YAML::Node w = root["webhooks"]) {
      if (!w.IsSequence()) return Error(w, 0, "webhooks", "must be a list of names");
      for (size_t i = 0; i < w.size(); ++i) {
        std::string hook;
        const std::string at = "webhooks[" + std::to_string(i + 1) + "]";
        if (Status s = ReadName(w[i], at, &hook); !s.ok()) return s;
        if (std::find(webhooks->begin(), webhooks->end(), hook) != webhooks->end()) {
          return Error(w[i], 0, at, "\"" + hook + "\" listed twice");
        }
        webhooks->push_back(hook);
      }
    }

    const YAML::Node r = root["rules"];
    if (!r) return Error(1, "rules", "is missing");
    if (!r.IsSequence() || r.size() == 0) {
      return Error(r, 0, "rules", "must be a non-empty list of rules");
    }
    std::set<std::string, std::less<>> names;
    for (size_t i = 0; i < r.size(); ++i) {
      EscalationRule rule;
      if (Status s = ParseRule(r[i], static_cast<int>(i + 1), *limit, *webhooks, &rule); !s.ok()) {
        return s;
      }
      if (!names.insert(rule.name).second) {
        return Error(rule.line, "rule " + std::to_string(i + 1) + " (" + rule.name + "): name",
                     "duplicate rule name");
      }
      rules->push_back(std::move(rule));
    }
  } catch (const YAML::Exception& e) {
    return Error(e.mark.line >= 0 ? e.mark.line + 1 : 0, "", "unexpected structure");
  }
  return Status::Ok();
}

void Merge(const EscalationActions& a, EscalationDecision& d) {
  d.show_crisis_resources = d.show_crisis_resources || a.show_crisis_resources;
  d.pause_bot = d.pause_bot || a.pause_bot;
  d.safest_mode = d.safest_mode || a.safest_mode;
  if (a.queue_priority && (!d.queue_priority || *a.queue_priority < *d.queue_priority)) {
    d.queue_priority = a.queue_priority;
  }
  for (const auto& hook : a.notify) {
    if (std::find(d.notify.begin(), d.notify.end(), hook) == d.notify.end()) {
      d.notify.push_back(hook);
    }
  }
  if (a.handoff_message && std::find(d.handoff_messages.begin(), d.handoff_messages.end(),
                                     *a.handoff_message) == d.handoff_messages.end()) {
    d.handoff_messages.push_back(*a.handoff_message);
  }
}

std::string FormatNumber(double d) {
  std::ostringstream s;
  s << d;
  return s.str();
}

}  // namespace

double AccumulatedRisk(const std::vector<RiskLevel>& earlier, RiskLevel current) {
  double a = 0.0;
  for (RiskLevel level : earlier) a = a * kAccumulationDecay + static_cast<int>(level);
  return a * kAccumulationDecay + static_cast<int>(current);
}

EscalationInput InputForTurn(const nlp::Analysis& analysis, const Decision& decision) {
  EscalationInput in;
  in.risk_level = std::max(decision.effective_level, RiskLevel::kNone);
  in.categories = analysis.risk.categories;
  in.asks_for_human = analysis.intent.label == kHandoffIntent;
  in.turn_action = decision.action;
  in.turn_urgent = decision.urgent;
  return in;
}

bool EscalationCondition::Matches(const EscalationInput& in, double accumulated) const {
  if (risk_at_least && in.risk_level < *risk_at_least) return false;
  if (!categories_any.empty() &&
      std::none_of(categories_any.begin(), categories_any.end(), [&](nlp::RiskCategory c) {
        return std::find(in.categories.begin(), in.categories.end(), c) != in.categories.end();
      })) {
    return false;
  }
  // A small tolerance, so that "2.44" written in a file matches three low turns (2.4400000001).
  if (accumulated_risk_at_least && accumulated + 1e-9 < *accumulated_risk_at_least) return false;
  if (phq9_item9_at_least &&
      (!in.phq9_item9 || std::clamp(*in.phq9_item9, 0, 3) < *phq9_item9_at_least)) {
    return false;
  }
  if (asks_for_human && !in.asks_for_human) return false;
  if (turn_action_at_least && in.turn_action < *turn_action_at_least) return false;
  if (turn_urgent && !in.turn_urgent) return false;
  if (queue_priority_at_most &&
      (!in.queued_priority || *in.queued_priority > *queue_priority_at_most)) {
    return false;
  }
  if (unanswered_for_seconds &&
      (!in.queued_priority || in.unanswered_seconds < *unanswered_for_seconds)) {
    return false;
  }
  return true;
}

StatusOr<EscalationPolicy> EscalationPolicy::Parse(std::string_view yaml, std::string_view source,
                                                   ParseOptions options) {
  EscalationPolicy p;
  p.source_ = std::string(source);
  Parser parser(p.source_);
  if (Status s = parser.ParseDocument(yaml, &p.version_, &p.name_, &p.description_,
                                      &p.human_response_limit_seconds_, &p.webhooks_, &p.rules_);
      !s.ok()) {
    return s;
  }
  if (options.require_floor) {
    if (Status s = p.CheckFloor(); !s.ok()) return s;
  }
  return p;
}

StatusOr<EscalationPolicy> EscalationPolicy::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot read the escalation policy file");
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return NotFound(path + ": cannot read the escalation policy file");
  return Parse(buf.str(), path);
}

EscalationDecision EscalationPolicy::Evaluate(const EscalationInput& input) const {
  EscalationDecision d;
  d.accumulated_risk = AccumulatedRisk(input.earlier_levels, input.risk_level);
  for (const auto& rule : rules_) {
    if (!rule.when.Matches(input, d.accumulated_risk)) continue;
    d.matched_rules.push_back(rule.name);
    Merge(rule.then, d);
  }
  return d;
}

Status EscalationPolicy::CheckFloor() const {
  struct Case {
    std::string name;
    nlp::Analysis analysis;
    ConversationContext context;
    std::vector<RiskLevel> earlier;
  };
  auto message = [](RiskLevel level, std::vector<nlp::RiskCategory> cats = {},
                    std::string intent = "other", std::vector<std::string> signals = {}) {
    nlp::Analysis a;
    a.risk.level = level;
    a.risk.categories = std::move(cats);
    a.intent.label = std::move(intent);
    for (auto& s : signals) a.risk.evidence.push_back({{0, 1}, std::move(s)});
    return a;
  };
  std::vector<Case> cases;
  for (int i = 0; i <= static_cast<int>(RiskLevel::kImminent); ++i) {
    auto level = static_cast<RiskLevel>(i);
    cases.push_back({"risk " + std::string(RiskLevelName(level)), message(level), {}, {}});
  }
  const PolicyConfig config;
  for (auto cat : config.escalate_categories) {
    cases.push_back({"category " + std::string(nlp::RiskCategoryName(cat)),
                     message(RiskLevel::kNone, {cat}),
                     {},
                     {}});
  }
  for (const auto& signal : config.medical_emergency_signals) {
    cases.push_back({"medical with " + signal,
                     message(RiskLevel::kNone, {nlp::RiskCategory::kMedical}, "other", {signal}),
                     {},
                     {}});
  }
  cases.push_back(
      {"asks for a person", message(RiskLevel::kNone, {}, std::string(kHandoffIntent)), {}, {}});
  {
    ConversationContext ctx;
    ctx.recent_low_turns = 2;
    cases.push_back({"three low turns in a row",
                     message(RiskLevel::kLow),
                     ctx,
                     {RiskLevel::kLow, RiskLevel::kLow}});
  }
  {
    ConversationContext ctx;
    ctx.previous_max_level = RiskLevel::kModerate;
    cases.push_back({"a goodbye after moderate risk",
                     message(RiskLevel::kNone, {}, std::string(kGoodbyeIntent)),
                     ctx,
                     {RiskLevel::kModerate}});
  }

  auto fail = [&](const std::string& c, const std::string& what) {
    return InvalidArgument(source_ + ": weaker than Haven's per-turn safety policy: " + c + ": " +
                           what);
  };
  for (const auto& c : cases) {
    const Decision turn = Decide(c.analysis, c.context, config);
    EscalationInput in = InputForTurn(c.analysis, turn);
    in.earlier_levels = c.earlier;
    const EscalationDecision e = Evaluate(in);
    if (turn.escalate_to_human && !e.queue_priority) {
      return fail(c.name, "the per-turn policy brings in a person, but no rule queues it");
    }
    if (turn.urgent && (!e.queue_priority || *e.queue_priority > 2)) {
      return fail(c.name, "the per-turn policy is urgent, but it is not queued at priority 1 or 2");
    }
    if (turn.urgent && e.notify.empty()) {
      return fail(c.name, "the per-turn policy is urgent, but nobody is notified");
    }
    if (turn.action >= Action::kCrisisReply && !e.show_crisis_resources) {
      return fail(c.name, "the per-turn policy gives the crisis lines, but no rule shows them");
    }
    if (turn.action == Action::kEmergency && (!e.queue_priority || *e.queue_priority != 1)) {
      return fail(c.name, "an emergency, but it is not queued at priority 1");
    }
    if (turn.action == Action::kEmergency && !e.safest_mode) {
      return fail(c.name, "an emergency, but the bot is not kept in its safest mode");
    }
  }

  // Nobody took a high-priority conversation: the person is told, the lines are repeated, and the
  // bot stays in its safest mode (issue 5). An hour is past any sensible limit.
  EscalationInput waiting;
  waiting.queued_priority = 2;
  waiting.unanswered_seconds = 3600;
  const EscalationDecision w = Evaluate(waiting);
  const std::string c = "queued at priority 2, nobody has taken it for an hour";
  if (!w.show_crisis_resources) return fail(c, "the crisis lines are not shown again");
  if (w.handoff_messages.empty()) return fail(c, "the person is not told (no handoff_message)");
  if (!w.safest_mode) return fail(c, "the bot is not kept in its safest mode");
  return Status::Ok();
}

std::string DefaultEscalationPolicyPath(const std::string& data_dir) {
  return data_dir + "/policy/escalation.yaml";
}

std::string DescribeCondition(const EscalationCondition& w) {
  std::vector<std::string> parts;
  if (w.risk_at_least) parts.push_back("risk >= " + std::string(RiskLevelName(*w.risk_at_least)));
  if (!w.categories_any.empty()) {
    std::string s = "category in [";
    for (size_t i = 0; i < w.categories_any.size(); ++i) {
      if (i) s += ", ";
      s += nlp::RiskCategoryName(w.categories_any[i]);
    }
    parts.push_back(s + "]");
  }
  if (w.accumulated_risk_at_least) {
    parts.push_back("accumulated risk >= " + FormatNumber(*w.accumulated_risk_at_least));
  }
  if (w.phq9_item9_at_least) {
    parts.push_back("PHQ-9 item 9 >= " + std::to_string(*w.phq9_item9_at_least));
  }
  if (w.asks_for_human) parts.push_back("asks for a person");
  if (w.turn_action_at_least) {
    parts.push_back("turn action >= " + std::string(ActionName(*w.turn_action_at_least)));
  }
  if (w.turn_urgent) parts.push_back("turn urgent");
  if (w.queue_priority_at_most) {
    parts.push_back("queued at priority <= " + std::to_string(*w.queue_priority_at_most));
  }
  if (w.unanswered_for_seconds) {
    parts.push_back("unanswered >= " + std::to_string(*w.unanswered_for_seconds) + " s");
  }
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += ", ";
    out += p;
  }
  return out;
}

std::string DescribeActions(const EscalationActions& t) {
  std::vector<std::string> parts;
  if (t.show_crisis_resources) parts.push_back("crisis resources");
  if (t.queue_priority) parts.push_back("queue " + std::to_string(*t.queue_priority));
  for (const auto& hook : t.notify) parts.push_back("notify " + hook);
  if (t.pause_bot) parts.push_back("pause bot");
  if (t.handoff_message) parts.push_back("message " + *t.handoff_message);
  if (t.safest_mode) parts.push_back("safest mode");
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += ", ";
    out += p;
  }
  return out;
}

}  // namespace haven::safety
