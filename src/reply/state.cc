#include "reply/state.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "reply/paraphrase.h"

namespace haven::reply {
namespace {

std::string Lower(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    // Curly apostrophes read as straight ones.
    if (i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xE2 &&
        static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) == 0x99 ||
         static_cast<unsigned char>(s[i + 2]) == 0x98)) {
      out.push_back('\'');
      i += 2;
      continue;
    }
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(s[i]))));
  }
  return out;
}

// Lower-case words (letters, digits and inner apostrophes); everything else separates.
std::vector<std::string> Words(std::string_view text) {
  std::string lower = Lower(text);
  std::vector<std::string> words;
  std::string cur;
  for (size_t i = 0; i < lower.size(); ++i) {
    char c = lower[i];
    bool inner_apostrophe = c == '\'' && !cur.empty() && i + 1 < lower.size() &&
                            std::isalpha(static_cast<unsigned char>(lower[i + 1]));
    if (std::isalnum(static_cast<unsigned char>(c)) || inner_apostrophe) {
      cur.push_back(c);
    } else if (!cur.empty()) {
      words.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) words.push_back(std::move(cur));
  return words;
}

bool Contains(const std::vector<std::string>& words, std::string_view w) {
  return std::find(words.begin(), words.end(), w) != words.end();
}

bool IsThey(std::string_view w) { return w == "they" || w == "them" || w == "their"; }

// A person named in the plural ("my parents", "my two best friends"): "they" stands for them
// and takes the same verb ("they keep fighting" -> "your parents keep fighting").
bool IsPlural(std::string_view phrase) {
  const size_t space = phrase.rfind(' ');
  const std::string_view last = space == std::string_view::npos ? phrase : phrase.substr(space + 1);
  static constexpr std::string_view kPlural[] = {
      "parents",      "kids",      "children",   "friends",    "siblings",
      "grandparents", "in-laws",   "sisters",    "brothers",   "cousins",
      "mates",        "coworkers", "co-workers", "colleagues", "classmates",
      "roommates",    "flatmates", "housemates", "teachers",   "neighbours",
      "neighbors",    "folks",     "teammates",  "daughters",  "sons"};
  return std::find(std::begin(kPlural), std::end(kPlural), last) != std::end(kPlural);
}

// The latest person named within the window whom "they" can mean: someone named without a
// gender ("my boss", "my partner", "my parents"); with `plural_only`, only people named in the
// plural. nullptr when none, or when two such people were named in the same latest turn
// ("my boss and my parents ... they"), which would be a guess.
const Person* LatestForThey(const std::vector<Person>& people, int now, int window,
                            bool plural_only) {
  const Person* best = nullptr;
  bool tie = false;
  for (const Person& p : people) {
    if (p.gender != 'n' || now - p.last_turn >= window) continue;
    if (plural_only && !IsPlural(p.phrase)) continue;
    if (best == nullptr || p.last_turn > best->last_turn) {
      best = &p;
      tie = false;
    } else if (p.last_turn == best->last_turn) {
      tie = true;
    }
  }
  return tie ? nullptr : best;
}

struct Relation {
  std::string_view word;
  char gender;
};

constexpr Relation kRelations[] = {
    {"mum", 'f'},
    {"mom", 'f'},
    {"mother", 'f'},
    {"mam", 'f'},
    {"dad", 'm'},
    {"father", 'm'},
    {"sister", 'f'},
    {"brother", 'm'},
    {"boss", 'n'},
    {"manager", 'n'},
    {"supervisor", 'n'},
    {"partner", 'n'},
    {"boyfriend", 'm'},
    {"girlfriend", 'f'},
    {"husband", 'm'},
    {"wife", 'f'},
    {"son", 'm'},
    {"daughter", 'f'},
    {"friend", 'n'},
    {"teacher", 'n'},
    {"coworker", 'n'},
    {"co-worker", 'n'},
    {"colleague", 'n'},
    {"grandma", 'f'},
    {"grandmother", 'f'},
    {"nan", 'f'},
    {"nana", 'f'},
    {"granny", 'f'},
    {"grandpa", 'm'},
    {"grandfather", 'm'},
    {"grandad", 'm'},
    {"granddad", 'm'},
    {"aunt", 'f'},
    {"auntie", 'f'},
    {"uncle", 'm'},
    {"cousin", 'n'},
    {"ex", 'n'},
    {"roommate", 'n'},
    {"flatmate", 'n'},
    {"housemate", 'n'},
    {"landlord", 'n'},
    {"landlady", 'f'},
    {"therapist", 'n'},
    {"doctor", 'n'},
    {"parents", 'n'},
    {"kids", 'n'},
    {"children", 'n'},
    {"family", 'n'},
    {"stepdad", 'm'},
    {"stepmom", 'f'},
    {"stepmum", 'f'},
    {"fiance", 'm'},
    {"fiancee", 'f'},
    {"fiancé", 'm'},
    {"fiancée", 'f'},
    {"neighbour", 'n'},
    {"neighbor", 'n'},
    {"teammate", 'n'},
    {"classmate", 'n'},
    {"baby", 'n'},
    {"child", 'n'},
    {"friends", 'n'},
    {"siblings", 'n'},
    {"coach", 'n'},
    {"lecturer", 'n'},
    {"professor", 'n'},
    {"tutor", 'n'},
    {"bf", 'm'},
    {"gf", 'f'},
    {"sis", 'f'},
    {"bro", 'm'},
    {"mate", 'n'},
    {"dog", 'n'},
    {"cat", 'n'},
    {"grandparents", 'n'},
    {"in-laws", 'n'},
    {"mother-in-law", 'f'},
    {"father-in-law", 'm'},
    {"team", 'n'},
    {"students", 'n'},
};

constexpr std::string_view kPersonAdjectives[] = {
    "little", "big",  "older",  "younger",  "baby",   "twin", "best", "new", "old",
    "step",   "late", "eldest", "youngest", "oldest", "ex",   "only", "own", "elder"};

const Relation* FindRelation(std::string_view w) {
  for (const Relation& r : kRelations) {
    if (r.word == w) return &r;
  }
  return nullptr;
}

// Expands chat words in a person's reference ("bf" -> "boyfriend").
std::string_view Expand(std::string_view w) {
  if (w == "bf") return "boyfriend";
  if (w == "gf") return "girlfriend";
  if (w == "sis") return "sister";
  if (w == "bro") return "brother";
  return w;
}

struct FeelingWord {
  std::string_view word;
  std::string_view family;
  bool mirror;  // may be said back as written ("stressed"); else the family's own phrase
};

constexpr FeelingWord kFeelingWords[] = {
    {"stressed", "stressed", true},
    {"overwhelmed", "stressed", true},
    {"swamped", "stressed", true},
    {"pressured", "stressed", true},
    {"anxious", "anxious", true},
    {"worried", "anxious", true},
    {"nervous", "anxious", true},
    {"panicky", "anxious", true},
    {"panicked", "anxious", true},
    {"panicking", "anxious", true},
    {"tense", "anxious", true},
    {"on edge", "anxious", true},
    {"scared", "anxious", true},
    {"afraid", "anxious", true},
    {"terrified", "anxious", true},
    {"frightened", "anxious", true},
    {"uneasy", "anxious", true},
    {"sad", "sad", true},
    {"sadder", "sad", false},
    {"down", "sad", false},
    {"low", "sad", false},
    {"upset", "sad", true},
    {"miserable", "sad", true},
    {"depressed", "sad", false},
    {"depress", "sad", false},  // "i feel very depress"
    {"unhappy", "sad", true},
    {"empty", "sad", true},
    {"numb", "sad", true},
    {"heartbroken", "hurt", true},
    {"devastated", "sad", true},
    {"lonely", "lonely", true},
    {"alone", "lonely", true},
    {"isolated", "lonely", true},
    {"left out", "lonely", true},
    {"angry", "angry", true},
    {"furious", "angry", true},
    {"mad", "angry", false},
    {"pissed", "angry", false},
    {"frustrated", "angry", true},
    {"annoyed", "angry", true},
    {"irritated", "angry", true},
    {"resentful", "angry", true},
    {"hurt", "hurt", true},
    {"betrayed", "hurt", true},
    {"rejected", "hurt", true},
    {"ignored", "hurt", true},
    {"ashamed", "shame", true},
    {"embarrassed", "shame", true},
    {"humiliated", "shame", true},
    {"worthless", "shame", false},
    {"useless", "shame", false},
    {"guilty", "guilt", true},
    {"confused", "confused", true},
    {"lost", "confused", true},
    {"stuck", "confused", true},
    {"unsure", "confused", true},
    {"disappointed", "disappointed", true},
    {"let down", "disappointed", true},
    {"tired", "tired", true},
    {"exhausted", "tired", true},
    {"drained", "tired", true},
    {"burnt out", "tired", true},
    {"burned out", "tired", true},
    {"worn out", "tired", true},
    {"hopeless", "sad", false},
    {"grieving", "grief", true},
    {"happy", "positive", true},
    {"happier", "positive", false},
    {"glad", "positive", true},
    {"excited", "positive", true},
    {"proud", "positive", true},
    {"hopeful", "positive", true},
    {"relieved", "relieved", true},
    {"better", "positive", false},
    {"calmer", "relieved", true},
    {"relaxed", "relieved", true},
    {"calm", "relieved", true},
    {"confident", "positive", true},
    {"jealous", "hurt", true},
    {"insecure", "shame", true},
    {"foolish", "shame", true},
    {"stupid", "shame", false},
    {"a fool", "shame", false},
    {"an idiot", "shame", false},
    {"a failure", "shame", false},
};

constexpr std::string_view kIntensifiers[] = {
    "so",         "really",     "very",    "extremely", "completely", "totally",  "super",
    "incredibly", "absolutely", "utterly", "too",       "unbearably", "insanely", "seriously"};
constexpr std::string_view kHedges[] = {"bit",      "little", "kinda", "slightly",
                                        "somewhat", "mildly", "sorta"};
constexpr std::string_view kStrongWords[] = {
    "devastated", "terrified", "furious",   "heartbroken", "unbearable", "destroyed", "shattered",
    "panicking",  "hopeless",  "worthless", "breaking",    "crushed",    "miserable"};

template <size_t N>
bool InList(const std::string_view (&list)[N], std::string_view w) {
  return std::find(std::begin(list), std::end(list), w) != std::end(list);
}

std::string_view FamilyOfEmotion(std::string_view e) {
  if (e == "sadness") return "sad";
  if (e == "grief") return "grief";
  if (e == "fear" || e == "nervousness") return "anxious";
  // Not "disapproval": GoEmotions gives it to disagreement and to most negated sentences ("she
  // does not really like me"), which are not anger.
  if (e == "anger" || e == "annoyance" || e == "disgust") return "angry";
  if (e == "disappointment") return "disappointed";
  if (e == "embarrassment") return "shame";
  if (e == "remorse") return "guilt";
  if (e == "confusion") return "confused";
  if (e == "relief") return "relieved";
  if (e == "joy" || e == "excitement" || e == "optimism" || e == "pride" || e == "love" ||
      e == "amusement" || e == "gratitude" || e == "admiration") {
    return "positive";
  }
  return "";
}

bool IsMinimal(const std::vector<std::string>& words, const nlp::Analysis& a) {
  if (words.size() > 3 || !a.topics.empty()) return false;
  static constexpr std::string_view kMinimal[] = {
      "ok",    "okay",    "k",     "yeah",   "yes",   "yep",   "no",    "nope",     "idk",   "i",
      "don't", "know",    "maybe", "sure",   "hmm",   "hm",    "fine",  "mhm",      "right", "ya",
      "yea",   "nah",     "not",   "really", "guess", "so",    "well",  "true",     "lol",   "uh",
      "um",    "alright", "cool",  "same",   "kinda", "sorta", "dunno", "whatever", "eh"};
  for (const std::string& w : words) {
    if (!InList(kMinimal, w)) return false;
  }
  return true;
}

}  // namespace

std::string_view StageName(Stage s) {
  switch (s) {
    case Stage::kExploration:
      return "exploration";
    case Stage::kComforting:
      return "comforting";
    case Stage::kAction:
      return "action";
  }
  return "exploration";
}

std::string_view TrendName(Trend t) {
  switch (t) {
    case Trend::kUnknown:
      return "unknown";
    case Trend::kImproving:
      return "improving";
    case Trend::kSteady:
      return "steady";
    case Trend::kWorsening:
      return "worsening";
  }
  return "unknown";
}

std::string_view IntensityName(Intensity i) {
  switch (i) {
    case Intensity::kMild:
      return "mild";
    case Intensity::kModerate:
      return "moderate";
    case Intensity::kStrong:
      return "strong";
  }
  return "moderate";
}

std::optional<Intensity> ParseIntensity(std::string_view name) {
  for (int i = 0; i < 3; ++i) {
    if (IntensityName(static_cast<Intensity>(i)) == name) return static_cast<Intensity>(i);
  }
  return std::nullopt;
}

bool IsPleasantFamily(std::string_view family) {
  return family == "positive" || family == "relieved";
}

Feeling ReadFeeling(std::string_view text, const nlp::Analysis& analysis) {
  Feeling f;
  std::vector<std::string> words = Words(text);
  // Intensity from the words and the sentiment's strength.
  bool intensified = false, hedged = false, strong_word = false;
  for (size_t i = 0; i < words.size(); ++i) {
    if (InList(kIntensifiers, words[i])) intensified = true;
    if (InList(kHedges, words[i]) ||
        (words[i] == "kind" && i + 1 < words.size() && words[i + 1] == "of")) {
      hedged = true;
    }
    if (InList(kStrongWords, words[i])) strong_word = true;
  }
  // "a bit" / "a little" hedge; "little" alone ("my little brother") does not.
  if (hedged) {
    hedged = false;
    for (size_t i = 0; i + 1 < words.size(); ++i) {
      if ((words[i] == "a" && (words[i + 1] == "bit" || words[i + 1] == "little")) ||
          words[i] == "kinda" || words[i] == "slightly" || words[i] == "somewhat" ||
          words[i] == "sorta" || words[i] == "mildly" ||
          (words[i] == "kind" && words[i + 1] == "of")) {
        hedged = true;
      }
    }
    if (!words.empty() && (words.back() == "kinda" || words.back() == "slightly")) hedged = true;
  }
  double strength = std::abs(analysis.sentiment.compound);
  bool shouted = text.find("!!") != std::string_view::npos;
  if (strong_word || (intensified && strength > 0.5) || strength > 0.85 || shouted) {
    f.intensity = Intensity::kStrong;
  } else if (hedged || strength < 0.3) {
    f.intensity = Intensity::kMild;
  }
  if (hedged && f.intensity == Intensity::kStrong && !strong_word) {
    f.intensity = Intensity::kModerate;
  }

  // The person's own word, the first one found (two-word phrases too). A denied feeling ("not
  // sad") is not read back from the classifier either.
  bool denied = false;
  for (size_t i = 0; i < words.size() && f.family.empty(); ++i) {
    for (const FeelingWord& fw : kFeelingWords) {
      size_t space = fw.word.find(' ');
      bool match = false;
      if (space == std::string_view::npos) {
        match = words[i] == fw.word;
      } else if (i + 1 < words.size()) {
        match = words[i] == fw.word.substr(0, space) && words[i + 1] == fw.word.substr(space + 1);
      }
      if (!match) continue;
      // Negated ("not sad", "don't feel lonely"): skip it.
      bool negated =
          (i >= 1 && (words[i - 1] == "not" || words[i - 1] == "never" || words[i - 1] == "isn't" ||
                      words[i - 1] == "no")) ||
          (i >= 2 && (words[i - 2] == "not" || words[i - 2] == "don't" || words[i - 2] == "never"));
      // "down", "low" and the like are feelings only after "feel"/"so"/"really"/"i'm"; "alone"
      // also after "be"/"been"/"all" ("i will be alone this year").
      const bool after_feel =
          i >= 1 && (words[i - 1] == "feel" || words[i - 1] == "feeling" || words[i - 1] == "so" ||
                     words[i - 1] == "really" || words[i - 1] == "i'm" || words[i - 1] == "im" ||
                     words[i - 1] == "very" || words[i - 1] == "felt" || words[i - 1] == "am" ||
                     words[i - 1] == "bit" || words[i - 1] == "too");
      const bool alone_after_be =
          fw.word == "alone" && i >= 1 &&
          (words[i - 1] == "be" || words[i - 1] == "been" || words[i - 1] == "all") &&
          !(i >= 2 && words[i - 2] == "to");  // "i want to be alone" is a wish, not loneliness
      // "calm", "relaxed" and "confident" too ("i can't calm down", "relaxed rules"), and
      // after "more" ("i feel more relaxed", "more alone than ever").
      const bool after_more = i >= 1 && words[i - 1] == "more";
      if ((fw.word == "down" || fw.word == "low" || fw.word == "lost" || fw.word == "better" ||
           fw.word == "mad" || fw.word == "alone" || fw.word == "empty" || fw.word == "calm" ||
           fw.word == "relaxed" || fw.word == "confident") &&
          !after_feel && !after_more && !alone_after_be) {
        continue;
      }
      // "stupid" and "like a fool" name a feeling only after "feel"/"felt"/"so" and "like".
      if (fw.word == "stupid" && !(i >= 1 && (words[i - 1] == "feel" || words[i - 1] == "feeling" ||
                                              words[i - 1] == "felt" || words[i - 1] == "so" ||
                                              words[i - 1] == "really"))) {
        continue;
      }
      if (fw.word.starts_with("a ") || fw.word.starts_with("an ")) {
        if (!(i >= 2 && words[i - 1] == "like" &&
              (words[i - 2] == "feel" || words[i - 2] == "feeling" || words[i - 2] == "felt"))) {
          continue;
        }
      }
      if (negated) {
        denied = true;
        continue;
      }
      f.family = std::string(fw.family);
      f.stated = true;
      // "really low", "so stressed": at least moderate, whatever the sentiment's strength.
      if (i >= 1 && InList(kIntensifiers, words[i - 1]) && f.intensity == Intensity::kMild) {
        f.intensity = Intensity::kModerate;
      }
      if (fw.mirror) {
        std::string word(fw.word);
        bool intens =
            i >= 1 && (words[i - 1] == "so" || words[i - 1] == "really" || words[i - 1] == "very" ||
                       words[i - 1] == "extremely" || words[i - 1] == "incredibly");
        f.own_word = intens ? "really " + word : word;
        if (i >= 1 && (words[i - 1] == "bit" || words[i - 1] == "little")) {
          f.own_word = "a bit " + word;
        }
      }
      break;
    }
  }
  if (f.family.empty() && !denied) {
    // The classifier's strongest non-neutral label.
    int best = -1;
    float best_score = 0;
    for (int idx : analysis.emotions.labels) {
      if (nlp::kEmotionNames[idx] == "neutral") continue;
      if (FamilyOfEmotion(nlp::kEmotionNames[idx]).empty()) continue;
      if (analysis.emotions.scores[idx] > best_score) {
        best = idx;
        best_score = analysis.emotions.scores[idx];
      }
    }
    if (best >= 0) {
      std::string_view fam = FamilyOfEmotion(nlp::kEmotionNames[best]);
      // A positive label on a clearly negative message is a misreading, and so is a hesitant
      // painful one on a clearly positive message ("talking to you i feel more relaxed" read as
      // fear, 0.39): skip it rather than reflect a feeling the person did not show. A confident
      // one stands ("TODAY I LOST A VERY DEAR FRIEND": sadness 0.96, words scored positive).
      const bool misread = IsPleasantFamily(fam)
                               ? analysis.sentiment.compound < -0.2
                               : analysis.sentiment.compound >= 0.5 && best_score < 0.6f;
      if (!misread) f.family = std::string(fam);
    }
  }
  // Topics that carry their own feeling.
  for (const nlp::Topic& t : analysis.topics) {
    if (t.label == "grief" && (f.family.empty() || f.family == "sad")) {
      f.family = "grief";
      f.own_word.clear();
    }
    if (t.label == "loneliness" && f.family.empty()) f.family = "lonely";
  }
  return f;
}

std::vector<Person> ExtractPeople(std::string_view text) {
  std::vector<std::string> words = Words(text);
  std::vector<Person> people;
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    if (words[i] != "my" && words[i] != "our") continue;
    size_t j = i + 1;
    std::string phrase = words[i];
    std::string reference = "your";
    while (j < words.size() && InList(kPersonAdjectives, words[j]) && j - i <= 2) {
      // "my ex" is a relation of its own when nothing follows it.
      if (words[j] == "ex" && (j + 1 >= words.size() || !FindRelation(words[j + 1]))) break;
      phrase += " " + words[j];
      reference += " " + words[j];
      ++j;
    }
    if (j >= words.size()) continue;
    const Relation* r = FindRelation(words[j]);
    if (r == nullptr) continue;
    // "my friend's car" is still about the friend; "my team" only as people.
    phrase += " " + words[j];
    reference += " ";
    reference += Expand(words[j]);
    people.push_back({phrase, reference, r->gender, 0});
    i = j;
  }
  return people;
}

std::optional<std::string> ExtractPreferredName(std::string_view text) {
  std::vector<std::string> words = Words(text);
  static constexpr std::string_view kNotNames[] = {
      "not",   "a",     "the",    "just",      "so",      "really",   "very",      "an",
      "sad",   "tired", "fine",   "ok",        "okay",    "here",     "going",     "feeling",
      "being", "it",    "that",   "this",      "what",    "whatever", "anything",  "nobody",
      "no",    "never", "always", "crazy",     "stupid",  "weak",     "lazy",      "dumb",
      "names", "back",  "later",  "again",     "when",    "if",       "you",       "me",
      "him",   "her",   "them",   "something", "someone", "useless",  "worthless", "selfish",
      "mean",  "ugly",  "fat",    "too",       "and",     "but",      "or",        "to",
      "by",    "out",   "on",     "up",        "over",    "whenever", "anytime",   "tomorrow",
      "today", "every", "all",    "everyone",  "cos"};
  for (size_t i = 0; i < words.size(); ++i) {
    size_t at = std::string::npos;
    if (i + 2 < words.size() && words[i] == "call" && words[i + 1] == "me") at = i + 2;
    if (i + 3 < words.size() && words[i] == "my" && words[i + 1] == "name" &&
        words[i + 2] == "is") {
      at = i + 3;
    }
    if (i + 2 < words.size() && words[i] == "my" && words[i + 1] == "name's") at = i + 2;
    if (i + 1 < words.size() && words[i] == "name's" && i == 0) at = i + 1;
    if (i + 3 < words.size() && words[i] == "i" && words[i + 1] == "go" && words[i + 2] == "by") {
      at = i + 3;
    }
    if (at == std::string::npos) continue;
    const std::string& w = words[at];
    if (w.size() < 2 || w.size() > 20 || InList(kNotNames, w)) continue;
    if (!std::all_of(w.begin(), w.end(), [](char c) {
          return std::isalpha(static_cast<unsigned char>(c)) || c == '-';
        })) {
      continue;
    }
    // "call me crazy, but ..." is not a name: kNotNames holds the usual words after "call me".
    std::string name = w;
    name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
    return name;
  }
  return std::nullopt;
}

void ConversationState::RaiseRisk(RiskLevel level) {
  max_level_ = std::max(max_level_, level);
  max_sure_level_ = std::max(max_sure_level_, level);
  if (!turns_.empty()) turns_.back().level = std::max(turns_.back().level, level);
  if (level > RiskLevel::kLow) consecutive_low_ = 0;
}

safety::ConversationContext ConversationState::SafetyContext() const {
  safety::ConversationContext c;
  c.previous_max_level = max_level_;
  c.recent_low_turns = consecutive_low_;
  c.earlier_risk_learned_alone =
      max_level_ >= RiskLevel::kModerate && max_sure_level_ < RiskLevel::kModerate;
  c.human_connected = human_connected_;
  c.in_guided_exercise =
      (activity_.flow.has_value() && activity_.flow->phase == FlowPhase::kRunning) ||
      activity_.screening.has_value();
  return c;
}

void ConversationState::AddUserTurn(std::string_view text, const nlp::Analysis& analysis) {
  const int turn = user_turns() + 1;
  Remember("user", text);
  std::vector<std::string> words = Words(text);
  UserTurnFacts facts;
  facts.level = analysis.risk.level;
  facts.compound = analysis.sentiment.compound;
  facts.intent = analysis.intent.label;
  facts.feeling = ReadFeeling(text, analysis);
  for (const nlp::Topic& t : analysis.topics) facts.topics.push_back(t.label);
  facts.minimal = IsMinimal(words, analysis);

  // Risk trajectory (after the safety context for this turn was taken).
  max_level_ = std::max(max_level_, analysis.risk.level);
  const auto& evidence = analysis.risk.evidence;
  if (evidence.empty() || !std::all_of(evidence.begin(), evidence.end(), [](const auto& e) {
        return e.signal == "learned_reading";
      })) {
    max_sure_level_ = std::max(max_sure_level_, analysis.risk.level);
  }
  consecutive_low_ = analysis.risk.level == RiskLevel::kLow ? consecutive_low_ + 1 : 0;

  // People: named in this message, or meant by a pronoun.
  current_people_.clear();
  for (Person& p : ExtractPeople(text)) {
    p.last_turn = turn;
    auto it = std::find_if(people_.begin(), people_.end(),
                           [&](const Person& q) { return q.phrase == p.phrase; });
    if (it != people_.end()) {
      it->last_turn = turn;
    } else {
      people_.push_back(p);
    }
    current_people_.push_back(p.phrase);
  }
  if (current_people_.empty()) {
    for (std::string_view pronoun : {"she", "her", "he", "him"}) {
      if (!Contains(words, pronoun)) continue;
      std::string who = ResolvePronoun(pronoun);
      if (who.empty()) continue;
      for (Person& p : people_) {
        if (p.reference == who) {
          p.last_turn = turn;
          current_people_.push_back(p.phrase);
        }
      }
      break;
    }
  }
  // "they" is about the person named without a gender just before ("my boss ... they said I was
  // lazy"), singular or plural; checked after this turn's own people and "she"/"he".
  if (current_people_.empty() &&
      std::any_of(words.begin(), words.end(), [](const std::string& w) { return IsThey(w); })) {
    // Measured from the turn before this one, as ResolvePronoun does while this turn is added.
    if (const Person* p = LatestForThey(people_, turn - 1, kResolveWindow, false)) {
      Person& found = people_[static_cast<size_t>(p - people_.data())];  // phrases are unique
      found.last_turn = turn;
      current_people_.push_back(found.phrase);
    }
  }

  if (auto name = ExtractPreferredName(text)) preferred_name_ = name;

  for (const std::string& t : facts.topics) {
    auto it = std::find_if(topic_counts_.begin(), topic_counts_.end(),
                           [&](const auto& tc) { return tc.first == t; });
    if (it == topic_counts_.end()) {
      topic_counts_.push_back({t, 1});
      topic_last_turn_.push_back(turn);
    } else {
      ++it->second;
      topic_last_turn_[static_cast<size_t>(it - topic_counts_.begin())] = turn;
    }
  }

  // The situation clause; pronouns resolve against people named in earlier turns.
  struct Ctx {
    const ConversationState* state;
  } ctx{this};
  auto resolver = [](std::string_view pronoun, const void* c) -> std::string {
    return static_cast<const Ctx*>(c)->state->ResolvePronoun(pronoun);
  };
  situation_ = Situation(text, resolver, &ctx).value_or("");

  const std::string& intent = analysis.intent.label;
  bool social = intent == "greeting" || intent == "gratitude" || intent == "goodbye" ||
                intent == "question_about_bot" || intent == "privacy_request" ||
                intent == "asking_for_human" || intent == "smalltalk";
  if (!facts.minimal && (!social || !facts.topics.empty())) ++substantive_;
  if (intent == "seeking_advice") asked_for_advice_ = true;
  turns_.push_back(std::move(facts));
}

void ConversationState::AddAssistantTurn(std::string_view text, Strategy strategy,
                                         std::string_view variant_id, std::string_view tag) {
  Remember("assistant", text);
  assistant_texts_.emplace_back(text);
  strategies_.push_back(strategy);
  variant_ids_.emplace_back(variant_id);
  tags_.emplace_back(tag);
}

void ConversationState::Remember(std::string_view role, std::string_view text) {
  if (recent_.size() == kRecentMessages) recent_.erase(recent_.begin());
  recent_.push_back({std::string(role), std::string(text)});
}

const Person* ConversationState::current_person() const {
  if (current_people_.empty()) return nullptr;
  const std::string& phrase = current_people_.back();
  for (const Person& p : people_) {
    if (p.phrase == phrase) return &p;
  }
  return nullptr;
}

std::string ConversationState::ResolvePronoun(std::string_view pronoun) const {
  if (IsThey(pronoun)) {
    const Person* p = LatestForThey(people_, user_turns(), kResolveWindow, true);
    return p == nullptr ? "" : p->reference;
  }
  char gender = (pronoun == "she" || pronoun == "her")  ? 'f'
                : (pronoun == "he" || pronoun == "him") ? 'm'
                                                        : '?';
  if (gender == '?') return "";
  const int now = user_turns();
  const Person* best = nullptr;
  for (const Person& p : people_) {
    if (p.gender != gender || now - p.last_turn >= kResolveWindow) continue;
    if (best == nullptr || p.last_turn >= best->last_turn) best = &p;
  }
  return best == nullptr ? "" : best->reference;
}

std::vector<std::pair<std::string, int>> ConversationState::Stressors() const {
  std::vector<size_t> order(topic_counts_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (topic_counts_[a].second != topic_counts_[b].second) {
      return topic_counts_[a].second > topic_counts_[b].second;
    }
    return topic_last_turn_[a] > topic_last_turn_[b];
  });
  std::vector<std::pair<std::string, int>> out;
  for (size_t i : order) out.push_back(topic_counts_[i]);
  return out;
}

std::string ConversationState::CurrentTopic() const {
  std::string topic;
  if (!turns_.empty() && !turns_.back().topics.empty()) {
    topic = turns_.back().topics.front();
  } else if (auto s = Stressors(); !s.empty()) {
    topic = s.front().first;
  }
  if (topic == "work" && TopicCameUp("job_loss")) return "job_loss";
  return topic;
}

bool ConversationState::TopicCameUp(std::string_view topic) const {
  for (const auto& [t, count] : topic_counts_) {
    if (t == topic) return true;
  }
  return false;
}

Feeling ConversationState::CurrentFeeling() const {
  for (int k = 0; k < 2 && k < user_turns(); ++k) {
    const Feeling& f = turns_[turns_.size() - 1 - static_cast<size_t>(k)].feeling;
    if (!f.family.empty()) return f;
  }
  return {};
}

Trend ConversationState::trend() const {
  if (turns_.size() < 2) return Trend::kUnknown;
  double last = turns_.back().compound;
  double before = 0;
  size_t n = 0;
  for (size_t i = turns_.size() >= 4 ? turns_.size() - 4 : 0; i + 1 < turns_.size(); ++i) {
    before += turns_[i].compound;
    ++n;
  }
  before /= static_cast<double>(n);
  if (last - before > 0.3) return Trend::kImproving;
  if (before - last > 0.3) return Trend::kWorsening;
  return Trend::kSteady;
}

Stage ConversationState::stage() const {
  if (substantive_ >= 5 || (asked_for_advice_ && substantive_ >= 2)) return Stage::kAction;
  if (substantive_ >= 3) return Stage::kComforting;
  return Stage::kExploration;
}

bool ConversationState::VariantUsed(std::string_view id) const {
  if (id.empty()) return false;
  return std::find(variant_ids_.begin(), variant_ids_.end(), id) != variant_ids_.end() ||
         std::find(extra_used_.begin(), extra_used_.end(), id) != extra_used_.end();
}

int ConversationState::StrategyCount(Strategy s) const {
  return static_cast<int>(std::count(strategies_.begin(), strategies_.end(), s));
}

// ---- ActivityState as JSON ----------------------------------------------------------------------

std::string ActivityStateToJson(const ActivityState& a, int user_turns) {
  if (!a.flow && !a.screening && !a.screening_offer && a.offered.empty() && a.check_backs.empty()) {
    return "";
  }
  nlohmann::json j = nlohmann::json::object();
  if (a.flow) {
    j["flow"] = nlohmann::json::parse(FlowStateToJson(*a.flow));
    if (a.flow->phase == FlowPhase::kInterrupted) {
      j["interrupted_turns_ago"] = std::max(0, user_turns - a.interrupted_turn);
    }
  }
  if (a.screening) j["screening"] = nlohmann::json::parse(ScreeningStateToJson(*a.screening));
  if (a.screening_offer) j["screening_offer"] = InstrumentId(*a.screening_offer);
  j["offered"] = a.offered;
  nlohmann::json backs = nlohmann::json::array();
  for (const CheckBack& c : a.check_backs) {
    backs.push_back({{"flow_id", c.flow_id}, {"text", c.text}, {"captures", c.captures}});
  }
  j["check_backs"] = std::move(backs);
  return j.dump();
}

StatusOr<ActivityState> ActivityStateFromJson(std::string_view json, int user_turns) {
  ActivityState a;
  if (json.empty()) return a;
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return InvalidArgument("activity state: not a JSON object");
  }
  auto bad = [](std::string_view field) {
    return InvalidArgument("activity state: " + std::string(field) + ": missing or mistyped");
  };
  auto strings = [](const nlohmann::json& v, std::vector<std::string>* out) {
    if (!v.is_array()) return false;
    for (const auto& e : v) {
      if (!e.is_string()) return false;
      out->push_back(e.get<std::string>());
    }
    return true;
  };
  if (j.contains("flow")) {
    auto flow = FlowStateFromJson(j["flow"].dump());
    if (!flow.ok()) return flow.status();
    a.flow = std::move(flow).value();
    if (a.flow->phase == FlowPhase::kInterrupted) {
      const auto& ago =
          j.contains("interrupted_turns_ago") ? j["interrupted_turns_ago"] : nlohmann::json();
      if (!ago.is_number_integer() || ago.get<int64_t>() < 0) return bad("interrupted_turns_ago");
      a.interrupted_turn = static_cast<int>(
          std::max<int64_t>(0, user_turns - std::min<int64_t>(ago.get<int64_t>(), 1 << 20)));
    }
  }
  if (j.contains("screening")) {
    auto screening = ScreeningStateFromJson(j["screening"].dump());
    if (!screening.ok()) return screening.status();
    a.screening = std::move(screening).value();
  }
  if (j.contains("screening_offer")) {
    if (!j["screening_offer"].is_string()) return bad("screening_offer");
    a.screening_offer = InstrumentFromId(j["screening_offer"].get<std::string>());
    if (!a.screening_offer) return bad("screening_offer");
  }
  if (!j.contains("offered") || !strings(j["offered"], &a.offered)) return bad("offered");
  if (!j.contains("check_backs") || !j["check_backs"].is_array()) return bad("check_backs");
  for (const auto& c : j["check_backs"]) {
    CheckBack back;
    if (!c.is_object() || !c.contains("flow_id") || !c["flow_id"].is_string() ||
        !c.contains("text") || !c["text"].is_string() || !c.contains("captures") ||
        !c["captures"].is_object()) {
      return bad("check_backs");
    }
    back.flow_id = c["flow_id"].get<std::string>();
    back.text = c["text"].get<std::string>();
    for (const auto& [k, v] : c["captures"].items()) {
      if (!strings(v, &back.captures[k])) return bad("check_backs");
    }
    a.check_backs.push_back(std::move(back));
  }
  return a;
}

}  // namespace haven::reply
