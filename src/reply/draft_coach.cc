#include "reply/draft_coach.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "nlp/text.h"
#include "reply/content.h"
#include "reply/state.h"

namespace haven::reply {
namespace {

// ---- Text ---------------------------------------------------------------------------------

bool IsCont(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// At most `max` bytes of `s`, not splitting a character (a run of stray continuation bytes is
// cut anyway: repair replaces it).
std::string_view CutAtChar(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t cut = max;
  for (int back = 0; back < 3 && cut > 0 && IsCont(s[cut]); ++back) --cut;
  return s.substr(0, cut);
}

// The first `max` bytes, as valid UTF-8.
std::string Clean(std::string_view s, size_t max, const nlp::Normalizer& normalizer) {
  std::string_view cut = CutAtChar(s, max);
  if (nlp::IsValidUtf8(cut)) return std::string(cut);
  return normalizer.Normalize(cut).text;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string Capitalize(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Chat spellings read as their canonical form.
std::string Canon(std::string w) {
  while (!w.empty() && (w.back() == '\'' || w.back() == '-')) w.pop_back();
  static constexpr std::pair<std::string_view, std::string_view> kMap[] = {
      {"dont", "don't"}, {"im", "i'm"},        {"youre", "you're"}, {"thats", "that's"},
      {"cant", "can't"}, {"wont", "won't"},    {"youll", "you'll"}, {"u", "you"},
      {"youd", "you'd"}, {"ur", "your"},       {"itll", "it'll"},   {"didnt", "didn't"},
      {"isnt", "isn't"}, {"doesnt", "doesn't"}};
  for (const auto& [from, to] : kMap) {
    if (w == from) return std::string(to);
  }
  return w;
}

// Lower-case words (letters, digits, inner apostrophes and hyphens; other UTF-8 kept inside
// words), with "." for a sentence end (. ! ; or a line break), "?" for a question's end and ","
// for a clause break.
std::vector<std::string> Tokens(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(Canon(std::move(cur)));
    cur.clear();
  };
  auto mark = [&](const char* m) {
    flush();
    if (out.empty() || (out.back() != "." && out.back() != "?")) {
      out.emplace_back(m);
    } else if (std::string_view(m) == "?") {
      out.back() = "?";
    }
  };
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    // Curly apostrophes read as straight ones; curly quotes and dashes separate words; an
    // ellipsis ends a sentence.
    if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80) {
      const unsigned char third = static_cast<unsigned char>(text[i + 2]);
      if (third == 0x98 || third == 0x99) {
        c = '\'';
        i += 2;
      } else if (third == 0x9C || third == 0x9D || third == 0x93 || third == 0x94) {
        c = ' ';
        i += 2;
      } else if (third == 0xA6) {
        c = '.';
        i += 2;
      }
    }
    if (std::isalnum(c) || c >= 0x80 || ((c == '\'' || c == '-') && !cur.empty())) {
      cur.push_back(static_cast<char>(std::tolower(c)));
    } else if (c == '?') {
      mark("?");
    } else if (c == '.' || c == '!' || c == ';' || c == '\n') {
      mark(".");
    } else if (c == ',' || c == ':') {
      flush();
      out.emplace_back(",");
    } else {
      flush();
    }
  }
  flush();
  return out;
}

bool IsBreak(const std::string& t) { return t == "." || t == "?" || t == ","; }

// The number of tokens `phrase` matches at t[i] (0: none). A phrase is words separated by spaces;
// "a|b" is either word.
size_t MatchAt(const std::vector<std::string>& t, size_t i, std::string_view phrase) {
  size_t k = i;
  while (!phrase.empty()) {
    const size_t sp = phrase.find(' ');
    std::string_view element = phrase.substr(0, sp);
    phrase = sp == std::string_view::npos ? std::string_view() : phrase.substr(sp + 1);
    if (k >= t.size()) return 0;
    bool ok = false;
    while (!element.empty() && !ok) {
      const size_t bar = element.find('|');
      ok = t[k] == element.substr(0, bar);
      element = bar == std::string_view::npos ? std::string_view() : element.substr(bar + 1);
    }
    if (!ok) return 0;
    ++k;
  }
  return k - i;
}

struct Hit {
  size_t at = 0;
  size_t len = 0;
};

template <size_t N>
std::optional<Hit> FindAny(const std::vector<std::string>& t, const std::string_view (&phrases)[N],
                           size_t from = 0) {
  for (size_t i = from; i < t.size(); ++i) {
    for (std::string_view p : phrases) {
      if (size_t n = MatchAt(t, i, p)) return Hit{i, n};
    }
  }
  return std::nullopt;
}

std::string Join(const std::vector<std::string>& t, Hit h) {
  std::string out;
  for (size_t i = h.at; i < h.at + h.len; ++i) {
    if (!out.empty()) out += ' ';
    out += t[i];
  }
  return out;
}

// "your sister" -> "their sister", "how you've been feeling" -> "how they've been feeling".
std::string ToThird(std::string_view second) {
  std::string out;
  size_t i = 0;
  while (i < second.size()) {
    size_t sp = second.find(' ', i);
    if (sp == std::string_view::npos) sp = second.size();
    std::string_view w = second.substr(i, sp - i);
    std::string r(w);
    if (w == "your") r = "their";
    if (w == "yours") r = "theirs";
    if (w == "you're") r = "they're";
    if (w == "you've") r = "they've";
    if (w == "yourself") r = "themselves";
    if (w == "you") r = sp < second.size() ? "they" : "them";
    if (!out.empty()) out += ' ';
    out += r;
    i = sp + 1;
  }
  return out;
}

uint64_t Fnv(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// ---- What the person talked about -----------------------------------------------------------

// An event of the person's story: "the argument with their manager" (said about them) and "the
// argument with your manager" (said to them).
struct Event {
  std::string theirs;
  std::string yours;
  bool past = true;     // "what happened after ..." fits; else "how are you feeling about ..."
  bool plural = false;  // "exams"
};

struct EventNoun {
  std::string_view word;
  bool past;
  bool plural;
};

constexpr EventNoun kEventNouns[] = {
    {"argument", true, false},      {"arguments", true, true},     {"fight", true, false},
    {"fights", true, true},         {"breakup", true, false},      {"break-up", true, false},
    {"accident", true, false},      {"funeral", true, false},      {"incident", true, false},
    {"confrontation", true, false}, {"disagreement", true, false}, {"divorce", true, false},
    {"miscarriage", true, false},   {"crash", true, false},        {"falling-out", true, false},
    {"layoff", true, false},        {"redundancy", true, false},   {"exam", false, false},
    {"exams", false, true},         {"interview", false, false},   {"appointment", false, false},
    {"deadline", false, false},     {"deadlines", false, true},    {"presentation", false, false},
    {"results", false, true},       {"diagnosis", false, false},   {"surgery", false, false},
    {"operation", false, false},    {"meeting", false, false},     {"wedding", false, false},
    {"review", false, false},       {"assessment", false, false},  {"test", false, false},
    {"tests", false, true},         {"scan", false, false},        {"court", false, false},
};

const EventNoun* FindEventNoun(std::string_view w) {
  for (const EventNoun& e : kEventNouns) {
    if (e.word == w) return &e;
  }
  return nullptr;
}

// The last event named in `text`, with the person it involved when the message says so ("a huge
// fight with my mum" -> "the fight with their mum"; "with her" resolves through `state`).
std::optional<Event> FindEvent(std::string_view text, const ConversationState& state) {
  const std::vector<std::string> t = Tokens(text);
  std::optional<Event> found;
  for (size_t i = 0; i < t.size(); ++i) {
    // "we broke up" -> the breakup; "got fired" / "was laid off" -> losing their job.
    if (MatchAt(t, i, "broke|broken up")) {
      found = Event{"the breakup", "the breakup", true, false};
      continue;
    }
    if (MatchAt(t, i, "got|was|been fired|sacked") || MatchAt(t, i, "got|was|been laid off") ||
        MatchAt(t, i, "lost my job")) {
      found = Event{"losing their job", "losing your job", true, false};
      continue;
    }
    const EventNoun* noun = FindEventNoun(t[i]);
    if (noun == nullptr) continue;
    // "court" only as "in court"; a verb ("we fight", "to test") is no event.
    if (t[i] == "court" && !(i > 0 && t[i - 1] == "in")) continue;
    if (i > 0) {
      static constexpr std::string_view kBeforeVerb[] = {"i",   "we",   "they",   "you",   "he",
                                                         "she", "to",   "always", "never", "just",
                                                         "can", "will", "would",  "don't"};
      if (std::find(std::begin(kBeforeVerb), std::end(kBeforeVerb), t[i - 1]) !=
          std::end(kBeforeVerb)) {
        continue;
      }
    }
    bool mine = false;
    for (size_t k = i; k > 0 && i - k < 3; --k) {
      const std::string& w = t[k - 1];
      if (IsBreak(w)) break;
      if (w == "my" || w == "our") mine = true;
      if (w == "the" || w == "a" || w == "an" || w == "this" || w == "that" || mine) break;
    }
    Event e;
    e.past = noun->past;
    e.plural = noun->plural;
    e.theirs = (mine ? "their " : "the ") + std::string(noun->word);
    e.yours = (mine ? "your " : "the ") + std::string(noun->word);
    // "... with my manager", "... with her".
    if (i + 2 < t.size() && t[i + 1] == "with") {
      std::string tail;
      for (size_t k = i + 2; k < t.size() && k < i + 6 && !IsBreak(t[k]); ++k) {
        tail += t[k];
        tail += ' ';
      }
      std::vector<Person> people = ExtractPeople(tail);
      std::string who;
      if (!people.empty() && (t[i + 2] == "my" || t[i + 2] == "our")) {
        who = people.front().reference;
      } else if (t[i + 2] == "her" || t[i + 2] == "him") {
        who = state.ResolvePronoun(t[i + 2]);
      }
      if (!who.empty()) {
        e.theirs += " with " + ToThird(who);
        e.yours += " with " + who;
      }
    }
    found = std::move(e);
  }
  return found;
}

// ---- Safety -------------------------------------------------------------------------------

enum class SafetyKind { kNone, kSuicide, kSelfHarm, kImminent, kMedical, kAbuse, kOthers, kThird };

// Asks about suicide, self-harm or safety: such a phrase in a question.
bool AsksAboutSafety(const std::vector<std::string>& t) {
  static constexpr std::string_view kTopics[] = {
      "kill|killing|hurt|hurting|harm|harming yourself",
      "end|ending|take|taking your life",
      "end|ending|take|taking your own life",
      "end|ending it all",
      "suicide|suicidal",
      "want|wanting to die",
      "thoughts of dying",
      "safe",
      "danger",
  };
  size_t begin = 0;
  for (size_t i = 0; i <= t.size(); ++i) {
    if (i < t.size() && t[i] != "." && t[i] != "?") continue;
    const bool question = (i < t.size() && t[i] == "?") ||
                          (begin < t.size() && begin < i &&
                           (t[begin] == "are" || t[begin] == "do" || t[begin] == "have" ||
                            t[begin] == "is" || t[begin] == "were" || t[begin] == "would"));
    if (question) {
      for (size_t k = begin; k < i; ++k) {
        for (std::string_view p : kTopics) {
          if (MatchAt(t, k, p)) return true;
        }
      }
    }
    begin = i + 1;
  }
  return false;
}

// Replies that shut down someone who may be thinking about suicide (safe messaging; the
// Samaritans' and 988's guidance for supporters): arguing, lecturing, false reassurance.
constexpr std::string_view kDismissive[] = {
    "don't say that|this",
    "don't say things like that",
    "don't talk|think like that|this",
    "don't think that|this way",
    "don't be silly|stupid|ridiculous|dramatic|daft",
    "so|such much to live for",
    "everything|lots to live for",
    "a lot to live for",
    "you don't mean that|it",
    "you don't really mean",
    "think of|about your family|kids|children|mum|mom|parents|friends",
    "think how your family|kids|parents",
    "suicide is selfish",
    "that's|it's selfish",
    "that|it is selfish",
    "you'd never",
    "you would never",
    "you're not serious",
    "you are not serious",
    "you'll be fine|okay|ok|alright",
    "you will be fine|okay|ok|alright",
    "everything will be fine|okay|ok|alright",
    "it'll be fine|okay|ok|alright",
    "it will be fine|okay|ok|alright",
    "cheer up",
    "look on the bright side",
    "snap out of it",
    "for attention",
    "attention seeking|seeker",
    "don't do anything stupid|silly|dumb|rash",
    "get over it",
};

// "Calm down", "relax": said as an instruction (at the start of a sentence, or after "just",
// "please", "you need to", ...), not "what helps you calm down?".
constexpr std::string_view kCalmDown[] = {
    "calm down",          "relax", "chill out", "stop panicking|worrying|crying", "don't panic",
    "don't be sad|upset",
};

bool InstructionAt(const std::vector<std::string>& t, size_t i) {
  if (i == 0 || IsBreak(t[i - 1])) return true;
  const std::string& p = t[i - 1];
  if (p == "just" || p == "please" || p == "so" || p == "ok" || p == "okay" || p == "and" ||
      p == "now" || p == "should" || p == "must" || p == "gotta" || p == "pls") {
    return true;
  }
  if (p == "to" && i >= 2) {
    const std::string& q = t[i - 2];
    return q == "need" || q == "have" || q == "try" || q == "got" || q == "ought";
  }
  return false;
}

// "At least it wasn't worse", "but at least you have ...": minimising at the start of a clause.
bool MinimisingAtLeast(const std::vector<std::string>& t) {
  for (size_t i = 0; i + 2 < t.size(); ++i) {
    if (t[i] != "at" || t[i + 1] != "least") continue;
    const bool clause_start = i == 0 || IsBreak(t[i - 1]) || t[i - 1] == "but" ||
                              t[i - 1] == "well" || t[i - 1] == "and" || t[i - 1] == "so" ||
                              t[i - 1] == "hey";
    static constexpr std::string_view kNext[] = {
        "it",     "it's", "he",  "she",    "they", "they're", "there", "there's", "that", "that's",
        "nobody", "no",   "you", "you're", "your", "things",  "this",  "we",      "i"};
    if (clause_start &&
        std::find(std::begin(kNext), std::end(kNext), t[i + 2]) != std::end(kNext)) {
      return true;
    }
  }
  return false;
}

// Questions that can sound like blame, above all to someone who has been hurt.
constexpr std::string_view kBlaming[] = {
    "why do|did|don't|didn't|would|wouldn't you stay|leave|let",
    "why do|did|don't|didn't|would|wouldn't you go back",
    "why didn't you leave|tell|report|stop|say|fight",
    "why haven't you left|told|reported",
    "what were you wearing",
    "what did you do to",
};

bool GivesAdvice(const std::vector<std::string>& t) {
  static constexpr std::string_view kAdvice[] = {
      "you should",    "you need to",   "you have to", "have you tried",
      "why don't you", "you could try", "try to",      "i suggest",
      "i recommend",   "you must",      "just try",
  };
  return FindAny(t, kAdvice).has_value();
}

std::string_view GuardWarning(safety::GuardRule rule) {
  switch (rule) {
    case safety::GuardRule::kMethod:
      return "Remove the details about ways of self-harm or suicide: they can put the person at "
             "risk.";
    case safety::GuardRule::kDosing:
      return "Don't give medicine amounts or dose changes; suggest they ask their doctor or "
             "pharmacist.";
    case safety::GuardRule::kConfidentiality:
      return "Don't promise to keep everything secret: if they are at risk, others may need to "
             "know.";
    case safety::GuardRule::kDiagnosis:
      return "Don't name a diagnosis; describe what they told you instead.";
    case safety::GuardRule::kBlame:
      return "This can read as blaming them; leave it out, or say it isn't their fault.";
    case safety::GuardRule::kMinimising:
      return "This can make their pain sound smaller; acknowledge how hard it is instead.";
    case safety::GuardRule::kHumanClaim:
      return "";  // true of a human supporter: not a warning here
  }
  return "";
}

// ---- Feedback -----------------------------------------------------------------------------

struct Facts {
  bool has_seeker = false;
  Feeling feeling;
  std::string phrase;  // the feeling said back: "really exhausted", "a bit down"
  std::string label;   // the feeling named to the supporter: "exhausted"
  std::string feel;    // after "you're" / "left you": "feeling really exhausted", "grieving"
  bool positive = false;
  std::optional<Event> event;
  std::string person_yours, person_theirs;  // "your sister", "their sister"
  std::string topic_yours, topic_theirs;    // "your studies", "their studies"
  bool topic_reflects = false;              // the topic reads after "feeling X about"
  RiskLevel risk = RiskLevel::kNone;
  SafetyKind safety = SafetyKind::kNone;
  bool safety_asked = false;  // the supporter asked after the riskiest message
};

bool Contains(std::string_view hay, std::string_view needle) {
  return !needle.empty() && Lower(hay).find(Lower(needle)) != std::string::npos;
}

// Whether the draft names the person's feeling (its family, or their own word's stem).
bool NamesFeeling(std::string_view draft, const std::vector<std::string>& tokens, const Facts& f) {
  if (f.feeling.family.empty()) return true;
  if (ReadFeeling(draft, nlp::Analysis()).family == f.feeling.family) return true;
  for (const std::string& w : Tokens(f.label)) {
    if (w.size() < 3) continue;
    const std::string stem = w.size() > 5 ? w.substr(0, w.size() - 2) : w;
    for (const std::string& t : tokens) {
      if (t.compare(0, stem.size(), stem) == 0) return true;
    }
  }
  return false;
}

// "It sounds like the argument with your manager has left you feeling exhausted."
std::string Reflection(const Facts& f, bool with_feeling) {
  with_feeling = with_feeling && !f.phrase.empty();
  if (f.event) {
    const std::string verb = f.event->plural ? " have" : " has";
    return with_feeling ? "It sounds like " + f.event->yours + verb + " left you " + f.feel + "."
                        : "It sounds like " + f.event->yours + verb + " been weighing on you.";
  }
  if (!f.person_yours.empty() && f.feeling.family == "grief") {
    return with_feeling
               ? "It sounds like losing " + f.person_yours + " has left you " + f.feel + "."
               : "It sounds like losing " + f.person_yours + " has been so painful.";
  }
  if (!f.person_yours.empty()) {
    return with_feeling
               ? "It sounds like things with " + f.person_yours + " have left you " + f.feel + "."
               : "It sounds like things with " + f.person_yours + " have been really hard.";
  }
  if (!f.topic_yours.empty() && f.topic_reflects) {
    return with_feeling ? "It sounds like you've been " + f.feel + " about " + f.topic_yours + "."
                        : "It sounds like a lot has been going on with " + f.topic_yours + ".";
  }
  if (with_feeling) return "It sounds like you're " + f.feel + ".";
  return "It sounds like a lot has been building up for you.";
}

// An open question about what they told: "What happened after the argument with your manager?"
std::string Question(const Facts& f) {
  if (f.positive) return "What does this mean for you?";
  if (f.event) {
    return f.event->past ? "What happened after " + f.event->yours + "?"
                         : "How are you feeling about " + f.event->yours + "?";
  }
  if (!f.person_yours.empty() && f.feeling.family == "grief") {
    return "What do you miss most about " + f.person_yours + "?";
  }
  if (!f.person_yours.empty()) return "How have things been with " + f.person_yours + " lately?";
  if (!f.topic_yours.empty()) return "What's been hardest about " + f.topic_yours + " for you?";
  if (!f.phrase.empty() && f.feel.rfind("feeling ", 0) == 0) {
    return "What's been making you feel " + f.phrase + "?";
  }
  if (!f.phrase.empty()) return "What has this been like for you?";
  return "What's been on your mind lately?";
}

std::string Reaction(const Facts& f) {
  if (f.phrase.empty()) return "I'm really sorry you're going through this.";
  return f.positive ? "I'm really glad you're " + f.feel + "."
                    : "I'm so sorry you're " + f.feel + ".";
}

std::string SafetySuggestion(const Facts& f) {
  if (f.safety_asked && (f.safety == SafetyKind::kSuicide || f.safety == SafetyKind::kSelfHarm)) {
    return "Keep safety first: stay with their answer, and if they are thinking of ending their "
           "life, ask whether they are safe right now.";
  }
  switch (f.safety) {
    case SafetyKind::kImminent:
      return "They may be in danger now: ask \"Are you safe right now?\" and get emergency help "
             "with them, following your escalation steps.";
    case SafetyKind::kMedical:
      return "Ask whether they have taken anything or are hurt, and urge them to get emergency "
             "help now.";
    case SafetyKind::kAbuse:
      return "Ask gently whether they are safe where they are right now.";
    case SafetyKind::kOthers:
      return "Ask calmly whether anyone is in danger right now, them included.";
    case SafetyKind::kThird:
      return "Ask whether the person they are worried about is safe right now, and how they "
             "themselves are coping.";
    case SafetyKind::kSelfHarm:
      return "Ask directly and kindly: \"Are you having thoughts of hurting yourself, or of "
             "ending your life?\" Asking does not make it more likely.";
    default:
      return "Ask directly and kindly about suicide: \"Are you having thoughts of ending your "
             "life?\" Asking does not put the idea in their head.";
  }
}

std::string SafetyQuestion(SafetyKind kind) {
  switch (kind) {
    case SafetyKind::kImminent:
      return "Are you safe right now? If you're in danger, please call your local emergency "
             "number now. I'm staying right here with you.";
    case SafetyKind::kMedical:
      return "Have you taken anything, or are you hurt? If so, please call your local emergency "
             "number or go to an emergency department now.";
    case SafetyKind::kAbuse:
      return "Are you safe where you are right now? None of this is your fault.";
    case SafetyKind::kOthers:
      return "Is anyone in danger right now, including you? If so, please call your local "
             "emergency number.";
    case SafetyKind::kThird:
      return "Do you know if they're safe right now? And how are you holding up with all this?";
    case SafetyKind::kSelfHarm:
      return "I want to ask you directly, because it matters: are you having thoughts of hurting "
             "yourself, or of ending your life? Whatever the answer, you can tell me.";
    default:
      return "I want to ask you directly, because it matters: are you having thoughts of ending "
             "your life? Whatever the answer, you can tell me.";
  }
}

SafetyKind KindOf(const nlp::Analysis& a, std::string_view tag, RiskLevel level) {
  auto has = [&](nlp::RiskCategory c) {
    return std::find(a.risk.categories.begin(), a.risk.categories.end(), c) !=
           a.risk.categories.end();
  };
  const bool suicide = has(nlp::RiskCategory::kSuicide);
  const bool self_harm = has(nlp::RiskCategory::kSelfHarm);
  // Most urgent first; thoughts of harming someone else are asked about with the person's own
  // safety ("is anyone in danger, including you?").
  if (level >= RiskLevel::kImminent || tag == "emergency") return SafetyKind::kImminent;
  if (has(nlp::RiskCategory::kMedical) || tag == "medical") return SafetyKind::kMedical;
  if (has(nlp::RiskCategory::kHarmToOthers) || tag == "harm_to_others") return SafetyKind::kOthers;
  if (suicide) return SafetyKind::kSuicide;
  if (self_harm) return SafetyKind::kSelfHarm;
  if (has(nlp::RiskCategory::kAbuse) || tag == "abuse") return SafetyKind::kAbuse;
  if (has(nlp::RiskCategory::kThirdParty) || tag == "third_party") return SafetyKind::kThird;
  return SafetyKind::kSuicide;
}

// Words a supporter's reply must not say: it is a person speaking, not Haven.
bool SpeaksAsHaven(const std::vector<std::string>& t) {
  static constexpr std::string_view kMarks[] = {"ai",      "haven",    "bot",
                                                "chatbot", "our team", "an assistant"};
  return FindAny(t, kMarks).has_value();
}

void AddUnique(std::vector<std::string>& list, std::string item) {
  if (item.empty() || list.size() >= DraftCoach::kMaxItems) return;
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(std::move(item));
}

// The draft as the middle of a reply: trimmed, ending with a sentence mark.
std::string AsSentence(std::string_view draft) {
  std::string d = Capitalize(Trim(draft));
  if (d.empty()) return d;
  const char last = d.back();
  if (last != '.' && last != '!' && last != '?' && last != ')' && last != '"') d += '.';
  return d;
}

std::vector<std::string> SafeAcks(const ContentLibrary& content, std::string_view tag) {
  std::vector<std::string> out;
  for (const Variant& v : content.variants()) {
    if (v.tag != tag || !SlotsIn(v.text).empty()) continue;
    if (SpeaksAsHaven(Tokens(v.text))) continue;
    out.push_back(v.text);
  }
  return out;
}

}  // namespace

DraftCoach::DraftCoach(const Engine& engine)
    : engine_(&engine), scorer_(engine.analyzer().normalizer()) {
  for (const Variant& v : engine.content().variants()) {
    if (v.tag == "disclosure" && SlotsIn(v.text).empty()) disclosures_.push_back(v.text);
  }
  check_in_acks_ = SafeAcks(engine.content(), "check_in");
  crisis_acks_ = SafeAcks(engine.content(), "crisis");
}

DraftFeedback DraftCoach::Coach(const std::vector<CoachTurn>& recent,
                                std::string_view draft_bytes) const {
  const nlp::Normalizer& normalizer = engine_->analyzer().normalizer();
  const ContentLibrary& content = engine_->content();

  // 1. The bounded, repaired input.
  std::vector<CoachTurn> turns;
  for (size_t i = recent.size() > kMaxTurns ? recent.size() - kMaxTurns : 0; i < recent.size();
       ++i) {
    turns.push_back({recent[i].from_seeker, Clean(recent[i].text, kMaxTurnBytes, normalizer)});
  }
  const std::string draft = Trim(Clean(draft_bytes, kMaxDraftBytes, normalizer));
  const std::vector<std::string> dt = Tokens(draft);
  const bool draft_empty =
      std::none_of(dt.begin(), dt.end(), [](const std::string& w) { return !IsBreak(w); });

  // 2. The conversation replayed through the engine: its state, and Haven's reply to the
  // seeker's latest message.
  int last_seeker = -1;
  std::vector<int> seeker_turns;  // indices into `turns`, in order
  for (size_t i = 0; i < turns.size(); ++i) {
    if (turns[i].from_seeker) {
      last_seeker = static_cast<int>(i);
      seeker_turns.push_back(static_cast<int>(i));
    }
  }
  Conversation conv(*engine_, "en-US");
  conv.set_guided(false);
  std::optional<Reply> haven;
  for (int i = 0; i <= last_seeker; ++i) {
    const CoachTurn& t = turns[static_cast<size_t>(i)];
    if (i == last_seeker) {
      haven = conv.Send(t.text);
    } else if (t.from_seeker) {
      conv.ObserveUser(t.text);
    } else {
      conv.ObserveAssistant(t.text);
    }
  }
  const ConversationState& st = conv.state();

  // 3. What the person said: feeling, event, person, topic, risk.
  Facts f;
  f.has_seeker = last_seeker >= 0;
  std::string seeker_words;  // the last three messages, for the empathy scorer
  for (size_t k = seeker_turns.size() >= 3 ? seeker_turns.size() - 3 : 0; k < seeker_turns.size();
       ++k) {
    if (!seeker_words.empty()) seeker_words += '\n';
    seeker_words += turns[static_cast<size_t>(seeker_turns[k])].text;
  }
  // The feeling: the latest one the person named in their own words within their last three
  // messages, else the latest one read by the classifier.
  const auto& facts = st.turns();
  for (size_t k = facts.size(); k > 0; --k) {
    const Feeling& fk = facts[k - 1].feeling;
    if (fk.family.empty()) continue;
    if (f.feeling.family.empty()) f.feeling = fk;
    if (fk.stated && facts.size() - k < 3) {
      f.feeling = fk;
      break;
    }
  }
  f.phrase = content.FeelingPhrase(f.feeling);
  f.positive = IsPleasantFamily(f.feeling.family);
  f.label = f.phrase;
  // "you're grieving", not "you're feeling grieving".
  const size_t last_space = f.phrase.rfind(' ');
  const std::string last_word =
      last_space == std::string::npos ? f.phrase : f.phrase.substr(last_space + 1);
  f.feel = last_word.size() > 4 && last_word.ends_with("ing") ? f.phrase : "feeling " + f.phrase;
  for (std::string_view hedge : {"really ", "a bit ", "a little "}) {
    if (f.label.rfind(hedge, 0) == 0 && f.label.size() > hedge.size()) {
      f.label = f.label.substr(hedge.size());
    }
  }
  for (size_t k = seeker_turns.size(); k > 0 && k + 3 > seeker_turns.size() && !f.event; --k) {
    f.event = FindEvent(turns[static_cast<size_t>(seeker_turns[k - 1])].text, st);
  }
  const Person* person = st.current_person();
  for (const Person& p : st.people()) {
    if (person == nullptr || p.last_turn > person->last_turn) person = &p;
  }
  if (person != nullptr) {
    f.person_yours = person->reference;
    f.person_theirs = ToThird(person->reference);
  }
  if (const std::string topic = st.CurrentTopic(); !topic.empty()) {
    f.topic_yours = content.TopicPhrase(topic);
    f.topic_theirs = ToThird(f.topic_yours);
    f.topic_reflects = topic != "mental_health" && topic != "loneliness";
  }

  size_t riskiest = 0;  // index into seeker_turns
  for (size_t k = 0; k < facts.size() && k < seeker_turns.size(); ++k) {
    if (facts[k].level >= f.risk && facts[k].level > RiskLevel::kNone) {
      f.risk = facts[k].level;
      riskiest = k;
    }
  }
  std::string_view haven_tag = haven ? std::string_view(haven->tag) : std::string_view();
  if (haven && haven->risk_level > f.risk) {
    f.risk = haven->risk_level;
    riskiest = seeker_turns.size() - 1;
  }
  // Handoffs without a risk level (abuse, harm to others) are safety moments too; worry about
  // someone else is one only with risk.
  const bool safety_tag = haven_tag == "abuse" || haven_tag == "harm_to_others" ||
                          haven_tag == "medical" || haven_tag == "emergency";
  if (f.risk >= RiskLevel::kLow || safety_tag) {
    if (f.risk < RiskLevel::kLow) riskiest = seeker_turns.size() - 1;  // the handoff's message
    const int at = seeker_turns[riskiest];
    const bool latest = at == last_seeker;
    if (f.risk >= RiskLevel::kLow) {
      // The riskiest message's categories (read again: the engine keeps only its level).
      const nlp::Analysis a = engine_->analyzer().Analyze(turns[static_cast<size_t>(at)].text);
      f.safety = KindOf(a, latest ? haven_tag : std::string_view(), f.risk);
    } else {
      f.safety = KindOf(nlp::Analysis(), haven_tag, f.risk);
    }
    for (size_t i = static_cast<size_t>(at) + 1; i < turns.size(); ++i) {
      if (!turns[i].from_seeker && AsksAboutSafety(Tokens(turns[i].text))) f.safety_asked = true;
    }
  }
  const bool draft_asks_safety = AsksAboutSafety(dt);

  DraftFeedback out;
  out.score = scorer_.Score(seeker_words, draft);
  const int er = out.score[Mechanism::kEmotionalReactions].level;
  const int ip = out.score[Mechanism::kInterpretations].level;
  const int ex = out.score[Mechanism::kExplorations].level;

  // 4. Warnings.
  bool unsafe_draft = false;  // not a base for a suggested reply
  const safety::GuardResult guard = guard_.Check(draft);
  std::vector<safety::GuardRule> rules;
  for (const safety::GuardViolation& v : guard.violations) {
    if (v.rule == safety::GuardRule::kHumanClaim) continue;
    if (std::find(rules.begin(), rules.end(), v.rule) == rules.end()) rules.push_back(v.rule);
  }
  std::sort(rules.begin(), rules.end());
  if (!guard.pass) unsafe_draft = true;
  std::optional<Hit> dismissive = FindAny(dt, kDismissive);
  const bool at_risk = f.risk >= RiskLevel::kLow &&
                       (f.safety == SafetyKind::kSuicide || f.safety == SafetyKind::kSelfHarm ||
                        f.safety == SafetyKind::kImminent);
  if (at_risk && dismissive) {
    out.warnings.push_back("\"" + Join(dt, *dismissive) +
                           "\" can shut them down when they may be thinking about suicide. Take "
                           "it seriously and ask about it directly.");
    unsafe_draft = true;
  }
  if (f.risk >= RiskLevel::kModerate && !draft_empty && !draft_asks_safety && !f.safety_asked) {
    out.warnings.push_back(
        "Their messages suggest they may be at risk, and your reply doesn't ask about their "
        "safety yet.");
  }
  bool minimising_said = false;
  for (safety::GuardRule r : rules) {
    if (r == safety::GuardRule::kMinimising) {
      if (at_risk && dismissive) continue;  // said above
      minimising_said = true;
    }
    out.warnings.emplace_back(GuardWarning(r));
  }
  if (!minimising_said && MinimisingAtLeast(dt)) {
    out.warnings.emplace_back(GuardWarning(safety::GuardRule::kMinimising));
    unsafe_draft = true;
  }
  if (std::optional<Hit> h = FindAny(dt, kBlaming)) {
    out.warnings.push_back("\"" + Join(dt, *h) +
                           "\" can sound like blame; focus on how they are and whether they are "
                           "safe.");
    unsafe_draft = true;
  }
  for (size_t i = 0; i < dt.size(); ++i) {
    bool found = false;
    for (std::string_view p : kCalmDown) {
      if (size_t n = MatchAt(dt, i, p); n > 0 && InstructionAt(dt, i)) {
        out.warnings.push_back("\"" + Join(dt, {i, n}) +
                               "\" tends to feel dismissive; name what they are feeling instead.");
        unsafe_draft = true;
        found = true;
        break;
      }
    }
    if (found) break;
  }

  // 5. Suggestions: safety first, then the weakest mechanisms.
  if (f.safety != SafetyKind::kNone) {
    std::string s = SafetySuggestion(f);
    if (draft_asks_safety &&
        (f.safety == SafetyKind::kSuicide || f.safety == SafetyKind::kSelfHarm)) {
      s = "Good that you ask directly. Stay with their answer, and if they are thinking of ending "
          "their life, ask whether they are safe right now.";
    }
    AddUnique(out.suggestions, std::move(s));
  }
  if (!f.has_seeker) {
    if (ex < 2) {
      AddUnique(out.suggestions,
                "Open warmly and invite them to share: \"I'm glad you reached out. What's on "
                "your mind today?\"");
    }
  } else {
    const bool named = !draft_empty && NamesFeeling(draft, dt, f);
    const bool advice = GivesAdvice(dt);
    struct Need {
      int level;
      int order;
      std::string text;
    };
    std::vector<Need> needs;
    if (er < 2) {
      std::string s;
      if (!f.phrase.empty() && !named) {
        s = f.positive ? "Share their good news warmly: \"" + Reaction(f) + "\""
                       : "Name the feeling you noticed: " + f.label + " (\"" + Reaction(f) + "\")";
      } else {
        s = std::string(er == 0 ? "Add a word of warmth" : "Make your warmth more personal") +
            ": \"I'm really sorry you're going through this.\"";
        if (f.positive) s = "Share their good news warmly: \"I'm really glad to hear that.\"";
      }
      needs.push_back({er, 0, std::move(s)});
    }
    if (ip < 2) {
      std::string lead = advice && ip == 0 ? "Before any advice, say back what you heard"
                         : ip == 1         ? "Go beyond a general \"I understand\": say back what "
                                             "you heard"
                                           : "Say back what you heard";
      needs.push_back({ip, 1, lead + ": \"" + Reflection(f, true) + "\""});
    }
    if (ex < 2) {
      std::string ask;
      if (f.positive) {
        ask = "ask what this means for them: \"" + Question(f) + "\"";
      } else if (f.event) {
        ask = f.event->past ? "ask what happened after " + f.event->theirs
                            : "ask how they are feeling about " + f.event->theirs;
      } else if (!f.person_theirs.empty() && f.feeling.family == "grief") {
        ask = "ask what they miss most about " + f.person_theirs;
      } else if (!f.person_theirs.empty()) {
        ask = "ask how things have been with " + f.person_theirs + " lately";
      } else if (!f.topic_theirs.empty()) {
        ask = "ask what has been hardest about " + f.topic_theirs;
      } else if (!f.phrase.empty()) {
        ask = "ask an open question: \"" + Question(f) + "\"";
      } else {
        ask = "ask an open question: \"What's been on your mind lately?\"";
      }
      needs.push_back(
          {ex, 2, ex == 1 ? "Make your question specific: " + ask : Capitalize(std::move(ask))});
    }
    std::stable_sort(needs.begin(), needs.end(), [](const Need& a, const Need& b) {
      return a.level != b.level ? a.level < b.level : a.order < b.order;
    });
    for (size_t i = 0; i < needs.size(); ++i) {
      std::string s = std::move(needs[i].text);
      if (draft_empty && i == 0 && !s.empty()) {
        s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
        s = "To start, " + s;
      }
      AddUnique(out.suggestions, std::move(s));
    }
  }

  // 6. Suggested replies.
  std::vector<std::string> candidates;
  const std::string body = AsSentence(draft);
  const bool draft_usable = !draft_empty && !unsafe_draft;
  if (!f.has_seeker) {
    candidates.push_back("I'm really glad you reached out. What's on your mind today?");
    candidates.push_back("Hi, thank you for getting in touch. How are you feeling today?");
    if (draft_usable && ex == 0)
      candidates.insert(candidates.begin(), body + " What's on your mind today?");
  } else if (f.safety != SafetyKind::kNone) {
    const std::string q = SafetyQuestion(f.safety);
    const std::string ack =
        !f.phrase.empty() && !f.positive
            ? "It sounds like you're " + f.feel + ", and I'm really glad you told me."
            : "I'm really glad you told me.";
    candidates.push_back(ack + " " + q);
    if (draft_usable) {
      candidates.push_back(draft_asks_safety ? body : body + " " + q);
    }
    const std::vector<std::string>& acks =
        f.risk >= RiskLevel::kModerate ? crisis_acks_ : check_in_acks_;
    if (!acks.empty()) {
      const std::string& last = turns[static_cast<size_t>(last_seeker)].text;
      candidates.push_back(acks[Fnv(last) % acks.size()] + " " + q);
    }
  } else {
    const bool named = NamesFeeling(draft, dt, f);
    // The draft with what it misses added: warmth first, then a reflection, the draft, and a
    // question when it has none.
    if (draft_usable) {
      const bool add_er = er < 2 && !(named && er == 1);
      const bool add_ip = ip < 2;
      // Their own reaction opens the reply; advice waits until they have been heard.
      const bool draft_first = er >= 1 && !GivesAdvice(dt);
      std::vector<std::string> parts;
      if (draft_first) parts.push_back(body);
      if (add_er && !draft_first) parts.push_back(Reaction(f));
      if (add_ip) parts.push_back(Reflection(f, !add_er || draft_first));
      if (!draft_first) parts.push_back(body);
      if (ex == 0) parts.push_back(Question(f));
      if (add_er || add_ip || ex == 0) {
        std::string improved;
        for (const std::string& p : parts) improved += (improved.empty() ? "" : " ") + p;
        candidates.push_back(std::move(improved));
      }
    }
    // One composed from the person's feeling and words.
    candidates.push_back(Reaction(f) + " " + Reflection(f, false) + " " + Question(f));
    // Haven's own reply, without its AI disclosure.
    if (haven && haven->strategy != Strategy::kCrisis && haven->strategy != Strategy::kHandoff &&
        haven->strategy != Strategy::kInformation) {
      std::string text = haven->text;
      for (const std::string& d : disclosures_) {
        if (text.size() > d.size() && text.compare(0, d.size(), d) == 0) {
          text = Trim(std::string_view(text).substr(d.size()));
          break;
        }
      }
      candidates.push_back(std::move(text));
    }
  }

  for (std::string& c : candidates) {
    if (out.replies.size() >= kMaxItems) break;
    // Every reply names the person's feeling.
    if (!f.phrase.empty() && !f.positive && !Contains(c, f.phrase) &&
        !NamesFeeling(c, Tokens(c), f)) {
      c = "It sounds like you're " + f.feel + ". " + c;
    }
    const std::vector<std::string> ct = Tokens(c);
    if (ct.empty() || SpeaksAsHaven(ct) || !guard_.Check(c).pass) continue;
    AddUnique(out.replies, std::move(c));
  }
  return out;
}

}  // namespace haven::reply
