// `haven audit fairness [FILE...]`: the risk reading's fairness across varieties of English
// (learn/fairness.h). Each FILE is JSON Lines of labelled messages: {"text", "level"} with the
// contract's levels, and a "variety" or a "note" naming it ("Indian English", "AAVE", ...).
// Without FILE it reads the project's held-out risk set (tests/data/risk_holdout.jsonl beside the
// data directory, in a checkout). Prints, per variety and overall, at-risk recall, urgent recall
// and false alarms with their counts, and flags a variety that falls behind the overall by more
// than --max-gap (judged only with at least --min-cases cases of a kind); --json prints the same
// as one JSON object. Exit status 0 no gap, 1 a gap flagged, 2 an error (a malformed line names
// its file and line).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "learn/fairness.h"
#include "nlp/analyzer.h"

namespace haven::cli {

struct FairnessArgs {
  std::vector<std::string> files;
  bool json = false;
  learn::FairnessOptions options;
};

// The figures of `analyzer` on the labelled JSONL `files` (errors name the file and line).
StatusOr<learn::FairnessReport> FairnessOfFiles(const std::vector<std::string>& files,
                                                const nlp::Analyzer& analyzer,
                                                const learn::FairnessOptions& options);
// The report as `--json` prints it.
nlohmann::json FairnessJson(const learn::FairnessReport& report,
                            const learn::FairnessOptions& options);

int RunAuditFairness(const FairnessArgs& args, const nlp::Analyzer& analyzer, std::FILE* out,
                     std::FILE* err);

class FairnessCommand {
 public:
  // Registers `fairness` under the given `audit` app.
  static std::unique_ptr<FairnessCommand> Add(CLI::App& audit);
  bool parsed() const;
  // `data_dir`: the shipped data, for the analyzer and the default file.
  int Run(const std::string& data_dir) const;

 private:
  CLI::App* fairness_ = nullptr;
  FairnessArgs args_;
};

}  // namespace haven::cli
