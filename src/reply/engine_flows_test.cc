// The engine's guided flows and screening in a live Conversation: offered with consent, run step
// by step, left at any moment, interrupted by the safety path, and PHQ-9's risk path.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "reply/engine.h"

namespace haven::reply {
namespace {

const Engine& Shared() {
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

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

bool WhyHas(const Reply& r, const std::string& prefix) {
  return std::any_of(r.why.begin(), r.why.end(),
                     [&](const std::string& w) { return w.rfind(prefix, 0) == 0; });
}

std::string Why(const Reply& r) {
  std::string out;
  for (const std::string& w : r.why) out += w + "; ";
  return out;
}

// Talks about work stress until the planner reaches the action stage and Haven offers a flow.
Reply TalkUntilOffer(Conversation& c) {
  const char* messages[] = {"work has been awful lately",
                            "my manager shouts at me in meetings",
                            "I dread going in every morning",
                            "I feel so anxious all the time",
                            "I feel stuck there",
                            "I'm so nervous about tomorrow",
                            "I can't stop worrying about it"};
  Reply r;
  for (const char* m : messages) {
    r = c.Send(m);
    if (WhyHas(r, "flow_offered:")) return r;
  }
  ADD_FAILURE() << "no flow offered; last why: " << Why(r);
  return r;
}

TEST(EngineFlows, LoadsFlowsAndScreener) {
  EXPECT_NE(Shared().flows().Find("box_breathing"), nullptr);
  EXPECT_EQ(Shared().screener().content(Instrument::kPhq9).items.size(), 9u);
}

TEST(EngineFlows, OfferYesStepsFinish) {
  Conversation c(Shared(), "en-US");
  Reply offer = TalkUntilOffer(c);
  EXPECT_EQ(offer.strategy, Strategy::kQuestion);
  EXPECT_EQ(offer.tag, "offer");
  EXPECT_TRUE(Contains(offer.text, "Would you like")) << offer.text;
  ASSERT_TRUE(c.state().activity().flow.has_value());
  const std::string id = c.state().activity().flow->flow_id;

  Reply start = c.Send("yes, let's try");
  EXPECT_EQ(start.strategy, Strategy::kSuggestion) << Why(start);
  EXPECT_TRUE(WhyHas(start, "in flow " + id)) << Why(start);
  EXPECT_FALSE(start.escalate);

  // Answer every step with something plain until the flow ends.
  bool finished = false;
  for (int i = 0; i < 40 && !finished; ++i) {
    const auto& flow = c.state().activity().flow;
    ASSERT_TRUE(flow.has_value()) << "turn " << i;
    const FlowDef* def = Shared().flows().Find(id);
    ASSERT_NE(def, nullptr);
    const FlowStepDef* step = def->Find(flow->step);
    std::string answer = "ok";
    if (step != nullptr) {
      switch (step->kind) {
        case StepKind::kNumber:
          answer = std::to_string(step->min);
          break;
        case StepKind::kYesNo:
          answer = "no";
          break;
        case StepKind::kList:
          answer = "done";
          break;
        case StepKind::kAsk:
          answer = "going for a walk after work";
          break;
        default:
          break;
      }
    }
    if (step != nullptr && step->kind == StepKind::kList &&
        flow->captures.count(step->capture) == 0) {
      answer = "going for a walk";
    }
    Reply r = c.Send(answer);
    EXPECT_FALSE(r.text.empty());
    EXPECT_FALSE(r.guard_replaced) << Why(r);
    finished = WhyHas(r, "flow_completed:" + id);
  }
  EXPECT_TRUE(finished);
  // The conversation goes on normally afterwards (or with the flow's follow-up offer).
  const auto& after = c.state().activity().flow;
  EXPECT_TRUE(!after.has_value() || after->phase == FlowPhase::kOffered);
}

TEST(EngineFlows, OfferNoContinuesTheConversation) {
  Conversation c(Shared(), "en-US");
  TalkUntilOffer(c);
  Reply r = c.Send("no thanks");
  EXPECT_TRUE(WhyHas(r, "flow_declined:")) << Why(r);
  EXPECT_NE(r.strategy, Strategy::kSuggestion);
  EXPECT_FALSE(c.state().activity().flow.has_value());
  EXPECT_FALSE(WhyHas(r, "in flow"));
}

TEST(EngineFlows, AskedDirectlyStartsBreathingAndExitEndsIt) {
  Conversation c(Shared(), "en-US");
  Reply start = c.Send("can we do a breathing exercise?");
  EXPECT_TRUE(WhyHas(start, "flow_started:box_breathing")) << Why(start);
  EXPECT_EQ(start.strategy, Strategy::kSuggestion);
  EXPECT_TRUE(Contains(start.text, "AI")) << start.text;  // the first reply still says so
  EXPECT_TRUE(Contains(start.text, "count of 4")) << start.text;
  Reply step = c.Send("ok, finished that round");
  EXPECT_TRUE(WhyHas(step, "in flow box_breathing, step round_1")) << Why(step);
  Reply stop = c.Send("can we stop");
  EXPECT_TRUE(WhyHas(stop, "flow_exited:box_breathing")) << Why(stop);
  EXPECT_TRUE(Contains(stop.text, "let's stop there")) << stop.text;
  EXPECT_FALSE(c.state().activity().flow.has_value());
}

// "done" alone reads as a last word on its own (high); during an exercise that asked "tell me
// when you're done" it is the answer (safety::ConversationContext::in_guided_exercise).
TEST(EngineFlows, LoneDoneAnswersTheExercise) {
  Conversation c(Shared(), "en-US");
  c.Send("can we do a breathing exercise?");
  Reply step = c.Send("done");
  EXPECT_TRUE(WhyHas(step, "in flow box_breathing")) << Why(step);
  EXPECT_FALSE(step.escalate);
  EXPECT_NE(step.strategy, Strategy::kCrisis);
}

TEST(EngineFlows, HelpMeCalmDownStartsAnExercise) {
  Conversation c(Shared(), "en-US");
  Reply r = c.Send("please help me calm down");
  EXPECT_TRUE(WhyHas(r, "flow_started:")) << Why(r);
}

TEST(EngineFlows, HighRiskMidFlowInterruptsWithTheCrisisReply) {
  Conversation c(Shared(), "en-US");
  c.Send("can we do a breathing exercise?");
  Reply crisis = c.Send("I have pills saved up and I'm going to take them all tonight");
  EXPECT_EQ(crisis.strategy, Strategy::kCrisis) << Why(crisis);
  EXPECT_TRUE(crisis.escalate);
  EXPECT_TRUE(Contains(crisis.text, "988")) << crisis.text;
  EXPECT_FALSE(Contains(crisis.text, "Breathe in")) << crisis.text;
  EXPECT_TRUE(WhyHas(crisis, "flow_interrupted:box_breathing")) << Why(crisis);
  ASSERT_TRUE(c.state().activity().flow.has_value());
  EXPECT_EQ(c.state().activity().flow->phase, FlowPhase::kInterrupted);
  // Not pressed straight after the crisis reply; asked (not told) when they want to go back.
  Reply safe = c.Send("yes I'm safe, my sister is with me");
  EXPECT_FALSE(WhyHas(safe, "flow_resume_offered:")) << Why(safe);
  EXPECT_FALSE(WhyHas(safe, "in flow")) << Why(safe);
  Reply later = c.Send("can we carry on with the breathing?");
  EXPECT_TRUE(WhyHas(later, "flow_resume_offered:box_breathing")) << Why(later);
  EXPECT_TRUE(Contains(later.text, "go back to the breathing exercise")) << later.text;
  Reply yes = c.Send("yes");
  EXPECT_TRUE(WhyHas(yes, "in flow box_breathing")) << Why(yes);
  EXPECT_TRUE(Contains(yes.text, "for 4")) << yes.text;
}

TEST(EngineFlows, OfferedFlowIsWithdrawnOnTheSafetyPath) {
  Conversation c(Shared(), "en-US");
  TalkUntilOffer(c);
  Reply r = c.Send("honestly I just want to kill myself");
  EXPECT_EQ(r.strategy, Strategy::kCrisis);
  EXPECT_FALSE(c.state().activity().flow.has_value());
}

TEST(EngineFlows, Phq9ToACompletedResult) {
  Conversation c(Shared(), "en-US");
  c.set_now(1000);
  Reply start = c.Send("can I take a depression test?");
  EXPECT_TRUE(WhyHas(start, "screening_started:phq9")) << Why(start);
  EXPECT_EQ(start.strategy, Strategy::kQuestion);
  const auto& items = Shared().screener().content(Instrument::kPhq9).items;
  EXPECT_TRUE(Contains(start.text, items[0])) << start.text;
  const char* answers[] = {
      "several days", "more than half the days", "1", "2",         "not at all",
      "several days", "nearly every day",        "0", "not at all"};
  Reply r;
  for (int i = 0; i < 9; ++i) {
    r = c.Send(answers[i]);
    EXPECT_FALSE(r.escalate) << i << " " << Why(r);
  }
  // The functional-difficulty question comes last.
  if (!WhyHas(r, "screening_completed:")) r = c.Send("somewhat difficult");
  EXPECT_TRUE(WhyHas(r, "screening_completed:phq9")) << Why(r);
  EXPECT_EQ(r.strategy, Strategy::kInformation);
  ASSERT_EQ(c.screening_results().size(), 1u);
  const ScreeningResult& res = c.screening_results()[0];
  EXPECT_TRUE(res.completed);
  EXPECT_EQ(res.total, 1 + 2 + 1 + 2 + 0 + 1 + 3 + 0 + 0);
  EXPECT_EQ(res.band, Band::kModerate);
  EXPECT_EQ(res.started_at, 1000);
  for (const std::string& line : Shared().screener().Describe(res)) {
    EXPECT_TRUE(Contains(r.text, line)) << r.text;
  }
  EXPECT_FALSE(c.state().activity().screening.has_value());
}

TEST(EngineFlows, Phq9Item9TakesTheRiskPath) {
  Conversation c(Shared(), "en-US");
  c.Send("hi");
  c.Send("can we do the PHQ-9?");
  for (int i = 0; i < 8; ++i) {
    Reply r = c.Send("not at all");
    ASSERT_FALSE(r.escalate) << i << " " << Why(r);
  }
  Reply risk = c.Send("several days");
  EXPECT_TRUE(WhyHas(risk, "screening_risk_path:phq9")) << Why(risk);
  EXPECT_EQ(risk.strategy, Strategy::kCrisis);
  EXPECT_TRUE(risk.escalate);
  EXPECT_GE(risk.risk_level, RiskLevel::kModerate);
  EXPECT_TRUE(Contains(risk.text, "988")) << risk.text;
  EXPECT_TRUE(Contains(risk.text, "Are you safe right now?")) << risk.text;
  EXPECT_GE(c.state().max_level(), RiskLevel::kModerate);
  ASSERT_EQ(c.screening_results().size(), 1u);
  EXPECT_TRUE(c.screening_results()[0].item9_positive);
  EXPECT_FALSE(c.state().activity().screening.has_value());
  EXPECT_FALSE(Contains(risk.text, "Your total")) << risk.text;
}

TEST(EngineFlows, ScreeningStopsOnExitWords) {
  Conversation c(Shared(), "en-US");
  c.Send("I'd like to take an anxiety test");
  c.Send("several days");
  Reply stop = c.Send("stop");
  EXPECT_TRUE(WhyHas(stop, "screening_stopped:gad7")) << Why(stop);
  ASSERT_EQ(c.screening_results().size(), 1u);
  EXPECT_FALSE(c.screening_results()[0].completed);
}

// A conversation rebuilt from its messages (as after a restart), with the activity kept with
// the latest reply.
Conversation Rebuilt(const std::vector<std::pair<std::string, std::string>>& history,
                     const std::string& activity) {
  Conversation c(Shared(), "en-US");
  for (const auto& [role, text] : history) {
    if (role == "user") {
      c.ObserveUser(text);
    } else {
      c.ObserveAssistant(text);
    }
  }
  EXPECT_TRUE(c.RestoreActivity(activity).ok());
  return c;
}

TEST(EngineFlows, AQuestionnaireGoesOnFromItsSavedActivity) {
  Conversation c(Shared(), "en-US");
  std::vector<std::pair<std::string, std::string>> history;
  auto say = [&](const std::string& text) {
    Reply r = c.Send(text);
    history.push_back({"user", text});
    history.push_back({"assistant", r.text});
    return r;
  };
  EXPECT_EQ(c.SaveActivity(), "") << "nothing to keep before any activity";
  say("can I take a depression test?");
  say("several days");
  say("more than half the days");
  const std::string saved = c.SaveActivity();
  ASSERT_NE(saved, "");

  Conversation again = Rebuilt(history, saved);
  ASSERT_TRUE(again.state().activity().screening.has_value());
  EXPECT_EQ(again.state().activity().screening->answers, (std::vector<int>{1, 2}));
  Reply next = again.Send("1");
  EXPECT_TRUE(WhyHas(next, "in screening phq9, item 3")) << Why(next);
  const auto& items = Shared().screener().content(Instrument::kPhq9).items;
  EXPECT_TRUE(Contains(next.text, items[3])) << next.text;
  for (const char* a : {"2", "not at all", "several days", "nearly every day", "0", "not at all"}) {
    next = again.Send(a);
  }
  if (!WhyHas(next, "screening_completed:")) next = again.Send("somewhat difficult");
  EXPECT_TRUE(WhyHas(next, "screening_completed:phq9")) << Why(next);
  ASSERT_EQ(again.screening_results().size(), 1u);
  EXPECT_EQ(again.screening_results()[0].total, 10);
  EXPECT_EQ(again.SaveActivity(), "") << "a finished questionnaire leaves nothing in progress";
}

TEST(EngineFlows, AnInterruptedFlowCountsItsTurnsInTheRebuiltConversation) {
  Conversation c(Shared(), "en-US");
  c.Send("can we do a breathing exercise?");
  c.Send("I have pills saved up and I'm going to take them all tonight");
  const std::string saved = c.SaveActivity();
  // Rebuilt from the last two messages only: the interruption is still one turn ago.
  Conversation again =
      Rebuilt({{"user", "I have pills saved up and I'm going to take them all tonight"},
               {"assistant", "..."}},
              saved);
  ASSERT_TRUE(again.state().activity().flow.has_value());
  EXPECT_EQ(again.state().activity().flow->phase, FlowPhase::kInterrupted);
  EXPECT_EQ(again.state().activity().interrupted_turn, 1);
  Reply safe = again.Send("yes I'm safe, my sister is with me");
  EXPECT_FALSE(WhyHas(safe, "flow_resume_offered:")) << Why(safe);
  Reply later = again.Send("can we carry on with the breathing?");
  EXPECT_TRUE(WhyHas(later, "flow_resume_offered:box_breathing")) << Why(later);
}

TEST(EngineFlows, ARestoredFlowThisEngineNoLongerHasIsDropped) {
  Conversation c(Shared(), "en-US");
  c.Send("can we do a breathing exercise?");
  std::string saved = c.SaveActivity();
  ASSERT_NE(saved.find("box_breathing"), std::string::npos) << saved;
  std::string gone = saved;
  gone.replace(gone.find("box_breathing"), 13, "old_exercise1");
  Conversation again = Rebuilt({}, gone);
  EXPECT_FALSE(again.state().activity().flow.has_value());
  // A state that does not parse changes nothing.
  Conversation bad(Shared(), "en-US");
  EXPECT_FALSE(bad.RestoreActivity("{\"flow\": 3}").ok());
  EXPECT_FALSE(bad.RestoreActivity("not json").ok());
  EXPECT_EQ(bad.SaveActivity(), "");
}

TEST(EngineFlows, RespondStaysStateless) {
  auto r = Shared().Respond({{"user", "can we do a breathing exercise?"}}, "en-US");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(WhyHas(*r, "flow_started:")) << Why(*r);
}

}  // namespace
}  // namespace haven::reply
