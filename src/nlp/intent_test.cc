#include "nlp/intent.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "nlp/sentiment.h"

namespace haven::nlp {
namespace {

class IntentTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto n = Normalizer::Load(HAVEN_SOURCE_DATA_DIR);
    normalizer_ = new Normalizer(n.ok() ? std::move(n).value() : Normalizer());
    auto c = IntentClassifier::Create();
    ASSERT_TRUE(c.ok());
    classifier_ = new IntentClassifier(std::move(c).value());
    auto s = SentimentScorer::Load(HAVEN_SOURCE_DATA_DIR);
    if (s.ok()) sentiment_ = new SentimentScorer(std::move(s).value());
  }
  static void TearDownTestSuite() {
    delete normalizer_;
    delete classifier_;
    delete sentiment_;
    normalizer_ = nullptr;
    classifier_ = nullptr;
    sentiment_ = nullptr;
  }

  // Classifies with a neutral sentiment unless `use_sentiment`.
  static Intent Classify(const std::string& text, RiskLevel level = RiskLevel::kNone,
                         bool use_sentiment = false) {
    NormalizedText t = normalizer_->Normalize(text);
    Risk risk;
    risk.level = level;
    risk.score = level >= RiskLevel::kHigh ? 0.9 : 0.0;
    Sentiment s;
    if (use_sentiment && sentiment_ != nullptr) s = sentiment_->Score(t);
    return classifier_->Classify(t, risk, s);
  }
  static std::string Label(const std::string& text, RiskLevel level = RiskLevel::kNone) {
    return Classify(text, level).label;
  }

  static Normalizer* normalizer_;
  static IntentClassifier* classifier_;
  static SentimentScorer* sentiment_;
};

Normalizer* IntentTest::normalizer_ = nullptr;
IntentClassifier* IntentTest::classifier_ = nullptr;
SentimentScorer* IntentTest::sentiment_ = nullptr;

TEST_F(IntentTest, EachLabel) {
  EXPECT_EQ(Label("hey there"), "greeting");
  EXPECT_EQ(Label("i feel so alone and nobody cares"), "venting");
  EXPECT_EQ(Label("what should i do?"), "seeking_advice");
  EXPECT_EQ(Label("can i talk to a real person"), "asking_for_human");
  EXPECT_EQ(Label("are you a bot?"), "question_about_bot");
  EXPECT_EQ(Label("delete my data"), "privacy_request");
  EXPECT_EQ(Label("thank you so much"), "gratitude");
  EXPECT_EQ(Label("ok bye"), "goodbye");
  EXPECT_EQ(Label("i need help right now"), "crisis");
  EXPECT_EQ(Label("how are you?"), "smalltalk");
  EXPECT_EQ(Label("the bus is at 5"), "other");
}

TEST_F(IntentTest, Precedence) {
  EXPECT_EQ(Label("hi, i can't sleep and i feel awful"), "venting");
  EXPECT_EQ(Label("hi, are you a bot?"), "question_about_bot");
  EXPECT_EQ(Label("are you a real person?"), "question_about_bot");
  EXPECT_EQ(Label("i'm so sad. what should i do"), "seeking_advice");
  EXPECT_EQ(Label("thanks. can you delete my data?"), "privacy_request");
  EXPECT_EQ(Label("are you a bot? i want a real person"), "asking_for_human");
  EXPECT_EQ(Label("i want a human, this is an emergency"), "crisis");
  EXPECT_EQ(Label("thanks, bye"), "gratitude");
}

TEST_F(IntentTest, GapRules) {
  EXPECT_EQ(Label("are you some kind of AI?"), "question_about_bot");
  EXPECT_EQ(Label("you're a robot aren't you"), "question_about_bot");
  EXPECT_EQ(Label("are you able to remember previous chats?"), "question_about_bot");
  EXPECT_EQ(Label("Can my parents see what I write here?"), "privacy_request");
  EXPECT_EQ(Label("my parents see me as a failure"), "venting");  // not a question
  EXPECT_EQ(Label("is my chat history encrypted"), "privacy_request");
  EXPECT_EQ(Label("how do people manage that?"), "seeking_advice");
  EXPECT_EQ(Label("nobody invited me to the party again"), "venting");
}

// Having ideas and knowing one's ways are statements; asking for them is not.
TEST_F(IntentTest, TellingIsNotAskingForIdeas) {
  EXPECT_NE(Label("I feel like I have a bunch of new ideas to start feeling better"),
            "seeking_advice");
  EXPECT_NE(Label("I know my ways are unhealthy"), "seeking_advice");
  EXPECT_EQ(Label("do you know a way to stop panicking?"), "seeking_advice");
  EXPECT_EQ(Label("I want to know ways to cope with stress"), "seeking_advice");
  EXPECT_EQ(Label("ideas for coping with grief please"), "seeking_advice");
  EXPECT_EQ(Label("any ideas to help me sleep?"), "seeking_advice");
}

TEST_F(IntentTest, AskingAboutTrainingIsAQuestionAboutTheBot) {
  EXPECT_EQ(Label("Do you have a background in counseling?"), "question_about_bot");
  EXPECT_EQ(Label("are you qualified?"), "question_about_bot");
  EXPECT_EQ(Label("what are your qualifications"), "question_about_bot");
  EXPECT_EQ(Label("have you had any training in this"), "question_about_bot");
  EXPECT_NE(Label("do you have any experience with anxiety yourself"), "seeking_advice");
  EXPECT_EQ(Label("I have a background in nursing"), Label("I have a background in teaching"));
}

TEST_F(IntentTest, AskingForHelpPolitelyIsSeekingAdvice) {
  EXPECT_EQ(Label("I would like some help with the problem I am facing"), "seeking_advice");
  EXPECT_EQ(Label("i'd appreciate some advice about my brother"), "seeking_advice");
  EXPECT_EQ(Label("I want some help with my sleep"), "seeking_advice");
  EXPECT_EQ(Label("Do you have any hobbies you suggest?"), "seeking_advice");
  EXPECT_EQ(Label("what hobbies could i pick up"), "seeking_advice");
  EXPECT_EQ(Label("can you recommend something for sleep"), "seeking_advice");
}

// Thanks for an idea, then a request for more: the request is what to answer.
TEST_F(IntentTest, ThanksThenMoreIdeasIsSeekingAdvice) {
  EXPECT_EQ(Label("Thanks for the idea do you have any more tips?"), "seeking_advice");
  EXPECT_EQ(Label("Thanks! Any other ideas?"), "seeking_advice");
  EXPECT_EQ(Label("thank you, is there anything else I could try?"), "seeking_advice");
  EXPECT_EQ(Label("what else can I do"), "seeking_advice");
  EXPECT_EQ(Label("Thank you so much, that really helped"), "gratitude");
  EXPECT_NE(Label("I have some other ideas too"), "seeking_advice");
}

TEST_F(IntentTest, AWayForwardIsNotAGoodbye) {
  EXPECT_EQ(Label("ok I need to go now"), "goodbye");
  EXPECT_NE(Label("I don't know where I need to go from here"), "goodbye");
  EXPECT_NE(Label("what if I have to go back there"), "goodbye");
}

TEST_F(IntentTest, ShortMessagesOnly) {
  EXPECT_EQ(Label("night x"), "goodbye");
  EXPECT_EQ(Label("last night i went to a party and it was fun with everyone"), "other");
  EXPECT_EQ(Label("no thanks"), "other");
  EXPECT_EQ(Label("i have a doctors appointment later"), "other");
}

TEST_F(IntentTest, UrgentCriesAndMeans) {
  EXPECT_EQ(Label("HELP"), "crisis");
  EXPECT_EQ(Label("help me!!!"), "crisis");
  EXPECT_EQ(Label("help me"), "seeking_advice");
  EXPECT_EQ(Label("I can't take it anymore, I have the pills in front of me"), "crisis");
  EXPECT_NE(Label("I have my pills for my headache"), "crisis");
  EXPECT_EQ(Label("i swallowed a whole pack of paracetamol"), "crisis");
  EXPECT_NE(Label("i took my pills this morning"), "crisis");
}

TEST_F(IntentTest, LongerPhraseWins) {
  EXPECT_EQ(Label("hi, can you tell me how to get a therapist on the NHS?"), "seeking_advice");
  EXPECT_EQ(Label("thanks for the advice, i'll try it"), "gratitude");
  EXPECT_EQ(Label("you've been more helpful than my teachers!"), "gratitude");
  EXPECT_EQ(Label("I'm fine thanks, you?"), "smalltalk");
  EXPECT_EQ(Label("hey! long time no see"), "greeting");
}

TEST_F(IntentTest, RiskMakesCrisis) {
  EXPECT_EQ(Label("i have a plan for tonight", RiskLevel::kHigh), "crisis");
  EXPECT_EQ(Label("hello", RiskLevel::kImminent), "crisis");
  EXPECT_NE(Label("i have a plan for tonight", RiskLevel::kLow), "crisis");
  Intent i = Classify("anything", RiskLevel::kHigh);
  EXPECT_GE(i.score, 0.9);
}

TEST_F(IntentTest, RiskReadAsFigurativeIsNoCrisis) {
  const std::string text = "i'm going to kill myself";
  EXPECT_EQ(Label(text), "crisis");  // no risk reading given: the phrase alone decides
  NormalizedText t = normalizer_->Normalize(text);
  Sentiment s;
  for (const char* signal : {"figurative", "denial", "topic"}) {
    Risk dismissed;
    dismissed.evidence.push_back({Span{0, 5}, signal});
    EXPECT_NE(classifier_->Classify(t, dismissed, s).label, "crisis") << signal;
  }
  // Someone else's danger is still a crisis to act on.
  Risk other;
  other.evidence.push_back({Span{0, 5}, "third_party"});
  EXPECT_EQ(classifier_->Classify(t, other, s).label, "crisis");
}

TEST_F(IntentTest, ChatSpellings) {
  EXPECT_EQ(Label("r u a bot"), "question_about_bot");
  EXPECT_EQ(Label("ty"), "gratitude");
  EXPECT_EQ(Label("HEYYYY"), "greeting");
  EXPECT_EQ(Label("i need help rn"), "crisis");
}

TEST_F(IntentTest, ScoreInRangeAndRobust) {
  for (const std::string& s :
       {std::string(), std::string("???"), std::string(100000, 'a'), std::string("\xff\xfe hi"),
        std::string("hi ") + std::string(20000, '!')}) {
    Intent i = Classify(s);
    EXPECT_GE(i.score, 0.0);
    EXPECT_LE(i.score, 1.0);
    EXPECT_FALSE(i.label.empty());
  }
}

TEST_F(IntentTest, LabelledCasesAccuracy) {
  std::ifstream in(std::string(HAVEN_TESTS_DIR) + "/data/intent_cases.jsonl");
  ASSERT_TRUE(in.is_open());
  std::string line;
  int total = 0, correct = 0;
  std::map<std::string, int> misses;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded());
    RiskLevel level =
        ParseRiskLevel(j.value("risk", std::string("none"))).value_or(RiskLevel::kNone);
    std::string want = j.at("intent").get<std::string>();
    std::string got = Classify(j.at("text").get<std::string>(), level, true).label;
    ++total;
    if (got == want) {
      ++correct;
    } else {
      ++misses[want + " -> " + got];
      std::cout << "  miss " << j.at("id").get<std::string>() << ": want " << want << " got " << got
                << "\n";
    }
  }
  ASSERT_GE(total, 200);
  double accuracy = static_cast<double>(correct) / total;
  std::cout << "intent accuracy " << correct << "/" << total << " = " << accuracy << "\n";
  EXPECT_GE(accuracy, 0.9);
}

}  // namespace
}  // namespace haven::nlp
