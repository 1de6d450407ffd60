#include "cli/policy_cmd.h"

#include <algorithm>
#include <string>
#include <vector>

#include "safety/escalation_policy.h"

namespace haven::cli {
namespace {

std::string Pad(const std::string& s, size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

}  // namespace

int RunPolicyCheck(const std::string& path, std::FILE* out, std::FILE* err) {
  auto policy = safety::EscalationPolicy::Load(path);
  if (!policy.ok()) {
    std::fprintf(err, "haven policy check: %s\n", policy.status().message().c_str());
    return 2;
  }
  const auto& rules = policy->rules();
  std::fprintf(out, "ok: %zu rule%s (version %d)\n", rules.size(), rules.size() == 1 ? "" : "s",
               policy->version());
  std::string hooks;
  for (const auto& h : policy->webhooks()) hooks += (hooks.empty() ? "" : ", ") + h;
  std::fprintf(out, "policy %s; human response limit %lld s; webhooks: %s\n\n",
               policy->name().c_str(),
               static_cast<long long>(policy->human_response_limit_seconds()),
               hooks.empty() ? "(none)" : hooks.c_str());

  std::vector<std::string> whens;
  size_t name_w = 4, when_w = 4;
  for (const auto& r : rules) {
    whens.push_back(safety::DescribeCondition(r.when));
    name_w = std::max(name_w, r.name.size());
    when_w = std::max(when_w, whens.back().size());
  }
  std::fprintf(out, "  %s  %s  then\n", Pad("rule", name_w).c_str(), Pad("when", when_w).c_str());
  for (size_t i = 0; i < rules.size(); ++i) {
    std::fprintf(out, "  %s  %s  %s\n", Pad(rules[i].name, name_w).c_str(),
                 Pad(whens[i], when_w).c_str(), safety::DescribeActions(rules[i].then).c_str());
  }
  return 0;
}

std::unique_ptr<PolicyCommand> PolicyCommand::Add(CLI::App& app) {
  auto cmd = std::make_unique<PolicyCommand>();
  auto* policy = app.add_subcommand("policy", "Check Haven's escalation policy");
  policy->require_subcommand(1);
  cmd->check_ = policy->add_subcommand(
      "check",
      "Validate an escalation policy file as Haven loads it (schema, and never weaker than the "
      "per-turn safety policy); print its rules.\n"
      "  haven policy check [FILE]      (default: the shipped data/policy/escalation.yaml)");
  cmd->check_->add_option("file", cmd->file_, "The policy file (YAML)");
  return cmd;
}

bool PolicyCommand::parsed() const { return check_->parsed(); }

int PolicyCommand::Run(const std::string& data_dir) const {
  if (!file_.empty()) return RunPolicyCheck(file_, stdout, stderr);
  if (data_dir.empty()) {
    std::fprintf(stderr, "haven policy check: give a FILE, or set HAVEN_DATA_DIR or --data-dir\n");
    return 2;
  }
  return RunPolicyCheck(safety::DefaultEscalationPolicyPath(data_dir), stdout, stderr);
}

}  // namespace haven::cli
