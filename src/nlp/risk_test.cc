#include "nlp/risk.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace haven::nlp {
namespace {

class RiskTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto detector = RiskDetector::Create();
    ASSERT_TRUE(detector.ok()) << detector.status().message();
    detector_ = new RiskDetector(std::move(detector).value());
    auto normalizer = Normalizer::Load(HAVEN_SOURCE_DATA_DIR);
    normalizer_ =
        normalizer.ok() ? new Normalizer(std::move(normalizer).value()) : new Normalizer();
  }
  static void TearDownTestSuite() {
    delete detector_;
    delete normalizer_;
    detector_ = nullptr;
    normalizer_ = nullptr;
  }

  static Risk R(std::string_view text) { return detector_->Assess(normalizer_->Normalize(text)); }
  static RiskLevel L(std::string_view text) { return R(text).level; }
  static bool HasCategory(const Risk& r, RiskCategory c) {
    return std::find(r.categories.begin(), r.categories.end(), c) != r.categories.end();
  }
  static bool HasSignal(const Risk& r, std::string_view signal) {
    return std::any_of(r.evidence.begin(), r.evidence.end(),
                       [&](const RiskEvidence& e) { return e.signal == signal; });
  }

  static RiskDetector* detector_;
  static Normalizer* normalizer_;
};
RiskDetector* RiskTest::detector_ = nullptr;
Normalizer* RiskTest::normalizer_ = nullptr;

TEST_F(RiskTest, EmptyAndNeutralAreNone) {
  EXPECT_EQ(L(""), RiskLevel::kNone);
  EXPECT_EQ(L("hello there, how are you?"), RiskLevel::kNone);
  Risk r = R("what a lovely day");
  EXPECT_EQ(r.score, 0.0);
  EXPECT_TRUE(r.categories.empty());
  EXPECT_TRUE(r.evidence.empty());
}

TEST_F(RiskTest, LadderOfLevels) {
  EXPECT_EQ(L("i wish i could sleep forever"), RiskLevel::kLow);
  EXPECT_EQ(L("everyone would be better off without me"), RiskLevel::kLow);
  EXPECT_EQ(L("i want to kill myself"), RiskLevel::kModerate);
  EXPECT_EQ(L("i keep thinking about suicide"), RiskLevel::kModerate);
  EXPECT_EQ(L("i want to cut again"), RiskLevel::kModerate);
  EXPECT_EQ(L("i'm going to kill myself tonight"), RiskLevel::kHigh);
  EXPECT_EQ(L("i have the pills right here"), RiskLevel::kHigh);
  EXPECT_EQ(L("wrote my note"), RiskLevel::kHigh);
  EXPECT_EQ(L("i just took 30 pills"), RiskLevel::kImminent);
  EXPECT_EQ(L("i'm standing on the bridge right now"), RiskLevel::kImminent);
}

TEST_F(RiskTest, ChatSpellings) {
  EXPECT_GE(L("i wanna kms"), RiskLevel::kModerate);
  EXPECT_GE(L("thinking about sewerslide again"), RiskLevel::kModerate);
  EXPECT_GE(L("gonna ctb tonight"), RiskLevel::kHigh);
  EXPECT_GE(L("wanna unalive myself fr"), RiskLevel::kModerate);
  EXPECT_GE(L("IM SO SUICIDAL RN"), RiskLevel::kModerate);
}

TEST_F(RiskTest, CensoredAndMisspelled) {
  EXPECT_GE(L("i want to k*ll myself"), RiskLevel::kModerate);
  EXPECT_GE(L("su*cidal again"), RiskLevel::kModerate);
  EXPECT_GE(L("i want to d!e"), RiskLevel::kModerate);
  EXPECT_GE(L("ive been so suicidial lately"), RiskLevel::kModerate);
  EXPECT_GE(L("i want 2 die"), RiskLevel::kModerate);
}

TEST_F(RiskTest, EvidenceSpansAreValidOnTheDevelopmentSet) {
  std::ifstream in(std::string(HAVEN_TESTS_DIR) + "/data/risk_dev.jsonl");
  ASSERT_TRUE(in);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::string text = nlohmann::json::parse(line)["text"];
    Risk r = R(text);
    EXPECT_GE(r.score, 0.0);
    EXPECT_LE(r.score, 1.0);
    EXPECT_TRUE(std::is_sorted(r.categories.begin(), r.categories.end()));
    if (r.level >= RiskLevel::kLow) {
      EXPECT_FALSE(r.evidence.empty()) << text;
    }
    for (const auto& e : r.evidence) {
      EXPECT_LE(e.span.start, e.span.end);
      EXPECT_LE(e.span.end, text.size());
      EXPECT_FALSE(e.signal.empty());
    }
  }
}

TEST_F(RiskTest, ImminentNeedsNoContext) {
  EXPECT_EQ(L("im about to jump"), RiskLevel::kImminent);
  EXPECT_EQ(L("the rope is around my neck"), RiskLevel::kImminent);
  EXPECT_EQ(L("i cut too deep and it won't stop bleeding"), RiskLevel::kImminent);
  // Someone else's emergency is not the writer's own risk, but it is flagged.
  Risk r = R("my roommate took a bunch of pills and won't wake up");
  EXPECT_EQ(r.level, RiskLevel::kNone);
  EXPECT_TRUE(HasCategory(r, RiskCategory::kThirdParty));
}

TEST_F(RiskTest, FigurativeIsNone) {
  for (const char* text :
       {"this exam is killing me", "i'm dead 😂", "i could kill for a coffee",
        "my feet are killing me", "dying to see it", "kill the lights", "that joke killed",
        "we watched suicide squad", "cut the cake", "shoot me a text",
        "this homework makes me want to kms lol", "i want to dye my hair pink",
        "mom's cooking is to die for", "i'd rather die than wear crocs lol"}) {
    Risk r = R(text);
    EXPECT_EQ(r.level, RiskLevel::kNone) << text;
  }
}

TEST_F(RiskTest, DenialHypotheticalAndTopicAreNone) {
  for (const char* text : {"i would never kill myself", "i'm not suicidal, just tired",
                           "not that i would ever kill myself but this week sucks",
                           "if i ever felt suicidal what number should i call",
                           "i'm writing an essay on suicide prevention",
                           "the lyrics go \"i don't wanna live forever\""}) {
    EXPECT_EQ(L(text), RiskLevel::kNone) << text;
  }
  EXPECT_TRUE(HasSignal(R("i would never kill myself"), "denial"));
}

TEST_F(RiskTest, ThirdPartyIsNoneWithCategory) {
  Risk r = R("my friend says she wants to die");
  EXPECT_EQ(r.level, RiskLevel::kNone);
  EXPECT_TRUE(HasCategory(r, RiskCategory::kThirdParty));
  EXPECT_TRUE(
      HasCategory(R("my brother told me he's been cutting himself"), RiskCategory::kThirdParty));
}

TEST_F(RiskTest, PastIsLow) {
  EXPECT_EQ(L("i used to cut when i was 15"), RiskLevel::kLow);
  EXPECT_EQ(L("i tried to kill myself years ago"), RiskLevel::kLow);
  EXPECT_EQ(L("i used to cut and now the urges are back"), RiskLevel::kModerate);
  EXPECT_GE(L("i tried to kill myself last night"), RiskLevel::kHigh);
}

TEST_F(RiskTest, BuriedRiskInALongPost) {
  std::string text =
      "so today was a lot. work was busy and my manager yelled at me and then i missed the "
      "bus. got home and my roommate ate my leftovers again. honestly i keep thinking about "
      "killing myself and i don't know who to tell. anyway i watched some youtube and slept";
  Risk r = R(text);
  EXPECT_EQ(r.level, RiskLevel::kModerate);
  ASSERT_FALSE(r.evidence.empty());
  bool found = false;
  for (const auto& e : r.evidence) {
    ASSERT_LE(e.span.end, text.size());
    std::string_view piece(text.data() + e.span.start, e.span.end - e.span.start);
    if (piece.find("killing myself") != std::string_view::npos) found = true;
  }
  EXPECT_TRUE(found);
}

TEST_F(RiskTest, CategoriesBeyondSuicide) {
  EXPECT_TRUE(HasCategory(R("my dad hits me when he's drunk"), RiskCategory::kAbuse));
  EXPECT_TRUE(
      HasCategory(R("i want to kill my stepdad for what he did"), RiskCategory::kHarmToOthers));
  EXPECT_TRUE(HasCategory(R("relapsed on heroin again"), RiskCategory::kSubstance));
  Risk od = R("i swallowed a bunch of pills and i'm starting to feel dizzy");
  EXPECT_EQ(od.level, RiskLevel::kImminent);
  EXPECT_TRUE(HasCategory(od, RiskCategory::kMedical));
  EXPECT_TRUE(HasCategory(od, RiskCategory::kSuicide));
  Risk sh = R("i cut myself last night");
  EXPECT_TRUE(HasCategory(sh, RiskCategory::kSelfHarm));
}

TEST_F(RiskTest, ScoreIsMonotoneWithLevel) {
  const char* texts[] = {"nice weather", "i wish i was never born", "i want to die",
                         "i have a plan to end it", "i just took 30 pills"};
  double prev = -1.0;
  for (const char* t : texts) {
    Risk r = R(t);
    EXPECT_GE(r.score, 0.0);
    EXPECT_LE(r.score, 1.0);
    EXPECT_GT(r.score, prev) << t;
    prev = r.score;
  }
}

TEST_F(RiskTest, HostileInputIsHandled) {
  std::string junk = "\xff\xfe kill myself \xc0\x80";
  Risk r = R(junk);
  EXPECT_GE(r.level, RiskLevel::kModerate);
  std::string huge(200000, 'a');
  huge += " i want to die";
  EXPECT_GE(L(huge), RiskLevel::kModerate);
  std::string many;
  for (int i = 0; i < 3000; ++i) many += "kill myself. ";
  EXPECT_GE(L(many), RiskLevel::kModerate);
}

TEST_F(RiskTest, ThreadSafe) {
  std::vector<std::thread> threads;
  std::vector<int> bad(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &bad] {
      for (int i = 0; i < 200; ++i) {
        if (L("i want to kill myself") != RiskLevel::kModerate) ++bad[t];
        if (L("this exam is killing me") != RiskLevel::kNone) ++bad[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int b : bad) EXPECT_EQ(b, 0);
}

// Speed is measured by bench/analyze_bench.cc (BM_Risk), never by a timed test.

TEST_F(RiskTest, WarningSignsInEverydayWords) {
  // Ingestion and places: an attempt under way.
  EXPECT_EQ(L("just took the whole pack. i'm scared now"), RiskLevel::kImminent);
  EXPECT_EQ(L("swallowed my entire prescription just now"), RiskLevel::kImminent);
  // Quantities people say of pills ("a load of", "a whole packet of"), not only numbers.
  EXPECT_EQ(L("I took a load of pills an hour ago"), RiskLevel::kImminent);
  EXPECT_EQ(L("just swallowed a whole packet of paracetamol"), RiskLevel::kImminent);
  EXPECT_EQ(L("took a strip of my sleeping tablets"), RiskLevel::kImminent);
  EXPECT_GE(L("on the ledge. counting to ten"), RiskLevel::kHigh);
  EXPECT_GE(L("climbing over the railing now"), RiskLevel::kHigh);
  // Strong preparation alone.
  EXPECT_GE(L("wrote down who gets my guitar"), RiskLevel::kHigh);
  EXPECT_GE(L("left a letter for my mum to find"), RiskLevel::kHigh);
  EXPECT_GE(L("i've been researching methods all night"), RiskLevel::kHigh);
  // Two weak signs together; one alone is ordinary.
  EXPECT_GE(L("cancelled my phone contract and deleted my socials. tying up loose ends"),
            RiskLevel::kHigh);
  EXPECT_GE(L("bought a rope today. not sure when yet"), RiskLevel::kHigh);
  EXPECT_EQ(L("cancelled my phone contract, switching to a cheaper one"), RiskLevel::kNone);
  // Farewells.
  EXPECT_GE(L("this is my last message. goodbye x"), RiskLevel::kHigh);
  EXPECT_EQ(L("kms rn. bye"), RiskLevel::kImminent);
  // The rubric's convention: "don't want to be here anymore" is moderate.
  EXPECT_EQ(L("i dont want to be here anymore"), RiskLevel::kModerate);
  // Self-harm slang.
  EXPECT_EQ(L("ive been sh-ing every day this week"), RiskLevel::kModerate);
  EXPECT_TRUE(HasCategory(R("relapsed again last night"), RiskCategory::kSelfHarm));
  EXPECT_FALSE(HasCategory(R("relapsed with alcohol last night"), RiskCategory::kSelfHarm));
  // A ligature fixed to a hanging point; poisons by their everyday names.
  EXPECT_GE(L("i tied the rope to the beam"), RiskLevel::kHigh);
  EXPECT_GE(L("the belt is hung from the banister"), RiskLevel::kHigh);
  EXPECT_TRUE(HasSignal(R("tied a cord to the loft hatch"), "means_access"));
  EXPECT_FALSE(HasSignal(R("tied the rope to the tree for the swing"), "means_access"));
  EXPECT_EQ(L("I drank the weedkiller"), RiskLevel::kImminent);
  EXPECT_TRUE(HasCategory(R("I drank the weedkiller"), RiskCategory::kMedical));
  // Self-harm as a habit, said the way people say it ("cutting on myself").
  for (const char* text : {"I usually start cutting on myself when I get too depressed",
                           "I start cutting when I get too depressed", "i cut on myself",
                           "I always start cutting when I feel like this"}) {
    EXPECT_EQ(L(text), RiskLevel::kModerate) << text;
    EXPECT_TRUE(HasCategory(R(text), RiskCategory::kSelfHarm)) << text;
  }
  for (const char* text : {"I start cutting the onions when the oil is hot",
                           "I usually start cutting the grass in April",
                           "it starts cutting out when I turn the heater on"}) {
    EXPECT_EQ(L(text), RiskLevel::kNone) << text;
  }
}

TEST_F(RiskTest, OrdinaryLookAlikes) {
  EXPECT_EQ(L("burnt the toast AND the eggs kms. cereal it is"), RiskLevel::kNone);
  EXPECT_LT(L("i want to die, i called my professor mum on zoom"), RiskLevel::kModerate);
  EXPECT_EQ(L("the last time you'll hear from me before the exams, see you in june!"),
            RiskLevel::kNone);
  EXPECT_EQ(L("after 34 years of teaching this is my final goodbye to the staff room"),
            RiskLevel::kNone);
  EXPECT_EQ(L("made a will today now that the baby's here"), RiskLevel::kNone);
  EXPECT_EQ(L("burnt my arm on the oven tray, running it under cold water"), RiskLevel::kNone);
  EXPECT_EQ(L("did a suicide intervention training course today"), RiskLevel::kNone);
  EXPECT_EQ(L("i'm not saying i want to die. i'm saying i want a different job"), RiskLevel::kNone);
  EXPECT_EQ(L("standing on the bridge taking photos of the sunset"), RiskLevel::kNone);
  EXPECT_EQ(L("bought a rope for the climbing wall session tomorrow, so hyped"), RiskLevel::kNone);
  Risk r = R("my bf keeps saying he's gonna kms when we argue");
  EXPECT_EQ(r.level, RiskLevel::kNone);
  EXPECT_TRUE(HasCategory(r, RiskCategory::kThirdParty));
  EXPECT_EQ(L("my wife's been self harming again and she doesn't know i know"), RiskLevel::kNone);
  // An accident stays medical, not self-harm.
  Risk cut = R("cut myself shaving and it wont stop bleeding lol");
  EXPECT_LT(cut.level, RiskLevel::kModerate);
}

// Written comments (GoEmotions) that the rules once read as risk; the real risk beside them stays.
TEST_F(RiskTest, OrdinaryLookAlikesInWrittenComments) {
  for (const char* text : {
           "I'm not sure how to post a picture lol. Here's my attempt.",
           "Give it time. Pain like that needs to heal just like open wounds.",
           "And how long until it breaks and they decide it's not worth repairing?",
           "The entire generations thing needs to die.",
           "That's why imo [NAME] death is better.",
           "FO need to pull the trigger ASAP.",
           "The only thing that stops a bad toddler with a gun is a good toddler with a gun.",
           "Aww, try mindfulness. I think I am going over to that sub now.",
           "Oil Kings game tomorrow is to promote organ donation!!! Come check it out!",
       }) {
    EXPECT_EQ(L(text), RiskLevel::kNone) << text;
  }
  EXPECT_GE(L("i'm going to pull the trigger tonight"), RiskLevel::kHigh);
  EXPECT_GE(L("my last attempt was two years ago"), RiskLevel::kLow);
  EXPECT_GE(L("death is better than this"), RiskLevel::kModerate);
  EXPECT_GE(L("i cut until it bleeds"), RiskLevel::kModerate);
}

// The labelled development set: recall on people at risk first, false alarms second.
TEST_F(RiskTest, DevelopmentSet) {
  std::ifstream in(std::string(HAVEN_TESTS_DIR) + "/data/risk_dev.jsonl");
  ASSERT_TRUE(in) << "tests/data/risk_dev.jsonl missing";
  std::string line;
  int n = 0, at_risk = 0, at_risk_hit = 0, urgent = 0, urgent_hit = 0, nones = 0, false_alarm = 0,
      missed_to_none = 0, exact = 0;
  std::map<std::string, int> rank = {
      {"none", 0}, {"low", 1}, {"moderate", 2}, {"high", 3}, {"imminent", 4}};
  std::string report;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line);
    std::string text = j["text"];
    int gold = rank.at(j["level"].get<std::string>());
    int pred = static_cast<int>(L(text));
    ++n;
    if (gold == pred) ++exact;
    if (gold >= 2) {
      ++at_risk;
      if (pred >= 2) ++at_risk_hit;
      if (pred == 0) ++missed_to_none;
    }
    if (gold >= 3) {
      ++urgent;
      if (pred >= 3) ++urgent_hit;
    }
    if (gold == 0) {
      ++nones;
      if (pred >= 2) ++false_alarm;
    }
    if (gold != pred) {
      report += "  gold " + std::to_string(gold) + " pred " + std::to_string(pred) + "  " +
                j["id"].get<std::string>() + "\n";
    }
  }
  ASSERT_GT(n, 400);
  double recall = static_cast<double>(at_risk_hit) / at_risk;
  double urgent_recall = static_cast<double>(urgent_hit) / urgent;
  double fa = static_cast<double>(false_alarm) / nones;
  std::cout << "risk_dev: n=" << n << " at-risk recall " << recall << " urgent recall "
            << urgent_recall << " false alarms(>=moderate) " << fa << " exact "
            << static_cast<double>(exact) / n << "\n";
  if (std::getenv("HAVEN_RISK_VERBOSE") != nullptr) std::cout << report;
  EXPECT_GE(recall, 0.95);
  EXPECT_GE(urgent_recall, 0.90);
  EXPECT_LE(fa, 0.05);
  EXPECT_EQ(missed_to_none, 0);
}

// Denial of one thing is not denial of another (2026-12-05, from the training batches' misses).
TEST_F(RiskTest, NotSuicidalDoesNotCancelSelfHarm) {
  for (const char* text :
       {"i'm not suicidal, i just cut again last night because i couldn't cope",
        "cut a bit deeper than i meant to tonight. not suicidal before anyone asks",
        "i keep punching my own head when everything gets loud. i don't want to die",
        "i don't want to die, i just burn myself to cope",
        "burned my arm with a lighter in the toilets at school",
        "scratched his initials into my thigh after he dumped me",
        "I burned my hand on the hob on purpose"}) {
    Risk r = R(text);
    EXPECT_EQ(r.level, RiskLevel::kModerate) << text;
    EXPECT_TRUE(HasCategory(r, RiskCategory::kSelfHarm)) << text;
  }
  // Accidents and other people stay what they were.
  EXPECT_EQ(L("burned my hand on the hob making pancakes"), RiskLevel::kNone);
  EXPECT_EQ(L("my brother got punched in the face at the match"), RiskLevel::kNone);
  EXPECT_EQ(L("i'm not suicidal, just tired of my job"), RiskLevel::kNone);
}

TEST_F(RiskTest, WhatTheThoughtsLackIsNotADenial) {
  EXPECT_EQ(L("i have suicidal thoughts but no plan, i just need someone to talk to"),
            RiskLevel::kModerate);
  EXPECT_EQ(L("want to kill myself most days but no intention of acting on it"),
            RiskLevel::kModerate);
  EXPECT_EQ(L("it's so hard to not think about killing myself at night"), RiskLevel::kModerate);
  EXPECT_EQ(L("every day i'm trying not to kill myself"), RiskLevel::kModerate);
  // Plain denials stay denials.
  EXPECT_EQ(L("i would never kill myself, i just hate my job"), RiskLevel::kNone);
  EXPECT_EQ(L("suicidal? no, never. just stressed about money"), RiskLevel::kNone);
}

TEST_F(RiskTest, TabletsTakenAndRegrettedAreAnEmergency) {
  Risk r = R("i took the pills about an hour ago and now i'm scared, i don't want to die");
  EXPECT_EQ(r.level, RiskLevel::kImminent);
  EXPECT_TRUE(HasCategory(r, RiskCategory::kMedical));
  EXPECT_EQ(L("i took them all but now i've changed my mind, what do i do"), RiskLevel::kImminent);
  // Routine medicine is not.
  EXPECT_EQ(L("i took my tablets an hour ago, should i eat first next time?"), RiskLevel::kNone);
}

TEST_F(RiskTest, HowPanicFeelsIsNotAMedicalEmergency) {
  EXPECT_FALSE(HasCategory(R("Sometimes I get so overwhelmed I feel like I can't breathe. Any tips "
                             "for that?"),
                           RiskCategory::kMedical));
  EXPECT_FALSE(HasCategory(R("when I think about exams it feels like I cant breathe"),
                           RiskCategory::kMedical));
  // Breathing trouble now is, and other medical words still count beside the feeling.
  EXPECT_TRUE(HasCategory(R("help I can't breathe my throat is closing"), RiskCategory::kMedical));
  EXPECT_TRUE(
      HasCategory(R("my chest hurts and I feel like I can't breathe"), RiskCategory::kMedical));
  EXPECT_TRUE(HasCategory(R("I took 30 pills and I can't breathe"), RiskCategory::kMedical));
}

TEST_F(RiskTest, WantingToFollowSomeoneWhoDiedIsTheWritersOwn) {
  Risk r = R("my dad died in march and i keep thinking about joining him");
  EXPECT_GE(r.level, RiskLevel::kModerate);
  EXPECT_TRUE(HasCategory(r, RiskCategory::kSuicide));
  EXPECT_GE(L("my best friend killed herself and i want to do the same"), RiskLevel::kModerate);
  EXPECT_EQ(L("my sister starts uni in september and i'm thinking of joining her"),
            RiskLevel::kNone);
}

TEST_F(RiskTest, TheWriterIsNotThePersonTheyGaveSomethingTo) {
  EXPECT_EQ(L("left the dog with my neighbour and took all my pills"), RiskLevel::kImminent);
  EXPECT_EQ(R("my sister took all her pills last night").level, RiskLevel::kNone);
}

TEST_F(RiskTest, SlangThatNamesTheThoughtsIsNotAnInterjection) {
  EXPECT_EQ(L("kms thoughts all day and it's got nothing to do with school"), RiskLevel::kModerate);
  EXPECT_EQ(L("been thinkin bout unalivin myself again"), RiskLevel::kModerate);
}

TEST_F(RiskTest, GivingThingsAwayInSecretIsPreparation) {
  Risk r = R("gave my switch and my games to my cousin, he doesn't know why");
  EXPECT_EQ(r.level, RiskLevel::kHigh);
  EXPECT_TRUE(HasSignal(r, "giving_away"));
  // An ordinary gift is at most low, and shows why.
  Risk gift = R("gave my guitar to my nephew, he's been learning");
  EXPECT_LE(gift.level, RiskLevel::kLow);
  if (gift.level == RiskLevel::kLow) {
    EXPECT_TRUE(HasSignal(gift, "giving_away"));
  }
}

TEST_F(RiskTest, NobodyHavingToWorryAboutMeIsAFarewell) {
  EXPECT_EQ(L("nobody's gonna have to worry about me after friday"), RiskLevel::kHigh);
  EXPECT_EQ(L("no one will have to deal with me anymore"), RiskLevel::kHigh);
  EXPECT_EQ(L("you'll need to deal with me after tonight, i'm so hyper"), RiskLevel::kNone);
}

TEST_F(RiskTest, TheWritersOwnThoughtsAfterSomeoneLeft) {
  EXPECT_EQ(L("he moved out and all i can think about is dying"), RiskLevel::kModerate);
  EXPECT_EQ(R("he keeps saying he wants to die").level, RiskLevel::kNone);
}

TEST_F(RiskTest, ClarifiedOrReportedIsNotAMishap) {
  EXPECT_GE(L("i still think about it every day. ending my life i mean"), RiskLevel::kModerate);
  EXPECT_EQ(L("broke my duolingo streak. sh again last night"), RiskLevel::kModerate);
  EXPECT_EQ(L("walked into a glass door and hurt myself, so embarrassing"), RiskLevel::kNone);
  EXPECT_GE(L("the pills in the drawer, been thinking that's my way out"), RiskLevel::kModerate);
  EXPECT_EQ(L("used a pencil sharpener blade again last night"), RiskLevel::kModerate);
}

TEST_F(RiskTest, SelfDisclosureAndVeiledTiming) {
  // A clinical "episode" is not a TV one.
  EXPECT_EQ(L("deep in a depressive episode, suicidal thoughts every night"), RiskLevel::kModerate);
  EXPECT_EQ(L("the final episode of that drama about suicide wrecked me"), RiskLevel::kNone);
  // Asking whether others feel it is saying it of oneself; hyperbole stays hyperbole.
  EXPECT_EQ(L("does anybody else secretly want to die most mornings? or is it just me"),
            RiskLevel::kModerate);
  EXPECT_EQ(L("anyone else want to die when the wifi drops mid game lol"), RiskLevel::kNone);
  // A departure timed after a family event, so that they have that day first.
  EXPECT_EQ(L("once my son's wedding is done i'm gone. i want him to have that day first"),
            RiskLevel::kHigh);
  EXPECT_EQ(L("after lunch im going, see you later"), RiskLevel::kNone);
}

TEST_F(RiskTest, KeepingBusySoAsNotToHurtOneselfIsTheUrge) {
  EXPECT_EQ(L("need to know what I can do every day to keep me busy from doing other things that "
              "can harm me"),
            RiskLevel::kModerate);
  EXPECT_EQ(L("i play games so i dont do something that could hurt me"), RiskLevel::kModerate);
  // Someone else's doing, or simply keeping busy, is not.
  EXPECT_EQ(L("my boyfriend keeps doing things that hurt me"), RiskLevel::kNone);
  EXPECT_EQ(L("I need something to keep me busy this weekend"), RiskLevel::kNone);
}

// "Ready to go" is readiness to die when it stands alone or goes on to death ("now", "whenever God
// decides"), not when it goes somewhere.
TEST_F(RiskTest, ReadyToGoSomewhereIsNotReadyToDie) {
  EXPECT_EQ(L("Yes, I'm so tired of it! I never thought I'd say this, but I'm ready to go back to "
              "school!"),
            RiskLevel::kNone);
  EXPECT_EQ(L("I think I'm ready to go back to work next week"), RiskLevel::kNone);
  EXPECT_EQ(L("i'm ready to go out tonight, just doing my hair"), RiskLevel::kNone);
  EXPECT_GE(L("i'm ready to go. i've said my goodbyes in my head"), RiskLevel::kModerate);
  EXPECT_GE(L("I'm ready to go whenever God decides"), RiskLevel::kLow);
  EXPECT_GE(L("i've made my peace with god and my family. i'm ready to go now"), RiskLevel::kHigh);
}

// Hopelessness beside another feeling is still hopelessness.
TEST_F(RiskTest, HopelessBesideAnotherFeeling) {
  EXPECT_EQ(L("I've been feeling so low and hopeless"), RiskLevel::kLow);
  EXPECT_EQ(L("i feel tired and worthless all the time"), RiskLevel::kLow);
}

// Chat quotes with apostrophes as often as with double quotes. Someone else's quoted words are
// theirs (third party); the writer's own quoted words, to whoever they were said, are the writer's.
TEST_F(RiskTest, QuotesInApostrophesBelongToTheirSpeaker) {
  for (std::string_view text :
       {"my nephew shouted 'i wish i was dead' when we turned the xbox off. normal at 9?",
        "my flatmate messaged me 'i'm gonna end it all tonight' and isn't picking up",
        "my mate keeps saying 'i want to die' and i don't know what to do",
        "priya texted me 'i can't do this anymore, goodbye' what do i do",
        "my brother told me \"i'm going to kill myself\" after the funeral"}) {
    Risk r = R(text);
    EXPECT_EQ(r.level, RiskLevel::kNone) << text;
    EXPECT_TRUE(HasCategory(r, RiskCategory::kThirdParty)) << text;
  }
  EXPECT_EQ(L("there's a song that goes 'i'm so tired of being alive' and it's stuck in my head"),
            RiskLevel::kNone);
  // The writer's own words: "told my mum" names the one told, not the speaker.
  EXPECT_GE(L("i told my dad 'i want to die' and he just walked off"), RiskLevel::kModerate);
  EXPECT_GE(L("i told my dad \"i want to die\" and he just walked off"), RiskLevel::kModerate);
  EXPECT_GE(L("then i texted him 'i'm going to kill myself tonight'"), RiskLevel::kHigh);
  // Apostrophes that pair with nothing are not quotes.
  EXPECT_GE(L("the kids' toys are everywhere and i want to die"), RiskLevel::kModerate);
  EXPECT_GE(L("'cause i want to die, that's why"), RiskLevel::kModerate);
}

// Denials in more of the words people use; what they do not deny stays.
TEST_F(RiskTest, DenialsInMoreWords) {
  for (std::string_view text :
       {"ending it has honestly never crossed my mind, i'm just worn out by the commute",
        "self harm hasn't ever entered my head, i just need to moan about my landlord",
        "i care about my dog way too much to ever hurt myself, the week's just been rubbish",
        "not in a million years would i end my life, but the rent keeps going up",
        "zero suicidal thoughts here, just bored and lonely since the move",
        "suicide ka khayal nahi aata, bas exams ka tension hai"}) {
    EXPECT_EQ(L(text), RiskLevel::kNone) << text;
  }
  EXPECT_GE(L("i want to die nahi toh kya karu"), RiskLevel::kModerate);  // "otherwise"
  EXPECT_GE(L("main ab aur jeena nahi chahta, thak gaya hoon"), RiskLevel::kModerate);
  EXPECT_GE(L("sach mein mar jaana chahti hoon"), RiskLevel::kModerate);
  EXPECT_GE(L("i'm too much of a coward to kill myself"), RiskLevel::kModerate);
  EXPECT_GE(L("i love him so much and i want to die"), RiskLevel::kModerate);
  EXPECT_GE(L("killing myself crossed my mind again last night"), RiskLevel::kModerate);
  EXPECT_GE(L("ending my life never leaves my mind"), RiskLevel::kModerate);
  EXPECT_GE(L("i have zero reasons to live"), RiskLevel::kLow);
}

// A will or affairs put in order for the ordinary reason the message gives is ordinary; beside
// any other sign of risk it is still preparation.
TEST_F(RiskTest, PreparationWithAnOrdinaryReason) {
  for (std::string_view text :
       {"sorting out my affairs before the hip operation in may, just being sensible",
        "getting my affairs in order before we relocate to dubai next month",
        "updating my will this week, the solicitor nagged me about it"}) {
    Risk r = R(text);
    EXPECT_EQ(r.level, RiskLevel::kNone) << text;
    EXPECT_TRUE(HasSignal(r, "ordinary")) << text;
  }
  EXPECT_GE(L("getting my affairs in order before the operation, honestly hope i don't wake up"),
            RiskLevel::kLow);
  EXPECT_GE(L("updated my will for the solicitor. i won't be around much longer"),
            RiskLevel::kHigh);
  EXPECT_GE(L("put my affairs in order this week"), RiskLevel::kHigh);
  EXPECT_GE(L("sorting my affairs before my op next month, so it's all done for when i'm gone"),
            RiskLevel::kHigh);
}

// Methods, plans and settings in calm words; their everyday neighbours stay none.
TEST_F(RiskTest, CalmWordsForAMethodAPlanAndASetting) {
  EXPECT_GE(L("finally settled on the method. just waiting for the flat to be empty"),
            RiskLevel::kHigh);
  EXPECT_GE(L("i'm gonna save them up and take the lot in one go on friday"), RiskLevel::kHigh);
  EXPECT_GE(L("spent the night googling painless methods again"), RiskLevel::kModerate);
  EXPECT_GE(L("i keep thinking about which way would hurt the least"), RiskLevel::kModerate);
  EXPECT_GE(L("my sister thinks i'm moving abroad. i'm not going anywhere, i just wanted a "
              "proper goodbye"),
            RiskLevel::kHigh);
  EXPECT_GE(L("been paying everything off, getting it all ready for when i'm gone"),
            RiskLevel::kHigh);
  EXPECT_GE(L("the noose is tied to the beam now"), RiskLevel::kHigh);
  EXPECT_GE(L("im standing over the old railway bridge, it's really quiet"), RiskLevel::kHigh);
  EXPECT_GE(L("sat in the garage, the car's been running a while now"), RiskLevel::kImminent);
  EXPECT_GE(L("shot up the lot. feels slow"), RiskLevel::kImminent);
  EXPECT_GE(L("bit my arm until it bled again after the fight"), RiskLevel::kModerate);
  EXPECT_GE(L("every night on the balcony i want to lean over the railing and let go"),
            RiskLevel::kModerate);
  EXPECT_GE(L("i no want live again, everything don tire me"), RiskLevel::kModerate);
  EXPECT_GE(L("gusto ko na lang mamatay, pagod na ako"), RiskLevel::kModerate);
  EXPECT_GE(L("everyone can stop worrying, you won't need to worry abt me after this week"),
            RiskLevel::kHigh);
  for (std::string_view text : {"picked the method for my science project: titration",
                                "can i take all my vitamins at once or should i split them?",
                                "painless ways to take off a plaster? asking for my son",
                                "my mum thinks i'm moving abroad next year, i'm not sure yet",
                                "everything's laid out on the bed for the wedding tomorrow",
                                "tied the rope round the branch for the kids' swing",
                                "the car's been running rough since the garage serviced it",
                                "out in the garage and the car's been running rough all week",
                                "bit my lip till it bled at the dentist, ouch",
                                "don't worry about me anymore, i'm doing much better now"}) {
    EXPECT_EQ(L(text), RiskLevel::kNone) << text;
  }
}

TEST_F(RiskTest, ContextDecidesOrdinaryWordsAndCalmSigns) {
  // Calm words for an act under way, a plan, an intent, in English and Tagalog.
  EXPECT_EQ(L("i turned the gas on and sealed the bedroom door"), RiskLevel::kImminent);
  EXPECT_EQ(L("sliced my arm and it's gushing, can't make it stop"), RiskLevel::kImminent);
  EXPECT_GE(L("gonna try what i did before but properly this time"), RiskLevel::kHigh);
  EXPECT_GE(L("i know where and i know when."), RiskLevel::kHigh);
  EXPECT_GE(L("i'll drive to the coast and walk into the sea and keep walking"), RiskLevel::kHigh);
  EXPECT_GE(L("tatapusin ko na ang buhay ko mamaya"), RiskLevel::kHigh);
  EXPECT_GE(L("salamat sa lahat ng tulong. paalam"), RiskLevel::kHigh);
  EXPECT_GE(L("hiniwa ko ang braso ko kagabi"), RiskLevel::kModerate);
  // Masking is not a hypothetical: "i pretend to be fine".
  EXPECT_GE(L("i pretend to be fine at work then sit in the car thinking about killing myself"),
            RiskLevel::kModerate);
  EXPECT_GE(L("i shed again last night"), RiskLevel::kModerate);
  EXPECT_EQ(L("took the whole packet about an hour ago"), RiskLevel::kImminent);
  EXPECT_GE(L("ok. that's it then. goodbye everyone"), RiskLevel::kHigh);
  EXPECT_GE(L("had tea with my parents. it was the last visit, they don't know it"),
            RiskLevel::kHigh);
  EXPECT_GE(L("it'll be in the car so my dad doesn't have to find me"), RiskLevel::kHigh);
  EXPECT_GE(L("on the viaduct. this time i'm not driving home"), RiskLevel::kHigh);
  // A kitchen or a farm explains a cut, not an overdose or gas.
  EXPECT_EQ(L("took all my pills, sitting on the kitchen floor now"), RiskLevel::kImminent);
  EXPECT_EQ(L("i overdosed, i'm on the farm, nobody's around"), RiskLevel::kImminent);
  EXPECT_EQ(L("i turned the gas on and sealed the kitchen door"), RiskLevel::kImminent);
  EXPECT_LE(L("cut my finger chopping onions, bleeding a lot"), RiskLevel::kLow);
  // The same words in ordinary lives.
  for (std::string_view text :
       {"cut the hedge back before it started pouring down", "the gas is on, tea in ten minutes",
        "salamat sa lahat, see you next week!", "i know how and when to reset the boiler",
        "this is my last message in the group, i'm leaving because of all "
        "the notifications",
        "this is my final message in this chat, i'm leaving the group",
        "on the garage roof getting the kids' ball back, hold the ladder",
        "i shed a few tears at the graduation",
        "built a new shed this weekend, the kids want to paint it",
        "took a whole box of chocolates to work and it was gone by lunch",
        "swallowed half the pool on my first swimming lesson",
        "i know it was right to end it. we're both happier now",
        "writing a goodbye message in tom's leaving card",
        "last message from me tonight, going to bed, early start",
        "that's it then, see you all tomorrow",
        "last call for drinks, they don't know it yet but i'm paying",
        "hid the presents so the kids don't find them"}) {
    EXPECT_EQ(L(text), RiskLevel::kNone) << text;
  }
}

TEST_F(RiskTest, FlatIndirectWordsOfTheLastHours) {
  // Last words, said quietly.
  EXPECT_GE(L("Signing off from everything for good. It was nice knowing you, robot."),
            RiskLevel::kHigh);
  EXPECT_GE(L("this is me saying bye for real"), RiskLevel::kHigh);
  EXPECT_GE(L("ok. its time. bye x"), RiskLevel::kHigh);
  EXPECT_GE(L("done. thank you for everything x"), RiskLevel::kHigh);
  // A final goodbye stays final beside an ordinary "goodnight" or "logging off".
  EXPECT_GE(L("Goodnight. Sorry for the mess I'm leaving."), RiskLevel::kHigh);
  EXPECT_GE(L("logging off for the last time. leaving the games to jay"), RiskLevel::kHigh);
  EXPECT_GE(L("thanks for being the last voice i talk to"), RiskLevel::kHigh);
  EXPECT_GE(L("bye. for real."), RiskLevel::kHigh);
  EXPECT_GE(L("i'm not going to be around for results day so it doesn't matter"), RiskLevel::kHigh);
  EXPECT_GE(L("my phone contract ends on the 20th and so do i"), RiskLevel::kHigh);
  // An attempt done, flatly, with what it does to the body.
  EXPECT_EQ(L("took the lot at 11. cant feel my fingers much"), RiskLevel::kImminent);
  EXPECT_EQ(L("too deep. too deep. its pouring"), RiskLevel::kImminent);
  EXPECT_EQ(L("chair's under the beam and the knot is done. bye"), RiskLevel::kImminent);
  // Research, rehearsal, stockpiling, pretexts.
  EXPECT_GE(L("how many of my venlafaxine would be too many"), RiskLevel::kHigh);
  EXPECT_GE(L("which is quicker, tablets or the insulin? i have both"), RiskLevel::kHigh);
  EXPECT_GE(L("tried the belt on the wardrobe door just to see if it'd hold"), RiskLevel::kHigh);
  EXPECT_GE(L("been keeping back one of my quetiapine every night since august"), RiskLevel::kHigh);
  EXPECT_GE(L("asked my gp for more sleeping tablets and said i'd lost them"), RiskLevel::kHigh);
  EXPECT_GE(L("cleaned the flat so whoever finds me won't have to see a mess"), RiskLevel::kHigh);
  EXPECT_GE(L("booked the cleaner for the day after, so my mum doesn't walk into anything"),
            RiskLevel::kHigh);
  EXPECT_GE(L("I emptied my savings into my son's account and wrote him a letter to open when "
              "he's 18"),
            RiskLevel::kHigh);
  EXPECT_GE(L("I keep wondering what it'd be like to just end everything"), RiskLevel::kModerate);
  EXPECT_GE(L("the blade's back in my pencil case and I used it in the loos today"),
            RiskLevel::kModerate);
  // Laughter beside the weekday of a plan is not hyperbole (laughter still caps the rules at
  // moderate; the learned reader raises it).
  EXPECT_GE(L("gonna ctb on sunday. already picked what im wearing lmao"), RiskLevel::kModerate);
  // The same words in ordinary lives.
  for (std::string_view text : {
           "washing the car and the hose burst lol",
           "wrote my daughter a letter to open when she's 18, it's a tradition in our family",
           "logging off twitter for good, it's bad for my head",
           "which is quicker, the bus or the train?",
           "took the lot to the tip this morning, garage finally empty",
           "I'm in too deep with this show, three seasons in two days",
           "the chair's under the desk, mum",
           "mondays make me want to die lol",
           "goodnight all, logging off, early start",
           "bye for now, logging off",
           "ate so much at the buffet, had everything, feel sick lol",
           "they took everything from the house while we were away, i feel sick",
       }) {
    EXPECT_LE(L(text), RiskLevel::kLow) << text;
  }
}

TEST_F(RiskTest, WhatFlatWordsStillHid) {
  // An overdose told by counting, by the hour or by what is gone, with a symptom or a plea not
  // to be rescued.
  EXPECT_EQ(L("cant feel my fingers much. took them at 11, its nearly 1. not calling anyone"),
            RiskLevel::kImminent);
  EXPECT_EQ(L("ok its done. both boxes of the amitriptyline. feel weird"), RiskLevel::kImminent);
  EXPECT_EQ(L("already did it, the whole box, pls dont call the cops"), RiskLevel::kImminent);
  EXPECT_EQ(L("the sleeping ones and dad's heart ones. all gone now. everything is going slow"),
            RiskLevel::kImminent);
  EXPECT_EQ(L("My heart is going really fast after the tablets. That was the point."),
            RiskLevel::kImminent);
  EXPECT_EQ(L("ya me tomé todas las pastillas bro. no le digas a nadie"), RiskLevel::kImminent);
  // Places named without "i'm on", with what makes them the last place.
  EXPECT_EQ(L("end of platform 3 where it's dark. the fast one doesn't stop here"),
            RiskLevel::kImminent);
  EXPECT_EQ(L("top of the stairwell. window open. shoes off"), RiskLevel::kImminent);
  EXPECT_EQ(L("I'm up on the overpass. can you just talk to me about anything"),
            RiskLevel::kImminent);
  EXPECT_EQ(L("ive driven out to the place i picked. tell the counsellor i tried"),
            RiskLevel::kImminent);
  EXPECT_GE(L("sittin in di car by di river. mi nah come back from dis one"), RiskLevel::kHigh);
  EXPECT_EQ(L("ctb in progress. dont trace me"), RiskLevel::kImminent);
  EXPECT_GE(L("good night forever lol"), RiskLevel::kHigh);
  EXPECT_EQ(L("cut my thigh and it's soaking through my pyjamas"), RiskLevel::kImminent);
  // Self-harm and active thoughts in other words.
  for (std::string_view text : {
           "cigarette burns on my thigh, four now",
           "did a few lines on my hip after the argument",
           "snap the hair band on my wrist till it breaks the skin",
           "day 1 again with the blade",
           "my brain keeps offering death as an option",
           "if there was a button to just stop existing i'd press it",
           "honestly I'm done with being alive",
           "thinking about not waking up, and not in a passive way",
           "tengo ganas de morirme",
           "ayoko na mabuhay",
       }) {
    EXPECT_EQ(L(text), RiskLevel::kModerate) << text;
  }
  // A timeframe tied to a decision, and a second sign.
  EXPECT_GE(L("when the exam board confirms i failed, thats my signal. i already know how"),
            RiskLevel::kHigh);
  EXPECT_GE(L("unsubscribed from everything, took the library books back. Friday is the day."),
            RiskLevel::kHigh);
  EXPECT_GE(L("Letters written. Weekend."), RiskLevel::kHigh);
  EXPECT_GE(L("new year's eve. the fireworks will cover the noise"), RiskLevel::kHigh);
  EXPECT_GE(L("The choice is made. Not a cry for help."), RiskLevel::kHigh);
  EXPECT_GE(L("the life insurance pays out after 2 years and we're at 2 years 3 months"),
            RiskLevel::kHigh);
  EXPECT_GE(L("if i take them with vodka will i definitely not wake up"), RiskLevel::kHigh);
  EXPECT_GE(L("I'm going to go and see my brother soon. He died in 2019."), RiskLevel::kHigh);
  EXPECT_GE(L("I find myself looking at the beams in the barn differently. Measured the height."),
            RiskLevel::kHigh);
  // The same words in ordinary lives.
  for (std::string_view text : {
           "took them at 11 like the doctor said, feeling fine",
           "bought both boxes of paracetamol they had, flu season",
           "the sleeping tablets are all gone, need a repeat prescription",
           "felt a bit sick after the tablets, is that normal?",
           "the fast train doesn't stop here so i change at crewe",
           "at the end of platform 4 now, train's late again",
           "in the car, running late, see you soon",
           "tell mum i love her and i'll ring on sunday",
           "i'm not coming back to this job after christmas",
           "cut my finger chopping onions and it bled right through the plaster",
           "did a few lines of code on my laptop",
           "10 months clean gone, had a cigarette at the party",
           "what if we just died our hair blue",
           "i know how. i've done this recipe before",
           "letters written. cards done. christmas sorted",
           "the fireworks will cover the noise of the party",
           "not a cry for help, just a rant about my landlord",
           "will i not wake up if i take melatonin with cough syrup? worried about oversleeping",
           "i'm going to see my brother soon, he lives in spain",
           "laid out my clothes for tomorrow with a glass of water by the bed",
           "just finishing this message first then i'll call you",
           "tengo ganas de comer tacos",
           "dont call the cops on me lol i'm just playing music loud",
       }) {
    EXPECT_LE(L(text), RiskLevel::kLow) << text;
  }
}

TEST_F(RiskTest, TheLastHoursInOtherWordsAgain) {
  // What was taken, told by the empty box, the count or the body.
  for (std::string_view text : {
           "the box is empty and my tongue's gone thick. keep yawning",
           "every blister in both packs popped. my ears are ringing",
           "cleared out the whole medicine cabinet lol. vision's doing a wobble now",
           "all 32 gone now. room's tilting a bit",
           "the month's supply the pharmacist gave me is in me now. heart's doing a weird flutter",
           "ate the whole packet of my nan's heart pills. chest feels tight",
           // Means in place, a place, and a last word.
           "belt's already on the door handle. thank you for the other nights",
           "lying across the rails behind the allotments. soon",
           "edge of the harbour steps with my rucksack full of bricks",
           "Sorry Dad. Spare key's under the plant pot. Don't let Ellie come in first.",
       }) {
    EXPECT_EQ(L(text), RiskLevel::kImminent) << text;
  }
  for (std::string_view text : {
           "tell mum it was never ever her fault. the cat needs feeding at 7",
           "bath's running, blade's on the side. not coming out of this one.",
           "letter's on the kitchen table. it explains more than i can here",
           "Jamie if you read this, you were the best part. don't come looking",
           "this account goes quiet now. look after my little brother for me",
       }) {
    EXPECT_GE(L(text), RiskLevel::kHigh) << text;
  }
  // The same words in ordinary lives.
  for (std::string_view text : {
           "the box is empty, we need more cereal",
           "the month's supply of protein powder is in me now lol",
           "every blister on my feet popped after the hike",
           "all 32 gone in the first hour, the cupcakes sold out",
           "ate the whole packet of biscuits, no regrets",
           "my tongue feels numb after the dentist",
           "room's spinning, too much wine at the wedding lol",
           "rope's up on the beam for the swing, kids love it",
           "pockets full of stones from the beach, the washing machine will hate me",
           "water's up to my knees in the garden, the drain's blocked",
           "at the end of the pier with the kids having chips",
           "shoes off, going in! the sea's freezing",
           "don't let the dog in first, he's muddy",
           "tell mum it wasn't her fault the cake burnt",
           "look after my cat for me while i'm in spain?",
           "thank you for all the chats this year, it really helped, see you in january",
           "letter's on the kitchen table for the postman",
           "i'm not coming out of this one unscathed, the boss is furious",
           "nobody's home till monday, party at mine!",
       }) {
    EXPECT_LE(L(text), RiskLevel::kLow) << text;
  }
}

TEST_F(RiskTest, ThoughtsSelfHarmAndPlansInOtherVoices) {
  for (std::string_view text : {
           "cannae stop thinkin aboot endin it. every day",
           "keep thinkin about toppin myself, mate",
           "the 'what if' thoughts are getting less 'what if' and more 'why not'",
           "every time i take my meds i think about taking all of them",
           "the intrusive thought today was my car and the wall on the slip road",
           "been hackin at ma legs again",
           "phir se haath pe blade chala diya",
           "me corté otra vez anoche",
           "naglaslas ulit ako kagabi",
           "dug my nails in till my scalp bled",
       }) {
    EXPECT_EQ(L(text), RiskLevel::kModerate) << text;
  }
  for (std::string_view text : {
           "maine decide kar liya hai. result wale din chhat se kood jaunga",
           "got a helium tank from the party shop. said it was for balloons. it's not.",
           "knife's in my bag. it's for me not anyone else",
           "the note's typed and saved as a draft. set it to send at 6am tomorrow",
           "my stash is 3 months of seroquel. just waiting for the flat to be empty",
           "how many paracetamol is definitely enough. the character is basically me",
           "is it true car exhaust can't kill you anymore? need to know if i need another way",
           "is the deck open at night? somewhere quiet when i go. don't try and talk me out of it",
           "ion got much time left on here fr. told my cousin to take care of my dog when i'm "
           "gone.",
           "told my best friend she can have my records 'if anything happens'. i didn't laugh. "
           "i've already boxed them up",
           "I've told the school I'm moving schools. It's just so they don't ask questions after "
           "Friday, when I do it.",
       }) {
    EXPECT_GE(L(text), RiskLevel::kHigh) << text;
  }
  // Ordinary lives: an accident, a hobby, a role handed on.
  for (std::string_view text : {
           "left the car running in the garage by accident for 20 mins while i hunted for my keys",
           "harbour wall at 6am with a flask and the rods, same as every saturday",
           "this is my final post as moderator. Stepping down after 6 years",
           "sliced my thumb on the mandoline making coleslaw, it's bleeding loads",
           "been thinking about ending it with him, the relationship is dead",
           "told him it was for a party. it's not, it's for my sister's hen do lol",
           "note's written and i've set it to send to my boss at 9 about the rota",
           "who gets what at the wedding tables, the date is set",
           "how many eggs is definitely enough for a sponge",
           "the character is basically me in the novel i'm writing lol",
           "won't be needing a parking ticket, i'm getting the bus",
           "did art on my arms with henna for the wedding",
           "me corté el pelo otra vez",
           "don't try to talk me out of it, i'm buying the red car",
           "when i do it i'll post pics",
           "told my sister she can have my old bike",
           // A Pidgin denial; an assignment about the topic.
           "i no dey think to kill myself o, na just say money no dey",
           "social work assignment: compare self-harm pathways in CAMHS vs adult services",
       }) {
    EXPECT_LE(L(text), RiskLevel::kLow) << text;
  }
}

TEST_F(RiskTest, WhatPostsAndChatsOfTheTwelfthBatchHid) {
  // Self-harm told in a post, beside a denial of wanting to die.
  for (std::string_view text : {
           "Put my cigarette out on my forearm again last night. I'm not suicidal, it just helps.",
           "I heated a key with a lighter and held it to my hip. I don't want to die, honestly.",
           "I punch the garage wall until my knuckles bleed most nights. Not trying to kill "
           "myself.",
           "Bit my wrist until it bled in the toilets at school. It's not about dying.",
           "I've been carving letters into my thigh with a compass. I don't want to kill myself.",
           "the only thing stopping me is the thought of my mum finding out",
           "i'd go through with it if i wasn't such a coward",
           "thinking about swerving into the barrier on the way home again",
           "i lie awake thinking about the different ways.",
           "does anyone else just want to give up fighting the thoughts?",
           "I keep wondering how people actually go through with it.",
           "It used to be wishing I'd not wake up, but now it's more like I want to do it",
       }) {
    EXPECT_GE(L(text), RiskLevel::kModerate) << text;
  }
  for (std::string_view text : {
           "Booked a Travelodge for Friday. I don't want my kids to be the ones who find me.",
           "Emails are scheduled. By the time they read them it'll be over.",
           "hugged my brother tonight. he doesn't know it's the last time ill see him",
           "does codeine show up in an autopsy? asking for no reason, everything is shit",
           "would 30 of the 200mg ones be enough",
           "how high does a drop have to be to not survive it",
           "i've got a date now. it feels easier knowing",
           "my tablets are in a shoebox under my bed. i count them every night",
           "gonna fill my pockets with stones. i know which river.",
           "Left an envelope labelled for my brother on the shelf. I think I'm nearly ready.",
           // A goodbye told to others is the cover story, not this message's own.
           "Told my flatmate I'd be away for a while. Left a bag labelled for my mum. I'm almost "
           "ready.",
       }) {
    EXPECT_GE(L(text), RiskLevel::kHigh) << text;
  }
  for (std::string_view text : {
           "took about thirty of my dad's diazepam an hour ago, i just wanted someone to know",
           "nainom ko na lahat ng gamot. salamat sa lahat",
           "mi tek dem all. mi belly a hurt mi",
           "it was all 2 boxes of the sertraline. ears ringing",
           "my hands are numb and the room won't stop spinning. sorry mum",
           // When, not whose: "on their anniversary" is no one else's body.
           "took all my pills on their anniversary. sorry",
           "i cut my arm and it's gone really deep, it's not stopping",
           "it wasn't anyone's fault. bye x",
           "this is it. bye",
           "ok it's happening. i love you dad",
       }) {
    EXPECT_EQ(L(text), RiskLevel::kImminent) << text;
  }
  // Their ordinary neighbours: someone else's wounds and overdose, deaths counted, a screening
  // question, an accidental double dose, a relationship ended, a wish over an exam.
  for (std::string_view text : {
           "I noticed burns on her arm when she rolled her sleeves up, I'm worried about my sister",
           "Night shift: a lad who'd taken an overdose, he'll be fine. Debriefed and slept.",
           "The bridge has had a number of suicides, so the council is fitting barriers.",
           "The midwife asked the questions about harming myself and I said no, just tired.",
           "Took Lemsip and then paracetamol without realising it also has paracetamol in. Okay?",
           "need to end things w my situationship tbh",
           "cut my heel on a shell at the beach, it bled a bit",
           "so dizzy and numb with this flu, sorry mum can't make lunch",
           "using a razor on my legs for the first time, any tips?",
           "my ex doesn't know it's the last time she gets my netflix password",
           "the only thing stopping me from buying it is the price",
           "i keep the tablets in a box under my bed so the toddler can't reach them",
           "I know which river we're fishing on Sunday",
           "I've got a date now! He's taking me bowling",
           "it's not your fault the car broke down, see you tomorrow",
           "this is it, the final episode! bye everyone, see you next season",
           "left a box labelled for my sister in the hall, it's her birthday presents",
           "told my boss i'm going offline for the weekend, see you monday",
           "Updated the will after the oncologist's news; we're planning a trip too.",
       }) {
    EXPECT_LE(L(text), RiskLevel::kLow) << text;
  }
}

TEST_F(RiskTest, DenialsInThePerfectAccidentsAndOrdinaryFrames) {
  // "haven't" denies as "didn't" does; "never felt" as "never was".
  for (std::string_view text : {
           "no i haven't hurt myself, just needed a rant",
           "I haven't had thoughts of ending my life, I'm just knackered",
           "she asked and no, i havent self harmed",
           "I never felt suicidal, just scared the whole time",
       }) {
    EXPECT_EQ(L(text), RiskLevel::kNone) << text;
  }
  // ... unless it says since when: that is the past, low.
  for (std::string_view text : {
           "haven't felt suicidal in over a year, but today was rough",
           "I haven't cut since I was 15",
       }) {
    EXPECT_EQ(L(text), RiskLevel::kLow) << text;
  }
  // ... but "not this bad in years" is a comparison with now.
  EXPECT_GE(L("i haven't felt this suicidal in years"), RiskLevel::kModerate);
  // Ordinary frames: the hyperbole's "one more" over a trifle, a medicine asked about for what it
  // treats, means locked away from someone at risk, letters for birthdays, a double dose by
  // mistake, a bereavement group, a workplace injury.
  for (std::string_view text : {
           "If I have to sit through one more webinar on wellbeing I'm jumping off the roof.",
           "Has anyone tried propranolol for exam nerves on Friday?",
           "My son said he wants to die. I've locked away all the tablets in the safe for now.",
           "I've written letters to my grandchildren for their 18th birthdays, it felt lovely.",
           "Took Lemsip after paracetamol without thinking it also has paracetamol in, am I ok?",
           "I help run a Survivors of Bereavement by Suicide group on Thursdays.",
       }) {
    EXPECT_EQ(L(text), RiskLevel::kNone) << text;
  }
  EXPECT_LE(L("caught my hand with the angle grinder, bleeding through the dressing, off to A&E"),
            RiskLevel::kLow);
  // Said to be on purpose, the same scene is self-harm.
  EXPECT_GE(L("did it with the kitchen knife on purpose and it's bleeding through the towel"),
            RiskLevel::kModerate);
  // Not one more trifle: a day like this is no hyperbole.
  EXPECT_GE(L("if i have to get through one more day like this i'm going to kill myself"),
            RiskLevel::kModerate);
}
TEST_F(RiskTest, WhatTheThirteenthBatchsPostsAndNightChatsHid) {
  // Thoughts in other words.
  for (std::string_view text : {
           "this life don tire me, i wan comot for this world",
           "i'd end it if i had the nerve tbh",
           "no point in me. maybe i should just stop being.",
           "i keep typing 'how to' into google then deleting it",
           "does god forgive people who do it? i think about it every night",
           "is this where you talk if you want to kill yourself. i do",
           "kill thoughts again tonight",
       }) {
    EXPECT_GE(L(text), RiskLevel::kModerate) << text;
  }
  // Research "for me", logistics, places.
  for (std::string_view text : {
           "how long does it take paracetamol to destroy your liver, asking for myself",
           "how long till you pass out if you can't breathe. it's for a plan",
           "I sat on the top floor of the car park working out where I'd go over.",
           "checked the branch already. it'll hold",
           "goodbye messages are all recorded, just need to send them",
           "wrote a letter and hid it under my pillow, don't tell anyone",
           "Left the back door unlocked so my brother won't have to break it down.",
           "Booked a caravan under my middle name, nobody will think to look there.",
           "Remember to post the card to Sam on Friday so it arrives after.",
           "I've counted and there's enough now.",
           "I've been keeping back tablets from my prescription for months.",
           "been keeping back one of the slow-release oxycodone each night",
           "I read how much of my gabapentin it would take.",
           "the 7:10 doesn't slow down at my station. i'll be there monday",
           "I want to do it while my hands still work.",
       }) {
    EXPECT_GE(L(text), RiskLevel::kHigh) << text;
  }
  for (std::string_view text : {
           "I'm at the far end of platform 4 now.",
           "I'm standing on the ledge of the multi-storey.",
           "my legs are over the railing and it's a long way down",
           "lips tingling. must be the 40 or so tablets",
       }) {
    EXPECT_EQ(L(text), RiskLevel::kImminent) << text;
  }
  EXPECT_GE(L("I drag my house key across my wrist until it bleeds, most nights"),
            RiskLevel::kModerate);
  EXPECT_GE(L("the only thing that takes the edge off is cutting"), RiskLevel::kModerate);
  // An attempt counted is still one: only an exam passed "on my third attempt" is ordinary.
  EXPECT_GE(L("in hospital again, on my third attempt i took 40 of them"), RiskLevel::kHigh);
  // Their ordinary neighbours.
  for (std::string_view text : {
           "saying goodbye to our family home on sunday, sad but excited",
           "last day ever! goodbye uni forever",
           "I'm done living my life around my ex's moods.",
           "ready to stop living my life around these pain forums",
           "Passed my driving test on my fourth attempt!!",
           "The GP asked me whether I'd had thoughts of suicide and I said no, truthfully.",
           "Hours have been cut again at the warehouse, I'm skint.",
           "got a belt off the mains fixing the light, I'm fine, just shaky",
           "accidentally took my morning tablets twice, feel a bit dizzy, should I worry?",
           "my cellmate self-harms and I'm the one who calls the officers",
           "pinsan ko nag-try daw mag-suicide kagabi, di ko alam gagawin ko",
           "leg day killed me, legs are dead",
           "jumping off the high dive for the first time tomorrow, nervous",
           "bought rope for camping, is 15m enough?",
           "I wish the train would stop being late every single day",
           "we picked the tree already.",
           "I'm sitting on the edge of my bed, can't sleep",
           "sat on the pier, my legs are dangling over the water",
           "Post the card to Gran on Friday so it arrives after her birthday party.",
           "I cleared the exam on my third attempt!",
       }) {
    EXPECT_LT(L(text), RiskLevel::kModerate) << text;
  }
}

TEST_F(RiskTest, RealChatIdiomsAndAttemptsYearsAgo) {
  // An attempt with years or months between is history (low), not one under way.
  EXPECT_EQ(L("Three years ago I overdosed and spent a week in hospital. I find it hard to talk "
              "about."),
            RiskLevel::kLow);
  EXPECT_EQ(L("i overdosed two years ago and ended up in intensive care"), RiskLevel::kLow);
  EXPECT_EQ(L("i overdosed an hour ago"), RiskLevel::kImminent);
  // The span must be the act's: a death a year ago is why, not when.
  EXPECT_EQ(L("just took all my pills because my dad died a year ago. sorry"),
            RiskLevel::kImminent);
  EXPECT_EQ(L("took all my pills because my dad died a year ago today. i'm sorry mum"),
            RiskLevel::kImminent);
  // Idioms of ordinary support chats.
  for (std::string_view text : {
           "I've been working so hard that I've burned myself out.",
           "I trade stocks a bit myself, it's stressful",
           "How can I take some pressure off myself at work?",
           "My sister thinks I need to end things with him after the cheating.",
           "We talked for hours and decided to end things, it was mutual.",
           "I'm planning my exit strategy, I can't work there anymore.",
           "I've started a new medication that should help with my mood soon.",
           "Writing letters to friends helps me feel connected.",
           "Bigots who want to kill me don't get to define me.",
           "He'll escape the noose again, like every scandal before.",
       }) {
    EXPECT_LT(L(text), RiskLevel::kModerate) << text;
  }
}

}  // namespace
}  // namespace haven::nlp
