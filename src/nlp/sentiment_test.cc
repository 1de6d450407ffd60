#include "nlp/sentiment.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace haven::nlp {
namespace {

class SentimentTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto scorer = SentimentScorer::Load(HAVEN_SOURCE_DATA_DIR);
    ASSERT_TRUE(scorer.ok()) << scorer.status().message();
    scorer_ = new SentimentScorer(std::move(scorer).value());
    auto normalizer = Normalizer::Load(HAVEN_SOURCE_DATA_DIR);
    normalizer_ =
        normalizer.ok() ? new Normalizer(std::move(normalizer).value()) : new Normalizer();
  }
  static void TearDownTestSuite() {
    delete scorer_;
    delete normalizer_;
    scorer_ = nullptr;
    normalizer_ = nullptr;
  }

  static Sentiment S(std::string_view text) { return scorer_->Score(normalizer_->Normalize(text)); }
  static double C(std::string_view text) { return S(text).compound; }

  static SentimentScorer* scorer_;
  static Normalizer* normalizer_;
};
SentimentScorer* SentimentTest::scorer_ = nullptr;
Normalizer* SentimentTest::normalizer_ = nullptr;

void ExpectWellFormed(const Sentiment& s) {
  EXPECT_TRUE(std::isfinite(s.compound));
  EXPECT_GE(s.compound, -1.0);
  EXPECT_LE(s.compound, 1.0);
  EXPECT_GE(s.pos, 0.0);
  EXPECT_GE(s.neu, 0.0);
  EXPECT_GE(s.neg, 0.0);
  EXPECT_NEAR(s.pos + s.neu + s.neg, 1.0, 1e-9);
}

// --- Faithful to VADER where Haven adds nothing (reference: vader-sentiment 1.1.3) ---

TEST_F(SentimentTest, MatchesVaderOnPlainSentences) {
  EXPECT_NEAR(C("VADER is smart, handsome, and funny."), 0.8316, 1e-4);
  EXPECT_NEAR(C("VADER is smart, handsome, and funny!"), 0.8439, 1e-4);
  EXPECT_NEAR(C("The book was good."), 0.4404, 1e-4);
  EXPECT_NEAR(C("The book was kind of good."), 0.3832, 1e-4);
  EXPECT_NEAR(C("Today SUX!"), -0.5461, 1e-4);
  // VADER gets 0.8633 here because it counts ":D" as an ALL CAPS word; Haven does not.
  EXPECT_NEAR(C("Make sure you :) or :D today!"), 0.8356, 1e-4);
}

TEST_F(SentimentTest, VaderPosNegNeuShares) {
  const Sentiment s = S("The book was good.");
  // Four items (the, book, was, good): 1 + 1.9 positive, 3 neutral.
  EXPECT_NEAR(s.pos, 2.9 / 5.9, 1e-9);
  EXPECT_NEAR(s.neu, 3.0 / 5.9, 1e-9);
  EXPECT_EQ(s.neg, 0.0);
}

// --- Edge cases ---

TEST_F(SentimentTest, EmptyTextIsNeutral) {
  const Sentiment s = S("");
  EXPECT_EQ(s.compound, 0.0);
  EXPECT_EQ(s.neu, 1.0);
  EXPECT_EQ(s.pos, 0.0);
  EXPECT_EQ(s.neg, 0.0);
}

TEST_F(SentimentTest, PunctuationOnlyIsNeutral) {
  for (const char* t : {"!!!", "???", "...", "  \n\t ", ","}) {
    const Sentiment s = S(t);
    EXPECT_EQ(s.compound, 0.0) << t;
    EXPECT_EQ(s.neu, 1.0) << t;
  }
}

TEST_F(SentimentTest, NeutralWordsAreNeutral) {
  const Sentiment s = S("The table is in the kitchen.");
  EXPECT_EQ(s.compound, 0.0);
  EXPECT_EQ(s.neu, 1.0);
}

TEST_F(SentimentTest, SharesSumToOneAndCompoundInBounds) {
  const char* texts[] = {
      "I love this so much!!! 😍😍😍",
      "I HATE EVERYTHING. NOTHING WORKS. UGH!!!!!",
      "The food was great but the service was terrible",
      "meh",
      "not bad, not bad at all :)",
      "I can't cope anymore, everything is falling apart 😭",
      "?!?!?!",
      "\xff\xfe broken utf8 but happy",
      "lol",
  };
  for (const char* t : texts) {
    SCOPED_TRACE(t);
    ExpectWellFormed(S(t));
  }
}

TEST_F(SentimentTest, HugeTextStaysBoundedAndFinite) {
  std::string pos;
  std::string neg;
  for (int i = 0; i < 20000; ++i) {
    pos += "great wonderful amazing ";
    neg += "awful terrible horrible!!! ";
  }
  const Sentiment p = S(pos);
  const Sentiment n = S(neg);
  ExpectWellFormed(p);
  ExpectWellFormed(n);
  EXPECT_GT(p.compound, 0.99);
  EXPECT_LT(n.compound, -0.99);
}

TEST_F(SentimentTest, CompoundIsVadersNormalisation) {
  const double x = 1.9;  // VADER's "good"
  EXPECT_NEAR(C("good"), x / std::sqrt(x * x + 15.0), 1e-12);
}

TEST_F(SentimentTest, DeterministicAcrossCalls) {
  const std::string t = "Honestly not bad at all, but the ending was TERRIBLE!!! 😭 lol";
  const Sentiment a = S(t);
  for (int i = 0; i < 10; ++i) {
    const Sentiment b = S(t);
    EXPECT_EQ(a.compound, b.compound);
    EXPECT_EQ(a.pos, b.pos);
    EXPECT_EQ(a.neg, b.neg);
  }
}

TEST_F(SentimentTest, LongTextsAfterShortOnesStillScoreShortOnesTheSame) {
  // Per-thread buffers are reused and released; results must not depend on history.
  const double before = C("I am happy but tired");
  std::string big;
  for (int i = 0; i < 10000; ++i) big += "sad, ";
  ExpectWellFormed(S(big));
  EXPECT_EQ(C("I am happy but tired"), before);
}

TEST_F(SentimentTest, OddInputsDoNotCrash) {
  const std::string inputs[] = {
      std::string(1, '\0'),
      std::string(100000, '!'),
      std::string(50000, 'a'),
      "\xF0\x9F\x98",
      ":::::((((())))))",
      "not not not not not",
      "but but but",
      "?",
      "no",
      "\u200b\u200d",
      "NOT GOOD",
      "can't can't cope",
      "a the an",
  };
  for (const auto& t : inputs) ExpectWellFormed(S(t));
}

TEST_F(SentimentTest, RandomBytesAreHandled) {
  // A small deterministic fuzz: random bytes drawn mostly from characters the rules care about.
  const std::string alphabet =
      "abcnotgdhpy NOT GOOD!?.,;:()'-<3\xF0\x9F\x98\xAD\xE2\x9D\xA4\xEF\xB8\x8F\n\t\xff";
  uint32_t state = 12345;
  for (int round = 0; round < 300; ++round) {
    std::string t;
    const int len = static_cast<int>(state % 200);
    for (int k = 0; k < len; ++k) {
      state = state * 1664525u + 1013904223u;
      t += alphabet[(state >> 16) % alphabet.size()];
    }
    ExpectWellFormed(S(t));
  }
}

TEST_F(SentimentTest, ManyNeutralWordsDiluteSharesNotCompound) {
  const double short_c = C("good");
  std::string long_text = "good";
  for (int i = 0; i < 50; ++i) long_text += " table";
  const Sentiment s = S(long_text);
  EXPECT_NEAR(s.compound, short_c, 1e-12);
  EXPECT_LT(s.pos, S("good").pos);
}

// --- Negation ---

TEST_F(SentimentTest, NegationFlipsPolarity) {
  EXPECT_GT(C("I am happy"), 0.3);
  EXPECT_LT(C("I am not happy"), 0.0);
  EXPECT_LT(C("I don't feel good"), 0.0);
  EXPECT_LT(C("I dont like it"), 0.0);  // apostrophe restored by the normaliser
  EXPECT_GT(C("It is not bad"), 0.0);
  EXPECT_GT(C("It isn't terrible at all"), 0.0);
}

TEST_F(SentimentTest, NegatedNegativesAreOnlyWeaklyPositive) {
  EXPECT_GT(C("At least it isn't a horrible book."), 0.0);
  EXPECT_LT(C("At least it isn't a horrible book."), C("It is a good book."));
  EXPECT_LT(C("not bad"), C("good"));
  // Negated positives keep VADER's -0.74.
  EXPECT_NEAR(C("not good"), -1.9 * 0.74 / std::sqrt(1.9 * 0.74 * 1.9 * 0.74 + 15.0), 1e-12);
}

TEST_F(SentimentTest, NegationReachesThreeWordsBack) {
  EXPECT_LT(C("I am not very happy"), 0.0);
  // VADER's window: a negator four items back does not reach.
  EXPECT_GT(C("not at all really happy"), 0.0);
}

TEST_F(SentimentTest, NegationStopsAtClauseBreak) {
  EXPECT_LT(C("not really happy"), 0.0);
  EXPECT_GT(C("not really, happy"), 0.0);
  EXPECT_GT(C("Not me. Happy"), 0.0);
}

TEST_F(SentimentTest, DoubleNegation) {
  EXPECT_GT(C("I am not unhappy"), 0.0);
  EXPECT_GT(C("I don't dislike it"), 0.0);
}

TEST_F(SentimentTest, NegationWindowCountsWordsAsWritten) {
  // "wanna" is expanded to "want to"; the negator still reaches "loved" as in the text.
  EXPECT_LT(C("I don't wanna be loved"), 0.0);
}

TEST_F(SentimentTest, EmojiAreNotNegated) {
  EXPECT_LT(C("still no cheque :("), 0.0);
  EXPECT_GT(C("Nope :-)"), C("Nope"));
}

TEST_F(SentimentTest, NegativeQuestionsDoNotNegate) {
  EXPECT_GT(C("Wouldn't that be great?"), 0.3);
  EXPECT_GT(C("Isn't it lovely?"), 0.3);
  EXPECT_LT(C("Why don't you like it?"), 0.0);
  EXPECT_LT(C("It wouldn't be great."), 0.0);
}

TEST_F(SentimentTest, NegationReachesOnlyTheNearestSentimentWord) {
  EXPECT_GT(C("this drama never fails to fascinate"), 0.0);
  EXPECT_GT(C("nothing short of wonderful"), 0.5);
}

TEST_F(SentimentTest, ArticlesDoNotCountTowardsReach) {
  EXPECT_LT(C("the movie doesn't do a very good job"), 0.0);
  EXPECT_LT(C("it was not a great way to start the day"), 0.0);
}

TEST_F(SentimentTest, NotOnlyIsNotNegation) {
  EXPECT_GT(C("not only good"), 0.0);
  EXPECT_GT(C("It was not only good but also cheap"), 0.3);
}

TEST_F(SentimentTest, NoDoubtIsNotNegation) {
  EXPECT_GT(C("no doubt it is great"), 0.5);
  EXPECT_GT(C("without a doubt the best"), 0.3);
}

TEST_F(SentimentTest, NothingButIsEmphasisNotNegation) {
  EXPECT_LT(C("nothing but trouble"), 0.0);
  EXPECT_GT(C("nothing but love"), 0.0);
}

TEST_F(SentimentTest, AnythingButNegates) { EXPECT_LT(C("the movie was anything but good"), 0.0); }

TEST_F(SentimentTest, NoAsDeterminer) {
  EXPECT_GT(C("no problem"), 0.0);
  EXPECT_LT(C("I have no hope"), 0.0);
  EXPECT_LT(C("No."), 0.0);            // VADER: "no" on its own is mildly negative
  EXPECT_LT(C("I had no idea"), 0.0);  // ... and before an unrated word (vaderSentiment 3.3.2)
}

TEST_F(SentimentTest, LeastNegatesUnlessAtLeast) {
  EXPECT_LT(C("the least happy person"), 0.0);
  EXPECT_GT(C("at least happy"), 0.0);
}

TEST_F(SentimentTest, NeverSoEmphasises) {
  EXPECT_GT(C("I have never been so happy"), C("I have been happy"));
  EXPECT_GT(C("never so happy"), 0.0);
}

// --- Contrast ---

TEST_F(SentimentTest, ButWeightsTheSecondClause) {
  EXPECT_LT(C("The food was great, but the service was awful"), 0.0);
  EXPECT_GT(C("The service was awful, but the food was great"), 0.0);
  EXPECT_LT(C("The food was great. But the service was awful."), 0.0);
}

TEST_F(SentimentTest, ButIsSentenceScoped) {
  // An earlier, unrelated sentence is not discounted by a later "but".
  const double base = C("I love my dog. It rained, but it was fine");
  const double later = C("It rained, but it was fine");
  EXPECT_GT(base, later);
}

TEST_F(SentimentTest, HoweverAndAlthough) {
  EXPECT_LT(C("The food was great. However, the service was awful."), 0.0);
  EXPECT_GT(C("Although the service was awful, the food was great"), 0.0);
  EXPECT_LT(C("Although the food was great, the service was awful"), 0.0);
  EXPECT_GT(C("While the start is slow, the ending is wonderful"), 0.3);
}

TEST_F(SentimentTest, ButAlsoIsNotContrast) {
  EXPECT_GT(C("not only kind but also funny"), C("kind, funny") - 0.2);
}

// --- Emphasis ---

TEST_F(SentimentTest, AllCapsEmphasisOnlyWhenMixed) {
  EXPECT_GT(C("I am HAPPY today"), C("I am happy today"));
  EXPECT_LT(C("I am SAD today"), C("I am sad today"));
  EXPECT_NEAR(C("I AM HAPPY TODAY"), C("I am happy today"), 1e-12);
}

TEST_F(SentimentTest, ExclamationEmphasisCapsAtFour) {
  EXPECT_GT(C("I am happy!"), C("I am happy"));
  EXPECT_GT(C("I am happy!!!"), C("I am happy!"));
  EXPECT_NEAR(C("I am happy!!!!"), C("I am happy!!!!!!!!"), 1e-12);
  EXPECT_LT(C("I am sad!!!"), C("I am sad"));
  EXPECT_EQ(C("It is a table!!!"), 0.0);  // emphasis needs sentiment to amplify
}

TEST_F(SentimentTest, QuestionMarkEmphasis) {
  EXPECT_GT(C("is it good??"), C("is it good?"));
  EXPECT_GT(C("is it good????"), C("is it good???"));
  EXPECT_NEAR(C("is it good?????"), C("is it good????"), 1e-12);  // 0.96 at most
}

TEST_F(SentimentTest, PlainQuestionsAssertLess) {
  EXPECT_LT(C("Are you happy?"), C("You are happy."));
  EXPECT_GT(C("Are you happy?"), 0.0);
  EXPECT_LT(C("Are you sad?"), 0.0);
  EXPECT_GT(C("Are you sad?"), C("You are sad."));
  // A tag question asserts.
  EXPECT_NEAR(C("It's amazing, isn't it?"), C("It's amazing"), 1e-12);
}

TEST_F(SentimentTest, BoostersAndDampeners) {
  EXPECT_GT(C("very good"), C("good"));
  EXPECT_LT(C("very bad"), C("bad"));
  EXPECT_LT(C("slightly good"), C("good"));
  EXPECT_GT(C("slightly good"), 0.0);
  EXPECT_GT(C("extremely good"), C("good"));
  // Dampening works for either sign (VADER's "kind of" made negatives worse).
  EXPECT_GT(C("kind of bad"), C("bad"));
  EXPECT_LT(C("kind of bad"), 0.0);
  EXPECT_GT(C("kinda bad"), C("bad"));
  EXPECT_GT(C("sort of bad"), C("bad"));
  EXPECT_LT(C("a bit sad"), 0.0);
  EXPECT_GT(C("a bit sad"), C("sad"));
}

TEST_F(SentimentTest, BoosterDecaysWithDistance) {
  const double near = C("really good");
  const double far = C("really is good");
  EXPECT_GT(near, far);
  EXPECT_GT(far, C("good"));
}

TEST_F(SentimentTest, HavenBoostersModifyOnlyBeforeRatedWords) {
  EXPECT_GT(C("super happy"), C("happy"));
  EXPECT_GT(C("she is pretty"), 0.0);                     // "pretty" as an adjective
  EXPECT_NEAR(C("pretty good"), C("quite good"), 1e-12);  // "pretty" as a degree adverb
  EXPECT_LT(C("fairly good"), C("good"));
  EXPECT_LT(C("dead tired"), C("tired"));  // "dead" as an intensifier
}

TEST_F(SentimentTest, ElongationEmphasises) {
  EXPECT_GT(C("goooood"), C("good"));
  EXPECT_LT(C("sooo saaaad"), C("so sad"));
}

// --- Emoji, emoticons, chat words ---

TEST_F(SentimentTest, Emoji) {
  EXPECT_GT(C("😊"), 0.3);
  EXPECT_GT(C("❤️"), 0.5);
  EXPECT_GT(C("👍🏽"), 0.3);  // skin tone removed by the normaliser
  EXPECT_LT(C("😭"), -0.3);
  EXPECT_LT(C("💔"), -0.5);
  EXPECT_LT(C("I failed my exam 😞"), C("I failed my exam"));
  EXPECT_EQ(C("🍕"), 0.0);  // unrated emoji are neutral
  EXPECT_GT(C("😂"), 0.0);
  EXPECT_GT(C("❤️‍🩹"), 0.0);  // a ZWJ sequence is one emoji
}

TEST_F(SentimentTest, Emoticons) {
  EXPECT_GT(C(":)"), 0.0);
  EXPECT_LT(C(":("), 0.0);
  EXPECT_GT(C("see you :D"), 0.0);
  EXPECT_GT(C("<3"), 0.0);
  EXPECT_LT(C("</3"), 0.0);
  EXPECT_LT(C("T_T"), 0.0);
  EXPECT_LT(C("whatever >:["), 0.0);  // not in the tokenizer's list, rated by VADER
  EXPECT_EQ(C("(see above):"), 0.0);  // "):" inside text is not an emoticon
}

TEST_F(SentimentTest, ChatWords) {
  EXPECT_GT(C("lol"), 0.0);
  EXPECT_LT(C("ugh"), 0.0);
  EXPECT_LT(C("meh"), 0.0);
  EXPECT_LT(C("fml"), -0.3);
  EXPECT_LT(C("wtf"), -0.3);
  EXPECT_GT(C("ty"), 0.0);
  EXPECT_GT(C("ok"), 0.0);
  EXPECT_LT(C("smh"), 0.0);
}

TEST_F(SentimentTest, NglIsNotNegation) {
  EXPECT_NEAR(C("ngl this is good"), C("this is good"), 1e-12);
  EXPECT_NEAR(C("not gonna lie, that hurt"), C("that hurt"), 1e-12);
}

TEST_F(SentimentTest, InterjectionsAreOutsideNegation) {
  EXPECT_GT(C("I'm not the latter lol"), 0.0);
  EXPECT_GT(C("no way lol"), C("no way"));
}

TEST_F(SentimentTest, LikeIsSentimentOnlyAsAVerb) {
  EXPECT_GT(C("I like it"), 0.0);
  EXPECT_GT(C("me like"), 0.0);
  EXPECT_LT(C("I don't like it"), 0.0);
  EXPECT_EQ(C("it looks like rain"), 0.0);
  EXPECT_LT(C("I feel like a failure"), C("I feel a failure") + 1e-12);
  EXPECT_EQ(C("it was like, whatever"), 0.0);
}

TEST_F(SentimentTest, ConditionalClausesAssertLess) {
  EXPECT_LT(C("if it is good, I will buy it"), C("it is good, I will buy it"));
  EXPECT_GT(C("if it is good, I will buy it"), 0.0);
}

TEST_F(SentimentTest, CounterfactualModalsNeutralisePositiveWords) {
  EXPECT_EQ(C("it could have been great"), 0.0);
  EXPECT_LT(C("it should've been better, the acting was bad"), 0.0);
  EXPECT_LT(C("it could have been worse"), 0.0);  // negative words keep their valence
}

TEST_F(SentimentTest, HaventBeenThisIsEmphasis) {
  EXPECT_LT(C("I haven't been this sore in years"), C("I am sore"));
  EXPECT_LT(C("I have not been this disappointed in a long time"), -0.3);
  EXPECT_GT(C("I have never been this happy"), C("I am happy"));
}

TEST_F(SentimentTest, DiscourseMarkersAreNeutral) {
  EXPECT_NEAR(C("tbh it was ok"), C("it was ok"), 1e-12);
  EXPECT_NEAR(C("to be fair, it was ok"), C("it was ok"), 1e-12);
  EXPECT_NEAR(C("omg it was ok"), C("it was ok"), 1e-12);
  EXPECT_EQ(C("my heart is in it"), 0.0);  // the word; the emoji is rated
  EXPECT_EQ(C("Well, I tried"), 0.0);
  EXPECT_EQ(C("me as well"), 0.0);
  EXPECT_GT(C("it went well"), 0.0);
}

// --- Idioms and phrases ---

TEST_F(SentimentTest, VaderIdioms) {
  EXPECT_LT(C("yeah right"), 0.0);
  EXPECT_GT(C("this party is the bomb"), 0.0);
  EXPECT_LT(C("that was the kiss of death"), 0.0);
  EXPECT_LT(C("she has a broken heart"), -0.3);
}

TEST_F(SentimentTest, MentalHealthPhrases) {
  EXPECT_LT(C("I can't cope anymore"), -0.4);
  EXPECT_LT(C("everything is falling apart"), -0.4);
  EXPECT_LT(C("I feel empty"), C("the box is empty"));
  EXPECT_LT(C("I just want to die"), -0.5);
  EXPECT_LT(C("I'm so burnt out"), -0.3);
  EXPECT_LT(C("had a panic attack at work"), -0.3);
  EXPECT_LT(C("I feel so overwhelmed"), -0.3);
  EXPECT_LT(C("I wanna die"), -0.5);  // "wanna" expanded to "want to"
  EXPECT_LT(C("I don't want to live anymore"), -0.5);
  EXPECT_LT(C("no one would miss me"), -0.4);
  EXPECT_LT(C("I feel like nobody cares about me"), 0.0);
  EXPECT_LT(C("everyone would be better off without me"), -0.5);
  EXPECT_LT(C("idk what to do anymore"), 0.0);
}

TEST_F(SentimentTest, NegatedPhraseFlips) {
  EXPECT_GT(C("don't give up"), 0.0);
  EXPECT_LT(C("I can't wait"), 0.5);
}

TEST_F(SentimentTest, PhrasesStayInsideAClause) {
  // "fall, apart" is not the phrase "fall apart".
  EXPECT_GT(C("fall, apart"), C("fall apart"));
}

// --- Lexicon sources ---

TEST_F(SentimentTest, AfinnFallbackForWordsVaderLacks) {
  // VADER does not rate "afraid", "atrocious" or "affordable"; AFINN does.
  EXPECT_LT(C("I am afraid"), 0.0);
  EXPECT_LT(C("an atrocious film"), 0.0);
  EXPECT_GT(C("very affordable"), 0.0);
}

TEST_F(SentimentTest, NegatingAffixesOnRatedBases) {
  // Neither lexicon rates these; their bases are rated.
  EXPECT_LT(C("utterly unfunny"), 0.0);
  EXPECT_LT(C("a joyless film"), 0.0);
  EXPECT_GT(C("a flawless performance"), 0.0);
  EXPECT_EQ(C("under the bridge"), 0.0);  // "der" is not a rated base
}

// --- Concurrency and loading ---

TEST_F(SentimentTest, ScoreIsThreadSafe) {
  const std::vector<std::string> texts = {"I love it!!", "I hate it", "not bad at all",
                                          "The food was great, but the service was awful 😭"};
  std::vector<double> expected;
  for (const auto& t : texts) expected.push_back(C(t));
  std::vector<NormalizedText> normalized;
  for (const auto& t : texts) normalized.push_back(normalizer_->Normalize(t));
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&, k] {
      for (int r = 0; r < 2000; ++r) {
        const size_t i = static_cast<size_t>(r) % texts.size();
        if (scorer_->Score(normalized[i]).compound != expected[i]) ++mismatches[k];
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

TEST(SentimentLoadTest, MissingDirectoryIsNotFound) {
  auto s = SentimentScorer::Load("/nonexistent/haven-data");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kNotFound);
  EXPECT_NE(s.status().message().find(".txt"), std::string::npos);
}

TEST(SentimentLoadTest, MalformedLineIsInvalidArgumentWithoutContent) {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("haven_sentiment_test_" + std::to_string(::getpid()));
  fs::create_directories(dir / "lexicons");
  for (const char* f : {"afinn-en-165.txt", "vader_lexicon.txt"}) {
    fs::copy_file(fs::path(HAVEN_SOURCE_DATA_DIR) / "lexicons" / f, dir / "lexicons" / f,
                  fs::copy_options::overwrite_existing);
  }
  {
    std::ofstream out(dir / "lexicons" / "haven_sentiment.txt");
    out << "# comment\nhappy\t2.0\nsecretword notanumber\n";
  }
  auto s = SentimentScorer::Load(dir.string());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("line 3"), std::string::npos);
  EXPECT_EQ(s.status().message().find("secretword"), std::string::npos);
  {
    std::ofstream out(dir / "lexicons" / "haven_sentiment.txt");
    out << "happy\t2.0x\n";
  }
  EXPECT_FALSE(SentimentScorer::Load(dir.string()).ok());
  {
    std::ofstream out(dir / "lexicons" / "haven_sentiment.txt");
    out << "# only a comment\n\nhappy\t2.0\r\n";
  }
  EXPECT_TRUE(SentimentScorer::Load(dir.string()).ok());
  fs::remove_all(dir);
}

TEST(SentimentLoadTest, UnloadedScorerIsNeutral) {
  const SentimentScorer never_loaded;
  Normalizer normalizer;
  const Sentiment s = never_loaded.Score(normalizer.Normalize("I love this so much!"));
  EXPECT_EQ(s.compound, 0.0);
  EXPECT_EQ(s.neu, 1.0);
  auto ok = SentimentScorer::Load(HAVEN_SOURCE_DATA_DIR);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->Score(NormalizedText{}).neu, 1.0);
}

}  // namespace
}  // namespace haven::nlp
