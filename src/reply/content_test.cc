#include "reply/content.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "safety/output_guard.h"

namespace haven::reply {
namespace {

const ContentLibrary& Library() {
  static const ContentLibrary* lib = [] {
    auto loaded = ContentLibrary::Load(ContentLibrary::DefaultDir(HAVEN_SOURCE_DATA_DIR));
    EXPECT_TRUE(loaded.ok()) << loaded.status().message();
    if (!loaded.ok()) std::abort();
    return new ContentLibrary(std::move(loaded).value());
  }();
  return *lib;
}

std::string ParseError(const std::string& yaml) {
  auto lib = ContentLibrary::Parse({{"pack.yaml", yaml}});
  return lib.ok() ? "" : lib.status().message();
}

TEST(Content, ShippedPacksLoadWithEnoughVariants) {
  EXPECT_GE(Library().variants().size(), 300u);
  EXPECT_NE(Library().Versions().find("reflection v"), std::string::npos);
  for (Strategy s :
       {Strategy::kQuestion, Strategy::kRestatement, Strategy::kReflection,
        Strategy::kSelfDisclosure, Strategy::kAffirmation, Strategy::kSuggestion,
        Strategy::kInformation, Strategy::kCrisis, Strategy::kHandoff, Strategy::kOther}) {
    int n = 0;
    for (const Variant& v : Library().variants()) n += v.strategy == s;
    EXPECT_GE(n, 3) << StrategyName(s);
  }
  for (std::string_view tag : kTags) {
    int n = 0;
    for (const Variant& v : Library().variants()) n += v.tag == tag;
    EXPECT_GE(n, 2) << tag;
  }
}

TEST(Content, ValidationNamesFileEntryAndProblem) {
  EXPECT_EQ(ParseError("version: 1\npack: p\nvariants: []\n"), "");
  EXPECT_NE(ParseError("pack: p\n").find("pack.yaml: version: is missing"), std::string::npos);
  EXPECT_NE(ParseError("version: 0\npack: p\n").find("version: must be a positive integer"),
            std::string::npos);
  EXPECT_NE(ParseError("version: x\npack: p\n").find("positive integer"), std::string::npos);
  EXPECT_NE(ParseError("version: 1\npack: p\nvariants:\n  - {id: a, strategy: hug, text: hi}\n")
                .find("pack.yaml: variants[0] (a).strategy: unknown strategy 'hug'"),
            std::string::npos);
  EXPECT_NE(ParseError("version: 1\npack: p\nvariants:\n  - {id: a, strategy: question, text: "
                       "\"What about {feelings}?\"}\n")
                .find("variants[0] (a).text: unknown slot {feelings}"),
            std::string::npos);
  EXPECT_NE(ParseError("version: 1\npack: p\nvariants:\n  - {id: a, strategy: question, text: "
                       "\"What about {feeling?\"}\n")
                .find("without '}'"),
            std::string::npos);
  EXPECT_NE(ParseError("version: 1\npack: p\nvariants:\n  - {id: a, strategy: question, text: x, "
                       "colour: red}\n")
                .find("variants[0] (a).colour: unknown key"),
            std::string::npos);
  EXPECT_NE(ParseError("version: 1\npack: p\nvariants:\n  - {id: a, strategy: question, text: x, "
                       "emotions: [sadd]}\n")
                .find("unknown feeling family 'sadd'"),
            std::string::npos);
  EXPECT_NE(ParseError("version: 1\npack: p\nvariants:\n  - {id: a, strategy: question, text: x, "
                       "topics: [wrk]}\n")
                .find("unknown topic 'wrk'"),
            std::string::npos);
  EXPECT_NE(ParseError("version: 1\npack: p\nvariants:\n  - {id: a, strategy: question, text: x, "
                       "intensity: [huge]}\n")
                .find("unknown intensity 'huge'"),
            std::string::npos);
  EXPECT_NE(ParseError("version: 1\npack: p\nvariants:\n  - {id: a, strategy: question, text: x, "
                       "tag: hello}\n")
                .find("unknown tag 'hello'"),
            std::string::npos);
  EXPECT_NE(ParseError("version: 1\npack: p\nvariants:\n  - {id: a, strategy: question, text: x}\n"
                       "  - {id: a, strategy: question, text: y}\n")
                .find("id used twice"),
            std::string::npos);
  EXPECT_NE(ParseError("version: 1\npack: p\nvariants:\n  - {strategy: question, text: x}\n")
                .find("variants[0].id: is missing"),
            std::string::npos);
  EXPECT_NE(ParseError("version: 1\npack: p\nfeelings:\n  sad: [a, b]\n").find("three phrases"),
            std::string::npos);
  EXPECT_NE(ParseError("version: 1\npack: p\nvariants: [\n").find("not valid YAML"),
            std::string::npos);
  EXPECT_NE(ParseError("- just\n- a list\n").find("must be a map"), std::string::npos);
  auto missing = ContentLibrary::Load("/nonexistent/content");
  EXPECT_FALSE(missing.ok());
}

// `words` and `not_words`: lower-case words or phrases, as the engine matches them.
TEST(Content, WordsAndNotWordsAreReadAndChecked) {
  auto lib = ContentLibrary::Parse(
      {{"pack.yaml",
        "version: 1\npack: p\nvariants:\n  - {id: a, strategy: suggestion, text: x, words: "
        "[manager, too much work], not_words: [laid off, don't]}\n"}});
  ASSERT_TRUE(lib.ok()) << lib.status().message();
  EXPECT_EQ(lib->variants()[0].words, (std::vector<std::string>{"manager", "too much work"}));
  EXPECT_EQ(lib->variants()[0].not_words, (std::vector<std::string>{"laid off", "don't"}));
  const std::string head =
      "version: 1\npack: p\nvariants:\n  - {id: a, strategy: question, text: x, ";
  EXPECT_NE(ParseError(head + "words: [Boss]}\n").find("variants[0] (a).words: 'Boss' is not a"),
            std::string::npos);
  EXPECT_NE(ParseError(head + "not_words: [\"two  spaces\"]}\n").find("not_words: 'two  spaces'"),
            std::string::npos);
  EXPECT_NE(ParseError(head + "words: []}\n").find("words: is empty"), std::string::npos);
  EXPECT_NE(ParseError(head + "words: {a: b}}\n").find("must be a list of strings"),
            std::string::npos);
  // The shipped work ideas that presume a job do not reach someone who lost theirs.
  const Variant* manager = Library().Find("sg-work-01");
  ASSERT_NE(manager, nullptr);
  EXPECT_FALSE(manager->words.empty());
  const Variant* workday = Library().Find("sg-work-02");
  ASSERT_NE(workday, nullptr);
  EXPECT_NE(std::find(workday->not_words.begin(), workday->not_words.end(), "laid off"),
            workday->not_words.end());
}

// `not_topics`: known topic labels; the shipped variants that presume a job name the lost one.
TEST(Content, NotTopicsAreReadAndChecked) {
  auto lib = ContentLibrary::Parse(
      {{"pack.yaml",
        "version: 1\npack: p\nvariants:\n  - {id: a, strategy: question, text: x, topics: "
        "[work], not_topics: [job_loss, grief]}\n"}});
  ASSERT_TRUE(lib.ok()) << lib.status().message();
  EXPECT_EQ(lib->variants()[0].not_topics, (std::vector<std::string>{"job_loss", "grief"}));
  EXPECT_NE(ParseError("version: 1\npack: p\nvariants:\n  - {id: a, strategy: question, text: "
                       "x, not_topics: [jobs]}\n")
                .find("variants[0] (a).not_topics: unknown topic 'jobs'"),
            std::string::npos);
  for (const char* id : {"q-topic-03", "q-topic-04", "sg-work-01", "sg-work-02", "sg-work-03"}) {
    const Variant* v = Library().Find(id);
    ASSERT_NE(v, nullptr) << id;
    EXPECT_EQ(v->not_topics, (std::vector<std::string>{"job_loss"})) << id;
  }
}

TEST(Content, FillSlots) {
  Slots s;
  s.feeling = "a bit down";
  s.situation = "your boss hates you";
  EXPECT_EQ(FillSlots("So {situation}. You're feeling {feeling}.", s).value_or(""),
            "So your boss hates you. You're feeling a bit down.");
  EXPECT_EQ(FillSlots("{situation}, and that's hard.", s).value_or(""),
            "Your boss hates you, and that's hard.");
  EXPECT_FALSE(FillSlots("Hi {name}.", s).has_value());
  EXPECT_FALSE(FillSlots("Hi {nope}.", s).has_value());
  // The person once: a situation that names them leaves {person} variants out.
  s.person = "your boss";
  EXPECT_FALSE(FillSlots("So this is about {person}, and {situation}.", s).has_value());
  EXPECT_EQ(FillSlots("So {situation}.", s).value_or(""), "So your boss hates you.");
  s.situation = "you can't sleep";
  EXPECT_TRUE(FillSlots("So this is about {person}, and {situation}.", s).has_value());
  EXPECT_EQ(SlotsIn("{feeling} and {person}"), (std::vector<std::string>{"feeling", "person"}));
  // The topic once too: "So at work, you have to give a presentation at work".
  s.topic = "at work";
  s.situation = "you have to give a presentation at work";
  s.topic_in_situation = true;
  EXPECT_FALSE(FillSlots("So {topic}, {situation}.", s).has_value());
  EXPECT_EQ(FillSlots("So {situation}.", s).value_or(""),
            "So you have to give a presentation at work.");
  EXPECT_EQ(FillSlots("How are things {topic}?", s).value_or(""), "How are things at work?");
}

TEST(Content, FeelingAndTopicPhrases) {
  Feeling f{"sad", Intensity::kMild, ""};
  EXPECT_EQ(Library().FeelingPhrase(f), "a bit down");
  f.intensity = Intensity::kStrong;
  EXPECT_NE(Library().FeelingPhrase(f), "a bit down");
  f.own_word = "really stressed";
  EXPECT_EQ(Library().FeelingPhrase(f), "really stressed");
  EXPECT_EQ(Library().FeelingPhrase(Feeling{}), "");
  EXPECT_EQ(Library().TopicPhrase("family"), "your family");
  EXPECT_EQ(Library().TopicPhrase("abuse"), "");  // never named back casually
}

// Problems a filled reply must never show.
std::string GrammarProblem(const std::string& t) {
  if (t.find('{') != std::string::npos || t.find('}') != std::string::npos) return "slot left";
  if (t.find("  ") != std::string::npos) return "double space";
  if (t.find(" ,") != std::string::npos || t.find(" .") != std::string::npos) {
    return "space before punctuation";
  }
  if (t.empty() || !std::isupper(static_cast<unsigned char>(t[0]))) return "lower-case start";
  char last = t.back();
  if (last != '.' && last != '?' && last != '!') return "no final punctuation";
  // Word by word (no std::regex: GCC 12 warns inside <regex> under the sanitizers).
  auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  auto lower = [](std::string w) {
    for (char& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return w;
  };
  for (size_t k = 0; k + 2 < t.size(); ++k) {
    const bool starts = k == 0 || std::isspace(static_cast<unsigned char>(t[k - 1]));
    if (starts && (t[k] == 'a' || t[k] == 'A') && t[k + 1] == ' ' &&
        std::strchr("aeiouAEIOU", t[k + 2]) != nullptr) {
      return "'a' before a vowel";
    }
  }
  for (size_t k = 0; k < t.size();) {
    if (!is_word(t[k]) || (k > 0 && is_word(t[k - 1]))) {
      ++k;
      continue;
    }
    size_t end = k;
    while (end < t.size() && is_word(t[end])) ++end;
    const std::string word = t.substr(k, end - k);
    const size_t next = end + 1;
    if (end < t.size() && t[end] == ' ' && next + word.size() <= t.size() &&
        lower(t.substr(next, word.size())) == lower(word) &&
        (next + word.size() == t.size() || !is_word(t[next + word.size()])) &&
        lower(word) != "that" && lower(word) != "had") {
      return "repeated word '" + word + "'";
    }
    k = end;
  }
  for (size_t k = 0; k + 2 < t.size(); ++k) {
    if ((t[k] == '.' || t[k] == '?' || t[k] == '!') && t[k + 1] == ' ' &&
        std::islower(static_cast<unsigned char>(t[k + 2]))) {
      return "lower-case sentence start";
    }
  }
  if (t.size() > 450) return "too long";
  return "";
}

TEST(Content, EveryVariantFillsGrammaticallyAndPassesTheGuard) {
  safety::OutputGuard guard;
  std::vector<Slots> sets(3);
  sets[0] = {"a bit down",
             "your boss hates you",
             "your sister",
             "work",
             "Sam",
             "911",
             "the 988 Suicide & Crisis Lifeline (call or text 988)",
             "whether to tell your sister or just leave it",
             "try sending her a couple of texts every day"};
  sets[1] = {"devastated",
             "it feels like nobody listens to you",
             "your parents",
             "your relationship",
             "Alex",
             "your local emergency number",
             "Find A Helpline (findahelpline.com)",
             "whether to quit your job",
             "talk to your manager tomorrow about your hours"};
  sets[2] = {"really stressed",
             "you're exhausted",
             "your ex",
             "feeling alone",
             "Jo",
             "999",
             "Samaritans (call 116 123)",
             "whether to go back to college",
             "look up some support groups near you"};
  // Every feeling phrase of the lexicon, too.
  std::vector<std::string> feelings;
  for (std::string_view fam :
       {"sad", "anxious", "angry", "lonely", "stressed", "grief", "hurt", "shame", "guilt",
        "confused", "disappointed", "tired", "positive", "relieved"}) {
    for (int i = 0; i < 3; ++i) {
      std::string p =
          Library().FeelingPhrase(Feeling{std::string(fam), static_cast<Intensity>(i), ""});
      EXPECT_FALSE(p.empty()) << fam;
      feelings.push_back(p);
    }
  }
  int filled = 0;
  for (const Variant& v : Library().variants()) {
    std::vector<Slots> all = sets;
    for (const std::string& f : feelings) {
      Slots s = sets[0];
      s.feeling = f;
      all.push_back(s);
    }
    for (const Slots& s : all) {
      auto text = FillSlots(v.text, s);
      ASSERT_TRUE(text.has_value()) << v.id;
      ++filled;
      EXPECT_EQ(GrammarProblem(*text), "") << v.id << ": " << *text;
      auto g = guard.Check(*text);
      EXPECT_TRUE(g.pass) << v.id << " fails the output guard (" << safety::GuardRuleName(g.rule)
                          << "): " << *text;
    }
  }
  EXPECT_GT(filled, 1000);
}

TEST(Content, NoVariantClaimsToBeHumanOrDiagnoses) {
  for (const Variant& v : Library().variants()) {
    std::string lower;
    for (char c : v.text) lower.push_back(static_cast<char>(std::tolower(c)));
    for (const char* bad :
         {"i'm a person", "i am human", "as a therapist", "depression", "disorder", "you have ",
          "it's not that bad", "calm down", "i know exactly", "i promise", "won't tell"}) {
      EXPECT_EQ(lower.find(bad), std::string::npos) << v.id << " says '" << bad << "'";
    }
  }
}

TEST(Content, SelfDisclosureIsHonestAboutBeingAnAi) {
  for (const Variant& v : Library().variants()) {
    if (v.strategy != Strategy::kSelfDisclosure) continue;
    EXPECT_NE(v.text.find("AI"), std::string::npos) << v.id;
  }
}

}  // namespace
}  // namespace haven::reply
