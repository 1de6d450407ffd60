#include "reply/paraphrase.h"

#include <gtest/gtest.h>

#include <string>

namespace haven::reply {
namespace {

std::string Sw(std::string_view s) { return SwitchPerson(s).value_or("<none>"); }
std::string Sit(std::string_view s) { return Situation(s).value_or("<none>"); }

TEST(SwitchPerson, Pronouns) {
  EXPECT_EQ(Sw("my boss hates me"), "your boss hates you");
  EXPECT_EQ(Sw("I am tired of myself"), "you are tired of yourself");
  EXPECT_EQ(Sw("I'm scared"), "you're scared");
  EXPECT_EQ(Sw("I’m scared"), "you're scared");  // curly apostrophe
  EXPECT_EQ(Sw("I've lost my job"), "you've lost your job");
  EXPECT_EQ(Sw("I'd rather stay home"), "you'd rather stay home");
  EXPECT_EQ(Sw("I'll never finish"), "you'll never finish");
  EXPECT_EQ(Sw("the choice was mine"), "the choice was yours");
  EXPECT_EQ(Sw("we argue and our kids hear us"), "you argue and your kids hear you");
  EXPECT_EQ(Sw("im so done"), "you're so done");
  EXPECT_EQ(Sw("ive tried everything"), "you've tried everything");
  EXPECT_EQ(Sw("idk what to do"), "you don't know what to do");
}

TEST(SwitchPerson, VerbAgreement) {
  EXPECT_EQ(Sw("I was fired"), "you were fired");
  EXPECT_EQ(Sw("I really was trying"), "you really were trying");
  EXPECT_EQ(Sw("I wasn't ready"), "you weren't ready");
  EXPECT_EQ(Sw("it was my fault and I was wrong"), "it was your fault and you were wrong");
  EXPECT_EQ(Sw("the party was awful"), "the party was awful");  // "was" of another subject
}

TEST(SwitchPerson, KeepsOtherWordsAndPunctuation) {
  EXPECT_EQ(Sw("my sister, Anna, ignores me"), "your sister, Anna, ignores you");
  EXPECT_EQ(Sw("I  hate   Mondays"), "you hate Mondays");
  EXPECT_EQ(Sw("I HATE this"), "you hate this");
  EXPECT_EQ(Sw("my TV broke"), "your TV broke");
}

TEST(SwitchPerson, RefusesSecondPerson) {
  EXPECT_FALSE(SwitchPerson("you never listen to me").has_value());
  EXPECT_FALSE(SwitchPerson("I think your advice is bad").has_value());
  EXPECT_FALSE(SwitchPerson("u wouldn't get it").has_value());
  EXPECT_FALSE(SwitchPerson("she said \"I hate you\"").has_value());
}

TEST(Situation, FeelLikeBecomesItFeelsLike) {
  EXPECT_EQ(Sit("I feel like my boss hates me"), "it feels like your boss hates you");
  EXPECT_EQ(Sit("I just feel like nobody cares about me."),
            "it just feels like nobody cares about you");
  EXPECT_EQ(Sit("I feel as if I'm failing everyone"), "it feels as if you're failing everyone");
  EXPECT_EQ(Sit("I feel that my friends don't care"), "it feels like your friends don't care");
}

TEST(Situation, FeelLikeNounPhraseStaysPersonal) {
  EXPECT_EQ(Sit("I feel like a failure"), "you feel like a failure");
  EXPECT_EQ(Sit("I feel like crying all the time"), "you feel like crying all the time");
}

TEST(Situation, PicksTheFirstPersonSentence) {
  EXPECT_EQ(Sit("Hi. My manager keeps giving me more work. It's Monday."),
            "your manager keeps giving you more work");
  EXPECT_EQ(Sit("so honestly I can't sleep before exams lol"), "you can't sleep before exams");
  EXPECT_EQ(Sit("ugh. i'm so stressed about money :("), "you're so stressed about money");
  EXPECT_EQ(Sit("We broke up last week"), "you broke up last week");
}

TEST(Situation, PrefersFeelingsOverSmallTalk) {
  EXPECT_EQ(Sit("I went to the shop today. I feel so alone since she left."),
            "you feel so alone since she left");
}

TEST(Situation, LongSentencesUseAClause) {
  auto s = Situation(
      "I have been working every single weekend for months now because the team is short "
      "staffed and nobody seems to notice, and I'm exhausted");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(*s, "you're exhausted");
}

TEST(Situation, RefusesWhatItCannotSayBack) {
  EXPECT_FALSE(Situation("Are you a real person?").has_value());
  EXPECT_FALSE(Situation("Why do I always mess up?").has_value());
  EXPECT_FALSE(Situation("you don't understand me").has_value());
  EXPECT_FALSE(Situation("It's raining.").has_value());
  EXPECT_FALSE(Situation("I don't know").has_value());
  EXPECT_FALSE(Situation("i'm fine").has_value());
  EXPECT_FALSE(Situation("Yes. I did not.").has_value());
  EXPECT_FALSE(Situation("I have one").has_value());
  EXPECT_FALSE(Situation("I owe 3000 to the bank").has_value());
  EXPECT_FALSE(Situation("email me at a@b.com my friend").has_value());
  EXPECT_FALSE(Situation("I want to kill myself").has_value());
  EXPECT_FALSE(Situation("my boss is a fucking idiot").has_value());
  EXPECT_FALSE(Situation("my name is Sam").has_value());
  EXPECT_FALSE(Situation("").has_value());
  EXPECT_FALSE(Situation("😢😢😢").has_value());
}

std::string SisterResolver(std::string_view pronoun, const void*) {
  return pronoun == "she" ? "your sister" : "";
}

TEST(Situation, ResolvesAPronounToSomeoneNamedEarlier) {
  EXPECT_EQ(Situation("she did it again.", SisterResolver).value_or("<none>"),
            "your sister did it again");
  EXPECT_FALSE(Situation("he did it again.", SisterResolver).has_value());
  EXPECT_FALSE(Situation("she did it again.").has_value());
}

TEST(Situation, NeverLeavesCapitalsOrFinalPunctuation) {
  for (const char* m : {"My mum never listens!!!", "I'M SO TIRED...", "I lost my job today."}) {
    auto s = Situation(m);
    ASSERT_TRUE(s.has_value()) << m;
    EXPECT_FALSE(std::isupper(static_cast<unsigned char>((*s)[0]))) << *s;
    EXPECT_EQ(s->find_first_of(".!?"), std::string::npos) << *s;
  }
}

TEST(Situation, AnyBytesAreSafe) {
  std::string junk;
  for (int i = 0; i < 512; ++i) junk.push_back(static_cast<char>((i * 37) & 0xFF));
  (void)Situation(junk);
  (void)SwitchPerson(junk);
  (void)Situation(std::string(100000, 'a'));
}

TEST(Situation, ALongSentenceGivesThePartThatStartsAgainWithThePerson) {
  EXPECT_EQ(Situation("I loved physics and I decided to attend university, but soon after I slowly "
                      "lost my interest and became unmotivated"),
            "you slowly lost your interest and became unmotivated");
  EXPECT_EQ(Situation("I was fine at first but then my boss started shouting at me every day"),
            "your boss started shouting at you every day");
}

TEST(Situation, AClauseWithNothingFeltOrHardIsNotSaidBack) {
  EXPECT_EQ(Situation("we are in hr"), std::nullopt);
  EXPECT_TRUE(Situation("My mum never listens!!!").has_value());
}

TEST(Situation, AClosingThanksIsNotSaidBack) {
  EXPECT_EQ(Situation("I have no one so it is nice to connect with someone thanks"),
            "you have no one so it is nice to connect with someone");
  EXPECT_EQ(Situation("I finally told my mum how I feel, thank you"),
            "you finally told your mum how you feel");
}

TEST(Dilemma, TheDecisionInTheirWordsSwitched) {
  EXPECT_EQ(Dilemma("Okay. Do you think I should say we need space or just distance myself for a "
                    "bit and see what happens?"),
            "whether to say you need space or just distance yourself for a bit and see what "
            "happens");
  EXPECT_EQ(Dilemma("should I tell my mum?"), "whether to tell your mum");
  EXPECT_EQ(Dilemma("I don't know whether to stay or go"), "whether to stay or go");
  EXPECT_EQ(Dilemma("im not sure if i should text him first lol"), "whether to text him first");
  EXPECT_EQ(Dilemma("I can't decide whether I should quit my job"), "whether to quit your job");
}

TEST(Dilemma, NoneWithoutADecisionOrWhenItCannotBeSaidBack) {
  EXPECT_EQ(Dilemma("what should I do?"), std::nullopt);  // no decision named
  EXPECT_EQ(Dilemma("what should I do about my boss?"), std::nullopt);
  EXPECT_EQ(Dilemma("how should I tell my mum"), std::nullopt);
  EXPECT_EQ(Dilemma("what do you think I should do about work?"), std::nullopt);
  EXPECT_EQ(Dilemma("what exactly should I say to her"), std::nullopt);
  EXPECT_EQ(Dilemma("should I do about it"), std::nullopt);
  EXPECT_EQ(Dilemma("do you think I should do something about it"),
            "whether to do something about it");
  EXPECT_EQ(Dilemma("I think I should leave him"), std::nullopt);  // decided, not asked
  EXPECT_EQ(Dilemma("I wonder if it will rain"), std::nullopt);
  EXPECT_EQ(Dilemma("should I tell you about it"), std::nullopt);  // "you": ambiguous
  EXPECT_EQ(Dilemma("should I take 20 of them"), std::nullopt);    // digits
  EXPECT_EQ(Dilemma("should I just kill myself"), std::nullopt);   // never said back
  EXPECT_EQ(Dilemma(""), std::nullopt);
  EXPECT_EQ(Dilemma("should I"), std::nullopt);
  std::string bytes = "should i " + std::string("\xff\xfe\0", 3) + " or ";
  bytes += std::string(5000, 'a');
  EXPECT_EQ(Dilemma(bytes), std::nullopt);
}

TEST(Situation, HedgesAndElidedAnswersAreNotSaidBack) {
  EXPECT_EQ(Situation("I guess I'm worried because she never answers my texts"),
            "you're worried because she never answers your texts");
  EXPECT_EQ(Situation("I have and he turns it into something nasty every time"), std::nullopt);
  EXPECT_EQ(Situation("I did but nobody listened to me at all"), std::nullopt);
  EXPECT_EQ(Situation("Yeah they do which is why it's so frustrating to hear them talk about it"),
            std::nullopt);
  EXPECT_EQ(Situation("she does because her mum told her to keep an eye on me"), std::nullopt);
  // An intensifier after the verb is not an elided answer.
  EXPECT_EQ(Situation("I am so tired of fighting with my sister every day"),
            "you are so tired of fighting with your sister every day");
}

TEST(Situation, APoliteOkBeforeJustIsNotSaidBack) {
  EXPECT_EQ(Situation("I'm ok just kind of sick of the same old stuff happening at work"),
            "you're kind of sick of the same old stuff happening at work");
  EXPECT_EQ(Situation("I am good, just feeling low"), "you are feeling low");
  EXPECT_EQ(Situation("im fine but really tired of my flatmates"),
            "you're really tired of your flatmates");
  // A new subject after "but" is another clause: the sentence is not cut into nonsense.
  EXPECT_NE(Situation("I'm fine but my boss keeps yelling at me"),
            "you're your boss keeps yelling at you");
  EXPECT_NE(Situation("I'm okay but Sam keeps ignoring my messages"),
            "you're Sam keeps ignoring your messages");
}

TEST(Situation, NotAClauseThatOnlyPointsBack) {
  EXPECT_EQ(Situation("yes my parents are making sure of that!"), std::nullopt);
  EXPECT_EQ(Situation("a friend of mine suggested dating but I have ZERO interest in that"),
            std::nullopt);
  EXPECT_EQ(Situation("I can't do it"), std::nullopt);
  EXPECT_EQ(Situation("I can't stop thinking about what she said"),
            "you can't stop thinking about what she said");
}

TEST(NextStep, TheStepTheyWillTakeInTheirWordsSwitched) {
  EXPECT_EQ(NextStep("Ok. I'll try sending a couple of texts every day. Then I'll see if she "
                     "wants to have lunch."),
            "try sending a couple of texts every day");
  EXPECT_EQ(NextStep("I think I will talk to my manager tomorrow about my hours"),
            "talk to your manager tomorrow about your hours");
  EXPECT_EQ(NextStep("yeah im gonna call my mum tonight"), "call your mum tonight");
  EXPECT_EQ(NextStep("I am going to look up some support groups near me"),
            "look up some support groups near you");
  EXPECT_EQ(NextStep("maybe I'll just go for a walk after work"), "go for a walk after work");
  EXPECT_EQ(NextStep("I plan to write down what I want to say to him"),
            "write down what you want to say to him");
}

TEST(NextStep, ASecondThoughtIsNotPartOfTheStep) {
  EXPECT_EQ(NextStep("maybe i'll try talking to them but am still scared to approach them"),
            "try talking to them");
  EXPECT_TRUE(PointsBack("try that"));
  EXPECT_TRUE(PointsBack("keep working hard on those"));
  EXPECT_FALSE(PointsBack("try sending her a couple of texts every day"));
  EXPECT_FALSE(PointsBack("write that down and post it on your fridge"));
}

TEST(NextStep, NoneWithoutAStepOrWhenItCannotBeSaidBack) {
  EXPECT_EQ(NextStep("I'll be fine"), std::nullopt);  // not a step
  EXPECT_EQ(NextStep("I'll just stay in bed all day"), std::nullopt);
  EXPECT_EQ(NextStep("I will never talk to her again"), std::nullopt);
  EXPECT_EQ(NextStep("I'm going to stop eating"), std::nullopt);
  EXPECT_EQ(NextStep("I'll go away forever"), std::nullopt);
  EXPECT_EQ(NextStep("I'm going to take all the pills"), std::nullopt);  // never said back
  EXPECT_EQ(NextStep("she will call me tomorrow"), std::nullopt);        // not theirs
  EXPECT_EQ(NextStep("if I talk to him he'll get angry"), std::nullopt);
  EXPECT_EQ(NextStep("I'll try"), std::nullopt);  // too few words
  EXPECT_EQ(NextStep(""), std::nullopt);
  std::string bytes = "i'll try " + std::string("\xff\xfe\0", 3) + std::string(5000, 'a');
  EXPECT_EQ(NextStep(bytes), std::nullopt);
}

}  // namespace
}  // namespace haven::reply
