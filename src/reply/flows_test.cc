#include "reply/flows.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "nlp/analysis.h"
#include "safety/output_guard.h"

namespace haven::reply {
namespace {

const FlowLibrary& Shipped() {
  static const FlowLibrary lib = [] {
    auto loaded = FlowLibrary::Load(HAVEN_SOURCE_DATA_DIR);
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status().message();
      std::abort();
    }
    return std::move(loaded).value();
  }();
  return lib;
}

std::string Joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& m : v) out += m + "\n";
  return out;
}

bool Has(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

// ---- Reading short answers ----------------------------------------------------------------------

TEST(FlowAnswersTest, AnswerWords) {
  EXPECT_EQ(AnswerWords("Let's STOP, please!"),
            (std::vector<std::string>{"lets", "stop", "please"}));
  EXPECT_EQ(AnswerWords("I don\u2019t know \xF0\x9F\x98\x85"),
            (std::vector<std::string>{"i", "dont", "know"}));
  EXPECT_TRUE(AnswerWords("  ...  ").empty());
}

TEST(FlowAnswersTest, Consent) {
  for (const char* yes :
       {"yes", "Yeah", "sure", "ok let's try", "why not", "go on", "yes please", "Sure, why not?",
        "I guess so", "ok", "no problem, let's do it", "sounds good", "yep, what do I do?"}) {
    EXPECT_EQ(ReadConsent(yes), Consent::kYes) << yes;
  }
  for (const char* no :
       {"no", "No thanks", "not now", "maybe later", "yes but not now", "I'd rather not", "nah",
        "not really", "okay but not today", "I'm fine thanks", "im ok"}) {
    EXPECT_EQ(ReadConsent(no), Consent::kNo) << no;
  }
  for (const char* unsure :
       {"maybe", "not sure", "I don't know", "what is it?", "idk", "how does it work"}) {
    EXPECT_EQ(ReadConsent(unsure), Consent::kUnsure) << unsure;
  }
  for (const char* other : {"", "no one listens to me", "my sister moved out last week",
                            "I had a really long day at work and everyone kept saying yes to "
                            "more meetings"}) {
    EXPECT_EQ(ReadConsent(other), Consent::kOther) << other;
  }
}

TEST(FlowAnswersTest, ExitRequests) {
  for (const char* exit : {"stop", "Stop please", "let's stop", "can we stop?", "I want to stop",
                           "I don't want to do this", "i dont want to do this anymore", "exit",
                           "quit", "ok can we stop now", "no more questions", "never mind",
                           "Could we stop here please", "I'd like to stop", "enough"}) {
    EXPECT_TRUE(IsExitRequest(exit)) << exit;
  }
  for (const char* not_exit : {"I can't stop worrying", "I want to stop feeling like this", "done",
                               "I'm done", "ok", "the bus stop",
                               "stop being so hard on "
                               "myself",
                               "yes", "", "I never stop thinking about it"}) {
    EXPECT_FALSE(IsExitRequest(not_exit)) << not_exit;
  }
}

// ---- The shipped flows --------------------------------------------------------------------------

TEST(FlowLibraryTest, ShippedFlows) {
  const std::vector<std::string> want = {
      "about_anxiety",          "about_grief",   "about_low_mood",  "about_panic", "about_stress",
      "behavioural_activation", "box_breathing", "grounding_54321", "safety_plan", "sleep_hygiene",
      "thought_record",         "worry_time"};
  EXPECT_EQ(Shipped().Ids(), want);
  for (const std::string& id : want) {
    const FlowDef* f = Shipped().Find(id);
    ASSERT_NE(f, nullptr) << id;
    EXPECT_EQ(f->version, 1);
    EXPECT_EQ(f->offer.rfind("Would you like", 0), 0u) << id << ": " << f->offer;
  }
}

// `suits` names only what the analysis produces: GoEmotions labels and nlp/topics.cc topics.
TEST(FlowLibraryTest, SuitsNamesEmotionsAndTopics) {
  const std::set<std::string> topics = {"work",          "school",     "relationships", "family",
                                        "friends",       "health",     "mental_health", "sleep",
                                        "money",         "loneliness", "grief",         "identity",
                                        "substance_use", "self_image", "bullying",      "housing",
                                        "legal",         "pregnancy",  "abuse",         "job_loss"};
  for (const std::string& id : Shipped().Ids()) {
    for (const std::string& name : Shipped().Find(id)->suits) {
      const bool emotion = std::find(nlp::kEmotionNames.begin(), nlp::kEmotionNames.end(), name) !=
                           nlp::kEmotionNames.end();
      EXPECT_TRUE(emotion || topics.count(name)) << id << ": " << name;
    }
  }
  EXPECT_EQ(Shipped().Suiting("sleep"), std::vector<std::string>{"sleep_hygiene"});
  EXPECT_EQ(Shipped().Suiting("grief"), std::vector<std::string>{"about_grief"});
  const auto nervous = Shipped().Suiting("nervousness");
  EXPECT_NE(std::find(nervous.begin(), nervous.end(), "box_breathing"), nervous.end());
  EXPECT_TRUE(Shipped().Suiting("juggling").empty());
}

// Answers a waiting step plausibly: yes to yes/no (or no when `say_no`), a number in range, a
// phrase, one list entry then "done".
std::string AutoAnswer(const FlowDef& f, const FlowState& s, bool say_no) {
  const FlowStepDef* step = f.Find(s.step);
  if (!step) return "ok";
  switch (step->kind) {
    case StepKind::kYesNo:
      return say_no ? "no" : "yes";
    case StepKind::kNumber:
      return std::to_string((step->min + step->max) / 2);
    case StepKind::kList: {
      auto it = s.captures.find(step->capture);
      return it != s.captures.end() && !it->second.empty() ? "done" : "going for a walk";
    }
    case StepKind::kAsk:
      return "something I wrote";
    default:
      return "ok";
  }
}

TEST(FlowLibraryTest, EveryFlowRunsToTheEndBothWays) {
  for (const std::string& id : Shipped().Ids()) {
    for (bool say_no : {false, true}) {
      const FlowDef& f = *Shipped().Find(id);
      auto start = Shipped().Offer(id);
      ASSERT_TRUE(start.ok());
      FlowStepResult r = Shipped().Step(start->state, "yes");
      EXPECT_EQ(r.outcome, FlowOutcome::kStarted) << id;
      int turns = 0;
      while (r.state.active() && turns++ < 60) {
        r = Shipped().Step(r.state, AutoAnswer(f, r.state, say_no));
        EXPECT_FALSE(r.messages.empty()) << id << " at " << r.state.step;
      }
      EXPECT_EQ(r.outcome, FlowOutcome::kCompleted) << id;
      EXPECT_EQ(r.state.end, FlowEnd::kCompleted) << id;
      EXPECT_FALSE(r.state.active());
    }
  }
}

TEST(FlowLibraryTest, EveryFlowCanBeLeftAtEveryStep) {
  for (const std::string& id : Shipped().Ids()) {
    const FlowDef& f = *Shipped().Find(id);
    for (int leave_at = 0; leave_at < 12; ++leave_at) {
      auto started = Shipped().Start(id);
      ASSERT_TRUE(started.ok());
      FlowStepResult r = *started;
      for (int i = 0; i < leave_at && r.state.active(); ++i) {
        r = Shipped().Step(r.state, AutoAnswer(f, r.state, false));
      }
      if (!r.state.active()) break;
      r = Shipped().Step(r.state, "let's stop");
      EXPECT_EQ(r.outcome, FlowOutcome::kExited) << id << " at " << leave_at;
      EXPECT_EQ(r.state.end, FlowEnd::kExited);
      ASSERT_EQ(r.messages.size(), 1u);
      EXPECT_EQ(Shipped().Step(r.state, "yes").outcome, FlowOutcome::kNotActive);
    }
  }
}

TEST(FlowLibraryTest, PsychoeducationLeadsToAnExercise) {
  FlowStepResult r = *Shipped().Start("about_panic");
  EXPECT_EQ(r.state.step, "more_1");
  r = Shipped().Step(r.state, "yes please");
  EXPECT_EQ(r.outcome, FlowOutcome::kCompleted);
  EXPECT_EQ(r.then_offer, "box_breathing");
  EXPECT_TRUE(Has(Joined(r.messages), "this is panic, it will pass"));
  // The end line asks nothing the runner would have to answer: the offer comes from Offer().
  EXPECT_FALSE(Has(r.messages.back(), "?"));
  auto next = Shipped().Offer(r.then_offer);
  ASSERT_TRUE(next.ok());
  // Every then_offer names a flow that exists (Load checks it; so does this).
  for (const std::string& id : Shipped().Ids()) {
    const std::string& then = Shipped().Find(id)->then_offer;
    if (!then.empty()) {
      EXPECT_NE(Shipped().Find(then), nullptr) << id;
    }
  }
}

TEST(FlowLibraryTest, ConsentDeclinedStartsNothing) {
  auto offer = Shipped().Offer("box_breathing");
  ASSERT_TRUE(offer.ok());
  EXPECT_EQ(offer->outcome, FlowOutcome::kOffered);
  ASSERT_EQ(offer->messages.size(), 1u);
  EXPECT_TRUE(Has(offer->messages[0], "Would you like to try"));
  for (const char* no : {"no thanks", "not now", "stop"}) {
    const FlowStepResult r = Shipped().Step(offer->state, no);
    EXPECT_EQ(r.outcome, FlowOutcome::kDeclined) << no;
    EXPECT_EQ(r.state.end, FlowEnd::kDeclined);
    EXPECT_TRUE(r.state.step.empty());
    EXPECT_TRUE(r.state.captures.empty());
    ASSERT_EQ(r.messages.size(), 1u);
    EXPECT_EQ(r.messages[0], Shipped().Find("box_breathing")->declined);
  }
}

TEST(FlowLibraryTest, UnsureGetsMoreThenAnswerDecides) {
  auto offer = Shipped().Offer("thought_record");
  FlowStepResult r = Shipped().Step(offer->state, "what is it?");
  EXPECT_EQ(r.outcome, FlowOutcome::kReasked);
  EXPECT_EQ(r.messages[0], Shipped().Find("thought_record")->offer_more);
  r = Shipped().Step(r.state, "ok let's try");
  EXPECT_EQ(r.outcome, FlowOutcome::kStarted);
  EXPECT_EQ(r.state.step, "situation");
}

TEST(FlowLibraryTest, OfferLapsesWhenThePersonTalksAboutSomethingElse) {
  auto offer = Shipped().Offer("grounding_54321");
  const FlowStepResult r = Shipped().Step(offer->state, "my mum called again and we argued");
  EXPECT_EQ(r.outcome, FlowOutcome::kLapsed);
  EXPECT_TRUE(r.messages.empty());
  EXPECT_FALSE(r.state.active());
}

TEST(FlowLibraryTest, UnknownFlow) {
  EXPECT_FALSE(Shipped().Start("juggling").ok());
  EXPECT_FALSE(Shipped().Offer("").ok());
  FlowState s;
  s.flow_id = "juggling";
  s.phase = FlowPhase::kRunning;
  EXPECT_EQ(Shipped().Step(s, "yes").outcome, FlowOutcome::kNotActive);
  s.flow_id = "thought_record";
  s.step = "no_such_step";
  EXPECT_EQ(Shipped().Step(s, "yes").outcome, FlowOutcome::kNotActive);
}

// ---- Thought record: the person's words, quoted as written --------------------------------------

TEST(ThoughtRecordTest, SummaryQuotesThePersonsOwnWords) {
  auto r0 = Shipped().Start("thought_record");
  ASSERT_TRUE(r0.ok());
  FlowStepResult r = *r0;
  EXPECT_EQ(r.state.step, "situation");
  r = Shipped().Step(r.state, "My manager said my report was late in front of everyone");
  r = Shipped().Step(r.state, "\"I'm useless and she knows it\"");
  EXPECT_TRUE(Has(Joined(r.messages), "emotion"));
  r = Shipped().Step(r.state, "ashamed");
  r = Shipped().Step(r.state, "loads");  // not a number
  EXPECT_EQ(r.outcome, FlowOutcome::kReasked);
  r = Shipped().Step(r.state, "about 80%");
  EXPECT_EQ(r.state.captures["intensity"], std::vector<std::string>{"80"});
  // The evidence question quotes the thought as written, pronouns untouched.
  EXPECT_TRUE(Has(Joined(r.messages), "\"I'm useless and she knows it\"")) << Joined(r.messages);
  r = Shipped().Step(r.state, "I was late with it. My  mistakes   always get noticed");
  r = Shipped().Step(r.state, "I don't know");
  EXPECT_EQ(r.outcome, FlowOutcome::kReasked);  // help, once
  EXPECT_TRUE(Has(r.messages[0], "friend"));
  r = Shipped().Step(r.state, "She thanked me for my work last week");
  r = Shipped().Step(r.state, "I made one mistake, that doesn't make me useless");
  r = Shipped().Step(r.state, "7/10");
  EXPECT_EQ(r.outcome, FlowOutcome::kCompleted);
  EXPECT_EQ(r.state.captures["intensity_after"], std::vector<std::string>{"70"});
  const std::string summary = Joined(r.messages);
  EXPECT_TRUE(Has(summary,
                  "Situation: \"My manager said my report was late in front of "
                  "everyone\""))
      << summary;
  EXPECT_TRUE(Has(summary, "Thought: \"I'm useless and she knows it\""));
  EXPECT_TRUE(Has(summary, "\"ashamed\", 80 out of 100"));
  EXPECT_TRUE(Has(summary, "\"I was late with it. My mistakes always get noticed\""));
  EXPECT_TRUE(Has(summary, "\"She thanked me for my work last week\""));
  EXPECT_TRUE(Has(summary, "\"I made one mistake, that doesn't make me useless\""));
  EXPECT_TRUE(Has(summary, "The feeling now: 70 out of 100"));
  EXPECT_FALSE(Has(summary, "you're useless"));
  EXPECT_FALSE(Has(summary, "your report"));
}

TEST(ThoughtRecordTest, Numbers) {
  auto at_intensity = [] {
    FlowStepResult r = *Shipped().Start("thought_record");
    for (const char* a : {"a", "b", "sad"}) r = Shipped().Step(r.state, a);
    EXPECT_EQ(r.state.step, "intensity");
    return r.state;
  };
  const std::vector<std::pair<std::string, std::string>> ok = {
      {"80", "80"},   {"80%", "80"},         {"about 80 I think", "80"}, {"eighty five", "85"},
      {"7/10", "70"}, {"7 out of 10", "70"}, {"90/100", "90"},           {"0", "0"},
      {"100", "100"}, {"one hundred", "100"}};
  for (const auto& [text, want] : ok) {
    const FlowStepResult r = Shipped().Step(at_intensity(), text);
    EXPECT_EQ(r.outcome, FlowOutcome::kContinuing) << text;
    EXPECT_EQ(r.state.captures.at("intensity"), std::vector<std::string>{want}) << text;
  }
  for (const char* bad : {"150", "60 or 70", "very", "", "-", "3/5"}) {
    const FlowStepResult r = Shipped().Step(at_intensity(), bad);
    EXPECT_EQ(r.outcome, FlowOutcome::kReasked) << bad;
    EXPECT_FALSE(r.state.captures.count("intensity")) << bad;
  }
}

// ---- Behavioural activation: a check-back for later ---------------------------------------------

TEST(BehaviouralActivationTest, CompletesWithACheckBack) {
  FlowStepResult r = *Shipped().Start("behavioural_activation");
  r = Shipped().Step(r.state, "take my dog to the park");
  r = Shipped().Step(r.state, "Saturday morning");
  r = Shipped().Step(r.state, "if it rains I'll walk round the block");
  r = Shipped().Step(r.state, "8");
  EXPECT_EQ(r.outcome, FlowOutcome::kCompleted);
  EXPECT_TRUE(Has(Joined(r.messages), "What: \"take my dog to the park\""));
  ASSERT_TRUE(r.check_back.has_value());
  EXPECT_EQ(r.check_back->flow_id, "behavioural_activation");
  EXPECT_TRUE(Has(r.check_back->text, "\"take my dog to the park\", \"Saturday morning\""))
      << r.check_back->text;
  EXPECT_EQ(r.check_back->captures.at("when"), std::vector<std::string>{"Saturday morning"});
}

TEST(BehaviouralActivationTest, LowConfidenceMakesTheStepSmaller) {
  FlowStepResult r = *Shipped().Start("behavioural_activation");
  r = Shipped().Step(r.state, "go for a run");
  r = Shipped().Step(r.state, "tomorrow before work");
  r = Shipped().Step(r.state, "too tired, then I'd walk instead");
  r = Shipped().Step(r.state, "about 4");
  EXPECT_EQ(r.outcome, FlowOutcome::kContinuing);
  EXPECT_EQ(r.state.step, "smaller");
  r = Shipped().Step(r.state, "put my trainers on and walk to the corner");
  EXPECT_EQ(r.outcome, FlowOutcome::kCompleted);
  ASSERT_TRUE(r.check_back.has_value());
  EXPECT_TRUE(Has(r.check_back->text, "\"put my trainers on and walk to the corner\""));
}

TEST(FlowAskTest, APlainNoIsNotKeptAsAnAnswer) {
  FlowStepResult r = *Shipped().Start("sleep_hygiene");
  r = Shipped().Step(r.state, "falling asleep");
  r = Shipped().Step(r.state, "no thanks");
  ASSERT_EQ(r.state.step, "choose");
  FlowStepResult no = Shipped().Step(r.state, "no");
  EXPECT_EQ(no.outcome, FlowOutcome::kCompleted);
  EXPECT_FALSE(no.state.captures.count("sleep_step"));
  FlowStepResult yes = Shipped().Step(r.state, "no screens after 10pm");
  EXPECT_EQ(yes.state.captures.at("sleep_step"), std::vector<std::string>{"no screens after 10pm"});
  EXPECT_TRUE(Has(Joined(yes.messages), "\"no screens after 10pm\""));
}

TEST(FlowListTest, FollowUpLinesTakeTurns) {
  FlowStepResult r = *Shipped().Start("worry_time");
  r = Shipped().Step(r.state, "6pm");
  ASSERT_EQ(r.state.step, "list");
  const std::vector<std::string>& more = Shipped().Find("worry_time")->Find("list")->more;
  ASSERT_GE(more.size(), 2u);
  r = Shipped().Step(r.state, "money");
  EXPECT_EQ(r.messages, std::vector<std::string>{more[0]});
  r = Shipped().Step(r.state, "my exam");
  EXPECT_EQ(r.messages, std::vector<std::string>{more[1]});
}

// ---- Safety plan: the person's plan as data -----------------------------------------------------

TEST(SafetyPlanTest, BuildsThePlanFromThePersonsWords) {
  const std::map<std::string, std::string> inputs = {
      {"crisis_lines", "Samaritans: call 116 123 (24/7, free)"}, {"emergency_number", "999"}};
  auto offer = Shipped().Offer("safety_plan", inputs);
  ASSERT_TRUE(offer.ok());
  FlowStepResult r = Shipped().Step(offer->state, "yes");
  EXPECT_EQ(r.state.step, "warning_signs");
  r = Shipped().Step(r.state, "I stop answering my friends");
  r = Shipped().Step(r.state, "lying awake going over things");
  r = Shipped().Step(r.state, "that's all");
  EXPECT_EQ(r.state.step, "internal_coping");
  r = Shipped().Step(r.state, "done");  // nothing yet: one gentle prompt
  EXPECT_EQ(r.outcome, FlowOutcome::kReasked);
  r = Shipped().Step(r.state, "a hot shower");
  r = Shipped().Step(r.state, "done");
  r = Shipped().Step(r.state, "the library");
  r = Shipped().Step(r.state, "done");
  r = Shipped().Step(r.state, "no one really");  // not an entry: one gentle prompt
  EXPECT_EQ(r.outcome, FlowOutcome::kReasked);
  EXPECT_EQ(r.state.step, "people_to_ask");
  r = Shipped().Step(r.state, "my sister Jo 07700 900123");
  r = Shipped().Step(r.state, "no");
  EXPECT_EQ(r.state.step, "professionals");
  EXPECT_TRUE(Has(Joined(r.messages), "Samaritans: call 116 123"));
  r = Shipped().Step(r.state, "Dr Patel at my GP surgery");
  r = Shipped().Step(r.state, "done");
  r = Shipped().Step(r.state, "ask Jo to keep my meds at hers for now");
  r = Shipped().Step(r.state, "done");
  r = Shipped().Step(r.state, "my cat");
  r = Shipped().Step(r.state, "done");
  EXPECT_EQ(r.outcome, FlowOutcome::kCompleted);
  const std::string text = Joined(r.messages);
  EXPECT_TRUE(Has(text,
                  "1. My warning signs:\n- I stop answering my friends\n- lying awake "
                  "going over things"))
      << text;
  EXPECT_TRUE(Has(text, "- Crisis line: Samaritans: call 116 123 (24/7, free)"));
  EXPECT_TRUE(Has(text, "- Emergency: 999"));

  const SafetyPlan plan = SafetyPlanFromCaptures(r.state.captures);
  EXPECT_EQ(plan.warning_signs, (std::vector<std::string>{"I stop answering my friends",
                                                          "lying awake going over things"}));
  EXPECT_EQ(plan.internal_coping, std::vector<std::string>{"a hot shower"});
  EXPECT_EQ(plan.social_distractions, std::vector<std::string>{"the library"});
  EXPECT_EQ(plan.people_to_ask, std::vector<std::string>{"my sister Jo 07700 900123"});
  EXPECT_EQ(plan.professionals, std::vector<std::string>{"Dr Patel at my GP surgery"});
  EXPECT_EQ(plan.safer_environment,
            std::vector<std::string>{"ask Jo to keep my meds at hers for now"});
  EXPECT_EQ(plan.reasons_for_living, std::vector<std::string>{"my cat"});
  EXPECT_FALSE(plan.empty());

  auto back = SafetyPlanFromJson(SafetyPlanToJson(plan));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, plan);
  EXPECT_FALSE(SafetyPlanFromJson("{\"warning_signs\":[1]}").ok());
  EXPECT_FALSE(SafetyPlanFromJson("not json").ok());
}

TEST(SafetyPlanTest, DefaultsWithoutALocaleAndPartialPlansAreKept) {
  FlowStepResult r = *Shipped().Start("safety_plan");
  EXPECT_EQ(r.state.inputs.at("emergency_number"), "your local emergency number");
  r = Shipped().Step(r.state, "when I stop eating");
  r = Shipped().Step(r.state, "can we stop");
  EXPECT_EQ(r.outcome, FlowOutcome::kExited);
  EXPECT_TRUE(Has(r.messages[0], "your local emergency number"));
  EXPECT_EQ(SafetyPlanFromCaptures(r.state.captures).warning_signs,
            std::vector<std::string>{"when I stop eating"});
}

// ---- Interrupt and resume (the engine's safety path) --------------------------------------------

TEST(FlowInterruptTest, InterruptThenResume) {
  FlowStepResult r = *Shipped().Start("thought_record");
  r = Shipped().Step(r.state, "an argument at home");
  ASSERT_EQ(r.state.step, "thought");
  const FlowState paused = FlowLibrary::Interrupt(r.state);
  EXPECT_EQ(paused.phase, FlowPhase::kInterrupted);
  EXPECT_TRUE(paused.active());
  // While interrupted, nothing the person says moves the flow.
  const FlowStepResult ignored = Shipped().Step(paused, "I'm a failure");
  EXPECT_EQ(ignored.outcome, FlowOutcome::kInterrupted);
  EXPECT_TRUE(ignored.messages.empty());
  EXPECT_EQ(ignored.state, paused);

  FlowStepResult resumed = Shipped().Resume(paused);
  EXPECT_EQ(resumed.outcome, FlowOutcome::kResumeOffered);
  EXPECT_EQ(resumed.messages[0], Shipped().Find("thought_record")->resume);
  FlowStepResult yes = Shipped().Step(resumed.state, "yes");
  EXPECT_EQ(yes.outcome, FlowOutcome::kContinuing);
  EXPECT_EQ(yes.state.step, "thought");
  EXPECT_TRUE(Has(yes.messages[0], "What went through your mind"));
  EXPECT_EQ(yes.state.captures.at("situation"), std::vector<std::string>{"an argument at home"});
  FlowStepResult no = Shipped().Step(resumed.state, "no thanks");
  EXPECT_EQ(no.outcome, FlowOutcome::kExited);
  EXPECT_FALSE(no.state.active());

  // Interrupting an offer lets it lapse; a finished flow is unchanged; Resume needs an interrupt.
  auto offer = Shipped().Offer("box_breathing");
  EXPECT_EQ(FlowLibrary::Interrupt(offer->state).end, FlowEnd::kLapsed);
  EXPECT_EQ(FlowLibrary::Interrupt(no.state), no.state);
  EXPECT_EQ(Shipped().Resume(r.state).outcome, FlowOutcome::kNotActive);
}

TEST(FlowStateTest, JsonRoundTrip) {
  FlowStepResult r = *Shipped().Start("safety_plan", {{"crisis_lines", "988"}});
  r = Shipped().Step(r.state, "feeling \"numb\" \u2014 and tired");
  auto back = FlowStateFromJson(FlowStateToJson(r.state));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, r.state);
  EXPECT_FALSE(FlowStateFromJson("{}").ok());
  EXPECT_FALSE(FlowStateFromJson("[").ok());
  auto bad = FlowStateFromJson(
      R"({"flow_id":"x","phase":"flying","end":"none","step":"","unclear":0,"helped":false,)"
      R"("captures":{},"inputs":{}})");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(Has(bad.status().message(), "phase"));
}

TEST(FlowCaptureTest, CapturedTextIsTidiedNotRewritten) {
  FlowStepResult r = *Shipped().Start("thought_record");
  r = Shipped().Step(r.state, "  \u201cMy  brother\n\nignored me\u201d  ");
  EXPECT_EQ(r.state.captures.at("situation"), std::vector<std::string>{"My brother ignored me"});
  r = *Shipped().Start("thought_record");
  r = Shipped().Step(r.state, std::string(1000, 'a') + "\xE2\x82\xAC");
  const std::string kept = r.state.captures.at("situation")[0];
  EXPECT_LE(kept.size(), 400u + 3u);
  r = *Shipped().Start("thought_record");
  r = Shipped().Step(r.state, "   ");
  EXPECT_EQ(r.outcome, FlowOutcome::kReasked);
  r = Shipped().Step(r.state, "bad\xFF\xFEutf8");
  EXPECT_EQ(r.state.captures.at("situation"), std::vector<std::string>{"badutf8"});
}

// ---- Every line passes the output guard ---------------------------------------------------------

TEST(FlowWordingTest, EveryLinePassesTheOutputGuard) {
  const safety::OutputGuard guard;
  Captures sample;
  std::map<std::string, std::string> inputs = {
      {"crisis_lines", "988 Suicide & Crisis Lifeline: call or text 988 (24/7)"},
      {"emergency_number", "911"}};
  for (const std::string& id : Shipped().Ids()) {
    const FlowDef& f = *Shipped().Find(id);
    std::set<std::string> lists;
    for (const FlowStepDef& s : f.steps) {
      if (!s.capture.empty()) sample[s.capture] = {"going for a walk"};
      if (s.kind == StepKind::kList) lists.insert(s.capture);
    }
    std::vector<std::string> lines = {f.offer, f.offer_more, f.declined,
                                      f.exit,  f.resume,     f.check_back};
    for (const FlowStepDef& s : f.steps) {
      for (const std::string* t : {&s.text, &s.prompt, &s.reask, &s.help}) {
        lines.push_back(*t);
      }
      for (const std::string& m : s.more) lines.push_back(m);
    }
    for (const std::string& line : lines) {
      if (line.empty()) continue;
      const std::string filled = FlowLibrary::Fill(line, sample, inputs, lists);
      const auto g = guard.Check(filled);
      EXPECT_TRUE(g.pass) << id << ": " << safety::GuardRuleName(g.rule) << ": " << filled;
      EXPECT_FALSE(Has(filled, "{")) << id << ": " << filled;
    }
  }
}

// ---- Robustness: any text, any order, never a broken state --------------------------------------

TEST(FlowRobustnessTest, RandomRepliesInterruptsAndRestoresKeepTheStateSound) {
  const std::vector<std::string> pool = {"yes",
                                         "no",
                                         "stop",
                                         "done",
                                         "maybe",
                                         "42",
                                         "7/10",
                                         "",
                                         "   ",
                                         "I don't know",
                                         "let's stop",
                                         "what?",
                                         "\xFF\xFE",
                                         std::string(2000, 'x'),
                                         "{name}",
                                         "\"quoted\"",
                                         "no one",
                                         "ok",
                                         "I can't stop worrying",
                                         "nearly every day",
                                         "\xF0\x9F\x98\xA2 sad",
                                         "100",
                                         "-3"};
  std::mt19937 rng(12345);
  for (const std::string& id : Shipped().Ids()) {
    const FlowDef& f = *Shipped().Find(id);
    for (int run = 0; run < 20; ++run) {
      FlowStepResult r = (run % 2 == 0) ? *Shipped().Offer(id) : *Shipped().Start(id);
      for (int turn = 0; turn < 40 && r.state.active(); ++turn) {
        const unsigned roll = rng() % 20;
        if (roll == 0) {
          r.state = FlowLibrary::Interrupt(r.state);
          if (r.state.active()) r = Shipped().Resume(r.state);
          continue;
        }
        if (roll == 1) {  // through storage and back
          auto back = FlowStateFromJson(FlowStateToJson(r.state));
          ASSERT_TRUE(back.ok()) << back.status().message();
          ASSERT_EQ(*back, r.state);
        }
        r = Shipped().Step(r.state, pool[rng() % pool.size()]);
        if (r.state.phase == FlowPhase::kRunning) {
          const FlowStepDef* step = f.Find(r.state.step);
          ASSERT_NE(step, nullptr) << id;
          EXPECT_NE(step->kind, StepKind::kSay) << id;
          EXPECT_NE(step->kind, StepKind::kEnd) << id;
        }
        for (const auto& [key, entries] : r.state.captures) {
          for (const std::string& e : entries) EXPECT_LE(e.size(), 403u) << id;
        }
      }
    }
  }
}

// ---- Validation ---------------------------------------------------------------------------------

constexpr const char* kMinimal = R"(version: 1
flows:
  - id: tiny
    title: Tiny
    kind: exercise
    offer: "Would you like to try?"
    declined: "Okay."
    exit: "Stopping."
    resume: "Carry on?"
    steps:
      - id: hello
        kind: ask
        capture: name
        prompt: "What should I call it?"
        next: bye
      - id: bye
        kind: end
        text: "Thanks, {name}."
)";

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  const size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

void ExpectError(const std::string& yaml, const std::string& want) {
  auto r = FlowLibrary::Parse({{"flows/tiny.yaml", yaml}});
  ASSERT_FALSE(r.ok()) << "expected: " << want;
  EXPECT_TRUE(Has(r.status().message(), want)) << r.status().message();
  EXPECT_EQ(r.status().message().rfind("flows/tiny.yaml", 0), 0u) << r.status().message();
}

TEST(FlowValidationTest, MinimalLoads) {
  auto r = FlowLibrary::Parse({{"flows/tiny.yaml", kMinimal}});
  ASSERT_TRUE(r.ok()) << r.status().message();
  FlowStepResult s = *r->Start("tiny");
  s = r->Step(s.state, "Pebble");
  EXPECT_EQ(s.messages, std::vector<std::string>{"Thanks, Pebble."});
}

TEST(FlowValidationTest, ClearErrors) {
  const std::string m = kMinimal;
  ExpectError(Replace(m, "kind: ask", "kind: juggle"),
              "flow 'tiny': step 'hello': unknown kind 'juggle'");
  ExpectError(Replace(m, "        prompt: \"What should I call it?\"\n", ""),
              "flow 'tiny': step 'hello': missing 'prompt'");
  ExpectError(Replace(m, "next: bye", "next: byebye"),
              "flow 'tiny': step 'hello': 'byebye' is not a step of this flow");
  ExpectError(Replace(m, "id: bye", "id: hello"), "step 'hello': duplicate step id");
  ExpectError(Replace(m, "version: 1\n", ""), "missing 'version'");
  ExpectError(Replace(m, "version: 1", "version: 7"), "unsupported version 7");
  ExpectError(Replace(m, "Thanks, {name}.", "Thanks, {nmae}."),
              "step 'bye': text: unknown placeholder {nmae}");
  ExpectError(Replace(m, "        capture: name\n", "        capture: name\n        colour: red\n"),
              "step 'hello': unknown field 'colour'");
  ExpectError(Replace(m, "\"Would you like to try?\"", "\"Let's do it.\""),
              "offer must ask for consent");
  ExpectError(Replace(m, "        next: bye\n", ""), "step 'hello': missing 'next'");
  ExpectError(Replace(m, "kind: exercise", "kind: magic"), "flow 'tiny': unknown kind 'magic'");
  ExpectError(
      Replace(m, "      - id: bye\n",
              "      - id: orphan\n        kind: say\n        text: \"x\"\n        next: bye\n"
              "      - id: bye\n"),
      "step 'orphan': unreachable");
  ExpectError(Replace(Replace(m, "next: bye", "next: a"), "      - id: bye\n",
                      "      - id: a\n        kind: say\n        text: \"x\"\n        next: b\n"
                      "      - id: b\n        kind: say\n        text: \"y\"\n        next: a\n"
                      "      - id: bye\n"),
              "say/summary steps loop");
  ExpectError(Replace(m, "kind: ask\n        capture: name\n",
                      "kind: number\n        capture: name\n        min: 0\n        max: 10\n"
                      "        if_below: 5\n        below_next: nowhere\n"),
              "'nowhere' is not a step of this flow");
  ExpectError(Replace(m, "kind: ask\n        capture: name\n",
                      "kind: number\n        capture: name\n        min: 0\n        max: 10\n"
                      "        if_below: 50\n        below_next: bye\n"),
              "if_below must be in (min, max]");
  ExpectError(Replace(m, "    resume: \"Carry on?\"\n",
                      "    resume: \"Carry on?\"\n    then_offer: nope\n"),
              "flow 'tiny': then_offer: no flow 'nope'");
  ExpectError("flows: [", "not valid YAML");
  // Duplicate flow ids across files name both files.
  auto dup = FlowLibrary::Parse({{"a.yaml", m}, {"b.yaml", m}});
  ASSERT_FALSE(dup.ok());
  EXPECT_TRUE(Has(dup.status().message(), "b.yaml: flow 'tiny': duplicate id (also in a.yaml)"))
      << dup.status().message();
  EXPECT_FALSE(FlowLibrary::Load("/nonexistent").ok());
}

}  // namespace
}  // namespace haven::reply
