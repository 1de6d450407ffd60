// `haven learn report`: what the bandit has logged and whether switching it on would help
// (chat/learning.h, docs/learning.md).
//   haven learn report --data-dir DIR [--json] [--min-rated N] [--seed S]
//   haven learn report --store postgres://... [--json] ...
// Reads the logged choices and their feedback from the records alone (no key file: no personal
// field is decrypted), only for people who allow de-identified use, and prints the logged
// policy's mean reward and the offline estimates (IPS, SNIPS, a 95% interval, the effective
// sample size) of the best-ranked, uniform and Thompson-sampling policies, with a
// recommendation. Exit status 0 on success (whatever it recommends), 2 on an error.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "chat/learning.h"

namespace haven::cli {

struct LearnReportArgs {
  std::string data_dir;
  std::string store;
  std::string keys_store;
  bool json = false;
  size_t min_rated = 200;
  uint64_t seed = 1;
};

int RunLearnReport(const LearnReportArgs& args, std::FILE* out, std::FILE* err);
// The report as the text that RunLearnReport prints (JSON when `json`).
std::string FormatLearningReport(const chat::LearningReport& report, bool json);

class LearnCommand {
 public:
  static std::unique_ptr<LearnCommand> Add(CLI::App& app);
  bool parsed() const;
  int Run() const;

 private:
  CLI::App* learn_ = nullptr;
  CLI::App* report_ = nullptr;
  LearnReportArgs args_;
};

}  // namespace haven::cli
