#include "nlp/risk_model.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

namespace haven::nlp {
namespace {

class RiskModelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto n = Normalizer::Load(HAVEN_SOURCE_DATA_DIR);
    ASSERT_TRUE(n.ok()) << n.status().message();
    normalizer_ = new Normalizer(std::move(n).value());
    auto m = RiskModel::Load(HAVEN_SOURCE_DATA_DIR);
    ASSERT_TRUE(m.ok()) << m.status().message();
    model_ = new RiskModel(std::move(m).value());
  }
  static void TearDownTestSuite() {
    delete model_;
    delete normalizer_;
  }
  static RiskProbabilities Score(std::string_view text) {
    return model_->Score(normalizer_->Normalize(text));
  }
  static RiskLevel Level(std::string_view text) { return model_->Level(Score(text)); }

  static Normalizer* normalizer_;
  static RiskModel* model_;
};
Normalizer* RiskModelTest::normalizer_ = nullptr;
RiskModel* RiskModelTest::model_ = nullptr;

TEST_F(RiskModelTest, ProbabilitiesAreCumulative) {
  for (const char* text : {"hi there", "i want to die", "took all my pills an hour ago", "",
                           "\xF0\x9F\x98\xAD\xF0\x9F\x98\xAD"}) {
    RiskProbabilities p = Score(text);
    for (size_t k = 0; k < p.size(); ++k) {
      EXPECT_GE(p[k], 0.0f) << text;
      EXPECT_LE(p[k], 1.0f) << text;
      if (k > 0) {
        EXPECT_LE(p[k], p[k - 1] + 1e-6f) << text;
      }
    }
  }
  RiskProbabilities empty = Score("");
  EXPECT_EQ(empty[0], 0.0f);
}

TEST_F(RiskModelTest, FeaturesLeaveOutPunctuation) {
  EXPECT_EQ(RiskFeatures(normalizer_->Normalize("That looks even smaller.")),
            "that looks even smaller");
  EXPECT_EQ(RiskFeatures(normalizer_->Normalize("i can't do this anymore...!!")),
            "i can't do this anymore");
  EXPECT_EQ(RiskFeatures(normalizer_->Normalize("")), "");
}

// Written, punctuated everyday sentences (the style of real comments, unlike the chat-style
// training messages) are not read as risk. Before RiskFeatures left punctuation out and ordinary
// Reddit comments joined the training data, the model read each of these as imminent.
TEST_F(RiskModelTest, OrdinaryPunctuatedSentencesAreNotRaised) {
  for (const char* text : {"That looks even smaller.", "Lips are the key to crumb containment.",
                           "The whole country is an incompetent scam.",
                           "Thank you. This is something I really needed to hear. Hugs, mama.",
                           "You can see flairs and select them on the desktop version."}) {
    EXPECT_LT(Level(text), RiskLevel::kModerate) << text;
  }
}

// One or two words are too few for a bag of words ("bye" was read as imminent); the rules read
// them.
TEST_F(RiskModelTest, ShortMessagesAreLeftToTheRules) {
  for (const char* text : {"bye", "Bye!", "done.", "thanks, bye", "goodbye 🖤"}) {
    RiskProbabilities p = Score(text);
    EXPECT_EQ(p[0], 0.0f) << text;
    EXPECT_EQ(Level(text), RiskLevel::kNone) << text;
  }
}

TEST_F(RiskModelTest, ReadsOrdinaryAndUrgentMessages) {
  EXPECT_EQ(Level("thanks, that really helped"), RiskLevel::kNone);
  EXPECT_EQ(Level("can you delete everything you have about me"), RiskLevel::kNone);
  EXPECT_GE(Level("i bought the rope and i'm doing it tonight, i've said my goodbyes"),
            RiskLevel::kHigh);
}

Risk RuleReading(RiskLevel level, std::initializer_list<const char*> signals) {
  Risk r;
  r.level = level;
  for (const char* s : signals) r.evidence.push_back({Span{0, 4}, s});
  return r;
}

TEST(CombineRiskTest, RaisesOnlyAndMarksTheRaise) {
  Risk none = CombineRisk(RuleReading(RiskLevel::kNone, {}), RiskLevel::kHigh, true, 20);
  EXPECT_EQ(none.level, RiskLevel::kHigh);
  EXPECT_DOUBLE_EQ(none.score, 0.8);
  ASSERT_EQ(none.categories.size(), 1u);
  EXPECT_EQ(none.categories[0], RiskCategory::kSuicide);
  ASSERT_EQ(none.evidence.size(), 1u);
  EXPECT_EQ(none.evidence[0].signal, "learned_reading");
  EXPECT_EQ(none.evidence[0].span, (Span{0, 20}));

  Risk high = RuleReading(RiskLevel::kHigh, {"plan"});
  high.score = 0.82;
  Risk kept = CombineRisk(high, RiskLevel::kModerate, true, 20);
  EXPECT_EQ(kept.level, RiskLevel::kHigh);
  EXPECT_DOUBLE_EQ(kept.score, 0.82);
  EXPECT_EQ(kept.evidence.size(), 1u);
}

TEST(CombineRiskTest, SelfHarmKeepsItsCategory) {
  Risk sh = RuleReading(RiskLevel::kModerate, {"self_harm_act"});
  sh.categories = {RiskCategory::kSelfHarm};
  Risk raised = CombineRisk(sh, RiskLevel::kHigh, false, 10);
  EXPECT_EQ(raised.level, RiskLevel::kHigh);
  ASSERT_EQ(raised.categories.size(), 1u);
  EXPECT_EQ(raised.categories[0], RiskCategory::kSelfHarm);
}

TEST(CombineRiskTest, NoRaiseWhenEveryPhraseIsSomeoneElsesOrNotMeant) {
  for (const char* s : {"third_party", "denial", "figurative", "topic", "ordinary", "accident"}) {
    Risk r = CombineRisk(RuleReading(RiskLevel::kNone, {s}), RiskLevel::kHigh, true, 10);
    EXPECT_EQ(r.level, RiskLevel::kNone) << s;
  }
  // One live signal among them: the raise stands.
  Risk mixed = CombineRisk(RuleReading(RiskLevel::kLow, {"third_party", "passive_wish"}),
                           RiskLevel::kHigh, false, 10);
  EXPECT_EQ(mixed.level, RiskLevel::kHigh);
}

TEST(CombineRiskTest, NoRaiseWithoutAPhraseOrAConcept) {
  // Nothing the rules know and no concept: the model's word pairs alone raise nothing.
  Risk alone = CombineRisk(RuleReading(RiskLevel::kNone, {}), RiskLevel::kImminent, false, 30);
  EXPECT_EQ(alone.level, RiskLevel::kNone);
  EXPECT_TRUE(alone.evidence.empty());
  // A phrase the rules know is concept enough.
  Risk phrase =
      CombineRisk(RuleReading(RiskLevel::kLow, {"hopelessness"}), RiskLevel::kHigh, false, 30);
  EXPECT_EQ(phrase.level, RiskLevel::kHigh);
}

TEST(CombineRiskTest, LearnedRaiseAllowedIsThePolicyTheTrainingRecipeCounts) {
  EXPECT_FALSE(LearnedRaiseAllowed(RuleReading(RiskLevel::kNone, {}), false));
  EXPECT_TRUE(LearnedRaiseAllowed(RuleReading(RiskLevel::kNone, {}), true));
  EXPECT_TRUE(LearnedRaiseAllowed(RuleReading(RiskLevel::kLow, {"hopelessness"}), false));
  // Someone else's, denied, figurative or topic talk: closed, concept or not.
  for (const char* signal :
       {"third_party", "denial", "figurative", "topic", "ordinary", "accident"}) {
    EXPECT_FALSE(LearnedRaiseAllowed(RuleReading(RiskLevel::kNone, {signal}), true)) << signal;
  }
  EXPECT_TRUE(
      LearnedRaiseAllowed(RuleReading(RiskLevel::kNone, {"third_party", "hopelessness"}), false));
}

TEST(RiskConceptsTest, MatchesWholeWordsPhrasesAndPrefixes) {
  auto c = RiskConcepts::Parse("# a comment\n\nnote\nend it all\nbridge*\nself harm*\r\n", "test");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->size(), 4u);
  EXPECT_TRUE(c->Touches("i have made a note"));
  EXPECT_FALSE(c->Touches("i have made notes"));  // whole words: "note" is not "notes"
  EXPECT_FALSE(c->Touches("the banknote"));
  EXPECT_TRUE(c->Touches("i want to end it all tonight"));
  EXPECT_TRUE(c->Touches("end it all"));
  EXPECT_FALSE(c->Touches("i want to end it"));  // the phrase runs past the message's end
  EXPECT_TRUE(c->Touches("which bridges have no barriers"));
  EXPECT_TRUE(c->Touches("bridge"));
  EXPECT_FALSE(c->Touches("a drawbridge"));  // a prefix, not a substring
  EXPECT_TRUE(c->Touches("been self harming again"));
  EXPECT_FALSE(c->Touches("self care"));
  EXPECT_FALSE(c->Touches(""));
  EXPECT_FALSE(c->Touches("this is working for me right now"));
}

TEST(RiskConceptsTest, MalformedEntriesNameTheirLine) {
  for (const char* bad : {"ok\nUpper\n", "ok\ntwo  spaces\n", "ok\n*\n", "ok\nmid*dle\n",
                          "ok\nstar* first\n", "ok\n trailing\n", "ok\ntab\there\n"}) {
    auto c = RiskConcepts::Parse(bad, "concepts.txt");
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(c.status().message().find("concepts.txt:2: "), std::string::npos)
        << c.status().message();
  }
  auto empty = RiskConcepts::Parse("# only a comment\n", "concepts.txt");
  EXPECT_FALSE(empty.ok());
}

TEST(RiskConceptsTest, TheShippedListLoadsAndReadsRealSentences) {
  auto c = RiskConcepts::Load(HAVEN_SOURCE_DATA_DIR);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_GT(c->size(), 500u);
  auto n = Normalizer::Load(HAVEN_SOURCE_DATA_DIR);
  ASSERT_TRUE(n.ok());
  const auto touches = [&](std::string_view text) {
    return c->Touches(RiskFeatures(n->Normalize(text)));
  };
  for (const char* at_risk :
       {"I bought a rope today", "took the pills, all of them", "been looking at bridges",
        "I've written letters to my kids", "kms", "giving away my guitar this week",
        "I don't want to be here anymore", "what's the point of anything"}) {
    EXPECT_TRUE(touches(at_risk)) << at_risk;
  }
  for (const char* everyday :
       {"This is working for me right now", "No, none of my friends are taking the class",
        "I want to avoid labor jobs as I have other talents", "Standing ovation. Nicely done.",
        "I took the dog for a walk", "yeah hopefully that will help i need to decide soon"}) {
    EXPECT_FALSE(touches(everyday)) << everyday;
  }
  EXPECT_EQ(RiskConcepts::Load("/nonexistent-haven-data").status().code(), StatusCode::kNotFound);
}

class RiskModelLoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("haven_risk_model_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_ / "models");
    std::filesystem::copy_file(std::string(HAVEN_SOURCE_DATA_DIR) + "/models/risk.ftz",
                               dir_ / "models" / "risk.ftz");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void WriteThresholds(const std::string& body) {
    std::ofstream(dir_ / "models" / "risk.thresholds") << body;
  }
  std::filesystem::path dir_;
};

TEST_F(RiskModelLoadTest, MissingFilesAreNotFound) {
  auto missing = RiskModel::Load((dir_ / "nowhere").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  auto no_thresholds = RiskModel::Load(dir_.string());
  ASSERT_FALSE(no_thresholds.ok());
  EXPECT_EQ(no_thresholds.status().code(), StatusCode::kNotFound);
}

TEST_F(RiskModelLoadTest, MalformedThresholdsAreRejected) {
  for (const char* body : {"ge1\t0.5\nge2\t0.5\nge3\t0.5\n",            // one missing
                           "ge1\t0.5\nge2\t0.5\nge3\t0.5\nge4\t1.5\n",  // out of range
                           "ge1\t0.5\nge2\t0.5\nge3\t0.5\nge5\t0.5\n",  // unknown
                           "ge1\t0.5\nge2\tabc\nge3\t0.5\nge4\t0.5\n",  // not a number
                           "ge1 0.5\n"}) {
    WriteThresholds(body);
    auto m = RiskModel::Load(dir_.string());
    ASSERT_FALSE(m.ok()) << body;
    EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument) << body;
  }
  WriteThresholds("# comment\nge1\t0.5\nge2\t0.5\nge3\t0.5\nge4\t0.5\n");
  EXPECT_TRUE(RiskModel::Load(dir_.string()).ok());
}

TEST_F(RiskModelLoadTest, AModelWithOtherLabelsIsRejected) {
  std::filesystem::copy_file(std::string(HAVEN_SOURCE_DATA_DIR) + "/models/emotions.ftz",
                             dir_ / "models" / "risk.ftz",
                             std::filesystem::copy_options::overwrite_existing);
  WriteThresholds("ge1\t0.5\nge2\t0.5\nge3\t0.5\nge4\t0.5\n");
  auto m = RiskModel::Load(dir_.string());
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace haven::nlp
