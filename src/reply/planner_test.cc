#include "reply/planner.h"

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

// Feeds `text` to `state` and plans it, as the engine does.
Plan Turn(ConversationState& state, const std::string& text, Strategy said = Strategy::kOther,
          const std::string& tag = "") {
  nlp::Analysis a = Analyzer().Analyze(text);
  safety::ConversationContext ctx = state.SafetyContext();
  state.AddUserTurn(text, a);
  Plan p = PlanTurn(text, a, ctx, state);
  state.AddAssistantTurn("reply", said == Strategy::kOther ? p.strategy : said, "",
                         tag.empty() ? p.tag : tag);
  return p;
}

Plan First(const std::string& text) {
  ConversationState s;
  return Turn(s, text);
}

bool Has(const Plan& p, const std::string& why) {
  return std::find(p.why.begin(), p.why.end(), why) != p.why.end();
}

TEST(Planner, SafetyComesFirstAndCannotBeOverridden) {
  Plan p = First("I keep thinking about killing myself, can you give me advice?");
  EXPECT_EQ(p.strategy, Strategy::kCrisis);
  EXPECT_TRUE(p.decision.escalate_to_human);
  EXPECT_TRUE(Has(p, "safety:crisis_reply"));
  p = First("I just took all my pills");
  EXPECT_EQ(p.strategy, Strategy::kCrisis);
  EXPECT_EQ(p.decision.action, safety::Action::kEmergency);
  p = First("I wish I could go to sleep and never wake up");
  EXPECT_EQ(p.strategy, Strategy::kCrisis);
  EXPECT_EQ(p.tag, "check_in");
}

TEST(Planner, AnswersIntentsDirectly) {
  EXPECT_EQ(First("can I talk to a real person please").strategy, Strategy::kHandoff);
  Plan bot = First("are you a bot?");
  EXPECT_EQ(bot.strategy, Strategy::kInformation);
  EXPECT_EQ(bot.tag, "about_ai");
  EXPECT_EQ(First("bye, talk later").tag, "goodbye");
  EXPECT_EQ(First("hello").tag, "greeting");
  EXPECT_EQ(First("my friend told me she wants to die").tag, "third_party");
}

TEST(Planner, ThanksOnTheWayOutIsAGoodbye) {
  Plan p = First("Thanks, I wish you luck in your future endeavours Bye then ; )");
  EXPECT_EQ(p.tag, "goodbye");
  EXPECT_TRUE(Has(p, "takes_leave"));
  EXPECT_EQ(First("Okay. Thank you. Thank you for your valuable suggestions. BYE ! !").tag,
            "goodbye");
  EXPECT_EQ(First("thank you so much").tag, "gratitude");
  // Whatever else the message said, when its last sentence takes leave.
  EXPECT_EQ(First("This has made my day and now I know how to make more friends. Thank you for "
                  "listening today and have a great day. Bye!")
                .tag,
            "goodbye");
  EXPECT_EQ(First("stay safe agreed have a good day.").tag, "goodbye");
  EXPECT_EQ(First("Thank you so much. Take care. Be safe.").tag, "goodbye");
  EXPECT_NE(First("I just want to feel safe at home").tag, "goodbye");
  EXPECT_NE(First("I have to take care of my mum every evening and I'm exhausted").tag, "goodbye");
  EXPECT_NE(First("I have to go to work tomorrow and I dread it").tag, "goodbye");
  EXPECT_EQ(First("Likewise, Thank you again! I hope you have a wonderful day/evening!").tag,
            "goodbye");
  // Leave taken in the sentence before thanks or kind words.
  EXPECT_EQ(First("I will likely be staying where I am with the kids. I have to go now. Thank you "
                  "for chatting with me!")
                .tag,
            "goodbye");
  EXPECT_EQ(First("Ok I need to go soon. Thanks, you have been really kind").tag, "goodbye");
  EXPECT_NE(First("I have to go now. My sister just called and she's crying").tag, "goodbye");
  EXPECT_NE(First("I don't know where I need to go").tag, "goodbye");
  EXPECT_EQ(First("I am going to check another college. Thanks for the chat. have a Merry "
                  "Christmas")
                .tag,
            "goodbye");
  EXPECT_NE(First("I need to go to the doctor. Thanks for asking").tag, "goodbye");
}

TEST(Planner, AnAnswerToHowLongIsHeardAsAnAnswer) {
  auto after_how_long = [](const std::string& answer) {
    ConversationState s;
    Turn(s, "this co-worker keeps going behind my back");
    s.AddAssistantTurn("That sounds difficult. How long has this been going on?",
                       Strategy::kQuestion, "", "");
    return Turn(s, answer);
  };
  EXPECT_EQ(after_how_long("For about a year").tag, "long_time");
  EXPECT_EQ(after_how_long("years honestly").tag, "long_time");
  EXPECT_EQ(after_how_long("since I was 15").tag, "long_time");
  EXPECT_EQ(after_how_long("a few days").tag, "recent");
  EXPECT_EQ(after_how_long("since monday").tag, "recent");
  EXPECT_TRUE(Has(after_how_long("about two weeks now"), "answered_how_long"));
  EXPECT_NE(after_how_long("I don't know").tag, "long_time");
  // How long they were together is not how long the trouble lasted.
  {
    ConversationState t;
    Turn(t, "my boyfriend broke up with me");
    t.AddAssistantTurn("I'm sorry. How long were you together?", Strategy::kQuestion, "", "");
    EXPECT_NE(Turn(t, "3 years").tag, "long_time");
  }
  // Not an answer when Haven did not ask, nor a long story that names a time.
  ConversationState s;
  Turn(s, "this co-worker keeps going behind my back");
  EXPECT_NE(Turn(s, "For about a year").tag, "long_time");
  EXPECT_NE(after_how_long("it started a year ago when my manager left and then everything at "
                           "work slowly went wrong for me")
                .tag,
            "long_time");
}

TEST(Planner, SmallTalkMidConversationIsNotGreeted) {
  ConversationState s;
  Turn(s, "my friend hasn't talked to me in weeks and I miss her");
  Turn(s, "we used to talk every day and now nothing");
  EXPECT_NE(Turn(s, "Lol. I think I can do that!").tag, "greeting");
  EXPECT_EQ(First("lol hi").tag, "greeting");
}

TEST(Planner, AStepTheyWillTakeIsAffirmedInTheirWords) {
  ConversationState s;
  Turn(s, "my friend hasn't talked to me in weeks and I miss her");
  Plan p = Turn(s, "Ok. I'll try sending her a couple of texts every day.");
  EXPECT_EQ(p.strategy, Strategy::kAffirmation);
  EXPECT_EQ(p.tag, "plan");
  EXPECT_EQ(p.step, "try sending her a couple of texts every day");
  EXPECT_TRUE(Has(p, "their_step"));
  // Asked for more ideas as well: the ideas come first.
  EXPECT_NE(Turn(s, "I'll try that. do you have any other tips?").tag, "plan");
  // A first message is heard first.
  EXPECT_NE(First("I'm going to call my mum tonight").tag, "plan");
  // Not a step: "I'll be fine".
  ConversationState t;
  Turn(t, "my exams start next week and I'm so stressed");
  EXPECT_NE(Turn(t, "I'll be fine I guess").tag, "plan");
}

TEST(Planner, AnExplicitRequestForIdeasIsAdviceWhateverElseTheMessageSays) {
  ConversationState s;
  Turn(s, "my friend blocked me everywhere after we argued and I feel awful");
  Turn(s, "she said I was selfish and I keep going over it");
  Plan p = Turn(s,
                "I guess I'm the type of person who has to tell people how I feel. Do you have any "
                "other suggestions how I can get past this?");
  EXPECT_EQ(p.strategy, Strategy::kSuggestion);
  EXPECT_TRUE(Has(p, "advice_requested"));
  ConversationState t;
  Turn(t, "I don't have enough money to buy my kids christmas presents this year");
  Turn(t, "I can't craft, anything I made would be so bad");
  EXPECT_EQ(Turn(t, "Do you have any craft ideas?").strategy, Strategy::kSuggestion);
}

TEST(Planner, ThanksThatOpensMoreNewsIsAnsweredForTheNews) {
  ConversationState s;
  Turn(s, "my best friend keeps cancelling on me and I feel like I'm not a priority");
  Plan p = Turn(s,
                "Thank you. I try to be a good friend. My husband thinks I should just not talk to "
                "her anymore but we have been friends for almost 10 years.");
  EXPECT_NE(p.tag, "gratitude");
  ConversationState t;
  Turn(t, "my exams are stressing me out");
  EXPECT_EQ(Turn(t, "Thanks for the talk, you've been more helpful than my teachers!").tag,
            "gratitude");
}

TEST(Planner, ADecisionTheyAskAboutIsTheirsToMake) {
  ConversationState s;
  Turn(s, "my best friend keeps cancelling on me and I feel like I'm not a priority");
  Plan p = Turn(s,
                "Okay. Do you think I should say we need space or just distance myself for a bit "
                "and see what happens?");
  EXPECT_EQ(p.strategy, Strategy::kQuestion);
  EXPECT_EQ(p.tag, "dilemma");
  EXPECT_TRUE(Has(p, "their_decision"));
  // Safety still comes first.
  EXPECT_EQ(First("should I just take all my pills tonight").strategy, Strategy::kCrisis);
}

TEST(Planner, AskedAboutItselfAsIfAPersonItSaysItIsAnAi) {
  for (const char* text : {"Tell me about you something", "About your hobbies?",
                           "Where are you living", "Okay are you female or male?"}) {
    Plan p = First(text);
    EXPECT_EQ(p.strategy, Strategy::kInformation) << text;
    EXPECT_EQ(p.tag, "about_ai") << text;
  }
}

TEST(Planner, ExploresBeforeAdvising) {
  Plan p = First("what should I do about my boss?");
  EXPECT_EQ(p.strategy, Strategy::kQuestion);
  EXPECT_EQ(p.tag, "before_advice");
  EXPECT_TRUE(Has(p, "explore_before_advising"));
}

TEST(Planner, AsksBeforeSuggesting) {
  ConversationState s;
  const char* msgs[] = {"work has been awful lately", "my manager shouts at me in meetings",
                        "I dread going in every morning", "I can't sleep on sundays",
                        "I feel stuck there"};
  Plan p;
  for (const char* m : msgs) p = Turn(s, m);
  EXPECT_EQ(s.stage(), Stage::kAction);
  EXPECT_EQ(p.strategy, Strategy::kQuestion);
  EXPECT_EQ(p.tag, "offer");
  Plan yes = Turn(s, "yes, that would help");
  EXPECT_EQ(yes.strategy, Strategy::kSuggestion);
  EXPECT_TRUE(Has(yes, "offer:accepted"));
}

TEST(Planner, DeclinedOfferIsRespected) {
  ConversationState s;
  s.AddAssistantTurn("Would you like an idea?", Strategy::kQuestion, "of-01", "offer");
  Plan no = Turn(s, "no thanks, I just want to talk");
  EXPECT_EQ(no.tag, "declined");
  EXPECT_NE(no.strategy, Strategy::kSuggestion);
}

TEST(Planner, NeverTheSameExplorationStrategyTwiceInARow) {
  ConversationState s;
  Plan a = Turn(s, "I feel so lonely since I moved to a new city");
  Plan b = Turn(s, "I don't really know anyone here and weekends are the worst");
  EXPECT_NE(a.strategy, b.strategy);
  EXPECT_TRUE(a.strategy == Strategy::kReflection || a.strategy == Strategy::kRestatement);
  EXPECT_EQ(b.strategy, Strategy::kQuestion);
}

TEST(Planner, MinimalRepliesGetAGentleQuestion) {
  Plan p = First("idk");
  EXPECT_EQ(p.strategy, Strategy::kQuestion);
  EXPECT_EQ(p.tag, "minimal");
}

TEST(Planner, Consent) {
  EXPECT_EQ(ReadOfferReply("Yes please"), "yes");
  EXPECT_EQ(ReadOfferReply("sure, go on"), "yes");
  EXPECT_EQ(ReadOfferReply("no thanks"), "no");
  EXPECT_EQ(ReadOfferReply("not right now"), "no");
  EXPECT_EQ(ReadOfferReply("my boss is awful"), "");
}

TEST(Planner, IsDeterministic) {
  ConversationState a, b;
  Plan pa = Turn(a, "my girlfriend left me and I can't stop crying");
  Plan pb = Turn(b, "my girlfriend left me and I can't stop crying");
  EXPECT_EQ(pa.strategy, pb.strategy);
  EXPECT_EQ(pa.why, pb.why);
}

}  // namespace
}  // namespace haven::reply
