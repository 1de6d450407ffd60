#include "cli/learn_cmd.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/store_options.h"

namespace haven::cli {

std::string FormatLearningReport(const chat::LearningReport& r, bool json) {
  if (json) {
    nlohmann::json j;
    j["choices"] = r.choices;
    j["rated"] = r.rewarded;
    j["contexts"] = r.contexts;
    j["logged_policies"] = nlohmann::json::object();
    for (const auto& [name, n] : r.policies) j["logged_policies"][name] = n;
    j["logged_mean_reward"] = r.logged_mean;
    j["estimates"] = nlohmann::json::array();
    for (const auto& e : r.estimates) {
      j["estimates"].push_back({{"policy", e.name},
                                {"description", e.description},
                                {"n", e.estimate.n},
                                {"logged_mean", e.estimate.logged_mean},
                                {"ips", e.estimate.ips},
                                {"snips", e.estimate.snips},
                                {"ci95", {e.estimate.ci_low, e.estimate.ci_high}},
                                {"effective_n", e.estimate.effective_n}});
    }
    j["recommendation"] = r.recommendation;
    j["reason"] = r.reason;
    return j.dump(2) + "\n";
  }
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "logged choices: %zu (%zu rated), %zu contexts\n", r.choices,
                r.rewarded, r.contexts);
  out += line;
  for (const auto& [name, n] : r.policies) {
    std::snprintf(line, sizeof line, "  logged by %-10s %zu\n", name.c_str(), n);
    out += line;
  }
  if (r.rewarded > 0) {
    std::snprintf(line, sizeof line, "logged policy's mean reward: %.3f\n\n", r.logged_mean);
    out += line;
    std::snprintf(line, sizeof line, "%-12s %6s %7s %7s %17s %8s\n", "policy", "n", "IPS", "SNIPS",
                  "95% interval", "eff. n");
    out += line;
    for (const auto& e : r.estimates) {
      std::snprintf(line, sizeof line, "%-12s %6zu %7.3f %7.3f   [%6.3f, %6.3f] %8.1f\n",
                    e.name.c_str(), e.estimate.n, e.estimate.ips, e.estimate.snips,
                    e.estimate.ci_low, e.estimate.ci_high, e.estimate.effective_n);
      out += line;
    }
    out += "\n";
    for (const auto& e : r.estimates) out += "  " + e.name + ": " + e.description + "\n";
    out += "\n";
  }
  out += "recommendation: " + r.recommendation + " (" + r.reason + ")\n";
  return out;
}

int RunLearnReport(const LearnReportArgs& args, std::FILE* out, std::FILE* err) {
  auto where = ResolveStore(args.store, args.keys_store, args.data_dir);
  if (!where.ok()) {
    std::fprintf(err, "haven learn report: %s\n", where.status().message().c_str());
    return 2;
  }
  auto store = OpenRecords(*where, /*create=*/false);
  if (!store.ok()) {
    std::fprintf(err, "haven learn report: %s\n", store.status().message().c_str());
    return 2;
  }
  auto log = chat::CollectChoices(**store);
  if (!log.ok()) {
    std::fprintf(err, "haven learn report: %s\n", log.status().message().c_str());
    return 2;
  }
  chat::LearningReport report = chat::Evaluate(*log, args.seed, args.min_rated);
  std::fputs(FormatLearningReport(report, args.json).c_str(), out);
  return 0;
}

std::unique_ptr<LearnCommand> LearnCommand::Add(CLI::App& app) {
  auto cmd = std::make_unique<LearnCommand>();
  cmd->learn_ = app.add_subcommand("learn", "Learning from feedback (docs/learning.md)");
  cmd->learn_->require_subcommand(1);
  cmd->report_ = cmd->learn_->add_subcommand(
      "report",
      "The bandit's logged choices and feedback, and an offline evaluation (inverse propensity "
      "scoring) of switching it on. Reads no personal field and needs no key.\n"
      "  haven learn report --data-dir DIR [--json] [--min-rated N]\n"
      "  haven learn report --store postgres://... [--json]");
  LearnReportArgs& a = cmd->args_;
  cmd->report_->add_option("--data-dir", a.data_dir,
                           "Haven's data directory (haven.db); not with --store postgres://");
  AddStoreOptions(cmd->report_, &a.store, &a.keys_store);
  cmd->report_->add_flag("--json", a.json, "Print one JSON object");
  cmd->report_->add_option("--min-rated", a.min_rated,
                           "Rated choices needed before recommending a policy (default 200)");
  cmd->report_->add_option("--seed", a.seed, "Seed of the Thompson estimate (default 1)");
  return cmd;
}

bool LearnCommand::parsed() const { return report_->parsed(); }

int LearnCommand::Run() const { return RunLearnReport(args_, stdout, stderr); }

}  // namespace haven::cli
