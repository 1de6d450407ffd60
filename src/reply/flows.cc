#include "reply/flows.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace haven::reply {
namespace {

constexpr std::string_view kNotAdded = "(nothing added yet)";

// ---- Reading short answers ----------------------------------------------------------------------

std::string Join(const std::vector<std::string>& w, size_t from = 0,
                 size_t to = std::string::npos) {
  std::string out;
  to = std::min(to, w.size());
  for (size_t i = from; i < to; ++i) {
    if (!out.empty()) out += ' ';
    out += w[i];
  }
  return out;
}

struct ConsentPhrase {
  std::string_view text;
  Consent value;
};

constexpr ConsentPhrase kConsent[] = {
    // yes
    {"yes", Consent::kYes},
    {"yeah", Consent::kYes},
    {"yea", Consent::kYes},
    {"yep", Consent::kYes},
    {"yup", Consent::kYes},
    {"ya", Consent::kYes},
    {"yah", Consent::kYes},
    {"y", Consent::kYes},
    {"sure", Consent::kYes},
    {"sure thing", Consent::kYes},
    {"ok", Consent::kYes},
    {"okay", Consent::kYes},
    {"okey", Consent::kYes},
    {"k", Consent::kYes},
    {"kk", Consent::kYes},
    {"alright", Consent::kYes},
    {"all right", Consent::kYes},
    {"fine", Consent::kYes},
    {"please", Consent::kYes},
    {"yes please", Consent::kYes},
    {"go on", Consent::kYes},
    {"go ahead", Consent::kYes},
    {"go for it", Consent::kYes},
    {"lets do it", Consent::kYes},
    {"lets do that", Consent::kYes},
    {"lets try", Consent::kYes},
    {"lets go", Consent::kYes},
    {"lets", Consent::kYes},
    {"give it a go", Consent::kYes},
    {"give it a try", Consent::kYes},
    {"try it", Consent::kYes},
    {"ill try", Consent::kYes},
    {"i will try", Consent::kYes},
    {"ill give it a go", Consent::kYes},
    {"id like that", Consent::kYes},
    {"i would like that", Consent::kYes},
    {"id like to", Consent::kYes},
    {"i would like to", Consent::kYes},
    {"id like", Consent::kYes},
    {"sounds good", Consent::kYes},
    {"sounds great", Consent::kYes},
    {"sounds helpful", Consent::kYes},
    {"that would help", Consent::kYes},
    {"that would be good", Consent::kYes},
    {"why not", Consent::kYes},
    {"of course", Consent::kYes},
    {"definitely", Consent::kYes},
    {"absolutely", Consent::kYes},
    {"certainly", Consent::kYes},
    {"i guess", Consent::kYes},
    {"i guess so", Consent::kYes},
    {"i suppose", Consent::kYes},
    {"i suppose so", Consent::kYes},
    {"i think so", Consent::kYes},
    {"ready", Consent::kYes},
    {"im ready", Consent::kYes},
    {"no problem", Consent::kYes},
    {"no worries", Consent::kYes},
    {"dont mind", Consent::kYes},
    {"i dont mind", Consent::kYes},
    {"do it", Consent::kYes},
    {"carry on", Consent::kYes},
    {"keep going", Consent::kYes},
    {"continue", Consent::kYes},
    // no
    {"no", Consent::kNo},
    {"nope", Consent::kNo},
    {"nah", Consent::kNo},
    {"no thanks", Consent::kNo},
    {"no thank you", Consent::kNo},
    {"not now", Consent::kNo},
    {"not right now", Consent::kNo},
    {"not today", Consent::kNo},
    {"not really", Consent::kNo},
    {"not at the moment", Consent::kNo},
    {"not at all", Consent::kNo},
    {"maybe later", Consent::kNo},
    {"maybe another time", Consent::kNo},
    {"later", Consent::kNo},
    {"another time", Consent::kNo},
    {"some other time", Consent::kNo},
    {"i dont want to", Consent::kNo},
    {"dont want to", Consent::kNo},
    {"i dont wanna", Consent::kNo},
    {"dont wanna", Consent::kNo},
    {"i would rather not", Consent::kNo},
    {"id rather not", Consent::kNo},
    {"rather not", Consent::kNo},
    {"no way", Consent::kNo},
    {"not interested", Consent::kNo},
    {"pass", Consent::kNo},
    {"skip", Consent::kNo},
    {"skip it", Consent::kNo},
    {"i dont think so", Consent::kNo},
    {"dont think so", Consent::kNo},
    {"not for me", Consent::kNo},
    {"not in the mood", Consent::kNo},
    {"i cant right now", Consent::kNo},
    {"im fine", Consent::kNo},
    {"im fine thanks", Consent::kNo},
    {"i am fine", Consent::kNo},
    {"im ok", Consent::kNo},
    {"im okay", Consent::kNo},
    {"im good", Consent::kNo},
    {"im alright", Consent::kNo},
    {"i am ok", Consent::kNo},
    {"i am okay", Consent::kNo},
    {"i am good", Consent::kNo},
    // unsure
    {"maybe", Consent::kUnsure},
    {"perhaps", Consent::kUnsure},
    {"possibly", Consent::kUnsure},
    {"not sure", Consent::kUnsure},
    {"not really sure", Consent::kUnsure},
    {"im not sure", Consent::kUnsure},
    {"unsure", Consent::kUnsure},
    {"i dont know", Consent::kUnsure},
    {"dont know", Consent::kUnsure},
    {"idk", Consent::kUnsure},
    {"dunno", Consent::kUnsure},
    {"no idea", Consent::kUnsure},
    {"what is it", Consent::kUnsure},
    {"whats that", Consent::kUnsure},
    {"what is that", Consent::kUnsure},
    {"whats it", Consent::kUnsure},
    {"how does it work", Consent::kUnsure},
    {"what does it involve", Consent::kUnsure},
    {"what would that involve", Consent::kUnsure},
    {"what do i do", Consent::kUnsure},
    {"what do i have to do", Consent::kUnsure},
    {"will it help", Consent::kUnsure},
    {"does it help", Consent::kUnsure},
    {"does it work", Consent::kUnsure},
    {"how long", Consent::kUnsure},
    {"how long does it take", Consent::kUnsure},
    // words that start with "no"/"not" but answer nothing
    {"no one", Consent::kOther},
    {"nobody", Consent::kOther},
    {"no matter", Consent::kOther},
    {"no longer", Consent::kOther},
    {"not even", Consent::kOther},
    {"not only", Consent::kOther},
};

// The number of words of `phrase` (single spaces between words) when they equal w[i, ...) before
// `to`, else 0. No allocation: the tables are matched at every word of every answer.
size_t MatchAt(const std::vector<std::string>& w, size_t i, size_t to, std::string_view phrase) {
  size_t k = i;
  size_t pos = 0;
  while (pos <= phrase.size()) {
    size_t space = phrase.find(' ', pos);
    if (space == std::string_view::npos) space = phrase.size();
    if (k >= to || w[k] != phrase.substr(pos, space - pos)) return 0;
    ++k;
    pos = space + 1;
  }
  return k - i;
}

// Longest phrase of kConsent at each position of w[from, to).
std::vector<Consent> ConsentMatches(const std::vector<std::string>& w, size_t to) {
  std::vector<Consent> out;
  size_t i = 0;
  while (i < to) {
    size_t best = 0;
    Consent value = Consent::kOther;
    for (const ConsentPhrase& p : kConsent) {
      const size_t len = MatchAt(w, i, to, p.text);
      if (len > best) {
        best = len;
        value = p.value;
      }
    }
    if (best > 0) {
      out.push_back(value);
      i += best;
    } else {
      ++i;
    }
  }
  return out;
}

constexpr std::string_view kExitFillers[] = {
    "please", "ok",    "okay",  "now",   "thanks", "thank", "you",   "sorry", "actually",
    "just",   "right", "for",   "today", "yeah",   "hey",   "can",   "could", "we",
    "lets",   "let",   "us",    "i",     "im",     "want",  "wanna", "to",    "would",
    "like",   "id",    "think", "need",  "so",     "here",  "there", "maybe", "and",
    "all",    "of",    "this",  "it",    "that",   "really"};
constexpr std::string_view kExitWhole[] = {"stop",
                                           "quit",
                                           "exit",
                                           "cancel",
                                           "enough",
                                           "stop stop",
                                           "leave",
                                           "finish",
                                           "no more",
                                           "nevermind",
                                           "never mind",
                                           "forget",
                                           "stop questions",
                                           "stop asking",
                                           "enough questions",
                                           "no more questions",
                                           "stop exercise",
                                           "leave it",
                                           "end exercise",
                                           "quit exercise",
                                           "stop now"};
constexpr std::string_view kExitContained[] = {"dont want to do this",
                                               "dont want to do that",
                                               "dont want to do it",
                                               "dont wanna do this",
                                               "dont want to continue",
                                               "dont want to carry on",
                                               "dont want to keep going",
                                               "dont want to go on with",
                                               "no more questions",
                                               "stop the questions",
                                               "stop asking me",
                                               "done with this",
                                               "done with these",
                                               "stop this exercise",
                                               "stop the exercise",
                                               "can we stop",
                                               "could we stop",
                                               "can we please stop",
                                               "lets stop here",
                                               "lets stop now",
                                               "lets stop this",
                                               "i want to stop this",
                                               "i want to stop now",
                                               "i would like to stop",
                                               "id like to stop",
                                               "stop doing this",
                                               "not doing this anymore",
                                               "can we not do this",
                                               "rather not continue",
                                               "rather not carry on",
                                               "forget it",
                                               "lets leave it"};

template <size_t N>
bool In(std::string_view w, const std::string_view (&list)[N]) {
  return std::find(std::begin(list), std::end(list), w) != std::end(list);
}

bool ContainsPhrase(const std::string& joined, std::string_view phrase) {
  const std::string hay = " " + joined + " ";
  std::string needle = " ";
  needle += phrase;
  needle += ' ';
  return hay.find(needle) != std::string::npos;
}

constexpr std::string_view kListDone[] = {"done",
                                          "im done",
                                          "i am done",
                                          "all done",
                                          "thats all",
                                          "that is all",
                                          "thats it",
                                          "that is it",
                                          "thats everything",
                                          "nothing else",
                                          "nothing more",
                                          "no",
                                          "nope",
                                          "nah",
                                          "no more",
                                          "none",
                                          "finished",
                                          "im finished",
                                          "next",
                                          "move on",
                                          "lets move on",
                                          "thats enough",
                                          "enough",
                                          "none really",
                                          "nothing",
                                          "no thats all",
                                          "no thats it",
                                          "no nothing else",
                                          "i cant think of any more",
                                          "i cant think of anything else",
                                          "cant think of any more",
                                          "cant think of anything else",
                                          "i dont know",
                                          "idk",
                                          "not sure",
                                          "no one",
                                          "nobody",
                                          "no one really",
                                          "nobody really",
                                          "theres no one",
                                          "there is no one",
                                          "i have no one",
                                          "i dont have anyone",
                                          "not really anyone",
                                          "nope nobody",
                                          "no one i can think of",
                                          "noone",
                                          "thats all i can think of"};
constexpr std::string_view kDontKnow[] = {"i dont know",
                                          "dont know",
                                          "idk",
                                          "dunno",
                                          "not sure",
                                          "im not sure",
                                          "no idea",
                                          "i have no idea",
                                          "i really dont know",
                                          "i cant think of anything",
                                          "cant think of anything",
                                          "nothing",
                                          "none",
                                          "i dont know really",
                                          "no clue",
                                          "i cant think of any"};

bool WholeIs(std::string_view text, std::string_view const* list, size_t n) {
  std::string joined = Join(AnswerWords(text));
  for (const char* polite : {" please", " thanks", " thank you"}) {
    const std::string p = polite;
    if (joined.size() > p.size() && joined.compare(joined.size() - p.size(), p.size(), p) == 0) {
      joined.resize(joined.size() - p.size());
    }
  }
  return std::find(list, list + n, joined) != list + n;
}

constexpr std::string_view kPlainNo[] = {
    "no",        "nope",          "nah",      "no thanks",  "no thank you",    "not really",
    "not now",   "no not really", "nothing",  "none",       "i dont think so", "not today",
    "no its ok", "no thats ok",   "no im ok", "no im fine", "not right now",   "no not now"};

bool IsPlainNo(std::string_view text) { return WholeIs(text, kPlainNo, std::size(kPlainNo)); }

bool IsListDone(std::string_view text) { return WholeIs(text, kListDone, std::size(kListDone)); }
bool IsDontKnow(std::string_view text) { return WholeIs(text, kDontKnow, std::size(kDontKnow)); }

// The person's words, kept as written: valid UTF-8 only, whitespace runs made one space, trimmed,
// one pair of surrounding quotes removed, at most kMaxCapture bytes (cut at a character).
constexpr size_t kMaxCapture = 400;

std::string Clean(std::string_view text) {
  std::string valid;
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xE  ? 3
                 : (c >> 3) == 0x1E ? 4
                                    : 0;
    bool ok = len > 0 && i + len <= text.size();
    for (size_t k = 1; ok && k < len; ++k) {
      ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    }
    if (!ok) {
      ++i;
      continue;
    }
    if (len == 1 && c < 0x20) {
      valid.push_back(' ');
    } else {
      valid.append(text.substr(i, len));
    }
    i += len;
  }
  std::string out;
  bool space = false;
  for (char ch : valid) {
    if (ch == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(ch);
  }
  for (const auto& [open, close] :
       std::initializer_list<std::pair<std::string_view, std::string_view>>{
           {"\"", "\""}, {"'", "'"}, {"\u201c", "\u201d"}, {"\u2018", "\u2019"}}) {
    if (out.size() > open.size() + close.size() && out.starts_with(open) && out.ends_with(close)) {
      out = out.substr(open.size(), out.size() - open.size() - close.size());
      break;
    }
  }
  if (out.size() > kMaxCapture) {
    size_t cut = kMaxCapture;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
    out += "\u2026";
  }
  return out;
}

constexpr std::string_view kUnits[] = {"zero", "one", "two",   "three", "four",
                                       "five", "six", "seven", "eight", "nine"};
constexpr std::string_view kTeens[] = {"ten",     "eleven",  "twelve",    "thirteen", "fourteen",
                                       "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
constexpr std::string_view kTens[] = {"",      "",      "twenty",  "thirty", "forty",
                                      "fifty", "sixty", "seventy", "eighty", "ninety"};

template <size_t N>
int IndexIn(std::string_view w, const std::string_view (&list)[N]) {
  for (size_t i = 0; i < N; ++i) {
    if (!list[i].empty() && list[i] == w) return static_cast<int>(i);
  }
  return -1;
}

// A whole number in [min, max]: "70", "70%", "about 70", "seventy", "seventy five", "7/10" or "7
// out of 10" (scaled when max is 100), "70/100". Two different numbers, or one out of range:
// nullopt.
std::optional<int> ReadNumber(std::string_view text, int min, int max) {
  const std::vector<std::string> w = AnswerWords(text);
  std::set<int> values;
  bool bad = false;
  for (size_t i = 0; i < w.size(); ++i) {
    int n = -1;
    const std::string& t = w[i];
    if (!t.empty() && t.size() <= 4 &&
        std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      n = std::stoi(t);
    } else if (int u = IndexIn(t, kUnits); u >= 0) {
      n = u;
    } else if (int teen = IndexIn(t, kTeens); teen >= 0) {
      n = 10 + teen;
    } else if (int tens = IndexIn(t, kTens); tens >= 0) {
      n = 10 * tens;
      if (i + 1 < w.size()) {
        if (int u = IndexIn(w[i + 1], kUnits); u > 0) {
          n += u;
          ++i;
        }
      }
    } else if (t == "hundred") {
      n = 100;
      if (!values.empty() && *values.rbegin() == 1) values.erase(1);  // "one hundred"
    }
    if (n < 0) continue;
    // "7 out of 10", "7/10" (AnswerWords splits the slash): a scale given with the number.
    int scale = -1;
    if (i + 3 < w.size() && w[i + 1] == "out" && w[i + 2] == "of") {
      scale = std::atoi(w[i + 3].c_str());
      i += 3;
    } else if (i + 1 < w.size() && text.find(t + "/" + w[i + 1]) != std::string_view::npos) {
      scale = std::atoi(w[i + 1].c_str());
      i += 1;
    }
    if (scale > 0 && scale != max) {
      if (scale == 10 && max == 100 && n <= 10) {
        n *= 10;
      } else {
        bad = true;
        continue;
      }
    }
    if (n < min || n > max) {
      bad = true;
      continue;
    }
    values.insert(n);
  }
  if (bad || values.size() != 1) return std::nullopt;
  return *values.begin();
}

// ---- Loading ------------------------------------------------------------------------------------

struct LoadError {
  std::string message;
};

struct Where {
  std::string file, flow, step;
  [[noreturn]] void Fail(std::string_view what) const {
    std::string m = file;
    if (!flow.empty()) m += ": flow '" + flow + "'";
    if (!step.empty()) m += ": step '" + step + "'";
    m += ": ";
    m += what;
    throw LoadError{m};
  }
};

void CheckKeys(const YAML::Node& node, const Where& at, std::string_view what,
               const std::vector<std::string_view>& allowed) {
  if (!node.IsMap()) at.Fail(std::string(what) + " must be a mapping");
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      at.Fail("unknown field '" + key + "'");
    }
  }
}

std::string OptStr(const YAML::Node& n, std::string_view key, const Where& at) {
  const YAML::Node v = n[std::string(key)];
  if (!v) return "";
  if (!v.IsScalar()) at.Fail("'" + std::string(key) + "' must be a string");
  return v.as<std::string>();
}

std::string ReqStr(const YAML::Node& n, std::string_view key, const Where& at) {
  std::string s = OptStr(n, key, at);
  if (s.empty()) at.Fail("missing '" + std::string(key) + "'");
  return s;
}

int OptInt(const YAML::Node& n, std::string_view key, int fallback, const Where& at) {
  const YAML::Node v = n[std::string(key)];
  if (!v) return fallback;
  try {
    return v.as<int>();
  } catch (const YAML::Exception&) {
    at.Fail("'" + std::string(key) + "' must be a whole number");
  }
}

std::optional<StepKind> KindFromId(std::string_view id) {
  for (StepKind k : {StepKind::kSay, StepKind::kWait, StepKind::kAsk, StepKind::kNumber,
                     StepKind::kYesNo, StepKind::kList, StepKind::kSummary, StepKind::kEnd}) {
    if (StepKindId(k) == id) return k;
  }
  return std::nullopt;
}

bool IsWaiting(StepKind k) {
  return k == StepKind::kWait || k == StepKind::kAsk || k == StepKind::kNumber ||
         k == StepKind::kYesNo || k == StepKind::kList;
}

bool IsSnakeId(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::vector<std::string> Placeholders(std::string_view text, const Where& at) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = text.find('{', pos)) != std::string_view::npos) {
    const size_t close = text.find('}', pos);
    if (close == std::string_view::npos) at.Fail("unclosed '{'");
    out.emplace_back(text.substr(pos + 1, close - pos - 1));
    pos = close + 1;
  }
  return out;
}

constexpr std::string_view kFlowKinds[] = {"exercise", "cbt", "planning", "psychoeducation",
                                           "safety_plan"};

FlowStepDef ParseStep(const YAML::Node& n, Where at) {
  if (!n.IsMap()) at.Fail("each step must be a mapping");
  FlowStepDef s;
  s.id = OptStr(n, "id", at);
  if (s.id.empty()) at.Fail("a step has no 'id'");
  at.step = s.id;
  if (!IsSnakeId(s.id)) at.Fail("id must be lower_snake_case");
  const std::string kind = OptStr(n, "kind", at);
  if (kind.empty()) at.Fail("missing 'kind'");
  const auto k = KindFromId(kind);
  if (!k) {
    at.Fail("unknown kind '" + kind + "' (say, wait, ask, number, yes_no, list, summary, end)");
  }
  s.kind = *k;
  std::vector<std::string_view> allowed = {"id", "kind"};
  switch (s.kind) {
    case StepKind::kSay:
    case StepKind::kSummary:
      allowed.insert(allowed.end(), {"text", "next"});
      break;
    case StepKind::kEnd:
      allowed.insert(allowed.end(), {"text"});
      break;
    case StepKind::kWait:
      allowed.insert(allowed.end(), {"prompt", "next"});
      break;
    case StepKind::kAsk:
      allowed.insert(allowed.end(), {"prompt", "capture", "help", "if_no", "next"});
      break;
    case StepKind::kNumber:
      allowed.insert(allowed.end(), {"prompt", "capture", "min", "max", "reask", "if_below",
                                     "below_next", "next"});
      break;
    case StepKind::kYesNo:
      allowed.insert(allowed.end(), {"prompt", "reask", "yes", "no"});
      break;
    case StepKind::kList:
      allowed.insert(allowed.end(),
                     {"prompt", "capture", "more", "help", "min_items", "max_items", "next"});
      break;
  }
  CheckKeys(n, at, "a step", allowed);
  if (s.kind == StepKind::kSay || s.kind == StepKind::kSummary) s.text = ReqStr(n, "text", at);
  if (s.kind == StepKind::kEnd) s.text = OptStr(n, "text", at);
  if (IsWaiting(s.kind)) s.prompt = ReqStr(n, "prompt", at);
  s.reask = OptStr(n, "reask", at);
  s.help = OptStr(n, "help", at);
  s.if_no = OptStr(n, "if_no", at);
  if (s.kind == StepKind::kAsk || s.kind == StepKind::kNumber || s.kind == StepKind::kList) {
    s.capture = ReqStr(n, "capture", at);
    if (!IsSnakeId(s.capture)) at.Fail("capture must be lower_snake_case");
  }
  if (s.kind == StepKind::kList) {
    const YAML::Node more = n["more"];
    if (more && more.IsSequence()) {
      for (const auto& m : more) {
        if (!m.IsScalar() || m.as<std::string>().empty()) at.Fail("'more' lines must be strings");
        s.more.push_back(m.as<std::string>());
      }
    } else {
      s.more.push_back(ReqStr(n, "more", at));
    }
    if (s.more.empty()) at.Fail("missing 'more'");
  }
  if (s.kind == StepKind::kYesNo) {
    s.yes = ReqStr(n, "yes", at);
    s.no = ReqStr(n, "no", at);
  } else if (s.kind != StepKind::kEnd) {
    s.next = ReqStr(n, "next", at);
  }
  if (s.kind == StepKind::kNumber) {
    if (!n["min"] || !n["max"]) at.Fail("a number step needs 'min' and 'max'");
    s.min = OptInt(n, "min", 0, at);
    s.max = OptInt(n, "max", 0, at);
    if (s.min < 0 || s.max <= s.min) at.Fail("needs 0 <= min < max");
    if (n["if_below"] || n["below_next"]) {
      s.if_below = OptInt(n, "if_below", -1, at);
      s.below_next = ReqStr(n, "below_next", at);
      if (s.if_below <= s.min || s.if_below > s.max) at.Fail("if_below must be in (min, max]");
    }
  }
  if (s.kind == StepKind::kList) {
    s.min_items = OptInt(n, "min_items", 1, at);
    s.max_items = OptInt(n, "max_items", 10, at);
    if (s.min_items < 0 || s.max_items < 1 || s.max_items < s.min_items || s.max_items > 20) {
      at.Fail("needs 0 <= min_items <= max_items <= 20, max_items >= 1");
    }
  }
  return s;
}

void Validate(const FlowDef& f, Where at) {
  // Ids and references.
  std::set<std::string> ids;
  for (const FlowStepDef& s : f.steps) {
    at.step = s.id;
    if (!ids.insert(s.id).second) at.Fail("duplicate step id");
  }
  for (const FlowStepDef& s : f.steps) {
    at.step = s.id;
    for (const std::string* ref : {&s.next, &s.yes, &s.no, &s.below_next, &s.if_no}) {
      if (!ref->empty() && !ids.count(*ref)) at.Fail("'" + *ref + "' is not a step of this flow");
    }
  }
  at.step.clear();
  // Placeholders: captures of this flow or declared inputs.
  std::set<std::string> known(f.inputs.begin(), f.inputs.end());
  for (const FlowStepDef& s : f.steps) {
    if (!s.capture.empty()) known.insert(s.capture);
  }
  auto check = [&](std::string_view text, std::string_view field, const std::string& step) {
    Where w = at;
    w.step = step;
    for (const std::string& p : Placeholders(text, w)) {
      if (!known.count(p)) {
        w.Fail(std::string(field) + ": unknown placeholder {" + p +
               "} (not a capture of this flow or an input)");
      }
    }
  };
  for (const auto& [field, text] :
       std::initializer_list<std::pair<std::string_view, const std::string*>>{
           {"offer", &f.offer},
           {"offer_more", &f.offer_more},
           {"declined", &f.declined},
           {"exit", &f.exit},
           {"resume", &f.resume},
           {"check_back", &f.check_back}}) {
    check(*text, field, "");
  }
  for (const FlowStepDef& s : f.steps) {
    for (const auto& [field, text] :
         std::initializer_list<std::pair<std::string_view, const std::string*>>{
             {"text", &s.text}, {"prompt", &s.prompt}, {"reask", &s.reask}, {"help", &s.help}}) {
      check(*text, field, s.id);
    }
    for (const std::string& more : s.more) check(more, "more", s.id);
  }
  for (const std::string& in : f.inputs) {
    if (!f.defaults.count(in)) at.Fail("input '" + in + "' has no default");
  }
  for (const auto& [k, v] : f.defaults) {
    if (std::find(f.inputs.begin(), f.inputs.end(), k) == f.inputs.end()) {
      at.Fail("default for '" + k + "', which is not an input");
    }
  }
  // A chain of say/summary steps must reach a waiting step or an end.
  for (const FlowStepDef& s : f.steps) {
    std::set<std::string> chain;
    const FlowStepDef* cur = &s;
    while (cur->kind == StepKind::kSay || cur->kind == StepKind::kSummary) {
      if (!chain.insert(cur->id).second) {
        at.step = s.id;
        at.Fail("say/summary steps loop without ever waiting for the person");
      }
      cur = f.Find(cur->next);
    }
  }
  // Reachability from the first step, and an end.
  std::set<std::string> seen;
  std::vector<std::string> todo = {f.steps.front().id};
  bool has_end = false;
  while (!todo.empty()) {
    const std::string id = todo.back();
    todo.pop_back();
    if (!seen.insert(id).second) continue;
    const FlowStepDef* s = f.Find(id);
    if (s->kind == StepKind::kEnd) has_end = true;
    for (const std::string* ref : {&s->next, &s->yes, &s->no, &s->below_next, &s->if_no}) {
      if (!ref->empty()) todo.push_back(*ref);
    }
  }
  for (const FlowStepDef& s : f.steps) {
    if (!seen.count(s.id)) {
      at.step = s.id;
      at.Fail("unreachable from the first step");
    }
  }
  if (!has_end) at.Fail("no reachable 'end' step");
}

FlowDef ParseFlow(const YAML::Node& n, int version, Where at) {
  if (!n.IsMap()) at.Fail("each flow must be a mapping");
  FlowDef f;
  f.id = OptStr(n, "id", at);
  if (f.id.empty()) at.Fail("a flow has no 'id'");
  at.flow = f.id;
  if (!IsSnakeId(f.id)) at.Fail("id must be lower_snake_case");
  CheckKeys(n, at, "a flow",
            {"id", "title", "kind", "offer", "offer_more", "declined", "exit", "resume",
             "check_back", "then_offer", "suits", "inputs", "defaults", "steps"});
  f.file = at.file;
  f.version = version;
  f.title = ReqStr(n, "title", at);
  f.kind = ReqStr(n, "kind", at);
  if (!In(f.kind, kFlowKinds)) {
    at.Fail("unknown kind '" + f.kind +
            "' (exercise, cbt, planning, psychoeducation, safety_plan)");
  }
  f.offer = ReqStr(n, "offer", at);
  if (f.offer.find('?') == std::string::npos) at.Fail("offer must ask for consent (a question)");
  f.offer_more = OptStr(n, "offer_more", at);
  f.declined = ReqStr(n, "declined", at);
  f.exit = ReqStr(n, "exit", at);
  f.resume = ReqStr(n, "resume", at);
  if (f.resume.find('?') == std::string::npos) at.Fail("resume must ask for consent (a question)");
  f.check_back = OptStr(n, "check_back", at);
  f.then_offer = OptStr(n, "then_offer", at);
  if (f.then_offer == f.id) at.Fail("then_offer names the flow itself");
  if (const YAML::Node suits = n["suits"]) {
    if (!suits.IsSequence()) at.Fail("'suits' must be a list");
    for (const auto& i : suits) {
      if (!i.IsScalar() || !IsSnakeId(i.as<std::string>())) {
        at.Fail("suits must list snake_case emotion or topic names");
      }
      f.suits.push_back(i.as<std::string>());
    }
  }
  if (const YAML::Node in = n["inputs"]) {
    if (!in.IsSequence()) at.Fail("'inputs' must be a list");
    for (const auto& i : in) {
      if (!i.IsScalar() || !IsSnakeId(i.as<std::string>()))
        at.Fail("inputs must be snake_case names");
      f.inputs.push_back(i.as<std::string>());
    }
  }
  if (const YAML::Node d = n["defaults"]) {
    if (!d.IsMap()) at.Fail("'defaults' must be a mapping");
    for (const auto& kv : d) {
      if (!kv.second.IsScalar()) at.Fail("defaults must be strings");
      f.defaults[kv.first.as<std::string>()] = kv.second.as<std::string>();
    }
  }
  const YAML::Node steps = n["steps"];
  if (!steps || !steps.IsSequence() || steps.size() == 0) at.Fail("missing 'steps'");
  for (const auto& s : steps) f.steps.push_back(ParseStep(s, at));
  Validate(f, at);
  return f;
}

std::vector<FlowDef> ParseFile(const std::string& name, const std::string& contents) {
  Where at{name, "", ""};
  YAML::Node root;
  try {
    root = YAML::Load(contents);
  } catch (const YAML::Exception& e) {
    at.Fail(std::string("not valid YAML: ") + e.what());
  }
  CheckKeys(root, at, "the file", {"version", "flows"});
  if (!root["version"]) at.Fail("missing 'version'");
  const int version = OptInt(root, "version", 0, at);
  if (version != 1)
    at.Fail("unsupported version " + std::to_string(version) + " (this build reads 1)");
  const YAML::Node flows = root["flows"];
  if (!flows || !flows.IsSequence() || flows.size() == 0) at.Fail("missing 'flows'");
  std::vector<FlowDef> out;
  for (const auto& f : flows) out.push_back(ParseFlow(f, version, at));
  return out;
}

// ---- JSON helpers -------------------------------------------------------------------------------

constexpr std::string_view kPlanKeys[] = {
    "warning_signs", "internal_coping",   "social_distractions", "people_to_ask",
    "professionals", "safer_environment", "reasons_for_living"};

std::vector<std::string>* PlanField(SafetyPlan& p, std::string_view key) {
  if (key == "warning_signs") return &p.warning_signs;
  if (key == "internal_coping") return &p.internal_coping;
  if (key == "social_distractions") return &p.social_distractions;
  if (key == "people_to_ask") return &p.people_to_ask;
  if (key == "professionals") return &p.professionals;
  if (key == "safer_environment") return &p.safer_environment;
  if (key == "reasons_for_living") return &p.reasons_for_living;
  return nullptr;
}

}  // namespace

// ---- Public helpers -----------------------------------------------------------------------------

std::vector<std::string> AnswerWords(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(std::move(cur));
    cur.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\'') continue;
    // U+2018 / U+2019 (E2 80 98 / E2 80 99): apostrophes, dropped like '.
    if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(text[i + 2]) == 0x98 ||
         static_cast<unsigned char>(text[i + 2]) == 0x99)) {
      i += 2;
      continue;
    }
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      cur.push_back(static_cast<char>(c));
    } else if (c >= 'A' && c <= 'Z') {
      cur.push_back(static_cast<char>(c + 32));
    } else {
      flush();
    }
  }
  flush();
  return out;
}

std::string_view ConsentId(Consent consent) {
  switch (consent) {
    case Consent::kYes:
      return "yes";
    case Consent::kNo:
      return "no";
    case Consent::kUnsure:
      return "unsure";
    case Consent::kOther:
      break;
  }
  return "other";
}

Consent ReadConsent(std::string_view text) {
  const std::vector<std::string> w = AnswerWords(text);
  if (w.empty()) return Consent::kOther;
  const size_t to = w.size() > 8 ? 4 : w.size();
  const std::vector<Consent> m = ConsentMatches(w, to);
  auto has = [&](Consent c) { return std::find(m.begin(), m.end(), c) != m.end(); };
  if (has(Consent::kNo)) return Consent::kNo;
  if (has(Consent::kYes)) return Consent::kYes;
  if (has(Consent::kUnsure)) return Consent::kUnsure;
  return Consent::kOther;
}

bool IsExitRequest(std::string_view text) {
  const std::vector<std::string> w = AnswerWords(text);
  if (w.empty()) return false;
  const std::string joined = Join(w);
  for (std::string_view p : kExitContained) {
    if (ContainsPhrase(joined, p)) return true;
  }
  std::vector<std::string> core;
  for (const std::string& t : w) {
    if (!In(t, kExitFillers)) core.push_back(t);
  }
  if (core.empty()) return false;
  if (core.size() > 1 && core[0] == "the") core.erase(core.begin());
  return In(Join(core), kExitWhole);
}

std::string_view StepKindId(StepKind kind) {
  switch (kind) {
    case StepKind::kSay:
      return "say";
    case StepKind::kWait:
      return "wait";
    case StepKind::kAsk:
      return "ask";
    case StepKind::kNumber:
      return "number";
    case StepKind::kYesNo:
      return "yes_no";
    case StepKind::kList:
      return "list";
    case StepKind::kSummary:
      return "summary";
    case StepKind::kEnd:
      return "end";
  }
  return "say";
}

std::string_view FlowPhaseId(FlowPhase phase) {
  switch (phase) {
    case FlowPhase::kOffered:
      return "offered";
    case FlowPhase::kRunning:
      return "running";
    case FlowPhase::kInterrupted:
      return "interrupted";
    case FlowPhase::kResumeOffered:
      return "resume_offered";
    case FlowPhase::kDone:
      return "done";
  }
  return "done";
}

std::string_view FlowEndId(FlowEnd end) {
  switch (end) {
    case FlowEnd::kNone:
      return "none";
    case FlowEnd::kCompleted:
      return "completed";
    case FlowEnd::kExited:
      return "exited";
    case FlowEnd::kDeclined:
      return "declined";
    case FlowEnd::kLapsed:
      return "lapsed";
  }
  return "none";
}

std::string_view FlowOutcomeId(FlowOutcome outcome) {
  switch (outcome) {
    case FlowOutcome::kOffered:
      return "offered";
    case FlowOutcome::kStarted:
      return "started";
    case FlowOutcome::kContinuing:
      return "continuing";
    case FlowOutcome::kReasked:
      return "reasked";
    case FlowOutcome::kCompleted:
      return "completed";
    case FlowOutcome::kExited:
      return "exited";
    case FlowOutcome::kDeclined:
      return "declined";
    case FlowOutcome::kLapsed:
      return "lapsed";
    case FlowOutcome::kResumeOffered:
      return "resume_offered";
    case FlowOutcome::kInterrupted:
      return "interrupted";
    case FlowOutcome::kNotActive:
      return "not_active";
  }
  return "not_active";
}

const FlowStepDef* FlowDef::Find(std::string_view step_id) const {
  for (const FlowStepDef& s : steps) {
    if (s.id == step_id) return &s;
  }
  return nullptr;
}

// ---- Safety plan and state JSON -----------------------------------------------------------------

bool SafetyPlan::empty() const { return *this == SafetyPlan{}; }

SafetyPlan SafetyPlanFromCaptures(const Captures& captures) {
  SafetyPlan p;
  for (std::string_view key : kPlanKeys) {
    const auto it = captures.find(std::string(key));
    if (it != captures.end()) *PlanField(p, key) = it->second;
  }
  return p;
}

std::string SafetyPlanToJson(const SafetyPlan& plan) {
  nlohmann::json j = nlohmann::json::object();
  SafetyPlan copy = plan;
  for (std::string_view key : kPlanKeys) j[std::string(key)] = *PlanField(copy, key);
  return j.dump();
}

StatusOr<SafetyPlan> SafetyPlanFromJson(std::string_view json) {
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return InvalidArgument("safety plan: not a JSON object");
  SafetyPlan p;
  for (std::string_view key : kPlanKeys) {
    const std::string k(key);
    if (!j.contains(k) || !j[k].is_array()) {
      return InvalidArgument("safety plan: " + k + ": missing or not a list");
    }
    for (const auto& e : j[k]) {
      if (!e.is_string()) return InvalidArgument("safety plan: " + k + ": entries must be strings");
      PlanField(p, key)->push_back(e.get<std::string>());
    }
  }
  return p;
}

std::string FlowStateToJson(const FlowState& s) {
  nlohmann::json j;
  j["flow_id"] = s.flow_id;
  j["phase"] = FlowPhaseId(s.phase);
  j["end"] = FlowEndId(s.end);
  j["step"] = s.step;
  j["unclear"] = s.unclear;
  j["helped"] = s.helped;
  j["captures"] = s.captures;
  j["inputs"] = s.inputs;
  return j.dump();
}

StatusOr<FlowState> FlowStateFromJson(std::string_view json) {
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return InvalidArgument("flow state: not a JSON object");
  auto bad = [](std::string_view f) {
    return InvalidArgument("flow state: " + std::string(f) + ": missing or mistyped");
  };
  FlowState s;
  for (const char* f : {"flow_id", "phase", "end", "step"}) {
    if (!j.contains(f) || !j[f].is_string()) return bad(f);
  }
  s.flow_id = j["flow_id"].get<std::string>();
  s.step = j["step"].get<std::string>();
  bool phase_ok = false, end_ok = false;
  for (FlowPhase p : {FlowPhase::kOffered, FlowPhase::kRunning, FlowPhase::kInterrupted,
                      FlowPhase::kResumeOffered, FlowPhase::kDone}) {
    if (FlowPhaseId(p) == j["phase"].get<std::string>()) {
      s.phase = p;
      phase_ok = true;
    }
  }
  for (FlowEnd e : {FlowEnd::kNone, FlowEnd::kCompleted, FlowEnd::kExited, FlowEnd::kDeclined,
                    FlowEnd::kLapsed}) {
    if (FlowEndId(e) == j["end"].get<std::string>()) {
      s.end = e;
      end_ok = true;
    }
  }
  if (!phase_ok) return bad("phase");
  if (!end_ok) return bad("end");
  if (!j.contains("unclear") || !j["unclear"].is_number_integer()) return bad("unclear");
  if (!j.contains("helped") || !j["helped"].is_boolean()) return bad("helped");
  s.unclear = j["unclear"].get<int>();
  s.helped = j["helped"].get<bool>();
  if (!j.contains("captures") || !j["captures"].is_object()) return bad("captures");
  for (const auto& [k, v] : j["captures"].items()) {
    if (!v.is_array()) return bad("captures");
    for (const auto& e : v) {
      if (!e.is_string()) return bad("captures");
      s.captures[k].push_back(e.get<std::string>());
    }
  }
  if (!j.contains("inputs") || !j["inputs"].is_object()) return bad("inputs");
  for (const auto& [k, v] : j["inputs"].items()) {
    if (!v.is_string()) return bad("inputs");
    s.inputs[k] = v.get<std::string>();
  }
  return s;
}

// ---- FlowLibrary --------------------------------------------------------------------------------

StatusOr<FlowLibrary> FlowLibrary::Parse(
    const std::vector<std::pair<std::string, std::string>>& files) {
  auto flows = std::make_shared<std::vector<FlowDef>>();
  try {
    for (const auto& [name, contents] : files) {
      for (FlowDef& f : ParseFile(name, contents)) {
        for (const FlowDef& g : *flows) {
          if (g.id == f.id) {
            return InvalidArgument(name + ": flow '" + f.id + "': duplicate id (also in " + g.file +
                                   ")");
          }
        }
        flows->push_back(std::move(f));
      }
    }
  } catch (const LoadError& e) {
    return InvalidArgument(e.message);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(std::string("flows: ") + e.what());
  }
  if (flows->empty()) return NotFound("flows: no flow files");
  for (const FlowDef& f : *flows) {
    if (f.then_offer.empty()) continue;
    const bool known = std::any_of(flows->begin(), flows->end(),
                                   [&](const FlowDef& g) { return g.id == f.then_offer; });
    if (!known) {
      return InvalidArgument(f.file + ": flow '" + f.id + "': then_offer: no flow '" +
                             f.then_offer + "'");
    }
  }
  std::sort(flows->begin(), flows->end(),
            [](const FlowDef& a, const FlowDef& b) { return a.id < b.id; });
  FlowLibrary lib;
  lib.flows_ = std::move(flows);
  return lib;
}

StatusOr<FlowLibrary> FlowLibrary::Load(const std::string& data_dir) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(data_dir) / "content" / "flows";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return NotFound(dir.string() + ": not a directory");
  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".yaml") paths.push_back(e.path());
  }
  if (ec) return NotFound(dir.string() + ": cannot be listed");
  std::sort(paths.begin(), paths.end());
  if (paths.empty()) return NotFound(dir.string() + ": no *.yaml flow files");
  std::vector<std::pair<std::string, std::string>> files;
  for (const fs::path& p : paths) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return NotFound(p.string() + ": cannot be read");
    std::ostringstream buf;
    buf << in.rdbuf();
    files.emplace_back(p.string(), buf.str());
  }
  return Parse(files);
}

const FlowDef* FlowLibrary::Find(std::string_view flow_id) const {
  if (!flows_) return nullptr;
  for (const FlowDef& f : *flows_) {
    if (f.id == flow_id) return &f;
  }
  return nullptr;
}

std::vector<std::string> FlowLibrary::Ids() const {
  std::vector<std::string> out;
  if (flows_) {
    for (const FlowDef& f : *flows_) out.push_back(f.id);
  }
  return out;
}

std::vector<std::string> FlowLibrary::Suiting(std::string_view name) const {
  std::vector<std::string> out;
  if (!flows_) return out;
  for (const FlowDef& f : *flows_) {
    if (std::find(f.suits.begin(), f.suits.end(), name) != f.suits.end()) out.push_back(f.id);
  }
  return out;
}

std::string FlowLibrary::Fill(std::string_view tmpl, const Captures& captures,
                              const std::map<std::string, std::string>& inputs,
                              const std::set<std::string>& list_keys) {
  std::string out;
  size_t pos = 0;
  while (pos < tmpl.size()) {
    const size_t open = tmpl.find('{', pos);
    const size_t close = open == std::string_view::npos ? open : tmpl.find('}', open);
    if (close == std::string_view::npos) break;
    out.append(tmpl.substr(pos, open - pos));
    const std::string key(tmpl.substr(open + 1, close - open - 1));
    if (const auto c = captures.find(key); c != captures.end()) {
      if (list_keys.count(key)) {
        for (size_t i = 0; i < c->second.size(); ++i) {
          if (i > 0) out.push_back('\n');
          out.append("- ");
          out.append(c->second[i]);
        }
        if (c->second.empty()) out.append(kNotAdded);
      } else if (!c->second.empty()) {
        out.append(c->second.back());
      }
    } else if (const auto in = inputs.find(key); in != inputs.end()) {
      out.append(in->second);
    } else if (list_keys.count(key)) {
      out.append(kNotAdded);
    }
    pos = close + 1;
  }
  out.append(tmpl.substr(pos));
  return out;
}

namespace {
std::set<std::string> ListKeys(const FlowDef& f) {
  std::set<std::string> out;
  for (const FlowStepDef& s : f.steps) {
    if (s.kind == StepKind::kList) out.insert(s.capture);
  }
  return out;
}

std::map<std::string, std::string> WithDefaults(const FlowDef& f,
                                                const std::map<std::string, std::string>& in) {
  std::map<std::string, std::string> out;
  for (const std::string& key : f.inputs) {
    const auto it = in.find(key);
    out[key] = it != in.end() && !it->second.empty() ? it->second : f.defaults.at(key);
  }
  return out;
}
}  // namespace

FlowStepResult FlowLibrary::RunFrom(const FlowDef& flow, FlowState state,
                                    const std::string& step_id, std::vector<std::string> messages,
                                    FlowOutcome outcome) const {
  FlowStepResult r;
  const std::set<std::string> lists = ListKeys(flow);
  const FlowStepDef* s = flow.Find(step_id);
  // Validation guarantees every chain of say/summary steps reaches a waiting step or an end.
  for (int guard = 0; s != nullptr && guard < 1000; ++guard) {
    if (s->kind == StepKind::kSay || s->kind == StepKind::kSummary) {
      messages.push_back(Fill(s->text, state.captures, state.inputs, lists));
      s = flow.Find(s->next);
      continue;
    }
    if (s->kind == StepKind::kEnd) {
      if (!s->text.empty()) messages.push_back(Fill(s->text, state.captures, state.inputs, lists));
      state.phase = FlowPhase::kDone;
      state.end = FlowEnd::kCompleted;
      state.step.clear();
      r.outcome = FlowOutcome::kCompleted;
      r.then_offer = flow.then_offer;
      if (!flow.check_back.empty()) {
        r.check_back = CheckBack{
            flow.id, Fill(flow.check_back, state.captures, state.inputs, lists), state.captures};
      }
      r.state = std::move(state);
      r.messages = std::move(messages);
      return r;
    }
    messages.push_back(Fill(s->prompt, state.captures, state.inputs, lists));
    state.phase = FlowPhase::kRunning;
    state.step = s->id;
    state.unclear = 0;
    state.helped = false;
    r.outcome = outcome;
    r.state = std::move(state);
    r.messages = std::move(messages);
    return r;
  }
  state.phase = FlowPhase::kDone;  // unreachable with a validated flow
  r.state = std::move(state);
  r.outcome = FlowOutcome::kNotActive;
  return r;
}

StatusOr<FlowStepResult> FlowLibrary::Offer(
    std::string_view flow_id, const std::map<std::string, std::string>& inputs) const {
  const FlowDef* f = Find(flow_id);
  if (!f) return InvalidArgument("flows: unknown flow '" + std::string(flow_id) + "'");
  FlowStepResult r;
  r.state.flow_id = f->id;
  r.state.phase = FlowPhase::kOffered;
  r.state.inputs = WithDefaults(*f, inputs);
  r.messages.push_back(Fill(f->offer, {}, r.state.inputs, {}));
  r.outcome = FlowOutcome::kOffered;
  return r;
}

StatusOr<FlowStepResult> FlowLibrary::Start(
    std::string_view flow_id, const std::map<std::string, std::string>& inputs) const {
  const FlowDef* f = Find(flow_id);
  if (!f) return InvalidArgument("flows: unknown flow '" + std::string(flow_id) + "'");
  FlowState s;
  s.flow_id = f->id;
  s.inputs = WithDefaults(*f, inputs);
  return RunFrom(*f, std::move(s), f->steps.front().id, {}, FlowOutcome::kStarted);
}

FlowState FlowLibrary::Interrupt(const FlowState& state) {
  FlowState s = state;
  if (s.phase == FlowPhase::kRunning || s.phase == FlowPhase::kResumeOffered) {
    s.phase = FlowPhase::kInterrupted;
  } else if (s.phase == FlowPhase::kOffered) {
    s.phase = FlowPhase::kDone;  // nothing started: the offer simply lapses
    s.end = FlowEnd::kLapsed;
  }
  return s;
}

FlowStepResult FlowLibrary::Resume(const FlowState& state) const {
  FlowStepResult r;
  r.state = state;
  const FlowDef* f = Find(state.flow_id);
  if (!f || state.phase != FlowPhase::kInterrupted) {
    r.outcome = FlowOutcome::kNotActive;
    return r;
  }
  r.state.phase = FlowPhase::kResumeOffered;
  r.state.unclear = 0;
  r.messages.push_back(Fill(f->resume, state.captures, state.inputs, ListKeys(*f)));
  r.outcome = FlowOutcome::kResumeOffered;
  return r;
}

FlowStepResult FlowLibrary::Step(const FlowState& state, std::string_view user_text) const {
  FlowStepResult r;
  r.state = state;
  const FlowDef* f = Find(state.flow_id);
  if (!f || state.phase == FlowPhase::kDone) {
    r.outcome = FlowOutcome::kNotActive;
    return r;
  }
  FlowState& s = r.state;
  auto end = [&](FlowEnd how, FlowOutcome outcome, const std::string& line) {
    s.phase = FlowPhase::kDone;
    s.end = how;
    s.step.clear();
    r.outcome = outcome;
    if (!line.empty()) r.messages.push_back(Fill(line, s.captures, s.inputs, ListKeys(*f)));
    return r;
  };

  switch (state.phase) {
    case FlowPhase::kDone:
      break;
    case FlowPhase::kInterrupted:
      r.outcome = FlowOutcome::kInterrupted;
      return r;
    case FlowPhase::kOffered: {
      if (IsExitRequest(user_text))
        return end(FlowEnd::kDeclined, FlowOutcome::kDeclined, f->declined);
      switch (ReadConsent(user_text)) {
        case Consent::kYes:
          return RunFrom(*f, s, f->steps.front().id, {}, FlowOutcome::kStarted);
        case Consent::kNo:
          return end(FlowEnd::kDeclined, FlowOutcome::kDeclined, f->declined);
        case Consent::kUnsure:
          if (s.unclear == 0 && !f->offer_more.empty()) {
            s.unclear = 1;
            r.outcome = FlowOutcome::kReasked;
            r.messages.push_back(Fill(f->offer_more, {}, s.inputs, {}));
            return r;
          }
          return end(FlowEnd::kDeclined, FlowOutcome::kDeclined, f->declined);
        case Consent::kOther:
          return end(FlowEnd::kLapsed, FlowOutcome::kLapsed, "");
      }
      break;
    }
    case FlowPhase::kResumeOffered: {
      const Consent c = IsExitRequest(user_text) ? Consent::kNo : ReadConsent(user_text);
      if (c == Consent::kYes) {
        const FlowStepDef* step = f->Find(s.step);
        if (!step) return end(FlowEnd::kExited, FlowOutcome::kNotActive, "");
        return RunFrom(*f, s, step->id, {}, FlowOutcome::kContinuing);
      }
      if (c == Consent::kNo) return end(FlowEnd::kExited, FlowOutcome::kExited, f->exit);
      return end(FlowEnd::kLapsed, FlowOutcome::kLapsed, "");
    }
    case FlowPhase::kRunning: {
      const FlowStepDef* step = f->Find(s.step);
      if (!step || !IsWaiting(step->kind)) {
        r.outcome = FlowOutcome::kNotActive;
        return r;
      }
      const std::set<std::string> lists = ListKeys(*f);
      // A list ends on "done" / "that's all" before exit words are read ("enough" ends the list).
      if (step->kind == StepKind::kList && IsListDone(user_text)) {
        const int have = static_cast<int>(s.captures[step->capture].size());
        if (have < step->min_items && !s.helped && !step->help.empty()) {
          s.helped = true;
          r.outcome = FlowOutcome::kReasked;
          r.messages.push_back(Fill(step->help, s.captures, s.inputs, lists));
          return r;
        }
        return RunFrom(*f, s, step->next, {}, FlowOutcome::kContinuing);
      }
      if (IsExitRequest(user_text)) return end(FlowEnd::kExited, FlowOutcome::kExited, f->exit);
      auto reask = [&](const std::string& line) {
        ++s.unclear;
        r.outcome = FlowOutcome::kReasked;
        r.messages.push_back(Fill(line.empty() ? step->prompt : line, s.captures, s.inputs, lists));
        return r;
      };
      switch (step->kind) {
        case StepKind::kWait:
          return RunFrom(*f, s, step->next, {}, FlowOutcome::kContinuing);
        case StepKind::kAsk: {
          const std::string answer = Clean(user_text);
          if (answer.empty()) return reask("");
          if (!step->if_no.empty() && IsPlainNo(user_text)) {
            return RunFrom(*f, s, step->if_no, {}, FlowOutcome::kContinuing);
          }
          if (!step->help.empty() && !s.helped && IsDontKnow(user_text)) {
            s.helped = true;
            r.outcome = FlowOutcome::kReasked;
            r.messages.push_back(Fill(step->help, s.captures, s.inputs, lists));
            return r;
          }
          s.captures[step->capture] = {answer};
          return RunFrom(*f, s, step->next, {}, FlowOutcome::kContinuing);
        }
        case StepKind::kNumber: {
          const std::optional<int> n = ReadNumber(user_text, step->min, step->max);
          if (!n) {
            return reask(step->reask.empty()
                             ? "Could you give me a number from " + std::to_string(step->min) +
                                   " to " + std::to_string(step->max) + "?"
                             : step->reask);
          }
          s.captures[step->capture] = {std::to_string(*n)};
          const bool low = step->if_below >= 0 && *n < step->if_below;
          return RunFrom(*f, s, low ? step->below_next : step->next, {}, FlowOutcome::kContinuing);
        }
        case StepKind::kYesNo: {
          const Consent c = ReadConsent(user_text);
          if (c == Consent::kYes) return RunFrom(*f, s, step->yes, {}, FlowOutcome::kContinuing);
          if (c == Consent::kNo) return RunFrom(*f, s, step->no, {}, FlowOutcome::kContinuing);
          return reask(step->reask.empty() ? "Would you like to? A yes or a no is fine."
                                           : step->reask);
        }
        case StepKind::kList: {
          const std::string answer = Clean(user_text);
          if (answer.empty()) return reask(step->more.front());
          std::vector<std::string>& items = s.captures[step->capture];
          items.push_back(answer);
          if (static_cast<int>(items.size()) >= step->max_items) {
            return RunFrom(*f, s, step->next, {}, FlowOutcome::kContinuing);
          }
          s.unclear = 0;
          r.outcome = FlowOutcome::kContinuing;
          const std::string& more = step->more[(items.size() - 1) % step->more.size()];
          r.messages.push_back(Fill(more, s.captures, s.inputs, lists));
          return r;
        }
        default:
          break;
      }
      break;
    }
  }
  r.outcome = FlowOutcome::kNotActive;
  return r;
}

}  // namespace haven::reply
