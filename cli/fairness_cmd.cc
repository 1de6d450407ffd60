#include "cli/fairness_cmd.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace haven::cli {
namespace {

nlohmann::json ToJson(const learn::VarietyFigures& f) {
  return {{"variety", f.variety},
          {"cases", f.cases},
          {"at_risk", f.at_risk},
          {"at_risk_caught", f.at_risk_caught},
          {"recall", f.recall},
          {"urgent", f.urgent},
          {"urgent_caught", f.urgent_caught},
          {"urgent_recall", f.urgent_recall},
          {"none", f.none},
          {"false_alarms", f.false_alarms},
          {"false_alarm_rate", f.false_alarm_rate},
          {"gaps", f.gaps},
          {"unjudged", f.unjudged}};
}

// "0.95 (19/20)" or "-" when there is nothing to count.
std::string Figure(int hit, int of) {
  if (of == 0) return "-";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.2f (%d/%d)", static_cast<double>(hit) / of, hit, of);
  return buf;
}

void PrintRow(std::FILE* out, const learn::VarietyFigures& f) {
  std::fprintf(out, "%-18s %6d  %-16s %-16s %-16s %s\n", f.variety.c_str(), f.cases,
               Figure(f.at_risk_caught, f.at_risk).c_str(),
               Figure(f.urgent_caught, f.urgent).c_str(), Figure(f.false_alarms, f.none).c_str(),
               f.gaps.empty() ? (f.unjudged.size() == 3 ? "too few to judge" : "ok")
                              : ("GAP: " + f.gaps.front()).c_str());
  for (size_t i = 1; i < f.gaps.size(); ++i) {
    std::fprintf(out, "%-18s %6s  %-16s %-16s %-16s GAP: %s\n", "", "", "", "", "",
                 f.gaps[i].c_str());
  }
}

}  // namespace

StatusOr<learn::FairnessReport> FairnessOfFiles(const std::vector<std::string>& files,
                                                const nlp::Analyzer& analyzer,
                                                const learn::FairnessOptions& options) {
  if (files.empty()) return InvalidArgument("give a labelled JSONL file");
  std::vector<learn::FairnessCase> cases;
  for (const std::string& path : files) {
    std::ifstream in(path);
    if (!in) return NotFound("cannot read " + path);
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      if (line.empty()) continue;
      auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      std::optional<RiskLevel> gold;
      if (j.is_object() && j.contains("level") && j["level"].is_string()) {
        gold = ParseRiskLevel(j["level"].get<std::string>());
      }
      if (!gold || !j.contains("text") || !j["text"].is_string()) {
        return InvalidArgument(path + ":" + std::to_string(line_no) +
                               ": expected {\"text\", \"level\"}");
      }
      learn::FairnessCase c;
      c.gold = *gold;
      if (j.contains("variety") && j["variety"].is_string()) {
        c.variety = j["variety"].get<std::string>();
      } else if (j.contains("note") && j["note"].is_string()) {
        c.variety = learn::VarietyFromNote(j["note"].get<std::string>());
      }
      c.read = analyzer.Analyze(j["text"].get<std::string>()).risk.level;
      cases.push_back(std::move(c));
    }
  }
  if (cases.empty()) return InvalidArgument("no labelled messages");
  return learn::AuditFairness(cases, options);
}

nlohmann::json FairnessJson(const learn::FairnessReport& r, const learn::FairnessOptions& options) {
  nlohmann::json j = {{"overall", ToJson(r.overall)},
                      {"varieties", nlohmann::json::array()},
                      {"gaps", r.gaps},
                      {"min_cases", options.min_cases},
                      {"max_gap", options.max_gap}};
  for (const auto& f : r.varieties) j["varieties"].push_back(ToJson(f));
  return j;
}

int RunAuditFairness(const FairnessArgs& args, const nlp::Analyzer& analyzer, std::FILE* out,
                     std::FILE* err) {
  auto report = FairnessOfFiles(args.files, analyzer, args.options);
  if (!report.ok()) {
    std::fprintf(err, "haven audit fairness: %s\n", report.status().message().c_str());
    return 2;
  }
  const learn::FairnessReport& r = *report;
  if (args.json) {
    std::fprintf(out, "%s\n", FairnessJson(r, args.options).dump(2).c_str());
  } else {
    std::fprintf(out, "%-18s %6s  %-16s %-16s %-16s %s\n", "variety", "cases", "at-risk recall",
                 "urgent recall", "false alarms", "verdict");
    PrintRow(out, r.overall);
    for (const auto& f : r.varieties) PrintRow(out, f);
    std::fprintf(
        out,
        "\nat-risk recall: gold >= moderate read >= moderate; urgent: gold >= high read >= "
        "high; false alarms: gold none read >= moderate.\nA variety is flagged %.2f "
        "behind the overall, judged with at least %d cases of a kind.\n",
        args.options.max_gap, args.options.min_cases);
  }
  return r.gaps ? 1 : 0;
}

std::unique_ptr<FairnessCommand> FairnessCommand::Add(CLI::App& audit) {
  auto cmd = std::make_unique<FairnessCommand>();
  cmd->fairness_ = audit.add_subcommand(
      "fairness",
      "Risk recall and false alarms for each variety of English in a labelled set, with gaps "
      "flagged. Exit status 0 no gap, 1 a gap, 2 an error.\n"
      "  haven audit fairness [FILE.jsonl ...] [--json] [--min-cases N] [--max-gap X]");
  FairnessArgs& a = cmd->args_;
  cmd->fairness_->add_option("files", a.files,
                             "JSON Lines of {\"text\", \"level\", \"variety\" or \"note\"} "
                             "(default: tests/data/risk_holdout.jsonl of a checkout)");
  cmd->fairness_->add_flag("--json", a.json, "One JSON object instead of the table");
  cmd->fairness_
      ->add_option("--min-cases", a.options.min_cases,
                   "Cases of a kind before a variety's figure is judged")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->fairness_
      ->add_option("--max-gap", a.options.max_gap,
                   "How far behind the overall a variety may fall (0 to 1)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  return cmd;
}

bool FairnessCommand::parsed() const { return fairness_->parsed(); }

int FairnessCommand::Run(const std::string& data_dir) const {
  FairnessArgs args = args_;
  if (args.files.empty() && !data_dir.empty()) {
    const auto held_out =
        std::filesystem::path(data_dir) / ".." / "tests" / "data" / "risk_holdout.jsonl";
    if (std::filesystem::exists(held_out)) args.files.push_back(held_out.lexically_normal());
  }
  if (data_dir.empty()) {
    std::fprintf(stderr, "haven: cannot find the data directory (set HAVEN_DATA_DIR)\n");
    return 2;
  }
  auto analyzer = nlp::Analyzer::Load(data_dir);
  if (!analyzer.ok()) {
    std::fprintf(stderr, "haven audit fairness: %s\n", analyzer.status().message().c_str());
    return 2;
  }
  return RunAuditFairness(args, **analyzer, stdout, stderr);
}

}  // namespace haven::cli
