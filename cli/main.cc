// haven: the one binary. main only parses the command line and wires concrete pieces together;
// every subcommand's logic lives in a library with its own tests.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/admin_cmd.h"
#include "cli/analyze_report.h"
#include "cli/audit_cmd.h"
#include "cli/audit_report.h"
#include "cli/backup_cmd.h"
#include "cli/chat_cmd.h"
#include "cli/empathy_cmd.h"
#include "cli/fairness_cmd.h"
#include "cli/jsonl.h"
#include "cli/keys_cmd.h"
#include "cli/learn_cmd.h"
#include "cli/llm_options.h"
#include "cli/migrate_cmd.h"
#include "cli/policy_cmd.h"
#include "cli/respond_cmd.h"
#include "cli/serve_cmd.h"
#include "cli/train_cmd.h"
#include "core/paths.h"
#include "nlp/analysis_json.h"
#include "nlp/analyzer.h"
#include "nlp/emotions.h"
#include "nlp/risk_model.h"
#include "reply/engine.h"

namespace {

constexpr size_t kMaxLine = 8u << 20;  // 8 MiB per JSONL line; longer lines get an error answer
constexpr size_t kAnalyzeBatch = 64;   // lines analysed together by `analyze --jsonl`

std::string ResolveDataDir(const std::string& flag) {
  if (!flag.empty()) return flag;
  return haven::FindDataDir();
}

std::unique_ptr<haven::nlp::Analyzer> LoadAnalyzerOrDie(const std::string& data_dir) {
  if (data_dir.empty()) {
    std::fprintf(stderr,
                 "haven: cannot find the data directory (set HAVEN_DATA_DIR or --data-dir)\n");
    std::exit(2);
  }
  auto analyzer = haven::nlp::Analyzer::Load(data_dir);
  if (!analyzer.ok()) {
    std::fprintf(stderr, "haven: %s\n", analyzer.status().message().c_str());
    std::exit(2);
  }
  return std::move(analyzer).value();
}

int RunAnalyze(const std::string& data_dir, bool jsonl, bool json, bool redacted,
               const std::string& text) {
  auto analyzer = LoadAnalyzerOrDie(data_dir);
  if (jsonl) {
    // The lines already waiting are analysed together, stage by stage (AnalyzeBatch).
    haven::cli::RunJsonlBatched(
        stdin, stdout, kMaxLine, kAnalyzeBatch,
        [&](std::span<const nlohmann::json* const> requests) {
          std::vector<haven::StatusOr<std::string>> answers;
          std::vector<std::string> texts;
          std::vector<std::string_view> views;
          answers.reserve(requests.size());
          texts.reserve(requests.size());
          for (const nlohmann::json* req : requests) {
            auto t = haven::cli::RequireString(*req, "text");
            answers.push_back(t.ok() ? haven::StatusOr<std::string>(std::string())
                                     : haven::StatusOr<std::string>(t.status()));
            if (t.ok()) texts.push_back(std::move(t).value());
          }
          views.assign(texts.begin(), texts.end());
          std::vector<haven::nlp::Analysis> analyses = analyzer->AnalyzeBatch(views);
          size_t next = 0;
          for (auto& answer : answers) {
            if (!answer.ok()) continue;
            answer->reserve(1024);
            haven::nlp::AppendAnalysisMembers(*answer, analyses[next++], redacted);
          }
          return answers;
        });
    // Every answer is written: flush and leave without running destructors. Freeing the
    // analyzer's models and tables only costs time (~7 ms) at the end of a batch process.
    std::fflush(stdout);
    std::_Exit(0);
  }
  haven::nlp::Analysis a = analyzer->Analyze(text);
  if (json) {
    std::cout << haven::nlp::AnalysisToJson(a, redacted).dump(2) << "\n";
  } else {
    std::string shown = a.repaired_utf8 ? analyzer->normalizer().Normalize(text).text : text;
    std::cout << haven::cli::FormatReport(shown, a);
  }
  return 0;
}

// The model input of each line of stdin: EmotionFeatures, or RiskFeatures when `risk`.
int RunPrep(const std::string& data_dir, bool risk, bool gate) {
  haven::nlp::Normalizer normalizer;
  if (!data_dir.empty()) {
    auto loaded = haven::nlp::Normalizer::Load(data_dir);
    if (!loaded.ok()) {
      std::fprintf(stderr, "haven: %s\n", loaded.status().message().c_str());
      return 2;
    }
    normalizer = std::move(loaded).value();
  }
  // --gate: the rules and the concept list, to say whether a learned reading may raise the line.
  std::optional<haven::nlp::RiskDetector> rules;
  std::optional<haven::nlp::RiskConcepts> concepts;
  if (gate) {
    auto r = haven::nlp::RiskDetector::Create();
    auto c = haven::nlp::RiskConcepts::Load(data_dir);
    if (!r.ok() || !c.ok()) {
      std::fprintf(stderr, "haven: %s\n", (!r.ok() ? r.status() : c.status()).message().c_str());
      return 2;
    }
    rules.emplace(std::move(r).value());
    concepts.emplace(std::move(c).value());
  }
  haven::cli::LineReader reader(stdin, kMaxLine);
  std::string line;
  bool too_long;
  while (reader.Next(&line, &too_long)) {
    haven::nlp::NormalizedText norm = normalizer.Normalize(line);
    std::string features =
        risk ? haven::nlp::RiskFeatures(norm) : haven::nlp::EmotionFeatures(norm);
    if (gate) {
      const bool open =
          haven::nlp::LearnedRaiseAllowed(rules->Assess(norm), concepts->Touches(features));
      std::fputs(open ? "1\t" : "0\t", stdout);
    }
    std::fwrite(features.data(), 1, features.size(), stdout);
    std::fputc('\n', stdout);
  }
  return 0;
}

std::unique_ptr<haven::reply::Engine> LoadEngineOrDie(const std::string& data_dir) {
  if (data_dir.empty()) {
    std::fprintf(stderr,
                 "haven: cannot find the data directory (set HAVEN_DATA_DIR or --data-dir)\n");
    std::exit(2);
  }
  auto engine = haven::reply::Engine::Load(data_dir);
  if (!engine.ok()) {
    std::fprintf(stderr, "haven: %s\n", engine.status().message().c_str());
    std::exit(2);
  }
  return std::move(engine).value();
}

int RunEmpathy(const std::string& data_dir, bool jsonl, const std::string& seeker,
               const std::string& response) {
  if (data_dir.empty()) {
    std::fprintf(stderr,
                 "haven: cannot find the data directory (set HAVEN_DATA_DIR or --data-dir)\n");
    return 2;
  }
  auto scorer = haven::reply::EmpathyScorer::Load(data_dir);
  if (!scorer.ok()) {
    std::fprintf(stderr, "haven: %s\n", scorer.status().message().c_str());
    return 2;
  }
  if (jsonl) return haven::cli::RunEmpathyJsonl(*scorer, stdin, stdout, kMaxLine);
  std::cout << haven::cli::FormatEmpathyReport(scorer->Score(seeker, response), response);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Haven: mental-health support by chat, where an AI listens first and people stay in "
      "charge.\nEach subcommand explains itself with --help."};
  app.set_version_flag("--version", std::string("haven 0.1.0"));
  app.require_subcommand(1);
  std::string data_dir;
  app.add_option("--data-dir", data_dir,
                 "Shipped data (lexicons, models); default: $HAVEN_DATA_DIR or beside the binary");

  auto* analyze = app.add_subcommand(
      "analyze",
      "Read one message the way a listener would: sentiment, emotions, risk of suicide and "
      "self-harm, intent, topics and personal identifiers.\n"
      "  haven analyze \"text\"          a readable report\n"
      "  haven analyze --json \"text\"   the same as JSON\n"
      "  haven analyze --jsonl         JSON Lines on stdin -> one answer per line on stdout "
      "(shared/eval/CONTRACT.md)");
  bool jsonl = false, json = false, redacted = false;
  std::string text;
  analyze->add_flag("--jsonl", jsonl, "Read {\"id\",\"text\"} lines on stdin");
  analyze->add_flag("--json", json, "Print the analysis of TEXT as JSON");
  analyze->add_flag("--redacted", redacted, "Include the text with identifiers replaced");
  analyze->add_option("text", text, "The message to analyse");

  auto* prep = app.add_subcommand(
      "prep", "Print the exact model input for each line of stdin (used by the training scripts)");
  auto* prep_emotions = prep->add_subcommand("emotions", "fastText input for the emotion model");
  auto* prep_risk = prep->add_subcommand("risk", "fastText input for the learned risk reader");
  bool prep_gate = false;
  prep_risk->add_flag("--gate", prep_gate,
                      "Begin each line with 1 or 0 and a tab: whether a learned reading may raise "
                      "it (a risk phrase of the rules, or a risk concept; nlp/risk_model.h)");
  prep->require_subcommand(1);

  auto* chat = app.add_subcommand(
      "chat",
      "Talk to Haven in the terminal: the whole reply engine, offline, nothing stored. Type "
      "'help' for crisis lines, 'why' for the reasons behind the last reply, 'quit' to leave.");
  std::string chat_locale = "en-US";
  chat->add_option("--locale", chat_locale,
                   "BCP-47 locale whose crisis lines and emergency number Haven gives (en-GB, "
                   "en-AU, ...); default en-US");
  haven::cli::LlmArgs chat_llm;
  haven::cli::AddLlmOptions(chat, chat_llm);

  auto* respond = app.add_subcommand(
      "respond",
      "Haven's reply to a conversation.\n"
      "  haven respond --jsonl   {\"id\",\"locale\",\"history\":[{\"role\",\"text\"}...]} lines "
      "on stdin -> {\"id\",\"reply\",\"strategy\",\"risk_level\",\"escalate\"} lines on stdout "
      "(shared/eval/CONTRACT.md)");
  bool respond_jsonl = false;
  respond->add_flag("--jsonl", respond_jsonl, "Read one conversation per line on stdin");
  bool respond_why = false;
  respond->add_flag("--why", respond_why,
                    "Also print the content variant used and the planner's reasons (for "
                    "developers; not part of the contract)");
  haven::cli::LlmArgs respond_llm;
  haven::cli::AddLlmOptions(respond, respond_llm);

  auto* empathy = app.add_subcommand(
      "empathy",
      "How a reply to a support-seeker shows empathy: emotional reactions, interpretations and "
      "explorations, each none / weak / strong (EPITOME's mechanisms).\n"
      "  haven empathy --seeker \"post\" --response \"reply\"   a readable report\n"
      "  haven empathy --jsonl         JSON Lines on stdin -> one answer per line on stdout "
      "(shared/eval/CONTRACT.md)");
  bool empathy_jsonl = false;
  std::string seeker, response;
  empathy->add_flag("--jsonl", empathy_jsonl,
                    "Read {\"id\",\"seeker\",\"response\"} lines on stdin");
  empathy->add_option("--seeker", seeker, "The support-seeker's post");
  empathy->add_option("--response", response, "The reply to score");

  auto keys_cmd = haven::cli::KeysCommand::Add(app);
  auto audit_cmd = haven::cli::AuditCommand::Add(app);
  auto fairness_cmd = haven::cli::FairnessCommand::Add(*audit_cmd->audit());
  auto report_cmd = haven::cli::AuditReportCommand::Add(*audit_cmd->audit());
  auto serve_cmd = haven::cli::ServeCommand::Add(app);
  auto admin_cmd = haven::cli::AdminCommand::Add(app);
  auto migrate_cmd = haven::cli::MigrateCommand::Add(app);
  auto policy_cmd = haven::cli::PolicyCommand::Add(app);
  auto backup_cmd = haven::cli::BackupCommands::Add(app);
  auto learn_cmd = haven::cli::LearnCommand::Add(app);
  auto train_cmd = haven::cli::TrainCommands::Add(app);

  CLI11_PARSE(app, argc, argv);

  if (keys_cmd->parsed()) return keys_cmd->Run();
  if (audit_cmd->parsed()) return audit_cmd->Run();
  if (fairness_cmd->parsed()) return fairness_cmd->Run(ResolveDataDir(data_dir));
  if (report_cmd->parsed()) return report_cmd->Run(ResolveDataDir(data_dir));
  if (serve_cmd->parsed()) return serve_cmd->Run(ResolveDataDir(data_dir));
  if (admin_cmd->parsed()) return admin_cmd->Run();
  if (migrate_cmd->parsed()) return migrate_cmd->Run();
  if (backup_cmd->parsed()) return backup_cmd->Run();
  if (learn_cmd->parsed()) return learn_cmd->Run();
  if (train_cmd->parsed()) return train_cmd->Run(ResolveDataDir(data_dir));
  if (policy_cmd->parsed()) return policy_cmd->Run(ResolveDataDir(data_dir));

  if (analyze->parsed()) {
    if (!jsonl && text.empty() && analyze->count("text") == 0) {
      std::fprintf(stderr, "haven analyze: give a TEXT or --jsonl (see --help)\n");
      return 2;
    }
    return RunAnalyze(ResolveDataDir(data_dir), jsonl, json, redacted, text);
  }
  if (prep_emotions->parsed()) return RunPrep(ResolveDataDir(data_dir), false, false);
  if (prep_risk->parsed()) return RunPrep(ResolveDataDir(data_dir), true, prep_gate);
  if (empathy->parsed()) {
    if (!empathy_jsonl && empathy->count("--response") == 0) {
      std::fprintf(stderr,
                   "haven empathy: give --response (and --seeker) or --jsonl (see --help)\n");
      return 2;
    }
    return RunEmpathy(ResolveDataDir(data_dir), empathy_jsonl, seeker, response);
  }
  if (chat->parsed()) {
    auto engine = LoadEngineOrDie(ResolveDataDir(data_dir));
    if (!haven::cli::AttachLlm(chat_llm, *engine, stderr, "haven chat")) return 2;
    return haven::cli::RunChat(*engine, chat_locale, std::cin, std::cout);
  }
  if (respond->parsed()) {
    if (!respond_jsonl) {
      std::fprintf(stderr, "haven respond: give --jsonl (see --help)\n");
      return 2;
    }
    auto engine = LoadEngineOrDie(ResolveDataDir(data_dir));
    if (!haven::cli::AttachLlm(respond_llm, *engine, stderr, "haven respond")) return 2;
    haven::cli::RunRespondJsonl(*engine, stdin, stdout, kMaxLine, respond_why);
    // Every answer is written: leave without freeing the models (as analyze --jsonl does).
    std::fflush(stdout);
    std::_Exit(0);
  }
  return 0;
}
