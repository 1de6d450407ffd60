#include "reply/screening.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "reply/flows.h"

namespace haven::reply {
namespace {

constexpr int kPhq9RiskItem = 8;  // item 9, 0-based

// ---- Reading answers ----------------------------------------------------------------------------

constexpr int kAmbiguous = -1;  // a phrase that answers, but not which option: re-ask

struct Phrase {
  std::string_view text;
  int value;
};

// Frequency over the last two weeks. Longest match wins at each position.
constexpr Phrase kFrequency[] = {
    // 0: not at all
    {"not at all", 0},
    {"never", 0},
    {"no", 0},
    {"nope", 0},
    {"nah", 0},
    {"none", 0},
    {"not really", 0},
    {"not once", 0},
    {"not even once", 0},
    {"no days", 0},
    {"zero", 0},
    {"none of the time", 0},
    {"not at all really", 0},
    {"never really", 0},
    {"probably not", 0},
    {"i dont think so", 0},
    {"dont think so", 0},
    // 1: several days
    {"several days", 1},
    {"a few days", 1},
    {"few days", 1},
    {"a couple of days", 1},
    {"a couple days", 1},
    {"couple of days", 1},
    {"couple days", 1},
    {"some days", 1},
    {"a day or two", 1},
    {"once or twice", 1},
    {"a few times", 1},
    {"a couple of times", 1},
    {"once", 1},
    {"twice", 1},
    {"rarely", 1},
    {"occasionally", 1},
    {"now and then", 1},
    {"now and again", 1},
    {"every now and then", 1},
    {"every so often", 1},
    {"a little", 1},
    {"a bit", 1},
    {"less than half the days", 1},
    {"less than half", 1},
    {"not that often", 1},
    {"not often", 1},
    // 2: more than half the days
    {"more than half the days", 2},
    {"more than half of the days", 2},
    {"more than half", 2},
    {"over half the days", 2},
    {"over half", 2},
    {"most days", 2},
    {"most of the days", 2},
    {"most of the time", 2},
    {"more often than not", 2},
    {"more days than not", 2},
    {"the majority of days", 2},
    {"majority of the time", 2},
    {"a good few days", 2},
    // 3: nearly every day
    {"nearly every day", 3},
    {"nearly everyday", 3},
    {"almost every day", 3},
    {"almost everyday", 3},
    {"every day", 3},
    {"everyday", 3},
    {"every single day", 3},
    {"every night", 3},
    {"each day", 3},
    {"daily", 3},
    {"all the time", 3},
    {"always", 3},
    {"almost always", 3},
    {"constantly", 3},
    {"non stop", 3},
    {"nonstop", 3},
    {"24 7", 3},
    {"all day every day", 3},
    // answers that do not say which option: re-ask
    {"yes", kAmbiguous},
    {"yeah", kAmbiguous},
    {"sometimes", kAmbiguous},
    {"often", kAmbiguous},
    {"a lot", kAmbiguous},
    {"lots", kAmbiguous},
    {"frequently", kAmbiguous},
    {"half the time", kAmbiguous},
    {"half the days", kAmbiguous},
    {"about half", kAmbiguous},
    {"hardly ever", kAmbiguous},
    {"kind of", kAmbiguous},
    {"sort of", kAmbiguous},
    {"maybe", kAmbiguous},
};

constexpr Phrase kDifficulty[] = {
    {"not difficult at all", 0},
    {"not difficult", 0},
    {"not at all", 0},
    {"not really", 0},
    {"no", 0},
    {"nope", 0},
    {"none", 0},
    {"not hard", 0},
    {"not at all difficult", 0},
    {"no difficulty", 0},
    {"fine", 0},
    {"somewhat difficult", 1},
    {"somewhat", 1},
    {"a bit", 1},
    {"a little", 1},
    {"a little bit", 1},
    {"slightly", 1},
    {"a bit difficult", 1},
    {"a bit hard", 1},
    {"a little difficult", 1},
    {"a little hard", 1},
    {"manageable", 1},
    {"very difficult", 2},
    {"very hard", 2},
    {"very", 2},
    {"really difficult", 2},
    {"really hard", 2},
    {"quite difficult", 2},
    {"quite hard", 2},
    {"pretty difficult", 2},
    {"pretty hard", 2},
    {"extremely difficult", 3},
    {"extremely hard", 3},
    {"extremely", 3},
    {"impossible", 3},
    {"incredibly difficult", 3},
    {"incredibly hard", 3},
    {"unbearable", 3},
    {"difficult", kAmbiguous},
    {"hard", kAmbiguous},
    {"yes", kAmbiguous},
    {"kind of", kAmbiguous},
    {"sort of", kAmbiguous},
    {"maybe", kAmbiguous},
};

// Words that soften a "no" ("not really", "no, but...", "probably not").
constexpr std::string_view kHedges[] = {
    "really",  "think", "probably", "much",   "suppose", "guess",  "maybe",    "mostly",
    "usually", "sort",  "kind",     "kinda",  "sorta",   "hardly", "barely",   "sometimes",
    "except",  "but",   "although", "though", "unless",  "well",   "honestly", "often"};

// An answer withheld ("I'd rather not say"): on PHQ-9 item 9 a reason to ask, not to move on.
constexpr std::string_view kWithheld[] = {"rather not",
                                          "prefer not",
                                          "skip",
                                          "pass",
                                          "not saying",
                                          "not answering",
                                          "dont want to say",
                                          "dont want to answer",
                                          "wont say",
                                          "not going to say",
                                          "next question"};

constexpr std::string_view kNegators[] = {"not",  "isnt",  "wasnt",  "arent", "werent",
                                          "dont", "didnt", "doesnt", "hasnt", "havent"};
constexpr std::string_view kNumberWords[] = {"zero", "one",    "two",    "three",    "four",
                                             "five", "six",    "seven",  "eight",    "nine",
                                             "ten",  "eleven", "twelve", "thirteen", "fourteen"};
constexpr std::string_view kDayUnits[] = {"day", "days", "times", "nights", "night"};
constexpr std::string_view kOtherUnits[] = {"week",    "weeks", "hour",  "hours", "month",
                                            "months",  "year",  "years", "am",    "pm",
                                            "minutes", "min",   "mins"};

template <size_t N>
bool In(std::string_view w, const std::string_view (&list)[N]) {
  return std::find(std::begin(list), std::end(list), w) != std::end(list);
}

// The count a token names: "5" -> 5, "five" -> 5, "a" -> 1; -1 otherwise.
int CountOf(const std::string& w) {
  if (!w.empty() && w.size() <= 3 &&
      std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::stoi(w);
  }
  for (size_t i = 0; i < std::size(kNumberWords); ++i) {
    if (kNumberWords[i] == w) return static_cast<int>(i);
  }
  if (w == "a" || w == "an") return 1;
  return -1;
}

// "N days" over two weeks: 0 not at all, 1-6 several days, 8-11 more than half, 12-14 nearly
// every day; 7 (exactly half) and anything over 14 are unclear.
int DaysToValue(int n) {
  if (n == 0) return 0;
  if (n <= 6) return 1;
  if (n == 7) return kAmbiguous;
  if (n <= 11) return 2;
  if (n <= 14) return 3;
  return kAmbiguous;
}

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

// Every option value the answer names (kAmbiguous for an answer without a frequency).
template <size_t N>
std::set<int> ScaleValues(std::string_view text, const Phrase (&table)[N], bool days) {
  const std::vector<std::string> w = AnswerWords(text);
  std::set<int> values;
  size_t i = 0;
  while (i < w.size()) {
    // Longest phrase at i.
    size_t best_len = 0;
    int best_value = 0;
    for (const Phrase& p : table) {
      const size_t len = MatchAt(w, i, w.size(), p.text);
      if (len > best_len) {
        best_len = len;
        best_value = p.value;
      }
    }
    const bool negated = i > 0 && In(w[i - 1], kNegators);
    if (best_len > 0) {
      if (!negated) values.insert(best_value);
      i += best_len;
      continue;
    }
    const int count = CountOf(w[i]);
    const bool digits = std::isdigit(static_cast<unsigned char>(w[i][0])) != 0;
    const std::string next = i + 1 < w.size() ? w[i + 1] : "";
    if (count >= 0 && days && In(next, kDayUnits)) {
      if (!negated) values.insert(DaysToValue(count));
      i += 2;
      continue;
    }
    if (digits && In(next, kOtherUnits)) {  // "2 weeks", "3 am": not an answer
      i += 2;
      continue;
    }
    if (digits || (count >= 0 && w[i] != "a" && w[i] != "an")) {
      values.insert(count >= 0 && count <= 3 ? count : kAmbiguous);
    }
    ++i;
  }
  return values;
}

template <size_t N>
std::optional<int> ReadScale(std::string_view text, const Phrase (&table)[N], bool days) {
  const std::set<int> values = ScaleValues(text, table, days);
  if (values.size() != 1 || *values.begin() == kAmbiguous) return std::nullopt;
  return *values.begin();
}

// ---- Loading ------------------------------------------------------------------------------------

struct LoadError {
  std::string message;
};

[[noreturn]] void Fail(std::string_view source, std::string_view field, std::string_view what) {
  throw LoadError{std::string(source) + ": " + std::string(field) + ": " + std::string(what)};
}

void CheckKeys(const YAML::Node& node, std::string_view source, std::string_view where,
               std::initializer_list<std::string_view> allowed) {
  if (!node.IsMap()) Fail(source, where, "must be a mapping");
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      Fail(source, where.empty() ? key : std::string(where) + "." + key, "unknown field");
    }
  }
}

std::string Str(const YAML::Node& parent, std::string_view key, std::string_view source,
                std::string_view where) {
  const std::string field =
      where.empty() ? std::string(key) : std::string(where) + "." + std::string(key);
  const YAML::Node n = parent[std::string(key)];
  if (!n) Fail(source, field, "missing");
  if (!n.IsScalar()) Fail(source, field, "must be a string");
  std::string s = n.as<std::string>();
  if (s.empty()) Fail(source, field, "must not be empty");
  return s;
}

int Int(const YAML::Node& parent, std::string_view key, std::string_view source,
        std::string_view where) {
  const std::string field = std::string(where) + "." + std::string(key);
  const YAML::Node n = parent[std::string(key)];
  if (!n || !n.IsScalar()) Fail(source, field, "missing or not a number");
  try {
    return n.as<int>();
  } catch (const YAML::Exception&) {
    Fail(source, field, "must be a whole number");
  }
}

constexpr std::string_view kPlaceholders[] = {"stem",  "item", "number", "count",  "options",
                                              "total", "max",  "band",   "points", "previous"};

void CheckPlaceholders(const std::string& text, std::string_view source, std::string_view field) {
  size_t pos = 0;
  while ((pos = text.find('{', pos)) != std::string::npos) {
    const size_t close = text.find('}', pos);
    if (close == std::string::npos) Fail(source, field, "unclosed '{'");
    const std::string key = text.substr(pos + 1, close - pos - 1);
    if (!In(key, kPlaceholders)) Fail(source, field, "unknown placeholder {" + key + "}");
    pos = close + 1;
  }
}

std::vector<std::string> Options(const YAML::Node& n, std::string_view source,
                                 std::string_view field) {
  if (!n || !n.IsSequence() || n.size() != 4) Fail(source, field, "must list 4 options");
  std::vector<std::string> out;
  for (size_t i = 0; i < n.size(); ++i) {
    const std::string where = std::string(field) + "[" + std::to_string(i) + "]";
    CheckKeys(n[i], source, where, {"value", "text"});
    if (Int(n[i], "value", source, where) != static_cast<int>(i)) {
      Fail(source, where + ".value", "must be " + std::to_string(i) + " (options in order 0-3)");
    }
    out.push_back(Str(n[i], "text", source, where));
  }
  return out;
}

InstrumentContent ParseOrThrow(std::string_view yaml, std::string_view source) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    Fail(source, "yaml", e.what());
  }
  CheckKeys(root, source, "",
            {"version", "instrument", "name", "construct", "citation", "stem", "options", "items",
             "difficulty", "bands", "prompts"});
  InstrumentContent c;
  if (!root["version"]) Fail(source, "version", "missing");
  c.version = Int(root, "version", source, "");
  if (c.version != 1) Fail(source, "version", "unsupported version (this build reads 1)");
  const auto instrument = InstrumentFromId(Str(root, "instrument", source, ""));
  if (!instrument) Fail(source, "instrument", "must be phq9 or gad7");
  c.instrument = *instrument;
  c.name = Str(root, "name", source, "");
  c.construct = Str(root, "construct", source, "");
  c.citation = Str(root, "citation", source, "");
  c.stem = Str(root, "stem", source, "");
  c.options = Options(root["options"], source, "options");
  const YAML::Node items = root["items"];
  if (!items || !items.IsSequence() || static_cast<int>(items.size()) != ItemCount(c.instrument)) {
    Fail(source, "items", "must list " + std::to_string(ItemCount(c.instrument)) + " items");
  }
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i].IsScalar() || items[i].as<std::string>().empty()) {
      Fail(source, "items[" + std::to_string(i) + "]", "must be a non-empty string");
    }
    c.items.push_back(items[i].as<std::string>());
  }
  const YAML::Node diff = root["difficulty"];
  CheckKeys(diff, source, "difficulty", {"question", "prompt", "options", "reask"});
  c.difficulty_question = Str(diff, "question", source, "difficulty");
  c.difficulty_prompt = Str(diff, "prompt", source, "difficulty");
  c.difficulty_reask = Str(diff, "reask", source, "difficulty");
  c.difficulty_options = Options(diff["options"], source, "difficulty.options");

  // Bands: in order, contiguous, covering 0..MaxTotal exactly, with the instrument's ids.
  const YAML::Node bands = root["bands"];
  if (!bands || !bands.IsSequence()) Fail(source, "bands", "must be a list");
  c.band_words.assign(5, "");
  int expect_min = 0;
  std::vector<Band> seen;
  for (size_t i = 0; i < bands.size(); ++i) {
    const std::string where = "bands[" + std::to_string(i) + "]";
    CheckKeys(bands[i], source, where, {"id", "min", "max", "words"});
    const auto band = BandFromId(Str(bands[i], "id", source, where));
    if (!band) Fail(source, where + ".id", "unknown band");
    const int lo = Int(bands[i], "min", source, where);
    const int hi = Int(bands[i], "max", source, where);
    if (lo != expect_min || hi < lo) Fail(source, where, "bands must be contiguous from 0");
    for (int t = lo; t <= hi; ++t) {
      if (BandFor(c.instrument, t) != *band) {
        Fail(source, where, "does not match the published band for total " + std::to_string(t));
      }
    }
    c.band_words[static_cast<size_t>(*band)] = Str(bands[i], "words", source, where);
    seen.push_back(*band);
    expect_min = hi + 1;
  }
  if (expect_min != MaxTotal(c.instrument) + 1) {
    Fail(source, "bands", "must end at " + std::to_string(MaxTotal(c.instrument)));
  }

  const YAML::Node p = root["prompts"];
  CheckKeys(p, source, "prompts",
            {"offer", "intro", "first_item", "next_item", "reask", "stopped", "risk_item_intro",
             "risk_pause", "result", "not_diagnosis", "advice", "change"});
  c.offer = Str(p, "offer", source, "prompts");
  c.intro = Str(p, "intro", source, "prompts");
  c.first_item = Str(p, "first_item", source, "prompts");
  c.next_item = Str(p, "next_item", source, "prompts");
  c.reask = Str(p, "reask", source, "prompts");
  c.stopped = Str(p, "stopped", source, "prompts");
  if (c.instrument == Instrument::kPhq9) {
    c.risk_pause = Str(p, "risk_pause", source, "prompts");
    if (p["risk_item_intro"]) c.risk_item_intro = Str(p, "risk_item_intro", source, "prompts");
  } else {
    for (const char* key : {"risk_pause", "risk_item_intro"}) {
      if (p[key]) Fail(source, std::string("prompts.") + key, "only PHQ-9 has a risk item");
    }
  }
  c.result = Str(p, "result", source, "prompts");
  c.not_diagnosis = Str(p, "not_diagnosis", source, "prompts");
  const YAML::Node change = p["change"];
  CheckKeys(change, source, "prompts.change", {"improved", "worsened", "no_reliable_change"});
  c.change_improved = Str(change, "improved", source, "prompts.change");
  c.change_worsened = Str(change, "worsened", source, "prompts.change");
  c.change_same = Str(change, "no_reliable_change", source, "prompts.change");
  for (const std::string* t : {&c.change_improved, &c.change_worsened, &c.change_same}) {
    CheckPlaceholders(*t, source, "prompts.change");
  }
  c.advice.assign(5, "");
  const YAML::Node advice = p["advice"];
  if (!advice || !advice.IsMap()) Fail(source, "prompts.advice", "must be a mapping");
  for (const auto& kv : advice) {
    const std::string id = kv.first.as<std::string>();
    const auto band = BandFromId(id);
    if (!band || std::find(seen.begin(), seen.end(), *band) == seen.end()) {
      Fail(source, "prompts.advice." + id, "not a band of this instrument");
    }
    c.advice[static_cast<size_t>(*band)] = Str(advice, id, source, "prompts.advice");
  }
  for (Band b : seen) {
    if (c.advice[static_cast<size_t>(b)].empty()) {
      Fail(source, "prompts.advice." + std::string(BandId(b)), "missing");
    }
  }
  for (const auto& [field, text] :
       std::initializer_list<std::pair<std::string_view, const std::string*>>{
           {"prompts.offer", &c.offer},
           {"prompts.intro", &c.intro},
           {"prompts.first_item", &c.first_item},
           {"prompts.next_item", &c.next_item},
           {"prompts.reask", &c.reask},
           {"prompts.stopped", &c.stopped},
           {"prompts.risk_pause", &c.risk_pause},
           {"prompts.risk_item_intro", &c.risk_item_intro},
           {"prompts.result", &c.result},
           {"prompts.not_diagnosis", &c.not_diagnosis},
           {"difficulty.prompt", &c.difficulty_prompt},
           {"difficulty.reask", &c.difficulty_reask}}) {
    CheckPlaceholders(*text, source, field);
  }
  if (c.first_item.find("{item}") == std::string::npos ||
      c.next_item.find("{item}") == std::string::npos ||
      c.first_item.find("{stem}") == std::string::npos) {
    Fail(source, "prompts.first_item", "must show {stem} and {item} (next_item: {item})");
  }
  return c;
}

// "Not at all (0), several days (1), more than half the days (2), or nearly every day (3)".
std::string OptionsLine(const std::vector<std::string>& options) {
  std::string out;
  for (size_t i = 0; i < options.size(); ++i) {
    std::string o = options[i];
    if (i > 0 && !o.empty() && o[0] >= 'A' && o[0] <= 'Z') o[0] = static_cast<char>(o[0] + 32);
    if (i > 0) out += i + 1 == options.size() ? ", or " : ", ";
    out += o;
    out += " (";
    out += std::to_string(i);
    out += ')';
  }
  return out;
}

std::string Fill(std::string_view tmpl, const std::map<std::string, std::string>& vars) {
  std::string out;
  size_t pos = 0;
  while (pos < tmpl.size()) {
    const size_t open = tmpl.find('{', pos);
    if (open == std::string_view::npos) break;
    const size_t close = tmpl.find('}', open);
    if (close == std::string_view::npos) break;
    out.append(tmpl.substr(pos, open - pos));
    const auto it = vars.find(std::string(tmpl.substr(open + 1, close - open - 1)));
    if (it != vars.end()) out.append(it->second);
    pos = close + 1;
  }
  out.append(tmpl.substr(pos));
  return out;
}

}  // namespace

// ---- Instruments, bands, results ----------------------------------------------------------------

std::string_view InstrumentId(Instrument instrument) {
  return instrument == Instrument::kPhq9 ? "phq9" : "gad7";
}

std::optional<Instrument> InstrumentFromId(std::string_view id) {
  if (id == "phq9") return Instrument::kPhq9;
  if (id == "gad7") return Instrument::kGad7;
  return std::nullopt;
}

int ItemCount(Instrument instrument) { return instrument == Instrument::kPhq9 ? 9 : 7; }
int MaxTotal(Instrument instrument) { return 3 * ItemCount(instrument); }

std::string_view BandId(Band band) {
  switch (band) {
    case Band::kMinimal:
      return "minimal";
    case Band::kMild:
      return "mild";
    case Band::kModerate:
      return "moderate";
    case Band::kModeratelySevere:
      return "moderately_severe";
    case Band::kSevere:
      return "severe";
  }
  return "minimal";
}

std::optional<Band> BandFromId(std::string_view id) {
  for (Band b :
       {Band::kMinimal, Band::kMild, Band::kModerate, Band::kModeratelySevere, Band::kSevere}) {
    if (BandId(b) == id) return b;
  }
  return std::nullopt;
}

Band BandFor(Instrument instrument, int total) {
  total = std::clamp(total, 0, MaxTotal(instrument));
  if (total <= 4) return Band::kMinimal;
  if (total <= 9) return Band::kMild;
  if (total <= 14) return Band::kModerate;
  if (instrument == Instrument::kGad7) return Band::kSevere;
  if (total <= 19) return Band::kModeratelySevere;
  return Band::kSevere;
}

ScreeningResult MakeResult(Instrument instrument, std::vector<int> answers,
                           std::optional<int> difficulty, std::int64_t started_at,
                           std::int64_t finished_at, bool item9_endorsed) {
  assert(static_cast<int>(answers.size()) <= ItemCount(instrument));
  assert(!item9_endorsed ||
         (instrument == Instrument::kPhq9 && static_cast<int>(answers.size()) == kPhq9RiskItem));
  ScreeningResult r;
  r.instrument = instrument;
  for (int a : answers) {
    assert(a >= 0 && a <= 3);
    r.total += a;
  }
  r.item9_positive = item9_endorsed || (instrument == Instrument::kPhq9 &&
                                        static_cast<int>(answers.size()) > kPhq9RiskItem &&
                                        answers[kPhq9RiskItem] > 0);
  r.completed = static_cast<int>(answers.size()) == ItemCount(instrument);
  r.band = BandFor(instrument, r.total);
  r.answers = std::move(answers);
  r.difficulty = difficulty;
  r.started_at = started_at;
  r.finished_at = finished_at;
  return r;
}

std::string ScreeningResultToJson(const ScreeningResult& r) {
  nlohmann::json j;
  j["instrument"] = InstrumentId(r.instrument);
  j["answers"] = r.answers;
  j["difficulty"] = r.difficulty ? nlohmann::json(*r.difficulty) : nlohmann::json(nullptr);
  j["total"] = r.total;
  j["band"] = BandId(r.band);
  j["item9_positive"] = r.item9_positive;
  j["completed"] = r.completed;
  j["started_at"] = r.started_at;
  j["finished_at"] = r.finished_at;
  return j.dump();
}

StatusOr<ScreeningResult> ScreeningResultFromJson(std::string_view json) {
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return InvalidArgument("screening result: not a JSON object");
  auto bad = [](std::string_view field, std::string_view what) {
    return InvalidArgument("screening result: " + std::string(field) + ": " + std::string(what));
  };
  if (!j.contains("instrument") || !j["instrument"].is_string()) {
    return bad("instrument", "missing or not a string");
  }
  const auto instrument = InstrumentFromId(j["instrument"].get<std::string>());
  if (!instrument) return bad("instrument", "must be phq9 or gad7");
  if (!j.contains("answers") || !j["answers"].is_array())
    return bad("answers", "missing or not a list");
  std::vector<int> answers;
  for (const auto& a : j["answers"]) {
    if (!a.is_number_integer() || a.get<int>() < 0 || a.get<int>() > 3) {
      return bad("answers", "each answer must be a whole number 0-3");
    }
    answers.push_back(a.get<int>());
  }
  if (static_cast<int>(answers.size()) > ItemCount(*instrument)) return bad("answers", "too many");
  std::optional<int> difficulty;
  if (!j.contains("difficulty")) return bad("difficulty", "missing (null when not answered)");
  if (!j["difficulty"].is_null()) {
    if (!j["difficulty"].is_number_integer() || j["difficulty"].get<int>() < 0 ||
        j["difficulty"].get<int>() > 3) {
      return bad("difficulty", "must be null or a whole number 0-3");
    }
    difficulty = j["difficulty"].get<int>();
  }
  for (const char* f : {"total", "started_at", "finished_at"}) {
    if (!j.contains(f) || !j[f].is_number_integer()) return bad(f, "missing or not a whole number");
  }
  for (const char* f : {"item9_positive", "completed"}) {
    if (!j.contains(f) || !j[f].is_boolean()) return bad(f, "missing or not true/false");
  }
  if (!j.contains("band") || !j["band"].is_string() || !BandFromId(j["band"].get<std::string>())) {
    return bad("band", "missing or unknown");
  }
  // Item 9 endorsed without a frequency: eight answers and the flag set (see MakeResult).
  const bool endorsed = *instrument == Instrument::kPhq9 &&
                        static_cast<int>(answers.size()) == kPhq9RiskItem &&
                        j["item9_positive"].get<bool>();
  ScreeningResult r =
      MakeResult(*instrument, std::move(answers), difficulty, j["started_at"].get<std::int64_t>(),
                 j["finished_at"].get<std::int64_t>(), endorsed);
  if (j["total"].get<int>() != r.total) return bad("total", "does not match the answers");
  if (*BandFromId(j["band"].get<std::string>()) != r.band) {
    return bad("band", "does not match the total");
  }
  if (j["item9_positive"].get<bool>() != r.item9_positive) {
    return bad("item9_positive", "does not match the answers");
  }
  if (j["completed"].get<bool>() != r.completed)
    return bad("completed", "does not match the answers");
  return r;
}

std::string ScreeningStateToJson(const ScreeningState& st) {
  nlohmann::json j;
  j["instrument"] = InstrumentId(st.instrument);
  j["item"] = st.item;
  j["answers"] = st.answers;
  j["difficulty"] = st.difficulty ? nlohmann::json(*st.difficulty) : nlohmann::json(nullptr);
  j["unclear"] = st.unclear;
  j["finished"] = st.finished;
  j["started_at"] = st.started_at;
  return j.dump();
}

StatusOr<ScreeningState> ScreeningStateFromJson(std::string_view json) {
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  auto bad = [](std::string_view field) {
    return InvalidArgument("screening state: " + std::string(field) + ": missing or mistyped");
  };
  if (j.is_discarded() || !j.is_object())
    return InvalidArgument("screening state: not a JSON object");
  ScreeningState st;
  if (!j.contains("instrument") || !j["instrument"].is_string()) return bad("instrument");
  const auto instrument = InstrumentFromId(j["instrument"].get<std::string>());
  if (!instrument) return bad("instrument");
  st.instrument = *instrument;
  for (const char* f : {"item", "unclear", "started_at"}) {
    if (!j.contains(f) || !j[f].is_number_integer()) return bad(f);
  }
  st.item = j["item"].get<int>();
  st.unclear = j["unclear"].get<int>();
  st.started_at = j["started_at"].get<std::int64_t>();
  if (!j.contains("finished") || !j["finished"].is_boolean()) return bad("finished");
  st.finished = j["finished"].get<bool>();
  if (!j.contains("answers") || !j["answers"].is_array()) return bad("answers");
  for (const auto& a : j["answers"]) {
    if (!a.is_number_integer() || a.get<int>() < 0 || a.get<int>() > 3) return bad("answers");
    st.answers.push_back(a.get<int>());
  }
  if (static_cast<int>(st.answers.size()) > ItemCount(st.instrument)) return bad("answers");
  if (!j.contains("difficulty")) return bad("difficulty");
  if (!j["difficulty"].is_null()) {
    if (!j["difficulty"].is_number_integer() || j["difficulty"].get<int>() < 0 ||
        j["difficulty"].get<int>() > 3) {
      return bad("difficulty");
    }
    st.difficulty = j["difficulty"].get<int>();
  }
  return st;
}

std::string_view ChangeDirectionId(ChangeDirection direction) {
  switch (direction) {
    case ChangeDirection::kImproved:
      return "improved";
    case ChangeDirection::kWorsened:
      return "worsened";
    case ChangeDirection::kNoReliableChange:
      break;
  }
  return "no_reliable_change";
}

int ReliableChangeThreshold(Instrument instrument) {
  return instrument == Instrument::kPhq9 ? 5 : 4;
}

ScreeningChange CompareResults(const ScreeningResult& earlier, const ScreeningResult& later) {
  ScreeningChange c;
  if (earlier.instrument != later.instrument || !earlier.completed || !later.completed) return c;
  c.comparable = true;
  c.delta = later.total - earlier.total;
  c.reliable = std::abs(c.delta) >= ReliableChangeThreshold(later.instrument);
  if (c.reliable) {
    c.direction = c.delta < 0 ? ChangeDirection::kImproved : ChangeDirection::kWorsened;
  }
  c.band_changed = earlier.band != later.band;
  return c;
}

std::optional<int> ReadFrequency(std::string_view text) {
  return ReadScale(text, kFrequency, /*days=*/true);
}

bool EndorsesWithoutFrequency(std::string_view text) {
  const std::set<int> values = ScaleValues(text, kFrequency, /*days=*/true);
  if (values.size() == 1 && *values.begin() != kAmbiguous) return false;  // a clear answer
  return std::any_of(values.begin(), values.end(), [](int v) { return v != 0; });
}

bool DeclinesToAnswer(std::string_view text) {
  std::string joined = " ";
  for (const std::string& w : AnswerWords(text)) joined += w + " ";
  for (std::string_view p : kWithheld) {
    std::string needle = " ";
    needle += p;
    needle += ' ';
    if (joined.find(needle) != std::string::npos) return true;
  }
  return false;
}

bool IsHedgedNo(std::string_view text) {
  if (ReadFrequency(text) != 0) return false;
  for (const std::string& w : AnswerWords(text)) {
    if (In(w, kHedges)) return true;
  }
  return false;
}

std::optional<int> ReadDifficulty(std::string_view text) {
  return ReadScale(text, kDifficulty, /*days=*/false);
}

std::string_view ScreeningOutcomeId(ScreeningOutcome outcome) {
  switch (outcome) {
    case ScreeningOutcome::kAsking:
      return "asking";
    case ScreeningOutcome::kReasked:
      return "reasked";
    case ScreeningOutcome::kCompleted:
      return "completed";
    case ScreeningOutcome::kStopped:
      return "stopped";
    case ScreeningOutcome::kRiskPath:
      return "risk_path";
    case ScreeningOutcome::kFinished:
      return "finished";
  }
  return "finished";
}

// ---- Screener -----------------------------------------------------------------------------------

StatusOr<InstrumentContent> Screener::ParseInstrument(std::string_view yaml,
                                                      std::string_view source) {
  try {
    return ParseOrThrow(yaml, source);
  } catch (const LoadError& e) {
    return InvalidArgument(e.message);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(std::string(source) + ": " + e.what());
  }
}

StatusOr<Screener> Screener::Load(const std::string& data_dir) {
  Screener s;
  for (Instrument i : {Instrument::kPhq9, Instrument::kGad7}) {
    const std::string path =
        data_dir + "/content/screening/" + std::string(InstrumentId(i)) + ".yaml";
    std::ifstream in(path, std::ios::binary);
    if (!in) return NotFound(path + ": cannot be read");
    std::ostringstream buf;
    buf << in.rdbuf();
    auto c = ParseInstrument(buf.str(), path);
    if (!c.ok()) return c.status();
    if (c->instrument != i) return InvalidArgument(path + ": instrument: does not match the file");
    (i == Instrument::kPhq9 ? s.phq9_ : s.gad7_) = std::move(c).value();
  }
  return s;
}

const InstrumentContent& Screener::content(Instrument instrument) const {
  return instrument == Instrument::kPhq9 ? phq9_ : gad7_;
}

const std::string& Screener::Offer(Instrument instrument) const {
  return content(instrument).offer;
}

std::vector<std::string> Screener::AskCurrent(const ScreeningState& state, bool first) const {
  const InstrumentContent& c = content(state.instrument);
  const int count = ItemCount(state.instrument);
  if (state.item >= count) {
    const std::string& tmpl = state.unclear > 0 ? c.difficulty_reask : c.difficulty_prompt;
    return {Fill(tmpl, {{"options", OptionsLine(c.difficulty_options)}})};
  }
  const std::map<std::string, std::string> vars = {
      {"stem", c.stem},
      {"item", c.items[static_cast<size_t>(state.item)]},
      {"number", std::to_string(state.item + 1)},
      {"count", std::to_string(count)},
      {"options", OptionsLine(c.options)}};
  if (state.unclear > 0) return {Fill(c.reask, vars)};
  std::string ask = Fill(first ? c.first_item : c.next_item, vars);
  if (state.instrument == Instrument::kPhq9 && state.item == kPhq9RiskItem &&
      !c.risk_item_intro.empty()) {
    return {c.risk_item_intro, std::move(ask)};
  }
  return {std::move(ask)};
}

ScreeningStep Screener::Start(Instrument instrument, std::int64_t now) const {
  ScreeningStep step;
  step.state.instrument = instrument;
  step.state.started_at = now;
  step.messages.push_back(content(instrument).intro);
  for (std::string& m : AskCurrent(step.state, /*first=*/true)) step.messages.push_back(m);
  step.outcome = ScreeningOutcome::kAsking;
  return step;
}

ScreeningStep Screener::Step(const ScreeningState& state, std::string_view text,
                             std::int64_t now) const {
  ScreeningStep step;
  step.state = state;
  ScreeningState& s = step.state;
  const int count = ItemCount(s.instrument);
  if (s.finished || s.item < 0 || s.item > count ||
      static_cast<int>(s.answers.size()) != std::min(s.item, count)) {
    step.outcome = ScreeningOutcome::kFinished;
    return step;
  }
  const InstrumentContent& c = content(s.instrument);
  auto finish = [&](ScreeningOutcome outcome, bool item9_endorsed = false) {
    s.finished = true;
    step.outcome = outcome;
    step.result =
        MakeResult(s.instrument, s.answers, s.difficulty, s.started_at, now, item9_endorsed);
  };

  if (IsExitRequest(text)) {
    if (s.item >= count) {  // only the unscored difficulty question was left
      finish(ScreeningOutcome::kCompleted);
      step.messages = Describe(*step.result);
    } else {
      finish(ScreeningOutcome::kStopped);
      step.messages.push_back(c.stopped);
    }
    return step;
  }

  if (s.item >= count) {
    const std::optional<int> d = ReadDifficulty(text);
    if (!d) {
      ++s.unclear;
      step.outcome = ScreeningOutcome::kReasked;
      step.messages = AskCurrent(s, false);
      return step;
    }
    s.difficulty = d;
    s.unclear = 0;
    finish(ScreeningOutcome::kCompleted);
    step.messages = Describe(*step.result);
    return step;
  }

  const std::optional<int> v = ReadFrequency(text);
  const bool risk_item = s.instrument == Instrument::kPhq9 && s.item == kPhq9RiskItem;
  if (risk_item &&
      ((!v && (EndorsesWithoutFrequency(text) || DeclinesToAnswer(text))) || IsHedgedNo(text))) {
    // "yes", "sometimes", "0 or 1", "not really", "no, but..." on item 9: the thoughts may be
    // there. When unsure, escalate: the risk path now, the item unscored rather than guessed.
    finish(ScreeningOutcome::kRiskPath, /*item9_endorsed=*/true);
    step.risk = true;
    step.messages.push_back(c.risk_pause);
    return step;
  }
  if (!v) {
    ++s.unclear;
    step.outcome = ScreeningOutcome::kReasked;
    step.messages = AskCurrent(s, false);
    return step;
  }
  s.answers.push_back(*v);
  s.unclear = 0;
  if (risk_item && *v > 0) {
    ++s.item;
    finish(ScreeningOutcome::kRiskPath);
    step.risk = true;
    step.messages.push_back(c.risk_pause);
    return step;
  }
  ++s.item;
  if (s.item == count) {
    int total = 0;
    for (int a : s.answers) total += a;
    if (total == 0) {  // the difficulty question is asked only when a problem was checked
      finish(ScreeningOutcome::kCompleted);
      step.messages = Describe(*step.result);
      return step;
    }
  }
  step.outcome = ScreeningOutcome::kAsking;
  step.messages = AskCurrent(s, false);
  return step;
}

std::string Screener::DescribeChange(const ScreeningResult& earlier,
                                     const ScreeningResult& later) const {
  const ScreeningChange change = CompareResults(earlier, later);
  if (!change.comparable) return "";
  const InstrumentContent& c = content(later.instrument);
  const std::map<std::string, std::string> vars = {
      {"points", std::to_string(std::abs(change.delta))},
      {"previous", std::to_string(earlier.total)},
      {"total", std::to_string(later.total)},
      {"max", std::to_string(MaxTotal(later.instrument))}};
  switch (change.direction) {
    case ChangeDirection::kImproved:
      return Fill(c.change_improved, vars);
    case ChangeDirection::kWorsened:
      return Fill(c.change_worsened, vars);
    case ChangeDirection::kNoReliableChange:
      break;
  }
  return Fill(c.change_same, vars);
}

std::vector<std::string> Screener::Describe(const ScreeningResult& result) const {
  const InstrumentContent& c = content(result.instrument);
  if (!result.completed) return {c.stopped};
  const std::map<std::string, std::string> vars = {
      {"total", std::to_string(result.total)},
      {"max", std::to_string(MaxTotal(result.instrument))},
      {"band", c.band_words[static_cast<size_t>(result.band)]}};
  return {Fill(c.result, vars), c.not_diagnosis, c.advice[static_cast<size_t>(result.band)]};
}

}  // namespace haven::reply
