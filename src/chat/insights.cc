// Private insights: collecting each consenting person's contribution, releasing it through
// differential privacy, rationing releases through the audit log. See insights.h.
#include "chat/insights.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "chat/chat_service.h"
#include "storage/audit.h"

namespace haven::chat {

using storage::Txn;
using storage::UnixMillis;
using json = nlohmann::ordered_json;  // figures keep the order they were drawn in

namespace {

constexpr UnixMillis kDay = 24LL * 3600 * 1000;
constexpr UnixMillis kWeek = 7 * kDay;
constexpr int kPhq9Max = 27, kGad7Max = 21;
constexpr int kPhq9Improved = 5;  // points: a reliable change (Löwe et al., 2004)
constexpr int kGad7Improved = 4;  // points (Toussaint et al., 2020)

// The counts and sums of one release, in the order they are drawn and shown.
constexpr int kCounts = 10;  // plus one per week
constexpr int kSums = 7;

bool AllowsAnalytics(Txn& txn, const std::string& account_id) {
  auto consents = txn.ListConsents(account_id);
  if (!consents.ok()) return false;
  for (const auto& c : *consents) {
    if (c.kind == consent::kAnalytics) return c.granted;
  }
  return false;  // default off
}

// "conversation <id> ..." -> id.
std::string ConversationOfDetail(std::string_view detail) {
  constexpr std::string_view kPrefix = "conversation ";
  if (!detail.starts_with(kPrefix)) return "";
  detail.remove_prefix(kPrefix.size());
  return std::string(detail.substr(0, detail.find(' ')));
}

struct Scores {
  std::vector<std::pair<UnixMillis, int>> phq9, gad7, mood;
};

void FirstLast(std::vector<std::pair<UnixMillis, int>>& v, std::optional<int>& first,
               std::optional<int>& last) {
  if (v.size() < 2) return;  // a change needs two
  std::stable_sort(v.begin(), v.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  first = v.front().second;
  last = v.back().second;
}

}  // namespace

StatusOr<int64_t> MicroEpsilon(std::string_view decimal) {
  const auto bad = [] {
    return InvalidArgument(
        "must be a decimal above 0 and at most 10000, with six decimals at most");
  };
  const size_t point = decimal.find('.');
  const std::string_view whole_part = decimal.substr(0, point);
  const std::string_view frac_part =
      point == std::string_view::npos ? std::string_view() : decimal.substr(point + 1);
  if (whole_part.empty() || whole_part.size() > 5 || frac_part.size() > 6 ||
      (point != std::string_view::npos && frac_part.empty())) {
    return bad();
  }
  int64_t whole = 0, frac = 0;
  for (char c : whole_part) {
    if (c < '0' || c > '9') return bad();
    whole = whole * 10 + (c - '0');
  }
  for (char c : frac_part) {
    if (c < '0' || c > '9') return bad();
    frac = frac * 10 + (c - '0');
  }
  for (size_t d = frac_part.size(); d < 6; ++d) frac *= 10;
  const int64_t micro = whole * 1'000'000 + frac;
  if (micro <= 0 || micro > 10'000'000'000) return bad();
  return micro;
}

std::string EpsilonDecimal(int64_t micro) {
  std::string s = std::to_string(micro / 1'000'000);
  int64_t frac = micro % 1'000'000;
  if (frac == 0) return s;
  std::string f = std::to_string(frac);
  f.insert(0, 6 - f.size(), '0');
  while (!f.empty() && f.back() == '0') f.pop_back();
  return s + "." + f;
}

Status ValidateInsightsOptions(const InsightsOptions& o) {
  // One release's epsilon is what learn::PrivateRelease takes (at most 100).
  if (auto r = learn::ParseEpsilon(o.epsilon); !r.ok()) {
    return InvalidArgument("insights.epsilon: " + r.status().message());
  }
  auto e = MicroEpsilon(o.epsilon);
  if (!e.ok()) return InvalidArgument("insights.epsilon: " + e.status().message());
  auto p = MicroEpsilon(o.period_budget);
  if (!p.ok()) return InvalidArgument("insights.period_budget: " + p.status().message());
  if (*p < *e) return InvalidArgument("insights.period_budget is below insights.epsilon");
  if (o.weeks < 1 || o.weeks > 12) return InvalidArgument("insights.weeks must be 1 to 12");
  // Every figure must get a share of at least one millionth.
  if (*e * 3 / 10 / (kCounts + o.weeks) < 1 || *e * 7 / 10 / kSums < 1) {
    return InvalidArgument("insights.epsilon is too small to share among the figures");
  }
  if (o.period_days < 1 || o.period_days > 366) {
    return InvalidArgument("insights.period_days must be 1 to 366");
  }
  if (o.min_group_size < 1) return InvalidArgument("insights.min_group_size must be at least 1");
  if (o.cache_ms < 0) return InvalidArgument("insights cache must not be negative");
  return Status::Ok();
}

StatusOr<OutcomeData> CollectOutcomes(storage::Store& records, storage::Store& sealed,
                                      UnixMillis now, int weeks) {
  OutcomeData data;
  data.weeks = weeks;
  data.to = now;
  data.from = now - weeks * kWeek;
  const auto in_window = [&](UnixMillis t) { return t >= data.from && t < data.to; };
  std::map<std::string, PersonOutcome> people;  // consenting seekers
  Status st = records.Transact([&](Txn& txn) -> Status {
    auto ids = txn.ListAccountIds();
    if (!ids.ok()) return ids.status();
    for (const std::string& id : *ids) {
      auto account = txn.GetAccount(id);
      if (!account.ok() || account->kind != storage::AccountKind::kSeeker) continue;
      if (!AllowsAnalytics(txn, id)) continue;
      PersonOutcome& p = people[id];
      p.account_id = id;
      storage::ConversationQuery q;
      q.owner_id = id;
      q.limit = 100000;
      auto convs = txn.ListConversations(q);
      if (!convs.ok()) return convs.status();
      std::set<int64_t> days;
      std::set<int> weeks_seen;
      for (const auto& conv : *convs) {
        int64_t after = 0;
        while (true) {
          auto page = txn.ListMessages(conv.id, after, 500);
          if (!page.ok()) return page.status();
          for (const auto& m : *page) {
            after = m.seq;
            if (m.role != storage::MessageRole::kUser || !in_window(m.created_at)) continue;
            days.insert(m.created_at / kDay);
            weeks_seen.insert(
                std::min<int>(weeks - 1, static_cast<int>((m.created_at - data.from) / kWeek)));
          }
          if (page->size() < 500) break;
        }
        auto feedback = txn.ListFeedback(conv.id);
        if (!feedback.ok()) return feedback.status();
        std::map<int64_t, std::pair<UnixMillis, int>> latest;  // seq -> (time, rating)
        for (const auto& f : *feedback) {
          if (f.kind != "rating" || !in_window(f.created_at)) continue;
          auto [it, fresh] = latest.try_emplace(f.message_seq, f.created_at, f.rating);
          if (!fresh && f.created_at >= it->second.first) it->second = {f.created_at, f.rating};
        }
        for (const auto& [seq, r] : latest) (r.second > 0 ? p.thumbs_up : p.thumbs_down)++;
      }
      p.active_days = static_cast<int>(days.size());
      p.weeks.assign(weeks_seen.begin(), weeks_seen.end());
    }
    // Escalations and the time to a human, from the audit log: a queue entry, then the
    // conversation's next takeover.
    std::map<std::string, std::pair<UnixMillis, std::string>>
        waiting;  // conversation -> (since, who)
    int64_t after = 0;
    while (true) {
      auto page = txn.ListAuditRecords(after, 1000);
      if (!page.ok()) return page.status();
      for (const auto& r : *page) {
        after = r.seq;
        if (r.action == storage::audit_action::kQueue) {
          auto it = people.find(r.subject);
          if (it == people.end() || !in_window(r.time)) continue;
          it->second.escalations++;
          waiting[ConversationOfDetail(r.detail)] = {r.time, r.subject};
        } else if (r.action == storage::audit_action::kTakeover &&
                   r.outcome == storage::audit_outcome::kOk) {
          auto w = waiting.find(ConversationOfDetail(r.detail));
          if (w == waiting.end()) continue;
          people[w->second.second].waits_ms.push_back(r.time - w->second.first);
          waiting.erase(w);
        }
      }
      if (page->size() < 1000) break;
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  // The scores are personal fields: read through the sealed store.
  st = sealed.Transact([&](Txn& txn) -> Status {
    for (auto& [id, p] : people) {
      auto rows = txn.ListScreenings(id);
      if (!rows.ok()) return rows.status();
      Scores s;
      for (const auto& row : *rows) {
        if (!in_window(row.created_at)) continue;
        auto c = CheckInFromRow(row);
        if (!c || !c->completed || !c->score) continue;
        if (c->instrument == instrument::kPhq9) s.phq9.emplace_back(c->time, *c->score);
        if (c->instrument == instrument::kGad7) s.gad7.emplace_back(c->time, *c->score);
        if (c->instrument == instrument::kMood) s.mood.emplace_back(c->time, *c->score);
      }
      FirstLast(s.phq9, p.phq9_first, p.phq9_last);
      FirstLast(s.gad7, p.gad7_first, p.gad7_last);
      FirstLast(s.mood, p.mood_first, p.mood_last);
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  for (auto& [id, p] : people) {
    const bool any = p.active_days > 0 || p.thumbs_up + p.thumbs_down > 0 || p.escalations > 0 ||
                     p.phq9_first || p.gad7_first || p.mood_first;
    if (any) data.people.push_back(std::move(p));
  }
  return data;
}

StatusOr<InsightsRelease> ReleaseOutcomes(const OutcomeData& data, const InsightsOptions& options,
                                          UnixMillis now,
                                          std::shared_ptr<learn::RandomSource> rng) {
  if (Status v = ValidateInsightsOptions(options); !v.ok()) return v;
  const int64_t budget = *MicroEpsilon(options.epsilon);
  const std::string count_eps = EpsilonDecimal(budget * 3 / 10 / (kCounts + data.weeks));
  const std::string sum_eps = EpsilonDecimal(budget * 7 / 10 / kSums);
  learn::ReleaseOptions ro;
  ro.epsilon_budget = options.epsilon;
  ro.min_group_size = options.min_group_size;
  auto created = learn::PrivateRelease::Create(ro, std::move(rng));
  if (!created.ok()) return created.status();
  learn::PrivateRelease& dp = *created;

  InsightsRelease out;
  out.from = data.from;
  out.to = data.to;
  out.weeks = data.weeks;
  out.released_at = now;
  out.min_group_size = options.min_group_size;
  out.epsilon_budget = options.epsilon;

  using Ids = std::vector<std::string>;
  using Values = std::map<std::string, int64_t>;
  // "group_too_small: people" -> "group_too_small" (the figure is named already).
  const auto refusal = [](const Status& s) -> StatusOr<std::string> {
    if (s.code() != StatusCode::kFailedPrecondition) return s;
    return s.message().substr(0, s.message().find(':'));
  };
  const auto count = [&](const char* name, const Ids& ids) -> StatusOr<InsightFigure> {
    InsightFigure f;
    f.name = name;
    f.epsilon = count_eps;
    auto r = dp.Count(name, ids, count_eps);
    if (r.ok()) {
      f.value = r->value;
    } else {
      auto why = refusal(r.status());
      if (!why.ok()) return why.status();
      f.refused = *why;
    }
    return f;
  };
  const auto sum = [&](const char* name, const Values& values, int64_t lo, int64_t hi,
                       const InsightFigure& paired) -> StatusOr<InsightFigure> {
    InsightFigure f;
    f.name = name;
    if (!paired.value) {  // nothing to divide it by: not drawn, nothing spent
      f.refused = "count_refused";
      f.epsilon = "0";
      return f;
    }
    f.epsilon = sum_eps;
    auto r = dp.Sum(name, values, lo, hi, sum_eps);
    if (r.ok()) {
      f.value = r->value;
    } else {
      auto why = refusal(r.status());
      if (!why.ok()) return why.status();
      f.refused = *why;
    }
    return f;
  };

  Ids active, returning, rated, escalated, reached, phq9, phq9_better, gad7, gad7_better, mood;
  Values days, ups, downs, minutes, phq9_change, gad7_change, mood_change;
  std::map<std::string, Ids> weekly;
  const auto week_name = [](int w) {
    return std::string(w < 9 ? "w0" : "w") + std::to_string(w + 1);
  };
  for (int w = 0; w < data.weeks; ++w) weekly[week_name(w)];
  for (const PersonOutcome& p : data.people) {
    const std::string& id = p.account_id;
    if (p.active_days > 0) {
      active.push_back(id);
      days[id] = p.active_days;
      if (p.active_days >= 2) returning.push_back(id);
    }
    for (int w : p.weeks) weekly[week_name(w)].push_back(id);
    if (p.thumbs_up + p.thumbs_down > 0) {
      rated.push_back(id);
      ups[id] = p.thumbs_up;
      downs[id] = p.thumbs_down;
    }
    if (p.escalations > 0) escalated.push_back(id);
    if (!p.waits_ms.empty()) {
      reached.push_back(id);
      int64_t total = 0;
      for (int64_t w : p.waits_ms) total += std::max<int64_t>(0, w);
      minutes[id] = (total / static_cast<int64_t>(p.waits_ms.size()) + 30'000) / 60'000;
    }
    if (p.phq9_first && p.phq9_last) {
      phq9.push_back(id);
      phq9_change[id] = *p.phq9_last - *p.phq9_first;
      if (phq9_change[id] <= -kPhq9Improved) phq9_better.push_back(id);
    }
    if (p.gad7_first && p.gad7_last) {
      gad7.push_back(id);
      gad7_change[id] = *p.gad7_last - *p.gad7_first;
      if (gad7_change[id] <= -kGad7Improved) gad7_better.push_back(id);
    }
    if (p.mood_first && p.mood_last) {
      mood.push_back(id);
      mood_change[id] = *p.mood_last - *p.mood_first;
    }
  }

  std::vector<InsightFigure>& f = out.figures;
  const auto add = [&](StatusOr<InsightFigure> fig) -> Status {
    if (!fig.ok()) return fig.status();
    f.push_back(std::move(fig).value());
    return Status::Ok();
  };
  const auto last = [&]() -> const InsightFigure& { return f.back(); };
  Status s;
  if (!(s = add(count("people", active))).ok()) return s;
  const InsightFigure people_fig = last();
  if (!(s = add(count("returning", returning))).ok()) return s;
  if (!(s = add(sum("active_days", days, 0, 7 * data.weeks, people_fig))).ok()) return s;
  if (!(s = add(count("rated", rated))).ok()) return s;
  const InsightFigure rated_fig = last();
  if (!(s = add(sum("thumbs_up", ups, 0, kMaxRatingsPerPerson, rated_fig))).ok()) return s;
  if (!(s = add(sum("thumbs_down", downs, 0, kMaxRatingsPerPerson, rated_fig))).ok()) return s;
  if (!(s = add(count("escalated", escalated))).ok()) return s;
  if (!(s = add(count("reached_human", reached))).ok()) return s;
  const InsightFigure reached_fig = last();
  if (!(s = add(sum("minutes_to_human", minutes, 0, kMaxMinutesToHuman, reached_fig))).ok()) {
    return s;
  }
  if (!(s = add(count("phq9_pairs", phq9))).ok()) return s;
  const InsightFigure phq9_fig = last();
  if (!(s = add(count("phq9_improved", phq9_better))).ok()) return s;
  if (!(s = add(sum("phq9_change", phq9_change, -kPhq9Max, kPhq9Max, phq9_fig))).ok()) return s;
  if (!(s = add(count("gad7_pairs", gad7))).ok()) return s;
  const InsightFigure gad7_fig = last();
  if (!(s = add(count("gad7_improved", gad7_better))).ok()) return s;
  if (!(s = add(sum("gad7_change", gad7_change, -kGad7Max, kGad7Max, gad7_fig))).ok()) return s;
  if (!(s = add(count("mood_pairs", mood))).ok()) return s;
  const InsightFigure mood_fig = last();
  if (!(s = add(sum("mood_change", mood_change, -4, 4, mood_fig))).ok()) return s;

  auto weeks = dp.CountGroups(weekly, count_eps);
  if (weeks.ok()) {
    for (const auto& n : *weeks) {
      InsightFigure w;
      w.name = n.name;
      w.value = n.value;
      w.epsilon = count_eps;
      out.weekly_active.push_back(std::move(w));
    }
  } else {
    if (weeks.status().code() != StatusCode::kFailedPrecondition) return weeks.status();
    // "group_too_small: w03" names the week that was too small.
    out.weekly_refused = weeks.status().message();
  }
  out.epsilon_spent = dp.spent();
  return out;
}

std::string InsightsJson(const InsightsRelease& r) {
  json figures = json::object();
  std::map<std::string, std::optional<int64_t>> v;
  for (const InsightFigure& f : r.figures) {
    json j = {{"epsilon", f.epsilon}};
    if (f.value) j["value"] = *f.value;
    if (!f.refused.empty()) j["refused"] = f.refused;
    figures[f.name] = std::move(j);
    v[f.name] = f.value;
  }
  // Ratios of noisy figures (post-processing), clamped to what they can be; absent when a
  // part was refused or the denominator is not positive.
  json derived = json::object();
  const auto ratio = [&](const char* name, const char* num, const char* den, double lo, double hi) {
    const auto& n = v[num];
    const auto& d = v[den];
    if (!n || !d || *d <= 0) return;
    double x = std::clamp(static_cast<double>(*n) / static_cast<double>(*d), lo, hi);
    derived[name] = std::round(x * 100) / 100;
  };
  ratio("mean_active_days", "active_days", "people", 0, 7.0 * r.weeks);
  ratio("returning_share", "returning", "people", 0, 1);
  ratio("escalated_share", "escalated", "people", 0, 1);
  ratio("mean_minutes_to_human", "minutes_to_human", "reached_human", 0, kMaxMinutesToHuman);
  ratio("phq9_mean_change", "phq9_change", "phq9_pairs", -kPhq9Max, kPhq9Max);
  ratio("phq9_improved_share", "phq9_improved", "phq9_pairs", 0, 1);
  ratio("gad7_mean_change", "gad7_change", "gad7_pairs", -kGad7Max, kGad7Max);
  ratio("gad7_improved_share", "gad7_improved", "gad7_pairs", 0, 1);
  ratio("mood_mean_change", "mood_change", "mood_pairs", -4, 4);
  if (v["thumbs_up"] && v["thumbs_down"]) {
    const int64_t up = std::max<int64_t>(0, *v["thumbs_up"]);
    const int64_t down = std::max<int64_t>(0, *v["thumbs_down"]);
    if (up + down > 0) {
      derived["satisfaction"] =
          std::round(static_cast<double>(up) / static_cast<double>(up + down) * 100) / 100;
    }
  }
  json weekly = json::object();
  if (r.weekly_refused.empty()) {
    json weeks = json::array();
    for (size_t i = 0; i < r.weekly_active.size(); ++i) {
      weeks.push_back({{"from", r.from + static_cast<int64_t>(i) * kWeek},
                       {"value", *r.weekly_active[i].value}});
    }
    weekly["weeks"] = std::move(weeks);
    weekly["epsilon"] = r.weekly_active.empty() ? "0" : r.weekly_active.front().epsilon;
  } else {
    weekly["refused"] = r.weekly_refused;
  }
  json out = {
      {"window", {{"from", r.from}, {"to", r.to}, {"weeks", r.weeks}}},
      {"released_at", r.released_at},
      {"privacy",
       {{"mechanism", "discrete Laplace, sampled exactly (Canonne, Kamath and Steinke 2020)"},
        {"epsilon_budget", r.epsilon_budget},
        {"epsilon_spent", r.epsilon_spent},
        {"min_group_size", r.min_group_size},
        {"period_budget", r.period_budget},
        {"period_spent", r.period_spent},
        {"period_days", r.period_days},
        {"counted", "people who allow analytics"}}},
      {"figures", std::move(figures)},
      {"weekly_active", std::move(weekly)},
      {"derived", std::move(derived)},
  };
  return out.dump();
}

StatusOr<std::unique_ptr<Insights>> Insights::Create(storage::Store& records,
                                                     storage::Store& sealed,
                                                     InsightsOptions options, Clock clock,
                                                     std::shared_ptr<learn::RandomSource> rng) {
  if (Status v = ValidateInsightsOptions(options); !v.ok()) return v;
  return std::unique_ptr<Insights>(
      new Insights(records, sealed, std::move(options), std::move(clock), std::move(rng)));
}

Insights::Insights(storage::Store& records, storage::Store& sealed, InsightsOptions options,
                   Clock clock, std::shared_ptr<learn::RandomSource> rng)
    : records_(records),
      sealed_(sealed),
      options_(std::move(options)),
      clock_(clock ? std::move(clock) : [] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
      }),
      rng_(std::move(rng)) {}

StatusOr<std::string> Insights::Latest(const std::string& actor, bool fresh) {
  std::lock_guard<std::mutex> lock(mu_);
  const UnixMillis now = clock_();
  if (!fresh && latest_at_ && now - *latest_at_ < options_.cache_ms) return latest_;
  auto data = CollectOutcomes(records_, sealed_, now, options_.weeks);
  if (!data.ok()) return data.status();
  auto release = ReleaseOutcomes(*data, options_, now, rng_);
  if (!release.ok()) return release.status();
  // A release is charged its whole budget, whatever its refusals left unspent: the ration is
  // then the same for every release, and never less than what was spent.
  const int64_t spent = *MicroEpsilon(options_.epsilon);
  const int64_t period = *MicroEpsilon(options_.period_budget);
  int64_t before = 0;
  // The ration and the audit entry in one transaction: two instances cannot both pass it.
  Status st = sealed_.Transact([&](Txn& txn) -> Status {
    before = 0;
    int64_t after = 0;
    while (true) {
      auto page = txn.ListAuditRecords(after, 1000);
      if (!page.ok()) return page.status();
      for (const auto& r : *page) {
        after = r.seq;
        if (r.action != storage::audit_action::kInsightsRelease ||
            r.time < now - options_.period_days * kDay) {
          continue;
        }
        std::string_view d = r.detail;
        if (d.starts_with("epsilon ")) {
          auto e = MicroEpsilon(d.substr(8));
          if (e.ok()) before += *e;
        }
      }
      if (page->size() < 1000) break;
    }
    if (before + spent > period) return FailedPrecondition("period_budget_exhausted");
    storage::AuditEvent e;
    e.time = now;
    e.actor = actor;
    e.action = storage::audit_action::kInsightsRelease;
    e.outcome = storage::audit_outcome::kOk;
    e.detail = "epsilon " + EpsilonDecimal(spent);
    auto a = storage::AppendAudit(txn, e);
    return a.ok() ? Status::Ok() : a.status();
  });
  if (!st.ok()) return st;
  release->period_budget = options_.period_budget;
  release->period_spent = EpsilonDecimal(before + spent);
  release->period_days = options_.period_days;
  latest_ = InsightsJson(*release);
  latest_at_ = now;
  return latest_;
}

}  // namespace haven::chat
