// `haven audit report`: gathering the checks (audit_report.h), and the HTML and JSON pages.
#include "cli/audit_report.h"

#include <sodium.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/serve_config.h"
#include "cli/store_options.h"
#include "core/risk_level.h"
#include "learn/fairness.h"
#include "storage/crypto/key_file.h"

namespace haven::cli {

using json = nlohmann::ordered_json;
using storage::UnixMillis;

namespace {

namespace fs = std::filesystem;
constexpr UnixMillis kDay = 24LL * 3600 * 1000;
constexpr UnixMillis kRetentionGrace = 2 * 3600 * 1000;  // the sweep runs hourly
constexpr int kKekMaxAgeDays = 365;
constexpr double kMinRecall = 0.90, kMinUrgentRecall = 0.90, kMaxFalseAlarms = 0.15;
constexpr double kDriftPsi = 0.25;
constexpr int64_t kDriftMinMessages = 100;
constexpr int64_t kReadsFloor = 50;  // transcript reads in a period below which nobody stands out
constexpr int64_t kDeniedFlag = 10;
constexpr int kCrisisReviewMonths = 12;

std::string Short(const std::string& pseudonym) { return pseudonym.substr(0, 8); }

std::string Date(UnixMillis ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

std::string Fixed(double v, int digits = 2) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string Sha256Prefix(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(buf),
                              static_cast<unsigned long long>(in.gcount()));
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, digest);
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, 16);
}

std::string Escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

class Checks {
 public:
  void Add(std::string area, std::string name, std::string verdict, std::string detail) {
    list.push_back({std::move(area), std::move(name), std::move(verdict), std::move(detail)});
  }
  std::vector<ReportCheck> list;
};

// The risk levels read in people's messages, per period: counts over none..imminent.
struct Drift {
  std::vector<int64_t> before = std::vector<int64_t>(5, 0);
  std::vector<int64_t> now = std::vector<int64_t>(5, 0);
};

}  // namespace

bool AuditReport::failed() const {
  return std::any_of(checks.begin(), checks.end(),
                     [](const ReportCheck& c) { return c.verdict == "fail"; });
}

double PopulationStabilityIndex(const std::vector<int64_t>& before,
                                const std::vector<int64_t>& now) {
  int64_t nb = 0, nn = 0;
  for (int64_t v : before) nb += v;
  for (int64_t v : now) nn += v;
  if (nb == 0 || nn == 0 || before.size() != now.size()) return 0;
  double psi = 0;
  for (size_t i = 0; i < before.size(); ++i) {
    const double b =
        (static_cast<double>(before[i]) + 0.5) / (static_cast<double>(nb) + 0.5 * before.size());
    const double n =
        (static_cast<double>(now[i]) + 0.5) / (static_cast<double>(nn) + 0.5 * now.size());
    psi += (n - b) * std::log(n / b);
  }
  return psi;
}

StatusOr<AuditReport> BuildAuditReport(const AuditReportInput& in) {
  if (in.records == nullptr) return InvalidArgument("no records store");
  AuditReport report;
  report.now = in.now;
  report.days = in.days;
  Checks checks;
  json details = json::object();
  const UnixMillis from = in.now - in.days * kDay;
  const UnixMillis before_from = from - in.days * kDay;

  // ---- The audit log: the chain, then one pass for what the other checks need.
  auto verdict = storage::VerifyAudit(*in.records, in.checkpoint);
  if (!verdict.ok()) return verdict.status();
  {
    json a = {{"intact", verdict->intact},
              {"entries", verdict->checked.count},
              {"checkpoint", in.checkpoint ? json(in.checkpoint->count) : json(nullptr)}};
    if (!verdict->intact) {
      a["problem"] = verdict->problem;
      checks.Add("audit log", "hash chain", "fail", "TAMPERED: " + verdict->problem);
    } else if (!in.checkpoint) {
      checks.Add("audit log", "hash chain", "warn",
                 std::to_string(verdict->checked.count) +
                     " entries intact, but no checkpoint: a removed tail cannot be detected "
                     "(haven audit verify --update-checkpoint)");
    } else {
      checks.Add("audit log", "hash chain", "ok",
                 std::to_string(verdict->checked.count) + " entries intact; the checkpoint (" +
                     std::to_string(in.checkpoint->count) + " entries) matches");
    }
    details["audit_log"] = std::move(a);
  }

  std::optional<UnixMillis> last_rotation;
  std::map<std::string, int64_t> reads, denied, actions;
  std::vector<json> break_glass;
  std::map<std::string, std::string> staff_names;  // account id -> username
  Drift drift;
  int64_t overdue_messages = 0, overdue_people = 0, seekers = 0, overdue_checkins = 0;
  Status st = in.records->Transact([&](storage::Txn& txn) -> Status {
    int64_t after = 0;
    while (true) {
      auto page = txn.ListAuditRecords(after, 1000);
      if (!page.ok()) return page.status();
      for (const auto& r : *page) {
        after = r.seq;
        if (r.action == storage::audit_action::kKeyRotation && r.outcome == "ok") {
          last_rotation = r.time;
        }
        if (r.time < from || r.time > in.now) continue;
        actions[r.action]++;
        if (r.action == storage::audit_action::kTranscriptRead) reads[r.actor]++;
        if (r.outcome == storage::audit_outcome::kDenied) denied[r.actor]++;
        if (r.action == storage::audit_action::kBreakGlass) {
          break_glass.push_back({{"time", r.time},
                                 {"actor", r.actor},
                                 {"subject", Short(r.subject)},
                                 {"outcome", r.outcome}});
        }
      }
      if (page->size() < 1000) break;
    }
    auto ids = txn.ListAccountIds();
    if (!ids.ok()) return ids.status();
    for (const std::string& id : *ids) {
      auto account = txn.GetAccount(id);
      if (!account.ok()) continue;
      if (account->kind == storage::AccountKind::kStaff) {
        staff_names[id] = account->username;
        continue;
      }
      ++seekers;
      auto cutoff = chat::RetentionCutoff(txn, id, in.chat, in.now);
      if (!cutoff.ok()) return cutoff.status();
      storage::ConversationQuery q;
      q.owner_id = id;
      q.limit = 100000;
      auto convs = txn.ListConversations(q);
      if (!convs.ok()) return convs.status();
      int64_t overdue = 0;
      for (const auto& conv : *convs) {
        int64_t seq = 0;
        while (true) {
          auto msgs = txn.ListMessages(conv.id, seq, 500);
          if (!msgs.ok()) return msgs.status();
          for (const auto& m : *msgs) {
            seq = m.seq;
            if (cutoff->has_value() && m.created_at < **cutoff - kRetentionGrace) ++overdue;
            if (m.role != storage::MessageRole::kUser || !m.risk_level) continue;
            const int level = static_cast<int>(*m.risk_level);
            if (level < 0 || level > 4) continue;
            if (m.created_at >= from && m.created_at <= in.now) drift.now[level]++;
            if (m.created_at >= before_from && m.created_at < from) drift.before[level]++;
          }
          if (msgs->size() < 500) break;
        }
      }
      if (overdue > 0) {
        overdue_messages += overdue;
        ++overdue_people;
      }
      // Check-ins (mood, PHQ-9, GAD-7) expire with the same cutoff (chat/privacy.cc).
      if (cutoff->has_value()) {
        auto checkins = txn.ListScreenings(id);
        if (!checkins.ok()) return checkins.status();
        for (const auto& c : *checkins) {
          if (c.created_at < **cutoff - kRetentionGrace) ++overdue_checkins;
        }
      }
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  const auto who = [&](const std::string& id) {
    auto it = staff_names.find(id);
    return it != staff_names.end() ? it->second : (id == "system" ? id : Short(id));
  };

  // ---- Keys.
  {
    json k = json::object();
    k["kek_version"] = in.kek_version;
    const std::optional<UnixMillis> since = last_rotation ? last_rotation : in.kek_file_time;
    if (since) {
      const int64_t age = (in.now - *since) / kDay;
      k["kek_age_days"] = age;
      k["last_rotation"] = last_rotation ? json(Date(*last_rotation)) : json(nullptr);
      const std::string what = (last_rotation ? "last rotated " : "key file written ") +
                               std::to_string(age) + " days ago";
      checks.Add(
          "keys", "key-encryption key age", age > kKekMaxAgeDays ? "warn" : "ok",
          age > kKekMaxAgeDays ? what + ": rotate it (haven keys rotate), yearly at least" : what);
    } else {
      checks.Add("keys", "key-encryption key age", "warn",
                 "unknown: never rotated and the key file's time could not be read");
    }
    if (in.keys != nullptr) {
      auto counts = in.keys->CountByKekVersion();
      if (!counts.ok()) return counts.status();
      int64_t total = 0, stale = 0;
      json versions = json::object();
      for (const auto& [version, n] : *counts) {
        versions[std::to_string(version)] = n;
        total += n;
        if (version != in.kek_version) stale += n;
      }
      k["data_keys_by_kek_version"] = std::move(versions);
      if (in.kek_version == 0) {
        checks.Add("keys", "data keys", "warn",
                   std::to_string(total) + " data keys; the current KEK version is unknown");
      } else {
        checks.Add("keys", "data keys", stale > 0 ? "warn" : "ok",
                   stale > 0 ? std::to_string(stale) + " of " + std::to_string(total) +
                                   " data keys still under an older KEK: finish haven keys rotate"
                             : std::to_string(total) + " data keys, all under KEK version " +
                                   std::to_string(in.kek_version));
      }
    }
    details["keys"] = std::move(k);
  }

  // ---- Retention.
  details["retention"] = {{"seekers", seekers},
                          {"people_overdue", overdue_people},
                          {"messages_overdue", overdue_messages},
                          {"checkins_overdue", overdue_checkins},
                          {"default_days", in.chat.default_retention_days}};
  checks.Add("retention", "messages past their retention", overdue_messages > 0 ? "fail" : "ok",
             overdue_messages > 0
                 ? std::to_string(overdue_messages) + " messages of " +
                       std::to_string(overdue_people) +
                       " people are older than their retention allows: is the sweep running?"
                 : "none, across " + std::to_string(seekers) + " people");
  checks.Add("retention", "check-ins past their retention", overdue_checkins > 0 ? "fail" : "ok",
             overdue_checkins > 0
                 ? std::to_string(overdue_checkins) +
                       " check-ins (mood, PHQ-9, GAD-7) are older than their owner's retention "
                       "allows: is the sweep running?"
                 : "none");

  // ---- Access.
  {
    std::vector<int64_t> counts;
    for (const auto& [actor, n] : reads) counts.push_back(n);
    std::sort(counts.begin(), counts.end());
    const int64_t median = counts.empty() ? 0 : counts[counts.size() / 2];
    const int64_t bar = std::max<int64_t>(kReadsFloor, 3 * median);
    json readers = json::array();
    std::vector<std::string> flagged;
    for (const auto& [actor, n] : reads) {
      const bool odd = n > bar;
      readers.push_back({{"staff", who(actor)}, {"reads", n}, {"unusual", odd}});
      if (odd) flagged.push_back(who(actor) + " (" + std::to_string(n) + ")");
    }
    for (auto& b : break_glass) b["actor"] = who(b["actor"].get<std::string>());
    json denials = json::array();
    std::vector<std::string> many_denied;
    for (const auto& [actor, n] : denied) {
      denials.push_back({{"actor", who(actor)}, {"denied", n}});
      if (n >= kDeniedFlag) many_denied.push_back(who(actor) + " (" + std::to_string(n) + ")");
    }
    std::string joined;
    for (const auto& f : flagged) joined += (joined.empty() ? "" : ", ") + f;
    checks.Add("access", "break-glass", break_glass.empty() ? "ok" : "warn",
               break_glass.empty()
                   ? "none in the period"
                   : std::to_string(break_glass.size()) + " in the period: review each reason");
    checks.Add("access", "unusual transcript reads", flagged.empty() ? "ok" : "warn",
               flagged.empty()
                   ? std::to_string(reads.size()) + " staff read transcripts; nobody above " +
                         std::to_string(bar) + " reads"
                   : "above " + std::to_string(bar) + " reads (3 x the median): " + joined);
    std::string denied_list;
    for (const auto& f : many_denied) denied_list += (denied_list.empty() ? "" : ", ") + f;
    checks.Add("access", "refused accesses", many_denied.empty() ? "ok" : "warn",
               many_denied.empty()
                   ? std::to_string(actions.count(storage::audit_action::kAccessDenied)
                                        ? actions.at(storage::audit_action::kAccessDenied)
                                        : 0) +
                         " refused in the period"
                   : std::to_string(kDeniedFlag) + " or more refusals: " + denied_list);
    json acts = json::object();
    for (const auto& [a, n] : actions) acts[a] = n;
    details["access"] = {{"actions", std::move(acts)},
                         {"transcript_readers", std::move(readers)},
                         {"break_glass", break_glass},
                         {"denied", std::move(denials)},
                         {"reads_flag_above", bar}};
  }

  // ---- Models: fingerprints, metrics on the fixed safety set, drift.
  {
    json m = json::object();
    json files = json::array();
    const fs::path models = fs::path(in.data_dir) / "models";
    std::error_code ec;
    std::vector<fs::path> paths;
    for (const auto& e : fs::directory_iterator(models, ec)) {
      const std::string ext = e.path().extension().string();
      if (ext == ".ftz" || ext == ".thresholds") paths.push_back(e.path());
    }
    std::sort(paths.begin(), paths.end());
    for (const auto& p : paths) {
      files.push_back({{"file", p.filename().string()},
                       {"bytes", static_cast<int64_t>(fs::file_size(p, ec))},
                       {"sha256", Sha256Prefix(p.string())}});
    }
    m["files"] = std::move(files);
    if (in.analyzer != nullptr && !in.holdout.empty() && fs::exists(in.holdout)) {
      std::ifstream f(in.holdout);
      std::vector<learn::FairnessCase> cases;
      std::string line;
      while (std::getline(f, line)) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (!j.is_object() || !j.contains("text") || !j.contains("level")) continue;
        if (!j["text"].is_string() || !j["level"].is_string()) continue;
        auto gold = ParseRiskLevel(j["level"].get<std::string>());
        if (!gold) continue;
        learn::FairnessCase c;
        c.gold = *gold;
        c.read = in.analyzer->Analyze(j["text"].get<std::string>()).risk.level;
        cases.push_back(c);
      }
      const learn::VarietyFigures o = learn::AuditFairness(cases).overall;
      m["safety_set"] = {{"file", fs::path(in.holdout).filename().string()},
                         {"cases", o.cases},
                         {"at_risk_recall", o.recall},
                         {"urgent_recall", o.urgent_recall},
                         {"false_alarm_rate", o.false_alarm_rate}};
      const bool low = o.recall < kMinRecall || o.urgent_recall < kMinUrgentRecall;
      checks.Add("models", "risk reading on the fixed safety set",
                 low ? "fail" : (o.false_alarm_rate > kMaxFalseAlarms ? "warn" : "ok"),
                 "at-risk recall " + Fixed(o.recall) + ", urgent recall " + Fixed(o.urgent_recall) +
                     ", false alarms " + Fixed(o.false_alarm_rate) + " on " +
                     std::to_string(o.cases) + " messages (floors " + Fixed(kMinRecall) + " / " +
                     Fixed(kMinUrgentRecall) + ", false alarms at most " + Fixed(kMaxFalseAlarms) +
                     ")");
    } else {
      checks.Add("models", "risk reading on the fixed safety set", "warn",
                 "not measured: no safety set (--holdout, default tests/data/risk_holdout.jsonl "
                 "of a checkout)");
    }
    int64_t nb = 0, nn = 0;
    for (int64_t v : drift.before) nb += v;
    for (int64_t v : drift.now) nn += v;
    const double psi = PopulationStabilityIndex(drift.before, drift.now);
    const auto share = [](const std::vector<int64_t>& v, int64_t n) {
      return n == 0 ? 0.0 : static_cast<double>(v[2] + v[3] + v[4]) / static_cast<double>(n);
    };
    m["drift"] = {{"levels", {"none", "low", "moderate", "high", "imminent"}},
                  {"before", drift.before},
                  {"now", drift.now},
                  {"psi", psi},
                  {"moderate_or_above_before", share(drift.before, nb)},
                  {"moderate_or_above_now", share(drift.now, nn)}};
    if (nb < kDriftMinMessages || nn < kDriftMinMessages) {
      checks.Add("models", "drift of the risk levels read", "ok",
                 "too few messages to judge (" + std::to_string(nb) + " before, " +
                     std::to_string(nn) + " now; " + std::to_string(kDriftMinMessages) +
                     " each needed)");
    } else {
      checks.Add("models", "drift of the risk levels read", psi > kDriftPsi ? "warn" : "ok",
                 "population stability index " + Fixed(psi, 3) + "; moderate or above " +
                     Fixed(share(drift.before, nb) * 100, 1) + "% before, " +
                     Fixed(share(drift.now, nn) * 100, 1) + "% now" +
                     (psi > kDriftPsi ? ": the messages or the reader have changed; check the "
                                        "model against recent conversations"
                                      : ""));
    }
    details["models"] = std::move(m);
  }

  // ---- Policy and content versions.
  {
    json p = json::object();
    const fs::path data(in.data_dir);
    try {
      YAML::Node policy = YAML::LoadFile((data / "policy" / "escalation.yaml").string());
      p["escalation_policy"] = policy["version"] ? policy["version"].as<std::string>() : "?";
    } catch (const YAML::Exception&) {
      p["escalation_policy"] = nullptr;
    }
    std::map<std::string, json> sorted;  // by path
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(data / "content", ec)) {
      if (e.path().extension() != ".yaml") continue;
      const std::string name = fs::relative(e.path(), data / "content").string();
      try {
        YAML::Node pack = YAML::LoadFile(e.path().string());
        sorted[name] = pack["version"] ? pack["version"].as<std::string>() : "?";
      } catch (const YAML::Exception&) {
        sorted[name] = nullptr;
      }
    }
    json packs = json::object();
    for (auto& [name, v] : sorted) packs[name] = std::move(v);
    p["content_packs"] = std::move(packs);
    std::ifstream crisis(data / "crisis" / "resources.json");
    auto c = nlohmann::json::parse(crisis, nullptr, false);
    std::string reviewed = c.is_object() && c.contains("reviewed") && c["reviewed"].is_string()
                               ? c["reviewed"].get<std::string>()
                               : "";
    p["crisis_resources_reviewed"] = reviewed;
    p["safety_policy"] = nullptr;
    std::ifstream safety(data / "safety" / "policy.json");
    auto s = nlohmann::json::parse(safety, nullptr, false);
    if (s.is_object() && s.contains("version")) p["safety_policy"] = s["version"].dump();
    details["policy"] = p;
    const bool have_policy = !p["escalation_policy"].is_null();
    checks.Add("policy", "escalation policy", have_policy ? "ok" : "fail",
               have_policy ? "version " + p["escalation_policy"].get<std::string>() +
                                 "; content packs: " + std::to_string(p["content_packs"].size())
                           : "data/policy/escalation.yaml could not be read");
    // "2025-01": months since then.
    int year = 0, month = 0;
    if (reviewed.size() >= 7 && std::sscanf(reviewed.c_str(), "%d-%d", &year, &month) == 2) {
      std::time_t t = static_cast<std::time_t>(in.now / 1000);
      std::tm tm{};
      gmtime_r(&t, &tm);
      const int months = (tm.tm_year + 1900 - year) * 12 + (tm.tm_mon + 1 - month);
      checks.Add("policy", "crisis lines reviewed", months > kCrisisReviewMonths ? "warn" : "ok",
                 "reviewed " + reviewed + " (" + std::to_string(months) + " months ago" +
                     (months > kCrisisReviewMonths
                          ? "): check every number and URL in data/crisis/resources.json"
                          : ")"));
    } else {
      checks.Add("policy", "crisis lines reviewed", "warn",
                 "no review date in data/crisis/resources.json");
    }
  }
  report.checks = std::move(checks.list);
  details["period"] = {{"from", Date(from)}, {"to", Date(in.now)}, {"days", in.days}};
  report.details_json = details.dump();
  return report;
}

std::string AuditReportJson(const AuditReport& r) {
  json checks = json::array();
  for (const auto& c : r.checks) {
    checks.push_back(
        {{"area", c.area}, {"check", c.name}, {"verdict", c.verdict}, {"detail", c.detail}});
  }
  json out = {{"generated", Date(r.now)},
              {"days", r.days},
              {"failed", r.failed()},
              {"checks", std::move(checks)},
              {"details", json::parse(r.details_json)}};
  return out.dump(2);
}

std::string AuditReportHtml(const AuditReport& r) {
  const json d = json::parse(r.details_json);
  std::ostringstream h;
  int warn = 0, fail = 0;
  for (const auto& c : r.checks) {
    warn += c.verdict == "warn";
    fail += c.verdict == "fail";
  }
  h << "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    << "<title>Haven audit report, " << Escape(Date(r.now)) << "</title>\n<style>\n"
    << "body{font:1rem/1.5 system-ui,sans-serif;color:#1b1b1b;max-width:60rem;margin:0 auto;"
       "padding:1rem}\n"
    << "table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;"
       "padding:.25rem .5rem;border-bottom:1px solid #767676;vertical-align:top}\n"
    << ".ok{color:#1d6b2f;font-weight:600}.warn{color:#8a4b00;font-weight:600}"
       ".fail{color:#a4001d;font-weight:700}\n"
    << "svg text{font:12px system-ui,sans-serif;fill:#1b1b1b}.before{fill:#767676}"
       ".now{fill:#1f4e8c}\n</style>\n</head>\n<body>\n";
  h << "<h1>Haven audit report</h1>\n<p>Generated " << Escape(Date(r.now)) << " for the last "
    << r.days << " days (" << Escape(d["period"]["from"].get<std::string>()) << " to "
    << Escape(d["period"]["to"].get<std::string>()) << "). Only metadata was read: no message, "
    << "note or score was opened.</p>\n";
  h << "<p><strong>" << (fail ? std::to_string(fail) + " check(s) failed" : "No check failed")
    << "</strong>; " << warn << " to look at.</p>\n";
  h << "<h2>Checks</h2>\n<table>\n<thead><tr><th scope=\"col\">Area</th><th scope=\"col\">Check"
       "</th><th scope=\"col\">Verdict</th><th scope=\"col\">Detail</th></tr></thead>\n<tbody>\n";
  for (const auto& c : r.checks) {
    h << "<tr><td>" << Escape(c.area) << "</td><td>" << Escape(c.name) << "</td><td class=\""
      << Escape(c.verdict) << "\">" << Escape(c.verdict) << "</td><td>" << Escape(c.detail)
      << "</td></tr>\n";
  }
  h << "</tbody>\n</table>\n";

  const json& access = d["access"];
  h << "<h2>Access</h2>\n";
  if (!access["break_glass"].empty()) {
    h << "<table>\n<caption>Break-glass openings</caption>\n<thead><tr><th scope=\"col\">When"
         "</th><th scope=\"col\">Staff</th><th scope=\"col\">Person (pseudonym)</th>"
         "<th scope=\"col\">Outcome</th></tr></thead>\n<tbody>\n";
    for (const auto& b : access["break_glass"]) {
      h << "<tr><td>" << Escape(Date(b["time"].get<int64_t>())) << "</td><td>"
        << Escape(b["actor"].get<std::string>()) << "</td><td>"
        << Escape(b["subject"].get<std::string>()) << "</td><td>"
        << Escape(b["outcome"].get<std::string>()) << "</td></tr>\n";
    }
    h << "</tbody>\n</table>\n";
  }
  h << "<table>\n<caption>Audited actions in the period</caption>\n<thead><tr><th scope=\"col\">"
       "Action</th><th scope=\"col\">Count</th></tr></thead>\n<tbody>\n";
  for (const auto& [action, n] : access["actions"].items()) {
    h << "<tr><td>" << Escape(action) << "</td><td>" << n.get<int64_t>() << "</td></tr>\n";
  }
  h << "</tbody>\n</table>\n";
  if (!access["transcript_readers"].empty()) {
    h << "<table>\n<caption>Transcript reads by staff</caption>\n<thead><tr><th scope=\"col\">"
         "Staff</th><th scope=\"col\">Reads</th><th scope=\"col\">Unusual</th></tr></thead>\n"
         "<tbody>\n";
    for (const auto& x : access["transcript_readers"]) {
      h << "<tr><td>" << Escape(x["staff"].get<std::string>()) << "</td><td>"
        << x["reads"].get<int64_t>() << "</td><td>" << (x["unusual"].get<bool>() ? "yes" : "no")
        << "</td></tr>\n";
    }
    h << "</tbody>\n</table>\n";
  }

  // Drift: the share of each risk level, the period before against this one.
  const json& drift = d["models"]["drift"];
  h << "<h2>Models</h2>\n";
  {
    std::vector<int64_t> before = drift["before"].get<std::vector<int64_t>>();
    std::vector<int64_t> now = drift["now"].get<std::vector<int64_t>>();
    int64_t nb = 0, nn = 0;
    for (int64_t v : before) nb += v;
    for (int64_t v : now) nn += v;
    const char* levels[] = {"none", "low", "moderate", "high", "imminent"};
    std::ostringstream desc;
    for (int i = 0; i < 5 && nb + nn > 0; ++i) {
      desc << levels[i] << ": " << (nb ? Fixed(100.0 * before[i] / nb, 1) : "0") << "% before, "
           << (nn ? Fixed(100.0 * now[i] / nn, 1) : "0") << "% now. ";
    }
    if (nb + nn > 0) {
      h << "<svg viewBox=\"0 0 520 180\" width=\"520\" role=\"img\" aria-labelledby=\"drift-t "
           "drift-d\"><title id=\"drift-t\">Risk levels read in people's messages, the period "
           "before (grey) and this period (blue)</title><desc id=\"drift-d\">"
        << Escape(desc.str()) << "</desc>\n";
    }
    for (int i = 0; i < 5 && nb + nn > 0; ++i) {
      const double b = nb ? static_cast<double>(before[i]) / nb : 0;
      const double n = nn ? static_cast<double>(now[i]) / nn : 0;
      const int x = 20 + i * 100;
      h << "<rect class=\"before\" x=\"" << x << "\" y=\"" << Fixed(140 - 120 * b, 1)
        << "\" width=\"35\" height=\"" << Fixed(120 * b, 1) << "\"/>"
        << "<rect class=\"now\" x=\"" << x + 38 << "\" y=\"" << Fixed(140 - 120 * n, 1)
        << "\" width=\"35\" height=\"" << Fixed(120 * n, 1) << "\"/>"
        << "<text x=\"" << x + 36 << "\" y=\"160\" text-anchor=\"middle\">" << levels[i]
        << "</text>\n";
    }
    if (nb + nn > 0) h << "</svg>\n";
    h << "<p>Population stability index " << Fixed(drift["psi"].get<double>(), 3) << " (" << nb
      << " messages before, " << nn << " in this period).</p>\n";
  }
  h << "<table>\n<caption>Shipped models</caption>\n<thead><tr><th scope=\"col\">File</th>"
       "<th scope=\"col\">Bytes</th><th scope=\"col\">SHA-256 (first 16)</th></tr></thead>\n"
       "<tbody>\n";
  for (const auto& f : d["models"]["files"]) {
    h << "<tr><td>" << Escape(f["file"].get<std::string>()) << "</td><td>"
      << f["bytes"].get<int64_t>() << "</td><td><code>" << Escape(f["sha256"].get<std::string>())
      << "</code></td></tr>\n";
  }
  h << "</tbody>\n</table>\n";
  h << "<h2>Policy and content</h2>\n<table>\n<thead><tr><th scope=\"col\">What</th>"
       "<th scope=\"col\">Version</th></tr></thead>\n<tbody>\n";
  const json& p = d["policy"];
  const auto text = [](const json& v) {
    return v.is_null()     ? std::string("unreadable")
           : v.is_string() ? v.get<std::string>()
                           : v.dump();
  };
  h << "<tr><td>escalation policy</td><td>" << Escape(text(p["escalation_policy"]))
    << "</td></tr>\n<tr><td>safety policy</td><td>" << Escape(text(p["safety_policy"]))
    << "</td></tr>\n<tr><td>crisis lines reviewed</td><td>"
    << Escape(text(p["crisis_resources_reviewed"])) << "</td></tr>\n";
  for (const auto& [pack, v] : p["content_packs"].items()) {
    h << "<tr><td>content: " << Escape(pack) << "</td><td>" << Escape(text(v)) << "</td></tr>\n";
  }
  h << "</tbody>\n</table>\n</body>\n</html>\n";
  return h.str();
}

Status AddKeyFacts(AuditReportInput* in, const std::string& key_file, const std::string& checkpoint,
                   const std::string& data_dir) {
  std::string checkpoint_path = checkpoint;
  if (checkpoint_path.empty() && !key_file.empty()) {
    checkpoint_path = storage::AuditCheckpointPathFor(key_file);
  }
  if (!checkpoint_path.empty()) {
    auto read = storage::ReadAuditCheckpoint(checkpoint_path);
    if (!read.ok()) return read.status();
    in->checkpoint = *read;
  }
  in->checkpoint_path = checkpoint_path;
  if (!key_file.empty()) {
    auto kek = storage::crypto::KeyFile::Load(key_file, data_dir);
    if (kek.ok()) in->kek_version = kek->version;
    std::error_code ec;
    auto t = std::filesystem::last_write_time(key_file, ec);
    if (!ec) {
      const auto sys = std::chrono::file_clock::to_sys(t);
      in->kek_file_time =
          std::chrono::duration_cast<std::chrono::milliseconds>(sys.time_since_epoch()).count();
    }
  }
  return Status::Ok();
}

int RunAuditReport(const AuditReportArgs& args, const std::string& shipped_data_dir, std::FILE* out,
                   std::FILE* err) {
  auto where = ResolveStore(args.store, args.keys_store, args.data_dir);
  if (!where.ok()) {
    std::fprintf(err, "haven audit report: %s\n", where.status().message().c_str());
    return 2;
  }
  AuditReportInput in;
  in.now = std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count();
  in.days = args.days;
  in.data_dir = shipped_data_dir;
  if (!args.config.empty()) {
    server::ServerOptions options;
    ServeFileSettings file;
    if (Status s = LoadServeConfig(args.config, &options, &in.chat, &file); !s.ok()) {
      std::fprintf(err, "haven audit report: %s\n", s.message().c_str());
      return 2;
    }
  }
  const std::string key_file = KeyFileOrDefault(args.key_file);
  if (Status s = AddKeyFacts(&in, key_file, args.checkpoint, where->data_dir); !s.ok()) {
    std::fprintf(err, "haven audit report: %s\n", s.message().c_str());
    return 2;
  }
  auto records = OpenRecords(*where, /*create=*/false);
  if (!records.ok()) {
    std::fprintf(err, "haven audit report: %s\n", records.status().message().c_str());
    return 2;
  }
  in.records = records->get();
  auto keys = OpenKeys(*where, /*create=*/false);
  if (keys.ok()) in.keys = keys->get();
  std::unique_ptr<nlp::Analyzer> analyzer;
  in.holdout = args.holdout;
  if (in.holdout.empty() && !shipped_data_dir.empty()) {
    const auto held =
        std::filesystem::path(shipped_data_dir) / ".." / "tests" / "data" / "risk_holdout.jsonl";
    if (std::filesystem::exists(held)) in.holdout = held.lexically_normal().string();
  }
  if (!in.holdout.empty() && std::filesystem::exists(in.holdout)) {
    auto loaded = nlp::Analyzer::Load(shipped_data_dir);
    if (!loaded.ok()) {
      std::fprintf(err, "haven audit report: %s\n", loaded.status().message().c_str());
      return 2;
    }
    analyzer = std::move(loaded).value();
    in.analyzer = analyzer.get();
  }
  auto report = BuildAuditReport(in);
  if (!report.ok()) {
    std::fprintf(err, "haven audit report: %s\n", report.status().message().c_str());
    return 2;
  }
  const std::string page = args.json ? AuditReportJson(*report) : AuditReportHtml(*report);
  if (args.out.empty() || args.out == "-") {
    std::fputs(page.c_str(), out);
    if (args.json) std::fputc('\n', out);
  } else {
    std::ofstream file(args.out, std::ios::binary | std::ios::trunc);
    file << page;
    if (!file) {
      std::fprintf(err, "haven audit report: cannot write %s\n", args.out.c_str());
      return 2;
    }
    int warn = 0, fail = 0;
    for (const auto& c : report->checks) {
      warn += c.verdict == "warn";
      fail += c.verdict == "fail";
    }
    std::fprintf(out, "haven audit report: %s written: %d failed, %d to look at\n",
                 args.out.c_str(), fail, warn);
  }
  return report->failed() ? 1 : 0;
}

std::unique_ptr<AuditReportCommand> AuditReportCommand::Add(CLI::App& audit) {
  auto cmd = std::make_unique<AuditReportCommand>();
  cmd->report_ = audit.add_subcommand(
      "report",
      "The periodic report: audit-chain verification, key ages, retention compliance, access "
      "anomalies, model metrics and drift, policy versions (HTML, or --json). Exit status 0 "
      "nothing failed, 1 a check failed, 2 error.\n"
      "  haven audit report --data-dir DIR [--key-file K] [--config FILE] [--out report.html]\n"
      "  haven audit report --store postgres://... --key-file K --json");
  AuditReportArgs& a = cmd->args_;
  cmd->report_->add_option("--data-dir", a.data_dir,
                           "Haven's data directory (haven.db, keys.db); not with --store");
  AddStoreOptions(cmd->report_, &a.store, &a.keys_store);
  cmd->report_->add_option("--key-file", a.key_file,
                           "The key file: its KEK version and age, the checkpoint beside it "
                           "(default: $HAVEN_KEY_FILE); no key is used to open anything");
  cmd->report_->add_option("--checkpoint", a.checkpoint, "The audit checkpoint file");
  cmd->report_->add_option("--config", a.config,
                           "The serve configuration, for the retention defaults");
  cmd->report_->add_option("--holdout", a.holdout,
                           "The fixed safety set (JSONL {text, level}; default: "
                           "tests/data/risk_holdout.jsonl of a checkout)");
  cmd->report_->add_option("--days", a.days, "The period, in days")
      ->capture_default_str()
      ->check(CLI::Range(1, 366));
  cmd->report_->add_option("--out", a.out, "Write the report to this file (default: stdout)");
  cmd->report_->add_flag("--json", a.json, "JSON instead of HTML");
  return cmd;
}

bool AuditReportCommand::parsed() const { return report_->parsed(); }

int AuditReportCommand::Run(const std::string& shipped_data_dir) const {
  return RunAuditReport(args_, shipped_data_dir, stdout, stderr);
}

}  // namespace haven::cli
