#include "reply/state.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

#include "nlp/analyzer.h"

namespace haven::reply {
namespace {

const nlp::Analyzer& Analyzer() {
  static const nlp::Analyzer* a = [] {
    auto loaded = nlp::Analyzer::Load(HAVEN_SOURCE_DATA_DIR);
    if (!loaded.ok()) std::abort();
    return std::move(loaded).value().release();
  }();
  return *a;
}

ConversationState Feed(std::initializer_list<const char*> messages) {
  ConversationState s;
  for (const char* m : messages) s.AddUserTurn(m, Analyzer().Analyze(m));
  return s;
}

TEST(People, ExtractsTheirOwnPhrases) {
  auto people = ExtractPeople("My mum and my little brother fight, and my manager hates me");
  ASSERT_EQ(people.size(), 3u);
  EXPECT_EQ(people[0].phrase, "my mum");
  EXPECT_EQ(people[0].reference, "your mum");
  EXPECT_EQ(people[0].gender, 'f');
  EXPECT_EQ(people[1].reference, "your little brother");
  EXPECT_EQ(people[1].gender, 'm');
  EXPECT_EQ(people[2].reference, "your manager");
  EXPECT_EQ(ExtractPeople("my bf left").at(0).reference, "your boyfriend");
  EXPECT_EQ(ExtractPeople("my ex keeps texting").at(0).reference, "your ex");
  EXPECT_TRUE(ExtractPeople("my car broke down").empty());
  EXPECT_TRUE(ExtractPeople("").empty());
}

TEST(Name, PreferredName) {
  EXPECT_EQ(ExtractPreferredName("you can call me sam").value_or(""), "Sam");
  EXPECT_EQ(ExtractPreferredName("Hi, my name is Priya.").value_or(""), "Priya");
  EXPECT_EQ(ExtractPreferredName("I go by Alex").value_or(""), "Alex");
  EXPECT_FALSE(ExtractPreferredName("call me crazy but I miss her").has_value());
  EXPECT_FALSE(ExtractPreferredName("my name is not important").has_value());
  EXPECT_FALSE(ExtractPreferredName("they call me names at school").has_value());
  EXPECT_FALSE(ExtractPreferredName("call me 555").has_value());
}

TEST(Feeling, OwnWordsAndIntensity) {
  auto read = [](const char* m) { return ReadFeeling(m, Analyzer().Analyze(m)); };
  Feeling f = read("I'm so stressed about my exams");
  EXPECT_EQ(f.family, "stressed");
  EXPECT_EQ(f.own_word, "really stressed");
  f = read("I feel a bit lonely lately");
  EXPECT_EQ(f.family, "lonely");
  EXPECT_EQ(f.intensity, Intensity::kMild);
  f = read("I am absolutely devastated, she's gone");
  EXPECT_EQ(f.intensity, Intensity::kStrong);
  f = read("I've been feeling really low since she left");
  EXPECT_EQ(f.family, "sad");
  EXPECT_NE(f.intensity, Intensity::kMild);
  f = read("I'm not sad, just bored");
  EXPECT_NE(f.family, "sad");
  f = read("I feel so depressed");
  EXPECT_EQ(f.family, "sad");
  EXPECT_EQ(f.own_word, "");  // never said back as a label
  // Feeling foolish, in the ways people say it; never their insult said back.
  for (const char* m : {"Good point. I feel like a fool, but it could happen to anyone.",
                        "I felt so stupid in that meeting", "honestly I feel like a failure"}) {
    f = read(m);
    EXPECT_EQ(f.family, "shame") << m;
    EXPECT_EQ(f.own_word, "") << m;
  }
  EXPECT_NE(read("don't be a fool, it's a stupid movie").family, "shame");
  EXPECT_EQ(read("normally i would spend the holidays with my family but i will be alone this year")
                .family,
            "lonely");
  EXPECT_EQ(read("I start to feel panicked when I leave the house").family, "anxious");
  EXPECT_NE(read("I just want to be alone tonight").family, "lonely");
}

// Feeling better, in the person's words; "calm" and "relaxed" only as feelings.
TEST(Feeling, CalmerAndMoreConfidentAreNamed) {
  auto read = [](const char* m) { return ReadFeeling(m, Analyzer().Analyze(m)); };
  Feeling f = read("Talking to you I feel more relaxed and confident of me.");
  EXPECT_EQ(f.family, "relieved");
  EXPECT_TRUE(f.stated);
  EXPECT_EQ(f.own_word, "relaxed");
  EXPECT_EQ(read("I'm so confident about the interview now").family, "positive");
  EXPECT_NE(read("I can't calm down, my heart is racing").family, "relieved");
  EXPECT_NE(read("the rules are relaxed at my new school").family, "relieved");
}

// A painful label from the classifier on a clearly positive message is not a feeling to reflect,
// as a pleasant label on a clearly negative one is not.
TEST(Feeling, ClassifierLabelAgainstClearSentimentIsSkipped) {
  nlp::Analysis a;
  a.sentiment.compound = 0.77;
  const auto fear =
      static_cast<size_t>(std::find(nlp::kEmotionNames.begin(), nlp::kEmotionNames.end(), "fear") -
                          nlp::kEmotionNames.begin());
  a.emotions.labels = {static_cast<int>(fear)};
  a.emotions.scores[fear] = 0.39f;
  EXPECT_EQ(ReadFeeling("talking to you helps a lot", a).family, "");
  a.sentiment.compound = -0.4;
  EXPECT_EQ(ReadFeeling("talking to you helps a lot", a).family, "anxious");
}

// GoEmotions' "disapproval" (disagreement, and most negated sentences) is not anger.
TEST(Feeling, DisapprovalIsNotAnger) {
  auto read = [](const char* m) { return ReadFeeling(m, Analyzer().Analyze(m)); };
  EXPECT_NE(
      read("Because she does not really like me and she thinks that I am not good for her").family,
      "angry");
  EXPECT_EQ(read("I'm so angry at him for lying to me").family, "angry");
}

// A hesitant painful reading of a message scored clearly positive leaves the feeling a turn ago
// in place ("best friend", "hang out" score positive; the classifier's annoyance is 0.30).
TEST(State, AHesitantMisreadingDoesNotReplaceTheFeelingNamedBefore) {
  ConversationState s = Feed({"I am okay. I am really sad recently",
                              "Well recently when I ask my best friend to hang out, she always "
                              "seems to have an excuse and we havent hung together in months."});
  EXPECT_EQ(s.CurrentFeeling().family, "sad");
}

TEST(State, ResolvesSheToTheSisterNamedEarlier) {
  ConversationState s =
      Feed({"My sister keeps reading my diary and I hate it", "she did it again today"});
  ASSERT_NE(s.current_person(), nullptr);
  EXPECT_EQ(s.current_person()->reference, "your sister");
  EXPECT_EQ(s.situation(), "your sister did it again today");
  EXPECT_EQ(s.ResolvePronoun("he"), "");
}

TEST(State, TheyRefersToThePeopleNamedEarlier) {
  ConversationState s = Feed({"My parents keep fighting about money", "they did it again tonight"});
  ASSERT_NE(s.current_person(), nullptr);
  EXPECT_EQ(s.current_person()->reference, "your parents");
  EXPECT_EQ(s.situation(), "your parents did it again tonight");
  EXPECT_EQ(s.ResolvePronoun("them"), "your parents");
}

TEST(State, ASingularTheyIsFollowedButNotSaidBack) {
  // "your boss said you were lazy" would be right, "your boss keep ..." would not: a singular
  // "they" changes who the message is about, never the words said back.
  ConversationState s = Feed({"my boss humiliated me in the meeting", "they keep saying I'm lazy"});
  ASSERT_NE(s.current_person(), nullptr);
  EXPECT_EQ(s.current_person()->reference, "your boss");
  EXPECT_EQ(s.ResolvePronoun("they"), "");
  EXPECT_EQ(s.situation().find("your boss keep"), std::string::npos);
}

TEST(State, TheyWithNobodyOrTwoCandidatesIsLeftAlone) {
  ConversationState generic = Feed({"I had a rough week", "they say it gets better"});
  EXPECT_EQ(generic.current_person(), nullptr);
  EXPECT_EQ(generic.situation().find("your"), std::string::npos);
  // Two people named without a gender in the same turn: "they" could be either.
  ConversationState two =
      Feed({"my boss and my parents both called today", "they want me to decide by friday"});
  EXPECT_EQ(two.current_person(), nullptr);
  // A gendered person is not "they".
  ConversationState sister = Feed({"my sister is ignoring me", "they never listen"});
  EXPECT_EQ(sister.current_person(), nullptr);
}

TEST(State, ResolutionFadesAfterAFewTurns) {
  ConversationState s = Feed({"my sister is mean to me", "anyway work is fine", "I slept badly",
                              "I had toast", "she did it again"});
  EXPECT_EQ(s.current_person(), nullptr);
}

TEST(State, LatestGenderMatchWins) {
  ConversationState s = Feed({"my mum called", "my girlfriend was upset with me", "she left"});
  ASSERT_NE(s.current_person(), nullptr);
  EXPECT_EQ(s.current_person()->reference, "your girlfriend");
}

TEST(State, RiskTrajectoryFeedsTheSafetyContext) {
  ConversationState s;
  const char* low = "I wish I could just sleep and not wake up";
  auto c0 = s.SafetyContext();
  EXPECT_EQ(c0.recent_low_turns, 0);
  s.AddUserTurn(low, Analyzer().Analyze(low));
  s.AddUserTurn(low, Analyzer().Analyze(low));
  auto c2 = s.SafetyContext();
  EXPECT_EQ(c2.recent_low_turns, 2);
  EXPECT_GE(c2.previous_max_level, RiskLevel::kLow);
  const char* fine = "I watched a film tonight";
  s.AddUserTurn(fine, Analyzer().Analyze(fine));
  EXPECT_EQ(s.SafetyContext().recent_low_turns, 0);
  EXPECT_GE(s.SafetyContext().previous_max_level, RiskLevel::kLow);  // never lowered
}

TEST(State, RemembersWhetherEarlierRiskWasTheLearnedReadersAlone) {
  auto learned = [](RiskLevel level) {
    nlp::Analysis a;
    a.risk.level = level;
    a.risk.evidence.push_back({{0, 5}, "learned_reading"});
    return a;
  };
  ConversationState s;
  EXPECT_FALSE(s.SafetyContext().earlier_risk_learned_alone);
  s.AddUserTurn("words", learned(RiskLevel::kModerate));
  EXPECT_TRUE(s.SafetyContext().earlier_risk_learned_alone);
  s.AddUserTurn("words", learned(RiskLevel::kHigh));
  EXPECT_TRUE(s.SafetyContext().earlier_risk_learned_alone);
  // A phrase the rules know makes the earlier risk sure, for the rest of the conversation.
  const char* sure = "I want to kill myself";
  s.AddUserTurn(sure, Analyzer().Analyze(sure));
  EXPECT_FALSE(s.SafetyContext().earlier_risk_learned_alone);
  s.AddUserTurn("words", learned(RiskLevel::kModerate));
  EXPECT_FALSE(s.SafetyContext().earlier_risk_learned_alone);
}

TEST(State, StagesMoveFromExplorationToAction) {
  ConversationState s;
  EXPECT_EQ(s.stage(), Stage::kExploration);
  const char* msgs[] = {"work has been awful", "my boss shouts at me in meetings",
                        "I dread going in every morning", "I can't sleep on sundays",
                        "I feel stuck there"};
  for (int i = 0; i < 5; ++i) {
    s.AddUserTurn(msgs[i], Analyzer().Analyze(msgs[i]));
    if (i == 1) {
      EXPECT_EQ(s.stage(), Stage::kExploration);
    }
    if (i == 2) {
      EXPECT_EQ(s.stage(), Stage::kComforting);
    }
  }
  EXPECT_EQ(s.stage(), Stage::kAction);
  EXPECT_EQ(s.CurrentTopic(), "work");
  EXPECT_EQ(s.Stressors().front().first, "work");
}

TEST(State, WorkAfterALayOffIsTheLostJob) {
  ConversationState s = Feed({"my boss at work keeps shouting at me"});
  EXPECT_EQ(s.CurrentTopic(), "work");
  EXPECT_FALSE(s.TopicCameUp("job_loss"));
  s = Feed({"I was laid off last week", "the management at work never liked me"});
  EXPECT_TRUE(s.TopicCameUp("job_loss"));
  EXPECT_TRUE(s.TopicCameUp("work"));
  EXPECT_EQ(s.CurrentTopic(), "job_loss");
}

TEST(State, MinimalRepliesAreNotSubstantive) {
  ConversationState s = Feed({"ok", "yeah", "idk"});
  EXPECT_EQ(s.substantive_turns(), 0);
  EXPECT_TRUE(s.last_turn()->minimal);
}

TEST(State, RemembersWhatWasOffered) {
  ConversationState s;
  s.AddAssistantTurn("What has been hardest?", Strategy::kQuestion, "q-1", "");
  s.AddAssistantTurn("Would it help to try something?", Strategy::kQuestion, "q-offer", "offer");
  EXPECT_TRUE(s.VariantUsed("q-1"));
  EXPECT_FALSE(s.VariantUsed("q-2"));
  EXPECT_FALSE(s.VariantUsed(""));
  EXPECT_EQ(s.last_tag(), "offer");
  EXPECT_EQ(s.StrategyCount(Strategy::kQuestion), 2);
}

TEST(State, TrendFollowsSentiment) {
  ConversationState s = Feed({"everything is awful and I hate it", "I'm miserable",
                              "actually talking helped, I feel a lot better, thank you"});
  EXPECT_EQ(s.trend(), Trend::kImproving);
}

TEST(Activity, RoundTripsAsJsonWithoutTheResults) {
  ActivityState a;
  FlowState flow;
  flow.flow_id = "box_breathing";
  flow.phase = FlowPhase::kInterrupted;
  flow.step = "breathe";
  flow.captures["worry"] = {"my exam", "money"};
  flow.inputs["line"] = "988";
  a.flow = flow;
  a.interrupted_turn = 7;
  a.screening_offer = Instrument::kGad7;
  a.offered = {"box_breathing", "gad7"};
  a.check_backs.push_back({"worry_time", "How did the worry time go?", {{"worry", {"exam"}}}});
  a.screening_results.push_back(MakeResult(Instrument::kPhq9, {1, 1}, std::nullopt, 1, 2));
  const std::string json = ActivityStateToJson(a, 9);
  EXPECT_NE(json.find("\"interrupted_turns_ago\":2"), std::string::npos) << json;
  EXPECT_EQ(json.find("answers"), std::string::npos) << "results are stored on their own";

  // Read back in a conversation rebuilt with 4 user turns: still two turns ago.
  auto back = ActivityStateFromJson(json, 4);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->flow, a.flow);
  EXPECT_EQ(back->interrupted_turn, 2);
  EXPECT_EQ(back->screening_offer, a.screening_offer);
  EXPECT_EQ(back->offered, a.offered);
  ASSERT_EQ(back->check_backs.size(), 1u);
  EXPECT_EQ(back->check_backs[0].text, "How did the worry time go?");
  EXPECT_EQ(back->check_backs[0].captures, a.check_backs[0].captures);
  EXPECT_TRUE(back->screening_results.empty());

  ScreeningState s;
  s.instrument = Instrument::kPhq9;
  s.item = 2;
  s.answers = {1, 3};
  s.started_at = 42;
  ActivityState b;
  b.screening = s;
  auto b2 = ActivityStateFromJson(ActivityStateToJson(b, 3), 3);
  ASSERT_TRUE(b2.ok());
  EXPECT_EQ(b2->screening, b.screening);
}

TEST(Activity, NothingToKeepIsEmptyAndBadJsonIsRefused) {
  EXPECT_EQ(ActivityStateToJson(ActivityState(), 5), "");
  auto empty = ActivityStateFromJson("", 5);
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->flow || empty->screening || empty->screening_offer);
  for (const char* bad : {"[]", "{", R"({"offered":[]})", R"({"offered":[1],"check_backs":[]})",
                          R"({"offered":[],"check_backs":[],"screening_offer":"phq10"})",
                          R"({"offered":[],"check_backs":[],"screening":{"instrument":"phq9"}})",
                          R"({"offered":[],"check_backs":[{"flow_id":"x"}]})"}) {
    auto r = ActivityStateFromJson(bad, 1);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
    }
  }
}

}  // namespace
}  // namespace haven::reply
