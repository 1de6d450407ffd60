// Private insights (issue 7, the seed paper's §3.4 and §4): how the service is doing for the
// people it serves (engagement, retention, satisfaction, escalations and the time to a human,
// symptom change), released only through differential privacy (learn/private_stats.h).
//
// Who counts: seekers who allow analytics (chat_service.h consent::kAnalytics, default off);
// nobody else's records are read beyond that switch. Each person's contribution is clamped
// before it counts (one person is one unit of every count; their values are clamped to the
// ranges below in every sum), so that the noise scale is a true bound on what one person can
// change.
//
// One release spends at most `epsilon` (three tenths on counts, seven tenths on sums, split
// evenly), refuses a group whose noisy count is below `min_group_size`, and draws no sum whose
// count was refused. Releases themselves are rationed: each is written to the audit log
// ("insights.release", detail "epsilon <e>", charged its whole budget `epsilon`), and a release
// that would take the releases of the last `period_days` past `period_budget` is refused
// (sequential composition across releases).
// Between releases the latest one is served again, which costs nothing.
//
// What is read: metadata only (when people wrote, ratings, the audit log's queue and takeover
// entries) through the records store, and the PHQ-9, GAD-7 and mood scores through the sealed
// store (they are personal fields). No text is ever read.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "learn/private_stats.h"
#include "storage/records.h"
#include "storage/store.h"

namespace haven::chat {

struct InsightsOptions {
  std::string epsilon = "2";         // one release's budget (a decimal, learn::ParseEpsilon)
  std::string period_budget = "10";  // every release of the last period_days together
  int period_days = 30;
  int64_t min_group_size = 10;          // noisy counts below this are refused
  int weeks = 4;                        // the window: the last `weeks` weeks (1..12)
  int64_t cache_ms = 24 * 3600 * 1000;  // a release younger than this is served again
};

// OK, or InvalidArgument naming the setting.
Status ValidateInsightsOptions(const InsightsOptions& options);

// Clamps (per person) of the sums.
inline constexpr int kMaxRatingsPerPerson = 20;
inline constexpr int kMaxMinutesToHuman = 120;

// One person's raw contribution. Never leaves the process unreleased.
struct PersonOutcome {
  std::string account_id;
  int active_days = 0;                 // distinct UTC days in the window with a message of theirs
  std::vector<int> weeks;              // the window's weeks (0 = oldest) in which they wrote
  int thumbs_up = 0, thumbs_down = 0;  // their latest rating of each reply, in the window
  int escalations = 0;                 // times one of their conversations was queued for a person
  std::vector<int64_t> waits_ms;       // queued to taken over, for each escalation a person took
  std::optional<int> phq9_first, phq9_last;  // completed PHQ-9 totals in the window
  std::optional<int> gad7_first, gad7_last;
  std::optional<int> mood_first, mood_last;  // mood check-ins, 1..5
};

struct OutcomeData {
  storage::UnixMillis from = 0, to = 0;
  int weeks = 4;
  std::vector<PersonOutcome> people;  // consenting seekers with anything in the window
};

// Reads the window ending at `now` (InsightsOptions::weeks weeks). `records` is the store
// below the encryption layer (metadata; no key needed), `sealed` the one above it (the scores).
StatusOr<OutcomeData> CollectOutcomes(storage::Store& records, storage::Store& sealed,
                                      storage::UnixMillis now, int weeks);

// One released figure: the noisy value, or why it was refused ("group_too_small",
// "budget_exhausted", "count_refused" for a sum whose count was refused).
struct InsightFigure {
  std::string name;
  std::optional<int64_t> value;
  std::string refused;
  std::string epsilon;  // spent on it ("0" when not drawn)
};

struct InsightsRelease {
  storage::UnixMillis from = 0, to = 0, released_at = 0;
  int weeks = 4;
  std::vector<InsightFigure> figures;        // in a fixed order (see insights.cc)
  std::vector<InsightFigure> weekly_active;  // oldest first; empty when refused
  std::string weekly_refused;
  std::string epsilon_budget, epsilon_spent;
  int64_t min_group_size = 0;
  // Filled by Insights: the releases of the period, this one included.
  std::string period_budget, period_spent;
  int period_days = 0;
};

// Draws one release of `data` (no audit, no rationing: Insights does that).
StatusOr<InsightsRelease> ReleaseOutcomes(const OutcomeData& data, const InsightsOptions& options,
                                          storage::UnixMillis now,
                                          std::shared_ptr<learn::RandomSource> rng = nullptr);

// The release as JSON (docs/insights.md): the figures, the weekly series, ratios derived from
// the noisy figures only (post-processing: no further privacy cost), and the privacy terms.
std::string InsightsJson(const InsightsRelease& release);

// Micro-epsilon (millionths) of a decimal like "0.05"; InvalidArgument otherwise.
StatusOr<int64_t> MicroEpsilon(std::string_view decimal);
std::string EpsilonDecimal(int64_t micro);  // 50000 -> "0.05"

// The service: releases, rationed and audited, and the latest one served again.
class Insights {
 public:
  using Clock = std::function<storage::UnixMillis()>;
  // Both stores must outlive this. InvalidArgument for bad options (ValidateInsightsOptions).
  static StatusOr<std::unique_ptr<Insights>> Create(
      storage::Store& records, storage::Store& sealed, InsightsOptions options,
      Clock clock = nullptr, std::shared_ptr<learn::RandomSource> rng = nullptr);

  // The latest release as JSON, made now when there is none younger than cache_ms (or `fresh`).
  // `actor` (an account id) is who asked, for the audit log. FailedPrecondition
  // "period_budget_exhausted" when a new release would pass the period's budget.
  StatusOr<std::string> Latest(const std::string& actor, bool fresh = false);

 private:
  Insights(storage::Store& records, storage::Store& sealed, InsightsOptions options, Clock clock,
           std::shared_ptr<learn::RandomSource> rng);
  storage::Store& records_;
  storage::Store& sealed_;
  InsightsOptions options_;
  Clock clock_;
  std::shared_ptr<learn::RandomSource> rng_;
  std::mutex mu_;
  std::optional<storage::UnixMillis> latest_at_;
  std::string latest_;
};

}  // namespace haven::chat
