#include "reply/llm_prompt.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "reply/engine.h"

namespace haven::reply {
namespace {

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

bool HasWhy(const Reply& r, const std::string& prefix) {
  for (const auto& w : r.why) {
    if (w.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

TEST(BuildPrompt, CarriesRulesStrategyStateDraftAndTheRecentTurns) {
  PromptInputs in;
  in.strategy = Strategy::kReflection;
  in.draft = "It sounds like your sister's words really hurt.";
  in.feeling = "hurt";
  in.intensity = "strong";
  in.people = {"your sister"};
  in.stressors = {"family"};
  in.stage = "exploration";
  in.preferred_name = "Sam";
  for (int i = 0; i < 12; ++i) {
    in.recent.push_back({i % 2 ? "assistant" : "user", "message " + std::to_string(i)});
  }
  GenerationRequest req = BuildPrompt(in, 8);
  ASSERT_EQ(req.messages.size(), 9u);  // system + the last eight
  const std::string& sys = req.messages[0].content;
  EXPECT_EQ(req.messages[0].role, "system");
  for (const char* part : {"an AI", "Never diagnose", "ways of hurting", "Never promise",
                           "Name the feeling", "hurt (strong)", "your sister", "family",
                           "called Sam", "It sounds like your sister's words really hurt."}) {
    EXPECT_TRUE(Contains(sys, part)) << part;
  }
  EXPECT_EQ(req.messages[1].content, "message 4");
  EXPECT_EQ(req.messages.back().content, "message 11");
}

TEST(BuildPrompt, EveryStrategyHasAnInstruction) {
  for (int i = 0; i < kNumStrategies; ++i) {
    EXPECT_FALSE(StrategyInstruction(static_cast<Strategy>(i)).empty());
  }
}

TEST(CheckGenerated, AcceptsAPlainReplyAndTrimsIt) {
  std::string t = "  \"That sounds exhausting. What has the week been like?\"\n";
  EXPECT_EQ(CheckGenerated(t), "");
  EXPECT_EQ(t, "That sounds exhausting. What has the week been like?");
}

TEST(CheckGenerated, RefusesWhatIsNotAChatReply) {
  std::string empty = "   ";
  EXPECT_EQ(CheckGenerated(empty), "empty");
  std::string long_text(800, 'a');
  EXPECT_EQ(CheckGenerated(long_text), "too_long");
  std::string link = "Try this: https://example.com/help";
  EXPECT_EQ(CheckGenerated(link), "link");
  std::string transcript = "I hear you.\nUser: thanks\nAssistant: you're welcome";
  EXPECT_EQ(CheckGenerated(transcript), "role_marker");
  std::string list = "Some ideas:\n- walk\n- sleep";
  EXPECT_EQ(CheckGenerated(list), "list");
}

// A generator that answers from a script and records the prompts it saw: the engine's side of
// the contract. The real client against a real HTTP server is tests/integration/llm_test.cc.
class ScriptedGenerator : public ReplyGenerator {
 public:
  explicit ScriptedGenerator(std::vector<StatusOr<std::string>> answers)
      : answers_(std::move(answers)) {}
  StatusOr<std::string> Generate(const GenerationRequest& request) const override {
    std::lock_guard lock(mu_);
    prompts_.push_back(request);
    if (answers_.empty()) return Internal("bad answer: script exhausted");
    auto a = answers_.front();
    answers_.erase(answers_.begin());
    return a;
  }
  std::string name() const override { return "scripted"; }
  size_t calls() const {
    std::lock_guard lock(mu_);
    return prompts_.size();
  }
  GenerationRequest last() const {
    std::lock_guard lock(mu_);
    return prompts_.back();
  }

 private:
  mutable std::mutex mu_;
  mutable std::vector<StatusOr<std::string>> answers_;
  mutable std::vector<GenerationRequest> prompts_;
};

std::unique_ptr<Engine> LoadEngine() {
  auto loaded = Engine::Load(HAVEN_SOURCE_DATA_DIR);
  EXPECT_TRUE(loaded.ok()) << loaded.status().message();
  return loaded.ok() ? std::move(loaded).value() : nullptr;
}

TEST(EngineWithGenerator, UsesTheModelsWordingAndStillDisclosesTheAi) {
  auto engine = LoadEngine();
  ASSERT_TRUE(engine);
  auto gen = std::make_shared<ScriptedGenerator>(std::vector<StatusOr<std::string>>{
      std::string("That sounds like a heavy week with your boss. What happened today?")});
  engine->set_generator(gen);
  Conversation c(*engine, "en-US");
  Reply r = c.Send("my boss yelled at me again and I feel awful");
  EXPECT_TRUE(Contains(r.text, "That sounds like a heavy week with your boss.")) << r.text;
  EXPECT_TRUE(Contains(r.text, "AI")) << r.text;  // the engine's disclosure, first reply
  EXPECT_TRUE(HasWhy(r, "llm:scripted"));
  ASSERT_EQ(gen->calls(), 1u);
  // The prompt ends with the person's message and carries the content draft.
  GenerationRequest p = gen->last();
  EXPECT_EQ(p.messages.back().role, "user");
  EXPECT_EQ(p.messages.back().content, "my boss yelled at me again and I feel awful");
}

TEST(EngineWithGenerator, FallsBackToContentOnErrorAndOnUnsafeOrOddAnswers) {
  auto engine = LoadEngine();
  ASSERT_TRUE(engine);
  auto gen = std::make_shared<ScriptedGenerator>(std::vector<StatusOr<std::string>>{
      Status(Internal("timeout after 3000 ms")),
      std::string("Don't worry, I'm a real person, not a bot."),
      std::string("It sounds like you have depression. You should take sertraline 50 mg."),
      std::string("Here: https://example.com")});
  engine->set_generator(gen);
  Conversation c(*engine, "en-US");
  const char* messages[] = {"work has been so stressful lately", "my manager keeps piling it on",
                            "I am behind on three projects at once",
                            "I never know how to say no to him"};
  const char* reasons[] = {"llm_fallback:timeout", "llm_fallback:guard_", "llm_fallback:guard_",
                           "llm_fallback:link"};
  for (int i = 0; i < 4; ++i) {
    Reply r = c.Send(messages[i]);
    std::string whys;
    for (const auto& w : r.why) whys += w + " ";
    EXPECT_TRUE(HasWhy(r, reasons[i])) << i << ": " << whys;
    EXPECT_FALSE(HasWhy(r, "llm:")) << i;
    EXPECT_FALSE(Contains(r.text, "real person")) << r.text;
    EXPECT_FALSE(Contains(r.text, "sertraline")) << r.text;
    EXPECT_FALSE(Contains(r.text, "example.com")) << r.text;
    EXPECT_FALSE(r.text.empty());
  }
}

TEST(EngineWithGenerator, CrisisRepliesNeverGoToTheModel) {
  auto engine = LoadEngine();
  ASSERT_TRUE(engine);
  auto gen = std::make_shared<ScriptedGenerator>(
      std::vector<StatusOr<std::string>>{std::string("Everything will be fine, cheer up!")});
  engine->set_generator(gen);
  Conversation c(*engine, "en-US");
  Reply r = c.Send("I have the pills in my hand and I'm going to take them all tonight");
  EXPECT_GE(r.risk_level, RiskLevel::kHigh);
  EXPECT_TRUE(r.escalate);
  EXPECT_EQ(gen->calls(), 0u);
  EXPECT_FALSE(Contains(r.text, "cheer up"));
  EXPECT_TRUE(Contains(r.text, "988")) << r.text;
}

}  // namespace
}  // namespace haven::reply
