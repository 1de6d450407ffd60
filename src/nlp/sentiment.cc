// Sentiment scoring: a port of VADER (Hutto & Gilbert 2014; vaderSentiment 3.3.2 and the
// vader-sentiment 1.1.3 JavaScript port) with Haven's extensions. See sentiment.h.
//
// Per message:
//  1. Items. Every word, emoji and emoticon token is an item; punctuation is not, but it closes
//     clauses ("," ":" "-" "(" ...) and sentences (kBreak), and its "!" and "?" are counted.
//     Tokens expanded from one chat spelling share a position, and the short form is looked
//     up first ("wtf", "fml"). Articles share the next word's position.
//  2. Valence. One hash lookup per item gives its valence (Haven's file, else VADER, else AFINN
//     x0.77), booster weight and roles; an unrated "un-X"/"X-less" gets -0.74 x X. Phrases
//     (VADER's idioms, "can't cope", "to be honest") are matched greedily, longest first,
//     inside a clause, and become one item.
//  3. Modifiers (VADER): ALL CAPS among lower case +0.733; a booster up to three positions back
//     +-0.293 (x0.95, x0.9 with distance); a negator there x-0.74 (x-0.3 for a negative
//     word: "not bad" is weakly positive); "never so/this" x1.25;
//     "least" negates unless "at least". Haven: nothing reaches across a clause break or past
//     a nearer sentiment word (neg-raising verbs such as "want" and "think" let negation
//     through); emoji and interjections ("lol") are outside any scope; an elongated word is
//     boosted; "not only", "nothing but/short of", "no doubt", negative questions ("Isn't it
//     lovely?") do not negate; "anything but X" does; "haven't been this X" emphasises; "no"
//     negates a following rated word (3.3.2); "kind of"/"sort of"/"a bit" dampen either sign;
//     "like" is rated only as a verb, "well" not as a discourse marker; "pretty" before a rated
//     word is a degree adverb.
//  4. Mood. Plain questions and "if"/"unless" clauses halve (not tag questions or "??"); a
//     positive word after "could have"/"should've" is neutral (counterfactual).
//  5. Contrast. "but", and "yet"/"however" opening a clause: what precedes in the sentence (or
//     the previous sentence when it opens one) x0.5, the rest of the sentence x1.5. "although",
//     "though", sentence-initial "while": their own clause x0.5, the rest of the sentence x1.5.
//  6. Sum; add "!" (0.292 each, at most 4) and "?" (0.18 each for 2-3, 0.96 for more) in the
//     sum's direction; compound = x / sqrt(x^2 + 15); pos/neg/neu are the shares of |v| + 1 per
//     rated item and 1 per neutral item, as in VADER.
// No value was fitted to VADER's rated corpora (the benchmark). A rule beyond VADER was kept
// only if it helped, or was neutral, on GoEmotions train/dev mapped to positive/negative/neutral.
#include "nlp/sentiment.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "nlp/string_table.h"

namespace haven::nlp {
namespace {

// VADER's empirically derived constants.
constexpr double kBoostIncr = 0.293;   // booster word
constexpr double kBoostDecr = -0.293;  // dampener word
constexpr double kCapsIncr = 0.733;    // ALL CAPS word among lower-case ones
constexpr double kNegScalar = -0.74;   // negated valence
// A negated negative word is only weakly positive ("not bad" is not "good"; Kiritchenko &
// Mohammad 2016 found negators move negative words to mildly positive at most). On GoEmotions
// train, -0.74 (VADER) -> -0.3 raised r from 0.625 to 0.630.
constexpr double kNegNegScalar = -0.3;
constexpr double kAlpha = 15.0;         // compound = x / sqrt(x^2 + alpha)
constexpr double kExclaimEach = 0.292;  // per "!", at most kMaxExclaim of them
constexpr int kMaxExclaim = 4;
constexpr double kQuestionEach = 0.18;  // per "?" when there are 2 or 3
constexpr double kQuestionMany = 0.96;  // 4 or more
constexpr double kButBefore = 0.5;
constexpr double kButAfter = 1.5;
constexpr double kNeverSo = 1.25;       // "never so good", "never this good"
constexpr double kQuestionScale = 0.5;  // sentiment in a plain question or an "if" clause
// AFINN (integers -5..5) to VADER's scale: the least-squares slope through the origin of VADER
// valence on AFINN valence over the 2,647 single words both lexicons rate.
constexpr double kAfinnScale = 0.77;
constexpr int kWindow = 3;  // how many items back a booster or negator reaches

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

enum WordRole : uint8_t {
  kHasValence = 1 << 0,
  kNegator = 1 << 1,
  kBooster = 1 << 2,       // `booster` holds its signed weight
  kPhraseHead = 1 << 3,    // `phrase_begin..phrase_end` index Lexicon::phrases
  kContrastive = 1 << 4,   // but, however, yet, although, though
  kModifierOnly = 1 << 5,  // VADER's boosters: never a sentiment word themselves
  kDegree = 1 << 6,        // Haven's degree adverbs: a modifier whenever a rated word follows
  kInterjection = 1 << 7,  // outside the scope of negators and boosters
};

struct WordInfo {
  double valence = 0;
  double booster = 0;
  uint8_t roles = 0;
  uint8_t valence_source = 0;  // 3 Haven, 2 VADER, 1 AFINN: higher wins
  uint32_t phrase_begin = 0;
  uint32_t phrase_end = 0;
};

struct Phrase {
  std::vector<std::string> rest;  // the words after the head
  double valence = 0;
};

double Sign(double v) { return v > 0 ? 1.0 : (v < 0 ? -1.0 : 0.0); }

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// ASCII lower case; other bytes unchanged (emoji, accented letters stay as they are).
void AppendLower(std::string_view s, std::string* out) {
  for (char c : s) out->push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
}

// Splits on single spaces, skipping empty pieces.
std::vector<std::string> SplitWords(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// VADER's booster/dampener list (vaderSentiment 3.3.2): these are modifiers only, never
// sentiment words themselves.
constexpr std::array<std::string_view, 60> kVaderBoosters = {
    "absolutely",    "amazingly",    "awfully",       "completely", "considerable", "considerably",
    "decidedly",     "deeply",       "effing",        "enormous",   "enormously",   "entirely",
    "especially",    "exceptional",  "exceptionally", "extreme",    "extremely",    "fabulously",
    "flipping",      "flippin",      "frackin",       "fracking",   "fricking",     "frickin",
    "frigging",      "friggin",      "fully",         "fuckin",     "fucking",      "fuggin",
    "fugging",       "greatly",      "hella",         "highly",     "hugely",       "incredible",
    "incredibly",    "intensely",    "major",         "majorly",    "more",         "most",
    "particularly",  "purely",       "quite",         "really",     "remarkably",   "so",
    "substantially", "thoroughly",   "total",         "totally",    "tremendous",   "tremendously",
    "uber",          "unbelievably", "unusually",     "utter",      "utterly",      "very"};
constexpr std::array<std::string_view, 21> kVaderDampeners = {
    "almost",   "barely",   "hardly",     "kinda",      "kindof",       "kind-of", "less",
    "little",   "marginal", "marginally", "occasional", "occasionally", "partly",  "scarce",
    "scarcely", "slight",   "slightly",   "somewhat",   "sorta",        "sortof",  "sort-of"};
// Haven's additions: chat and British intensifiers, and degree adverbs VADER lacks. Several are
// sentiment words on their own ("super", "crazy", "dead", "pretty"); such a word acts as a
// modifier only when a rated word follows it in the same clause ("pretty good", "dead tired").
constexpr std::array<std::string_view, 17> kHavenBoosters = {
    "super",    "mega",   "real",   "truly",  "insanely", "ridiculously",
    "terribly", "bloody", "damn",   "wicked", "crazy",    "freaking",
    "freakin",  "dead",   "proper", "way",    "sooo"};
// Degree adverbs whose other sense is unrelated ("pretty" = attractive): before a rated word
// they are always modifiers. "pretty" weighs like VADER's "quite"; the others dampen.
constexpr std::array<std::pair<std::string_view, double>, 4> kHavenDegree = {
    {{"pretty", kBoostIncr},
     {"rather", kBoostDecr},
     {"fairly", kBoostDecr},
     {"mildly", kBoostDecr}}};
// Interjections and chat markers: like emoji, they comment on the message and are outside the
// scope of negators and boosters ("I'm not the latter lol").
constexpr std::array<std::string_view, 30> kInterjections = {
    "lol", "lmao", "lmfao",  "rofl",   "haha",   "hahaha", "hehe", "heh", "xd",   "ugh",
    "yay", "wow",  "xoxo",   "xo",     "smh",    "yikes",  "oof",  "meh", "argh", "ew",
    "eww", "yuck", "woohoo", "hooray", "yippee", "aww",    "awww", "fml", "lolz", "wtf"};

// VADER's negation list, with the apostrophes restored (the normaliser restores them in text),
// plus "no" (vaderSentiment 3.3.2 treats it as a negating determiner) and a few chat forms.
constexpr std::array<std::string_view, 54> kNegators = {
    "aint",    "ain't",    "aren't",  "arent",   "cannot",   "can't",   "cant",      "couldn't",
    "couldnt", "daren't",  "darent",  "didn't",  "didnt",    "doesn't", "doesnt",    "don't",
    "dont",    "hadn't",   "hadnt",   "hasn't",  "hasnt",    "haven't", "havent",    "isn't",
    "isnt",    "mightn't", "mustn't", "neither", "needn't",  "never",   "none",      "nope",
    "nor",     "not",      "nothing", "nowhere", "oughtn't", "shan't",  "shouldn't", "shouldnt",
    "uhuh",    "uh-uh",    "wasn't",  "wasnt",   "weren't",  "werent",  "without",   "won't",
    "wont",    "wouldn't", "wouldnt", "no",      "nobody",   "noone"};
// VADER also lists these as negators.
constexpr std::array<std::string_view, 3> kWeakNegators = {"rarely", "seldom", "despite"};

constexpr std::array<std::string_view, 8> kContrastives = {
    "but", "however", "yet", "although", "though", "while", "whilst", "whereas"};

// VADER's idioms (3.3.2's SPECIAL_CASES; the JS port's SPECIAL_CASE_IDIOMS) as phrases.
constexpr std::array<std::pair<std::string_view, double>, 12> kVaderIdioms = {{
    {"the shit", 3.0},
    {"the bomb", 3.0},
    {"bad ass", 1.5},
    {"badass", 1.5},
    {"bus stop", 0.0},
    {"yeah right", -2.0},
    {"cut the mustard", 2.0},
    {"kiss of death", -1.5},
    {"hand to mouth", -2.0},
    {"to die for", 3.0},
    {"beating heart", 3.1},
    {"broken heart", -2.9},
}};

}  // namespace

struct SentimentScorer::Lexicon {
  StringTable<WordInfo> words;
  std::vector<Phrase> phrases;  // grouped by head; within a head, longest first

  // Valid until the next word is added.
  WordInfo& At(std::string_view w) { return words[w]; }
  const WordInfo* Find(std::string_view w) const { return words.Find(w); }
  // Valence of `w` when it is rated.
  double Rated(std::string_view w) const {
    const WordInfo* info = Find(w);
    return info != nullptr && (info->roles & kHasValence) ? info->valence : 0.0;
  }

  // For a word no lexicon rates, the negation of a rated base under a negating affix:
  // "unfunny", "uninspired" -> -0.74 x base; "joyless", "flawless" -> -0.74 x base. Returns 0
  // when none applies. (Inflections and "-ly"/"-ness" derivations were tried and dropped: on
  // GoEmotions they added more false positives than they fixed.)
  double Derived(std::string_view w) const {
    const size_t n = w.size();
    double v = 0;
    if (n >= 7 && w.ends_with("less") && (v = Rated(w.substr(0, n - 4))) != 0) {
      return kNegScalar * v;
    }
    if (n >= 6 && w.starts_with("un") && (v = Rated(w.substr(2))) != 0) return kNegScalar * v;
    return 0;
  }

  void SetValence(std::string_view w, double v, uint8_t source) {
    WordInfo& info = At(w);
    if (source < info.valence_source) return;
    info.valence = v;
    info.valence_source = source;
    if (v != 0) {
      info.roles |= kHasValence;
    } else {
      info.roles &= static_cast<uint8_t>(~kHasValence);
    }
  }
};

namespace {

// Reads "ENTRY<TAB>NUMBER[<TAB>...]" lines; `fn(entry, value)` for each. Lines that are empty or
// start with '#' are skipped. Errors name the file and line, never the content.
template <typename Fn>
Status ReadTable(const std::string& path, const std::string& name, Fn fn) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("sentiment lexicon missing or unreadable: " + name);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    std::string_view l = line;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (Trim(l).empty() || l.front() == '#') continue;
    size_t tab = l.find('\t');
    if (tab == std::string_view::npos || tab == 0) {
      return InvalidArgument("sentiment lexicon malformed: " + name + " line " +
                             std::to_string(line_no));
    }
    std::string_view entry = l.substr(0, tab);
    std::string_view num = Trim(l.substr(tab + 1));
    size_t tab2 = num.find('\t');
    if (tab2 != std::string_view::npos) num = Trim(num.substr(0, tab2));
    double value = 0;
    auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), value);
    if (ec != std::errc() || p != num.data() + num.size() || !std::isfinite(value) ||
        std::fabs(value) > 10) {
      return InvalidArgument("sentiment lexicon malformed: " + name + " line " +
                             std::to_string(line_no));
    }
    fn(entry, value);
  }
  if (in.bad()) return NotFound("sentiment lexicon unreadable: " + name);
  return Status::Ok();
}

}  // namespace

StatusOr<SentimentScorer> SentimentScorer::Load(const std::string& data_dir) {
  try {
    auto lex = std::make_shared<Lexicon>();
    lex->words.Reserve(12000);
    // phrase text -> valence; later sources override earlier ones.
    std::vector<std::pair<std::string, double>> phrase_list;
    StringMap<size_t> phrase_index;
    auto add_phrase = [&](std::string_view text, double v) {
      std::string key;
      AppendLower(Trim(text), &key);
      auto it = phrase_index.find(key);
      if (it != phrase_index.end()) {
        phrase_list[it->second].second = v;
        return;
      }
      phrase_index.emplace(key, phrase_list.size());
      phrase_list.emplace_back(std::move(key), v);
    };

    const std::string dir = data_dir + "/lexicons/";
    // AFINN first (lowest priority), single words only: its phrases overlap with negation rules
    // ("not good", "dont like") that Haven applies itself.
    Status s =
        ReadTable(dir + "afinn-en-165.txt", "afinn-en-165.txt", [&](std::string_view e, double v) {
          if (e.find(' ') != std::string_view::npos) return;
          std::string key;
          AppendLower(e, &key);
          lex->SetValence(key, v * kAfinnScale, 1);
        });
    if (!s.ok()) return s;
    s = ReadTable(dir + "vader_lexicon.txt", "vader_lexicon.txt",
                  [&](std::string_view e, double v) {
                    if (e.find(' ') != std::string_view::npos) {
                      add_phrase(e, v);  // "fed up", "can't stand"
                      return;
                    }
                    // Emoticons are case-sensitive (":D" vs "D:"); words are not. Keep the
                    // surface as written; words are also stored lower case.
                    lex->SetValence(e, v, 2);
                    std::string lower;
                    AppendLower(e, &lower);
                    if (lower != e && lex->Find(lower) == nullptr) {
                      lex->SetValence(lower, v, 2);
                    }
                  });
    if (!s.ok()) return s;
    for (const auto& [text, v] : kVaderIdioms) add_phrase(text, v);
    s = ReadTable(dir + "haven_sentiment.txt", "haven_sentiment.txt",
                  [&](std::string_view e, double v) {
                    if (e.find(' ') != std::string_view::npos) {
                      add_phrase(e, v);
                    } else {
                      lex->SetValence(e, v, 3);
                    }
                  });
    if (!s.ok()) return s;

    // Roles.
    auto booster = [&](std::string_view w, double weight, bool modifier_only) {
      WordInfo& info = lex->At(w);
      info.roles |= kBooster;
      if (modifier_only) info.roles |= kModifierOnly;
      info.booster = weight;
    };
    for (std::string_view b : kVaderBoosters) booster(b, kBoostIncr, true);
    for (std::string_view b : kVaderDampeners) booster(b, kBoostDecr, true);
    for (std::string_view b : kHavenBoosters) booster(b, kBoostIncr, false);
    for (const auto& [b, weight] : kHavenDegree) {
      booster(b, weight, false);
      lex->At(b).roles |= kDegree;
    }
    for (std::string_view w : kInterjections) lex->At(w).roles |= kInterjection;
    for (std::string_view n : kNegators) lex->At(n).roles |= kNegator;
    for (std::string_view n : kWeakNegators) lex->At(n).roles |= kNegator;
    for (std::string_view c : kContrastives) lex->At(c).roles |= kContrastive;

    // Phrases grouped by head word, longest first.
    std::vector<std::pair<std::vector<std::string>, double>> split;
    split.reserve(phrase_list.size());
    for (auto& [text, v] : phrase_list) {
      auto words = SplitWords(text);
      if (words.size() >= 2) split.emplace_back(std::move(words), v);
    }
    std::stable_sort(split.begin(), split.end(), [](const auto& a, const auto& b) {
      if (a.first[0] != b.first[0]) return a.first[0] < b.first[0];
      return a.first.size() > b.first.size();
    });
    lex->phrases.reserve(split.size());
    for (size_t i = 0; i < split.size();) {
      size_t j = i;
      WordInfo& head = lex->At(split[i].first[0]);
      head.roles |= kPhraseHead;
      head.phrase_begin = static_cast<uint32_t>(lex->phrases.size());
      for (; j < split.size() && split[j].first[0] == split[i].first[0]; ++j) {
        Phrase p;
        p.rest.assign(split[j].first.begin() + 1, split[j].first.end());
        p.valence = split[j].second;
        lex->phrases.push_back(std::move(p));
      }
      head.phrase_end = static_cast<uint32_t>(lex->phrases.size());
      i = j;
    }

    SentimentScorer scorer;
    scorer.lexicon_ = std::move(lex);
    return scorer;
  } catch (const std::exception&) {
    return Internal("sentiment lexicon load failed");
  }
}

namespace {

enum QuestionKind : uint8_t { kNotQuestion, kQuestion, kTagQuestion, kEmphaticQuestion };

enum ItemFlag : uint8_t {
  kItemCaps = 1 << 0,
  kItemElongated = 1 << 1,
  kItemAbsorbed = 1 << 2,  // a non-head word of a matched phrase
  kItemPhrase = 1 << 3,    // head of a matched phrase; `valence` is the phrase's
  kItemEmoji = 1 << 4,     // emoji or emoticon
  kItemOutside = 1 << 5,   // emoji, emoticon or interjection: outside negation/booster scope
};

struct Item {
  std::string_view norm;
  const WordInfo* info = nullptr;
  double valence = 0;  // lexicon (or phrase) valence before modifiers
  double score = 0;    // valence after modifiers, contrast and mood
  uint32_t clause = 0;
  uint32_t sentence = 0;
  uint32_t pos = 0;  // source-word position: tokens expanded from one chat spelling share it
  uint8_t flags = 0;
  bool Is(std::string_view w) const { return norm == w; }
  bool Role(uint8_t r) const { return info != nullptr && (info->roles & r) != 0; }
};

// Whether Haven's booster word at `i` acts as a modifier: when the next item, in the same
// clause, is rated, and the word is a dampener ("pretty good") or has no rating of its own or
// one of the opposite sign ("damn good", "crazy good"). An evaluative intensifier that agrees
// with its head ("super funny", "dead tired", "damn damn") stays a rated word of its own, as
// in VADER, where both words count.
bool ModifiesNext(const std::vector<Item>& items, size_t i) {
  if (i + 1 >= items.size()) return false;
  const Item& next = items[i + 1];
  if (next.clause != items[i].clause || next.valence == 0 || (next.flags & kItemAbsorbed)) {
    return false;
  }
  const Item& self = items[i];
  return self.valence == 0 || (self.info->roles & kDegree) ||
         Sign(self.valence) != Sign(next.valence);
}

constexpr std::array<std::string_view, 40> kLikeSubjects = {
    "i",      "you",     "we",         "they",      "he",        "she",      "u",      "who",
    "people", "i'd",     "you'd",      "we'd",      "they'd",    "would",    "do",     "does",
    "did",    "don't",   "doesn't",    "didn't",    "really",    "actually", "just",   "also",
    "still",  "totally", "definitely", "kinda",     "genuinely", "honestly", "always", "will",
    "might",  "to",      "everyone",   "everybody", "me",        "ya",       "y'all",  "ppl"};

bool LikeIsVerb(const std::vector<Item>& items, size_t i) {
  if (i == 0 || items[i - 1].clause != items[i].clause) return false;
  return std::find(kLikeSubjects.begin(), kLikeSubjects.end(), items[i - 1].norm) !=
         kLikeSubjects.end();
}

// "..., isn't it?", "..., don't you?", "..., right?": a tag on an assertion, not a question.
bool IsTagQuestion(const std::vector<Item>& items, uint32_t sentence) {
  const size_t n = items.size();
  if (n == 0 || items[n - 1].sentence != sentence) return false;
  const Item& last = items[n - 1];
  const bool opens_clause = n == 1 || items[n - 2].clause != last.clause;
  if (opens_clause) {
    return last.Is("right") || last.Is("huh") || last.Is("eh") || last.Is("yeah") ||
           last.Is("no") || last.Is("ok") || last.Is("okay");
  }
  if (n < 3) return false;
  const Item& aux = items[n - 2];
  const bool aux_opens = items[n - 3].clause != aux.clause || items[n - 3].sentence != sentence;
  if (!aux_opens || aux.norm.size() < 2) return false;
  static constexpr std::array<std::string_view, 10> kPronouns = {
      "it", "you", "they", "he", "she", "we", "i", "there", "that", "u"};
  return std::find(kPronouns.begin(), kPronouns.end(), last.norm) != kPronouns.end();
}

// Verbs that pass a negation on to their complement ("I don't want to be loved", "I don't
// think it's good"): they never stop a negator's reach, even when rated ("want" 0.3).
bool IsNegRaising(std::string_view w) {
  static constexpr std::array<std::string_view, 12> kVerbs = {
      "want",    "wanted", "wants", "need",   "needed",  "think",
      "believe", "seem",   "seems", "expect", "suppose", "feel"};
  return std::find(kVerbs.begin(), kVerbs.end(), w) != kVerbs.end();
}

struct ScoreBuffers {
  std::vector<Item> items;
  std::vector<uint8_t> question;
  std::string lower;
};

// Empties the buffers when a call ends, and gives their memory back after a very long text.
class BufferGuard {
 public:
  explicit BufferGuard(ScoreBuffers* b) : b_(b) { Clear(); }
  ~BufferGuard() {
    Clear();
    if (b_->items.capacity() > kKeep) b_->items.shrink_to_fit();
    if (b_->question.capacity() > kKeep) b_->question.shrink_to_fit();
  }
  BufferGuard(const BufferGuard&) = delete;
  BufferGuard& operator=(const BufferGuard&) = delete;

 private:
  static constexpr size_t kKeep = 4096;
  void Clear() {
    b_->items.clear();
    b_->question.clear();
    b_->lower.clear();
  }
  ScoreBuffers* b_;
};

size_t CountChar(std::string_view s, char c) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), c));
}

}  // namespace

Sentiment SentimentScorer::Score(const NormalizedText& text) const {
  try {
    return ScoreOrThrow(text);
  } catch (const std::exception&) {
    return Sentiment{};  // only std::bad_alloc can get here; neutral rather than a crash
  }
}

Sentiment SentimentScorer::ScoreOrThrow(const NormalizedText& text) const {
  Sentiment out;
  if (lexicon_ == nullptr) return out;
  const Lexicon& lex = *lexicon_;
  const std::vector<Token>& toks = text.tokens;

  // Per-thread buffers: no allocation per call once warm; released after a very long text.
  thread_local ScoreBuffers buffers;
  BufferGuard guard(&buffers);
  std::vector<Item>& items = buffers.items;
  std::vector<uint8_t>& question = buffers.question;  // per sentence: a QuestionKind
  std::string& scratch = buffers.lower;               // a lower-cased surface
  items.reserve(toks.size());
  uint32_t clause = 0;
  uint32_t sentence = 0;
  size_t exclaims = 0;
  size_t questions = 0;
  uint32_t pos = 0;
  const Token* prev_word = nullptr;  // the last word token, to group expansions
  auto surface = [&](const Token& t) -> std::string_view {
    if (t.span.end <= t.span.start || t.span.end > text.text.size()) return {};
    return std::string_view(text.text).substr(t.span.start, t.span.end - t.span.start);
  };
  // An emoticon of several tokens: punctuation written without spaces, perhaps ending in one or
  // two letters, standing alone, and rated. Sets `len` to its token count.
  const std::string_view all = text.text;
  auto match_emoticon_run = [&](size_t first_ti, size_t* len) -> bool {
    const Token& first = toks[first_ti];
    if (first.span.end > all.size()) return false;
    if (first.span.start > 0 && !IsSpace(all[first.span.start - 1])) return false;
    size_t best = 0;
    uint32_t end = first.span.end;
    for (size_t k = first_ti + 1; k < toks.size() && k < first_ti + 4; ++k) {
      const Token& t = toks[k];
      if (t.span.start != end || t.span.end > all.size()) break;
      const bool word = t.Has(kWord);
      if (word ? t.span.end - t.span.start > 2 : !t.Has(kPunct)) break;
      end = t.span.end;
      if (end == all.size() || IsSpace(all[end])) {
        const WordInfo* info = lex.Find(all.substr(first.span.start, end - first.span.start));
        if (info != nullptr && (info->roles & kHasValence)) best = k - first_ti + 1;
      }
      if (word) break;
    }
    *len = best;
    return best > 0;
  };

  // Every word's slot of the lexicon is fetched first, so that its cache misses overlap.
  for (const Token& t : toks) {
    if (t.Has(kWord)) lex.words.Prefetch(t.norm);
  }
  for (size_t ti = 0; ti < toks.size(); ++ti) {
    const Token& t = toks[ti];
    if (t.Has(kBreak) || t.Has(kPunct)) {
      std::string_view src = surface(t);
      if (src.empty()) src = t.norm;
      size_t ex = CountChar(src, '!');
      size_t qm = CountChar(src, '?');
      // A run such as "!!!" may be reported as one mark with a repeat count.
      if (src.size() == 1 && t.repeat > 1) {
        ex *= t.repeat;
        qm *= t.repeat;
      }
      exclaims += ex;
      questions += qm;
      // Emoticons the tokenizer did not know (">:[", ":l", "(:") are runs of punctuation,
      // maybe ending in a letter, written without spaces and standing alone.
      if (size_t len = 0; match_emoticon_run(ti, &len)) {
        const Token& last = toks[ti + len - 1];
        std::string_view run =
            std::string_view(text.text).substr(t.span.start, last.span.end - t.span.start);
        const WordInfo* info = lex.Find(run);
        Item it;
        it.norm = run;
        it.info = info;
        it.valence = info->valence;
        it.flags = kItemEmoji | kItemOutside;
        it.clause = clause;
        it.sentence = sentence;
        it.pos = pos++;
        items.push_back(it);
        ti += len - 1;
        continue;
      }
      if (t.Has(kBreak)) {
        if (qm > 0) {
          if (question.size() <= sentence) question.resize(sentence + 1, 0);
          question[sentence] = IsTagQuestion(items, sentence) ? kTagQuestion
                               : (qm > 1)                     ? kEmphaticQuestion
                                                              : kQuestion;
        }
        ++sentence;
        ++clause;
      } else if (t.norm == "," || t.norm == ":" || t.norm == "-" || t.norm == "--" ||
                 t.norm == "(" || t.norm == ")" || t.norm == "\"" || t.norm == "\u2014" ||
                 t.norm == "\u2013" || t.norm == "...") {
        ++clause;
      }
      continue;
    }

    Item it;
    it.clause = clause;
    it.sentence = sentence;
    // Tokens expanded from one chat spelling ("wanna" -> "want to") count as one position,
    // so that a negator reaches as far as it does in the text as written.
    if (prev_word != nullptr && t.Has(kExpanded) && prev_word->Has(kExpanded) &&
        prev_word->span == t.span) {
      it.pos = pos - 1;
    } else {
      it.pos = pos++;
    }
    prev_word = &t;
    // Articles do not count towards a negator's or booster's reach: "doesn't do a very good
    // job" negates "good" as "doesn't do very good" would.
    if (it.pos + 1 == pos && (t.norm == "a" || t.norm == "an" || t.norm == "the")) --pos;
    if (t.Has(kAllCaps)) it.flags |= kItemCaps;
    if (t.Has(kElongated)) it.flags |= kItemElongated;

    if (t.Has(kEmoji) || t.Has(kEmoticon)) {
      it.flags |= kItemEmoji | kItemOutside;
      std::string_view src = surface(t);
      const WordInfo* info = src.empty() ? nullptr : lex.Find(src);
      if (info == nullptr || !(info->roles & kHasValence)) info = lex.Find(t.norm);
      if ((info == nullptr || !(info->roles & kHasValence)) && !src.empty()) {
        scratch.clear();
        AppendLower(src, &scratch);
        const WordInfo* lower = lex.Find(scratch);
        if (lower != nullptr) info = lower;
      }
      it.norm = t.norm;
      it.info = info;
      it.valence = (info != nullptr && (info->roles & kHasValence)) ? info->valence : 0.0;
      it.flags &= static_cast<uint8_t>(~kItemCaps);
      items.push_back(it);
      continue;
    }

    if (t.Has(kExpanded)) {
      // All tokens from one chat spelling share a span. If the short form itself is rated
      // ("lol", "smh", "fml"), it stands as one item.
      size_t tj = ti;
      while (tj + 1 < toks.size() && toks[tj + 1].Has(kExpanded) && toks[tj + 1].span == t.span) {
        ++tj;
      }
      std::string_view src = surface(t);
      if (!src.empty()) {
        scratch.clear();
        AppendLower(src, &scratch);
        const WordInfo* info = lex.Find(scratch);
        if (info != nullptr && (info->roles & kHasValence)) {
          it.norm = t.norm;
          it.info = info;
          it.valence = info->valence;
          items.push_back(it);
          ti = tj;
          continue;
        }
      }
    }

    it.norm = t.norm;
    it.info = lex.Find(t.norm);
    if (it.info != nullptr && (it.info->roles & kHasValence)) {
      it.valence = it.info->valence;
    } else if (it.info == nullptr && t.Has(kWord) && !t.Has(kNumber)) {
      it.valence = lex.Derived(t.norm);
    }
    items.push_back(it);
  }

  const size_t n = items.size();
  if (n == 0) return out;  // neu = 1
  for (Item& it : items) {
    if (it.Role(kInterjection)) it.flags |= kItemOutside;
  }

  // Phrases: greedy, longest first, inside one clause.
  for (size_t i = 0; i < n; ++i) {
    Item& head = items[i];
    if (!head.Role(kPhraseHead) || (head.flags & kItemAbsorbed)) continue;
    for (uint32_t p = head.info->phrase_begin; p < head.info->phrase_end; ++p) {
      const Phrase& ph = lex.phrases[p];
      const size_t len = ph.rest.size();
      if (i + len >= n) continue;
      bool match = true;
      for (size_t k = 0; k < len && match; ++k) {
        const Item& w = items[i + 1 + k];
        match = w.clause == head.clause && w.norm == ph.rest[k];
      }
      if (!match) continue;
      head.valence = ph.valence;
      head.flags |= kItemPhrase;
      for (size_t k = 1; k <= len; ++k) {
        if (items[i + k].flags & kItemCaps) head.flags |= kItemCaps;
        items[i + k].flags |= kItemAbsorbed;
      }
      i += len;
      break;
    }
  }

  // ALL CAPS counts only when some words are not in caps.
  size_t caps = 0;
  size_t lower_words = 0;
  for (const Item& it : items) {
    if (it.flags & kItemEmoji) continue;
    if (it.flags & kItemCaps) {
      ++caps;
    } else if (it.norm.size() >= 2) {
      ++lower_words;
    }
  }
  const bool cap_diff = caps > 0 && lower_words > 0;

  // Is item j an active negator for the items after it?
  auto negates = [&](size_t j) -> bool {
    const Item& w = items[j];
    if (!w.Role(kNegator) || (w.flags & (kItemAbsorbed | kItemPhrase))) return false;
    if (j + 1 < n && items[j + 1].clause == w.clause) {
      const Item& next = items[j + 1];
      if (w.Is("not") && (next.Is("only") || next.Is("just"))) return false;  // not only X
      if (next.Is("but")) return false;  // nothing but, none but
      if (w.Is("nothing") && (next.Is("short") || next.Is("less"))) return false;
      if (next.Is("doubt") || next.Is("wonder")) return false;  // no doubt, without doubt
      if (j + 2 < n && next.Is("a") && items[j + 2].Is("doubt")) return false;
    }
    // A negative question opening its sentence ("Wouldn't that be great?", "Isn't it lovely?")
    // asks for agreement; it does not negate.
    if ((j == 0 || items[j - 1].sentence != w.sentence) && w.norm.size() > 3 &&
        w.norm.ends_with("n't") && w.sentence < question.size() && question[w.sentence] != 0) {
      return false;
    }
    return true;
  };

  for (size_t i = 0; i < n; ++i) {
    const Item& it = items[i];
    if (it.flags & kItemAbsorbed) continue;
    double v = it.valence;
    if (v == 0) continue;
    if (!(it.flags & kItemPhrase)) {
      // VADER: a booster word is a modifier, not a sentiment word ("so", "really"); Haven's
      // own boosters are modifiers only before a rated word ("pretty good", "she's pretty").
      if (it.Role(kModifierOnly)) continue;
      if (it.Role(kBooster) && ModifiesNext(items, i)) continue;
      // "like" is a verb of liking only after a subject or an auxiliary ("I like", "would
      // like", "don't like"); otherwise it is a preposition or a filler ("feel like", "like a",
      // "it's like, ...") and carries no sentiment.
      if (it.Is("like") && !LikeIsVerb(items, i)) continue;
      // "well" opening a clause is a discourse marker ("Well, I tried"); "as well" means "too".
      if (it.Is("well") && (i == 0 || items[i - 1].clause != it.clause || items[i - 1].Is("as"))) {
        continue;
      }
      // VADER 3.3.2: "kind of" is a dampener, not "kind".
      if (it.Is("kind") && i + 1 < n && items[i + 1].Is("of")) continue;
      // vaderSentiment 3.3.2: "no" before a rated word negates it ("no hope") and carries no
      // valence of its own; otherwise ("No.", "no idea") it keeps its mild negative rating.
      if (it.Is("no") && i + 1 < n && items[i + 1].clause == it.clause &&
          items[i + 1].valence != 0) {
        continue;
      }
    }

    if (cap_diff && (it.flags & kItemCaps)) v += Sign(v) * kCapsIncr;
    if (it.flags & kItemElongated) v += Sign(v) * kBoostIncr;

    // Emoji, emoticons and interjections are outside the scope of words: "no cheque :(".
    const size_t first_j = (it.flags & kItemOutside) ? 0 : i;
    for (size_t j = first_j; j-- > 0;) {
      const Item& w = items[j];
      const uint32_t dist = it.pos - w.pos;
      if (dist > static_cast<uint32_t>(kWindow) || w.clause != it.clause) break;
      const int start = dist == 0 ? 0 : static_cast<int>(dist) - 1;
      if (w.flags & kItemAbsorbed) continue;
      const bool modifier = w.Role(kModifierOnly) || (w.Role(kBooster) && ModifiesNext(items, j));
      // VADER skips a preceding word that is itself rated; Haven stops there: a negator or
      // booster reaches only the nearest sentiment word ("never fails to fascinate" negates
      // "fails", not "fascinate"). Emoji and interjections in between are skipped.
      const bool rated = w.valence != 0 && !w.Role(kNegator) && !modifier;
      if (rated) {
        if ((w.flags & kItemOutside) || IsNegRaising(w.norm)) continue;
        break;
      }
      if (modifier) {
        double s = w.info->booster * Sign(v);
        if (cap_diff && (w.flags & kItemCaps)) s += Sign(v) * kCapsIncr;
        if (start == 1) s *= 0.95;
        if (start == 2) s *= 0.9;
        v += s;
      }
      // Dampening bigrams "kind of", "sort of", "a bit" just before (either sign).
      if (start == 0 && j >= 1 && items[j - 1].clause == it.clause &&
          ((w.Is("of") && (items[j - 1].Is("kind") || items[j - 1].Is("sort"))) ||
           (w.Is("bit") && items[j - 1].Is("a")) || (w.Is("enough") && items[j - 1].Is("just")))) {
        v += Sign(v) * kBoostDecr;
      }
      // Negation and "never so" (VADER); "haven't been this sore in years" is emphasis too.
      const bool never = w.Is("never");
      const bool perfect_neg =
          w.Is("haven't") || w.Is("hasn't") || w.Is("hadn't") ||
          (w.Is("not") && j >= 1 &&
           (items[j - 1].Is("have") || items[j - 1].Is("has") || items[j - 1].Is("had") ||
            items[j - 1].Is("i've") || items[j - 1].Is("you've") || items[j - 1].Is("we've") ||
            items[j - 1].Is("they've")));
      if (start == 1 && never && (items[i - 1].Is("so") || items[i - 1].Is("this"))) {
        v *= kNeverSo;
      } else if (start == 2 && never &&
                 (items[j + 1].Is("so") || items[j + 1].Is("this") || items[i - 1].Is("so") ||
                  items[i - 1].Is("this"))) {
        v *= kNeverSo;
      } else if (start >= 1 && (never || perfect_neg) && items[i - 1].Is("this") &&
                 items[j + 1].Is("been")) {
        v *= kNeverSo;
      } else if (negates(j)) {
        v *= v < 0 ? kNegNegScalar : kNegScalar;
      } else if (w.Is("but") && j >= 1 && items[j - 1].Is("anything") &&
                 items[j - 1].clause == it.clause) {
        v *= kNegScalar;  // "anything but good"
      }
    }
    // "least": negates unless "at least" / "very least".
    if (i >= 1 && !(it.flags & kItemOutside) && items[i - 1].Is("least") &&
        items[i - 1].clause == it.clause) {
      if (i < 2 || !(items[i - 2].Is("at") || items[i - 2].Is("very"))) v *= kNegScalar;
    }
    items[i].score = v;
  }

  // Questions assert less than statements: "Are you happy?" halves. Not tag questions
  // ("..., isn't it?") or emphatic ones ("really??", which VADER's "?" emphasis handles).
  for (size_t i = 0; i < n; ++i) {
    if (items[i].sentence < question.size() && question[items[i].sentence] == kQuestion) {
      items[i].score *= kQuestionScale;
    }
  }
  // A conditional clause is not asserted either: "if it's good" halves, like a question.
  for (size_t i = 0; i + 1 < n; ++i) {
    if (!(items[i].Is("if") || items[i].Is("unless") || items[i].Is("whether"))) continue;
    for (size_t k = i + 1; k < n && items[k].clause == items[i].clause; ++k) {
      items[k].score *= kQuestionScale;
    }
  }
  // Irrealis: after a past modal ("could have been great", "should've been better") a positive
  // word names what did not happen; it counts as neutral. ("wish" is left alone: in GoEmotions,
  // Haven's tuning set, wishes read as desire, a positive emotion.)
  for (size_t i = 0; i + 1 < n; ++i) {
    const Item& m = items[i];
    if (m.flags & kItemAbsorbed) continue;
    size_t scope = 0;
    if (m.Is("could've") || m.Is("should've") || m.Is("would've")) {
      scope = i + 1;
    } else if ((m.Is("could") || m.Is("should") || m.Is("would")) && items[i + 1].Is("have")) {
      scope = i + 2;
    }
    if (scope == 0) continue;
    for (size_t k = scope; k < n && items[k].clause == m.clause; ++k) {
      if (items[k].score > 0) items[k].score = 0;
    }
  }
  // Contrast. A contrastive word that opens a clause: "X, but Y" / "X. But Y" / "X, yet Y";
  // "although X, Y" discounts its own clause instead.
  for (size_t i = 0; i < n; ++i) {
    const Item& c = items[i];
    if (!c.Role(kContrastive) || (c.flags & kItemAbsorbed)) continue;
    const bool opens_clause = i == 0 || items[i - 1].clause != c.clause;
    if (c.Is("but")) {
      if (i >= 1 && items[i - 1].clause == c.clause &&
          (items[i - 1].Is("nothing") || items[i - 1].Is("anything") || items[i - 1].Is("all") ||
           items[i - 1].Is("none"))) {
        continue;  // "nothing but", "anything but", "all but"
      }
      if (i + 1 < n && items[i + 1].Is("also")) continue;  // "not only ... but also"
    } else if (c.Is("yet") || c.Is("however")) {
      if (!opens_clause) continue;  // "not yet", "however hard"
    } else if (c.Is("though") && !opens_clause) {
      continue;  // "... , though." as an afterthought: too weak to weigh
    } else if ((c.Is("while") || c.Is("whilst") || c.Is("whereas")) &&
               !(i == 0 || items[i - 1].sentence != c.sentence)) {
      continue;  // "while" inside a sentence is mostly temporal
    }
    if (!c.Is("but") && !c.Is("yet") && !c.Is("however")) {
      // The concessive clause is discounted, the rest of the sentence emphasised.
      size_t k = i + 1;
      for (; k < n && items[k].clause == c.clause; ++k) items[k].score *= kButBefore;
      for (; k < n && items[k].sentence == c.sentence; ++k) items[k].score *= kButAfter;
      continue;
    }
    // Before: this sentence up to the word; the previous sentence when the word opens one.
    const bool opens_sentence = i == 0 || items[i - 1].sentence != c.sentence;
    const uint32_t before_sentence =
        opens_sentence ? (c.sentence == 0 ? UINT32_MAX : c.sentence - 1) : c.sentence;
    for (size_t k = i; k-- > 0;) {
      if (items[k].sentence != before_sentence) {
        if (items[k].sentence < before_sentence) break;
        continue;
      }
      items[k].score *= kButBefore;
    }
    for (size_t k = i + 1; k < n && items[k].sentence == c.sentence; ++k) {
      items[k].score *= kButAfter;
    }
  }

  double sum = 0;
  double pos_sum = 0;
  double neg_sum = 0;
  size_t neu_count = 0;
  for (size_t i = 0; i < n; ++i) {
    if (items[i].flags & kItemAbsorbed) continue;
    const double v = items[i].score;
    sum += v;
    if (v > 0) {
      pos_sum += v + 1;
    } else if (v < 0) {
      neg_sum += v - 1;
    } else {
      ++neu_count;
    }
  }

  double punct = kExclaimEach * static_cast<double>(std::min<size_t>(exclaims, kMaxExclaim));
  if (questions > 1) {
    punct += questions <= 3 ? kQuestionEach * static_cast<double>(questions) : kQuestionMany;
  }
  if (sum > 0) {
    sum += punct;
  } else if (sum < 0) {
    sum -= punct;
  }
  double compound = sum / std::sqrt(sum * sum + kAlpha);
  if (!std::isfinite(compound)) compound = sum > 0 ? 1.0 : (sum < 0 ? -1.0 : 0.0);
  out.compound = std::clamp(compound, -1.0, 1.0);

  if (pos_sum > -neg_sum) {
    pos_sum += punct;
  } else if (pos_sum < -neg_sum) {
    neg_sum -= punct;
  }
  const double total = pos_sum - neg_sum + static_cast<double>(neu_count);
  if (total <= 0 || !std::isfinite(total)) return Sentiment{out.compound, 0.0, 1.0, 0.0};
  out.pos = pos_sum / total;
  out.neg = neg_sum < 0 ? -neg_sum / total : 0.0;
  out.neu = std::max(0.0, 1.0 - out.pos - out.neg);
  return out;
}

}  // namespace haven::nlp
