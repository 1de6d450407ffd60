// Risk of suicide and self-harm: one Hyperscan scan over the canonical text, then a rule layer.
//
// Policy (see also docs in risk.h and the report in tests/data/risk_dev.jsonl):
//  - the level is the WRITER's own risk. Talk about someone else ("my friend wants to die") is
//    level none with category third_party; so are second-person and impersonal questions.
//  - denial ("i would never kill myself"), hypotheticals ("if i ever"), quotes/lyrics, talk about
//    the topic ("essay on suicide prevention") and fixed figurative phrases ("to die for") are
//    none. Hyperbole ("this exam makes me want to kms lol") is none when laughter or a
//    hyperbole construction meets a trivial cause; laughter alone caps the level at moderate.
//  - past ideation, past attempts and past self-harm are low ("used to", "years ago", "clean").
//  - when two readings are possible the higher level wins (e.g. "i want to die" is moderate).
#include "nlp/risk.h"

#include <hs/hs.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nlp/hs_database.h"
#include "nlp/risk_patterns.h"

namespace haven::nlp {
namespace {

using risk_internal::Kind;
using risk_internal::PatternDef;
namespace rp = risk_internal;

enum Mark : uint16_t {
  kLaugh = 1 << 0,
  kTrivial = 1 << 1,
  kTopic = 1 << 2,
  kPast = 1 << 3,
  kRecovery = 1 << 4,
  kPresentStrong = 1 << 5,
  kPresentWeak = 1 << 6,
  kImmediacy = 1 << 7,
  kBenign = 1 << 8,
  kLyrics = 1 << 9,
  kCausal = 1 << 10,
  kCryLaugh =
      1 << 11,  // 😭 😩 🥲 😅: laughter or tears; read as laughter only beside a trifle
};

uint16_t MarkOf(Kind k) {
  switch (k) {
    case Kind::kMarkLaugh:
      return kLaugh;
    case Kind::kMarkTrivial:
      return kTrivial;
    case Kind::kMarkTopic:
      return kTopic;
    case Kind::kMarkPast:
      return kPast;
    case Kind::kMarkRecovery:
      return kRecovery;
    case Kind::kMarkPresentStrong:
      return kPresentStrong;
    case Kind::kMarkPresentWeak:
      return kPresentWeak;
    case Kind::kMarkImmediacy:
      return kImmediacy;
    case Kind::kMarkBenign:
      return kBenign;
    case Kind::kMarkLyrics:
      return kLyrics;
    case Kind::kMarkCausal:
      return kCausal;
    case Kind::kMarkCryLaugh:
      return kCryLaugh;
    default:
      return 0;
  }
}

bool In(std::string_view w, std::initializer_list<std::string_view> set) {
  for (auto s : set) {
    if (s == w) return true;
  }
  return false;
}

bool IsFirstPerson(std::string_view w) {
  return In(w, {"i", "i'm", "im", "i've", "ive", "i'd", "i'll", "me", "myself", "my", "mine", "we",
                "we're", "us"});
}

bool IsKin(std::string_view w) {
  return In(
      w, {"friend", "friends", "bff", "bestie", "brother", "sister", "bro", "sis", "mom", "mum",
          "mother", "dad", "father", "son", "daughter", "kid", "kids", "child", "cousin", "aunt",
          "uncle", "grandma", "grandpa", "girlfriend", "boyfriend", "wife", "husband", "partner",
          "ex", "roommate", "classmate", "coworker", "colleague", "stepdad", "stepmom", "niece",
          "nephew", "student", "neighbour", "neighbor", "cat", "dog", "pet", "parents", "teacher",
          "boss", "professor", "patient", "client", "roomate", "flatmate", "fiance", "buddy",
          "mate", "sibling", "siblings", "twin", "stepson", "stepdaughter", "homie", "bf", "gf",
          "babe", "fiancee", "housemate", "teammate", "bestfriend", "nan", "gran", "granny",
          "grandad", "cellmate", "cellie", "bunkmate", "padmate",
          // Tagalog kin ("kuya ko nag-try daw mag-suicide": my older brother tried).
          "kuya", "kapatid", "pinsan", "tita", "tito", "nanay", "tatay", "jowa"});
}

// "wife's", "mum's": a kin noun with a possessive or "is"/"has" clitic.
bool IsKinClitic(std::string_view w) {
  return w.size() > 2 && w.ends_with("'s") && IsKin(w.substr(0, w.size() - 2));
}

bool IsThirdPerson(std::string_view w) {
  return IsKinClitic(w) ||
         In(w,
            {"he",        "she",    "they",      "he's",     "she's",      "they're",  "him",
             "her",       "them",   "his",       "hers",     "their",      "someone",  "somebody",
             "people",    "person", "guy",       "girl",     "man",        "woman",    "boy",
             "teen",      "teens",  "teenagers", "students", "character",  "user",     "he'd",
             "she'd",     "he'll",  "she'll",    "they'll",  "they've",    "they'd",   "celebrity",
             "actor",     "singer", "himself",   "herself",  "themselves", "friend's", "sister's",
             "brother's", "who'd",  "bloke",     "lad",      "patient",    "patients", "client",
             "clients",   "caller"}) ||
         IsKin(w);
}

// Verbs that report speech or writing: "said", "texted", "screamed".
bool IsSpeechVerb(std::string_view w) {
  return In(
      w, {"said",        "says",     "say",      "saying",    "told",      "tells",   "texted",
          "texts",       "wrote",    "writes",   "posted",    "posts",     "tweeted", "messaged",
          "screamed",    "screams",  "yelled",   "yells",     "shouted",   "shouts",  "whispered",
          "replied",     "replies",  "asked",    "asks",      "goes",      "went",    "snapped",
          "cried",       "sobbed",   "muttered", "commented", "captioned", "dm'd",    "dmed",
          "snapchatted", "answered", "admitted", "announced", "joked",     "jokes"});
}

bool IsSecondPerson(std::string_view w) {
  return In(w, {"you", "you're", "your", "yourself", "y'all", "youre", "ya"});
}

bool IsNegator(std::string_view w) {
  return In(w, {"not",    "never",   "don't", "doesn't", "didn't", "won't",   "wouldn't",
                "isn't",  "aren't",  "ain't", "wasn't",  "no",     "nor",     "dont",
                "wont",   "wouldnt", "didnt", "doesnt",  "nah",    "neither", "haven't",
                "havent", "hasn't",  "hasnt", "hadn't",  "hadnt"});
}

// Words that may sit between a negator and the negated risk verb ("i'm not going to ...").
bool IsNegationGlue(std::string_view w) {
  return In(
      w,
      {"i",          "i'm",         "im",       "am",        "going",   "to",        "ever",
       "even",       "really",      "actually", "want",      "wanna",   "be",        "would",
       "will",       "that",        "i'd",      "planning",  "plan",    "try",       "trying",
       "seriously",  "honestly",    "like",     "just",      "gon",     "feel",      "feeling",
       "have",       "any",         "thoughts", "of",        "about",   "think",     "thinking",
       "do",         "anything",    "a",        "currently", "intend",  "intention", "intentions",
       "plans",      "mean",        "so",       "tho",       "though",  "gonna",     "literally",
       "definitely", "and",         "or",       "wish",      "need",    "ready",     "at",
       "all",        "considering", "consider", "go",        "through", "with",      "it",
       "myself",     "self",        "anymore",  "suicidal",  "kill",    "hurt",      "harm",
       "cut",        "wanting",     "wanted",   "saying",    "say",     "said",      "had",
       "having",     "mean",        "meant",    "thought",   "dey",     "fit",       "felt",
       "been"});
}

bool IsVolition(std::string_view w) {
  return In(w, {"want",      "wanna",       "wants",   "wanted",      "wanting",    "going",
                "gonna",     "will",        "i'll",    "about",       "thinking",   "think",
                "thought",   "thoughts",    "plan",    "planning",    "planned",    "decided",
                "ready",     "urge",        "urges",   "need",        "should",     "could",
                "might",     "tempted",     "wish",    "considering", "consider",   "contemplating",
                "fantasize", "fantasizing", "dream",   "how",         "gotta",      "keep",
                "imagine",   "imagining",   "try",     "trying",      "tried",      "maybe",
                "ill",       "finna",       "thinkin", "researching", "researched", "looked",
                "i'd",       "would",       "rather",  "just",        "easier",     "best"});
}

// Tokens right before "suicidal"/"suicide"/"self-harm" that make it a first-person statement
// even in a sentence with topic words.
bool IsDirectLead(std::string_view w) {
  return In(w, {"feel",   "feeling", "felt",      "i'm",    "im",          "am",
                "been",   "so",      "very",      "really", "getting",     "get",
                "got",    "became",  "become",    "was",    "extremely",   "super",
                "pretty", "always",  "currently", "kinda",  "quite",       "actively",
                "i've",   "having",  "have",      "my",     "considering", "contemplating"});
}

struct RawMatch {
  uint32_t id;
  uint32_t from;
  uint32_t to;
};

int OnMatch(unsigned int id, unsigned long long from, unsigned long long to, unsigned int /*flags*/,
            void* ctx) {
  auto* out = static_cast<std::vector<RawMatch>*>(ctx);
  if (out->size() < 100000) {
    out->push_back({id, static_cast<uint32_t>(from), static_cast<uint32_t>(to)});
  }
  return 0;
}

// The first pass (no start of match): collects markers, and stops at the first signal, since
// the second pass reports everything again with starts.
struct DetectContext {
  const std::vector<PatternDef>* patterns;
  std::vector<RawMatch>* raw;
  bool signal;
};

int OnDetect(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags,
             void* ctx) {
  auto* c = static_cast<DetectContext*>(ctx);
  if (id >= c->patterns->size() || (*c->patterns)[id].kind < Kind::kMarkLaugh) {
    c->signal = true;
    return 1;  // stop: HS_SCAN_TERMINATED
  }
  return OnMatch(id, from, to, flags, c->raw);
}

enum class Fate : uint8_t {
  kLive,
  kFigurative,
  kDenied,
  kThirdParty,
  kSecondPerson,
  kHypothetical,
  kTopic,
  kQuoted,
  kBenign,
  kUnused,
};

struct Hit {
  uint32_t pattern;
  Kind kind;
  uint32_t flags;
  uint32_t from, to;     // canonical bytes
  uint32_t first, last;  // token indices
  int sentence;
  Fate fate = Fate::kLive;
  bool past = false;
  int level = 0;
};

bool IsSelfHarmHit(const Hit& h) { return (h.flags & rp::kSelfHarmCat) != 0; }

bool IsRiskKind(Kind k) { return k <= Kind::kEngine; }
bool IsEscalator(Kind k) { return k >= Kind::kMethodNoun && k <= Kind::kOverdoseSymptom; }
bool IsImminentKind(Kind k) {
  return k == Kind::kAttemptNow || k == Kind::kEngine || k == Kind::kLocation ||
         k == Kind::kPillsTaken || k == Kind::kDoItNow;
}

}  // namespace

// Two databases of the same patterns. Start-of-match tracking (which evidence spans need) makes a
// scan three times slower, and most messages match no signal at all: `detect` (no start of
// match) is scanned first, up to its first signal, and `spans` (signals with their leftmost
// start) only when it found one. Markers carry no start in either, so a message with markers
// alone reads the same. On VADER's four corpora a whole-process `haven analyze` takes 12% less
// time; a message with a signal pays the first pass too (BM_RiskRules on Haven's risk cases, most
// of them risky: 8.3 us to 10.1 us).
struct RiskDetector::Impl {
  HsDatabase detect;
  HsDatabase spans;
  std::vector<PatternDef> patterns;
};

StatusOr<RiskDetector> RiskDetector::Create() {
  auto defs = rp::Patterns();
  std::vector<HsPattern> detect_patterns;
  std::vector<HsPattern> span_patterns;
  detect_patterns.reserve(defs.size());
  span_patterns.reserve(defs.size());
  for (size_t i = 0; i < defs.size(); ++i) {
    std::string regex = rp::ExpandPattern(defs[i].regex);
    detect_patterns.push_back({regex, 0u, static_cast<unsigned int>(i)});
    // Signals need their start for evidence spans; markers only need the sentence they end in
    // (and start-of-match tracking is what makes Hyperscan compile slowly).
    span_patterns.push_back({std::move(regex),
                             defs[i].kind >= Kind::kMarkLaugh ? 0u : HS_FLAG_SOM_LEFTMOST,
                             static_cast<unsigned int>(i)});
  }
  auto detect = HsDatabase::Build("risk_detect", detect_patterns);
  if (!detect.ok()) return detect.status();
  auto spans = HsDatabase::Build("risk", span_patterns);
  if (!spans.ok()) return spans.status();
  auto impl = std::make_shared<Impl>(
      Impl{std::move(*detect), std::move(*spans), {defs.begin(), defs.end()}});
  RiskDetector d;
  d.impl_ = std::move(impl);
  return d;
}

namespace {

// Everything Assess needs about one message.
class Assessor {
 public:
  Assessor(const NormalizedText& text, const std::vector<PatternDef>& patterns)
      : text_(text), patterns_(patterns) {}

  Risk Run(const std::vector<RawMatch>& raw);

 private:
  std::string_view Norm(size_t i) const { return text_.tokens[i].norm; }
  size_t NumTokens() const { return text_.tokens.size(); }

  void Segment();
  void MarkSingleQuotes();
  void Collect(const std::vector<RawMatch>& raw);
  void Judge(Hit& h);
  bool Negated(const Hit& h) const;
  // "haven't felt suicidal in over a year", "hasn't cut since may": not now, but before.
  bool NotSince(const Hit& h) const;
  // Whether "years ago" or "months ago" stands right before or after the hit in its sentence.
  bool LongAgoBeside(const Hit& h) const;
  // Whether sentence `s` holds one of `words` (token norms).
  bool SentenceHas(int s, std::initializer_list<std::string_view> words) const;
  // Whether the message names a death: someone died, is dead, killed themselves, a funeral.
  bool NamesADeath() const;
  int Subject(const Hit& h) const;  // 1 first, 2 second, 3 third, 0 unknown
  bool ThirdPartySpeaker(const Hit& h) const;
  // Whether the message has a risk phrase or warning sign other than `h`; see there.
  bool AnotherRiskSign(const Hit& h) const;
  // Whether the quote that opens at token `open` is someone else's words; see there.
  std::optional<bool> QuoteSpeakerIsOther(uint32_t open) const;
  bool AboutATopic(const Hit& h) const;
  bool DeniedAfter(const Hit& h) const;
  bool SlangInterjection(const Hit& h) const;
  bool Distressed(const Hit& h, bool volition_counts) const;
  bool MatchHasFirstPerson(const Hit& h) const;
  bool HasVolition(const Hit& h) const;
  bool AboutTo(const Hit& h) const;
  bool FearBefore(const Hit& h) const;
  bool SentencePast(int s) const;
  bool LaughNear(int s) const;
  bool IsQuestionWithoutSelf(int s) const;
  bool Overlaps(const Hit& a, const Hit& b) const { return a.from < b.to && b.from < a.to; }

  const NormalizedText& text_;
  const std::vector<PatternDef>& patterns_;
  std::vector<int> sent_of_;          // token -> sentence
  std::vector<bool> quoted_;          // token inside double quotes
  std::vector<uint16_t> marks_;       // sentence -> Mark bits
  std::vector<uint32_t> hypo_first_;  // sentence -> first token of a hypothetical marker
  std::vector<bool> sent_question_;
  std::vector<bool> sent_self_;  // sentence has a first-person token
  std::vector<int> sent_words_;  // word tokens per sentence
  int num_sentences_ = 0;
  bool lyrics_ = false;
  bool benign_farewell_ = false;
  bool ordinary_reason_ = false;  // "before my knee op", "the solicitor says everyone should"
  bool mishap_ = false;  // "wrong group chat", "called my teacher mum"  // "see you in june",
                         // "going offline": goodbyes are ordinary
  std::vector<Hit> hits_;
};

void Assessor::Segment() {
  const size_t n = NumTokens();
  sent_of_.assign(n, 0);
  quoted_.assign(n, false);
  int s = 0;
  bool in_quote = false;
  for (size_t i = 0; i < n; ++i) {
    const Token& t = text_.tokens[i];
    if (t.norm == "\"") {
      in_quote = !in_quote;
      quoted_[i] = true;
    } else {
      quoted_[i] = in_quote;
    }
    sent_of_[i] = s;
    if (t.Has(kBreak)) ++s;
  }
  MarkSingleQuotes();
  num_sentences_ = s + 1;
  marks_.assign(num_sentences_, 0);
  hypo_first_.assign(num_sentences_, UINT32_MAX);
  sent_question_.assign(num_sentences_, false);
  sent_self_.assign(num_sentences_, false);
  sent_words_.assign(num_sentences_, 0);
  for (size_t i = 0; i < n; ++i) {
    int si = sent_of_[i];
    if (text_.tokens[i].Has(kWord)) ++sent_words_[si];
    if (text_.tokens[i].norm == "?") sent_question_[si] = true;
    if (IsFirstPerson(Norm(i))) sent_self_[si] = true;
  }
}

void Assessor::MarkSingleQuotes() {
  // Chat writes quotes with apostrophes as often as with double quotes ("my son screamed 'i want
  // to die'"). An apostrophe opens a quote when it touches the word after it and not the token
  // before it, and closes one when it touches the token before it and not the word after it;
  // only a pair marks a quote, so "the kids' rooms" and "'cause" stay apostrophes.
  const size_t n = NumTokens();
  const auto& tok = text_.tokens;
  auto touches = [&](size_t a, size_t b) { return tok[a].span.end == tok[b].span.start; };
  auto opens = [&](size_t i) {
    return tok[i].norm == "'" && i + 1 < n && touches(i, i + 1) && tok[i + 1].Has(kWord) &&
           (i == 0 || !touches(i - 1, i) || tok[i - 1].Has(kPunct));
  };
  auto closes = [&](size_t i) {
    return tok[i].norm == "'" && i > 0 && touches(i - 1, i) &&
           (i + 1 == n || !touches(i, i + 1) || tok[i + 1].Has(kPunct));
  };
  constexpr size_t kMaxQuoteTokens = 60;
  for (size_t i = 0; i < n; ++i) {
    if (!opens(i)) continue;
    for (size_t j = i + 2; j < n && j <= i + kMaxQuoteTokens; ++j) {
      if (!closes(j)) continue;
      for (size_t k = i; k <= j; ++k) quoted_[k] = true;
      i = j;
      break;
    }
  }
}

bool Assessor::MatchHasFirstPerson(const Hit& h) const {
  for (uint32_t i = h.first; i <= h.last && i < NumTokens(); ++i) {
    std::string_view w = Norm(i);
    if (w == "my" && i + 1 < NumTokens() && IsKin(Norm(i + 1))) continue;
    if (IsFirstPerson(w)) return true;
  }
  return false;
}

int Assessor::Subject(const Hit& h) const {
  int steps = 0;
  for (int64_t i = static_cast<int64_t>(h.first) - 1; i >= 0 && steps < 8; --i, ++steps) {
    if (sent_of_[i] != h.sentence) break;
    std::string_view w = Norm(static_cast<size_t>(i));
    if (w == "my" || w == "our") {
      if (static_cast<size_t>(i + 1) < NumTokens() && IsKin(Norm(static_cast<size_t>(i + 1)))) {
        return 3;
      }
      return 1;
    }
    if (IsFirstPerson(w)) return 1;
    if (IsSecondPerson(w)) return 2;
    if (IsThirdPerson(w)) {
      // "her" right before a kin noun is a possessive ("her mom"); still third person.
      return 3;
    }
  }
  return 0;
}

bool Assessor::ThirdPartySpeaker(const Hit& h) const {
  // Reported words of someone else: a third person right before the matched phrase
  // ("he's gonna kms", "she says she'll end it") or the speaker of a quote that holds it
  // ("a guy at work said \"this is my last week\"").
  // "since my husband died i've been thinking about joining him": the writer's own words about
  // someone else's death.
  if ((h.flags & rp::kAfterADeath) && !quoted_[h.first]) return false;
  uint32_t start = h.first;
  if (quoted_[h.first]) {
    while (start > 0 && quoted_[start - 1] && Norm(start) != "\"" && Norm(start) != "'") --start;
    if (std::optional<bool> other = QuoteSpeakerIsOther(start)) return *other;
  }
  // "she left and all i can think about is dying": the writer is the subject inside the phrase.
  bool i_inside = false;
  for (uint32_t i = h.first; i <= h.last && i < NumTokens(); ++i) {
    // ("ill" is how "i'll" is typed: "she doesn't know it's the last time ill say it").
    i_inside |= In(Norm(i), {"i", "i'm", "im", "i've", "ive", "i'd", "i'll", "ill"});
  }
  bool said = false, third = false;
  int steps = 0;
  for (int64_t i = static_cast<int64_t>(start) - 1; i >= 0 && steps < 10; --i, ++steps) {
    if (sent_of_[i] != sent_of_[start] && !quoted_[h.first]) break;
    std::string_view w = Norm(static_cast<size_t>(i));
    if (IsFirstPerson(w) && w != "me" &&
        !(w == "my" && static_cast<size_t>(i + 1) < NumTokens() &&
          IsKin(Norm(static_cast<size_t>(i + 1))))) {
      break;
    }
    // Not IsSpeechVerb: words reported outside a quote may be what the writer believes too ("my
    // mum tells me i'm a burden and she's right"), so the list is not widened here.
    if (In(w, {"said", "says", "say", "saying", "told", "texted", "wrote", "posted", "tweeted",
               "messaged", "keeps", "threatens", "threatened", "threatening", "talking", "talkin",
               "talks", "talked"})) {
      said = true;
    }
    // "gave the baby to my sister and took all my tablets": a person after a preposition is
    // not who did it.
    auto governed = [&](int64_t at) {
      auto prep = [&](int64_t j) {
        return j >= 0 &&
               In(Norm(static_cast<size_t>(j)),
                  {"to", "with", "for", "from", "at", "by", "of", "on", "near", "beside", "behind",
                   "after", "than", "like", "off", "round", "around", "into", "onto"});
      };
      if (prep(at - 1)) return true;
      return at >= 1 &&
             In(Norm(static_cast<size_t>(at - 1)), {"my", "our", "the", "his", "her", "their"}) &&
             prep(at - 2);
    };
    if ((In(w, {"hes",   "shes",    "theyre",  "he",       "she",     "they", "he's",
                "she's", "they're", "he'll",   "she'll",   "they'll", "guy",  "girl",
                "man",   "woman",   "someone", "somebody", "homie",   "bf",   "gf"}) ||
         IsKin(w) || IsKinClitic(w)) &&
        !((IsKin(w) || IsKinClitic(w) ||
           In(w, {"guy", "girl", "man", "woman", "someone", "somebody"})) &&
          governed(i))) {
      third = true;
    }
    if (third && (said || (steps <= 2 && !i_inside))) return true;
  }
  return false;
}

std::optional<bool> Assessor::QuoteSpeakerIsOther(uint32_t open) const {
  // The speaker of a quote is the subject of the speech verb before it: "my son screamed '…'",
  // "sarah texted me '…'" are someone else's words; "i told my mum '…'" and "then i said '…'" are
  // the writer's own (the person after the verb is the one told). Empty when there is no speech
  // verb just before the quote, or no subject before the verb to tell (the caller decides).
  int64_t i = static_cast<int64_t>(open) - 1;
  int steps = 0;
  // The ones told or asked, between the verb and the quote: "texted me", "told my mum", "to her".
  for (; i >= 0 && steps < 4; --i, ++steps) {
    if (IsSpeechVerb(Norm(static_cast<size_t>(i)))) break;
  }
  if (i < 0 || steps >= 4) return std::nullopt;
  for (--i, steps = 0; i >= 0 && steps < 4; --i, ++steps) {
    const std::string_view w = Norm(static_cast<size_t>(i));
    if (In(w, {"just",  "literally", "then",      "finally",  "also",    "always", "even",
               "once",  "still",     "keeps",     "keep",     "kept",    "was",    "is",
               "has",   "had",       "have",      "would",    "will",    "to",     "used",
               "again", "actually",  "basically", "randomly", "suddenly"})) {
      continue;
    }
    if (In(w, {"i", "i'm", "im", "i've", "ive", "i'd", "i'll", "we", "we're", "we've"})) {
      return false;
    }
    if (IsThirdPerson(w) || IsKinClitic(w)) return true;
    // A name or another noun as the subject: "sarah texted me '…'", "the doctor said '…'".
    if (text_.tokens[static_cast<size_t>(i)].Has(kWord) &&
        !In(w, {"and", "but", "so", "or", "when", "because", "cause", "cuz", "who", "that", "which",
                "me", "my", "myself"})) {
      return true;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

bool Assessor::AnotherRiskSign(const Hit& h) const {
  // Any other risk phrase, warning sign or method word, whatever its fate: an ordinary reason
  // explains a will, not a will beside "i won't be a problem much longer".
  return std::any_of(hits_.begin(), hits_.end(), [&](const Hit& o) {
    if (&o == &h || (o.flags & rp::kOrdinaryPrep) || Overlaps(o, h)) return false;
    // A date alone ("before the op next month") is part of the ordinary reason.
    return IsRiskKind(o.kind) || (IsEscalator(o.kind) && o.kind != Kind::kTimeframe);
  });
}

bool Assessor::AboutATopic(const Hit& h) const {
  // "a poem about wanting to die", "the song about killing yourself".
  for (uint32_t back = 1; back <= 3 && back <= h.first; ++back) {
    if (Norm(h.first - back) != "about") continue;
    for (uint32_t more = 1; more <= 3 && more + back <= h.first; ++more) {
      if (In(Norm(h.first - back - more),
             {"poem",    "song",  "book",        "essay",   "article", "story",  "film",
              "movie",   "video", "documentary", "lecture", "class",   "lesson", "episode",
              "show",    "novel", "play",        "podcast", "post",    "thread", "assignment",
              "project", "scene", "meme",        "tiktok"})) {
        return true;
      }
    }
  }
  return false;
}

bool Assessor::DeniedAfter(const Hit& h) const {
  // "killing myself has never crossed my mind", "suicide has never once entered my head".
  for (uint32_t i = h.last + 1; i + 1 < NumTokens() && i <= h.last + 4; ++i) {
    if (sent_of_[i] != h.sentence) break;
    if (!IsNegator(Norm(i)) && !In(Norm(i), {"hasn't", "hasnt", "haven't", "havent", "hadn't"})) {
      continue;
    }
    for (uint32_t j = i + 1; j < NumTokens() && j <= i + 3; ++j) {
      if (In(Norm(j), {"crossed", "entered", "occurred", "cross", "enter", "occur"})) return true;
    }
    break;
  }
  // Hinglish: "suicidal thoughts nahi hai", "marne ka khayal nahi aata" (but "nahi toh" is
  // "otherwise": "i want to die nahi toh kya karu").
  for (uint32_t i = h.last + 1; i < NumTokens() && i <= h.last + 3; ++i) {
    if (In(Norm(i), {"nahi", "nahin", "nai", "nhi"})) {
      return i + 1 >= NumTokens() || !In(Norm(i + 1), {"toh", "to", "tho"});
    }
    if (!In(Norm(i), {"thoughts", "thought", "khayal", "khayaal", "vichar", "ka", "ke", "ki"})) {
      break;
    }
  }
  // "... say i'm suicidal if i said i was sad but i'm not", "suicidal? no, i'm not".
  for (uint32_t i = h.last + 1; i + 1 < NumTokens() && i <= h.last + 12; ++i) {
    if (sent_of_[i] != h.sentence && i > h.last + 3) break;
    std::string_view w = Norm(i);
    // "... asks about self harm but no, never"; "i self harmed? no never."
    if ((w == "but" || (w == "?" && i == h.last + 1)) &&
        In(Norm(i + 1), {"no", "never", "nope", "nah"})) {
      // "suicidal thoughts but no plan", "but no intention of acting on it": what the thoughts
      // lack, not a denial of them.
      if (Norm(i + 1) == "no" && i + 2 < NumTokens() &&
          In(Norm(i + 2), {"plan", "plans", "intent", "intention", "intentions", "method", "means",
                           "date", "timeline", "idea", "real"})) {
        continue;
      }
      return true;
    }
    if ((w == "i'm" || w == "im") && Norm(i + 1) == "not" &&
        (i + 2 >= NumTokens() || !text_.tokens[i + 2].Has(kWord) ||
         In(Norm(i + 2), {"suicidal", "though", "tho", "really", "at", "like", "okay"}))) {
      // "i cut again last night, i'm not suicidal": not suicidal is not the same as not harming
      // oneself; the self-harm stays.
      if (IsSelfHarmHit(h) && i + 2 < NumTokens() && Norm(i + 2) == "suicidal") return false;
      return i > h.last + 1 && In(Norm(i - 1), {"but", "and", ",", "-", "no", "which", "."});
    }
  }
  return false;
}

bool Assessor::SlangInterjection(const Hit& h) const {
  // "kms my code won't compile", "burnt the toast kms": chat slang thrown in as an interjection
  // about a mishap, with no volition before it and no distress anywhere in the message, is
  // hyperbole (the contract's "none"). "i wanna kms", "kms rn", "kms. i can't do this" stay.
  if (h.kind != Kind::kActive && h.kind != Kind::kIntent) return false;
  Span src = text_.OriginalSpan(h.from, h.to);
  if (src.end <= src.start || src.end > text_.text.size()) return false;
  std::string slang(text_.text.substr(src.start, src.end - src.start));
  for (char& c : slang) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  if (slang != "kms" && slang != "kmn" && slang != "kmsl" && slang != "kys") return false;
  // "kms thoughts 24/7", "kms attempt #2": the slang names the thoughts or the act.
  if (h.last + 1 < NumTokens() &&
      In(Norm(h.last + 1), {"thoughts", "thought", "attempt", "attempts", "urges", "urge", "plan",
                            "plans", "ideation"})) {
    return false;
  }
  for (uint32_t i = h.first >= 3 ? h.first - 3 : 0; i < h.first; ++i) {
    if (IsVolition(Norm(i)) || In(Norm(i), {"to", "2", "gonna", "finna", "bout"})) return false;
  }
  if (Distressed(h, /*volition_counts=*/true)) return false;
  int words = 0;
  for (size_t i = 0; i < NumTokens(); ++i) {
    if (i >= h.first && i <= h.last) continue;
    if (text_.tokens[i].Has(kWord)) ++words;
  }
  return words >= 3;
}

bool Assessor::Distressed(const Hit& h, bool volition_counts) const {
  // Words of real distress or sincerity anywhere outside the hit: with them, hyperbole is not
  // assumed ("kms. i can't do this anymore", "i want to die fr").
  for (size_t i = 0; i < NumTokens(); ++i) {
    if (i >= h.first && i <= h.last) continue;
    if (Norm(i) == "over" && i > 0 && Norm(i - 1) == "rant") continue;  // "rant over."
    if (In(Norm(i),
           {"can't",  "cant",      "anymore",    "tired",    "hate",      "alone",  "lonely",
            "sad",    "depressed", "depression", "hopeless", "worthless", "life",   "die",
            "dead",   "suicidal",  "pain",       "nobody",   "useless",   "burden", "seriously",
            "srsly",  "fr",        "everyone",   "done",     "over",      "give",   "end",
            "failed", "fail",      "failing",    "cry",      "crying",    "hurts",  "empty"})) {
      return true;
    }
    if (Norm(i) == "mean" && i + 1 < NumTokens() && Norm(i + 1) == "it") return true;
    // "it's not about the exam, it's everything": the trivial cause is the one ruled out.
    if (i > 0 && In(Norm(i), {"about", "because"}) && IsNegator(Norm(i - 1))) return true;
    // "ending my life i mean": the writer says which thing they meant.
    if (i == h.last + 1 && Norm(i) == "i" && i + 1 < NumTokens() && Norm(i + 1) == "mean") {
      return true;
    }
    // "(not joking)", "no joke", "not kidding", "i'm serious": said to be meant.
    if (i > 0 && ((In(Norm(i), {"joking", "kidding", "joke"}) && IsNegator(Norm(i - 1))) ||
                  (Norm(i) == "serious" && In(Norm(i - 1), {"i'm", "im", "am", "deadass"})))) {
      return true;
    }
    if (volition_counts &&
        In(Norm(i), {"want", "wanna", "need", "rn", "now", "really", "honestly"})) {
      return true;
    }
  }
  return false;
}

bool Assessor::SentenceHas(int s, std::initializer_list<std::string_view> words) const {
  for (size_t i = 0; i < NumTokens(); ++i) {
    if (sent_of_[i] == s && In(Norm(i), words)) return true;
  }
  return false;
}

bool Assessor::NamesADeath() const {
  for (size_t i = 0; i < NumTokens(); ++i) {
    std::string_view w = Norm(i);
    if (In(w, {"died", "dies", "dead", "death", "funeral", "grave", "buried", "suicide", "passed",
               "anniversary", "heaven"})) {
      return true;
    }
    // "killed himself", "took her own life".
    if (w == "killed" && i + 1 < NumTokens() &&
        In(Norm(i + 1), {"himself", "herself", "themselves", "themself"})) {
      return true;
    }
    if (w == "took" && i + 2 < NumTokens() && In(Norm(i + 1), {"his", "her", "their"}) &&
        Norm(i + 2) == "own") {
      return true;
    }
  }
  return false;
}

bool Assessor::Negated(const Hit& h) const {
  auto at = [&](int64_t i) {
    return i >= 0 && sent_of_[static_cast<size_t>(i)] == h.sentence ? Norm(static_cast<size_t>(i))
                                                                    : std::string_view();
  };
  const int64_t first = static_cast<int64_t>(h.first);
  // "i have zero suicidal thoughts": zero of the thoughts themselves ("zero reasons to live" is
  // not a denial, and its hit does not start there).
  if (at(first - 1) == "zero" &&
      In(Norm(h.first), {"suicidal", "thoughts", "thought", "urge", "urges", "intention", "plans",
                         "desire", "wish"})) {
    return true;
  }
  // "i love my kids too much to ever hurt myself": held back by what the writer loves.
  {
    int64_t i = first - 1;
    if (at(i) == "ever") --i;
    if (at(i) == "to" && at(i - 1) == "much" && at(i - 2) == "too") {
      for (int64_t j = i - 3; j >= 0 && j >= i - 10 && !at(j).empty(); --j) {
        if (In(at(j), {"love", "loves", "care", "value", "need", "needs"})) return true;
      }
    }
  }
  int steps = 0;
  for (int64_t i = first - 1; i >= 0 && steps < 6; --i, ++steps) {
    if (sent_of_[i] != h.sentence) return false;
    std::string_view w = Norm(static_cast<size_t>(i));
    // "never in a million years would i ...": the years are part of the "never".
    if (In(w, {"years", "lifetime"}) &&
        In(at(i - 1), {"million", "billion", "hundred", "thousand"}) && at(i - 2) == "a" &&
        at(i - 3) == "in") {
      i -= 3;
      continue;
    }
    if (IsNegator(w)) {
      if (NotSince(h)) return false;
      // "hard to not think about killing myself", "i keep not killing myself", "trying not to
      // cut": the effort of not doing it is the thought of doing it, not a denial.
      if (i > 0 && sent_of_[i - 1] == h.sentence &&
          In(Norm(static_cast<size_t>(i - 1)),
             {"to", "keep", "keeps", "keeping", "kept", "try", "tries", "trying", "tried",
              "struggle", "struggling", "struggled", "fighting", "promised", "promise"})) {
        return false;
      }
      return true;
    }
    if (!IsNegationGlue(w)) return false;
  }
  return false;
}

bool Assessor::NotSince(const Hit& h) const {
  bool have_not = false;
  for (int64_t i = static_cast<int64_t>(h.first) - 1, steps = 0; i >= 0 && steps < 6;
       --i, ++steps) {
    if (sent_of_[i] != h.sentence) break;
    if (In(Norm(static_cast<size_t>(i)),
           {"haven't", "havent", "hasn't", "hasnt", "hadn't", "hadnt"})) {
      have_not = true;
      break;
    }
  }
  // "haven't felt this suicidal in years" compares now with then: it is now.
  if (h.first > 0 && In(Norm(h.first - 1), {"this", "that", "so"})) return false;
  if (!have_not) return false;
  for (size_t i = h.last + 1; i < NumTokens() && sent_of_[i] == h.sentence && i <= h.last + 6;
       ++i) {
    if (In(Norm(i), {"since", "for"})) return true;
    if (Norm(i) == "in") {
      for (size_t j = i + 1; j < NumTokens() && j <= i + 4; ++j) {
        if (In(Norm(j), {"year", "years", "months", "month", "weeks", "week", "days", "ages",
                         "forever", "yonks", "decade", "decades", "while"})) {
          return true;
        }
      }
    }
  }
  return false;
}

bool Assessor::HasVolition(const Hit& h) const {
  int steps = 0;
  for (int64_t i = static_cast<int64_t>(h.first) - 1; i >= 0 && steps < 7; --i, ++steps) {
    if (sent_of_[i] != h.sentence) break;
    if (IsVolition(Norm(static_cast<size_t>(i)))) return true;
  }
  // The match itself may carry the volition ("want to take all my pills").
  for (uint32_t i = h.first; i <= h.last && i < NumTokens(); ++i) {
    if (IsVolition(Norm(i))) return true;
  }
  return false;
}

bool Assessor::FearBefore(const Hit& h) const {
  for (uint32_t i = h.first >= 3 ? h.first - 3 : 0; i < h.first; ++i) {
    if (sent_of_[i] == h.sentence &&
        In(Norm(i), {"afraid", "scared", "worried", "terrified", "frightened", "fear"})) {
      return true;
    }
  }
  return false;
}

bool Assessor::AboutTo(const Hit& h) const {
  for (uint32_t i = h.first >= 5 ? h.first - 5 : 0; i + 1 <= h.first && i + 1 < NumTokens(); ++i) {
    if (sent_of_[i] == h.sentence && Norm(i) == "about" && Norm(i + 1) == "to") return true;
  }
  return false;
}

bool Assessor::SentencePast(int s) const {
  uint16_t m = marks_[s];
  if (m & kPresentStrong) return false;
  if (m & kRecovery) return true;
  if (m & kPresentWeak) return false;
  return (m & kPast) != 0;
}

bool Assessor::LaughNear(int s) const {
  if (marks_[s] & kLaugh) return true;
  return s + 1 < num_sentences_ && (marks_[s + 1] & kLaugh) != 0 && !(marks_[s + 1] & kTopic);
}

bool Assessor::IsQuestionWithoutSelf(int s) const { return sent_question_[s] && !sent_self_[s]; }

void Assessor::Collect(const std::vector<RawMatch>& raw) {
  std::vector<RawMatch> ms = raw;
  // One hit per (pattern, start): the longest.
  std::sort(ms.begin(), ms.end(), [](const RawMatch& a, const RawMatch& b) {
    if (a.id != b.id) return a.id < b.id;
    if (a.from != b.from) return a.from < b.from;
    return a.to > b.to;
  });
  for (size_t i = 0; i < ms.size(); ++i) {
    const RawMatch& m = ms[i];
    if (m.id >= patterns_.size() || m.to == 0) continue;
    const PatternDef& def = patterns_[m.id];
    if (def.kind < Kind::kMarkLaugh && i > 0 && m.id == ms[i - 1].id && m.from == ms[i - 1].from) {
      continue;
    }
    if (def.kind >= Kind::kMarkLaugh) {
      // Markers carry no start: place them by their last token.
      size_t last = text_.TokenAt(m.to - 1);
      if (last >= NumTokens()) continue;
      int s = sent_of_[last];
      if (def.kind == Kind::kMarkBenignFarewell) {
        // "said I might be away for a while": what the writer told others is the cover story,
        // not this message's own goodbye.
        bool told = false;
        for (size_t j = last, steps = 0; j > 0 && steps < 8 && sent_of_[j - 1] == s; --j, ++steps) {
          told |= In(Norm(j - 1), {"said", "told", "telling", "saying", "tell"});
        }
        if (told) continue;
        benign_farewell_ = true;
      } else if (def.kind == Kind::kMarkMishap) {
        mishap_ = true;
      } else if (def.kind == Kind::kMarkOrdinaryReason) {
        ordinary_reason_ = true;
      } else if (uint16_t bit = MarkOf(def.kind); bit != 0) {
        marks_[s] |= bit;
        if (bit == kLyrics) lyrics_ = true;
      } else if (def.kind == Kind::kMarkHypothetical) {
        hypo_first_[s] = std::min(hypo_first_[s], static_cast<uint32_t>(last));
      }
      continue;
    }
    if (m.to <= m.from) continue;
    size_t first = text_.TokenAt(m.from);
    size_t last = text_.TokenAt(m.to - 1);
    if (first >= NumTokens()) continue;
    if (last >= NumTokens()) last = NumTokens() - 1;
    int s = sent_of_[first];
    Hit h;
    h.pattern = m.id;
    h.kind = def.kind;
    h.flags = def.flags;
    h.from = m.from;
    h.to = m.to;
    h.first = static_cast<uint32_t>(first);
    h.last = static_cast<uint32_t>(last);
    h.sentence = s;
    hits_.push_back(h);
  }
  // Drop hits contained in a longer hit of the same pattern (different starts).
  std::sort(hits_.begin(), hits_.end(), [](const Hit& a, const Hit& b) {
    if (a.from != b.from) return a.from < b.from;
    return a.to > b.to;
  });
}

void Assessor::Judge(Hit& h) {
  const Kind k = h.kind;
  if (k == Kind::kVeto || k == Kind::kProtective) return;
  // Fixed figurative phrases (they never cancel a category: "cut myself shaving" is still an
  // accident, and the accident still matters).
  const bool category_only =
      k == Kind::kAccident || k == Kind::kMedical || k == Kind::kSubstance || k == Kind::kAbuse;
  for (const Hit& v : hits_) {
    if (category_only) break;
    if (v.kind == Kind::kVeto && Overlaps(v, h)) {
      // "burned my wrist with the iron on purpose": an accident's words, said not to be one.
      if (SentenceHas(h.sentence, {"purpose", "deliberately", "intentionally", "purposely"})) {
        break;
      }
      h.fate = Fate::kFigurative;
      return;
    }
  }
  if ((h.flags & rp::kAfterADeath) && !NamesADeath()) {
    h.fate = Fate::kUnused;
    return;
  }
  const bool imminent_kind = IsImminentKind(k);
  if (!(h.flags & rp::kNoNeg) && k != Kind::kMedical && k != Kind::kSubstance &&
      k != Kind::kAccident && Negated(h)) {
    h.fate = Fate::kDenied;
    return;
  }
  if (k == Kind::kThirdParty) {
    h.fate = Fate::kThirdParty;
    return;
  }
  if (IsRiskKind(k) || k == Kind::kHarmOthers || k == Kind::kPrepWeak || k == Kind::kFarewellWeak ||
      k == Kind::kIntentBare) {
    if (ThirdPartySpeaker(h)) {
      h.fate = Fate::kThirdParty;
      return;
    }
  }
  // "getting my affairs in order before the knee op": what people who are not at risk do, for
  // the reason they give, when nothing else in the message is a sign of risk.
  if ((h.flags & rp::kOrdinaryPrep) && ordinary_reason_ && !AnotherRiskSign(h)) {
    h.fate = Fate::kBenign;
    return;
  }
  if (IsRiskKind(k) || k == Kind::kHarmOthers) {
    // "I saw fresh cuts on her hip": whose body the wound is on decides whose it is.
    // ("on her birthday" is when, not whose.)
    if (h.last + 3 < NumTokens() && In(Norm(h.last + 1), {"on", "across", "in"}) &&
        In(Norm(h.last + 2), {"her", "his", "their"}) &&
        In(Norm(h.last + 3),
           {"arm",      "arms",      "wrist",   "wrists",   "thigh", "thighs", "leg",
            "legs",     "hip",       "hips",    "stomach",  "skin",  "body",   "face",
            "neck",     "chest",     "back",    "hand",     "hands", "ankle",  "ankles",
            "shoulder", "shoulders", "forearm", "forearms", "belly"}) &&
        !(h.flags & rp::kFirst)) {
      h.fate = Fate::kThirdParty;
      return;
    }
    if (!(h.flags & rp::kFirst) && !MatchHasFirstPerson(h)) {
      int who = Subject(h);
      if (who == 3) {
        h.fate = Fate::kThirdParty;
        return;
      }
      if (who == 2) {
        h.fate = Fate::kSecondPerson;
        return;
      }
    }
  }
  // "Sometimes I get so overwhelmed I feel like I can't breathe": how panic feels, said of
  // itself or as a pattern, not a body in danger now. Other medical words in the message
  // (chest pain, an allergic reaction, pills taken) still make it medical.
  if (k == Kind::kMedical && h.last >= h.first + 1 && Norm(h.last) == "breathe") {
    const bool feels_like =
        (h.first >= 2 && Norm(h.first - 1) == "like" &&
         In(Norm(h.first - 2), {"feel", "feels", "felt", "feeling"})) ||
        (h.first >= 3 && Norm(h.first - 1) == "i" && Norm(h.first - 2) == "like" &&
         In(Norm(h.first - 3), {"feel", "feels", "felt", "feeling"}));
    if (feels_like || SentenceHas(h.sentence, {"sometimes", "whenever", "often", "usually"})) {
      h.fate = Fate::kUnused;
      return;
    }
  }
  if (k == Kind::kAbuse || k == Kind::kMedical || k == Kind::kSubstance || k == Kind::kAccident) {
    return;
  }
  if (hypo_first_[h.sentence] < h.first) {
    h.fate = Fate::kHypothetical;
    return;
  }
  if (quoted_[h.first] && lyrics_) {
    h.fate = Fate::kQuoted;
    return;
  }
  const uint16_t m = marks_[h.sentence];
  if (h.flags & rp::kTopicSensitive) {
    bool direct =
        h.first > 0 && sent_of_[h.first - 1] == h.sentence && IsDirectLead(Norm(h.first - 1));
    if (!direct && ((m & kTopic) || IsQuestionWithoutSelf(h.sentence))) {
      h.fate = Fate::kTopic;
      return;
    }
  }
  if (k == Kind::kPrepStrong && benign_farewell_) {
    h.fate = Fate::kBenign;
    return;
  }
  if (IsRiskKind(k) && AboutATopic(h)) {
    h.fate = Fate::kTopic;
    return;
  }
  if (IsRiskKind(k) && DeniedAfter(h)) {
    h.fate = Fate::kDenied;
    return;
  }
  // Self-harm named as such is reported, not exclaimed: "lost my streak. sh again last night"
  // (but "walked into a glass door and hurt myself" is a mishap).
  bool names_self_harm = false;
  if (k == Kind::kShAct) {
    for (uint32_t i = h.first; i <= h.last && i < NumTokens(); ++i) {
      names_self_harm |= In(Norm(i), {"sh", "self-harm", "selfharm", "cut", "cutting", "cuts",
                                      "relapsed", "relapse"});
    }
  }
  if (IsRiskKind(k) && !IsImminentKind(k) && !names_self_harm && mishap_ &&
      !Distressed(h, /*volition_counts=*/false)) {
    h.fate = Fate::kFigurative;
    return;
  }
  if (IsRiskKind(k) && SlangInterjection(h)) {
    h.fate = Fate::kFigurative;
    return;
  }
  if ((k == Kind::kLocation || k == Kind::kFarewellStrong || k == Kind::kLocationWeak ||
       k == Kind::kPrepWeak || k == Kind::kFarewellWeak || k == Kind::kMeans) &&
      ((m & kBenign) || (LaughNear(h.sentence) && !(h.flags & rp::kFinal)) ||
       (!IsRiskKind(k) && (m & kCryLaugh) && (m & kTrivial)) ||
       (benign_farewell_ && k != Kind::kMeans && k != Kind::kLocation &&
        !(h.flags & rp::kFinal)))) {
    h.fate = Fate::kBenign;
    return;
  }
  if (!imminent_kind) {
    const bool laugh = LaughNear(h.sentence) || (marks_[h.sentence] & kCryLaugh) ||
                       (h.sentence + 1 < num_sentences_ && (marks_[h.sentence + 1] & kCryLaugh));
    bool trivial = (m & kTrivial) != 0 ||
                   (h.sentence + 1 < num_sentences_ && (marks_[h.sentence + 1] & kTrivial));
    // "If I have to sit through one more resilience workshop, I'm throwing myself off the
    // fourth floor": the hyperbole's own frame, with a trivial cause, needs no laughter.
    const bool one_more =
        (m & kCausal) && SentenceHas(h.sentence, {"one"}) && SentenceHas(h.sentence, {"more"});
    if ((laugh || one_more) && trivial && !Distressed(h, /*volition_counts=*/false)) {
      h.fate = Fate::kFigurative;
      return;
    }
  }
  if (k == Kind::kHarmOthers && LaughNear(h.sentence)) {
    h.fate = Fate::kFigurative;
    return;
  }
  if (!imminent_kind && k != Kind::kAttempt) h.past = SentencePast(h.sentence) || NotSince(h);
  // An attempt told with years or months between ("a couple years ago, i overdosed and was in
  // the hospital for a month", "i overdosed two years ago") is history, not an attempt under way.
  if (imminent_kind && !(marks_[h.sentence] & kPresentStrong) && LongAgoBeside(h)) h.past = true;
}

bool Assessor::LongAgoBeside(const Hit& h) const {
  // Only these long spans, and only right beside the act: "an hour ago" and "a while ago" stay
  // open, and so does "took all my pills because my dad died a year ago".
  constexpr uint32_t kNear = 4;
  for (size_t i = 1; i < NumTokens(); ++i) {
    if (sent_of_[i] != h.sentence || Norm(i) != "ago") continue;
    const bool long_span = In(Norm(i - 1), {"years", "year", "months", "month"});
    const bool before = i < h.first && h.first - i <= kNear;
    const bool after = i > h.last && i - h.last <= kNear;
    if (long_span && (before || after)) return true;
  }
  return false;
}

Risk Assessor::Run(const std::vector<RawMatch>& raw) {
  Risk risk;
  Segment();
  Collect(raw);
  for (Hit& h : hits_) Judge(h);
  // A bare mention inside a richer reading ("attempted suicide", "never thought about
  // suicide") adds nothing: the richer reading, live or suppressed, decides.
  for (Hit& h : hits_) {
    if (h.fate != Fate::kLive || h.kind != Kind::kMention) continue;
    for (const Hit& o : hits_) {
      if (&o != &h && IsRiskKind(o.kind) && o.kind != Kind::kMention && Overlaps(o, h) &&
          (o.fate == Fate::kLive || o.fate == Fate::kDenied || o.fate == Fate::kFigurative ||
           o.fate == Fate::kHypothetical || o.fate == Fate::kQuoted)) {
        h.fate = Fate::kUnused;
        break;
      }
    }
  }

  auto live = [](const Hit& h) { return h.fate == Fate::kLive; };
  // A bare "relapsed" is self-harm unless the message is about drink or drugs.
  bool substance_talk = false;
  for (const Hit& h : hits_) substance_talk |= live(h) && h.kind == Kind::kSubstance;
  if (substance_talk) {
    for (Hit& h : hits_) {
      if (live(h) && (h.flags & rp::kUnlessSubstance)) h.fate = Fate::kUnused;
    }
  }
  bool any_farewell = false, any_context = false, any_accident = false, any_symptom = false;
  // "cut my finger chopping onions": a scene of ordinary injuries explains bleeding, not pills,
  // gas or a knife held to a wrist ("took all my pills on the kitchen floor").
  bool injury_scene = false;
  for (const Hit& h : hits_) {
    if (!live(h)) continue;
    if (h.kind == Kind::kOverdoseSymptom) any_symptom = true;
    if (h.kind == Kind::kFarewellStrong || h.kind == Kind::kFarewellWeak) any_farewell = true;
    if (h.kind == Kind::kContextCue) any_context = true;
    if (h.kind == Kind::kAccident && (h.flags & rp::kInjuryScene)) injury_scene = true;
    if (h.kind == Kind::kAccident && !(h.flags & rp::kInjuryScene)) any_accident = true;
  }
  // "did it with the kitchen knife, on purpose": the scene is where, not how it happened.
  for (size_t i = 0; i < NumTokens() && injury_scene; ++i) {
    if (In(Norm(i), {"purpose", "deliberately", "intentionally", "purposely"})) {
      injury_scene = false;
    }
  }

  // Base levels of the risk signals.
  bool ideation_current = false;  // any current suicide/self-harm signal
  for (Hit& h : hits_) {
    if (!live(h) || !IsRiskKind(h.kind)) continue;
    const uint16_t m = marks_[h.sentence];
    int level = 0;
    switch (h.kind) {
      case Kind::kPassive:
      case Kind::kHopeless:
      case Kind::kBurden:
      case Kind::kShPast:
        level = 1;
        break;
      case Kind::kActive:
      case Kind::kMention:
      case Kind::kShUrge:
      case Kind::kShAct:
        level = 2;
        break;
      case Kind::kAttempt:
        if ((m & kPast) && !(m & (kPresentWeak))) {
          h.past = true;
          level = 1;
        } else if (m & kRecovery) {
          h.past = true;
          level = 1;
        } else {
          level = 3;
        }
        break;
      case Kind::kMethod:
        // A method with volition ("want to hang myself") is high; a bare first-person method
        // ("hang myself") moderate; a bare method noun ("overdose") only escalates others.
        if (AboutTo(h)) {
          level = 4;  // "i'm about to pull the trigger"
        } else if (HasVolition(h) || ((h.flags & rp::kTopicSensitive) && sent_self_[h.sentence])) {
          level = 3;
        } else {
          level = ((h.flags & rp::kFirst) || MatchHasFirstPerson(h)) ? 2 : 0;
        }
        break;
      case Kind::kIntent:
        // "i'm afraid i'm going to hurt myself" is a feared urge, not a stated intent.
        level = FearBefore(h) ? 2 : (m & kImmediacy) ? 4 : 3;
        break;
      case Kind::kResearch:
      case Kind::kPrepStrong:
      case Kind::kFarewellStrong:
      case Kind::kMeansStrong:
        level = 3;
        break;
      case Kind::kAttemptNow:
        level = (any_accident || (injury_scene && (h.flags & rp::kSelfHarmCat))) ? 1 : 4;
        break;
      case Kind::kEngine:
        level = any_accident ? 1 : 4;  // "left the car running in the garage by accident"
        break;
      case Kind::kLocation:
        level = 4;  // "i'm on the bridge" (benign scenes were filtered out in Judge)
        break;
      default:
        break;
    }
    if (h.past && level > 1) level = 1;
    // Hopelessness or burden in the past is not past ideation.
    if (h.past && (h.kind == Kind::kHopeless || h.kind == Kind::kBurden)) level = 0;
    h.level = level;
    if (!h.past && level >= 1) ideation_current = true;
  }

  // Hyperbole caps: a hyperbole construction with a trivial cause caps at low; laughter alone
  // caps at moderate.
  for (Hit& h : hits_) {
    if (!live(h) || !IsRiskKind(h.kind) || IsImminentKind(h.kind)) continue;
    const uint16_t m = marks_[h.sentence];
    if ((m & kCausal) && (m & kTrivial)) h.level = std::min(h.level, 1);
    // "im gonna kms if my mom makes me go to church again lmao": laughed-off conditional.
    if ((m & kCausal) && LaughNear(h.sentence)) h.level = std::min(h.level, 1);
    if (LaughNear(h.sentence) && !(h.flags & rp::kFinal)) {
      h.level = std::min(h.level, 2);
      // "we'd rather die than go back to school lol": a laughed-off low signal is hyperbole.
      if (h.level <= 1 && (h.flags & rp::kHyper)) {
        h.level = 0;
        h.fate = Fate::kFigurative;
      }
    }
  }

  ideation_current = false;
  for (const Hit& h : hits_) {
    if (live(h) && IsRiskKind(h.kind) && !h.past && h.level >= 1) ideation_current = true;
  }

  int level = 0;
  bool suicide = false, self_harm = false;
  for (const Hit& h : hits_) {
    if (!live(h) || !IsRiskKind(h.kind) || h.level == 0) continue;
    level = std::max(level, h.level);
    if (h.flags & rp::kSelfHarmCat) {
      self_harm = true;
    } else {
      suicide = true;
    }
  }

  // Escalators.
  bool suicidal_current = false;
  for (const Hit& h : hits_) {
    if (live(h) && IsRiskKind(h.kind) && !h.past && h.level >= 1 && !(h.flags & rp::kSelfHarmCat)) {
      suicidal_current = true;
    }
  }
  uint32_t escalator_kinds = 0;
  int escalated = 0;
  // Weak warning signs, each ordinary alone ("cancelled my phone contract", "bought a rope",
  // "not sure when yet"): two different ones in one message make it high. A timeframe counts
  // only beside means, a plan, a preparation or a bare intent ("i'll do it" + "friday").
  std::vector<Hit*> weak;
  bool weak_timeframe = false, weak_partner_for_time = false;
  for (Hit& h : hits_) {
    if (!live(h) || !IsEscalator(h.kind) || h.past) continue;
    switch (h.kind) {
      case Kind::kMeans:
      case Kind::kPlan:
      case Kind::kGiving:
      case Kind::kFarewellWeak:
      case Kind::kIntentBare:
      case Kind::kTimeStrong:
      case Kind::kPrepWeak: {
        bool distinct = true;
        for (const Hit* w : weak) {
          if (Overlaps(*w, h)) distinct = false;
        }
        if (distinct) weak.push_back(&h);
        // ("going to do it tomorrow" alone is asking someone out as often as anything else.)
        if (h.kind == Kind::kMeans || h.kind == Kind::kPlan || h.kind == Kind::kPrepWeak) {
          weak_partner_for_time = true;
        }
      }
        if (h.kind == Kind::kPrepWeak) break;
        escalator_kinds |= 1u << static_cast<unsigned>(h.kind);
        if (h.kind == Kind::kPlan && (h.flags & rp::kAct)) escalated = std::max(escalated, 3);
        if (h.kind == Kind::kGiving) {
          escalated = std::max(escalated, 1);
          h.level = std::max(h.level, 1);  // shown as evidence of the low reading
        }
        if (suicidal_current || (ideation_current && h.kind != Kind::kFarewellWeak)) {
          h.level = 3;
          escalated = std::max(escalated, 3);
          // "... and i'm about to do it": the act is happening now.
          if (h.kind == Kind::kIntentBare && (marks_[h.sentence] & kImmediacy)) {
            h.level = 4;
            escalated = 4;
          }
        }
        break;
      case Kind::kMethodNoun:
        for (const Hit& r : hits_) {
          // Hopelessness or burden next to "pills" is not yet ideation with a method.
          if (!live(r) || !IsRiskKind(r.kind) || r.past || r.level < 1 ||
              (r.flags & rp::kSelfHarmCat) || Overlaps(r, h) || r.kind == Kind::kHopeless ||
              r.kind == Kind::kBurden) {
            continue;
          }
          int dist = std::abs(r.sentence - h.sentence);
          if (dist <= 1) {
            h.level = 3;
            escalated = std::max(escalated, 3);
          }
        }
        break;
      case Kind::kTimeframe:
        weak_timeframe = true;
        // A bare "tonight." after "bought rope." is a stated timeframe on its own.
        if (sent_words_[h.sentence] <= 2) {
          escalator_kinds |= 1u << static_cast<unsigned>(h.kind);
        }
        for (const Hit& r : hits_) {
          if (!live(r) || !IsRiskKind(r.kind) || r.past || r.level < 1 || !(r.flags & rp::kAct) ||
              (r.flags & rp::kSelfHarmCat) || r.sentence != h.sentence) {
            continue;
          }
          h.level = 3;
          escalated = std::max(escalated, 3);
        }
        break;
      case Kind::kPillsTaken:
        // "accidentally took 2 of the night ones on top of the day ones, bit drowsy": a mistake
        // with symptoms is a medical question, not an attempt.
        if (any_accident && !ideation_current && !any_farewell) break;
        if (ideation_current || any_farewell || any_context || any_symptom) {
          h.level = 4;
          escalated = 4;
        }
        break;
      case Kind::kOverdoseSymptom: {
        // Two signs of poisoning and a goodbye ("lips are numb and the room keeps tilting .
        // sorry mum"): what was taken need not be named. A goodbye, not any apology: "dizzy and
        // sick, sorry mum can't make it" is a day off.
        int symptoms = 0;
        for (const Hit& r : hits_) {
          if (live(r) && r.kind == Kind::kOverdoseSymptom && !Overlaps(r, h)) ++symptoms;
        }
        if (symptoms >= 1 && any_farewell) {
          h.level = 4;
          escalated = 4;
        }
        break;
      }
      case Kind::kDoItNow:
        if (ideation_current || any_farewell || any_context) {
          h.level = 4;
          escalated = 4;
        }
        break;
      default:
        break;
    }
  }
  if (std::popcount(escalator_kinds) >= 2) escalated = std::max(escalated, 3);
  if (weak.size() + (weak_timeframe && weak_partner_for_time ? 1 : 0) >= 2) {
    escalated = std::max(escalated, 3);
    for (Hit* w : weak) w->level = std::max(w->level, 3);
  }
  // A place of danger named without "i'm" ("on the ledge.", "end of the platform"): imminent
  // beside any other sign, a goodbye or a "now"; nothing alone.
  for (Hit& h : hits_) {
    if (!live(h) || h.kind != Kind::kLocationWeak) continue;
    bool immediacy = false;
    for (int s = 0; s < num_sentences_; ++s) immediacy |= (marks_[s] & kImmediacy) != 0;
    bool other = escalated >= 3 || !weak.empty();
    for (const Hit& r : hits_) {
      if (&r != &h && live(r) && IsRiskKind(r.kind) && !r.past && r.level >= 1) other = true;
      if (&r != &h && live(r) && (r.kind == Kind::kMethodNoun || r.kind == Kind::kTimeframe)) {
        other = true;
      }
    }
    if (immediacy || other || any_farewell || any_context) {
      h.level = 4;
      escalated = 4;
    }
  }
  if (escalated > level) {
    level = escalated;
    suicide = true;
  }

  // Means at hand, or a final farewell, and a goodbye: the act is about to happen.
  int farewells = 0;
  for (const Hit& h : hits_) {
    if (live(h) && (h.kind == Kind::kFarewellStrong || h.kind == Kind::kFarewellWeak ||
                    h.kind == Kind::kContextCue)) {
      ++farewells;
    }
  }
  if (level >= 3 && (any_farewell || any_context)) {
    for (Hit& h : hits_) {
      if (live(h) && ((h.kind == Kind::kMeansStrong && h.level >= 3) ||
                      (h.kind == Kind::kFarewellStrong && farewells >= 2))) {
        h.level = 4;
        level = 4;
      }
    }
  }

  // "kms rn. bye": a current wish to die, a goodbye and a "now" in one message.
  if (level >= 2 && suicide && any_context && !benign_farewell_) {
    bool now = false;
    for (int s = 0; s < num_sentences_; ++s) now |= (marks_[s] & kImmediacy) != 0;
    bool sincere = false;
    for (const Hit& h : hits_) {
      sincere |= live(h) && IsRiskKind(h.kind) && !h.past && h.level >= 2 &&
                 !(h.flags & rp::kSelfHarmCat) && !LaughNear(h.sentence);
    }
    if (now && sincere) level = 4;
  }

  // Location: imminent with immediacy anywhere or ideation.
  for (Hit& h : hits_) {
    if (!live(h) || h.kind != Kind::kLocation) continue;
    bool immediacy = false;
    for (int s = 0; s < num_sentences_; ++s) immediacy |= (marks_[s] & kImmediacy) != 0;
    bool other = false;
    for (const Hit& r : hits_) {
      if (&r != &h && live(r) && IsRiskKind(r.kind) && !r.past && r.level >= 1) other = true;
    }
    if (immediacy || other || any_farewell) {
      h.level = 4;
      level = 4;
    }
  }

  // Several low signals of different kinds (not one phrase read twice) imply active thoughts,
  // unless the writer adds a protective statement ("but i won't do anything").
  bool protective = false;
  for (const Hit& h : hits_) protective |= live(h) && h.kind == Kind::kProtective;
  if (level == 1 && !protective) {
    std::vector<const Hit*> lows;
    for (const Hit& h : hits_) {
      if (live(h) && !h.past && h.level == 1 &&
          (h.kind == Kind::kPassive || h.kind == Kind::kHopeless || h.kind == Kind::kBurden)) {
        lows.push_back(&h);
      }
    }
    bool passive = false, other = false;
    int kinds = 0;
    for (Kind k : {Kind::kPassive, Kind::kHopeless, Kind::kBurden}) {
      bool have = false;
      for (const Hit* a : lows) {
        if (a->kind != k) continue;
        // Needs a partner of another kind that does not overlap it.
        for (const Hit* b : lows) {
          if (b->kind != k && !Overlaps(*a, *b)) have = true;
        }
      }
      if (have) {
        ++kinds;
        if (k == Kind::kPassive) passive = true;
        if (k != Kind::kPassive) other = true;
      }
    }
    if ((passive && other) || kinds >= 3) level = 2;
  }

  // Categories.
  bool third = false, abuse = false, harm = false, substance = false, medical = false;
  for (const Hit& h : hits_) {
    if (h.fate == Fate::kThirdParty) third = true;
    if (!live(h)) continue;
    switch (h.kind) {
      case Kind::kAbuse:
        abuse = true;
        break;
      case Kind::kHarmOthers: {
        // "kill my self" is not harm to others.
        bool self = false;
        for (const Hit& r : hits_) {
          if (&r != &h && IsRiskKind(r.kind) && r.fate == Fate::kLive && Overlaps(r, h))
            self = true;
        }
        harm = harm || !self;
        break;
      }
      case Kind::kSubstance:
        substance = true;
        break;
      case Kind::kMedical:
        medical = true;
        break;
      case Kind::kAccident:
        break;
      case Kind::kAttemptNow:
      case Kind::kPillsTaken:
        if (h.level >= 1 && (h.flags & rp::kMedicalCat)) medical = true;
        break;
      default:
        break;
    }
  }
  if (any_accident || injury_scene) {
    for (const Hit& h : hits_) {
      if (live(h) && (h.kind == Kind::kAttemptNow || h.kind == Kind::kPillsTaken)) medical = true;
    }
  }
  // Overdose symptoms with an attempt are a medical emergency.
  if (level >= 4) {
    for (const Hit& h : hits_) {
      if (live(h) && h.kind == Kind::kOverdoseSymptom) medical = true;
    }
  }
  if (level == 0) {
    suicide = false;
    self_harm = false;
  }
  if (suicide) risk.categories.push_back(RiskCategory::kSuicide);
  if (self_harm) risk.categories.push_back(RiskCategory::kSelfHarm);
  if (harm) risk.categories.push_back(RiskCategory::kHarmToOthers);
  if (abuse) risk.categories.push_back(RiskCategory::kAbuse);
  if (third) risk.categories.push_back(RiskCategory::kThirdParty);
  if (medical) risk.categories.push_back(RiskCategory::kMedical);
  if (substance) risk.categories.push_back(RiskCategory::kSubstance);
  std::sort(risk.categories.begin(), risk.categories.end());
  risk.categories.erase(std::unique(risk.categories.begin(), risk.categories.end()),
                        risk.categories.end());

  // Evidence.
  int live_signals = 0;
  for (const Hit& h : hits_) {
    std::string signal;
    if (h.kind == Kind::kContextCue) continue;
    if (h.kind == Kind::kVeto) {
      // An idiom that only looks like risk ("hang out tonight", "jump ship") is evidence that the
      // words are not meant that way, so the learned reader will not raise it (CombineRisk).
      bool covers_signal = false;
      for (const Hit& r : hits_) covers_signal |= &r != &h && IsRiskKind(r.kind) && Overlaps(r, h);
      if (covers_signal || level > 0) continue;
      risk.evidence.push_back({text_.OriginalSpan(h.from, h.to), "figurative"});
      continue;
    }
    switch (h.fate) {
      case Fate::kLive:
        if (IsRiskKind(h.kind) && h.level == 0) continue;
        if (IsEscalator(h.kind) && h.level == 0 && level < 3) continue;
        if (IsEscalator(h.kind) && level == 0) continue;
        if (h.kind == Kind::kAccident) continue;
        signal = patterns_[h.pattern].signal;
        // Bleeding read as an accident ("sliced my thumb on the mandoline, bleeding through the
        // towel"): said so, so that the learned reader does not raise it for its words.
        if ((h.kind == Kind::kAttemptNow || h.kind == Kind::kEngine) && h.level <= 1 &&
            (any_accident || injury_scene)) {
          signal = "accident";
        }
        if (h.past) {
          signal = (h.flags & rp::kSelfHarmCat) ? "past_self_harm" : "past_ideation";
        }
        if (IsRiskKind(h.kind)) ++live_signals;
        break;
      case Fate::kFigurative:
      case Fate::kQuoted:
        if (!IsRiskKind(h.kind)) continue;
        signal = "figurative";
        break;
      case Fate::kDenied:
        if (!IsRiskKind(h.kind)) continue;
        signal = "denial";
        break;
      case Fate::kThirdParty:
        signal = "third_party";
        break;
      case Fate::kHypothetical:
      case Fate::kTopic:
        if (!IsRiskKind(h.kind)) continue;
        signal = "topic";
        break;
      case Fate::kBenign:
        // "a will before the knee op": read and found ordinary, so that the learned reader does
        // not raise it for its words (CombineRisk).
        if (!(h.flags & rp::kOrdinaryPrep) || level > 0) continue;
        signal = "ordinary";
        break;
      default:
        continue;
    }
    RiskEvidence ev;
    ev.span = text_.OriginalSpan(h.from, h.to);
    ev.signal = std::move(signal);
    risk.evidence.push_back(std::move(ev));
  }
  std::sort(risk.evidence.begin(), risk.evidence.end(),
            [](const RiskEvidence& a, const RiskEvidence& b) {
              if (a.span.start != b.span.start) return a.span.start < b.span.start;
              if (a.span.end != b.span.end) return a.span.end < b.span.end;
              return a.signal < b.signal;
            });
  risk.evidence.erase(std::unique(risk.evidence.begin(), risk.evidence.end(),
                                  [](const RiskEvidence& a, const RiskEvidence& b) {
                                    return a.span == b.span && a.signal == b.signal;
                                  }),
                      risk.evidence.end());

  risk.level = static_cast<RiskLevel>(level);
  double bump = std::min(0.04, 0.01 * std::max(0, live_signals - 1));
  risk.score =
      RiskBaseScore(risk.level) + (level > 0 ? bump : (risk.evidence.empty() ? 0.0 : 0.05));
  return risk;
}

}  // namespace

Risk RiskDetector::Assess(const NormalizedText& text) const {
  try {
    if (!impl_ || text.canonical.empty() || text.tokens.empty()) return {};
    // One scratch per thread serves every database; the second call may grow (move) it, and what
    // it returns then serves both.
    if (impl_->detect.Scratch() == nullptr) return {};
    hs_scratch_t* scratch = impl_->spans.Scratch();
    if (scratch == nullptr) return {};
    std::vector<RawMatch> raw;
    raw.reserve(64);
    const auto size = static_cast<unsigned int>(text.canonical.size());
    DetectContext detect{&impl_->patterns, &raw, false};
    hs_error_t rc =
        hs_scan(impl_->detect.get(), text.canonical.data(), size, 0, scratch, OnDetect, &detect);
    if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED) return {};
    if (detect.signal) {
      raw.clear();
      rc = hs_scan(impl_->spans.get(), text.canonical.data(), size, 0, scratch, OnMatch, &raw);
      if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED) return {};
    }
    Assessor a(text, impl_->patterns);
    return a.Run(raw);
  } catch (...) {
    return {};
  }
}

}  // namespace haven::nlp
