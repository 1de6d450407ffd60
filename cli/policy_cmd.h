// `haven policy check [FILE]`: validates an escalation policy file (safety/escalation_policy.h)
// the way Haven loads it, schema and floor, so a clinician can check a change before it ships.
//   haven policy check data/policy/escalation.yaml
// On success prints "ok: N rules (version 1)", the policy's name, limit and webhooks, and a
// table of the rules (name, when, then) to `out`; exit status 0. On any problem prints
// "haven policy check: <error>" to `err` (the error names the file, line, rule and key); exit
// status 2. Without FILE it checks the shipped default, <data dir>/policy/escalation.yaml.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

namespace haven::cli {

int RunPolicyCheck(const std::string& path, std::FILE* out, std::FILE* err);

// The `policy` subcommand registered on an app. main keeps it and asks parsed() after parsing;
// Run gets the data directory main resolved (used only when no FILE was given).
class PolicyCommand {
 public:
  static std::unique_ptr<PolicyCommand> Add(CLI::App& app);
  bool parsed() const;
  int Run(const std::string& data_dir) const;

 private:
  CLI::App* check_ = nullptr;
  std::string file_;
};

}  // namespace haven::cli
