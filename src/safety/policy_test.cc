#include "safety/policy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace haven::safety {
namespace {

using nlp::RiskCategory;

nlp::Analysis Message(RiskLevel level, std::vector<RiskCategory> cats = {},
                      std::string intent = "other", std::vector<std::string> signals = {}) {
  nlp::Analysis a;
  a.risk.level = level;
  a.risk.categories = std::move(cats);
  a.intent.label = std::move(intent);
  for (auto& s : signals) a.risk.evidence.push_back({{0, 1}, std::move(s)});
  return a;
}

bool HasReason(const Decision& d, std::string_view part) {
  return std::any_of(d.reasons.begin(), d.reasons.end(),
                     [&](const std::string& r) { return r.find(part) != std::string::npos; });
}

TEST(PolicyTest, LevelsMapToActions) {
  ConversationContext ctx;
  Decision none = Decide(Message(RiskLevel::kNone), ctx);
  EXPECT_EQ(none.action, Action::kContinue);
  EXPECT_FALSE(none.escalate_to_human);
  EXPECT_TRUE(none.reasons.empty());

  Decision low = Decide(Message(RiskLevel::kLow), ctx);
  EXPECT_EQ(low.action, Action::kCheckIn);
  EXPECT_FALSE(low.escalate_to_human);
  EXPECT_FALSE(low.reasons.empty());

  Decision moderate = Decide(Message(RiskLevel::kModerate), ctx);
  EXPECT_EQ(moderate.action, Action::kCrisisReply);
  EXPECT_TRUE(moderate.escalate_to_human);
  EXPECT_FALSE(moderate.urgent);

  Decision high = Decide(Message(RiskLevel::kHigh), ctx);
  EXPECT_EQ(high.action, Action::kCrisisReply);
  EXPECT_TRUE(high.escalate_to_human);
  EXPECT_TRUE(high.urgent);

  Decision imminent = Decide(Message(RiskLevel::kImminent), ctx);
  EXPECT_EQ(imminent.action, Action::kEmergency);
  EXPECT_TRUE(imminent.escalate_to_human);
  EXPECT_TRUE(imminent.urgent);
  EXPECT_TRUE(HasReason(imminent, "emergency number first"));
}

TEST(PolicyTest, RepeatedLowBecomesModerate) {
  ConversationContext ctx;
  ctx.recent_low_turns = 1;  // this is the 2nd low turn in a row
  EXPECT_EQ(Decide(Message(RiskLevel::kLow), ctx).action, Action::kCheckIn);
  ctx.recent_low_turns = 2;  // 3rd
  Decision d = Decide(Message(RiskLevel::kLow), ctx);
  EXPECT_EQ(d.action, Action::kCrisisReply);
  EXPECT_TRUE(d.escalate_to_human);
  EXPECT_EQ(d.effective_level, RiskLevel::kModerate);
  EXPECT_TRUE(HasReason(d, "3 turns in a row"));
  ctx.recent_low_turns = 7;
  EXPECT_EQ(Decide(Message(RiskLevel::kLow), ctx).action, Action::kCrisisReply);
  ctx.recent_low_turns = -5;  // nonsense from a caller never lowers anything
  EXPECT_EQ(Decide(Message(RiskLevel::kLow), ctx).action, Action::kCheckIn);
}

TEST(PolicyTest, LowAfterHigherLevelBecomesModerate) {
  for (RiskLevel earlier : {RiskLevel::kModerate, RiskLevel::kHigh, RiskLevel::kImminent}) {
    ConversationContext ctx;
    ctx.previous_max_level = earlier;
    Decision d = Decide(Message(RiskLevel::kLow), ctx);
    EXPECT_EQ(d.action, Action::kCrisisReply) << RiskLevelName(earlier);
    EXPECT_TRUE(d.escalate_to_human);
    EXPECT_TRUE(HasReason(d, "earlier"));
  }
  ConversationContext ctx;
  ctx.previous_max_level = RiskLevel::kLow;
  EXPECT_EQ(Decide(Message(RiskLevel::kLow), ctx).action, Action::kCheckIn);
  // A level never drops because of the past.
  ctx.previous_max_level = RiskLevel::kImminent;
  EXPECT_EQ(Decide(Message(RiskLevel::kHigh), ctx).action, Action::kCrisisReply);
  EXPECT_EQ(Decide(Message(RiskLevel::kImminent), ctx).action, Action::kEmergency);
}

TEST(PolicyTest, GoodbyeAfterRiskIsACrisis) {
  ConversationContext ctx;
  ctx.previous_max_level = RiskLevel::kHigh;
  Decision d = Decide(Message(RiskLevel::kNone, {}, "goodbye"), ctx);
  EXPECT_EQ(d.action, Action::kCrisisReply);
  EXPECT_TRUE(d.escalate_to_human);
  EXPECT_TRUE(d.urgent);
  EXPECT_TRUE(HasReason(d, "goodbye"));
  // Farewell evidence counts as a goodbye whatever the intent.
  EXPECT_EQ(Decide(Message(RiskLevel::kNone, {}, "other", {"farewell"}), ctx).action,
            Action::kCrisisReply);
  // Without risk before, a goodbye is a goodbye.
  ConversationContext calm;
  calm.previous_max_level = RiskLevel::kLow;
  EXPECT_EQ(Decide(Message(RiskLevel::kNone, {}, "goodbye"), calm).action, Action::kContinue);
}

// A goodbye after a talk with no risk in it, read as risk by the learned reader alone ("thank
// you for the ideas. Goodbye."), is asked about directly, not answered as a crisis.
TEST(PolicyTest, LearnedReadingOfAGoodbyeAfterACalmTalkIsAskedAbout) {
  nlp::Analysis bye =
      Message(RiskLevel::kImminent, {RiskCategory::kSuicide}, "crisis", {"learned_reading"});
  ConversationContext leaving;
  leaving.takes_leave_after_talk = true;
  Decision d = Decide(bye, leaving);
  EXPECT_EQ(d.action, Action::kCheckIn);
  EXPECT_FALSE(d.escalate_to_human);
  EXPECT_TRUE(HasReason(d, "a goodbye after a conversation without risk"));
  // Not without the talk, not after anything read as risk, not beside a phrase the rules know.
  EXPECT_EQ(Decide(bye, ConversationContext{}).action, Action::kCrisisReply);
  ConversationContext after_risk = leaving;
  after_risk.previous_max_level = RiskLevel::kLow;
  EXPECT_EQ(Decide(bye, after_risk).action, Action::kCrisisReply);
  nlp::Analysis ruled = Message(RiskLevel::kImminent, {RiskCategory::kSuicide}, "crisis",
                                {"learned_reading", "farewell"});
  EXPECT_GE(Decide(ruled, leaving).action, Action::kCrisisReply);
}

TEST(PolicyTest, LoneDoneAnswersAGuidedExercise) {
  nlp::Analysis done = Message(RiskLevel::kHigh, {RiskCategory::kSuicide}, "other", {"lone_done"});
  ConversationContext exercise;
  exercise.in_guided_exercise = true;
  Decision d = Decide(done, exercise);
  EXPECT_EQ(d.action, Action::kContinue);
  EXPECT_FALSE(d.escalate_to_human);
  EXPECT_TRUE(HasReason(d, "guided exercise"));
  // Out of an exercise it stays what it reads as.
  EXPECT_EQ(Decide(done, ConversationContext{}).action, Action::kCrisisReply);
  // Any other sign beside it keeps the reading, exercise or not.
  nlp::Analysis more =
      Message(RiskLevel::kHigh, {RiskCategory::kSuicide}, "other", {"lone_done", "hopelessness"});
  EXPECT_EQ(Decide(more, exercise).action, Action::kCrisisReply);
  // After risk earlier, a lone "done" outside an exercise is a goodbye.
  ConversationContext after;
  after.previous_max_level = RiskLevel::kModerate;
  EXPECT_TRUE(Decide(Message(RiskLevel::kNone, {}, "other", {"lone_done"}), after).urgent);
}

TEST(PolicyTest, ALearnedReadingAloneInAnExerciseIsAskedAboutNotEscalated) {
  nlp::Analysis learned =
      Message(RiskLevel::kImminent, {RiskCategory::kSuicide}, "other", {"learned_reading"});
  ConversationContext exercise;
  exercise.in_guided_exercise = true;
  Decision d = Decide(learned, exercise);
  EXPECT_EQ(d.action, Action::kCheckIn);
  EXPECT_FALSE(d.escalate_to_human);
  EXPECT_TRUE(HasReason(d, "learned reading alone"));
  // Outside an exercise it is escalated urgently, asked about first (below); with a phrase the
  // rules know, the reading stands.
  EXPECT_EQ(Decide(learned, ConversationContext{}).action, Action::kCrisisReply);
  nlp::Analysis ruled = Message(RiskLevel::kImminent, {RiskCategory::kSuicide}, "other",
                                {"learned_reading", "attempt_in_progress"});
  EXPECT_EQ(Decide(ruled, exercise).action, Action::kEmergency);
}

TEST(PolicyTest, AnImminentReadingOfTheLearnedReaderAloneIsAskedAboutFirstAndUrgent) {
  nlp::Analysis learned =
      Message(RiskLevel::kImminent, {RiskCategory::kSuicide}, "other", {"learned_reading"});
  Decision d = Decide(learned, ConversationContext{});
  EXPECT_EQ(d.action, Action::kCrisisReply);
  EXPECT_TRUE(d.escalate_to_human);
  EXPECT_TRUE(d.urgent);
  EXPECT_EQ(d.effective_level, RiskLevel::kImminent);  // the console still ranks it imminent
  EXPECT_TRUE(HasReason(d, "learned reader alone"));
  // A phrase the rules know beside it keeps the emergency number first.
  nlp::Analysis ruled = Message(RiskLevel::kImminent, {RiskCategory::kSuicide}, "other",
                                {"learned_reading", "farewell"});
  EXPECT_EQ(Decide(ruled, ConversationContext{}).action, Action::kEmergency);
  // So does a medical emergency the rules read.
  nlp::Analysis medical =
      Message(RiskLevel::kImminent, {RiskCategory::kSuicide, RiskCategory::kMedical}, "other",
              {"learned_reading", "overdose_symptoms"});
  EXPECT_EQ(Decide(medical, ConversationContext{}).action, Action::kEmergency);
}

TEST(PolicyTest, TheDecisionSaysWhenTheLearnedReaderAloneSetTheLevel) {
  // Same actions either way; the flag only changes the acknowledgement's words.
  for (RiskLevel level : {RiskLevel::kLow, RiskLevel::kModerate, RiskLevel::kHigh}) {
    Decision d = Decide(Message(level, {RiskCategory::kSuicide}, "other", {"learned_reading"}),
                        ConversationContext{});
    EXPECT_TRUE(d.learned_alone) << RiskLevelName(level);
    EXPECT_NE(d.action, Action::kContinue);
  }
  // Not with a phrase the rules know, nor with no risk at all.
  EXPECT_FALSE(Decide(Message(RiskLevel::kHigh, {RiskCategory::kSuicide}, "other",
                              {"learned_reading", "plan"}),
                      ConversationContext{})
                   .learned_alone);
  EXPECT_FALSE(Decide(Message(RiskLevel::kNone), ConversationContext{}).learned_alone);
  // Not after risk earlier in the conversation, nor when a conversation rule raised the level.
  ConversationContext after;
  after.previous_max_level = RiskLevel::kHigh;
  EXPECT_FALSE(
      Decide(Message(RiskLevel::kLow, {RiskCategory::kSuicide}, "other", {"learned_reading"}),
             after)
          .learned_alone);
  ConversationContext repeated;
  repeated.recent_low_turns = 2;
  Decision third = Decide(
      Message(RiskLevel::kLow, {RiskCategory::kSuicide}, "other", {"learned_reading"}), repeated);
  EXPECT_EQ(third.effective_level, RiskLevel::kModerate);
  EXPECT_FALSE(third.learned_alone);
  // After earlier readings that were the learned reader's alone too, a learned reading is still
  // asked about, not asserted ("I may be reading too much into it"); the actions are the same.
  ConversationContext learned_before;
  learned_before.previous_max_level = RiskLevel::kModerate;
  const nlp::Analysis high =
      Message(RiskLevel::kHigh, {RiskCategory::kSuicide}, "other", {"learned_reading"});
  EXPECT_FALSE(Decide(high, learned_before).learned_alone);
  learned_before.earlier_risk_learned_alone = true;
  Decision again = Decide(high, learned_before);
  EXPECT_TRUE(again.learned_alone);
  EXPECT_EQ(again.action, Action::kCrisisReply);
  EXPECT_TRUE(again.escalate_to_human);
  EXPECT_TRUE(again.urgent);
}

TEST(PolicyTest, AskingForHumanHandsOffAtOnce) {
  ConversationContext ctx;
  Decision d = Decide(Message(RiskLevel::kNone, {}, "asking_for_human"), ctx);
  EXPECT_EQ(d.action, Action::kHandoff);
  EXPECT_TRUE(d.escalate_to_human);
  EXPECT_TRUE(HasReason(d, "asks for a person"));
  // A more severe action wins; the person still comes.
  d = Decide(Message(RiskLevel::kImminent, {}, "asking_for_human"), ctx);
  EXPECT_EQ(d.action, Action::kEmergency);
  EXPECT_TRUE(d.escalate_to_human);
  d = Decide(Message(RiskLevel::kLow, {}, "asking_for_human"), ctx);
  EXPECT_EQ(d.action, Action::kHandoff);
  // Already connected: alert them, no second handoff.
  ctx.human_connected = true;
  d = Decide(Message(RiskLevel::kNone, {}, "asking_for_human"), ctx);
  EXPECT_EQ(d.action, Action::kContinue);
  EXPECT_TRUE(d.escalate_to_human);
  EXPECT_TRUE(HasReason(d, "already connected"));
}

TEST(PolicyTest, HumanConnectedStillGetsCrisisReply) {
  ConversationContext ctx;
  ctx.human_connected = true;
  Decision d = Decide(Message(RiskLevel::kHigh), ctx);
  EXPECT_EQ(d.action, Action::kCrisisReply);
  EXPECT_TRUE(d.escalate_to_human);
  EXPECT_TRUE(d.urgent);
  EXPECT_TRUE(HasReason(d, "already connected"));
}

TEST(PolicyTest, CategoriesEscalate) {
  ConversationContext ctx;
  Decision abuse = Decide(Message(RiskLevel::kNone, {RiskCategory::kAbuse}), ctx);
  EXPECT_EQ(abuse.action, Action::kHandoff);
  EXPECT_TRUE(abuse.escalate_to_human);
  EXPECT_TRUE(HasReason(abuse, "abuse"));

  Decision harm = Decide(Message(RiskLevel::kNone, {RiskCategory::kHarmToOthers}), ctx);
  EXPECT_EQ(harm.action, Action::kHandoff);
  EXPECT_TRUE(harm.escalate_to_human);
  EXPECT_TRUE(HasReason(harm, "harm_to_others"));

  Decision medical = Decide(Message(RiskLevel::kNone, {RiskCategory::kMedical}), ctx);
  EXPECT_EQ(medical.action, Action::kCrisisReply);
  EXPECT_TRUE(medical.escalate_to_human);
  EXPECT_TRUE(HasReason(medical, "medical"));

  // Each category adds its own reason.
  Decision both =
      Decide(Message(RiskLevel::kModerate, {RiskCategory::kSuicide, RiskCategory::kAbuse}), ctx);
  EXPECT_EQ(both.action, Action::kCrisisReply);
  EXPECT_TRUE(HasReason(both, "abuse"));
  EXPECT_TRUE(HasReason(both, "risk moderate"));

  // Categories that do not escalate by default.
  Decision third = Decide(Message(RiskLevel::kNone, {RiskCategory::kThirdParty}), ctx);
  EXPECT_EQ(third.action, Action::kContinue);
  EXPECT_FALSE(third.escalate_to_human);
}

TEST(PolicyTest, MedicalWithOverdoseSymptomsIsEmergency) {
  ConversationContext ctx;
  // "I took too many paracetamol by accident and feel sick": the risk stage reads it low,
  // medical, attempt_in_progress.
  Decision d = Decide(Message(RiskLevel::kLow, {RiskCategory::kSuicide, RiskCategory::kMedical},
                              "crisis", {"attempt_in_progress"}),
                      ctx);
  EXPECT_EQ(d.action, Action::kEmergency);
  EXPECT_TRUE(d.urgent);
  EXPECT_TRUE(d.escalate_to_human);
  d = Decide(Message(RiskLevel::kNone, {RiskCategory::kMedical}, "other", {"overdose_symptoms"}),
             ctx);
  EXPECT_EQ(d.action, Action::kEmergency);
  EXPECT_TRUE(HasReason(d, "overdose_symptoms"));
  // The signal without the medical category does not make an emergency by itself.
  d = Decide(Message(RiskLevel::kNone, {}, "other", {"overdose_symptoms"}), ctx);
  EXPECT_EQ(d.action, Action::kContinue);
}

TEST(PolicyTest, ActionNames) {
  EXPECT_EQ(ActionName(Action::kContinue), "continue");
  EXPECT_EQ(ActionName(Action::kCheckIn), "check_in");
  EXPECT_EQ(ActionName(Action::kHandoff), "handoff");
  EXPECT_EQ(ActionName(Action::kCrisisReply), "crisis_reply");
  EXPECT_EQ(ActionName(Action::kEmergency), "emergency");
}

// Every combination: the decision never goes below what the level alone asks for, and any
// escalation reason comes with escalate_to_human.
TEST(PolicyTest, MonotoneOverAllInputs) {
  const std::vector<std::string> intents = {"other", "asking_for_human", "crisis", "venting"};
  for (int l = 0; l <= 4; ++l) {
    for (int prev = 0; prev <= 4; ++prev) {
      for (int lows = 0; lows <= 3; ++lows) {
        for (int mask = 0; mask < 128; ++mask) {
          for (const auto& intent : intents) {
            for (bool connected : {false, true}) {
              std::vector<RiskCategory> cats;
              for (int c = 0; c < 7; ++c) {
                if (mask & (1 << c)) cats.push_back(static_cast<RiskCategory>(c));
              }
              ConversationContext ctx{static_cast<RiskLevel>(prev), lows, connected};
              auto level = static_cast<RiskLevel>(l);
              Decision d = Decide(Message(level, cats, intent), ctx);
              EXPECT_GE(d.effective_level, level);
              if (level >= RiskLevel::kLow) {
                EXPECT_GE(d.action, Action::kCheckIn);
              }
              if (level >= RiskLevel::kModerate) {
                EXPECT_GE(d.action, Action::kCrisisReply);
                EXPECT_TRUE(d.escalate_to_human);
              }
              if (level >= RiskLevel::kHigh) {
                EXPECT_TRUE(d.urgent);
              }
              if (level == RiskLevel::kImminent) {
                EXPECT_EQ(d.action, Action::kEmergency);
              }
              if (d.action >= Action::kHandoff) {
                EXPECT_TRUE(d.escalate_to_human);
              }
              if (d.action != Action::kContinue || d.escalate_to_human) {
                EXPECT_FALSE(d.reasons.empty());
              }
            }
          }
        }
      }
    }
  }
}

// ---- Config ---------------------------------------------------------------------------------

TEST(PolicyConfigTest, ShippedFileEqualsDefaults) {
  auto c = LoadPolicyConfig(DefaultPolicyPath(HAVEN_SOURCE_DATA_DIR));
  ASSERT_TRUE(c.ok()) << c.status().message();
  PolicyConfig d;
  EXPECT_EQ(c->low_turns_to_moderate, d.low_turns_to_moderate);
  EXPECT_EQ(c->low_after_level, d.low_after_level);
  EXPECT_EQ(c->escalate_from, d.escalate_from);
  EXPECT_EQ(c->urgent_from, d.urgent_from);
  EXPECT_EQ(c->emergency_from, d.emergency_from);
  EXPECT_EQ(c->escalate_categories, d.escalate_categories);
  EXPECT_EQ(c->medical_emergency_signals, d.medical_emergency_signals);
}

TEST(PolicyConfigTest, TighterConfigApplies) {
  auto c = ParsePolicyConfig(
      R"({"version": 1, "low_turns_to_moderate": 2, "escalate_from": "low", "urgent_from": "moderate",
          "emergency_from": "high", "escalate_categories": ["abuse", "harm_to_others", "medical", "self_harm"]})",
      "t");
  ASSERT_TRUE(c.ok()) << c.status().message();
  ConversationContext ctx;
  Decision low = Decide(Message(RiskLevel::kLow), ctx, *c);
  EXPECT_EQ(low.action, Action::kCrisisReply);
  EXPECT_TRUE(low.escalate_to_human);
  EXPECT_EQ(Decide(Message(RiskLevel::kHigh), ctx, *c).action, Action::kEmergency);
  EXPECT_TRUE(Decide(Message(RiskLevel::kModerate), ctx, *c).urgent);
  ctx.recent_low_turns = 1;
  EXPECT_EQ(Decide(Message(RiskLevel::kLow), ctx, *c).effective_level, RiskLevel::kModerate);
  EXPECT_TRUE(
      Decide(Message(RiskLevel::kNone, {RiskCategory::kSelfHarm}), {}, *c).escalate_to_human);
}

void ExpectConfigError(const std::string& json, const std::string& fragment) {
  auto c = ParsePolicyConfig(json, "policy.json");
  ASSERT_FALSE(c.ok()) << "accepted: " << json;
  EXPECT_NE(c.status().message().find("policy.json: " + fragment), std::string::npos)
      << c.status().message();
}

TEST(PolicyConfigTest, RejectsLooserOrMalformed) {
  ExpectConfigError("{", "(document): not valid JSON");
  ExpectConfigError("3", "(document): must be an object");
  ExpectConfigError("{}", "version: must be 1");
  ExpectConfigError(R"({"version": 1, "escalate_form": "low"})", "escalate_form: unknown member");
  ExpectConfigError(R"({"version": 1, "low_turns_to_moderate": 5})",
                    "low_turns_to_moderate: must be between 1 and 3");
  ExpectConfigError(R"({"version": 1, "low_turns_to_moderate": "3"})",
                    "low_turns_to_moderate: must be an integer");
  ExpectConfigError(R"({"version": 1, "escalate_from": "high"})",
                    "escalate_from: must be between low and moderate");
  ExpectConfigError(R"({"version": 1, "escalate_from": "severe"})",
                    "escalate_from: must be a level");
  ExpectConfigError(R"({"version": 1, "urgent_from": "imminent"})",
                    "urgent_from: must be between moderate and high");
  ExpectConfigError(R"({"version": 1, "emergency_from": "moderate"})",
                    "emergency_from: must be between high and imminent");
  ExpectConfigError(R"({"version": 1, "low_after_level": "high"})",
                    "low_after_level: must be between low and moderate");
  ExpectConfigError(R"({"version": 1, "escalate_categories": ["abuse", "medical"]})",
                    "escalate_categories: must include harm_to_others");
  ExpectConfigError(
      R"({"version": 1, "escalate_categories": ["abuse", "medical", "harm_to_others", "x"]})",
      "escalate_categories: unknown category");
  ExpectConfigError(R"({"version": 1, "medical_emergency_signals": ["overdose_symptoms"]})",
                    "medical_emergency_signals: must include attempt_in_progress");
  ExpectConfigError(R"({"version": 1, "medical_emergency_signals": [""]})",
                    "medical_emergency_signals: must hold non-empty strings");
  ExpectConfigError(R"({"version": 1, "comment": 3})", "comment: must be a string");
}

TEST(PolicyConfigTest, MissingFile) {
  auto c = LoadPolicyConfig("/nonexistent/policy.json");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kNotFound);
  EXPECT_NE(c.status().message().find("/nonexistent/policy.json"), std::string::npos);
}

}  // namespace
}  // namespace haven::safety
