#include "reply/engine.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>

#include "reply/llm_prompt.h"
#include "reply/paraphrase.h"

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

// Whether a variant's text asks how the person feels ("How are you feeling about it?", "How does
// it feel to say that?").
bool AsksHowTheyFeel(std::string_view text) {
  for (std::string_view q : {"How are you feeling", "How does it feel", "How do you feel"}) {
    if (text.find(q) != std::string_view::npos) return true;
  }
  return false;
}

// Whether `text` is one sentence: no . ! ? ; or line break with words after it.
bool OneSentence(std::string_view text) {
  bool ended = false;
  for (char c : text) {
    if (c == '.' || c == '!' || c == '?' || c == ';' || c == '\n') {
      ended = true;
    } else if (ended && std::isalnum(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
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

std::string Lower(std::string_view text) {
  std::string lower;
  for (char c : text)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return lower;
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) {
    if (l.empty()) continue;
    if (!out.empty()) out += "\n\n";
    out += l;
  }
  return out;
}

// "can we carry on", "let's go back to the exercise", "continue".
bool AsksToContinue(std::string_view text) {
  const std::string lower = Lower(text);
  for (std::string_view cue : {"carry on", "continue", "go back to", "keep going", "resume",
                               "pick up where", "finish the exercise", "finish the plan"}) {
    if (lower.find(cue) != std::string::npos) return true;
  }
  return false;
}

// The position of `word` (lower case) in `text` (lower case) as a whole word or phrase, from
// `from` on; npos when it is not there.
size_t FindWord(const std::string& text, std::string_view word, size_t from = 0) {
  for (size_t at = text.find(word, from); at != std::string::npos; at = text.find(word, at + 1)) {
    const size_t end = at + word.size();
    if ((at == 0 || !std::isalnum(static_cast<unsigned char>(text[at - 1]))) &&
        (end == text.size() || !std::isalnum(static_cast<unsigned char>(text[end])))) {
      return at;
    }
  }
  return std::string::npos;
}

// The person asks how Haven is: "how are you", "not too bad, and you?", "hbu".
bool AsksHowHavenIs(std::string_view text) {
  const std::string t = Lower(text);
  for (std::string_view p :
       {"how are you", "how r u", "how are u", "how're you", "how have you been", "how's your day",
        "how is your day", "how was your day", "hbu", "wbu", "how you doing"}) {
    if (FindWord(t, p) != std::string::npos) return true;
  }
  // Asked back at the end of a clause: "and you?", "how about you." (not "and you know").
  for (std::string_view p : {"and you", "how about you", "what about you", "and yourself"}) {
    for (size_t at = FindWord(t, p); at != std::string::npos; at = FindWord(t, p, at + 1)) {
      size_t k = at + p.size();
      while (k < t.size() && t[k] == ' ') ++k;
      if (k == t.size() || t[k] == '?' || t[k] == '.' || t[k] == '!') return true;
    }
  }
  return false;
}

// The person asks about Haven's own experience, as they would a human supporter: "what kind of
// stretching did you do?", "have you ever felt like this?", "did it work for you?".
bool AsksHavensExperience(std::string_view text) {
  const std::string t = Lower(text);
  for (std::string_view p : {"did you try",           "did you do",
                             "did you use",           "did you find",
                             "did you feel",          "did you cope",
                             "did you manage",        "did you deal",
                             "did you handle",        "did you get through",
                             "did you get over",      "did you sleep",
                             "did you ever",          "have you ever",
                             "have you tried",        "have you been through",
                             "have you gone through", "have you dealt",
                             "have you felt",         "have you struggled",
                             "how did you cope",      "how did you manage",
                             "how did you deal",      "how did you handle",
                             "how was your mood",     "how was your sleep",
                             "did it work for you",   "did it help you",
                             "does it work for you",  "did that help you",
                             "did that work for you", "do you ever feel",
                             "do you ever get",       "were you ever",
                             "what helped you",       "what works for you",
                             "what worked for you",   "do you have any experience",
                             "have you experienced",  "happened to you",
                             "in my shoes",           "have you done",
                             "have you ever done",    "been in my situation"}) {
    if (FindWord(t, p) != std::string::npos) return true;
  }
  return false;
}

// A flow or questionnaire the person asks for by name ("can we do a breathing exercise", "PHQ-9",
// "help me calm down", "make a safety plan").
struct Request {
  std::string flow_id;
  std::optional<Instrument> instrument;
};

std::optional<Request> DirectRequest(std::string_view text) {
  const std::string lower = Lower(text);
  auto has = [&](std::string_view s) { return lower.find(s) != std::string::npos; };
  auto any = [&](std::initializer_list<std::string_view> cues) {
    for (std::string_view c : cues) {
      if (has(c)) return true;
    }
    return false;
  };
  if (any({"don't want", "dont want", "do not want", "don't need", "dont need", "no more"})) {
    return std::nullopt;
  }
  if (any({"phq-9", "phq9", "phq 9", "depression test", "depression questionnaire",
           "depression screening", "depression quiz", "test for depression",
           "test me for depression", "screen me for depression", "screening for depression"})) {
    return Request{"", Instrument::kPhq9};
  }
  if (any({"gad-7", "gad7", "gad 7", "anxiety test", "anxiety questionnaire", "anxiety screening",
           "anxiety quiz", "test for anxiety", "test me for anxiety", "screen me for anxiety",
           "screening for anxiety"})) {
    return Request{"", Instrument::kGad7};
  }
  const bool asks = any({"can we",  "could we", "can you", "could you",    "let's",   "lets ",
                         "i want",  "i'd like", "id like", "i would like", "help me", "i need",
                         "make",    "create",   "build",   "start",        "do a",    "try a",
                         "show me", "teach me", "walk me", "guide me"});
  if (has("safety plan") && asks) return Request{"safety_plan", std::nullopt};
  if (any({"breathing exercise", "box breathing", "help me breathe", "breathing technique",
           "do some breathing", "help me calm down", "calm me down", "help me to calm down"})) {
    return Request{"box_breathing", std::nullopt};
  }
  if (any({"grounding exercise", "grounding technique", "5-4-3-2-1", "54321", "ground myself",
           "help me ground"})) {
    return Request{"grounding_54321", std::nullopt};
  }
  if (has("thought record") && asks) return Request{"thought_record", std::nullopt};
  if (has("worry time") && asks) return Request{"worry_time", std::nullopt};
  return std::nullopt;
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

StatusOr<std::unique_ptr<Engine>> Engine::Load(const std::string& data_dir,
                                               const std::string& models_dir) {
  std::unique_ptr<Engine> e(new Engine());
  auto analyzer = nlp::Analyzer::Load(data_dir, models_dir);
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
  auto flows = FlowLibrary::Load(data_dir);
  if (!flows.ok()) return flows.status();
  e->flows_.emplace(std::move(flows).value());
  auto screener = Screener::Load(data_dir);
  if (!screener.ok()) return screener.status();
  e->screener_.emplace(std::move(screener).value());
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

std::map<std::string, std::string> Engine::FlowInputs(std::string_view flow_id,
                                                      std::string_view locale) const {
  std::map<std::string, std::string> inputs;
  const FlowDef* def = flows_->Find(flow_id);
  if (def == nullptr) return inputs;
  const safety::RegionResources& region = resources_.ForLocale(locale);
  for (const std::string& in : def->inputs) {
    if (in == "crisis_lines" && !region.lines.empty()) inputs[in] = LinesSentence(region);
    if (in == "emergency_number") inputs[in] = region.EmergencyNumber();
  }
  return inputs;
}

Engine::GuidedTurn Engine::Guide(ConversationState& state, std::string_view text,
                                 const nlp::Analysis& analysis,
                                 const safety::ConversationContext& context, Plan& plan,
                                 std::string_view locale, std::int64_t now) const {
  GuidedTurn g;
  ActivityState& act = state.mutable_activity();
  auto offered = [&](std::string_view id) {
    return std::find(act.offered.begin(), act.offered.end(), id) != act.offered.end();
  };
  auto end_screening = [&](std::string_view why) {
    const ScreeningState& s = *act.screening;
    std::vector<int> answers = s.answers;
    if (answers.size() > static_cast<size_t>(ItemCount(s.instrument))) {
      answers.resize(static_cast<size_t>(ItemCount(s.instrument)));
    }
    act.screening_results.push_back(
        MakeResult(s.instrument, std::move(answers), s.difficulty, s.started_at, now));
    plan.why.push_back(std::string(why) + ":" + std::string(InstrumentId(s.instrument)));
    act.screening.reset();
  };

  // 1. Safety first: the safety reply is sent; the activity waits (a flow) or stops (screening).
  const bool safety_path =
      plan.strategy == Strategy::kCrisis || plan.strategy == Strategy::kHandoff;
  if (safety_path) {
    if (act.flow) {
      if (act.flow->phase == FlowPhase::kOffered) {
        act.flow.reset();  // an unanswered offer is withdrawn
      } else {
        if (act.flow->phase != FlowPhase::kInterrupted) {
          plan.why.push_back("flow_interrupted:" + act.flow->flow_id);
        }
        act.flow = FlowLibrary::Interrupt(*act.flow);
        act.interrupted_turn = state.user_turns();
      }
    }
    act.screening_offer.reset();
    if (act.screening) end_screening("screening_interrupted");
    return g;
  }
  // "Are you a bot?" is always answered; the activity waits for the next message.
  if (plan.tag == "about_ai") return g;

  // 2. A screening in progress takes the answer.
  if (act.screening) {
    const std::string id(InstrumentId(act.screening->instrument));
    const int item = act.screening->item;
    ScreeningStep st = screener_->Step(*act.screening, text, now);
    act.screening.reset();
    if (!st.state.finished) act.screening = st.state;
    if (st.result) act.screening_results.push_back(*st.result);
    switch (st.outcome) {
      case ScreeningOutcome::kRiskPath: {
        // PHQ-9 item 9: the crisis reply for (at least) moderate risk, now.
        state.RaiseRisk(RiskLevel::kModerate);
        nlp::Analysis risky = analysis;
        risky.risk.level = std::max(risky.risk.level, RiskLevel::kModerate);
        if (std::find(risky.risk.categories.begin(), risky.risk.categories.end(),
                      nlp::RiskCategory::kSuicide) == risky.risk.categories.end()) {
          risky.risk.categories.push_back(nlp::RiskCategory::kSuicide);
          std::sort(risky.risk.categories.begin(), risky.risk.categories.end());
        }
        std::vector<std::string> why = std::move(plan.why);
        plan = PlanTurn(text, risky, context, state, policy_);
        why.insert(why.end(), plan.why.begin(), plan.why.end());
        plan.why = std::move(why);
        plan.why.push_back("screening_risk_path:" + id + ":item9");
        g.prefix = std::move(st.messages);
        return g;
      }
      case ScreeningOutcome::kFinished:
        break;
      case ScreeningOutcome::kCompleted:
        g.messages = std::move(st.messages);
        g.strategy = Strategy::kInformation;
        g.tag = "screening";
        plan.why.push_back("screening_completed:" + id);
        return g;
      case ScreeningOutcome::kStopped:
        g.messages = std::move(st.messages);
        g.strategy = Strategy::kOther;
        g.tag = "screening";
        plan.why.push_back("screening_stopped:" + id);
        return g;
      default:
        g.messages = std::move(st.messages);
        g.strategy = Strategy::kQuestion;
        g.tag = "screening";
        plan.why.push_back("in screening " + id + ", item " + std::to_string(item + 1));
        return g;
    }
  }

  // 3. A flow: offered, running, or waiting to be resumed.
  if (act.flow) {
    const std::string id = act.flow->flow_id;
    if (act.flow->phase == FlowPhase::kInterrupted) {
      // Resumed only with consent: asked when the person wants to go back to it, or once the
      // moment has passed (two turns after the interruption, this one without risk). Leaving
      // ("stop") drops it quietly.
      if (IsExitRequest(text)) {
        act.flow.reset();
        plan.why.push_back("flow_dropped:" + id);
        return g;
      }
      const bool asks_to_continue = AsksToContinue(text);
      if (analysis.risk.level == RiskLevel::kNone &&
          (asks_to_continue || state.user_turns() >= act.interrupted_turn + 2)) {
        FlowStepResult r = flows_->Resume(*act.flow);
        if (r.outcome == FlowOutcome::kResumeOffered) {
          act.flow = r.state;
          g.messages = std::move(r.messages);
          g.strategy = Strategy::kQuestion;
          g.tag = "flow_resume";
          plan.why.push_back("flow_resume_offered:" + id);
          return g;
        }
        act.flow.reset();
      }
    } else {
      const std::string step = act.flow->step;
      FlowStepResult r = flows_->Step(*act.flow, text);
      act.flow.reset();
      if (r.state.active()) act.flow = r.state;
      if (r.check_back) act.check_backs.push_back(*r.check_back);
      switch (r.outcome) {
        case FlowOutcome::kLapsed:
          plan.why.push_back("flow_offer_lapsed:" + id);
          break;
        case FlowOutcome::kDeclined:
          // A no continues the conversation (the planner reads it as a declined offer).
          plan.why.push_back("flow_declined:" + id);
          break;
        case FlowOutcome::kNotActive:
        case FlowOutcome::kInterrupted:
          break;
        case FlowOutcome::kExited:
          g.messages = std::move(r.messages);
          g.strategy = Strategy::kOther;
          g.tag = "flow_exit";
          plan.why.push_back("flow_exited:" + id);
          return g;
        case FlowOutcome::kCompleted: {
          g.messages = std::move(r.messages);
          g.strategy = Strategy::kSuggestion;
          g.tag = "flow";
          plan.why.push_back("flow_completed:" + id);
          if (!r.then_offer.empty() && !offered(r.then_offer)) {
            auto next = flows_->Offer(r.then_offer, FlowInputs(r.then_offer, locale));
            if (next.ok()) {
              act.flow = next.value().state;
              act.offered.push_back(r.then_offer);
              for (std::string& m : next.value().messages) g.messages.push_back(std::move(m));
              g.tag = "offer";
              plan.why.push_back("flow_offered:" + r.then_offer);
            }
          }
          return g;
        }
        default:
          g.messages = std::move(r.messages);
          g.strategy = r.outcome == FlowOutcome::kResumeOffered ? Strategy::kQuestion
                                                                : Strategy::kSuggestion;
          g.tag = "flow";
          plan.why.push_back("in flow " + id + ", step " + (step.empty() ? "offer" : step));
          return g;
      }
    }
  }

  // 4. A questionnaire offered earlier: it starts only on a yes.
  if (act.screening_offer) {
    Instrument ins = *act.screening_offer;
    act.screening_offer.reset();
    if (ReadConsent(text) == Consent::kYes) {
      ScreeningStep st = screener_->Start(ins, now);
      act.screening = st.state;
      g.messages = std::move(st.messages);
      g.strategy = Strategy::kQuestion;
      g.tag = "screening";
      plan.why.push_back("screening_started:" + std::string(InstrumentId(ins)));
      return g;
    }
    plan.why.push_back("screening_declined:" + std::string(InstrumentId(ins)));
  }

  // 5. Asked for directly: starts now (asking is consent).
  if (std::optional<Request> req = DirectRequest(text)) {
    if (req->instrument) {
      ScreeningStep st = screener_->Start(*req->instrument, now);
      act.flow.reset();
      act.screening = st.state;
      g.messages = std::move(st.messages);
      g.strategy = Strategy::kQuestion;
      g.tag = "screening";
      plan.why.push_back("screening_started:" + std::string(InstrumentId(*req->instrument)));
      return g;
    }
    auto r = flows_->Start(req->flow_id, FlowInputs(req->flow_id, locale));
    if (r.ok()) {
      act.flow.reset();
      if (r.value().state.active()) act.flow = r.value().state;
      g.messages = std::move(r.value().messages);
      g.strategy = Strategy::kSuggestion;
      g.tag = "flow";
      plan.why.push_back("flow_started:" + req->flow_id);
      return g;
    }
  }

  // 6. In place of the planner's "may I suggest something?": a flow that suits this message.
  if (plan.tag == "offer" && plan.strategy == Strategy::kQuestion && !act.flow) {
    std::vector<std::string> names;
    for (int label : analysis.emotions.labels) {
      if (label >= 0 && label < static_cast<int>(nlp::kEmotionNames.size())) {
        names.emplace_back(nlp::kEmotionNames[static_cast<size_t>(label)]);
      }
    }
    for (const nlp::Topic& t : analysis.topics) names.push_back(t.label);
    if (std::string topic = state.CurrentTopic(); !topic.empty()) names.push_back(topic);
    for (const std::string& name : names) {
      for (const std::string& id : flows_->Suiting(name)) {
        if (offered(id)) continue;
        auto r = flows_->Offer(id, FlowInputs(id, locale));
        if (!r.ok()) continue;
        act.flow = r.value().state;
        act.offered.push_back(id);
        g.messages = std::move(r.value().messages);
        g.strategy = Strategy::kQuestion;
        g.tag = "offer";
        plan.why.push_back("flow_offered:" + id + " (suits " + name + ")");
        return g;
      }
    }
  }
  return g;
}

Reply Engine::Answer(ConversationState& state, std::string_view text, const nlp::Analysis& analysis,
                     std::string_view locale, uint64_t seed, bool guided, std::int64_t now) const {
  const bool first_reply = state.assistant_turns() == 0;
  safety::ConversationContext context = state.SafetyContext();
  state.AddUserTurn(text, analysis);
  Plan plan = PlanTurn(text, analysis, context, state, policy_);
  GuidedTurn guide;
  if (guided) {
    guide = Guide(state, text, analysis, context, plan, locale, now);
    if (!guide.messages.empty()) {
      plan.strategy = guide.strategy;
      plan.tag = guide.tag;
    }
  }

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
  if (!slots.topic.empty() && !slots.situation.empty()) {
    // The words that named the topic in this message ("job", "boss"), or the phrase's own last
    // word ("at work"), found in the situation.
    const std::string situation = Lower(slots.situation);
    auto named = [&](std::string_view w) {
      return FindWord(situation, Lower(w)) != std::string::npos;
    };
    const std::string current = state.CurrentTopic();
    for (const nlp::Topic& t : analysis.topics) {
      if (t.label != current) continue;
      for (const nlp::Span& sp : t.evidence) {
        if (sp.end <= text.size() && sp.start < sp.end) {
          slots.topic_in_situation |= named(text.substr(sp.start, sp.end - sp.start));
        }
      }
    }
    const size_t space = slots.topic.rfind(' ');
    slots.topic_in_situation |=
        named(space == std::string::npos ? std::string_view(slots.topic)
                                         : std::string_view(slots.topic).substr(space + 1));
  }
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
  slots.choice = plan.choice;
  slots.step = plan.step;
  slots.emergency = region.EmergencyNumber();
  if (!region.lines.empty()) slots.line = LinePhrase(region.lines.front());

  // The topics of this message ("job_loss" for work after a lay-off: CurrentTopic); a variant
  // about a topic asks, affirms or reflects only on what this message is about ("Your grades
  // don't define you" is not an answer to "we text during our zoom meetings"). An idea may also
  // be for the conversation's latest topic and its recurring ones (two messages or more).
  const std::string current_topic = state.CurrentTopic();
  std::vector<std::string> message_topics = state.last_turn()->topics;
  if (!message_topics.empty() && current_topic != message_topics.front()) {
    message_topics.push_back(current_topic);
  }
  std::vector<std::string> story_topics = message_topics;
  if (!current_topic.empty()) story_topics.push_back(current_topic);  // the latest topic
  for (const auto& [topic, count] : state.Stressors()) {
    if (count >= 2) story_topics.push_back(topic);
  }

  // Candidates of one (strategy, tag) pool, best first by fit and empathy.
  struct Cand {
    const Variant* v;
    std::string text;
    double score;
  };
  const bool pleasant = IsPleasantFamily(feeling.family);
  // What they said reads as hard (a painful feeling, or clearly negative words): only then may a
  // variant take it to be hard ("and that's been hard"); "I'm sure I'll find a better job" is not.
  const bool painful_news =
      !pleasant && (analysis.sentiment.compound <= -0.2 ||
                    (!feeling.family.empty() && analysis.sentiment.compound < 0.3));
  bool feeling_in_situation = false;
  if (!slots.feeling.empty() && !slots.situation.empty()) {
    const size_t space = slots.feeling.rfind(' ');
    const std::string last =
        Lower(space == std::string::npos ? slots.feeling : slots.feeling.substr(space + 1));
    feeling_in_situation = FindWord(Lower(slots.situation), last) != std::string::npos;
  }
  // The person's last three messages, lower case, for the variants' `words` and `not_words`.
  std::string recent_words = Lower(text);
  {
    int users = 0;
    const auto& recent = state.recent();
    for (auto it = recent.rbegin(); it != recent.rend() && users < 3; ++it) {
      if (it->role != "user") continue;
      ++users;
      if (it->text != text) recent_words += " | " + Lower(it->text);
    }
  }
  const std::string now_words = Lower(text);
  auto said_now = [&now_words](const std::vector<std::string>& words) {
    for (const std::string& w : words) {
      if (FindWord(now_words, w) != std::string::npos) return true;
    }
    return false;
  };
  auto mentions_any = [&recent_words](const std::vector<std::string>& words) {
    for (const std::string& w : words) {
      if (FindWord(recent_words, w) != std::string::npos) return true;
    }
    return false;
  };
  auto rank = [&](Strategy strategy, std::string_view tag) -> std::vector<Cand> {
    std::vector<Cand> cands;
    const bool for_ideas = strategy == Strategy::kSuggestion || strategy == Strategy::kInformation;
    for (const Variant& v : content_.variants()) {
      if (v.strategy != strategy || v.tag != tag || state.VariantUsed(v.id)) continue;
      double fit = 0;
      if (!v.emotions.empty()) {
        if (std::find(v.emotions.begin(), v.emotions.end(), feeling.family) == v.emotions.end()) {
          continue;
        }
        fit += 2;
      } else if (strategy == Strategy::kReflection && pleasant) {
        continue;  // the general reflections name a painful feeling (planner.cc)
      }
      if (!v.topics.empty()) {
        if (!AnyOf(v.topics, for_ideas ? story_topics : message_topics)) continue;
        // A topic's own variant names it ("So at work, {situation}"): not beside a situation
        // that names it already.
        if (v.text.find("{situation}") != std::string::npos) {
          if (slots.topic_in_situation) continue;
          // "So at work, {situation}" only where the situation is the sentence that named work:
          // a topic of this message, said in one sentence (not "I have few friends. I'll find
          // a better job", nor a topic from turns ago).
          if (!AnyOf(v.topics, state.last_turn()->topics) || !OneSentence(text)) continue;
        }
        // An idea about what they are dealing with is more to the point than one for a feeling.
        fit += strategy == Strategy::kSuggestion ? 3 : 2;
      }
      if (v.painful && !painful_news) continue;
      // "What's the hardest part when it comes to work?" names the topic of this message; an
      // idea or an offer of ideas may name the conversation's.
      if (v.text.find("{topic}") != std::string::npos && message_topics.empty() && !for_ideas &&
          tag != "offer") {
        continue;
      }
      // "What's a typical day at work like?" presumes the job they told us they lost.
      if (std::any_of(v.not_topics.begin(), v.not_topics.end(),
                      [&](const std::string& t) { return state.TopicCameUp(t); })) {
        continue;
      }
      // "Talk to your manager about your workload" presumes a manager and a workload.
      if (!v.words.empty()) {
        if (!mentions_any(v.words)) continue;
        // A variant without topics whose words are in this message fits what they ask about
        // now ("any hobbies you suggest?"), as a topic's own variant does. (With topics, the
        // words only guard what the text presumes: "your manager".)
        if (v.topics.empty() && said_now(v.words)) {
          fit += strategy == Strategy::kSuggestion ? 5 : 2;  // what they asked for comes first
        }
      }
      if (mentions_any(v.not_words)) continue;
      // "I feel more relaxed" is not answered with "How are you feeling about it?": a feeling
      // they named in this message is not asked for.
      if (feeling.stated && AsksHowTheyFeel(v.text)) continue;
      // "So you're sad today, and on top of that you're feeling sad": a feeling the situation
      // already names is not said twice.
      if (feeling_in_situation && v.text.find("{situation}") != std::string::npos &&
          v.text.find("{feeling}") != std::string::npos) {
        continue;
      }
      if (!v.intensities.empty()) {
        if (feeling.family.empty() || std::find(v.intensities.begin(), v.intensities.end(),
                                                feeling.intensity) == v.intensities.end()) {
          continue;
        }
        fit += 1;
      }
      // "It seems that it feels like...": a hedge before their own hedge says it twice.
      if (slots.situation.rfind("it feels ", 0) == 0) {
        const std::string lower_text = Lower(v.text);
        if (lower_text.find("seems that {situation}") != std::string::npos ||
            lower_text.find("sounds like {situation}") != std::string::npos) {
          continue;
        }
      }
      auto filled = FillSlots(v.text, slots);
      if (!filled) continue;
      // Their words said back can trip the output guard ("you have anxiety over it" reads as a
      // diagnosis): such a candidate gives way to the next, rather than the whole reply to the
      // safe fallback at the end.
      if (v.text.find("{situation}") != std::string::npos ||
          v.text.find("{choice}") != std::string::npos ||
          v.text.find("{step}") != std::string::npos) {
        if (!guard_.Check(*filled).pass) continue;
      }
      // An exact text said before (a replayed history) is not said again.
      bool said = false;
      for (const std::string& t : state.assistant_texts())
        said |= t.find(*filled) != std::string::npos;
      if (said) continue;
      for (const std::string& s : SlotsIn(v.text)) {
        if (s == "situation" || s == "person" || s == "step") fit += 1.5;
        if (s == "feeling") fit += 1.0;
        if (s == "topic") fit += 0.3;
        if (s == "name") fit += name_fresh ? 2.0 : 0.25;
      }
      cands.push_back({&v, std::move(*filled), fit + 1.2 * Jitter(seed, v.id)});
    }
    if (cands.empty()) return cands;
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
    return cands;
  };
  auto pick = [&](Strategy strategy,
                  std::string_view tag) -> std::pair<const Variant*, std::string> {
    std::vector<Cand> cands = rank(strategy, tag);
    if (cands.empty()) return {nullptr, ""};
    return {cands.front().v, std::move(cands.front().text)};
  };
  // The planned pool of an ordinary turn: the best candidate, or the chooser's pick among the
  // best kMaxArms (reply/chooser.h), recorded in the reasons.
  auto choose = [&](Strategy strategy,
                    std::string_view tag) -> std::pair<const Variant*, std::string> {
    std::vector<Cand> cands = rank(strategy, tag);
    if (cands.empty()) return {nullptr, ""};
    size_t k = 0;
    if (chooser_ != nullptr && cands.size() >= 2) {
      ChoiceRecord record;
      record.context = ChoiceContext(StrategyName(strategy), tag, feeling.family);
      for (size_t i = 0; i < cands.size() && i < kMaxArms; ++i) {
        record.arms.push_back(cands[i].v->id);
      }
      VariantChoice c = chooser_->Choose(record.context, record.arms);
      if (c.index < record.arms.size() && c.propensity > 0 && c.propensity <= 1) {
        k = c.index;
        record.arm = record.arms[k];
        record.policy = c.policy;
        record.propensity = c.propensity;
        plan.why.push_back(FormatChoiceReason(record));
      }
    }
    return {cands[k].v, std::move(cands[k].text)};
  };

  std::string body;
  const Variant* used = nullptr;
  const bool safety_path =
      plan.strategy == Strategy::kCrisis || plan.strategy == Strategy::kHandoff;
  if (!guide.messages.empty()) {
    // The flow's or questionnaire's own lines (they pass the output guard below).
    body = JoinLines(guide.messages);
    if (first_reply && !state.disclosed_ai()) {
      auto [dv, dtext] = pick(Strategy::kOther, "disclosure");
      body = (dv != nullptr ? dtext : std::string("I'm Haven, an AI, not a person.")) + " " + body;
    }
  } else if (safety_path) {
    // Only the learned reader saw risk: the same reply, with an acknowledgement that asks rather
    // than assumes (content's <tag>_uncertain pool, where the library has one).
    std::string ack_tag = plan.tag;
    if (plan.decision.learned_alone && (plan.tag == "check_in" || plan.tag == "crisis")) {
      const std::string uncertain = plan.tag + "_uncertain";
      if (std::any_of(content_.variants().begin(), content_.variants().end(),
                      [&](const Variant& c) { return c.tag == uncertain; })) {
        ack_tag = uncertain;
        plan.why.push_back("acknowledgement_uncertain");
      }
    }
    auto [v, ack] = pick(plan.strategy, ack_tag);
    // Every acknowledgement used already: reuse the pool in turn rather than say nothing kind.
    if (v == nullptr) {
      std::vector<std::pair<const Variant*, std::string>> pool;
      for (const Variant& cand : content_.variants()) {
        if (cand.strategy == plan.strategy && cand.tag == ack_tag) {
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
    auto [v, filled] = choose(plan.strategy, plan.tag);
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
    // An honest word first, when asked how Haven is ("and you?") or what it did or went through
    // ("what did you do?": it has no such story, unless the reply says it is an AI already); a
    // reaction would be one prefix too many.
    bool answered_back = false;
    auto prefix = [&](std::string_view tag) {
      auto [pv, ptext] = pick(Strategy::kOther, tag);
      if (pv == nullptr) return;
      body = ptext + " " + body;
      state.MarkVariantUsed(pv->id);
      plan.why.push_back(std::string(tag) + ":" + pv->id);
      answered_back = true;
    };
    if (v != nullptr && plan.tag != "about_ai") {
      if (AsksHowHavenIs(text)) prefix("asked_back");
      if (!answered_back && AsksHavensExperience(text) &&
          Lower(body).find("an ai") == std::string::npos) {
        prefix("asked_experience");
      }
    }
    // A short emotional reaction before a question or an idea, when the person is hurting in
    // this message and the reply has none of its own (every other turn, or whenever the feeling
    // is strong). Not for a feeling carried from the turn before: "Do you have any craft ideas?"
    // after a disappointment is not met with "That's such a letdown". Nor is confusion the
    // classifier reads into a question ("do you have any ideas...?") unless they said it.
    const Feeling& own = state.last_turn()->feeling;
    const bool painful_words = analysis.sentiment.compound < -0.3;
    const bool hurting = (!own.family.empty() && !IsPleasantFamily(own.family) &&
                          (own.stated || own.family != "confused")) ||
                         painful_words;
    // A restatement says their situation back, so it reacts only when the message itself reads
    // as painful: "we made a piece of software together, it was sweet" is not met with "that's
    // such a letdown", whatever feeling the turn before left.
    const bool reacts =
        (reply.strategy == Strategy::kQuestion && plan.tag.empty()) ||
        (reply.strategy == Strategy::kRestatement && plan.tag.empty() && painful_words) ||
        reply.strategy == Strategy::kSuggestion ||
        (reply.strategy == Strategy::kInformation && plan.tag.empty());
    if (v != nullptr && !answered_back && hurting && reacts &&
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
    // An optional language model words the reply, with the content reply as its draft.
    if (generator_ != nullptr && reply.strategy != Strategy::kInformation) {
      body = Generate(state, body, reply.strategy, plan, locale, feeling);
    }
    // The AI disclosure opens every conversation (about_ai says it already).
    if (first_reply && !state.disclosed_ai() && plan.tag != "about_ai") {
      auto [dv, dtext] = pick(Strategy::kOther, "disclosure");
      body = (dv != nullptr ? dtext : std::string("I'm Haven, an AI, not a person.")) + " " + body;
    }
  }
  if (!guide.prefix.empty()) body = JoinLines(guide.prefix) + "\n\n" + body;
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

std::string Engine::Generate(const ConversationState& state, const std::string& draft,
                             Strategy strategy, Plan& plan, std::string_view locale,
                             const Feeling& feeling) const {
  PromptInputs in;
  in.strategy = strategy;
  in.tag = plan.tag;
  in.draft = draft;
  in.locale = std::string(locale);
  for (const auto& m : state.recent()) in.recent.push_back({m.role, m.text});
  in.feeling = feeling.family;
  if (!feeling.family.empty()) in.intensity = std::string(IntensityName(feeling.intensity));
  for (const Person& p : state.people()) in.people.push_back(p.reference);
  for (const auto& [topic, count] : state.Stressors()) in.stressors.push_back(topic);
  in.stage = std::string(StageName(state.stage()));
  if (state.preferred_name()) in.preferred_name = *state.preferred_name();
  in.earlier_risk = state.max_level() >= RiskLevel::kLow;
  auto answer = generator_->Generate(BuildPrompt(in));
  if (!answer.ok()) {
    // The reason only ("timeout", "http 500"...): never the text.
    std::string reason = answer.status().message();
    reason = reason.substr(0, reason.find_first_of(":("));
    while (!reason.empty() && reason.back() == ' ') reason.pop_back();
    plan.why.push_back("llm_fallback:" + reason);
    return draft;
  }
  std::string text = std::move(answer).value();
  if (std::string why = CheckGenerated(text); !why.empty()) {
    plan.why.push_back("llm_fallback:" + why);
    return draft;
  }
  if (safety::GuardResult g = guard_.Check(text); !g.pass) {
    plan.why.push_back("llm_fallback:guard_" + std::string(safety::GuardRuleName(g.rule)));
    return draft;
  }
  plan.why.push_back("llm:" + generator_->name());
  return text;
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
  c.set_guided(false);  // each history stands alone: no flow or screening state to carry
  size_t run = history.size() - 1;  // the person's last turn: the user entries at the end
  while (run > 0 && history[run - 1].role == "user") --run;
  for (size_t i = 0; i < run; ++i) {
    if (history[i].role == "user") {
      c.ObserveUser(history[i].text);
    } else {
      c.ObserveAssistant(history[i].text);
    }
  }
  std::vector<std::string_view> texts;
  for (size_t i = run; i < history.size(); ++i) texts.push_back(history[i].text);
  return c.SendRun(texts);
}

Conversation::Conversation(const Engine& engine, std::string locale)
    : engine_(&engine), locale_(std::move(locale)) {}

Reply Conversation::Send(std::string_view text, nlp::Analysis* analysis) {
  seed_ = Mix(seed_, text);
  nlp::Analysis a = engine_->analyzer_->Analyze(text);
  Reply r = engine_->Answer(state_, text, a, locale_, seed_, guided_, now_);
  if (analysis) *analysis = std::move(a);
  return r;
}

Reply Conversation::SendRun(const std::vector<std::string_view>& texts) {
  if (texts.size() == 1) return Send(texts.front());
  std::vector<std::string_view> parts;  // without trailing blanks; empty ones left out
  for (std::string_view t : texts) {
    while (!t.empty() && (t.back() == ' ' || t.back() == '\n')) t.remove_suffix(1);
    if (!t.empty()) parts.push_back(t);
  }
  std::string joined;
  std::vector<uint32_t> offsets;
  for (std::string_view t : parts) {
    if (!joined.empty()) {
      const char end = joined.back();
      joined += end == '.' || end == '!' || end == '?' ? " " : ". ";
    }
    offsets.push_back(static_cast<uint32_t>(joined.size()));
    joined += t;
  }
  seed_ = Mix(seed_, joined);
  const nlp::Analyzer& analyzer = *engine_->analyzer_;
  nlp::Analysis a = analyzer.Analyze(joined);
  // Risk: the rules over the joined text (they read across the messages: "I have the pills" /
  // "tonight"), raised by each message's own reading, rules and learned reader. Not the learned
  // reader over the joined text: it learnt from single messages and reads long concatenations of
  // ordinary ones as risk (ESConv: 16 more crisis replies in 379 runs, nearly all false).
  a.risk = analyzer.risk_stage().Assess(analyzer.normalizer().Normalize(joined));
  for (size_t i = 0; i < parts.size(); ++i) {
    nlp::Risk alone = analyzer.Analyze(parts[i]).risk;
    if (alone.level <= a.risk.level) continue;
    a.risk.level = alone.level;
    a.risk.score = std::max(a.risk.score, alone.score);
    for (nlp::RiskCategory c : alone.categories) {
      if (std::find(a.risk.categories.begin(), a.risk.categories.end(), c) ==
          a.risk.categories.end()) {
        a.risk.categories.push_back(c);
      }
    }
    std::sort(a.risk.categories.begin(), a.risk.categories.end());
    for (nlp::RiskEvidence e : alone.evidence) {
      e.span.start += offsets[i];
      e.span.end += offsets[i];
      a.risk.evidence.push_back(std::move(e));
    }
  }
  return engine_->Answer(state_, joined, a, locale_, seed_, guided_, now_);
}

void Conversation::ObserveUser(std::string_view text) {
  seed_ = Mix(seed_, text);
  nlp::Analysis a = engine_->analyzer_->Analyze(text);
  state_.AddUserTurn(text, a);
}

void Conversation::ObserveAssistant(std::string_view text) {
  engine_->ObserveAssistant(state_, text);
}

std::string Conversation::SaveActivity() const {
  return ActivityStateToJson(state_.activity(), state_.user_turns());
}

Status Conversation::RestoreActivity(std::string_view json) {
  auto restored = ActivityStateFromJson(json, state_.user_turns());
  if (!restored.ok()) return restored.status();
  ActivityState& act = state_.mutable_activity();
  std::vector<ScreeningResult> results = std::move(act.screening_results);
  act = std::move(restored).value();
  act.screening_results = std::move(results);
  if (act.flow) {
    const FlowDef* f = engine_->flows_ ? engine_->flows_->Find(act.flow->flow_id) : nullptr;
    const bool waits_at_step = act.flow->phase == FlowPhase::kRunning ||
                               act.flow->phase == FlowPhase::kInterrupted ||
                               act.flow->phase == FlowPhase::kResumeOffered;
    if (!f || !act.flow->active() || (waits_at_step && !f->Find(act.flow->step))) {
      act.flow.reset();
    }
  }
  if (!engine_->screener_) {
    act.screening.reset();
    act.screening_offer.reset();
  }
  return Status::Ok();
}

}  // namespace haven::reply
