#include "safety/escalation_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace haven::safety {
namespace {

using nlp::RiskCategory;
using ::testing::HasSubstr;

constexpr RiskLevel kNone = RiskLevel::kNone;
constexpr RiskLevel kLow = RiskLevel::kLow;
constexpr RiskLevel kModerate = RiskLevel::kModerate;
constexpr RiskLevel kHigh = RiskLevel::kHigh;
constexpr RiskLevel kImminent = RiskLevel::kImminent;

// Four header lines, so the first rule starts on line 5.
std::string WithRules(const std::string& rules) {
  return "version: 1\n"
         "name: t\n"
         "webhooks: [on_call, team_lead]\n"
         "rules:\n" +
         rules;
}

EscalationPolicy Partial(const std::string& yaml) {
  auto p = EscalationPolicy::Parse(yaml, "t.yaml", {.require_floor = false});
  EXPECT_TRUE(p.ok()) << p.status().message();
  return std::move(p).value();
}

// The error message of a document that must fail the schema (the floor is off, so that only the
// schema is checked).
std::string SchemaError(const std::string& yaml) {
  auto p = EscalationPolicy::Parse(yaml, "t.yaml", {.require_floor = false});
  EXPECT_FALSE(p.ok()) << "parsed:\n" << yaml;
  if (p.ok()) return "";
  EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
  return p.status().message();
}

std::string DefaultPath() { return DefaultEscalationPolicyPath(HAVEN_SOURCE_DATA_DIR); }

// ---- AccumulatedRisk ---------------------------------------------------------------------------

TEST(AccumulatedRiskTest, ThisTurnCountsFully) {
  EXPECT_DOUBLE_EQ(AccumulatedRisk({}, kNone), 0.0);
  EXPECT_DOUBLE_EQ(AccumulatedRisk({}, kLow), 1.0);
  EXPECT_DOUBLE_EQ(AccumulatedRisk({}, kImminent), 4.0);
}

TEST(AccumulatedRiskTest, EarlierTurnsDecayByPointEightPerTurn) {
  EXPECT_DOUBLE_EQ(AccumulatedRisk({kLow}, kLow), 1.8);
  EXPECT_DOUBLE_EQ(AccumulatedRisk({kLow, kLow}, kLow), 1 + 0.8 + 0.64);
  EXPECT_DOUBLE_EQ(AccumulatedRisk({kLow, kNone}, kLow), 1.64);
  EXPECT_DOUBLE_EQ(AccumulatedRisk({kLow, kNone, kLow, kNone}, kLow), 1 + 0.64 + 0.4096);
  EXPECT_DOUBLE_EQ(AccumulatedRisk({kHigh}, kNone), 3 * 0.8);
  EXPECT_DOUBLE_EQ(AccumulatedRisk({kModerate, kNone}, kNone), 2 * 0.64);
}

TEST(AccumulatedRiskTest, RecentTurnsCountMoreThanOldOnes) {
  EXPECT_GT(AccumulatedRisk({kNone, kNone}, kModerate), AccumulatedRisk({kModerate, kNone}, kNone));
  // Long ago hardly counts: 20 quiet turns after a high one.
  std::vector<RiskLevel> history = {kHigh};
  history.insert(history.end(), 20, kNone);
  EXPECT_LT(AccumulatedRisk(history, kNone), 0.05);
}

TEST(AccumulatedRiskTest, BoundedByTwenty) {
  std::vector<RiskLevel> history(500, kImminent);
  double a = AccumulatedRisk(history, kImminent);
  EXPECT_LE(a, kMaxAccumulatedRisk);
  EXPECT_GT(a, 19.99);
  // A steady stream of low turns approaches 5.
  std::vector<RiskLevel> lows(200, kLow);
  EXPECT_NEAR(AccumulatedRisk(lows, kLow), 5.0, 1e-9);
}

// ---- Schema errors: each names where (key and line) and what -----------------------------------

TEST(EscalationPolicyParseTest, NotYaml) {
  EXPECT_THAT(SchemaError("version: 1\nrules: [\n"), HasSubstr("not valid YAML"));
}

TEST(EscalationPolicyParseTest, DocumentMustBeAMap) {
  EXPECT_THAT(SchemaError("- 1\n- 2\n"), HasSubstr("(document): must be a map"));
  EXPECT_THAT(SchemaError(""), HasSubstr("(document)"));
}

TEST(EscalationPolicyParseTest, UnknownTopLevelKey) {
  std::string e = SchemaError("version: 1\nname: t\nrulez: []\n");
  EXPECT_THAT(e, HasSubstr("t.yaml:3: rulez: unknown key"));
}

TEST(EscalationPolicyParseTest, DuplicateTopLevelKey) {
  EXPECT_THAT(SchemaError("version: 1\nname: t\nname: u\nrules: []\n"),
              HasSubstr("t.yaml:3: name: duplicate key"));
}

TEST(EscalationPolicyParseTest, MissingVersion) {
  EXPECT_THAT(SchemaError("name: t\nrules: []\n"), HasSubstr("version: is missing"));
}

TEST(EscalationPolicyParseTest, UnsupportedVersion) {
  EXPECT_THAT(SchemaError("name: t\nversion: 2\nrules: []\n"),
              HasSubstr("t.yaml:2: version: unsupported schema version 2 (this Haven reads 1)"));
}

TEST(EscalationPolicyParseTest, VersionOfWrongType) {
  EXPECT_THAT(SchemaError("version: one\nname: t\nrules: []\n"),
              HasSubstr("t.yaml:1: version: must be an integer"));
}

TEST(EscalationPolicyParseTest, MissingOrBadName) {
  EXPECT_THAT(SchemaError("version: 1\nrules: []\n"), HasSubstr("name: is missing"));
  EXPECT_THAT(SchemaError("version: 1\nname: Haven Default\nrules: []\n"),
              HasSubstr("t.yaml:2: name: must be a name"));
}

TEST(EscalationPolicyParseTest, MissingOrEmptyRules) {
  EXPECT_THAT(SchemaError("version: 1\nname: t\n"), HasSubstr("rules: is missing"));
  EXPECT_THAT(SchemaError("version: 1\nname: t\nrules: []\n"),
              HasSubstr("t.yaml:3: rules: must be a non-empty list"));
}

TEST(EscalationPolicyParseTest, Defaults) {
  EXPECT_THAT(SchemaError("version: 1\nname: t\ndefaults:\n  limit: 3\nrules: []\n"),
              HasSubstr("t.yaml:4: defaults.limit: unknown key"));
  EXPECT_THAT(
      SchemaError("version: 1\nname: t\ndefaults: {human_response_limit_seconds: 5}\nrules: []\n"),
      HasSubstr("t.yaml:3: defaults.human_response_limit_seconds: must be an integer from 10 to "
                "3600, not 5"));
  EXPECT_THAT(SchemaError("version: 1\nname: t\ndefaults:\n  human_response_limit_seconds: "
                          "4000\nrules: []\n"),
              HasSubstr("t.yaml:4: defaults.human_response_limit_seconds: must be an integer"));
  EXPECT_THAT(SchemaError("version: 1\nname: t\ndefaults:\n  human_response_limit_seconds: "
                          "soon\nrules: []\n"),
              HasSubstr("not \"soon\""));
}

TEST(EscalationPolicyParseTest, Webhooks) {
  EXPECT_THAT(SchemaError("version: 1\nname: t\nwebhooks: [a, a]\nrules: []\n"),
              HasSubstr("t.yaml:3: webhooks[2]: \"a\" listed twice"));
  EXPECT_THAT(SchemaError("version: 1\nname: t\nwebhooks: on_call\nrules: []\n"),
              HasSubstr("webhooks: must be a list"));
}

TEST(EscalationPolicyParseTest, RuleStructure) {
  EXPECT_THAT(SchemaError(WithRules("  - just text\n")),
              HasSubstr("t.yaml:5: rule 1: must be a map"));
  EXPECT_THAT(SchemaError(WithRules("  - when: {risk_at_least: high}\n"
                                    "    then: [show_crisis_resources]\n")),
              HasSubstr("t.yaml:5: rule 1: name: is missing"));
  EXPECT_THAT(SchemaError(WithRules("  - name: High Risk\n")),
              HasSubstr("t.yaml:5: rule 1: name: must be a name"));
  EXPECT_THAT(SchemaError(WithRules("  - name: r\n"
                                    "    when: {risk_at_least: high}\n"
                                    "    then: [show_crisis_resources]\n"
                                    "    priority: 1\n")),
              HasSubstr("t.yaml:8: rule 1 (r): priority: unknown key"));
  EXPECT_THAT(SchemaError(WithRules("  - name: r\n"
                                    "    then: [show_crisis_resources]\n")),
              HasSubstr("t.yaml:5: rule 1 (r): when: is missing"));
  EXPECT_THAT(SchemaError(WithRules("  - name: r\n"
                                    "    when: {risk_at_least: high}\n")),
              HasSubstr("t.yaml:5: rule 1 (r): then: is missing"));
}

TEST(EscalationPolicyParseTest, DuplicateRuleNames) {
  std::string e =
      SchemaError(WithRules("  - name: r\n"
                            "    when: {risk_at_least: high}\n"
                            "    then: [show_crisis_resources]\n"
                            "  - name: r\n"
                            "    when: {risk_at_least: low}\n"
                            "    then: [show_crisis_resources]\n"));
  EXPECT_THAT(e, HasSubstr("t.yaml:8: rule 2 (r): name: duplicate rule name"));
}

// One rule whose `when` is the given flow map, on line 6.
std::string When(const std::string& when) {
  return WithRules(
      "  - name: r\n"
      "    when: " +
      when +
      "\n"
      "    then: [show_crisis_resources]\n");
}

TEST(EscalationPolicyParseTest, WhenErrors) {
  EXPECT_THAT(SchemaError(When("{}")), HasSubstr("t.yaml:6: rule 1 (r): when: must be a map"));
  EXPECT_THAT(SchemaError(When("{risk_above: high}")),
              HasSubstr("t.yaml:6: rule 1 (r): when.risk_above: unknown key"));
  EXPECT_THAT(SchemaError(When("{risk_at_least: high, risk_at_least: low}")),
              HasSubstr("when.risk_at_least: duplicate key"));
  EXPECT_THAT(SchemaError(When("{risk_at_least: severe}")),
              HasSubstr("t.yaml:6: rule 1 (r): when.risk_at_least: unknown risk level \"severe\""));
  EXPECT_THAT(SchemaError(When("{risk_at_least: none}")),
              HasSubstr("when.risk_at_least: none would match every turn"));
  EXPECT_THAT(
      SchemaError(When("{categories_any: [suicide, selfharm]}")),
      HasSubstr("t.yaml:6: rule 1 (r): when.categories_any: unknown category \"selfharm\""));
  EXPECT_THAT(SchemaError(When("{categories_any: []}")),
              HasSubstr("when.categories_any: must be a non-empty list"));
  EXPECT_THAT(SchemaError(When("{categories_any: abuse}")),
              HasSubstr("when.categories_any: must be a non-empty list"));
  EXPECT_THAT(SchemaError(When("{categories_any: [abuse, abuse]}")),
              HasSubstr("when.categories_any: category \"abuse\" listed twice"));
  EXPECT_THAT(SchemaError(When("{accumulated_risk_at_least: lots}")),
              HasSubstr("t.yaml:6: rule 1 (r): when.accumulated_risk_at_least: must be a number"));
  EXPECT_THAT(SchemaError(When("{accumulated_risk_at_least: 0}")),
              HasSubstr("accumulated_risk_at_least: must be a number above 0"));
  EXPECT_THAT(SchemaError(When("{accumulated_risk_at_least: 25}")), HasSubstr("not 25"));
  EXPECT_THAT(SchemaError(When("{accumulated_risk_at_least: .nan}")),
              HasSubstr("accumulated_risk_at_least: must be a number"));
  EXPECT_THAT(SchemaError(When("{phq9_item9_at_least: 4}")),
              HasSubstr("t.yaml:6: rule 1 (r): when.phq9_item9_at_least: must be an integer from 1 "
                        "to 3, not 4"));
  EXPECT_THAT(SchemaError(When("{phq9_item9_at_least: 0}")), HasSubstr("not 0"));
  EXPECT_THAT(SchemaError(When("{asks_for_human: false}")),
              HasSubstr("when.asks_for_human: must be true (a condition on its absence"));
  EXPECT_THAT(SchemaError(When("{asks_for_human: maybe}")),
              HasSubstr("when.asks_for_human: must be true"));
  EXPECT_THAT(SchemaError(When("{turn_urgent: no}")), HasSubstr("when.turn_urgent: must be true"));
  EXPECT_THAT(SchemaError(When("{turn_action_at_least: panic}")),
              HasSubstr("when.turn_action_at_least: unknown action \"panic\""));
  EXPECT_THAT(SchemaError(When("{turn_action_at_least: continue}")),
              HasSubstr("when.turn_action_at_least: continue would match every turn"));
  EXPECT_THAT(SchemaError(When("{queue_priority_at_most: 0}")),
              HasSubstr("when.queue_priority_at_most: must be an integer from 1 to 5, not 0"));
  EXPECT_THAT(SchemaError(When("{unanswered_for_seconds: 5}")),
              HasSubstr("t.yaml:6: rule 1 (r): when.unanswered_for_seconds: must be `limit`"));
  EXPECT_THAT(SchemaError(When("{unanswered_for_seconds: soon}")), HasSubstr("not \"soon\""));
}

// One rule whose `then` is the given block (starting on line 7).
std::string Then(const std::string& then) {
  return WithRules(
      "  - name: r\n"
      "    when: {risk_at_least: high}\n"
      "    then:\n" +
      then);
}

TEST(EscalationPolicyParseTest, ThenErrors) {
  EXPECT_THAT(SchemaError(WithRules("  - name: r\n"
                                    "    when: {risk_at_least: high}\n"
                                    "    then: []\n")),
              HasSubstr("t.yaml:7: rule 1 (r): then: must be a non-empty list of actions"));
  EXPECT_THAT(SchemaError(Then("      - show_crisis_resources\n"
                               "      - call_police\n")),
              HasSubstr("t.yaml:9: rule 1 (r): then[2]: unknown action \"call_police\""));
  EXPECT_THAT(SchemaError(Then("      - queue\n")),
              HasSubstr("t.yaml:8: rule 1 (r): then[1]: queue needs a value (queue: {priority: "
                        "1..5})"));
  EXPECT_THAT(SchemaError(Then("      - safest_mode: true\n")),
              HasSubstr("then[1]: safest_mode takes no value"));
  EXPECT_THAT(SchemaError(Then("      - queue: {priority: 0}\n")),
              HasSubstr("t.yaml:8: rule 1 (r): then[1].queue.priority: must be an integer from 1 "
                        "to 5, not 0"));
  EXPECT_THAT(SchemaError(Then("      - queue: {priority: 6}\n")), HasSubstr("not 6"));
  EXPECT_THAT(SchemaError(Then("      - queue: {priority: urgent}\n")),
              HasSubstr("then[1].queue.priority: must be an integer"));
  EXPECT_THAT(SchemaError(Then("      - queue: {priority: 1, within: 60}\n")),
              HasSubstr("then[1].queue.within: unknown key"));
  EXPECT_THAT(SchemaError(Then("      - queue: {}\n")),
              HasSubstr("then[1].queue.priority: is missing"));
  EXPECT_THAT(SchemaError(Then("      - queue: {priority: 1}\n"
                               "      - queue: {priority: 2}\n")),
              HasSubstr("t.yaml:9: rule 1 (r): then[2]: queue appears twice"));
  EXPECT_THAT(SchemaError(Then("      - notify: {webhook: pager}\n")),
              HasSubstr("t.yaml:8: rule 1 (r): then[1].notify.webhook: \"pager\" is not listed "
                        "under `webhooks`"));
  EXPECT_THAT(SchemaError(Then("      - notify: on_call\n")),
              HasSubstr("then[1].notify: must be {webhook: NAME}"));
  EXPECT_THAT(SchemaError(Then("      - notify: {webhook: on_call}\n"
                               "      - notify: {webhook: on_call}\n")),
              HasSubstr("\"on_call\" notified twice"));
  EXPECT_THAT(SchemaError(Then("      - handoff_message: Hello there!\n")),
              HasSubstr("t.yaml:8: rule 1 (r): then[1].handoff_message: must be a name"));
  EXPECT_THAT(SchemaError(Then("      - {queue: {priority: 1}, safest_mode: x}\n")),
              HasSubstr("then[1]: must be an action name or one `action: value`"));
}

TEST(EscalationPolicyParseTest, AValidPolicyKeepsEverything) {
  EscalationPolicy p = Partial(
      "version: 1\n"
      "name: small\n"
      "description: two rules\n"
      "defaults: {human_response_limit_seconds: 90}\n"
      "webhooks: [on_call, lead]\n"
      "rules:\n"
      "  - name: wait\n"
      "    description: nobody came\n"
      "    when: {queue_priority_at_most: 2, unanswered_for_seconds: limit}\n"
      "    then:\n"
      "      - handoff_message: no_human_yet\n"
      "      - notify: {webhook: on_call}\n"
      "      - notify: {webhook: lead}\n"
      "  - name: long-wait\n"
      "    when: {unanswered_for_seconds: 600}\n"
      "    then: [pause_bot]\n");
  EXPECT_EQ(p.version(), 1);
  EXPECT_EQ(p.name(), "small");
  EXPECT_EQ(p.description(), "two rules");
  EXPECT_EQ(p.human_response_limit_seconds(), 90);
  EXPECT_EQ(p.webhooks(), (std::vector<std::string>{"on_call", "lead"}));
  ASSERT_EQ(p.rules().size(), 2u);
  EXPECT_EQ(p.rules()[0].name, "wait");
  EXPECT_EQ(p.rules()[0].description, "nobody came");
  EXPECT_EQ(p.rules()[0].line, 7);
  EXPECT_EQ(p.rules()[0].when.unanswered_for_seconds, 90);  // `limit` resolved
  EXPECT_EQ(p.rules()[0].then.notify, (std::vector<std::string>{"on_call", "lead"}));
  EXPECT_EQ(p.rules()[1].when.unanswered_for_seconds, 600);
  EXPECT_TRUE(p.rules()[1].then.pause_bot);
  EXPECT_EQ(DescribeCondition(p.rules()[0].when), "queued at priority <= 2, unanswered >= 90 s");
  EXPECT_EQ(DescribeActions(p.rules()[0].then),
            "notify on_call, notify lead, message no_human_yet");
}

TEST(EscalationPolicyParseTest, LimitDefaultsTo120) {
  EscalationPolicy p = Partial(When("{unanswered_for_seconds: limit}"));
  EXPECT_EQ(p.human_response_limit_seconds(), 120);
  EXPECT_EQ(p.rules()[0].when.unanswered_for_seconds, 120);
}

TEST(EscalationPolicyLoadTest, MissingFileIsNotFound) {
  auto p = EscalationPolicy::Load("/nonexistent/escalation.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(p.status().message(), HasSubstr("/nonexistent/escalation.yaml"));
}

// ---- Evaluation of each condition --------------------------------------------------------------

EscalationPolicy OneRule(const std::string& when) {
  return Partial(
      WithRules("  - name: r\n"
                "    when: " +
                when +
                "\n"
                "    then: [show_crisis_resources]\n"));
}

bool Fires(const EscalationPolicy& p, const EscalationInput& in) {
  EscalationDecision d = p.Evaluate(in);
  EXPECT_EQ(d.show_crisis_resources, !d.empty());
  return !d.empty();
}

TEST(EscalationEvaluateTest, RiskAtLeast) {
  auto p = OneRule("{risk_at_least: high}");
  EscalationInput in;
  for (RiskLevel l : {kNone, kLow, kModerate}) {
    in.risk_level = l;
    EXPECT_FALSE(Fires(p, in)) << RiskLevelName(l);
  }
  for (RiskLevel l : {kHigh, kImminent}) {
    in.risk_level = l;
    EXPECT_TRUE(Fires(p, in)) << RiskLevelName(l);
  }
}

TEST(EscalationEvaluateTest, CategoriesAny) {
  auto p = OneRule("{categories_any: [abuse, medical]}");
  EscalationInput in;
  EXPECT_FALSE(Fires(p, in));
  in.categories = {RiskCategory::kSuicide};
  EXPECT_FALSE(Fires(p, in));
  in.categories = {RiskCategory::kSuicide, RiskCategory::kMedical};
  EXPECT_TRUE(Fires(p, in));
  in.categories = {RiskCategory::kAbuse};
  EXPECT_TRUE(Fires(p, in));
}

TEST(EscalationEvaluateTest, AccumulatedRiskAtLeast) {
  auto p = OneRule("{accumulated_risk_at_least: 2.0}");
  EscalationInput in;
  in.risk_level = kLow;
  in.earlier_levels = {kLow};  // 1.8
  EXPECT_FALSE(Fires(p, in));
  in.earlier_levels = {kLow, kNone, kLow, kNone};  // 2.05
  EXPECT_TRUE(Fires(p, in));
  EXPECT_NEAR(p.Evaluate(in).accumulated_risk, 2.0496, 1e-9);
  // Exactly at the threshold written with rounding: 1 + 0.8 + 0.64 = 2.44.
  auto exact = OneRule("{accumulated_risk_at_least: 2.44}");
  in.earlier_levels = {kLow, kLow};
  EXPECT_TRUE(Fires(exact, in));
}

TEST(EscalationEvaluateTest, Phq9Item9AtLeast) {
  auto p = OneRule("{phq9_item9_at_least: 2}");
  EscalationInput in;
  EXPECT_FALSE(Fires(p, in));  // never asked
  in.phq9_item9 = 0;
  EXPECT_FALSE(Fires(p, in));
  in.phq9_item9 = 1;
  EXPECT_FALSE(Fires(p, in));
  in.phq9_item9 = 2;
  EXPECT_TRUE(Fires(p, in));
  in.phq9_item9 = 3;  // also how an endorsed but unscored answer is passed
  EXPECT_TRUE(Fires(p, in));
  in.phq9_item9 = 9;  // clamped to 3
  EXPECT_TRUE(Fires(p, in));
}

TEST(EscalationEvaluateTest, AsksForHuman) {
  auto p = OneRule("{asks_for_human: true}");
  EscalationInput in;
  EXPECT_FALSE(Fires(p, in));
  in.asks_for_human = true;
  EXPECT_TRUE(Fires(p, in));
}

TEST(EscalationEvaluateTest, TurnActionAndUrgent) {
  auto action = OneRule("{turn_action_at_least: crisis_reply}");
  auto urgent = OneRule("{turn_urgent: true}");
  EscalationInput in;
  in.turn_action = Action::kHandoff;
  EXPECT_FALSE(Fires(action, in));
  in.turn_action = Action::kCrisisReply;
  EXPECT_TRUE(Fires(action, in));
  in.turn_action = Action::kEmergency;
  EXPECT_TRUE(Fires(action, in));
  EXPECT_FALSE(Fires(urgent, in));
  in.turn_urgent = true;
  EXPECT_TRUE(Fires(urgent, in));
}

TEST(EscalationEvaluateTest, QueuedAndUnanswered) {
  auto p = OneRule("{queue_priority_at_most: 2, unanswered_for_seconds: 120}");
  EscalationInput in;
  in.unanswered_seconds = 500;
  EXPECT_FALSE(Fires(p, in));  // not queued: the seconds mean nothing
  in.queued_priority = 1;
  in.unanswered_seconds = 119;
  EXPECT_FALSE(Fires(p, in));
  in.unanswered_seconds = 120;
  EXPECT_TRUE(Fires(p, in));
  in.queued_priority = 2;
  EXPECT_TRUE(Fires(p, in));
  in.queued_priority = 3;  // less urgent than the rule asks
  EXPECT_FALSE(Fires(p, in));

  auto any = OneRule("{unanswered_for_seconds: 900}");
  in.queued_priority = 5;
  in.unanswered_seconds = 899;
  EXPECT_FALSE(Fires(any, in));
  in.unanswered_seconds = 900;
  EXPECT_TRUE(Fires(any, in));
}

TEST(EscalationEvaluateTest, AllConditionsOfARuleMustHold) {
  auto p = OneRule("{risk_at_least: moderate, categories_any: [self_harm]}");
  EscalationInput in;
  in.risk_level = kHigh;
  EXPECT_FALSE(Fires(p, in));
  in.categories = {RiskCategory::kSelfHarm};
  EXPECT_TRUE(Fires(p, in));
  in.risk_level = kLow;
  EXPECT_FALSE(Fires(p, in));
}

TEST(EscalationEvaluateTest, MatchingRulesMerge) {
  auto p =
      Partial(WithRules("  - name: a\n"
                        "    when: {risk_at_least: low}\n"
                        "    then:\n"
                        "      - queue: {priority: 4}\n"
                        "      - handoff_message: check_in\n"
                        "      - notify: {webhook: team_lead}\n"
                        "  - name: b\n"
                        "    when: {risk_at_least: high}\n"
                        "    then:\n"
                        "      - queue: {priority: 2}\n"
                        "      - show_crisis_resources\n"
                        "      - notify: {webhook: on_call}\n"
                        "      - notify: {webhook: team_lead}\n"
                        "      - handoff_message: handoff\n"
                        "  - name: c\n"
                        "    when: {risk_at_least: moderate}\n"
                        "    then:\n"
                        "      - queue: {priority: 3}\n"
                        "      - pause_bot\n"
                        "      - handoff_message: check_in\n"));
  EscalationInput in;
  in.risk_level = kHigh;
  EscalationDecision d = p.Evaluate(in);
  EXPECT_EQ(d.matched_rules, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(d.queue_priority, 2);  // the most urgent
  EXPECT_TRUE(d.show_crisis_resources);
  EXPECT_TRUE(d.pause_bot);
  EXPECT_FALSE(d.safest_mode);
  EXPECT_EQ(d.notify, (std::vector<std::string>{"team_lead", "on_call"}));  // file order, unique
  EXPECT_EQ(d.handoff_messages, (std::vector<std::string>{"check_in", "handoff"}));

  in.risk_level = kLow;
  d = p.Evaluate(in);
  EXPECT_EQ(d.matched_rules, (std::vector<std::string>{"a"}));
  EXPECT_EQ(d.queue_priority, 4);
  EXPECT_FALSE(d.show_crisis_resources);
  EXPECT_FALSE(d.pause_bot);

  in.risk_level = kNone;
  d = p.Evaluate(in);
  EXPECT_TRUE(d.empty());
  EXPECT_FALSE(d.queue_priority.has_value());
}

TEST(EscalationEvaluateTest, InputForTurnCopiesTheTurnsFacts) {
  nlp::Analysis a;
  a.risk.level = kLow;
  a.risk.categories = {RiskCategory::kAbuse};
  a.intent.label = std::string(kHandoffIntent);
  Decision d;
  d.effective_level = kModerate;
  d.action = Action::kCrisisReply;
  d.urgent = true;
  EscalationInput in = InputForTurn(a, d);
  EXPECT_EQ(in.risk_level, kModerate);  // the settled level, not the raw one
  EXPECT_EQ(in.categories, a.risk.categories);
  EXPECT_TRUE(in.asks_for_human);
  EXPECT_EQ(in.turn_action, Action::kCrisisReply);
  EXPECT_TRUE(in.turn_urgent);
  EXPECT_FALSE(in.queued_priority.has_value());
}

// ---- The floor: never weaker than the per-turn policy ------------------------------------------

TEST(EscalationFloorTest, APolicyWithoutTheImminentRuleIsRefused) {
  const std::string yaml = WithRules(
      "  - name: some-risk\n"
      "    when: {risk_at_least: moderate}\n"
      "    then: [show_crisis_resources, {queue: {priority: 3}}]\n");
  auto p = EscalationPolicy::Parse(yaml, "t.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.status().message(),
              HasSubstr("t.yaml: weaker than Haven's per-turn safety policy: "));
  // Accepted only with the floor turned off, as the tests above do.
  EXPECT_TRUE(EscalationPolicy::Parse(yaml, "t.yaml", {.require_floor = false}).ok());
}

TEST(EscalationFloorTest, EachGapIsNamed) {
  // Policies built up one requirement at a time: each fails on the next gap and names it.
  struct Gap {
    std::string yaml;
    std::string message;
  };
  const std::string queue_all =
      "  - name: all\n"
      "    when: {turn_action_at_least: check_in}\n"
      "    then: [{queue: {priority: 3}}]\n"
      "  - name: cats\n"
      "    when: {categories_any: [abuse, harm_to_others, medical]}\n"
      "    then: [{queue: {priority: 3}}]\n"
      "  - name: ask\n"
      "    when: {asks_for_human: true}\n"
      "    then: [{queue: {priority: 3}}]\n";
  std::vector<Gap> gaps = {
      {WithRules(
           "  - name: r\n    when: {risk_at_least: low}\n    then: [show_crisis_resources]\n"),
       "risk moderate: the per-turn policy brings in a person, but no rule queues it"},
      {WithRules(queue_all), "risk moderate: the per-turn policy gives the crisis lines"},
      {WithRules(queue_all + "  - name: lines\n    when: {turn_action_at_least: crisis_reply}\n"
                             "    then: [show_crisis_resources]\n"),
       "risk high: the per-turn policy is urgent, but it is not queued at priority 1 or 2"},
      {WithRules(queue_all + "  - name: lines\n    when: {turn_action_at_least: crisis_reply}\n"
                             "    then: [show_crisis_resources]\n"
                             "  - name: urgent\n    when: {turn_urgent: true}\n"
                             "    then: [{queue: {priority: 1}}]\n"),
       "risk high: the per-turn policy is urgent, but nobody is notified"},
      {WithRules(queue_all + "  - name: lines\n    when: {turn_action_at_least: crisis_reply}\n"
                             "    then: [show_crisis_resources]\n"
                             "  - name: urgent\n    when: {turn_urgent: true}\n"
                             "    then: [{queue: {priority: 2}}, {notify: {webhook: on_call}}]\n"),
       "risk imminent: an emergency, but it is not queued at priority 1"},
      {WithRules(queue_all + "  - name: lines\n    when: {turn_action_at_least: crisis_reply}\n"
                             "    then: [show_crisis_resources]\n"
                             "  - name: urgent\n    when: {turn_urgent: true}\n"
                             "    then: [{queue: {priority: 1}}, {notify: {webhook: on_call}}]\n"),
       "risk imminent: an emergency, but the bot is not kept in its safest mode"},
      {WithRules(queue_all +
                 "  - name: lines\n    when: {turn_action_at_least: crisis_reply}\n"
                 "    then: [show_crisis_resources]\n"
                 "  - name: urgent\n    when: {turn_urgent: true}\n"
                 "    then: [{queue: {priority: 1}}, {notify: {webhook: on_call}}, safest_mode]\n"),
       "queued at priority 2, nobody has taken it for an hour: the crisis lines are not shown"},
      {WithRules(queue_all +
                 "  - name: lines\n    when: {turn_action_at_least: crisis_reply}\n"
                 "    then: [show_crisis_resources]\n"
                 "  - name: urgent\n    when: {turn_urgent: true}\n"
                 "    then: [{queue: {priority: 1}}, {notify: {webhook: on_call}}, safest_mode]\n"
                 "  - name: wait\n    when: {queue_priority_at_most: 2, unanswered_for_seconds: "
                 "120}\n"
                 "    then: [show_crisis_resources, safest_mode]\n"),
       "nobody has taken it for an hour: the person is not told"},
  };
  for (const auto& g : gaps) {
    auto p = EscalationPolicy::Parse(g.yaml, "t.yaml");
    ASSERT_FALSE(p.ok()) << g.message;
    EXPECT_THAT(p.status().message(), HasSubstr(g.message));
  }
  // And with the last gap filled, this minimal policy meets the floor.
  auto minimal = EscalationPolicy::Parse(
      WithRules(
          queue_all +
          "  - name: lines\n    when: {turn_action_at_least: crisis_reply}\n"
          "    then: [show_crisis_resources]\n"
          "  - name: urgent\n    when: {turn_urgent: true}\n"
          "    then: [{queue: {priority: 1}}, {notify: {webhook: on_call}}, safest_mode]\n"
          "  - name: wait\n    when: {queue_priority_at_most: 2, unanswered_for_seconds: "
          "120}\n"
          "    then: [show_crisis_resources, safest_mode, {handoff_message: no_human_yet}]\n"),
      "t.yaml");
  EXPECT_TRUE(minimal.ok()) << minimal.status().message();
}

// ---- The shipped default -----------------------------------------------------------------------

class DefaultPolicyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto p = EscalationPolicy::Load(DefaultPath());
    ASSERT_TRUE(p.ok()) << p.status().message();
    policy_ = new EscalationPolicy(std::move(p).value());
  }
  static void TearDownTestSuite() {
    delete policy_;
    policy_ = nullptr;
  }
  static const EscalationPolicy& policy() { return *policy_; }

  // One turn as the server will see it: analysed, decided by the per-turn policy, evaluated.
  static EscalationDecision Turn(RiskLevel level, std::vector<RiskCategory> cats = {},
                                 std::string intent = "other",
                                 std::vector<RiskLevel> earlier = {}) {
    nlp::Analysis a;
    a.risk.level = level;
    a.risk.categories = std::move(cats);
    a.intent.label = std::move(intent);
    ConversationContext ctx;
    for (RiskLevel e : earlier) ctx.previous_max_level = std::max(ctx.previous_max_level, e);
    for (auto it = earlier.rbegin(); it != earlier.rend() && *it == kLow; ++it) {
      ++ctx.recent_low_turns;
    }
    Decision d = Decide(a, ctx);
    EscalationInput in = InputForTurn(a, d);
    in.earlier_levels = std::move(earlier);
    return policy().Evaluate(in);
  }

 private:
  static EscalationPolicy* policy_;
};
EscalationPolicy* DefaultPolicyTest::policy_ = nullptr;

TEST_F(DefaultPolicyTest, LoadsAndMeetsTheFloor) {
  EXPECT_EQ(policy().version(), 1);
  EXPECT_EQ(policy().name(), "haven-default");
  EXPECT_EQ(policy().human_response_limit_seconds(), 120);
  EXPECT_EQ(policy().webhooks(), (std::vector<std::string>{"on_call"}));
  EXPECT_TRUE(policy().CheckFloor().ok());
}

// For every risk level, the default's decision is at least as strong as the per-turn policy's.
TEST_F(DefaultPolicyTest, AtLeastAsStrongAsThePerTurnPolicyAtEveryLevel) {
  for (int i = 0; i <= static_cast<int>(kImminent); ++i) {
    const auto level = static_cast<RiskLevel>(i);
    SCOPED_TRACE(std::string(RiskLevelName(level)));
    nlp::Analysis a;
    a.risk.level = level;
    const Decision turn = Decide(a, ConversationContext());
    const EscalationDecision e = policy().Evaluate(InputForTurn(a, turn));
    if (turn.escalate_to_human) {
      EXPECT_TRUE(e.queue_priority.has_value());
    }
    if (turn.urgent) {
      ASSERT_TRUE(e.queue_priority.has_value());
      EXPECT_LE(*e.queue_priority, 2);
      EXPECT_FALSE(e.notify.empty());
    }
    if (turn.action >= Action::kCrisisReply) {
      EXPECT_TRUE(e.show_crisis_resources);
    }
    if (turn.action == Action::kEmergency) {
      EXPECT_EQ(e.queue_priority, 1);
      EXPECT_TRUE(e.safest_mode);
    }
  }
}

// Clinician-readable cases: what happens around the conversation.
TEST_F(DefaultPolicyTest, NoRiskDoesNothing) { EXPECT_TRUE(Turn(kNone).empty()); }

TEST_F(DefaultPolicyTest, ASingleLowTurnIsTheBotsCheckInAlone) {
  // "wish I could sleep and not wake up": the bot asks the screener question; nobody queued yet.
  EscalationDecision d = Turn(kLow);
  EXPECT_TRUE(d.empty());
}

TEST_F(DefaultPolicyTest, ModerateQueuesAtThreeWithTheLines) {
  EscalationDecision d = Turn(kModerate, {RiskCategory::kSuicide});
  EXPECT_EQ(d.queue_priority, 3);
  EXPECT_TRUE(d.show_crisis_resources);
  EXPECT_TRUE(d.notify.empty());
  EXPECT_FALSE(d.safest_mode);
}

TEST_F(DefaultPolicyTest, HighQueuesAtTwoAndNotifiesOnCall) {
  EscalationDecision d = Turn(kHigh, {RiskCategory::kSuicide});  // "I have the pills saved up"
  EXPECT_EQ(d.queue_priority, 2);
  EXPECT_TRUE(d.show_crisis_resources);
  EXPECT_EQ(d.notify, (std::vector<std::string>{"on_call"}));
  EXPECT_TRUE(d.safest_mode);
}

TEST_F(DefaultPolicyTest, ImminentQueuesAtOneNotifiesAndKeepsTheBotSafe) {
  EscalationDecision d = Turn(kImminent, {RiskCategory::kSuicide});  // "I'm on the bridge now"
  EXPECT_EQ(d.queue_priority, 1);
  EXPECT_TRUE(d.show_crisis_resources);
  EXPECT_EQ(d.notify, (std::vector<std::string>{"on_call"}));
  EXPECT_TRUE(d.safest_mode);
  EXPECT_FALSE(d.pause_bot);  // never silence: nobody may be there yet
}

TEST_F(DefaultPolicyTest, LowRiskThatKeepsComingBackGetsACheckInFromAPerson) {
  // low, none, low, none, low: no two lows in a row, so the per-turn policy never escalates.
  EscalationDecision d = Turn(kLow, {}, "other", {kLow, kNone, kLow, kNone});
  EXPECT_EQ(d.matched_rules, (std::vector<std::string>{"accumulated-risk"}));
  EXPECT_EQ(d.queue_priority, 4);
  EXPECT_TRUE(d.show_crisis_resources);
  // Two lows far apart do not.
  EXPECT_TRUE(Turn(kLow, {}, "other", {kLow, kNone, kNone}).empty());
}

TEST_F(DefaultPolicyTest, ThreeLowTurnsInARowAreModerate) {
  EscalationDecision d = Turn(kLow, {}, "other", {kLow, kLow});
  EXPECT_EQ(d.queue_priority, 3);
  EXPECT_TRUE(d.show_crisis_resources);
}

TEST_F(DefaultPolicyTest, AGoodbyeAfterModerateRiskIsUrgent) {
  EscalationDecision d = Turn(kNone, {}, "goodbye", {kModerate});
  EXPECT_EQ(d.queue_priority, 2);
  EXPECT_EQ(d.notify, (std::vector<std::string>{"on_call"}));
  EXPECT_TRUE(d.show_crisis_resources);
}

TEST_F(DefaultPolicyTest, Phq9Item9AnsweredAboveNotAtAll) {
  EscalationInput in;
  in.phq9_item9 = 1;  // "several days"
  EscalationDecision d = policy().Evaluate(in);
  EXPECT_EQ(d.queue_priority, 2);
  EXPECT_TRUE(d.show_crisis_resources);
  in.phq9_item9 = 0;
  EXPECT_TRUE(policy().Evaluate(in).empty());
}

TEST_F(DefaultPolicyTest, AskingForAPersonIsAlwaysHonoured) {
  EscalationDecision d = Turn(kNone, {}, std::string(kHandoffIntent));
  EXPECT_EQ(d.queue_priority, 4);
  EXPECT_EQ(d.handoff_messages, (std::vector<std::string>{"handoff"}));
  // With high risk in the same message, the risk sets the priority.
  d = Turn(kHigh, {RiskCategory::kSuicide}, std::string(kHandoffIntent));
  EXPECT_EQ(d.queue_priority, 2);
  EXPECT_EQ(d.handoff_messages, (std::vector<std::string>{"handoff"}));
}

TEST_F(DefaultPolicyTest, AbuseAndHarmToOthersGoToAPersonQuickly) {
  for (auto cat : {RiskCategory::kAbuse, RiskCategory::kHarmToOthers}) {
    EscalationDecision d = Turn(kNone, {cat});  // "my dad hits me"
    EXPECT_EQ(d.queue_priority, 2);
    EXPECT_EQ(d.notify, (std::vector<std::string>{"on_call"}));
  }
}

TEST_F(DefaultPolicyTest, AMedicalEmergencyIsPriorityOne) {
  // "I took too many paracetamol by accident and feel sick": medical at level none.
  EscalationDecision d = Turn(kNone, {RiskCategory::kMedical});
  EXPECT_EQ(d.queue_priority, 1);
  EXPECT_TRUE(d.show_crisis_resources);
  EXPECT_TRUE(d.safest_mode);
  EXPECT_EQ(d.notify, (std::vector<std::string>{"on_call"}));
}

TEST_F(DefaultPolicyTest, NobodyTookAHighRiskConversationWithinTwoMinutes) {
  EscalationInput in;
  in.risk_level = kHigh;  // the last turn's facts, evaluated again by a timer
  in.turn_action = Action::kCrisisReply;
  in.turn_urgent = true;
  in.queued_priority = 2;
  in.unanswered_seconds = 119;
  EXPECT_TRUE(policy().Evaluate(in).handoff_messages.empty());
  in.unanswered_seconds = 120;
  EscalationDecision d = policy().Evaluate(in);
  EXPECT_EQ(d.handoff_messages, (std::vector<std::string>{"no_human_yet"}));
  EXPECT_TRUE(d.show_crisis_resources);
  EXPECT_TRUE(d.safest_mode);
  EXPECT_EQ(d.notify, (std::vector<std::string>{"on_call"}));
  EXPECT_FALSE(d.pause_bot);
  // The person's last message was calmer, but the conversation is still queued at 2: the same.
  EscalationInput calmer;
  calmer.queued_priority = 2;
  calmer.unanswered_seconds = 150;
  EXPECT_EQ(policy().Evaluate(calmer).handoff_messages, (std::vector<std::string>{"no_human_yet"}));
}

TEST_F(DefaultPolicyTest, LongerLimitsForLessUrgentQueues) {
  EscalationInput in;
  in.queued_priority = 3;
  in.unanswered_seconds = 299;
  EXPECT_TRUE(policy().Evaluate(in).empty());
  in.unanswered_seconds = 300;
  EscalationDecision d = policy().Evaluate(in);
  EXPECT_EQ(d.matched_rules, (std::vector<std::string>{"unanswered-moderate"}));
  EXPECT_EQ(d.notify, (std::vector<std::string>{"on_call"}));

  in.queued_priority = 4;
  in.unanswered_seconds = 899;
  EXPECT_TRUE(policy().Evaluate(in).empty());
  in.unanswered_seconds = 900;
  d = policy().Evaluate(in);
  EXPECT_EQ(d.matched_rules, (std::vector<std::string>{"unanswered-any"}));
  EXPECT_EQ(d.handoff_messages, (std::vector<std::string>{"no_human_yet"}));
  EXPECT_TRUE(d.show_crisis_resources);
  EXPECT_TRUE(d.notify.empty());
}

}  // namespace
}  // namespace haven::safety
