#include "safety/output_guard.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

namespace haven::safety {
namespace {

const OutputGuard& Guard() {
  static const OutputGuard guard;
  return guard;
}

std::string Explain(const GuardResult& r, std::string_view text) {
  std::string out;
  for (const auto& v : r.violations) {
    out += std::string(GuardRuleName(v.rule)) + " [" + std::string(Guard().PatternText(v.pattern)) +
           "] on \"" + std::string(text.substr(v.start, v.end - v.start)) + "\"; ";
  }
  return out;
}

// tests/data/output_guard_cases.jsonl: {"id", "text", "expected": "pass"|"fail", "rule"}.
TEST(OutputGuardTest, Cases) {
  std::ifstream in(std::string(HAVEN_TESTS_DIR) + "/data/output_guard_cases.jsonl");
  ASSERT_TRUE(in) << "missing tests/data/output_guard_cases.jsonl";
  std::string line;
  int n = 0, wrong = 0;
  std::map<std::string, int> fails_per_rule;
  int passes = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto c = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(c.is_discarded()) << line;
    const std::string id = c.at("id"), text = c.at("text"), expected = c.at("expected");
    const std::string rule = c.value("rule", "");
    ++n;
    GuardResult r = Guard().Check(text);
    if (expected == "pass") {
      ++passes;
      if (!r.pass) {
        ++wrong;
        ADD_FAILURE() << id << " should pass: " << text << "\n  " << Explain(r, text);
      }
    } else {
      ++fails_per_rule[rule];
      if (r.pass) {
        ++wrong;
        ADD_FAILURE() << id << " should fail (" << rule << "): " << text;
      } else if (GuardRuleName(r.rule) != rule) {
        ++wrong;
        ADD_FAILURE() << id << " should fail as " << rule << ", not " << GuardRuleName(r.rule)
                      << ": " << text << "\n  " << Explain(r, text);
      }
    }
  }
  EXPECT_GE(n, 200);
  EXPECT_GE(passes, 80);
  for (auto rule :
       {GuardRule::kMethod, GuardRule::kDosing, GuardRule::kHumanClaim, GuardRule::kConfidentiality,
        GuardRule::kDiagnosis, GuardRule::kBlame, GuardRule::kMinimising}) {
    EXPECT_GE(fails_per_rule[std::string(GuardRuleName(rule))], 10) << GuardRuleName(rule);
  }
  EXPECT_EQ(wrong, 0) << "of " << n;
}

TEST(OutputGuardTest, ViolationSpansPointIntoTheText) {
  const std::string text = "Hello there. You have depression, and I’m a real person.";
  GuardResult r = Guard().Check(text);
  ASSERT_FALSE(r.pass);
  EXPECT_EQ(r.rule, GuardRule::kHumanClaim);  // the more severe of the two
  ASSERT_EQ(r.violations.size(), 2u);
  EXPECT_EQ(r.violations[0].rule, GuardRule::kDiagnosis);
  EXPECT_EQ(text.substr(r.violations[0].start, r.violations[0].end - r.violations[0].start),
            "You have depression");
  EXPECT_EQ(text.substr(r.violations[1].start, r.violations[1].end - r.violations[1].start),
            "I’m a real person");
}

TEST(OutputGuardTest, SentencesBoundMatches) {
  // "...anyone. No one" must not join across the full stop into one phrase.
  EXPECT_TRUE(Guard().Check("Would you like to talk to a human. Being honest matters.").pass);
  EXPECT_FALSE(Guard().Check("I am a real person").pass);
  EXPECT_TRUE(Guard().Check("I am a real. Person").pass);
}

TEST(OutputGuardTest, ArbitraryBytesNeverCrash) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255), len(0, 300);
  for (int i = 0; i < 2000; ++i) {
    std::string s(static_cast<size_t>(len(rng)), '\0');
    for (char& ch : s) ch = static_cast<char>(byte(rng));
    GuardResult r = Guard().Check(s);
    for (const auto& v : r.violations) {
      EXPECT_LE(v.start, v.end);
      EXPECT_LE(v.end, s.size());
    }
  }
  // Truncated multi-byte characters at the end.
  EXPECT_TRUE(Guard().Check("hello \xE2\x80").pass);
  EXPECT_TRUE(Guard().Check("\xF0").pass);
}

TEST(OutputGuardTest, RuleNames) {
  EXPECT_EQ(GuardRuleName(GuardRule::kMethod), "method");
  EXPECT_EQ(GuardRuleName(GuardRule::kDosing), "dosing");
  EXPECT_EQ(GuardRuleName(GuardRule::kHumanClaim), "human_claim");
  EXPECT_EQ(GuardRuleName(GuardRule::kConfidentiality), "confidentiality");
  EXPECT_EQ(GuardRuleName(GuardRule::kDiagnosis), "diagnosis");
  EXPECT_EQ(GuardRuleName(GuardRule::kBlame), "blame");
  EXPECT_EQ(GuardRuleName(GuardRule::kMinimising), "minimising");
}

// The fallback must pass for every locale Haven knows, the fallback locale and every level.
TEST(SafeFallbackTest, AlwaysPasses) {
  auto loaded = CrisisResources::Load(CrisisResources::DefaultPath(HAVEN_SOURCE_DATA_DIR));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  std::vector<std::string> locales = {"en", "", "de-DE", "xx"};
  for (const auto& r : loaded->regions()) locales.push_back("en-" + r.region);
  const CrisisResources builtin = CrisisResources::BuiltinFallback();
  const std::vector<const CrisisResources*> sets = {&*loaded, &builtin};
  for (const CrisisResources* res : sets) {
    for (const auto& locale : locales) {
      for (int l = 0; l <= 4; ++l) {
        auto level = static_cast<RiskLevel>(l);
        std::string text = SafeFallback(*res, locale, level);
        GuardResult g = Guard().Check(text);
        EXPECT_TRUE(g.pass) << locale << " " << RiskLevelName(level) << ": " << text << "\n  "
                            << Explain(g, text);
        EXPECT_NE(text.find("AI"), std::string::npos);
      }
    }
  }
}

TEST(SafeFallbackTest, ContentByLevel) {
  auto res = CrisisResources::Load(CrisisResources::DefaultPath(HAVEN_SOURCE_DATA_DIR));
  ASSERT_TRUE(res.ok());
  // low: the direct question, and help visible.
  std::string low = SafeFallback(*res, "en-GB", RiskLevel::kLow);
  EXPECT_NE(low.find("Are you having thoughts of killing yourself?"), std::string::npos);
  EXPECT_NE(low.find("116 123"), std::string::npos);
  // moderate: lines and a person.
  std::string moderate = SafeFallback(*res, "en-US", RiskLevel::kModerate);
  EXPECT_NE(moderate.find("988"), std::string::npos);
  EXPECT_NE(moderate.find("741741"), std::string::npos);
  EXPECT_NE(moderate.find("person from our team"), std::string::npos);
  // imminent: the emergency number before anything else.
  std::string imminent = SafeFallback(*res, "en-AU", RiskLevel::kImminent);
  EXPECT_EQ(imminent.rfind("Please call 000 now", 0), 0u) << imminent;
  EXPECT_LT(imminent.find("000"), imminent.find("13 11 14"));
  std::string unknown = SafeFallback(*res, "fr-FR", RiskLevel::kImminent);
  EXPECT_EQ(unknown.rfind("Please call your local emergency number now", 0), 0u);
  EXPECT_NE(unknown.find("findahelpline.com"), std::string::npos);
  std::string none = SafeFallback(*res, "en-GB", RiskLevel::kNone);
  EXPECT_EQ(none.find("116 123"), std::string::npos);
}

}  // namespace
}  // namespace haven::safety
