#include "safety/policy.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

namespace haven::safety {
namespace {

using nlohmann::json;

constexpr nlp::RiskCategory kAllCategories[] = {
    nlp::RiskCategory::kSuicide,  nlp::RiskCategory::kSelfHarm,   nlp::RiskCategory::kHarmToOthers,
    nlp::RiskCategory::kAbuse,    nlp::RiskCategory::kThirdParty, nlp::RiskCategory::kMedical,
    nlp::RiskCategory::kSubstance};

std::optional<nlp::RiskCategory> ParseCategory(std::string_view name) {
  for (auto c : kAllCategories) {
    if (nlp::RiskCategoryName(c) == name) return c;
  }
  return std::nullopt;
}

bool Has(const std::vector<nlp::RiskCategory>& v, nlp::RiskCategory c) {
  return std::find(v.begin(), v.end(), c) != v.end();
}

std::string LevelText(RiskLevel l) { return std::string(RiskLevelName(l)); }

Status Bad(std::string_view source, std::string_view member, std::string_view problem) {
  return InvalidArgument(std::string(source) + ": " + std::string(member) + ": " +
                         std::string(problem));
}

// A level member within [lo, hi].
Status ReadLevel(const json& root, std::string_view source, const char* key, RiskLevel lo,
                 RiskLevel hi, RiskLevel& out) {
  auto it = root.find(key);
  if (it == root.end()) return Status::Ok();
  if (!it->is_string()) return Bad(source, key, "must be a level name (none ... imminent)");
  auto level = ParseRiskLevel(it->get<std::string>());
  if (!level) return Bad(source, key, "must be a level name (none ... imminent)");
  if (*level < lo || *level > hi) {
    return Bad(source, key, "must be between " + LevelText(lo) + " and " + LevelText(hi));
  }
  out = *level;
  return Status::Ok();
}

void Raise(Decision& d, Action a) { d.action = std::max(d.action, a); }

}  // namespace

std::string_view ActionName(Action a) {
  switch (a) {
    case Action::kContinue:
      return "continue";
    case Action::kCheckIn:
      return "check_in";
    case Action::kHandoff:
      return "handoff";
    case Action::kCrisisReply:
      return "crisis_reply";
    case Action::kEmergency:
      return "emergency";
  }
  return "emergency";
}

StatusOr<PolicyConfig> ParsePolicyConfig(std::string_view text, std::string_view source) {
  json root = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return Bad(source, "(document)", "not valid JSON");
  if (!root.is_object()) return Bad(source, "(document)", "must be an object");
  static constexpr std::string_view kKeys[] = {
      "version",     "low_turns_to_moderate", "low_after_level",     "escalate_from",
      "urgent_from", "emergency_from",        "escalate_categories", "medical_emergency_signals",
      "comment"};
  for (const auto& [key, value] : root.items()) {
    if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
      return Bad(source, key, "unknown member");
    }
  }
  auto version = root.find("version");
  if (version == root.end() || !version->is_number_integer() || version->get<int64_t>() != 1) {
    return Bad(source, "version", "must be 1");
  }
  PolicyConfig c;
  if (auto it = root.find("low_turns_to_moderate"); it != root.end()) {
    if (!it->is_number_integer()) return Bad(source, it.key(), "must be an integer");
    int64_t n = it->get<int64_t>();
    if (n < 1 || n > 3) return Bad(source, it.key(), "must be between 1 and 3");
    c.low_turns_to_moderate = static_cast<int>(n);
  }
  Status s = ReadLevel(root, source, "low_after_level", RiskLevel::kLow, RiskLevel::kModerate,
                       c.low_after_level);
  if (!s.ok()) return s;
  s = ReadLevel(root, source, "escalate_from", RiskLevel::kLow, RiskLevel::kModerate,
                c.escalate_from);
  if (!s.ok()) return s;
  s = ReadLevel(root, source, "urgent_from", c.escalate_from, RiskLevel::kHigh, c.urgent_from);
  if (!s.ok()) return s;
  s = ReadLevel(root, source, "emergency_from", c.urgent_from, RiskLevel::kImminent,
                c.emergency_from);
  if (!s.ok()) return s;
  // The defaults satisfy the ordering; a member set alone must still keep it.
  if (c.urgent_from < c.escalate_from) {
    return Bad(source, "urgent_from", "must not be below escalate_from");
  }
  if (c.emergency_from < c.urgent_from) {
    return Bad(source, "emergency_from", "must not be below urgent_from");
  }

  if (auto it = root.find("escalate_categories"); it != root.end()) {
    if (!it->is_array()) return Bad(source, it.key(), "must be an array of category names");
    std::vector<nlp::RiskCategory> cats;
    for (const auto& e : *it) {
      auto cat = e.is_string() ? ParseCategory(e.get<std::string>()) : std::nullopt;
      if (!cat) return Bad(source, it.key(), "unknown category (see RiskCategoryName)");
      if (!Has(cats, *cat)) cats.push_back(*cat);
    }
    for (auto required : PolicyConfig().escalate_categories) {
      if (!Has(cats, required)) {
        return Bad(source, it.key(),
                   "must include " + std::string(nlp::RiskCategoryName(required)));
      }
    }
    std::sort(cats.begin(), cats.end());
    c.escalate_categories = std::move(cats);
  }
  if (auto it = root.find("medical_emergency_signals"); it != root.end()) {
    if (!it->is_array()) return Bad(source, it.key(), "must be an array of signal names");
    std::vector<std::string> signals;
    for (const auto& e : *it) {
      if (!e.is_string() || e.get<std::string>().empty()) {
        return Bad(source, it.key(), "must hold non-empty strings");
      }
      signals.push_back(e.get<std::string>());
    }
    for (const auto& required : PolicyConfig().medical_emergency_signals) {
      if (std::find(signals.begin(), signals.end(), required) == signals.end()) {
        return Bad(source, it.key(), "must include " + required);
      }
    }
    c.medical_emergency_signals = std::move(signals);
  }
  if (auto it = root.find("comment"); it != root.end() && !it->is_string()) {
    return Bad(source, "comment", "must be a string");
  }
  return c;
}

StatusOr<PolicyConfig> LoadPolicyConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path + ": cannot read the safety policy file");
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return NotFound(path + ": cannot read the safety policy file");
  return ParsePolicyConfig(buf.str(), path);
}

std::string DefaultPolicyPath(const std::string& data_dir) {
  return data_dir + "/safety/policy.json";
}

Decision Decide(const nlp::Analysis& analysis, const ConversationContext& context,
                const PolicyConfig& config) {
  Decision d;
  RiskLevel level = analysis.risk.level;
  const auto& evidence = analysis.risk.evidence;
  // Only the learned reader read risk here: no phrase the rules know.
  const bool learned_alone =
      !evidence.empty() && std::all_of(evidence.begin(), evidence.end(),
                                       [](const auto& e) { return e.signal == "learned_reading"; });
  if (context.in_guided_exercise && !evidence.empty() &&
      std::all_of(evidence.begin(), evidence.end(),
                  [](const nlp::RiskEvidence& e) { return e.signal == "lone_done"; })) {
    level = RiskLevel::kNone;
    d.reasons.push_back("a lone 'done' during a guided exercise: its answer");
  }
  if (context.in_guided_exercise && level > RiskLevel::kLow && learned_alone) {
    level = RiskLevel::kLow;
    d.reasons.push_back("a learned reading alone during a guided exercise: asked about directly");
  }
  if (context.takes_leave_after_talk && context.previous_max_level == RiskLevel::kNone &&
      level > RiskLevel::kLow && learned_alone) {
    level = RiskLevel::kLow;
    d.reasons.push_back(
        "a goodbye after a conversation without risk, read as risk by the learned reader alone: "
        "asked about directly");
  }
  RiskLevel effective = level;

  // Conversation rules: low that repeats, or follows something worse, is moderate.
  if (level == RiskLevel::kLow) {
    const int run = std::max(0, context.recent_low_turns) + 1;
    if (run >= config.low_turns_to_moderate) {
      effective = RiskLevel::kModerate;
      d.reasons.push_back("low risk " + std::to_string(run) +
                          " turns in a row: treated as moderate");
    } else if (context.previous_max_level >= config.low_after_level) {
      effective = RiskLevel::kModerate;
      d.reasons.push_back("low risk after " + LevelText(context.previous_max_level) +
                          " earlier: treated as moderate");
    }
  }
  d.effective_level = effective;

  // The level. An emergency reading that only the learned reader gives (no phrase the rules
  // know) is asked about first: the crisis reply asks directly whether the person is safe, with
  // the lines and a person coming urgently, instead of opening with the emergency number. Such
  // readings include ordinary messages that share a word with a farewell or an act ("I took the
  // dog out", "nicely done"); one that is real is answered within the same turn by a person.
  if (effective >= config.emergency_from && learned_alone) {
    Raise(d, Action::kCrisisReply);
    d.urgent = true;
    d.reasons.push_back("risk " + LevelText(effective) +
                        " by the learned reader alone: asked directly, a person now");
  } else if (effective >= config.emergency_from) {
    Raise(d, Action::kEmergency);
    d.reasons.push_back("risk " + LevelText(effective) + ": emergency number first");
  } else if (effective >= config.escalate_from) {
    Raise(d, Action::kCrisisReply);
    d.reasons.push_back("risk " + LevelText(effective) + ": crisis reply");
  } else if (effective >= RiskLevel::kLow) {
    Raise(d, Action::kCheckIn);
    d.reasons.push_back("risk low: ask directly about thoughts of suicide");
  }
  if (effective >= config.escalate_from) d.escalate_to_human = true;
  if (effective >= config.urgent_from) d.urgent = true;
  d.learned_alone =
      learned_alone && effective >= RiskLevel::kLow && effective == level &&
      (context.previous_max_level < config.escalate_from || context.earlier_risk_learned_alone);

  // Categories.
  const auto& cats = analysis.risk.categories;
  for (auto cat : config.escalate_categories) {
    if (!Has(cats, cat)) continue;
    d.escalate_to_human = true;
    Raise(d, cat == nlp::RiskCategory::kMedical ? Action::kCrisisReply : Action::kHandoff);
    d.reasons.push_back("category " + std::string(nlp::RiskCategoryName(cat)) +
                        ": a person from the team");
  }
  if (Has(cats, nlp::RiskCategory::kMedical)) {
    for (const auto& ev : analysis.risk.evidence) {
      if (std::find(config.medical_emergency_signals.begin(),
                    config.medical_emergency_signals.end(),
                    ev.signal) != config.medical_emergency_signals.end()) {
        Raise(d, Action::kEmergency);
        d.escalate_to_human = true;
        d.urgent = true;
        d.reasons.push_back("medical emergency (" + ev.signal + "): emergency number first");
        break;
      }
    }
  }

  // A goodbye after risk earlier in the conversation: the last words of a crisis ("bye.",
  // "done. goodbye") read as nothing on their own, so the conversation reads them.
  if (context.previous_max_level >= config.escalate_from &&
      (analysis.intent.label == kGoodbyeIntent ||
       std::any_of(analysis.risk.evidence.begin(), analysis.risk.evidence.end(),
                   [](const nlp::RiskEvidence& e) {
                     return e.signal == "farewell" || e.signal == "lone_done";
                   }))) {
    Raise(d, Action::kCrisisReply);
    d.escalate_to_human = true;
    d.urgent = true;
    d.learned_alone = false;
    d.reasons.push_back("a goodbye after " + LevelText(context.previous_max_level) +
                        " risk earlier: crisis reply, a person now");
  }

  // Asking for a person.
  if (analysis.intent.label == kHandoffIntent) {
    d.escalate_to_human = true;
    if (context.human_connected) {
      d.reasons.push_back("asks for a person: alert the one already connected");
    } else {
      Raise(d, Action::kHandoff);
      d.reasons.push_back("asks for a person: hand off now");
    }
  }
  if (d.escalate_to_human && context.human_connected && analysis.intent.label != kHandoffIntent) {
    d.reasons.push_back("a person is already connected: alert them");
  }
  if (d.urgent) d.reasons.push_back("urgent");
  return d;
}

}  // namespace haven::safety
