#include "nlp/topics.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace haven::nlp {
namespace {

class TopicsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto n = Normalizer::Load(HAVEN_SOURCE_DATA_DIR);
    normalizer_ = new Normalizer(n.ok() ? std::move(n).value() : Normalizer());
    auto d = TopicDetector::Create();
    ASSERT_TRUE(d.ok());
    detector_ = new TopicDetector(std::move(d).value());
  }
  static void TearDownTestSuite() {
    delete normalizer_;
    delete detector_;
    normalizer_ = nullptr;
    detector_ = nullptr;
  }

  static std::vector<Topic> Detect(const std::string& text) {
    return detector_->Detect(normalizer_->Normalize(text));
  }
  static std::vector<std::string> Labels(const std::string& text) {
    std::vector<std::string> out;
    for (const Topic& t : Detect(text)) out.push_back(t.label);
    return out;
  }
  static bool Has(const std::string& text, const std::string& label) {
    for (const Topic& t : Detect(text)) {
      if (t.label == label) return true;
    }
    return false;
  }

  static Normalizer* normalizer_;
  static TopicDetector* detector_;
};

Normalizer* TopicsTest::normalizer_ = nullptr;
TopicDetector* TopicsTest::detector_ = nullptr;

TEST_F(TopicsTest, EmptyWhenNothing) {
  EXPECT_TRUE(Detect("").empty());
  EXPECT_TRUE(Detect("hi there, how are you?").empty());
  EXPECT_TRUE(Detect("ok").empty());
}

TEST_F(TopicsTest, EachTopic) {
  EXPECT_EQ(Labels("my boss is awful"), std::vector<std::string>{"work"});
  EXPECT_TRUE(Has("i failed my exams at uni", "school"));
  EXPECT_TRUE(Has("my bf broke up with me", "relationships"));
  EXPECT_TRUE(Has("my mum keeps shouting", "family"));
  EXPECT_TRUE(Has("my friends ignore me", "friends"));
  EXPECT_TRUE(Has("i have chronic back pain and the doctor won't listen", "health"));
  EXPECT_TRUE(Has("my therapist changed my meds", "mental_health"));
  EXPECT_TRUE(Has("i can't sleep at all", "sleep"));
  EXPECT_TRUE(Has("i can't pay my rent and i'm in debt", "money"));
  EXPECT_TRUE(Has("i feel so lonely", "loneliness"));
  EXPECT_TRUE(Has("my dog died yesterday", "grief"));
  EXPECT_TRUE(Has("i think i might be trans", "identity"));
  EXPECT_TRUE(Has("i've been drinking every night", "substance_use"));
  EXPECT_TRUE(Has("i hate my body, i feel fat", "self_image"));
  EXPECT_TRUE(Has("they bullied me at school", "bullying"));
  EXPECT_TRUE(Has("my landlord is evicting me", "housing"));
  EXPECT_TRUE(Has("i have a court date next week", "legal"));
  EXPECT_TRUE(Has("i just found out i'm pregnant", "pregnancy"));
  // Losing a job or looking for one is its own topic, not stress in a job.
  EXPECT_EQ(Labels("I recently lost my job"), std::vector<std::string>{"job_loss"});
  EXPECT_TRUE(Has("I was laid off after ten years", "job_loss"));
  EXPECT_TRUE(Has("do you have any idea for getting a new job?", "job_loss"));
  EXPECT_FALSE(Has("I hate my job", "job_loss"));
}

TEST_F(TopicsTest, RealisticMessages) {
  struct Case {
    const char* text;
    std::vector<std::string> want;  // all must be present
  };
  const std::vector<Case> cases = {
      {"my landlord wants me out by friday and i have nowhere to go", {"housing"}},
      {"my nan passed last week and I can't stop crying", {"grief", "family"}},
      {"my gf and i keep arguing about money", {"relationships", "money"}},
      {"I haven't eaten properly in days, I feel disgusting when I eat", {"self_image"}},
      {"people at uni keep making fun of my accent", {"school", "bullying"}},
      {"I came out to my parents and they kicked me out", {"identity", "family"}},
      {"my period is late and I'm freaking out", {"pregnancy"}},
      {"i was arrested last night and have to go to court", {"legal"}},
      {"my back is killing me and the GP won't see me", {"health"}},
      {"I'm on sertraline but it's not working", {"mental_health"}},
      {"my bestie moved away and now I have no one", {"friends", "loneliness"}},
      {"I keep waking up at 3am", {"sleep"}},
      {"I'm drowning in credit card debt", {"money"}},
      {"my cat had to be put down yesterday", {"grief"}},
      {"my step dad hits my mum", {"family", "abuse"}},
      {"been smoking a lot of weed to cope", {"substance_use"}},
      {"it's my dad's anniversary today", {"family"}},
      {"what do i say to someone who lost their mum", {"grief", "family"}},
  };
  for (const Case& c : cases) {
    for (const std::string& label : c.want) EXPECT_TRUE(Has(c.text, label)) << label;
  }
}

TEST_F(TopicsTest, FigurativeAndOtherSenses) {
  EXPECT_FALSE(Has("I'm on sertraline but it's not working", "work"));
  EXPECT_FALSE(Has("i'm so tired of everything", "sleep"));
  EXPECT_FALSE(Has("I'm sick of pretending", "health"));
  EXPECT_FALSE(Has("how do you work", "work"));
  // "work" as "do the trick" is not a job.
  EXPECT_FALSE(Has("That is a good idea. How did it work", "work"));
  EXPECT_FALSE(Has("do you have one that you think works best?", "work"));
  EXPECT_FALSE(Has("will that work for you", "work"));
  EXPECT_FALSE(Has("the breathing thing worked wonders", "work"));
  EXPECT_TRUE(Has("I have to work tomorrow and I dread it", "work"));
  EXPECT_TRUE(Has("what works for me is leaving work on time", "work"));
  EXPECT_FALSE(Has("every single night they fight", "relationships"));
  EXPECT_FALSE(Has("my driving test", "school"));  // one weak word is not enough
}

TEST_F(TopicsTest, ChatForms) {
  EXPECT_TRUE(Has("my gf is ignoring me", "relationships"));
  EXPECT_TRUE(Has("uni is so stressful", "school"));
  EXPECT_TRUE(Has("MUM!!! stop", "family"));
  EXPECT_TRUE(Has("bestie stopped talking to me", "friends"));
}

TEST_F(TopicsTest, WordBoundariesAndLongerPhraseWins) {
  EXPECT_FALSE(Has("the fireworks were great", "work"));  // no substring matches
  EXPECT_FALSE(Has("I'm sonic fan", "family"));
  // "broke up" is a relationship, not money
  EXPECT_TRUE(Has("he broke up with me", "relationships"));
  EXPECT_FALSE(Has("he broke up with me", "money"));
  EXPECT_TRUE(Has("i'm broke", "money"));
}

TEST_F(TopicsTest, SortedByScoreWithEvidence) {
  std::string text = "my boss fired me, work is hell, and my mum is ill";
  auto topics = Detect(text);
  ASSERT_GE(topics.size(), 2u);
  EXPECT_EQ(topics[0].label, "work");
  for (size_t i = 1; i < topics.size(); ++i) EXPECT_GE(topics[i - 1].score, topics[i].score);
  for (const Topic& t : topics) {
    EXPECT_GT(t.score, 0.0);
    EXPECT_LE(t.score, 1.0);
    ASSERT_FALSE(t.evidence.empty());
    for (const Span& s : t.evidence) {
      ASSERT_LE(s.end, text.size());
      ASSERT_LT(s.start, s.end);
    }
  }
  // evidence points at the original words
  const Topic& work = topics[0];
  EXPECT_EQ(text.substr(work.evidence[0].start, work.evidence[0].end - work.evidence[0].start),
            "boss");
}

TEST_F(TopicsTest, MoreEvidenceScoresHigher) {
  double one = 0, two = 0;
  for (const Topic& t : Detect("my job")) one = t.label == "work" ? t.score : one;
  for (const Topic& t : Detect("my job and my boss")) two = t.label == "work" ? t.score : two;
  EXPECT_GT(two, one);
  // an ambiguous word alone is weaker than a clear one
  double weak = 0;
  for (const Topic& t : Detect("it doesn't work")) weak = t.label == "work" ? t.score : weak;
  EXPECT_LT(weak, one);
}

TEST_F(TopicsTest, LargeInput) {
  std::string big;
  while (big.size() < 200000) big += "my boss and my mum broke up over rent. ";
  auto topics = Detect(big);
  EXPECT_FALSE(topics.empty());
  for (const Topic& t : topics) EXPECT_LE(t.evidence.size(), 32u);
}

}  // namespace
}  // namespace haven::nlp
