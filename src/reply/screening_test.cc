#include "reply/screening.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "safety/output_guard.h"

namespace haven::reply {
namespace {

const Screener& Shipped() {
  static const Screener s = [] {
    auto loaded = Screener::Load(HAVEN_SOURCE_DATA_DIR);
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status().message();
      std::abort();
    }
    return std::move(loaded).value();
  }();
  return s;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream b;
  b << in.rdbuf();
  return b.str();
}

std::string Joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& m : v) out += m + "\n";
  return out;
}

// ---- The published wording, held verbatim -------------------------------------------------------

TEST(ScreeningContentTest, Phq9IsThePublishedWording) {
  const InstrumentContent& c = Shipped().content(Instrument::kPhq9);
  EXPECT_EQ(c.stem,
            "Over the last 2 weeks, how often have you been bothered by any of the following "
            "problems?");
  const std::vector<std::string> items = {
      "Little interest or pleasure in doing things",
      "Feeling down, depressed, or hopeless",
      "Trouble falling or staying asleep, or sleeping too much",
      "Feeling tired or having little energy",
      "Poor appetite or overeating",
      "Feeling bad about yourself \u2014 or that you are a failure or have let yourself or your "
      "family down",
      "Trouble concentrating on things, such as reading the newspaper or watching television",
      "Moving or speaking so slowly that other people could have noticed? Or the opposite \u2014 "
      "being so fidgety or restless that you have been moving around a lot more than usual",
      "Thoughts that you would be better off dead or of hurting yourself in some way",
  };
  EXPECT_EQ(c.items, items);
  EXPECT_EQ(c.options, (std::vector<std::string>{"Not at all", "Several days",
                                                 "More than half the days", "Nearly every day"}));
  EXPECT_EQ(c.difficulty_question,
            "If you checked off any problems, how difficult have these problems made it for you "
            "to do your work, take care of things at home, or get along with other people?");
  EXPECT_EQ(c.difficulty_options,
            (std::vector<std::string>{"Not difficult at all", "Somewhat difficult",
                                      "Very difficult", "Extremely difficult"}));
}

TEST(ScreeningContentTest, Gad7IsThePublishedWording) {
  const InstrumentContent& c = Shipped().content(Instrument::kGad7);
  EXPECT_EQ(c.stem,
            "Over the last 2 weeks, how often have you been bothered by the following problems?");
  const std::vector<std::string> items = {
      "Feeling nervous, anxious, or on edge",
      "Not being able to stop or control worrying",
      "Worrying too much about different things",
      "Trouble relaxing",
      "Being so restless that it is hard to sit still",
      "Becoming easily annoyed or irritable",
      "Feeling afraid as if something awful might happen",
  };
  EXPECT_EQ(c.items, items);
  EXPECT_EQ(c.options, (std::vector<std::string>{"Not at all", "Several days",
                                                 "More than half the days", "Nearly every day"}));
}

// ---- Scoring ------------------------------------------------------------------------------------

TEST(ScreeningScoreTest, Phq9Bands) {
  const Band expected[28] = {Band::kMinimal,
                             Band::kMinimal,
                             Band::kMinimal,
                             Band::kMinimal,
                             Band::kMinimal,
                             Band::kMild,
                             Band::kMild,
                             Band::kMild,
                             Band::kMild,
                             Band::kMild,
                             Band::kModerate,
                             Band::kModerate,
                             Band::kModerate,
                             Band::kModerate,
                             Band::kModerate,
                             Band::kModeratelySevere,
                             Band::kModeratelySevere,
                             Band::kModeratelySevere,
                             Band::kModeratelySevere,
                             Band::kModeratelySevere,
                             Band::kSevere,
                             Band::kSevere,
                             Band::kSevere,
                             Band::kSevere,
                             Band::kSevere,
                             Band::kSevere,
                             Band::kSevere,
                             Band::kSevere};
  for (int t = 0; t <= 27; ++t) EXPECT_EQ(BandFor(Instrument::kPhq9, t), expected[t]) << t;
}

TEST(ScreeningScoreTest, Gad7Bands) {
  for (int t = 0; t <= 21; ++t) {
    const Band want = t <= 4    ? Band::kMinimal
                      : t <= 9  ? Band::kMild
                      : t <= 14 ? Band::kModerate
                                : Band::kSevere;
    EXPECT_EQ(BandFor(Instrument::kGad7, t), want) << t;
  }
  EXPECT_EQ(MaxTotal(Instrument::kGad7), 21);
  EXPECT_EQ(MaxTotal(Instrument::kPhq9), 27);
}

TEST(ScreeningScoreTest, MakeResult) {
  ScreeningResult r = MakeResult(Instrument::kPhq9, {1, 2, 1, 2, 1, 1, 1, 1, 0}, 1, 100, 200);
  EXPECT_EQ(r.total, 10);
  EXPECT_EQ(r.band, Band::kModerate);
  EXPECT_TRUE(r.completed);
  EXPECT_FALSE(r.item9_positive);
  r = MakeResult(Instrument::kPhq9, {0, 0, 0, 0, 0, 0, 0, 0, 1}, std::nullopt, 1, 2);
  EXPECT_TRUE(r.item9_positive);
  r = MakeResult(Instrument::kPhq9, {3, 3}, std::nullopt, 1, 2);
  EXPECT_FALSE(r.completed);
  EXPECT_EQ(r.total, 6);
}

// ---- Reading answers ----------------------------------------------------------------------------

TEST(ScreeningAnswerTest, Frequency) {
  const std::vector<std::pair<std::string, int>> clear = {
      {"0", 0},
      {"1", 1},
      {"2", 2},
      {"3", 3},
      {"Not at all", 0},
      {"Several days", 1},
      {"More than half the days", 2},
      {"Nearly every day", 3},
      {"nearly every day.", 3},
      {"NEARLY EVERY DAY", 3},
      {"most days", 2},
      {"Most days tbh", 2},
      {"every single day", 3},
      {"never", 0},
      {"nope, never", 0},
      {"a couple of days", 1},
      {"a few days I guess", 1},
      {"2 - more than half the days", 2},
      {"3 nearly every day", 3},
      {"5 days", 1},
      {"about 10 days", 2},
      {"13 days", 3},
      {"one day", 1},
      {"a day or two", 1},
      {"not every day, more like a few days", 1},
      {"all the time", 3},
      {"constantly honestly", 3},
      {"every day for the past 2 weeks", 3},
      {"more often than not", 2},
      {"not really", 0},
      {"once or twice", 1},
      {"probably not", 0},
      {"I don't think so", 0},
      {"it\u2019s been every day", 3},
  };
  for (const auto& [text, value] : clear) {
    const auto got = ReadFrequency(text);
    ASSERT_TRUE(got.has_value()) << text;
    EXPECT_EQ(*got, value) << text;
  }
  const std::vector<std::string> unclear = {
      "",
      "yes",
      "often",
      "sometimes",
      "I don't know",
      "2 or 3",
      "7 days",
      "4",
      "banana",
      "what do you mean?",
      "a lot",
      "not every day",
      "most days, maybe every day",
      "half the time",
      "20 days",
  };
  for (const auto& text : unclear) EXPECT_FALSE(ReadFrequency(text).has_value()) << text;
}

TEST(ScreeningAnswerTest, Difficulty) {
  EXPECT_EQ(ReadDifficulty("Not difficult at all"), 0);
  EXPECT_EQ(ReadDifficulty("somewhat"), 1);
  EXPECT_EQ(ReadDifficulty("very difficult"), 2);
  EXPECT_EQ(ReadDifficulty("really hard tbh"), 2);
  EXPECT_EQ(ReadDifficulty("extremely"), 3);
  EXPECT_EQ(ReadDifficulty("3"), 3);
  EXPECT_FALSE(ReadDifficulty("hard").has_value());
  EXPECT_FALSE(ReadDifficulty("not very difficult").has_value());
  EXPECT_FALSE(ReadDifficulty("hmm").has_value());
}

// ---- The conversation ---------------------------------------------------------------------------

ScreeningStep Converse(Instrument inst, const std::vector<std::string>& replies) {
  ScreeningStep step = Shipped().Start(inst, 1000);
  for (const std::string& r : replies) step = Shipped().Step(step.state, r, 2000);
  return step;
}

TEST(ScreeningFlowTest, StartAsksStemAndFirstItem) {
  const ScreeningStep s = Shipped().Start(Instrument::kPhq9, 42);
  ASSERT_EQ(s.messages.size(), 2u);
  EXPECT_NE(s.messages[1].find("Over the last 2 weeks"), std::string::npos);
  EXPECT_NE(s.messages[1].find("Little interest or pleasure in doing things"), std::string::npos);
  EXPECT_NE(s.messages[1].find("nearly every day (3)"), std::string::npos) << s.messages[1];
  EXPECT_EQ(s.state.started_at, 42);
  EXPECT_EQ(s.outcome, ScreeningOutcome::kAsking);
}

TEST(ScreeningFlowTest, CompletePhq9Moderate) {
  const ScreeningStep s =
      Converse(Instrument::kPhq9, {"several days", "most days", "2", "every day", "not at all",
                                   "a couple of days", "1", "never", "not at all", "somewhat"});
  EXPECT_EQ(s.outcome, ScreeningOutcome::kCompleted);
  ASSERT_TRUE(s.result.has_value());
  EXPECT_EQ(s.result->answers, (std::vector<int>{1, 2, 2, 3, 0, 1, 1, 0, 0}));
  EXPECT_EQ(s.result->total, 10);
  EXPECT_EQ(s.result->band, Band::kModerate);
  EXPECT_EQ(s.result->difficulty, 1);
  EXPECT_TRUE(s.result->completed);
  EXPECT_EQ(s.result->started_at, 1000);
  EXPECT_EQ(s.result->finished_at, 2000);
  const std::string text = Joined(s.messages);
  EXPECT_NE(text.find("10 out of 27"), std::string::npos) << text;
  EXPECT_NE(text.find("Your answers suggest moderate symptoms"), std::string::npos) << text;
  EXPECT_NE(text.find("not a diagnosis"), std::string::npos);
  EXPECT_NE(text.find("professional"), std::string::npos);
}

TEST(ScreeningFlowTest, MildDoesNotPushAProfessional) {
  const ScreeningStep s =
      Converse(Instrument::kPhq9, {"1", "1", "1", "1", "1", "0", "0", "0", "0", "0"});
  ASSERT_TRUE(s.result.has_value());
  EXPECT_EQ(s.result->band, Band::kMild);
  EXPECT_EQ(Joined(s.messages).find("professional"), std::string::npos);
}

TEST(ScreeningFlowTest, UnclearAnswerIsReaskedNeverGuessed) {
  ScreeningStep s = Shipped().Start(Instrument::kPhq9, 0);
  const ScreeningState before = s.state;
  s = Shipped().Step(s.state, "yeah kind of", 1);
  EXPECT_EQ(s.outcome, ScreeningOutcome::kReasked);
  EXPECT_TRUE(s.state.answers.empty());
  EXPECT_EQ(s.state.item, before.item);
  ASSERT_EQ(s.messages.size(), 1u);
  EXPECT_NE(s.messages[0].find("Little interest or pleasure in doing things"), std::string::npos);
  EXPECT_NE(s.messages[0].find("Not at all (0)"), std::string::npos) << s.messages[0];
  EXPECT_NE(s.messages[0].find("nearly every day (3)"), std::string::npos);
  s = Shipped().Step(s.state, "most days", 2);
  EXPECT_EQ(s.outcome, ScreeningOutcome::kAsking);
  EXPECT_EQ(s.state.answers, std::vector<int>{2});
  EXPECT_EQ(s.state.unclear, 0);
}

TEST(ScreeningFlowTest, Item9AboveZeroTakesTheRiskPathAtOnce) {
  for (const std::string answer : {"several days", "1", "every day", "more than half the days"}) {
    const ScreeningStep s =
        Converse(Instrument::kPhq9, {"0", "1", "1", "0", "0", "1", "0", "0", answer});
    EXPECT_EQ(s.outcome, ScreeningOutcome::kRiskPath) << answer;
    EXPECT_TRUE(s.risk);
    ASSERT_TRUE(s.result.has_value());
    EXPECT_TRUE(s.result->item9_positive);
    EXPECT_TRUE(s.state.finished);
    EXPECT_TRUE(s.result->completed);
    // No score is shown on the risk path: only the pause line.
    ASSERT_EQ(s.messages.size(), 1u);
    EXPECT_EQ(s.messages[0].find("out of 27"), std::string::npos);
    // A later message does nothing: the screening is over.
    EXPECT_EQ(Shipped().Step(s.state, "2", 3).outcome, ScreeningOutcome::kFinished);
  }
}

TEST(ScreeningFlowTest, Item9EndorsedWithoutAFrequencyIsNotReaskedButEscalated) {
  for (const std::string answer : {"yes", "sometimes", "0 or 1", "yeah kind of", "a lot",
                                   "not really", "no, but it crossed my mind once", "probably not",
                                   "never really", "I'd rather not say", "skip"}) {
    const ScreeningStep s =
        Converse(Instrument::kPhq9, {"0", "1", "1", "0", "0", "1", "0", "0", answer});
    EXPECT_EQ(s.outcome, ScreeningOutcome::kRiskPath) << answer;
    EXPECT_TRUE(s.risk);
    ASSERT_TRUE(s.result.has_value());
    EXPECT_TRUE(s.result->item9_positive);
    EXPECT_EQ(s.result->answers.size(), 8u);  // unscored, never guessed
    EXPECT_FALSE(s.result->completed);
    auto back = ScreeningResultFromJson(ScreeningResultToJson(*s.result));
    ASSERT_TRUE(back.ok()) << back.status().message();
    EXPECT_EQ(*back, *s.result);
  }
  // A clear no continues.
  for (const std::string answer : {"no", "not at all", "never", "0", "Nope."}) {
    const ScreeningStep s =
        Converse(Instrument::kPhq9, {"0", "1", "1", "0", "0", "1", "0", "0", answer});
    EXPECT_EQ(s.outcome, ScreeningOutcome::kAsking) << answer;
    EXPECT_EQ(s.state.answers.size(), 9u);
  }
  // "Not really" is 0 on the other items.
  EXPECT_EQ(Converse(Instrument::kPhq9, {"not really"}).state.answers, std::vector<int>{0});
  // A wholly unclear answer is re-asked, as on every item.
  const ScreeningStep s =
      Converse(Instrument::kPhq9, {"0", "1", "1", "0", "0", "1", "0", "0", "what do you mean?"});
  EXPECT_EQ(s.outcome, ScreeningOutcome::kReasked);
  EXPECT_FALSE(s.risk);
  // Elsewhere "yes" is only unclear.
  EXPECT_EQ(Converse(Instrument::kPhq9, {"yes"}).outcome, ScreeningOutcome::kReasked);
  EXPECT_EQ(Converse(Instrument::kGad7, {"yes"}).outcome, ScreeningOutcome::kReasked);
}

TEST(ScreeningFlowTest, Item9IsIntroducedGently) {
  const ScreeningStep s = Converse(Instrument::kPhq9, {"0", "1", "1", "0", "0", "1", "0", "0"});
  ASSERT_EQ(s.messages.size(), 2u);
  EXPECT_EQ(s.messages[0], Shipped().content(Instrument::kPhq9).risk_item_intro);
  EXPECT_TRUE(s.messages[1].find("better off dead") != std::string::npos);
  // A re-ask of item 9 does not repeat the introduction.
  EXPECT_EQ(Shipped().Step(s.state, "hmm", 1).messages.size(), 1u);
}

TEST(ScreeningFlowTest, Item9ZeroContinuesToDifficulty) {
  const ScreeningStep s =
      Converse(Instrument::kPhq9, {"0", "1", "1", "0", "0", "1", "0", "0", "0"});
  EXPECT_EQ(s.outcome, ScreeningOutcome::kAsking);
  EXPECT_FALSE(s.risk);
  EXPECT_EQ(s.state.item, 9);
  ASSERT_EQ(s.messages.size(), 1u);
  EXPECT_NE(s.messages[0].find("how difficult"), std::string::npos);
}

TEST(ScreeningFlowTest, NoRiskFlagBeforeItem9OrOnGad7) {
  // "Nearly every day" on other items never raises the flag by itself.
  ScreeningStep s = Shipped().Start(Instrument::kPhq9, 0);
  for (int i = 0; i < 8; ++i) {
    s = Shipped().Step(s.state, "nearly every day", 1);
    EXPECT_FALSE(s.risk);
  }
  const ScreeningStep g = Converse(Instrument::kGad7, {"3", "3", "3", "3", "3", "3", "3", "3"});
  EXPECT_FALSE(g.risk);
  EXPECT_EQ(g.outcome, ScreeningOutcome::kCompleted);
  EXPECT_EQ(g.result->total, 21);
  EXPECT_EQ(g.result->band, Band::kSevere);
}

TEST(ScreeningFlowTest, StopKeepsAnIncompleteResult) {
  for (const std::string stop : {"stop", "I don't want to do this", "can we stop", "Stop please"}) {
    const ScreeningStep s = Converse(Instrument::kPhq9, {"2", "3", "1", stop});
    EXPECT_EQ(s.outcome, ScreeningOutcome::kStopped) << stop;
    ASSERT_TRUE(s.result.has_value());
    EXPECT_FALSE(s.result->completed);
    EXPECT_EQ(s.result->answers, (std::vector<int>{2, 3, 1}));
    EXPECT_EQ(s.result->total, 6);
    ASSERT_EQ(s.messages.size(), 1u);
    EXPECT_EQ(s.messages[0].find("out of"), std::string::npos);  // no score for a partial set
  }
}

TEST(ScreeningFlowTest, CantStopWorryingIsAnAnswerNotAStop) {
  const ScreeningStep s =
      Converse(Instrument::kGad7, {"1", "I can't stop worrying, nearly every day"});
  EXPECT_EQ(s.outcome, ScreeningOutcome::kAsking);
  EXPECT_EQ(s.state.answers, (std::vector<int>{1, 3}));
}

TEST(ScreeningFlowTest, StopAtTheDifficultyQuestionCompletes) {
  const ScreeningStep s = Converse(Instrument::kGad7, {"1", "1", "1", "1", "1", "1", "1", "stop"});
  EXPECT_EQ(s.outcome, ScreeningOutcome::kCompleted);
  ASSERT_TRUE(s.result.has_value());
  EXPECT_TRUE(s.result->completed);
  EXPECT_FALSE(s.result->difficulty.has_value());
  EXPECT_EQ(s.result->band, Band::kMild);
}

TEST(ScreeningFlowTest, AllZeroSkipsTheDifficultyQuestion) {
  const ScreeningStep s = Converse(Instrument::kGad7, {"0", "0", "0", "0", "0", "0", "never"});
  EXPECT_EQ(s.outcome, ScreeningOutcome::kCompleted);
  EXPECT_EQ(s.result->band, Band::kMinimal);
  EXPECT_FALSE(s.result->difficulty.has_value());
}

TEST(ScreeningFlowTest, TamperedStateEndsQuietly) {
  ScreeningState bad;
  bad.item = 5;  // five answers claimed, none held
  EXPECT_EQ(Shipped().Step(bad, "1", 0).outcome, ScreeningOutcome::kFinished);
  bad.item = 40;
  EXPECT_EQ(Shipped().Step(bad, "1", 0).outcome, ScreeningOutcome::kFinished);
}

TEST(ScreeningFlowTest, RandomRepliesKeepTheStateSound) {
  const std::vector<std::string> pool = {"0",
                                         "1",
                                         "2",
                                         "3",
                                         "yes",
                                         "no",
                                         "stop",
                                         "most days",
                                         "sometimes",
                                         "",
                                         "\xFF",
                                         "not really",
                                         "every day",
                                         "very difficult",
                                         "4",
                                         "I'd rather not say",
                                         std::string(3000, 'a')};
  std::mt19937 rng(7);
  for (Instrument inst : {Instrument::kPhq9, Instrument::kGad7}) {
    for (int run = 0; run < 200; ++run) {
      ScreeningStep s = Shipped().Start(inst, 0);
      for (int turn = 0; turn < 30 && !s.state.finished; ++turn) {
        s = Shipped().Step(s.state, pool[rng() % pool.size()], turn);
        ASSERT_EQ(static_cast<int>(s.state.answers.size()),
                  std::min(s.state.item, ItemCount(inst)));
        EXPECT_FALSE(s.messages.empty());
        EXPECT_EQ(s.risk, s.outcome == ScreeningOutcome::kRiskPath);
        if (s.risk) {
          EXPECT_TRUE(s.result && s.result->item9_positive);
        }
        if (s.result) {
          auto back = ScreeningResultFromJson(ScreeningResultToJson(*s.result));
          ASSERT_TRUE(back.ok()) << back.status().message();
          EXPECT_EQ(*back, *s.result);
        }
      }
    }
  }
}

// ---- Results as data ----------------------------------------------------------------------------

TEST(ScreeningResultTest, JsonRoundTrip) {
  const ScreeningResult r = MakeResult(Instrument::kPhq9, {2, 2, 3, 0, 1, 2, 3, 2, 1}, 2, 10, 20);
  const std::string json = ScreeningResultToJson(r);
  EXPECT_NE(json.find("\"band\":\"moderately_severe\""), std::string::npos) << json;
  auto back = ScreeningResultFromJson(json);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, r);
  const ScreeningResult partial = MakeResult(Instrument::kGad7, {3}, std::nullopt, 1, 2);
  auto p = ScreeningResultFromJson(ScreeningResultToJson(partial));
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(*p, partial);
}

TEST(ScreeningStateTest, JsonRoundTripMidway) {
  ScreeningStep s = Converse(Instrument::kGad7, {"2", "hmm"});
  auto back = ScreeningStateFromJson(ScreeningStateToJson(s.state));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, s.state);
  // The restored state carries on exactly as the original would.
  EXPECT_EQ(Shipped().Step(*back, "most days", 5).state,
            Shipped().Step(s.state, "most days", 5).state);
  EXPECT_FALSE(ScreeningStateFromJson("{}").ok());
  EXPECT_FALSE(ScreeningStateFromJson(R"({"instrument":"gad7","item":1,"answers":[7],)"
                                      R"("difficulty":null,"unclear":0,"finished":false,)"
                                      R"("started_at":0})")
                   .ok());
}

TEST(ScreeningResultTest, JsonRejectsInconsistentResults) {
  const std::string ok =
      R"({"instrument":"gad7","answers":[1,1,1,1,1,1,1],"difficulty":null,"total":7,)"
      R"("band":"mild","item9_positive":false,"completed":true,"started_at":1,"finished_at":2})";
  ASSERT_TRUE(ScreeningResultFromJson(ok).ok());
  auto with = [&](std::string from, std::string to) {
    std::string s = ok;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  for (const std::string& bad :
       {with("\"total\":7", "\"total\":8"), with("\"mild\"", "\"severe\""),
        with("[1,1,1,1,1,1,1]", "[1,1,1,1,1,1,4]"), with("\"gad7\"", "\"phq2\""),
        with("[1,1,1,1,1,1,1]", "[1,1,1,1,1,1,1,1]"),
        with("\"completed\":true", "\"completed\":false"), with("\"difficulty\":null,", ""),
        std::string("secret words {"), std::string("[]")}) {
    auto r = ScreeningResultFromJson(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().message().find("secret"), std::string::npos);
    }
  }
}

TEST(ScreeningResultTest, Change) {
  const auto phq = [](std::vector<int> a) {
    return MakeResult(Instrument::kPhq9, std::move(a), std::nullopt, 0, 0);
  };
  const ScreeningResult before = phq({2, 2, 2, 2, 2, 2, 2, 1, 0});  // 15
  const ScreeningResult after = phq({1, 1, 1, 1, 1, 1, 1, 1, 0});   // 8
  ScreeningChange c = CompareResults(before, after);
  EXPECT_TRUE(c.comparable);
  EXPECT_EQ(c.delta, -7);
  EXPECT_TRUE(c.reliable);
  EXPECT_EQ(c.direction, ChangeDirection::kImproved);
  EXPECT_TRUE(c.band_changed);
  c = CompareResults(after, before);
  EXPECT_EQ(c.direction, ChangeDirection::kWorsened);
  // 4 points on the PHQ-9 is not reliable change; 5 is.
  c = CompareResults(phq({1, 1, 1, 1, 1, 1, 1, 1, 0}), phq({1, 1, 1, 1, 2, 2, 2, 2, 0}));
  EXPECT_EQ(c.delta, 4);
  EXPECT_FALSE(c.reliable);
  EXPECT_EQ(c.direction, ChangeDirection::kNoReliableChange);
  c = CompareResults(phq({1, 1, 1, 1, 1, 1, 1, 1, 0}), phq({1, 1, 1, 2, 2, 2, 2, 2, 0}));
  EXPECT_EQ(c.delta, 5);
  EXPECT_TRUE(c.reliable);
  // GAD-7: 4 points is reliable.
  const auto gad = [](std::vector<int> a) {
    return MakeResult(Instrument::kGad7, std::move(a), std::nullopt, 0, 0);
  };
  c = CompareResults(gad({2, 2, 2, 2, 2, 2, 2}), gad({1, 1, 1, 1, 2, 2, 2}));
  EXPECT_EQ(c.delta, -4);
  EXPECT_TRUE(c.reliable);
  // Different instruments or an incomplete result: not comparable.
  EXPECT_FALSE(CompareResults(before, gad({1, 1, 1, 1, 1, 1, 1})).comparable);
  EXPECT_FALSE(CompareResults(before, phq({3, 3})).comparable);
}

TEST(ScreeningResultTest, ChangeWording) {
  const auto phq = [](std::vector<int> a) {
    return MakeResult(Instrument::kPhq9, std::move(a), std::nullopt, 0, 0);
  };
  const ScreeningResult high = phq({2, 2, 2, 2, 2, 2, 2, 1, 0});  // 15
  const ScreeningResult low = phq({1, 1, 1, 1, 1, 1, 1, 1, 0});   // 8
  const ScreeningResult near = phq({2, 2, 2, 2, 2, 1, 1, 1, 0});  // 13
  const std::string down = Shipped().DescribeChange(high, low);
  EXPECT_EQ(down.rfind("That's 7 points lower than last time (15)", 0), 0u) << down;
  EXPECT_NE(Shipped().DescribeChange(low, high).find("7 points higher"), std::string::npos);
  EXPECT_NE(Shipped().DescribeChange(high, near).find("about the same"), std::string::npos);
  EXPECT_EQ(Shipped().DescribeChange(high, phq({1})), "");
  const safety::OutputGuard guard;
  for (const std::string& line :
       {down, Shipped().DescribeChange(low, high), Shipped().DescribeChange(high, near)}) {
    EXPECT_TRUE(guard.Check(line).pass) << line;
  }
}

// ---- Wording ------------------------------------------------------------------------------------

TEST(ScreeningWordingTest, EveryLinePassesTheOutputGuardAndNeverDiagnoses) {
  const safety::OutputGuard guard;
  std::vector<std::string> lines;
  for (Instrument inst : {Instrument::kPhq9, Instrument::kGad7}) {
    const InstrumentContent& c = Shipped().content(inst);
    lines.push_back(Shipped().Offer(inst));
    for (auto& m : Shipped().Start(inst, 0).messages) lines.push_back(m);
    for (int t = 0; t <= MaxTotal(inst); ++t) {
      std::vector<int> a(static_cast<size_t>(ItemCount(inst)), 0);
      int left = t;
      for (int& x : a) {
        x = std::min(3, left);
        left -= x;
      }
      if (inst == Instrument::kPhq9) std::swap(a[0], a[8]);  // keep item 9 low where possible
      for (auto& m : Shipped().Describe(MakeResult(inst, a, std::nullopt, 0, 0)))
        lines.push_back(m);
    }
    lines.push_back(c.stopped);
    lines.push_back(c.reask);
    if (!c.risk_item_intro.empty()) lines.push_back(c.risk_item_intro);
    if (!c.risk_pause.empty()) lines.push_back(c.risk_pause);
  }
  for (const std::string& line : lines) {
    const auto g = guard.Check(line);
    EXPECT_TRUE(g.pass) << safety::GuardRuleName(g.rule) << ": " << line;
    EXPECT_EQ(line.find("you have depression"), std::string::npos);
    EXPECT_EQ(line.find("you have anxiety"), std::string::npos);
  }
}

TEST(ScreeningWordingTest, ResultWordingSaysSuggestAndRecommendsAProfessionalFromModerate) {
  for (Instrument inst : {Instrument::kPhq9, Instrument::kGad7}) {
    for (int t : {0, 5, 10, 15, MaxTotal(inst)}) {
      std::vector<int> a(static_cast<size_t>(ItemCount(inst)), 0);
      int left = t;
      for (int& x : a) {
        x = std::min(3, left);
        left -= x;
      }
      const ScreeningResult r = MakeResult(inst, a, std::nullopt, 0, 0);
      const std::string text = Joined(Shipped().Describe(r));
      EXPECT_NE(text.find("Your answers suggest"), std::string::npos) << text;
      EXPECT_NE(text.find("symptoms"), std::string::npos) << text;
      const bool moderate_up = r.total >= 10;
      EXPECT_EQ(text.find("professional") != std::string::npos, moderate_up) << text;
    }
  }
}

// ---- Loading errors -----------------------------------------------------------------------------

TEST(ScreeningLoadTest, ErrorsNameFileAndField) {
  const std::string path = std::string(HAVEN_SOURCE_DATA_DIR) + "/content/screening/phq9.yaml";
  const std::string good = ReadFile(path);
  ASSERT_TRUE(Screener::ParseInstrument(good, "phq9.yaml").ok());
  auto expect_error = [&](const std::string& from, const std::string& to, const std::string& want) {
    std::string y = good;
    const size_t at = y.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    y.replace(at, from.size(), to);
    auto r = Screener::ParseInstrument(y, "phq9.yaml");
    ASSERT_FALSE(r.ok()) << want;
    EXPECT_NE(r.status().message().find(want), std::string::npos) << r.status().message();
    EXPECT_EQ(r.status().message().rfind("phq9.yaml", 0), 0u) << r.status().message();
  };
  expect_error("version: 1", "version: 2", "version");
  expect_error("version: 1\n", "", "version: missing");
  expect_error("{id: mild, min: 5, max: 9", "{id: mild, min: 5, max: 10", "bands[1]");
  expect_error("{value: 2, text: \"More than half the days\"}", "{value: 5, text: \"x\"}",
               "options[2].value");
  expect_error("  - \"Poor appetite or overeating\"\n", "", "items");
  expect_error("construct: depression", "construct: depression\ncolour: blue", "colour: unknown");
  expect_error("Your total is {total}", "Your total is {score}", "unknown placeholder {score}");
  expect_error("  risk_pause:", "  risk_paws:", "risk_paws");
  expect_error("instrument: phq9", "instrument: phq2", "instrument");
  auto r = Screener::ParseInstrument("[unclosed", "x.yaml");
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(Screener::Load("/nonexistent").ok());
}

}  // namespace
}  // namespace haven::reply
