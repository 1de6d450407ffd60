#include "reply/chooser.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "reply/engine.h"

namespace haven::reply {
namespace {

TEST(ChoiceReason, RoundTrips) {
  ChoiceRecord r;
  r.policy = "thompson";
  r.context = ChoiceContext("reflection", "", "sadness");
  r.arms = {"rf-01", "rf-07", "rf-12"};
  r.arm = "rf-07";
  r.propensity = 0.4125;
  const std::string reason = FormatChoiceReason(r);
  EXPECT_EQ(reason, "choice:thompson:reflection/-/sadness:rf-07:0.4125:rf-01|rf-07|rf-12");
  auto back = ParseChoiceReason(reason);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->policy, "thompson");
  EXPECT_EQ(back->context, "reflection/-/sadness");
  EXPECT_EQ(back->arm, "rf-07");
  EXPECT_EQ(back->arms, r.arms);
  EXPECT_DOUBLE_EQ(back->propensity, 0.4125);
}

TEST(ChoiceReason, RefusesOtherAndMalformedReasons) {
  for (const char* bad : {"", "reaction:rx-01", "choice:", "choice:explore:ctx:a:0.5",  // no arms
                          "choice:explore:ctx:a:0:a|b",    // propensity 0
                          "choice:explore:ctx:a:1.5:a|b",  // above 1
                          "choice:explore:ctx:a:nan:a|b", "choice:explore:ctx:a:0.5x:a|b",
                          "choice:explore:ctx:c:0.5:a|b",   // the arm is not an arm
                          "choice:explore:ctx:a:0.5:a||b",  // an empty arm
                          "choice:explore:c,tx:a:0.5:a|b",  // a comma
                          "choice:explore::a:0.5:a|b",      // no context
                          "choice:explore:ctx:a:0.5:a|b:extra"}) {
    EXPECT_FALSE(ParseChoiceReason(bad).has_value()) << bad;
  }
}

// Always picks the last arm, and remembers what it was offered.
class LastArm : public VariantChooser {
 public:
  VariantChoice Choose(const std::string& context,
                       const std::vector<std::string>& arms) const override {
    std::lock_guard lock(mu_);
    contexts_.push_back(context);
    offered_.push_back(arms);
    return {arms.size() - 1, 1.0 / static_cast<double>(arms.size()), "test"};
  }
  std::vector<std::string> contexts() const {
    std::lock_guard lock(mu_);
    return contexts_;
  }
  std::vector<std::vector<std::string>> offered() const {
    std::lock_guard lock(mu_);
    return offered_;
  }

 private:
  mutable std::mutex mu_;
  mutable std::vector<std::string> contexts_;
  mutable std::vector<std::vector<std::string>> offered_;
};

std::unique_ptr<Engine> LoadEngine() {
  auto loaded = Engine::Load(HAVEN_SOURCE_DATA_DIR);
  EXPECT_TRUE(loaded.ok()) << loaded.status().message();
  return loaded.ok() ? std::move(loaded).value() : nullptr;
}

std::optional<ChoiceRecord> ChoiceOf(const Reply& r) {
  for (const std::string& w : r.why) {
    if (auto c = ParseChoiceReason(w)) return c;
  }
  return std::nullopt;
}

TEST(EngineWithChooser, TheChooserPicksAmongTheBestAndTheChoiceIsRecorded) {
  auto plain = LoadEngine();
  auto learning = LoadEngine();
  ASSERT_TRUE(plain && learning);
  auto chooser = std::make_shared<LastArm>();
  learning->set_chooser(chooser);
  Conversation a(*plain, "en-US");
  Conversation b(*learning, "en-US");
  const char* turns[] = {"work has been so stressful lately", "my manager keeps piling it on",
                         "I feel like I'm letting everyone down",
                         "I just want to feel a bit calmer in the evenings"};
  int chosen = 0;
  for (const char* t : turns) {
    Reply ra = a.Send(t);
    Reply rb = b.Send(t);
    EXPECT_FALSE(ChoiceOf(ra).has_value());  // no chooser: nothing recorded
    auto c = ChoiceOf(rb);
    if (!c) continue;
    ++chosen;
    EXPECT_EQ(c->policy, "test");
    EXPECT_GE(c->arms.size(), 2u);
    EXPECT_LE(c->arms.size(), kMaxArms);
    EXPECT_EQ(c->arm, c->arms.back());
    EXPECT_EQ(rb.variant_id, c->arm);
    EXPECT_NEAR(c->propensity, 1.0 / static_cast<double>(c->arms.size()), 1e-4);
    // The context names the plan, never the person's words.
    EXPECT_EQ(c->context.find("manager"), std::string::npos);
    EXPECT_EQ(c->context.find(' '), std::string::npos);
  }
  EXPECT_GE(chosen, 2);
  EXPECT_EQ(chooser->offered().size(), static_cast<size_t>(chosen));
}

TEST(EngineWithChooser, TheSafetyPathNeverPassesThroughIt) {
  auto engine = LoadEngine();
  ASSERT_TRUE(engine);
  auto chooser = std::make_shared<LastArm>();
  engine->set_chooser(chooser);
  for (const char* t : {"I have the pills in my hand and I'm going to take them all tonight",
                        "I want to kill myself", "can I talk to a real person please",
                        "my dad hits me when he drinks"}) {
    Conversation c(*engine, "en-US");
    Reply r = c.Send(t);
    EXPECT_TRUE(r.strategy == Strategy::kCrisis || r.strategy == Strategy::kHandoff) << t;
    EXPECT_FALSE(ChoiceOf(r).has_value()) << t;
  }
  EXPECT_TRUE(chooser->offered().empty());
}

}  // namespace
}  // namespace haven::reply
