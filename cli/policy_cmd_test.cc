#include "cli/policy_cmd.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli/test_util.h"
#include "safety/escalation_policy.h"

namespace haven::cli {
namespace {

using testing::Captured;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A policy file in a fresh temporary directory, removed at the end of the scope.
class PolicyFile {
 public:
  explicit PolicyFile(const std::string& text) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "haven-policy-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
    path_ = dir_ + "/escalation.yaml";
    std::ofstream(path_) << text;
  }
  ~PolicyFile() { std::filesystem::remove_all(dir_); }
  PolicyFile(const PolicyFile&) = delete;
  PolicyFile& operator=(const PolicyFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string dir_, path_;
};

std::string Shipped() { return safety::DefaultEscalationPolicyPath(HAVEN_SOURCE_DATA_DIR); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(PolicyCheckCommandTest, TheShippedPolicyIsOkAndSummarised) {
  Captured c;
  ASSERT_EQ(RunPolicyCheck(Shipped(), c.out, c.err), 0) << c.ErrText();
  const std::string out = c.OutText();
  auto policy = safety::EscalationPolicy::Load(Shipped());
  ASSERT_TRUE(policy.ok());
  EXPECT_EQ(out.rfind("ok: " + std::to_string(policy->rules().size()) + " rules (version 1)\n", 0),
            0u)
      << out;
  EXPECT_TRUE(Contains(out, "policy haven-default; human response limit 120 s; webhooks: on_call"));
  EXPECT_TRUE(Contains(out, "rule"));
  // One row per rule, with its conditions and actions in words.
  for (const auto& rule : policy->rules()) EXPECT_TRUE(Contains(out, "  " + rule.name + " "));
  EXPECT_TRUE(Contains(out, "risk >= imminent"));
  EXPECT_TRUE(Contains(out, "crisis resources, queue 1, notify on_call, safest mode"));
  EXPECT_TRUE(Contains(out, "queued at priority <= 2, unanswered >= 120 s"));
  EXPECT_EQ(c.ErrText(), "");
}

TEST(PolicyCheckCommandTest, ASchemaErrorNamesFileLineRuleAndKey) {
  std::string text = ReadFile(Shipped());
  const std::string from = "when: {risk_at_least: imminent}";
  ASSERT_NE(text.find(from), std::string::npos);
  text.replace(text.find(from), from.size(), "when: {risk_at_least: severe}");
  PolicyFile f(text);
  Captured c;
  EXPECT_EQ(RunPolicyCheck(f.path(), c.out, c.err), 2);
  EXPECT_EQ(c.OutText(), "");
  const std::string err = c.ErrText();
  EXPECT_EQ(err.rfind("haven policy check: " + f.path() + ":", 0), 0u) << err;
  EXPECT_TRUE(Contains(err, "rule 1 (imminent): when.risk_at_least: unknown risk level \"severe\""))
      << err;
}

TEST(PolicyCheckCommandTest, AWeakenedPolicyIsRefused) {
  // The shipped file with the imminent rule's priority lowered to 3.
  std::string text = ReadFile(Shipped());
  const std::string rule = "- name: imminent";
  const std::string from = "queue: {priority: 1}";
  size_t at = text.find(from, text.find(rule));
  ASSERT_NE(at, std::string::npos);
  text.replace(at, from.size(), "queue: {priority: 3}");
  // The medical rule also queues at 1; take that away too so only the level is tested.
  at = text.find(from, text.find("- name: medical"));
  ASSERT_NE(at, std::string::npos);
  text.replace(at, from.size(), "queue: {priority: 3}");
  PolicyFile f(text);
  Captured c;
  EXPECT_EQ(RunPolicyCheck(f.path(), c.out, c.err), 2);
  EXPECT_TRUE(Contains(c.ErrText(),
                       "weaker than Haven's per-turn safety policy: risk imminent: "
                       "an emergency, but it is not queued at priority 1"))
      << c.ErrText();
}

TEST(PolicyCheckCommandTest, BrokenFiles) {
  struct Case {
    std::string text;
    std::string error;
  };
  const Case cases[] = {
      {"version: 1\nname: x\nrules: [\n", "not valid YAML"},
      {"name: x\nrules: []\n", ":1: version: is missing"},
      {"version: 7\nname: x\nrules: []\n", ":1: version: unsupported schema version 7"},
      {"version: 1\nname: x\nrules:\n  - name: a\n    when: {risk_at_least: high}\n"
       "    then: [call_police]\n",
       ":6: rule 1 (a): then[1]: unknown action \"call_police\""},
      {"version: 1\nname: x\ncolour: blue\nrules: []\n", ":3: colour: unknown key"},
  };
  for (const auto& k : cases) {
    PolicyFile f(k.text);
    Captured c;
    EXPECT_EQ(RunPolicyCheck(f.path(), c.out, c.err), 2) << k.text;
    EXPECT_TRUE(Contains(c.ErrText(), k.error)) << c.ErrText();
    EXPECT_EQ(c.OutText(), "");
  }
}

TEST(PolicyCheckCommandTest, AMissingFile) {
  Captured c;
  EXPECT_EQ(RunPolicyCheck("/nonexistent/escalation.yaml", c.out, c.err), 2);
  EXPECT_TRUE(Contains(c.ErrText(), "/nonexistent/escalation.yaml: cannot read"));
}

TEST(PolicyCheckCommandTest, RegistersOnTheCommandLine) {
  CLI::App app("haven");
  auto cmd = PolicyCommand::Add(app);
  const char* argv[] = {"haven", "policy", "check", "some.yaml"};
  app.parse(4, const_cast<char**>(argv));
  EXPECT_TRUE(cmd->parsed());
}

}  // namespace
}  // namespace haven::cli
