// `haven train` and `haven models` (issue 7): rebuilding the risk reader from the shipped
// training data plus clinicians' labels, the evaluation gate, and the model registry.
//
//   haven train --data-dir DIR [--key-file K] [--goemotions DIR] [--no-emotions]
//               [--tolerance 0.02]
//       1. collects the latest clinicians' labels (chat/labels.h) of people who allow
//          de-identified use, and redacts each message's personal identifiers (nlp/pii.h);
//       2. runs the committed recipes (in a private temporary directory, removed afterwards):
//          scripts/train_risk_model.py on the project's labelled messages plus the risk labels;
//          with --goemotions also scripts/train_emotions.sh on GoEmotions' train comments plus
//          the emotion labels (--no-emotions: the active emotion model is kept as it is);
//       3. measures the running (active) models and the candidates on the fixed safety set
//          (tests/data/risk_holdout.jsonl of a checkout, or --holdout), on the labels, and with
//          --goemotions on GoEmotions' dev comments (ordinary text read as risk) and, for the
//          emotions, on GoEmotions' test comments (macro-F1; never trained on);
//       4. the gate (learn/model_registry.h) refuses a candidate whose risk recall falls, or any
//          other figure beyond --tolerance;
//       5. registers the candidate (passed or refused) with its data, figures and verdict under
//          --models-dir (default DIR/models), audited (model.train).
//     Exit status 0 a candidate passed (approve it to use it), 1 refused by the gate, 2 error.
//
//   haven models list [--models-dir D | --data-dir DIR] [--json]
//   haven models approve VERSION --by ADMIN [--data-dir DIR | --store URL]
//   haven models rollback VERSION|shipped --by ADMIN [...]
//     approve and rollback need an enabled admin account's username; audited (model.approve,
//     model.rollback). Servers run the active version: at start, then within --models-poll.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "chat/labels.h"
#include "chat/models.h"
#include "learn/model_registry.h"
#include "nlp/analyzer.h"

namespace haven::cli {

struct LabelledCase {
  std::string text;
  RiskLevel gold = RiskLevel::kNone;
};

// A risk reader's figures: on `safety_set` (recall, urgent recall, false alarms), its
// agreement with `labels` (the share read at exactly the labelled level), and the share of
// `ordinary` real text (none at risk, or nearly) read at moderate or above.
learn::ModelMetrics MeasureRisk(const nlp::Analyzer& analyzer,
                                const std::vector<LabelledCase>& safety_set,
                                const std::vector<LabelledCase>& labels,
                                const std::vector<std::string>& ordinary = {});

struct EmotionCase {
  std::string text;
  std::vector<int> gold;  // indices into nlp::kEmotionNames
};

// The emotion classifier's figures: macro-F1 over the 28 labels on `test` (GoEmotions' test
// comments), and micro-F1 of the emotions read against clinicians' `labels`. Sets only the
// emotion_* fields.
void MeasureEmotions(const nlp::Analyzer& analyzer, const std::vector<EmotionCase>& test,
                     const std::vector<EmotionCase>& labels, learn::ModelMetrics* m);

// GoEmotions' TSV (text, comma-separated label ids, id) with `names` (emotions.txt) giving each
// id's name. InvalidArgument for an id or a name Haven does not know.
StatusOr<std::vector<EmotionCase>> ReadGoEmotions(const std::string& tsv, const std::string& names);

// Reads a JSONL safety set ({"text", "level"} per line).
StatusOr<std::vector<LabelledCase>> ReadSafetySet(const std::string& path);

struct TrainArgs {
  std::string data_dir, store, keys_store, key_file;
  std::string models_dir;       // default: <data_dir>/models
  std::string holdout;          // default: tests/data/risk_holdout.jsonl beside the shipped data
  std::string goemotions;       // GoEmotions folder (ordinary text as none); "" trains without
  std::string recipe;           // default: scripts/train_risk_model.py beside the shipped data
  std::string emotions_recipe;  // default: scripts/train_emotions.sh beside the shipped data
  bool emotions = true;         // retrain the emotion classifier too (needs --goemotions)
  std::string python = "python3";
  std::string by = "operator";  // who ran the training (recorded in the registry)
  double tolerance = 0.02;
  double ordinary_tolerance = 0.005;
  bool json = false;
};

int RunTrain(const TrainArgs& args, const std::string& shipped_data_dir, std::FILE* out,
             std::FILE* err);

struct ModelsArgs {
  std::string data_dir, store, keys_store, models_dir;
  std::string version, by;
  bool json = false;
};

int RunModelsList(const ModelsArgs& args, std::FILE* out, std::FILE* err);
// Exit status 0 done, 1 refused (unknown version, refused by the gate, never active), 2 error.
int RunModelsChange(const ModelsArgs& args, chat::ModelChange change, std::FILE* out,
                    std::FILE* err);

class TrainCommands {
 public:
  static std::unique_ptr<TrainCommands> Add(CLI::App& app);
  bool parsed() const;
  int Run(const std::string& shipped_data_dir) const;

 private:
  CLI::App* train_ = nullptr;
  CLI::App* list_ = nullptr;
  CLI::App* approve_ = nullptr;
  CLI::App* rollback_ = nullptr;
  TrainArgs train_args_;
  ModelsArgs models_args_;
};

}  // namespace haven::cli
