// `haven audit report`: the periodic report an operator or a data-protection officer reads
// (issue 7). One self-contained HTML page (or JSON) with a verdict per check:
//
//   audit log    the hash chain verified, against the checkpoint kept outside the database
//   keys         the key-encryption key's age since its last rotation; data keys left under an
//                older one (an unfinished `haven keys rotate`)
//   retention    messages still stored past their owner's retention period (or past the
//                unkept-history window): the sweep must have removed them
//   access       break-glass openings, staff whose transcript reads stand out from their
//                colleagues', refused accesses, exports and erasures in the period
//   models       the shipped models' fingerprints; risk recall, urgent recall and false alarms
//                on the fixed safety set (a checkout's tests/data/risk_holdout.jsonl) against
//                floors; drift of the risk levels read in people's messages, this period
//                against the one before (population stability index)
//   policy       the versions of the escalation policy, the content packs and the crisis
//                resources, and how long ago the crisis lines were reviewed
//
// Verdicts: ok, warn (look at it), fail (act now). Only metadata is read: no key file is needed
// beyond the KEK's version, and no message text, note or score is ever opened. Pseudonyms are
// shortened to 8 characters; staff appear by username.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chat/chat_service.h"
#include "core/status.h"
#include "nlp/analyzer.h"
#include "storage/audit.h"
#include "storage/key_store.h"
#include "storage/store.h"

namespace haven::cli {

struct AuditReportInput {
  storage::Store* records = nullptr;                 // below the encryption layer (metadata)
  storage::KeyStore* keys = nullptr;                 // optional: the data keys' wrapping versions
  uint32_t kek_version = 0;                          // the current KEK (0: unknown)
  std::optional<storage::UnixMillis> kek_file_time;  // the key file's last change
  std::optional<storage::AuditCheckpoint> checkpoint;
  std::string checkpoint_path;
  chat::ChatOptions chat;  // retention defaults (from --config, or the built-in ones)
  std::string data_dir;    // the shipped data: models, policy, content, crisis lines
  const nlp::Analyzer* analyzer = nullptr;  // with `holdout`: the model metrics
  std::string holdout;  // JSONL {"text", "risk_level", ...}; "" or missing: not measured
  storage::UnixMillis now = 0;
  int days = 30;  // the period
};

struct ReportCheck {
  std::string area;  // "audit log", "keys", ...
  std::string name;
  std::string verdict;  // "ok", "warn", "fail"
  std::string detail;
};

struct AuditReport {
  storage::UnixMillis now = 0;
  int days = 30;
  std::vector<ReportCheck> checks;
  std::string details_json;  // the figures behind the checks (docs/audit-report.md)
  bool failed() const;
};

StatusOr<AuditReport> BuildAuditReport(const AuditReportInput& input);
// Fills the key file's facts (KEK version, the file's age) and the audit checkpoint (`checkpoint`,
// or the one beside the key file; missing is fine, unreadable is an error) into `in`.
Status AddKeyFacts(AuditReportInput* in, const std::string& key_file, const std::string& checkpoint,
                   const std::string& data_dir);
std::string AuditReportHtml(const AuditReport& report);
std::string AuditReportJson(const AuditReport& report);

// Population stability index of two distributions of counts over the same bins (each bin's
// share smoothed by 0.5 / n so that empty bins stay finite). 0: the same; above 0.25: a shift.
double PopulationStabilityIndex(const std::vector<int64_t>& before,
                                const std::vector<int64_t>& now);

struct AuditReportArgs {
  std::string data_dir;  // Haven's data directory (haven.db, keys.db)
  std::string store, keys_store;
  std::string key_file;
  std::string checkpoint;
  std::string config;  // `haven serve --config` file, for the retention defaults
  std::string holdout;
  std::string out;  // "" or "-": stdout
  bool json = false;
  int days = 30;
};

// Exit status: 0 nothing failed, 1 a check failed, 2 the report could not be made.
int RunAuditReport(const AuditReportArgs& args, const std::string& shipped_data_dir, std::FILE* out,
                   std::FILE* err);

class AuditReportCommand {
 public:
  static std::unique_ptr<AuditReportCommand> Add(CLI::App& audit);
  bool parsed() const;
  int Run(const std::string& shipped_data_dir) const;

 private:
  CLI::App* report_ = nullptr;
  AuditReportArgs args_;
};

}  // namespace haven::cli
