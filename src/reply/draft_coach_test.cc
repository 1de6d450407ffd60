// The supporter's coach (issue 5) against conversations written for it: specific suggestions,
// safety first with risk, warnings on unsafe drafts, safe suggested replies, and hostile input.
#include "reply/draft_coach.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "nlp/text.h"
#include "safety/output_guard.h"

namespace haven::reply {
namespace {

const Engine& SharedEngine() {
  static const Engine* e = [] {
    auto loaded = Engine::Load(HAVEN_SOURCE_DATA_DIR);
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status().message();
      std::abort();
    }
    return std::move(loaded).value().release();
  }();
  return *e;
}

const DraftCoach& SharedCoach() {
  static const DraftCoach* c = new DraftCoach(SharedEngine());
  return *c;
}

DraftFeedback CoachOn(const std::vector<CoachTurn>& recent, std::string_view draft) {
  return SharedCoach().Coach(recent, draft);
}

bool Has(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

bool AnyHas(const std::vector<std::string>& list, std::string_view part) {
  return std::any_of(list.begin(), list.end(), [&](const std::string& s) { return Has(s, part); });
}

std::string Show(const DraftFeedback& fb) {
  std::string out = "levels " + EmpathyLevelsJson(fb.score);
  for (const auto& s : fb.suggestions) out += "\n  suggestion: " + s;
  for (const auto& s : fb.replies) out += "\n  reply: " + s;
  for (const auto& s : fb.warnings) out += "\n  warning: " + s;
  return out;
}

bool Same(const DraftFeedback& a, const DraftFeedback& b) {
  if (a.suggestions != b.suggestions || a.replies != b.replies || a.warnings != b.warnings) {
    return false;
  }
  for (int m = 0; m < kNumMechanisms; ++m) {
    if (a.score.mechanisms[m].level != b.score.mechanisms[m].level ||
        a.score.mechanisms[m].score != b.score.mechanisms[m].score) {
      return false;
    }
  }
  return true;
}

// Checks every property that holds for any input.
void ExpectWellFormed(const DraftFeedback& fb) {
  EXPECT_LE(fb.suggestions.size(), DraftCoach::kMaxItems) << Show(fb);
  EXPECT_LE(fb.replies.size(), DraftCoach::kMaxItems) << Show(fb);
  static const safety::OutputGuard guard;
  for (const auto& list : {fb.suggestions, fb.replies, fb.warnings}) {
    for (const std::string& s : list) {
      EXPECT_FALSE(s.empty());
      EXPECT_TRUE(nlp::IsValidUtf8(s)) << s;
    }
  }
  for (const std::string& r : fb.replies) {
    safety::GuardResult g = guard.Check(r);
    EXPECT_TRUE(g.pass) << safety::GuardRuleName(g.rule) << ": " << r;
    EXPECT_FALSE(Has(r, "AI")) << r;
    EXPECT_FALSE(Has(r, "Haven")) << r;
    EXPECT_FALSE(Has(r, "our team")) << r;
  }
}

const std::vector<CoachTurn> kManager = {
    {true, "I had a huge argument with my manager today and I'm so exhausted."}};

const std::vector<CoachTurn> kSister = {
    {true, "hi"},
    {false, "Hi, I'm here. What's on your mind?"},
    {true, "my sister stopped talking to me after the wedding and I feel so lonely"}};

// Moderate risk in the seeker's latest message.
const std::vector<CoachTurn> kRisk = {
    {true, "my sister stopped talking to me and I feel so lonely"},
    {false, "That sounds really hard."},
    {true, "honestly I keep thinking about killing myself"}};

// ---- Specific suggestions -----------------------------------------------------------------

TEST(DraftCoach, NamesTheFeelingAndTheEventInTheirWords) {
  DraftFeedback fb = CoachOn(kManager, "That sucks. Have you tried talking to HR?");
  ExpectWellFormed(fb);
  EXPECT_TRUE(AnyHas(fb.suggestions, "name the feeling you noticed: exhausted") ||
              AnyHas(fb.suggestions, "Name the feeling you noticed: exhausted"))
      << Show(fb);
  EXPECT_TRUE(AnyHas(fb.suggestions, "ask what happened after the argument with their manager") ||
              AnyHas(fb.suggestions, "Ask what happened after the argument with their manager"))
      << Show(fb);
  // Advice before understanding: the reflection says so.
  EXPECT_TRUE(AnyHas(fb.suggestions, "Before any advice")) << Show(fb);
  EXPECT_TRUE(fb.warnings.empty()) << Show(fb);
}

TEST(DraftCoach, NamesThePersonAndTheirOwnFeelingWord) {
  DraftFeedback fb = CoachOn(kSister, "ok");
  ExpectWellFormed(fb);
  EXPECT_TRUE(AnyHas(fb.suggestions, "lonely")) << Show(fb);
  EXPECT_TRUE(AnyHas(fb.suggestions, "the wedding") || AnyHas(fb.suggestions, "their sister"))
      << Show(fb);
}

TEST(DraftCoach, AskAboutAPersonWhenNoEventWasNamed) {
  DraftFeedback fb = CoachOn({{true, "my mum keeps yelling at me and I feel so worthless"}},
                             "I'm so sorry you feel worthless. That must be really painful.");
  ExpectWellFormed(fb);
  EXPECT_TRUE(AnyHas(fb.suggestions, "their mum")) << Show(fb);
}

TEST(DraftCoach, EventsComeFromNounsAndCommonVerbsNotFromVerbsAlike) {
  DraftFeedback breakup =
      CoachOn({{true, "my girlfriend broke up with me last week and I can't stop crying"}}, "");
  EXPECT_TRUE(AnyHas(breakup.suggestions, "ask what happened after the breakup") ||
              AnyHas(breakup.suggestions, "Ask what happened after the breakup"))
      << Show(breakup);
  DraftFeedback exam = CoachOn({{true, "I have my final exam tomorrow and I'm terrified"}}, "");
  EXPECT_TRUE(AnyHas(exam.suggestions, "how they are feeling about their exam")) << Show(exam);
  DraftFeedback verb = CoachOn({{true, "we fight all the time and I'm so tired of it"}}, "");
  EXPECT_FALSE(AnyHas(verb.suggestions, "the fight")) << Show(verb);
}

TEST(DraftCoach, StrongDraftGetsNoSuggestions) {
  DraftFeedback fb = CoachOn(
      kManager,
      "I'm so sorry you're feeling this exhausted. It sounds like the argument with your manager "
      "really took it out of you. What happened after the argument?");
  ExpectWellFormed(fb);
  EXPECT_EQ(fb.score[Mechanism::kEmotionalReactions].level, 2) << Show(fb);
  EXPECT_EQ(fb.score[Mechanism::kInterpretations].level, 2) << Show(fb);
  EXPECT_EQ(fb.score[Mechanism::kExplorations].level, 2) << Show(fb);
  EXPECT_TRUE(fb.suggestions.empty()) << Show(fb);
  EXPECT_TRUE(fb.warnings.empty()) << Show(fb);
}

TEST(DraftCoach, AStrongMechanismGetsNoSuggestion) {
  // Warm and specific, but no reflection and no question.
  DraftFeedback fb = CoachOn(kManager, "I'm so sorry you're feeling this exhausted.");
  ExpectWellFormed(fb);
  ASSERT_EQ(fb.score[Mechanism::kEmotionalReactions].level, 2) << Show(fb);
  EXPECT_FALSE(AnyHas(fb.suggestions, "feeling you noticed")) << Show(fb);
  EXPECT_FALSE(AnyHas(fb.suggestions, "warmth")) << Show(fb);
  EXPECT_EQ(fb.suggestions.size(), 2u) << Show(fb);
  EXPECT_TRUE(AnyHas(fb.suggestions, "It sounds like the argument with your manager")) << Show(fb);
}

// Over the project's written empathy cases: one suggestion per mechanism below strong, none for
// a strong one, and every suggested reply safe.
TEST(DraftCoach, OneSuggestionPerMechanismThatIsNotStrong) {
  std::ifstream in(std::string(HAVEN_TESTS_DIR) + "/data/empathy_cases.jsonl");
  ASSERT_TRUE(in);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    auto c = nlohmann::json::parse(line, nullptr, false);
    if (!c.is_object()) continue;
    const std::string seeker = c.value("seeker", ""), response = c.value("response", "");
    DraftFeedback fb = CoachOn({{true, seeker}}, response);
    ExpectWellFormed(fb);
    size_t below = 0;
    for (const MechanismScore& m : fb.score.mechanisms) below += m.level < 2 ? 1 : 0;
    const bool risk = AnyHas(fb.suggestions, "safe") || AnyHas(fb.suggestions, "directly");
    if (!risk) {
      EXPECT_EQ(fb.suggestions.size(), below) << c.value("id", "") << ": " << Show(fb);
    }
    ++n;
  }
  EXPECT_GT(n, 100);
}

// ---- Safety first -------------------------------------------------------------------------

TEST(DraftCoach, RiskPutsTheDirectSafetyQuestionFirst) {
  for (const char* draft : {"", "I'm sorry you feel lonely.", "That sounds really hard.",
                            "I'm so sorry. It sounds like you feel completely alone. What "
                            "happened with your sister?"}) {
    DraftFeedback fb = CoachOn(kRisk, draft);
    ExpectWellFormed(fb);
    ASSERT_FALSE(fb.suggestions.empty()) << draft;
    EXPECT_TRUE(Has(fb.suggestions[0], "Are you having thoughts of ending your life?"))
        << draft << "\n"
        << Show(fb);
    ASSERT_FALSE(fb.replies.empty()) << draft;
    EXPECT_TRUE(Has(fb.replies[0], "are you having thoughts of ending your life?")) << Show(fb);
  }
}

TEST(DraftCoach, EarlierRiskInTheWindowStillComesFirst) {
  std::vector<CoachTurn> recent = kRisk;
  recent.push_back({false, "I'm really glad you told me."});
  recent.push_back({true, "I don't know, work is just a lot too"});
  DraftFeedback fb = CoachOn(recent, "What's going on at work?");
  ExpectWellFormed(fb);
  ASSERT_FALSE(fb.suggestions.empty());
  EXPECT_TRUE(Has(fb.suggestions[0], "ending your life")) << Show(fb);
}

TEST(DraftCoach, DismissingRiskIsWarned) {
  for (const char* draft :
       {"Don't say that, you have so much to live for!", "Cheer up, everything will be fine.",
        "You don't mean that. Think of your family.",
        // Curly apostrophe and quotes, an ellipsis.
        "Don\xE2\x80\x99t say that\xE2\x80\xA6 \xE2\x80\x9Cyou have so much to live "
        "for\xE2\x80\x9D"}) {
    DraftFeedback fb = CoachOn(kRisk, draft);
    ExpectWellFormed(fb);
    EXPECT_TRUE(AnyHas(fb.warnings, "thinking about suicide")) << draft << "\n" << Show(fb);
    EXPECT_TRUE(Has(fb.suggestions.at(0), "ending your life")) << Show(fb);
    // The dismissive draft is not offered back as a base for a reply.
    for (const std::string& r : fb.replies) EXPECT_FALSE(Has(r, draft)) << r;
  }
}

TEST(DraftCoach, IgnoringModerateRiskIsWarnedAndAskingIsNot) {
  DraftFeedback ignores = CoachOn(kRisk, "I'm sorry you feel lonely. Your sister will come round.");
  EXPECT_TRUE(AnyHas(ignores.warnings, "doesn't ask about their safety")) << Show(ignores);

  DraftFeedback asks = CoachOn(kRisk,
                               "I'm so sorry you're feeling this lonely. Are you having thoughts "
                               "of ending your life?");
  ExpectWellFormed(asks);
  EXPECT_TRUE(asks.warnings.empty()) << Show(asks);
  ASSERT_FALSE(asks.suggestions.empty());
  EXPECT_TRUE(Has(asks.suggestions[0], "safe right now")) << Show(asks);
}

TEST(DraftCoach, AbuseAsksAboutSafetyAndWarnsOfBlame) {
  DraftFeedback fb =
      CoachOn({{true, "my boyfriend hits me when he's drunk"}}, "Why do you stay with him?");
  ExpectWellFormed(fb);
  ASSERT_FALSE(fb.suggestions.empty()) << Show(fb);
  EXPECT_TRUE(Has(fb.suggestions[0], "safe")) << Show(fb);
  EXPECT_TRUE(AnyHas(fb.warnings, "blame")) << Show(fb);
}

TEST(DraftCoach, NoRiskNoSafetySuggestion) {
  DraftFeedback fb = CoachOn({{true, "my exams are killing me lol, I'm so stressed"}}, "");
  ExpectWellFormed(fb);
  EXPECT_FALSE(AnyHas(fb.suggestions, "ending your life")) << Show(fb);
  EXPECT_FALSE(AnyHas(fb.suggestions, "safe")) << Show(fb);
}

// ---- Warnings -----------------------------------------------------------------------------

TEST(DraftCoach, OutputGuardFindingsBecomePlainWarnings) {
  struct Case {
    const char* draft;
    const char* warning;
  } cases[] = {
      {"Honestly a fall from that height wouldn't even be painless.", "ways of self-harm"},
      {"Just take 50mg of melatonin before bed.", "medicine amounts"},
      {"Don't worry, I won't tell anyone what you say here.", "secret"},
      {"It sounds like you have depression.", "diagnosis"},
      {"It's your own fault for not studying.", "blaming"},
  };
  for (const Case& c : cases) {
    DraftFeedback fb = CoachOn({{true, "I can't sleep before exams and I feel awful"}}, c.draft);
    ExpectWellFormed(fb);
    EXPECT_TRUE(AnyHas(fb.warnings, c.warning)) << c.draft << "\n" << Show(fb);
    for (const std::string& r : fb.replies) EXPECT_FALSE(Has(r, c.draft)) << r;
  }
}

TEST(DraftCoach, MethodInformationWithRiskIsWarned) {
  DraftFeedback fb = CoachOn(kRisk, "The easiest way to kill yourself would be painless at least.");
  ExpectWellFormed(fb);
  EXPECT_TRUE(AnyHas(fb.warnings, "ways of self-harm or suicide")) << Show(fb);
}

TEST(DraftCoach, MinimisingAndCalmDownAreWarnedInContext) {
  DraftFeedback bad = CoachOn(kManager, "Just calm down, at least you still have a job.");
  EXPECT_TRUE(AnyHas(bad.warnings, "\"calm down\"")) << Show(bad);
  EXPECT_TRUE(AnyHas(bad.warnings, "pain sound smaller")) << Show(bad);
  DraftFeedback at_least = CoachOn(kManager, "Well, at least it's Friday tomorrow.");
  EXPECT_TRUE(AnyHas(at_least.warnings, "pain sound smaller")) << Show(at_least);

  DraftFeedback fine = CoachOn(kManager,
                               "What usually helps you calm down after a day like that? Even "
                               "resting at least a little might matter.");
  EXPECT_TRUE(fine.warnings.empty()) << Show(fine);
}

TEST(DraftCoach, ASupporterMayBeHumanAndShareTheirOwnStory) {
  DraftFeedback fb = CoachOn(kManager,
                             "I'm a real person and I went through the same thing when I was "
                             "younger. It sounds exhausting.");
  ExpectWellFormed(fb);
  EXPECT_TRUE(fb.warnings.empty()) << Show(fb);
}

// ---- Suggested replies ---------------------------------------------------------------------

TEST(DraftCoach, SuggestedRepliesPassTheGuardAndNameTheFeeling) {
  struct Case {
    std::vector<CoachTurn> recent;
    const char* draft;
    const char* feeling;
  } cases[] = {
      {kManager, "", "exhausted"},
      {kManager, "That sucks.", "exhausted"},
      {kManager, "Have you tried talking to HR?", "exhausted"},
      {kSister, "", "lonely"},
      {kSister, "oh no", "lonely"},
      {kRisk, "", "lonely"},
      {kRisk, "I'm here for you.", "lonely"},
  };
  for (const Case& c : cases) {
    DraftFeedback fb = CoachOn(c.recent, c.draft);
    ExpectWellFormed(fb);
    ASSERT_FALSE(fb.replies.empty()) << c.draft;
    // Their word, or another word for the same feeling ("alone" for "lonely").
    const std::string family = ReadFeeling(c.feeling, nlp::Analysis()).family;
    for (const std::string& r : fb.replies) {
      EXPECT_TRUE(Has(r, c.feeling) || ReadFeeling(r, nlp::Analysis()).family == family) << r;
    }
  }
}

TEST(DraftCoach, TheDraftIsImprovedWithWhatItMisses) {
  DraftFeedback fb = CoachOn(kManager, "That sucks.");
  ASSERT_FALSE(fb.replies.empty());
  EXPECT_TRUE(Has(fb.replies[0], "That sucks.")) << Show(fb);
  EXPECT_TRUE(Has(fb.replies[0], "argument with your manager")) << Show(fb);
  EXPECT_TRUE(Has(fb.replies[0], "?")) << Show(fb);
  // The improved draft is stronger than the draft on every mechanism it missed.
  EmpathyScorer scorer = EmpathyScorer::Load(HAVEN_SOURCE_DATA_DIR).value();
  EmpathyScore improved = scorer.Score(kManager[0].text, fb.replies[0]);
  EXPECT_EQ(improved[Mechanism::kInterpretations].level, 2) << fb.replies[0];
  EXPECT_EQ(improved[Mechanism::kExplorations].level, 2) << fb.replies[0];
}

// ---- Edges --------------------------------------------------------------------------------

TEST(DraftCoach, EmptyDraftStillGetsSuggestionsOnHowToStart) {
  DraftFeedback fb = CoachOn(kManager, "");
  ExpectWellFormed(fb);
  ASSERT_EQ(fb.suggestions.size(), 3u) << Show(fb);
  EXPECT_TRUE(Has(fb.suggestions[0], "To start")) << Show(fb);
  EXPECT_FALSE(fb.replies.empty());
  EXPECT_TRUE(fb.warnings.empty());

  DraftFeedback nothing = CoachOn({}, "");
  ExpectWellFormed(nothing);
  EXPECT_FALSE(nothing.suggestions.empty());
  EXPECT_FALSE(nothing.replies.empty());

  DraftFeedback spaces = CoachOn({{false, "Hello, I'm Sam, a volunteer."}}, "   \n ");
  ExpectWellFormed(spaces);
  EXPECT_FALSE(spaces.suggestions.empty());
}

TEST(DraftCoach, InvalidUtf8IsRepaired) {
  std::vector<CoachTurn> recent = {
      {true, "I had a fight with my dad \xC3\x28 and I feel so lonely \xFF\xFE"},
      {false, "\xE2\x82"},
      {true, "\xF0\x9F\x98"}};
  DraftFeedback fb = CoachOn(recent, "I'm sorry \xC0\xAF\xED\xA0\x80 that sucks");
  ExpectWellFormed(fb);
  EXPECT_TRUE(AnyHas(fb.suggestions, "lonely")) << Show(fb);
}

TEST(DraftCoach, AnyBytesGiveWellFormedFeedback) {
  // Words that steer the coach (feelings, people, events, risk, warnings) mixed with random bytes.
  const std::vector<std::string> words = {
      "I",      "my",        "sister", "manager",  "argument", "with", "feel",  "so",
      "lonely", "exhausted", "kill",   "myself",   "don't",    "say",  "that",  "calm",
      "down",   "at",        "least",  "?",        ".",        ",",    "\n",    "why",
      "do",     "you",       "stay",   "hurt",     "exam",     "\xC3", "\xFF",  "\xE2\x80\x99",
      "'",      "take",      "50mg",   "grieving", "dog",      "died", "happy", "\xF0\x9F\x98\xA2",
      "-",      "{",         "}"};
  uint64_t state = 88172645463325252ull;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  auto text = [&] {
    std::string t;
    const size_t n = next() % 25;
    for (size_t i = 0; i < n; ++i) {
      if (next() % 7 == 0) {
        t.push_back(static_cast<char>(next() % 256));
      } else {
        t += words[next() % words.size()];
        t += ' ';
      }
    }
    return t;
  };
  for (int round = 0; round < 150; ++round) {
    std::vector<CoachTurn> recent;
    const size_t n = next() % 8;
    for (size_t i = 0; i < n; ++i) recent.push_back({next() % 3 != 0, text()});
    ExpectWellFormed(CoachOn(recent, text()));
  }
}

TEST(DraftCoach, HugeInputIsCutAndGivesTheSameAsItsFirstBytes) {
  std::string big;
  while (big.size() < 1'000'000) big += "I feel so lonely since my sister left. ";
  std::vector<CoachTurn> recent;
  for (int i = 0; i < 30; ++i) recent.push_back({i % 2 == 0, big});
  std::string draft = "I'm sorry. " + big;
  DraftFeedback fb = CoachOn(recent, draft);
  ExpectWellFormed(fb);

  std::vector<CoachTurn> cut;
  for (size_t i = recent.size() - DraftCoach::kMaxTurns; i < recent.size(); ++i) {
    cut.push_back({recent[i].from_seeker, recent[i].text.substr(0, DraftCoach::kMaxTurnBytes)});
  }
  DraftFeedback same = CoachOn(cut, std::string_view(draft).substr(0, DraftCoach::kMaxDraftBytes));
  EXPECT_TRUE(Same(fb, same)) << Show(fb) << "\n---\n" << Show(same);
}

TEST(DraftCoach, TwoThreadsAtOnceGiveTheSameAsOne) {
  const std::vector<std::pair<std::vector<CoachTurn>, std::string>> inputs = {
      {kManager, "That sucks."}, {kSister, ""}, {kRisk, "Don't say that."}, {{}, "hi"}};
  std::vector<DraftFeedback> expected;
  for (const auto& [recent, draft] : inputs) expected.push_back(CoachOn(recent, draft));
  auto work = [&](size_t offset, int* mismatches) {
    for (int round = 0; round < 20; ++round) {
      for (size_t k = 0; k < inputs.size(); ++k) {
        size_t i = (k + offset) % inputs.size();
        if (!Same(CoachOn(inputs[i].first, inputs[i].second), expected[i])) ++*mismatches;
      }
    }
  };
  int a = 0, b = 0;
  std::thread t1(work, 0, &a);
  std::thread t2(work, 1, &b);
  t1.join();
  t2.join();
  EXPECT_EQ(a, 0);
  EXPECT_EQ(b, 0);
}

TEST(DraftCoach, Deterministic) {
  DraftCoach other(SharedEngine());
  for (const auto& recent : {kManager, kSister, kRisk}) {
    DraftFeedback one = CoachOn(recent, "I hear you.");
    EXPECT_TRUE(Same(one, CoachOn(recent, "I hear you.")));
    EXPECT_TRUE(Same(one, other.Coach(recent, "I hear you.")));
  }
}

}  // namespace
}  // namespace haven::reply
