// The model registry (issue 7): every retrained classifier Haven may run, with the data it was
// built from, its figures on the fixed safety set, the evaluation gate's verdict, and who
// approved it and when; one version is active, and any version that was active before (or the
// shipped models) can be made active again (rollback).
//
// A registry is a directory: registry.json (the index, below) and one directory per version
// holding that version's model files (risk.ftz, risk.thresholds, ...; nlp::Analyzer::Load reads
// them). Writers take an exclusive lock (flock on .lock) and replace the index atomically
// (write, fsync, rename), so concurrent `haven train`, approvals and readers never see half an
// index. Every decision is also audited in the store by its caller (storage/audit.h).
//
// registry.json:
//   {"schema": 1, "active": "<version>" | "shipped",
//    "versions": [{"version", "model": "risk" | "risk+emotions", "created_at", "created_by",
//                  "files": [{"name", "bytes", "sha256"}], "data": {...}, "metrics": {...},
//                  "baseline": {"version", "metrics"}, "gate": {"passed", "reasons"},
//                  "status": "candidate" | "refused" | "active" | "retired",
//                  "approved_by", "approved_at"}],
//    "events": [{"time", "action": "approve" | "rollback", "version", "from", "by"}]}
// Times are UTC RFC 3339 strings. "shipped" names the models in the data directory.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace haven::learn {

inline constexpr std::string_view kShippedVersion = "shipped";

// A version's figures: the risk reader on the fixed safety set (and on clinicians' labels, when
// any), and the emotion classifier when it was retrained too.
struct ModelMetrics {
  int cases = 0;  // messages of the safety set
  double at_risk_recall = 0, urgent_recall = 0, false_alarm_rate = 0;
  int labelled = 0;            // clinicians' risk labels measured against
  double label_agreement = 0;  // share of those read at exactly the labelled level (0 if none)
  // Ordinary real text (GoEmotions' dev comments, when given): the share read at moderate or
  // above. 0 cases: not measured.
  int ordinary_cases = 0;
  double ordinary_flag_rate = 0;
  // The emotion classifier, when measured (0 cases: not measured): macro-F1 over GoEmotions'
  // 28 labels on its test comments (never trained on, nor used for thresholds), and the micro-F1
  // of the emotions read against clinicians' emotion labels.
  int emotion_cases = 0;
  double emotion_macro_f1 = 0;
  int emotion_labelled = 0;
  double emotion_label_f1 = 0;
};

nlohmann::json MetricsJson(const ModelMetrics& m);
ModelMetrics MetricsFromJson(const nlohmann::json& j);  // missing fields stay 0

struct GateOptions {
  // How far any figure other than risk recall may fall (false alarms: rise) before the gate
  // refuses. Risk recall on the safety set may not fall at all.
  double tolerance = 0.02;
  // How far the share of ordinary text read at moderate or above may rise.
  double ordinary_tolerance = 0.005;
};

struct GateResult {
  bool passed = true;
  std::vector<std::string> reasons;  // one per refused figure, e.g. "urgent recall 0.90 < 0.93"
};

// The evaluation gate: the candidate against the active model on the same sets.
GateResult Gate(const ModelMetrics& active, const ModelMetrics& candidate,
                const GateOptions& options = {});

class ModelRegistry {
 public:
  // Opens (creating, mode 0700) the registry directory.
  static StatusOr<ModelRegistry> Open(const std::string& dir);

  const std::string& dir() const { return dir_; }
  // The index as stored (an empty registry when there is no registry.json yet).
  StatusOr<nlohmann::json> Read() const;
  // The active version's name ("shipped" when none was approved).
  StatusOr<std::string> Active() const;
  // The directory of the active version's files, or "" for the shipped models.
  StatusOr<std::string> ActiveDir() const;
  std::string VersionDir(std::string_view version) const;
  // A fresh version name for `model` at `time_iso` ("risk-20261204T113000Z-1a2b3c").
  static std::string NewVersionName(std::string_view model, std::string_view time_iso);

  // Records a new version: `entry` (its "version" must be new and name a directory already
  // filled with its files under VersionDir) with status "candidate" when entry.gate.passed,
  // "refused" otherwise.
  Status Add(nlohmann::json entry);
  // Makes a candidate that passed the gate active; the previous active version is retired.
  // FailedPrecondition for a refused, retired or active version; NotFound for an unknown one.
  Status Approve(std::string_view version, std::string_view by, std::string_view time_iso);
  // Makes an earlier version active again: one that was active before (retired), or "shipped".
  // FailedPrecondition for a version never approved or already active.
  Status Rollback(std::string_view version, std::string_view by, std::string_view time_iso);

 private:
  explicit ModelRegistry(std::string dir) : dir_(std::move(dir)) {}
  // Runs `change` on the index under the lock and stores the result when it returns OK.
  Status Modify(const std::function<Status(nlohmann::json&)>& change);

  std::string dir_;
};

// The current UTC time as RFC 3339 ("2026-12-04T11:30:00Z").
std::string UtcNowIso();

}  // namespace haven::learn
