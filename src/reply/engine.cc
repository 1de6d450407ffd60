#include "reply/engine.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <utility>

namespace haven::reply {
namespace {

uint64_t Mix(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

double Jitter(uint64_t seed, std::string_view id) {
  uint64_t h = Mix(seed ^ 0x9E3779B97F4A7C15ull, id);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return static_cast<double>(h % 10007) / 10007.0;
}

bool AnyOf(const std::vector<std::string>& want, const std::vector<std::string>& have) {
  for (const std::string& w : want) {
    if (std::find(have.begin(), have.end(), w) != have.end()) return true;
  }
  return false;
}

std::string StripScheme(std::string url) {
  for (std::string_view p : {"https://www.", "https://", "http://"}) {
    if (url.rfind(p, 0) == 0) return url.substr(p.size());
  }
  return url;
}

// The longest run of fixed text between slots, trimmed.
std::string Signature(std::string_view text) {
  std::string best, cur;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '{') {
      if (cur.size() > best.size()) best = cur;
      cur.clear();
      if (i < text.size()) {
        size_t close = text.find('}', i);
        if (close == std::string_view::npos) break;
        i = close;
      }
      continue;
    }
    cur.push_back(text[i]);
  }
  while (!best.empty() && best.front() == ' ') best.erase(best.begin());
  while (!best.empty() && best.back() == ' ') best.pop_back();
  return best;
}

// What a reply not written by Haven did, roughly: a suggestion, a question, or other.
Strategy GuessStrategy(std::string_view text) {
  std::string lower;
  for (char c : text)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (std::string_view cue : {"you could", "you should", "have you tried", "maybe try", "try to",
                               "i would suggest", "i suggest", "i would recommend", "reach out",
                               "it might help", "how about", "why not", "consider"}) {
    if (lower.find(cue) != std::string::npos) return Strategy::kSuggestion;
  }
  if (lower.find('?') != std::string::npos) return Strategy::kQuestion;
  return Strategy::kOther;
}

// A question that offers help ("would you like...", "do you want to try...").
bool IsOfferLike(std::string_view text) {
  std::string lower;
  for (char c : text)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (std::string_view cue :
       {"would you like", "do you want", "would it help", "would you be open", "would that help",
        "can i suggest", "could i suggest"}) {
    if (lower.find(cue) != std::string::npos) return true;
  }
  return false;
}

// "You can reach A any time, or B." for the region's first two lines.
std::string LinesSentence(const safety::RegionResources& region) {
  std::string out;
  size_t n = std::min<size_t>(region.lines.size(), 2);
  for (size_t i = 0; i < n; ++i) {
    if (i == 0) {
      out += LinePhrase(region.lines[i]);
    } else {
      out += ", or ";
      out += LinePhrase(region.lines[i]);
    }
  }
  return out;
}

}  // namespace

std::string LinePhrase(const safety::CrisisLine& line) {
  std::string how;
  if (!line.call.empty() && !line.text.empty() && line.call == line.text) {
    how = "call or text " + line.call;
  } else {
    if (!line.call.empty()) how = "call " + line.call;
    if (!line.text.empty()) {
      if (!how.empty()) how += ", or ";
      how += "text ";
      if (!line.text_keyword.empty()) how += line.text_keyword + " to ";
      how += line.text;
    }
  }
  if (how.empty() && !line.url.empty()) how = StripScheme(line.url);
  if (how.empty()) return line.name;
  return line.name + " (" + how + ")";
}

StatusOr<std::unique_ptr<Engine>> Engine::Load(const std::string& data_dir) {
  std::unique_ptr<Engine> e(new Engine());
  auto analyzer = nlp::Analyzer::Load(data_dir);
  if (!analyzer.ok()) return analyzer.status();
  e->analyzer_ = std::move(analyzer).value();
  auto resources = safety::CrisisResources::Load(safety::CrisisResources::DefaultPath(data_dir));
  if (!resources.ok()) return resources.status();
  e->resources_ = std::move(resources).value();
  auto policy = safety::LoadPolicyConfig(safety::DefaultPolicyPath(data_dir));
  if (policy.ok()) {
    e->policy_ = std::move(policy).value();
  } else if (policy.status().code() != StatusCode::kNotFound) {
    return policy.status();  // a broken policy file must not be ignored
  }
  auto content = ContentLibrary::Load(ContentLibrary::DefaultDir(data_dir));
  if (!content.ok()) return content.status();
  e->content_ = std::move(content).value();
  auto scorer = EmpathyScorer::Load(data_dir);
  if (!scorer.ok()) return scorer.status();
  e->scorer_ = std::move(scorer).value();
  for (const Variant& v : e->content_.variants()) e->signatures_.push_back(Signature(v.text));
  return e;
}

void Engine::ObserveAssistant(ConversationState& state, std::string_view text) const {
  const std::vector<Variant>& vs = content_.variants();
  const Variant* best = nullptr;
  size_t best_len = 0;
  for (size_t i = 0; i < vs.size(); ++i) {
    const std::string& sig = signatures_[i];
    if (sig.size() < 16 || sig.size() <= best_len) continue;
    if (text.find(sig) != std::string_view::npos) {
      best = &vs[i];
      best_len = sig.size();
    }
  }
  if (best != nullptr) {
    state.AddAssistantTurn(text, best->strategy, best->id, best->tag);
  } else {
    // Someone else's reply (a human supporter in the history): a rough reading of what it did,
    // so the planner knows whether ideas were already offered.
    Strategy guess = GuessStrategy(text);
    state.AddAssistantTurn(text, guess, "",
                           guess == Strategy::kQuestion && IsOfferLike(text) ? "offer" : "");
  }
  if (text.find("an AI") != std::string_view::npos) state.set_disclosed_ai();
}

Reply Engine::Answer(ConversationState& state, std::string_view text, const nlp::Analysis& analysis,
                     std::string_view locale, uint64_t seed) const {
  const bool first_reply = state.assistant_turns() == 0;
  safety::ConversationContext context = state.SafetyContext();
  state.AddUserTurn(text, analysis);
  Plan plan = PlanTurn(text, analysis, context, state, policy_);

  Reply reply;
  reply.action = plan.decision.action;
  reply.escalate = plan.decision.escalate_to_human;
  reply.urgent = plan.decision.urgent;
  reply.risk_level = std::max(plan.decision.effective_level, analysis.risk.level);
  reply.why = plan.why;
  reply.tag = plan.tag;
  reply.strategy = plan.strategy;

  const safety::RegionResources& region = resources_.ForLocale(locale);
  Slots slots;
  const Feeling feeling = state.CurrentFeeling();
  slots.feeling = content_.FeelingPhrase(feeling);
  slots.situation = state.situation();
  if (const Person* p = state.current_person()) slots.person = p->reference;
  slots.topic = content_.TopicPhrase(state.CurrentTopic());
  if (state.preferred_name()) {
    // The name at most once in four replies: more reads as a script.
    bool recent = false;
    const auto& texts = state.assistant_texts();
    for (size_t i = texts.size() >= 4 ? texts.size() - 4 : 0; i < texts.size(); ++i) {
      if (texts[i].find(*state.preferred_name()) != std::string::npos) recent = true;
    }
    if (!recent) slots.name = *state.preferred_name();
  }
  const bool name_fresh = ExtractPreferredName(text).has_value();
  slots.emergency = region.EmergencyNumber();
  if (!region.lines.empty()) slots.line = LinePhrase(region.lines.front());

  std::vector<std::string> turn_topics = state.last_turn()->topics;
  for (const auto& [topic, count] : state.Stressors()) {
    if (count >= 2) turn_topics.push_back(topic);
  }

  // Candidates of one (strategy, tag) pool, best first by fit and empathy.
  auto pick = [&](Strategy strategy,
                  std::string_view tag) -> std::pair<const Variant*, std::string> {
    struct Cand {
      const Variant* v;
      std::string text;
      double score;
    };
    std::vector<Cand> cands;
    for (const Variant& v : content_.variants()) {
      if (v.strategy != strategy || v.tag != tag || state.VariantUsed(v.id)) continue;
      double fit = 0;
      if (!v.emotions.empty()) {
        if (std::find(v.emotions.begin(), v.emotions.end(), feeling.family) == v.emotions.end()) {
          continue;
        }
        fit += 2;
      }
      if (!v.topics.empty()) {
        if (!AnyOf(v.topics, turn_topics)) continue;
        fit += 2;
      }
      if (!v.intensities.empty()) {
        if (feeling.family.empty() || std::find(v.intensities.begin(), v.intensities.end(),
                                                feeling.intensity) == v.intensities.end()) {
          continue;
        }
        fit += 1;
      }
      auto filled = FillSlots(v.text, slots);
      if (!filled) continue;
      // An exact text said before (a replayed history) is not said again.
      bool said = false;
      for (const std::string& t : state.assistant_texts())
        said |= t.find(*filled) != std::string::npos;
      if (said) continue;
      for (const std::string& s : SlotsIn(v.text)) {
        if (s == "situation" || s == "person") fit += 1.5;
        if (s == "feeling") fit += 1.0;
        if (s == "topic") fit += 0.3;
        if (s == "name") fit += name_fresh ? 2.0 : 0.25;
      }
      cands.push_back({&v, std::move(*filled), fit + 1.2 * Jitter(seed, v.id)});
    }
    if (cands.empty()) return {nullptr, ""};
    std::sort(cands.begin(), cands.end(),
              [](const Cand& a, const Cand& b) { return a.score > b.score; });
    // The empathy scorer ranks the best few (crisis acknowledgements and social moments are
    // ranked by fit alone: their job is not to explore).
    const bool rank_empathy = tag.empty() || tag == "positive" || tag == "declined" ||
                              tag == "minimal" || tag == "before_advice";
    if (rank_empathy) {
      size_t n = std::min<size_t>(cands.size(), 6);
      for (size_t i = 0; i < n; ++i) {
        EmpathyScore es = scorer_.Score(text, cands[i].text);
        double e = 0;
        for (const MechanismScore& m : es.mechanisms) e += m.level + 0.5 * m.score;
        cands[i].score += 0.5 * e;
      }
      std::sort(cands.begin(), cands.begin() + static_cast<std::ptrdiff_t>(n),
                [](const Cand& a, const Cand& b) { return a.score > b.score; });
    }
    return {cands.front().v, std::move(cands.front().text)};
  };

  std::string body;
  const Variant* used = nullptr;
  const bool safety_path =
      plan.strategy == Strategy::kCrisis || plan.strategy == Strategy::kHandoff;
  if (safety_path) {
    auto [v, ack] = pick(plan.strategy, plan.tag);
    // Every acknowledgement used already: reuse the pool in turn rather than say nothing kind.
    if (v == nullptr) {
      std::vector<std::pair<const Variant*, std::string>> pool;
      for (const Variant& cand : content_.variants()) {
        if (cand.strategy == plan.strategy && cand.tag == plan.tag) {
          if (auto f = FillSlots(cand.text, slots)) pool.push_back({&cand, std::move(*f)});
        }
      }
      if (!pool.empty()) {
        size_t k = static_cast<size_t>(state.StrategyCount(plan.strategy)) % pool.size();
        v = pool[k].first;
        ack = pool[k].second;
        plan.why.push_back("acknowledgement_reused");
      }
    }
    used = v;
    const std::string emergency = region.EmergencyNumber();
    const std::string lines = LinesSentence(region);
    const bool ai_line = first_reply && !state.disclosed_ai();
    std::string out;
    if (plan.tag == "emergency" || plan.decision.action == safety::Action::kEmergency) {
      out = "Please call " + emergency + " now, or ask someone near you to call for you.";
      if (plan.tag == "medical") {
        out +=
            " If you've taken something or you're hurt, go to the nearest emergency "
            "department if you can get there safely.";
      }
      if (!ack.empty()) out += " " + ack;
      if (!lines.empty()) out += " You can also reach " + lines + ".";
      out += " I'm alerting a person from our team right now.";
      if (ai_line) out += " I'm an AI, so please reach those people straight away.";
      out += " Are you somewhere safe?";
    } else if (plan.strategy == Strategy::kCrisis && plan.tag == "check_in") {
      if (ai_line) out = "I'm Haven, an AI, and I'm glad you told me. ";
      out += ack;
      out +=
          " I want to ask you directly, because it matters: are you having thoughts of "
          "killing yourself?";
      out += " Whatever the answer, you can tell me.";
      if (!region.lines.empty()) {
        out += " If it ever feels like too much, " + LinePhrase(region.lines.front()) +
               " is there for you, and I can bring in a person from our team whenever you want.";
      }
    } else if (plan.strategy == Strategy::kCrisis) {
      if (ai_line) out = "I'm Haven, an AI. ";
      if (plan.tag == "medical") {
        out += "If you've taken too much of something or you're hurt, please call " + emergency +
               " now or go to the nearest emergency department. ";
      }
      out += ack;
      out += " Are you safe right now?";
      if (!lines.empty()) out += " Please reach out for support now: " + lines + ".";
      if (plan.tag != "medical") {
        out += " If you're in immediate danger, call " + emergency + ".";
      }
      out += plan.decision.urgent
                 ? " I'm bringing in a person from our team right away, so you're not alone with "
                   "this."
                 : " I'm letting a person from our team know, so someone can join this "
                   "conversation.";
    } else {  // handoff
      if (ai_line) out = "I'm Haven, an AI. ";
      out += ack;
      if (plan.tag != "handoff") {
        out += plan.decision.urgent ? " I'm bringing in a person from our team right away."
                                    : " I'm asking a person from our team to join this "
                                      "conversation.";
      }
      if (plan.tag == "abuse") {
        out += " If you're in danger right now, please call " + emergency + ".";
        if (!region.lines.empty()) {
          out += " You can also talk to " + LinePhrase(region.lines.front()) + " any time.";
        }
        out += " Are you somewhere safe at the moment?";
      } else if (plan.tag == "harm_to_others") {
        out += " If anyone is in immediate danger, please call " + emergency + ".";
        out += " Are you somewhere you can step back and give yourself some space right now?";
      } else {
        if (!region.lines.empty()) {
          out += " If you need to talk to someone straight away, " +
                 LinePhrase(region.lines.front()) + " is there any time.";
        }
        out += " While you wait, I'm still here. What would you like them to know?";
      }
    }
    body = std::move(out);
  } else {
    auto [v, filled] = pick(plan.strategy, plan.tag);
    if (v == nullptr) {
      plan.why.push_back("no_variant:" + std::string(StrategyName(plan.strategy)) +
                         (plan.tag.empty() ? "" : "/" + plan.tag));
      std::vector<Strategy> order = plan.fallbacks;
      for (Strategy s : {Strategy::kQuestion, Strategy::kReflection, Strategy::kAffirmation,
                         Strategy::kRestatement, Strategy::kSelfDisclosure}) {
        order.push_back(s);
      }
      for (Strategy s : order) {
        auto [fv, ff] = pick(s, "");
        if (fv != nullptr) {
          v = fv;
          filled = std::move(ff);
          reply.strategy = s;
          plan.why.push_back("fallback:" + std::string(StrategyName(s)));
          break;
        }
      }
    }
    if (v == nullptr) {
      // Every variant has been used: a kind, fixed question (the content is exhausted).
      reply.strategy = Strategy::kQuestion;
      filled = "I'm still here with you. What feels most important to talk about right now?";
      plan.why.push_back("content_exhausted");
    }
    used = v;
    body = std::move(filled);
    // A short emotional reaction before a question or an idea, when the person is hurting and
    // the reply has none of its own (every other turn, or whenever the feeling is strong).
    const bool hurting =
        (!feeling.family.empty() && feeling.family != "positive" && feeling.family != "relieved") ||
        analysis.sentiment.compound < -0.3;
    const bool reacts = (reply.strategy == Strategy::kQuestion && plan.tag.empty()) ||
                        reply.strategy == Strategy::kSuggestion ||
                        (reply.strategy == Strategy::kInformation && plan.tag.empty());
    if (v != nullptr && hurting && reacts &&
        (state.assistant_turns() % 2 == 0 || feeling.intensity == Intensity::kStrong)) {
      std::string lower;
      for (char c : body)
        lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      if (lower.find("sorry") == std::string::npos && lower.find("sounds") == std::string::npos) {
        auto [rv, rtext] = pick(Strategy::kOther, "reaction");
        if (rv != nullptr) {
          body = rtext + " " + body;
          state.MarkVariantUsed(rv->id);
          plan.why.push_back("reaction:" + rv->id);
        }
      }
    }
    // The AI disclosure opens every conversation (about_ai says it already).
    if (first_reply && !state.disclosed_ai() && plan.tag != "about_ai") {
      auto [dv, dtext] = pick(Strategy::kOther, "disclosure");
      body = (dv != nullptr ? dtext : std::string("I'm Haven, an AI, not a person.")) + " " + body;
    }
  }
  reply.why = plan.why;

  // The output guard, last.
  safety::GuardResult g = guard_.Check(body);
  if (!g.pass) {
    reply.guard_replaced = true;
    reply.why.push_back("guard_replaced:" + std::string(safety::GuardRuleName(g.rule)));
    body = safety::SafeFallback(resources_, locale, reply.risk_level);
    used = nullptr;
  }
  reply.text = std::move(body);
  reply.variant_id = used != nullptr ? used->id : "";
  state.AddAssistantTurn(reply.text, reply.strategy, reply.variant_id, plan.tag);
  if (reply.text.find("an AI") != std::string::npos) state.set_disclosed_ai();
  return reply;
}

StatusOr<Reply> Engine::Respond(const std::vector<Turn>& history, std::string_view locale) const {
  if (history.empty()) return InvalidArgument("history is empty");
  if (history.back().role != "user") {
    return InvalidArgument("the last history entry must have role \"user\"");
  }
  for (const Turn& t : history) {
    if (t.role != "user" && t.role != "assistant") {
      return InvalidArgument("history roles must be \"user\" or \"assistant\"");
    }
  }
  Conversation c(*this, std::string(locale));
  for (size_t i = 0; i + 1 < history.size(); ++i) {
    if (history[i].role == "user") {
      c.ObserveUser(history[i].text);
    } else {
      c.ObserveAssistant(history[i].text);
    }
  }
  return c.Send(history.back().text);
}

Conversation::Conversation(const Engine& engine, std::string locale)
    : engine_(&engine), locale_(std::move(locale)) {}

Reply Conversation::Send(std::string_view text) {
  seed_ = Mix(seed_, text);
  nlp::Analysis a = engine_->analyzer_->Analyze(text);
  return engine_->Answer(state_, text, a, locale_, seed_);
}

void Conversation::ObserveUser(std::string_view text) {
  seed_ = Mix(seed_, text);
  nlp::Analysis a = engine_->analyzer_->Analyze(text);
  state_.AddUserTurn(text, a);
}

void Conversation::ObserveAssistant(std::string_view text) {
  engine_->ObserveAssistant(state_, text);
}

}  // namespace haven::reply
