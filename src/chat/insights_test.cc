// Private insights: who counts (only people who allow analytics), what each person contributes
// (active days, ratings, escalations and waits from the audit log, symptom change), the release
// (refusals for small groups, no sum without its count, the budget), and the ration of releases
// kept in the audit log.
#include "chat/insights.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

#include "chat/chat_service.h"
#include "storage/audit.h"
#include "storage/memory/memory_store.h"

namespace haven::chat {
namespace {

using storage::UnixMillis;
using json = nlohmann::json;

constexpr UnixMillis kNow = 1'760'000'000'000;
constexpr UnixMillis kDay = 24LL * 3600 * 1000;
constexpr UnixMillis kMinute = 60'000;

class SeededRandom final : public learn::RandomSource {
 public:
  explicit SeededRandom(uint64_t seed) : gen_(seed) {}
  uint64_t Uniform(uint64_t upper) override {
    return std::uniform_int_distribution<uint64_t>(0, upper - 1)(gen_);
  }

 private:
  std::mt19937_64 gen_;
};

// A small service, written straight into the store.
class World {
 public:
  storage::MemoryStore store;

  // A seeker with one conversation; `analytics` is their consent.
  std::string Seeker(bool analytics) {
    std::string id = storage::NewRecordId();
    std::string conv = storage::NewRecordId();
    Run([&](storage::Txn& txn) -> Status {
      storage::Account a;
      a.id = id;
      a.created_at = kNow - 40 * kDay;
      if (Status s = txn.CreateAccount(a); !s.ok()) return s;
      storage::Consent c{id, consent::kAnalytics, analytics, kNow - 40 * kDay};
      if (Status s = txn.SetConsent(c); !s.ok()) return s;
      storage::Conversation cv;
      cv.id = conv;
      cv.owner_id = id;
      cv.created_at = kNow - 40 * kDay;
      return txn.CreateConversation(cv);
    });
    conversation_[id] = conv;
    return id;
  }

  // A message of theirs `days_ago` days before now, and Haven's reply; returns the reply's seq.
  int64_t Says(const std::string& who, double days_ago) {
    int64_t seq = 0;
    Run([&](storage::Txn& txn) -> Status {
      for (auto role : {storage::MessageRole::kUser, storage::MessageRole::kAssistant}) {
        storage::Message m;
        m.id = storage::NewRecordId();
        m.conversation_id = conversation_[who];
        m.role = role;
        m.text = "words that insights never read";
        m.created_at = kNow - static_cast<UnixMillis>(days_ago * kDay);
        auto r = txn.AppendMessage(m);
        if (!r.ok()) return r.status();
        seq = r->message.seq;
      }
      return Status::Ok();
    });
    return seq;
  }

  void Rates(const std::string& who, int64_t seq, int rating, UnixMillis at) {
    Run([&](storage::Txn& txn) -> Status {
      storage::Feedback f;
      f.id = storage::NewRecordId();
      f.account_id = who;
      f.conversation_id = conversation_[who];
      f.message_seq = seq;
      f.rating = rating;
      f.created_at = at;
      return txn.AddFeedback(f);
    });
  }

  void Audit(const std::string& actor, const std::string& subject, const char* action,
             std::string detail, UnixMillis at) {
    Run([&](storage::Txn& txn) -> Status {
      storage::AuditEvent e{
          at, actor, subject, action, storage::audit_outcome::kOk, std::move(detail)};
      auto a = storage::AppendAudit(txn, e);
      return a.ok() ? Status::Ok() : a.status();
    });
  }

  // Queued, then taken over `wait` later.
  void Escalated(const std::string& who, UnixMillis at, std::optional<UnixMillis> wait) {
    const std::string& conv = conversation_[who];
    Audit("system", who, storage::audit_action::kQueue, "conversation " + conv + " priority 2 risk",
          at);
    if (wait) {
      Audit("staff1", who, storage::audit_action::kTakeover, "conversation " + conv, at + *wait);
    }
  }

  void Screening(const std::string& who, const char* instrument, int score, double days_ago) {
    Run([&](storage::Txn& txn) -> Status {
      storage::ScreeningResult r;
      r.id = storage::NewRecordId();
      r.account_id = who;
      r.instrument = instrument;
      r.payload =
          std::string(instrument) == instrument::kMood
              ? json{{"instrument", instrument}, {"value", score}}.dump()
              : json{{"instrument", instrument}, {"completed", true}, {"score", score}}.dump();
      r.created_at = kNow - static_cast<UnixMillis>(days_ago * kDay);
      return txn.AddScreening(r);
    });
  }

  void Run(const std::function<Status(storage::Txn&)>& fn) {
    Status s = store.Transact(fn);
    ASSERT_TRUE(s.ok()) << s.message();
  }

 private:
  std::map<std::string, std::string> conversation_;
};

const PersonOutcome* Find(const OutcomeData& d, const std::string& id) {
  for (const auto& p : d.people) {
    if (p.account_id == id) return &p;
  }
  return nullptr;
}

TEST(MicroEpsilon, ExactDecimals) {
  EXPECT_EQ(*MicroEpsilon("2"), 2'000'000);
  EXPECT_EQ(*MicroEpsilon("0.05"), 50'000);
  EXPECT_EQ(*MicroEpsilon("0.000001"), 1);
  EXPECT_FALSE(MicroEpsilon("0").ok());
  EXPECT_FALSE(MicroEpsilon("1e-3").ok());
  EXPECT_FALSE(MicroEpsilon("0.0000001").ok());
  EXPECT_FALSE(MicroEpsilon("-1").ok());
  EXPECT_FALSE(MicroEpsilon("1.").ok());
  EXPECT_FALSE(MicroEpsilon("").ok());
  EXPECT_EQ(*MicroEpsilon("300"), 300'000'000);  // a period's budget may pass one release's cap
  EXPECT_EQ(EpsilonDecimal(50'000), "0.05");
  EXPECT_EQ(EpsilonDecimal(2'000'000), "2");
  EXPECT_EQ(EpsilonDecimal(1'000'001), "1.000001");
}

TEST(InsightsOptions, Validated) {
  InsightsOptions o;
  EXPECT_TRUE(ValidateInsightsOptions(o).ok());
  o.period_budget = "1";  // below one release
  EXPECT_FALSE(ValidateInsightsOptions(o).ok());
  o = {};
  o.epsilon = "0.00001";  // too small to share among the figures
  EXPECT_FALSE(ValidateInsightsOptions(o).ok());
  o = {};
  o.epsilon = "101";  // one release: at most 100
  o.period_budget = "200";
  EXPECT_FALSE(ValidateInsightsOptions(o).ok());
  o = {};
  o.weeks = 0;
  EXPECT_FALSE(ValidateInsightsOptions(o).ok());
  o = {};
  o.min_group_size = 0;
  EXPECT_FALSE(ValidateInsightsOptions(o).ok());
}

TEST(CollectOutcomes, OnlyConsentingPeopleAndWhatTheyContribute) {
  World w;
  const std::string a = w.Seeker(true), b = w.Seeker(true), no = w.Seeker(false);
  const std::string old = w.Seeker(true);
  // a: three messages on two days; rates one reply up then down (the latest counts), another
  // up; escalated once, taken after 12 minutes; PHQ-9 18 then 11, GAD-7 once only.
  int64_t r1 = w.Says(a, 10.0);
  w.Says(a, 10.01);
  int64_t r3 = w.Says(a, 3.0);
  w.Rates(a, r1, 1, kNow - 9 * kDay);
  w.Rates(a, r1, -1, kNow - 8 * kDay);
  w.Rates(a, r3, 1, kNow - 2 * kDay);
  w.Escalated(a, kNow - 3 * kDay, 12 * kMinute);
  w.Screening(a, instrument::kPhq9, 18, 20);
  w.Screening(a, instrument::kPhq9, 11, 1);
  w.Screening(a, instrument::kGad7, 9, 5);
  // b: one day; escalated twice, never taken; mood 2 then 4.
  w.Says(b, 1.0);
  w.Escalated(b, kNow - kDay, std::nullopt);
  w.Escalated(b, kNow - kDay + kMinute, std::nullopt);
  w.Screening(b, instrument::kMood, 2, 6);
  w.Screening(b, instrument::kMood, 4, 0.5);
  // no: lots of activity, no consent. old: active only before the window.
  w.Says(no, 1.0);
  w.Escalated(no, kNow - kDay, kMinute);
  w.Says(old, 40.0);
  w.Escalated(old, kNow - 40 * kDay, kMinute);

  auto d = CollectOutcomes(w.store, w.store, kNow, 4);
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->from, kNow - 28 * kDay);
  ASSERT_EQ(d->people.size(), 2u);
  EXPECT_EQ(Find(*d, no), nullptr);
  EXPECT_EQ(Find(*d, old), nullptr);
  const PersonOutcome* pa = Find(*d, a);
  ASSERT_NE(pa, nullptr);
  EXPECT_EQ(pa->active_days, 2);
  EXPECT_EQ(pa->weeks, (std::vector<int>{2, 3}));
  EXPECT_EQ(pa->thumbs_up, 1);
  EXPECT_EQ(pa->thumbs_down, 1);
  EXPECT_EQ(pa->escalations, 1);
  EXPECT_EQ(pa->waits_ms, (std::vector<int64_t>{12 * kMinute}));
  EXPECT_EQ(pa->phq9_first, 18);
  EXPECT_EQ(pa->phq9_last, 11);
  EXPECT_FALSE(pa->gad7_first.has_value());  // one result: no change to measure
  const PersonOutcome* pb = Find(*d, b);
  ASSERT_NE(pb, nullptr);
  EXPECT_EQ(pb->active_days, 1);
  EXPECT_EQ(pb->escalations, 2);
  EXPECT_TRUE(pb->waits_ms.empty());
  EXPECT_EQ(pb->mood_first, 2);
  EXPECT_EQ(pb->mood_last, 4);
}

OutcomeData ManyPeople(int n) {
  OutcomeData d;
  d.from = kNow - 28 * kDay;
  d.to = kNow;
  d.weeks = 4;
  for (int i = 0; i < n; ++i) {
    PersonOutcome p;
    p.account_id = "p" + std::to_string(i);
    p.active_days = 1 + i % 3;
    p.weeks = {0, 1, 2, 3};
    p.thumbs_up = 3;
    p.thumbs_down = 1;
    if (i % 2 == 0) {
      p.escalations = 1;
      p.waits_ms = {10 * kMinute};
    }
    p.phq9_first = 16;
    p.phq9_last = 10;
    d.people.push_back(p);
  }
  return d;
}

TEST(ReleaseOutcomes, LargeGroupsAreReleasedNearTheTruth) {
  InsightsOptions o;
  o.epsilon = "50";  // little noise, so the figures can be checked
  o.period_budget = "50";
  auto r = ReleaseOutcomes(ManyPeople(200), o, kNow, std::make_shared<SeededRandom>(7));
  ASSERT_TRUE(r.ok()) << r.status().message();
  json j = json::parse(InsightsJson(*r));
  EXPECT_NEAR(j["figures"]["people"]["value"].get<int>(), 200, 5);
  EXPECT_NEAR(j["derived"]["satisfaction"].get<double>(), 0.75, 0.05);
  EXPECT_NEAR(j["derived"]["escalated_share"].get<double>(), 0.5, 0.05);
  EXPECT_NEAR(j["derived"]["mean_minutes_to_human"].get<double>(), 10, 2);
  EXPECT_NEAR(j["derived"]["phq9_mean_change"].get<double>(), -6, 0.5);
  EXPECT_NEAR(j["derived"]["phq9_improved_share"].get<double>(), 1, 0.05);
  EXPECT_EQ(j["weekly_active"]["weeks"].size(), 4u);
  // Nobody had GAD-7 twice: that count is refused and its sum is never drawn.
  EXPECT_EQ(j["figures"]["gad7_pairs"]["refused"], "group_too_small");
  EXPECT_EQ(j["figures"]["gad7_change"]["refused"], "count_refused");
  EXPECT_EQ(j["figures"]["gad7_change"]["epsilon"], "0");
  EXPECT_FALSE(j["derived"].contains("gad7_mean_change"));
  // Within the budget, and every figure says what it spent.
  EXPECT_LE(*MicroEpsilon(j["privacy"]["epsilon_spent"].get<std::string>()), 50'000'000);
  EXPECT_EQ(j["privacy"]["counted"], "people who allow analytics");
  EXPECT_EQ(InsightsJson(*r).find("p1"), std::string::npos) << "no pseudonym in a release";
}

TEST(ReleaseOutcomes, SmallGroupsAreRefusedWhole) {
  InsightsOptions o;
  o.min_group_size = 1000;  // far above three people and any likely noise
  auto r = ReleaseOutcomes(ManyPeople(3), o, kNow, std::make_shared<SeededRandom>(1));
  ASSERT_TRUE(r.ok());
  json j = json::parse(InsightsJson(*r));
  for (auto& [name, f] : j["figures"].items()) {
    EXPECT_FALSE(f.contains("value")) << name;
    EXPECT_TRUE(f["refused"] == "group_too_small" || f["refused"] == "count_refused") << name;
  }
  EXPECT_TRUE(j["weekly_active"]["refused"].get<std::string>().starts_with("group_too_small"));
  EXPECT_FALSE(j["weekly_active"].contains("weeks"));
  EXPECT_TRUE(j["derived"].empty());
  // Only the counts were drawn: 14 of them at 0.6 / 14 each.
  EXPECT_EQ(j["privacy"]["epsilon_spent"], EpsilonDecimal(14 * (600'000 / 14)));
}

TEST(Insights, ReleasesAreServedAgainAuditedAndRationed) {
  World w;
  for (int i = 0; i < 3; ++i) w.Says(w.Seeker(true), 1.0 + i);
  UnixMillis now = kNow;
  InsightsOptions o;
  o.epsilon = "2";
  o.period_budget = "5";  // two releases fit, a third does not
  o.min_group_size = 1;
  auto insights = Insights::Create(
      w.store, w.store, o, [&] { return now; }, std::make_shared<SeededRandom>(3));
  ASSERT_TRUE(insights.ok());
  auto first = (*insights)->Latest("admin1");
  ASSERT_TRUE(first.ok()) << first.status().message();
  now += 3600 * 1000;  // an hour later: the same release, nothing spent
  auto again = (*insights)->Latest("admin1");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *first);
  auto second = (*insights)->Latest("admin1", /*fresh=*/true);
  ASSERT_TRUE(second.ok());
  json j = json::parse(*second);
  EXPECT_EQ(j["privacy"]["period_budget"], "5");
  EXPECT_EQ(j["privacy"]["period_spent"], "4");  // each release is charged its budget
  auto third = (*insights)->Latest("admin1", /*fresh=*/true);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.status().message(), "period_budget_exhausted");
  // Each release is in the audit log with what it spent; the refused one is not.
  int releases = 0;
  w.Run([&](storage::Txn& txn) -> Status {
    auto records = txn.ListAuditRecords(0, 1000);
    for (const auto& r : *records) {
      if (r.action != storage::audit_action::kInsightsRelease) continue;
      ++releases;
      EXPECT_EQ(r.actor, "admin1");
      EXPECT_TRUE(r.detail.starts_with("epsilon ")) << r.detail;
    }
    return Status::Ok();
  });
  EXPECT_EQ(releases, 2);
  // A month later the period has passed: releases are possible again.
  now += 31 * kDay;
  EXPECT_TRUE((*insights)->Latest("admin1", true).ok());
}

}  // namespace
}  // namespace haven::chat
