// Learning from feedback: the bandit chooser in the engine, the person's rating (only with
// consent) rewarding the choice it rates, the decision log read back from the store without a
// key, and the offline evaluation behind `haven learn report`.
#include "chat/learning.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>

#include "chat/chat_service.h"
#include "chat/oversight.h"
#include "chat/staff_auth.h"
#include "chat/totp.h"
#include "storage/memory/memory_store.h"

namespace haven::chat {
namespace {

class FakeClock {
 public:
  storage::UnixMillis Now() const { return now_.load(); }
  void Advance(std::chrono::milliseconds d) { now_ += d.count(); }
  ChatService::Clock AsClock() {
    return [this] { return Now(); };
  }

 private:
  std::atomic<storage::UnixMillis> now_{1'700'000'000'000};
};

std::unique_ptr<reply::Engine> LoadEngine() {
  auto loaded = reply::Engine::Load(HAVEN_SOURCE_DATA_DIR);
  EXPECT_TRUE(loaded.ok()) << loaded.status().message();
  return loaded.ok() ? std::move(loaded).value() : nullptr;
}

TEST(BanditMode, NamesRoundTrip) {
  for (BanditMode m : {BanditMode::kOff, BanditMode::kExplore, BanditMode::kThompson}) {
    EXPECT_EQ(ParseBanditMode(BanditModeName(m)), m);
  }
  EXPECT_FALSE(ParseBanditMode("on").has_value());
  EXPECT_FALSE(Learner::Create(BanditMode::kOff, 0.1, 1).ok());
  EXPECT_FALSE(Learner::Create(BanditMode::kExplore, 1.5, 1).ok());
  EXPECT_FALSE(Learner::Create(BanditMode::kExplore, -0.1, 1).ok());
}

TEST(RewardOf, RatingsAndReviews) {
  storage::Feedback up, down, review;
  up.rating = 1;
  down.rating = -1;
  EXPECT_EQ(RewardOf(up), true);
  EXPECT_EQ(RewardOf(down), false);
  review.kind = "review";
  EXPECT_FALSE(RewardOf(review).has_value());  // not rated
  review.helpfulness = 5;
  EXPECT_EQ(RewardOf(review), true);
  review.helpfulness = 3;
  EXPECT_FALSE(RewardOf(review).has_value());
  review.helpfulness = 2;
  EXPECT_EQ(RewardOf(review), false);
  review.helpfulness = 5;
  review.flagged = true;
  EXPECT_EQ(RewardOf(review), false);
}

TEST(Learner, ExploreLogsExactPropensities) {
  auto l = Learner::Create(BanditMode::kExplore, 0.3, 42);
  ASSERT_TRUE(l.ok());
  const std::vector<std::string> arms = {"a", "b", "c"};
  std::map<size_t, int> seen;
  const int n = 3000;
  for (int i = 0; i < n; ++i) {
    reply::VariantChoice c = (*l)->Choose("question/-/sadness", arms);
    ASSERT_LT(c.index, arms.size());
    EXPECT_EQ(c.policy, "explore");
    EXPECT_NEAR(c.propensity, c.index == 0 ? 0.8 : 0.1, 1e-12);
    ++seen[c.index];
  }
  // The frequencies match the propensities (loose bounds: a seeded generator, 3000 draws).
  EXPECT_NEAR(seen[0] / double(n), 0.8, 0.05);
  EXPECT_NEAR(seen[1] / double(n), 0.1, 0.03);
  EXPECT_NEAR(seen[2] / double(n), 0.1, 0.03);
}

TEST(Learner, ThompsonLearnsWhichArmHelps) {
  auto l = Learner::Create(BanditMode::kThompson, 0, 7);
  ASSERT_TRUE(l.ok());
  const std::vector<std::string> arms = {"a", "b", "c"};
  reply::ChoiceRecord rec;
  rec.context = "reflection/-/fear";
  rec.arms = arms;
  for (int i = 0; i < 40; ++i) {
    rec.arm = "b";
    (*l)->Reward(rec, true);
    rec.arm = "a";
    (*l)->Reward(rec, false);
    rec.arm = "c";
    (*l)->Reward(rec, false);
  }
  EXPECT_EQ((*l)->rewards(), 120);
  int b = 0;
  for (int i = 0; i < 200; ++i) {
    reply::VariantChoice c = (*l)->Choose("reflection/-/fear", arms);
    EXPECT_EQ(c.policy, "thompson");
    EXPECT_GT(c.propensity, 0);
    EXPECT_LE(c.propensity, 1);
    b += c.index == 1;
  }
  EXPECT_GT(b, 180);
  // Another context has learnt nothing.
  int other_b = 0;
  for (int i = 0; i < 300; ++i) other_b += (*l)->Choose("question/-/anger", arms).index == 1;
  EXPECT_LT(other_b, 200);
}

class FeedbackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = LoadEngine();
    ASSERT_TRUE(engine_);
    auto l = Learner::Create(BanditMode::kExplore, 1.0, 3);  // always explore: varied choices
    ASSERT_TRUE(l.ok());
    learner_ = std::shared_ptr<Learner>(std::move(l).value());
    engine_->set_chooser(learner_);
    service_ = std::make_unique<ChatService>(*engine_, store_, ChatOptions{}, clock_.AsClock());
    service_->set_learner(learner_.get());
  }

  // A seeker who has had a few ordinary turns; returns the seqs of Haven's replies.
  std::vector<int64_t> Talk(const SeekerSession& s) {
    std::vector<int64_t> seqs;
    int i = 0;
    for (const char* t : {"work has been so stressful lately", "my manager keeps piling it on",
                          "I feel like I'm letting everyone down", "I can't switch off at night"}) {
      clock_.Advance(std::chrono::seconds(30));
      auto r = service_->Send(s, "m" + std::to_string(i++), t, "en-US");
      EXPECT_TRUE(r.ok()) << r.status().message();
      if (r.ok() && r->reply) seqs.push_back(r->reply->seq);
    }
    return seqs;
  }

  FakeClock clock_;
  storage::MemoryStore store_;
  std::unique_ptr<reply::Engine> engine_;
  std::shared_ptr<Learner> learner_;
  std::unique_ptr<ChatService> service_;
};

TEST_F(FeedbackTest, NeedsConsentAndStoresNothingWithout) {
  auto s = service_->CreateSeeker();
  ASSERT_TRUE(s.ok());
  auto seqs = Talk(*s);
  ASSERT_FALSE(seqs.empty());
  auto refused = service_->RateReply(*s, seqs.back(), 1, "");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.status().message(), "consent_required");
  auto p = service_->GetPrivacy(s->token);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->feedback, 0);
  EXPECT_EQ(learner_->rewards(), 0);
}

TEST_F(FeedbackTest, RatesHavensRepliesOnlyAndRewardsTheLoggedChoice) {
  auto s = service_->CreateSeeker();
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(service_->SetConsent(s->token, consent::kDeidentifiedUse, true).ok());
  auto seqs = Talk(*s);
  ASSERT_GE(seqs.size(), 3u);
  // The person's own message, a seq that does not exist, a bad rating, a bad comment.
  for (auto [seq, rating] : std::vector<std::pair<int64_t, int>>{
           {seqs.front() - 1, 1}, {999, 1}, {0, 1}, {seqs.front(), 0}, {seqs.front(), 2}}) {
    auto r = service_->RateReply(*s, seq, rating, "");
    ASSERT_FALSE(r.ok()) << seq << " " << rating;
    EXPECT_EQ(r.status().message(), "bad_feedback");
  }
  EXPECT_EQ(service_->RateReply(*s, seqs[1], 1, std::string(1001, 'x')).status().message(),
            "too_large");
  EXPECT_EQ(service_->RateReply(*s, seqs[1], 1, "bad \xff").status().message(), "invalid_utf8");

  int learned = 0;
  for (int64_t seq : seqs) {
    auto r = service_->RateReply(*s, seq, seq == seqs[1] ? -1 : 1,
                                 seq == seqs[1] ? "asking what I wanted would have helped" : "");
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->seq, seq);
    learned += r->learned;
  }
  EXPECT_GE(learned, 2);  // the first reply may be a disclosure or a fallback, not a choice
  EXPECT_EQ(learner_->rewards(), learned);
  auto p = service_->GetPrivacy(s->token);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->feedback, static_cast<int64_t>(seqs.size()));

  // Someone else cannot rate this conversation's replies through their own session.
  auto other = service_->CreateSeeker();
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(service_->SetConsent(other->token, consent::kDeidentifiedUse, true).ok());
  SeekerSession forged = *other;
  forged.conversation_id = s->conversation_id;
  EXPECT_EQ(service_->RateReply(forged, seqs[1], 1, "").status().code(), StatusCode::kNotFound);

  // The decision log, read back from the store: every logged choice, the rated ones rewarded.
  auto log = CollectChoices(store_);
  ASSERT_TRUE(log.ok()) << log.status().message();
  ASSERT_EQ(log->size(), static_cast<size_t>(learned));
  for (const auto& l : *log) {
    EXPECT_EQ(l.conversation_id, s->conversation_id);
    EXPECT_EQ(l.choice.policy, "explore");
    ASSERT_TRUE(l.reward.has_value());
    EXPECT_EQ(*l.reward, l.message_seq != seqs[1]);
  }
  // A later rating counts instead of the earlier one.
  clock_.Advance(std::chrono::seconds(5));
  ASSERT_TRUE(service_->RateReply(*s, seqs[1], 1, "").ok());
  log = CollectChoices(store_);
  ASSERT_TRUE(log.ok());
  for (const auto& l : *log) EXPECT_TRUE(l.reward.value_or(false));

  // Withdrawing consent removes the person from learning at once.
  ASSERT_TRUE(service_->SetConsent(s->token, consent::kDeidentifiedUse, false).ok());
  log = CollectChoices(store_);
  ASSERT_TRUE(log.ok());
  EXPECT_TRUE(log->empty());
  EXPECT_EQ(service_->RateReply(*s, seqs[1], 1, "").status().message(), "consent_required");
}

TEST_F(FeedbackTest, AClinicianReviewRewardsTheLoggedChoiceAtOnce) {
  StaffAuthOptions staff_options;
  staff_options.insecure_fast_hash_for_tests = true;
  StaffAuth staff(store_, staff_options, clock_.AsClock());
  EventLog events;
  OversightOptions options;
  options.review_sample_rate = 0;
  Oversight oversight(store_, staff, *engine_, nullptr, events, nullptr, nullptr, options,
                      clock_.AsClock());
  oversight.set_learner(learner_.get());
  auto user = staff.CreateUser("ana", storage::StaffRole::kClinician, "correct horse battery");
  ASSERT_TRUE(user.ok()) << user.status().message();
  auto login = staff.Login(
      "ana", "correct horse battery",
      TotpCode(*Base32Decode(user->totp_secret_base32), clock_.AsClock()() / 1000), "10.0.0.1");
  ASSERT_TRUE(login.ok()) << login.status().message();

  // A person who allows de-identified use: a helpful review of a logged choice rewards it; a
  // reply the person rated keeps the person's reward only.
  auto s = service_->CreateSeeker();
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(service_->SetConsent(s->token, consent::kDeidentifiedUse, true).ok());
  auto seqs = Talk(*s);
  ASSERT_GE(seqs.size(), 3u);
  ASSERT_TRUE(service_->RateReply(*s, seqs[1], 1, "").ok());
  const int64_t after_rating = learner_->rewards();
  for (int64_t seq : seqs) {
    ASSERT_TRUE(
        oversight.SubmitReview(login->token, s->conversation_id, seq, {5, 5, 5, false, ""}).ok());
  }
  const int64_t rewarded = learner_->rewards() - after_rating;
  EXPECT_GE(rewarded, 1);  // the replies with a logged choice, less the one the person rated
  EXPECT_LE(rewarded, static_cast<int64_t>(seqs.size()) - 1);

  // Without the consent nothing is learnt from the review.
  auto other = service_->CreateSeeker();
  ASSERT_TRUE(other.ok());
  auto other_seqs = Talk(*other);
  const int64_t before = learner_->rewards();
  for (int64_t seq : other_seqs) {
    ASSERT_TRUE(
        oversight.SubmitReview(login->token, other->conversation_id, seq, {1, 5, 1, true, ""})
            .ok());
  }
  EXPECT_EQ(learner_->rewards(), before);
}

// A synthetic log where the second-ranked arm helps far more often than the first.
std::vector<LoggedReward> SyntheticLog(size_t n, uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<LoggedReward> log;
  for (size_t i = 0; i < n; ++i) {
    LoggedReward l;
    l.choice.policy = "explore";
    l.choice.context = i % 2 ? "question/-/sadness" : "reflection/-/fear";
    l.choice.arms = {"x1", "x2", "x3"};
    const double r = u(gen);
    const size_t k = r < 0.5 ? 0 : (r < 0.75 ? 1 : 2);  // explore rate 0.75 over 3 arms
    l.choice.arm = l.choice.arms[k];
    l.choice.propensity = k == 0 ? 0.5 : 0.25;
    const double p_help = k == 1 ? 0.8 : 0.3;
    l.reward = u(gen) < p_help;
    l.at = static_cast<storage::UnixMillis>(i);
    log.push_back(l);
  }
  return log;
}

TEST(Evaluate, RecommendsThompsonWhenTheEvidenceIsThere) {
  LearningReport rep = Evaluate(SyntheticLog(4000, 11), 5);
  EXPECT_EQ(rep.choices, 4000u);
  EXPECT_EQ(rep.rewarded, 4000u);
  EXPECT_EQ(rep.contexts, 2u);
  ASSERT_EQ(rep.estimates.size(), 3u);
  std::map<std::string, learn::OfflineEstimate> by;
  for (const auto& e : rep.estimates) by[e.name] = e.estimate;
  EXPECT_NEAR(by["best_ranked"].snips, 0.3, 0.05);
  EXPECT_NEAR(by["thompson"].snips, 0.8, 0.05);
  EXPECT_EQ(rep.recommendation, "switch_on_thompson") << rep.reason;
}

TEST(Evaluate, TooLittleEvidenceKeepsCollecting) {
  EXPECT_EQ(Evaluate({}, 1).recommendation, "keep_collecting");
  LearningReport rep = Evaluate(SyntheticLog(60, 3), 1);
  EXPECT_EQ(rep.recommendation, "keep_collecting");
  EXPECT_FALSE(rep.estimates.empty());
  // Unrated choices are counted, never scored.
  auto log = SyntheticLog(300, 4);
  for (size_t i = 0; i < log.size(); i += 2) log[i].reward.reset();
  rep = Evaluate(log, 1);
  EXPECT_EQ(rep.choices, 300u);
  EXPECT_EQ(rep.rewarded, 150u);
}

}  // namespace
}  // namespace haven::chat
