// The empathy scorer against Haven's own written cases (tests/data/empathy_cases.jsonl) and
// against hostile input.
//
// How the cases are labelled (from the EPITOME definitions, Sharma et al. 2020):
//  - emotional reactions: 2 when the reply states the replier's own compassion or concern
//    ("I'm so sorry you...", "my heart goes out", "I'm worried about you"); 1 for a plainer or
//    generic reaction ("sorry to hear that", "that sucks", "hugs", "hang in there"); else 0.
//  - interpretations: 2 when the reply names the seeker's inferred feeling or experience ("it
//    sounds like you feel...", "that must be...") or shares a similar experience of the
//    replier's own; 1 for a bare "I understand" / "I get it" / "your feelings are valid"; else 0.
//  - explorations: 2 for a question about the seeker's own feelings or situation ("how long have
//    you been feeling this low?"); 1 for a canned one ("what happened?", "are you ok?"); 0 for
//    none, rhetorical questions and advice phrased as a question ("have you tried yoga?").
#include "reply/empathy.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace haven::reply {
namespace {

using namespace std::string_literals;

const EmpathyScorer& Scorer() {
  static const EmpathyScorer* k = [] {
    auto s = EmpathyScorer::Load(HAVEN_SOURCE_DATA_DIR);
    EXPECT_TRUE(s.ok()) << s.status().message();
    return new EmpathyScorer(s.ok() ? std::move(s).value() : EmpathyScorer());
  }();
  return *k;
}

struct Levels {
  int er, ip, ex;
};

Levels LevelsOf(std::string_view seeker, std::string_view response) {
  EmpathyScore s = Scorer().Score(seeker, response);
  return {s[Mechanism::kEmotionalReactions].level, s[Mechanism::kInterpretations].level,
          s[Mechanism::kExplorations].level};
}

constexpr std::string_view kSeeker =
    "My girlfriend left me last week and I can't stop crying. I feel like I'm not good enough.";

TEST(Empathy, StrongOnEveryMechanism) {
  Levels l = LevelsOf(kSeeker,
                      "I'm so sorry you're going through this. It sounds like you feel "
                      "abandoned. What has been the hardest part since she left?");
  EXPECT_EQ(l.er, 2);
  EXPECT_EQ(l.ip, 2);
  EXPECT_EQ(l.ex, 2);
}

TEST(Empathy, WeakOnEveryMechanism) {
  Levels l = LevelsOf(kSeeker, "That sucks. I understand. What happened?");
  EXPECT_EQ(l.er, 1);
  EXPECT_EQ(l.ip, 1);
  EXPECT_EQ(l.ex, 1);
}

TEST(Empathy, AdviceAloneIsNoEmpathy) {
  Levels l = LevelsOf(kSeeker, "Delete her number, go to the gym and focus on yourself.");
  EXPECT_EQ(l.er, 0);
  EXPECT_EQ(l.ip, 0);
  EXPECT_EQ(l.ex, 0);
}

TEST(Empathy, SharedExperienceIsAStrongInterpretation) {
  EXPECT_EQ(LevelsOf(kSeeker, "I went through the same thing two years ago.").ip, 2);
  EXPECT_EQ(LevelsOf(kSeeker, "I was dumped after five years and cried for a month.").ip, 2);
}

TEST(Empathy, NegatedAndBlockedCuesDoNotCount) {
  EXPECT_EQ(LevelsOf(kSeeker, "I don't understand why you care.").ip, 0);
  EXPECT_EQ(LevelsOf(kSeeker, "Sounds like a plan.").ip, 0);
  EXPECT_EQ(LevelsOf(kSeeker, "Have you tried meditation?").ex, 0);
}

TEST(Empathy, ChatSpellingsAreNormalised) {
  Levels l = LevelsOf(kSeeker, "im so sorry u r going thru this 💔 how r u holding up rn?");
  EXPECT_EQ(l.er, 2);
  EXPECT_GE(l.ex, 1);
}

TEST(Empathy, ScoresAreInRangeAndAgreeWithLevels) {
  for (std::string_view r : {"", "ok", "I'm so sorry. That must be so hard. How are you?",
                             "hugs ❤️", "I went through this. I was so lost. I cried."}) {
    EmpathyScore s = Scorer().Score(kSeeker, r);
    for (const MechanismScore& m : s.mechanisms) {
      EXPECT_GE(m.score, 0.0f);
      EXPECT_LE(m.score, 1.0f);
      EXPECT_EQ(m.level, m.score >= 2.0f / 3 ? 2 : m.score >= 1.0f / 3 ? 1 : 0) << r;
    }
    for (const EmpathyCue& c : s.cues) {
      EXPECT_LE(c.span.start, c.span.end);
      EXPECT_LE(c.span.end, r.size());
      EXPECT_FALSE(c.kind.empty());
    }
  }
}

TEST(Empathy, CuesPointAtTheEvidence) {
  std::string r = "Honestly I'm so sorry. What happened?";
  EmpathyScore s = Scorer().Score(kSeeker, r);
  ASSERT_FALSE(s.cues.empty());
  bool found = false;
  for (const EmpathyCue& c : s.cues) {
    if (c.mechanism == Mechanism::kEmotionalReactions) {
      EXPECT_EQ(r.substr(c.span.start, c.span.end - c.span.start), "I'm so sorry");
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST(Empathy, EmptyInvalidAndHugeInputs) {
  Levels empty = LevelsOf("", "");
  EXPECT_EQ(empty.er + empty.ip + empty.ex, 0);
  EXPECT_EQ(Scorer().Score("", "").cues.size(), 0u);
  // Invalid UTF-8, NUL and control bytes.
  std::string bad = "I'm so sorry \xff\xfe\xc3 you feel \x00 this way"s;
  Levels b = LevelsOf(bad, bad);
  EXPECT_EQ(b.er, 2);
  // A megabyte: bounded work, still an answer.
  std::string big;
  while (big.size() < (1u << 20)) big += "I'm so sorry, that must be lonely. 😢 ";
  Levels h = LevelsOf(big, big);
  EXPECT_EQ(h.er, 2);
  EXPECT_EQ(h.ip, 2);
  // A multi-byte character cut at the byte limit is not left half.
  std::string cut(EmpathyScorer::kMaxBytes - 1, 'a');
  cut += "😢😢";
  EmpathyScore s = Scorer().Score(cut, cut);
  for (const EmpathyCue& c : s.cues) EXPECT_LE(c.span.end, cut.size());
  // Emoji and punctuation only.
  EXPECT_EQ(LevelsOf("😭😭😭", "🫂❤️").er, 1);
  EXPECT_EQ(LevelsOf("???", "?!?!").ex, 0);
}

TEST(Empathy, ThreadSafe) {
  const std::string r = "I'm so sorry. It sounds like you feel alone. How long has it been?";
  const EmpathyScore want = Scorer().Score(kSeeker, r);
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      int same = 0;
      for (int i = 0; i < 200; ++i) {
        EmpathyScore got = Scorer().Score(kSeeker, r);
        bool eq = true;
        for (int m = 0; m < kNumMechanisms; ++m) {
          eq = eq && got.mechanisms[m].score == want.mechanisms[m].score;
        }
        same += eq;
      }
      ok[t] = same;
    });
  }
  for (auto& th : threads) th.join();
  for (int v : ok) EXPECT_EQ(v, 200);
}

TEST(Empathy, ContractJson) {
  EmpathyScore s;
  s.mechanisms[0].level = 2;
  s.mechanisms[2].level = 1;
  EXPECT_EQ(EmpathyLevelsJson(s),
            "\"emotional_reactions\":2,\"interpretations\":0,\"explorations\":1");
  EXPECT_EQ(MechanismName(Mechanism::kInterpretations), "interpretations");
}

// Haven's own written cases: the rules must keep agreeing with the labels.
TEST(Empathy, WrittenCases) {
  std::ifstream in(std::string(HAVEN_TESTS_DIR) + "/data/empathy_cases.jsonl");
  ASSERT_TRUE(in) << "tests/data/empathy_cases.jsonl";
  const char* kFields[] = {"emotional_reactions", "interpretations", "explorations"};
  int n = 0;
  int right[kNumMechanisms] = {0, 0, 0};
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto c = nlohmann::json::parse(line);
    EmpathyScore s =
        Scorer().Score(c["seeker"].get<std::string>(), c["response"].get<std::string>());
    ++n;
    for (int m = 0; m < kNumMechanisms; ++m) {
      int want = c[kFields[m]].get<int>();
      if (s.mechanisms[m].level == want) {
        ++right[m];
      } else {
        // Printed for whoever tunes the rules; at most a few are expected.
        std::printf("  %s %s: want %d got %d\n", c["id"].get<std::string>().c_str(), kFields[m],
                    want, s.mechanisms[m].level);
      }
    }
  }
  ASSERT_GE(n, 250);
  for (int m = 0; m < kNumMechanisms; ++m) {
    EXPECT_GE(static_cast<double>(right[m]) / n, 0.93) << kFields[m];
  }
}

}  // namespace
}  // namespace haven::reply
