#include "chat/oversight.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "chat/chat_service.h"
#include "chat/totp.h"
#include "storage/audit.h"
#include "storage/memory/memory_store.h"

namespace haven::chat {
namespace {

using storage::ConversationState;
using storage::StaffRole;

const std::string kPassword = "correct horse battery staple";
constexpr char kHighRisk[] = "I have the pills here and I'm going to take them all tonight";

const reply::Engine& SharedEngine() {
  static const reply::Engine* engine = [] {
    auto loaded = reply::Engine::Load(HAVEN_SOURCE_DATA_DIR);
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status().message();
      std::abort();
    }
    return std::move(loaded).value().release();
  }();
  return *engine;
}

const safety::EscalationPolicy& SharedPolicy() {
  static const safety::EscalationPolicy* policy = [] {
    auto loaded = safety::EscalationPolicy::Load(std::string(HAVEN_SOURCE_DATA_DIR) +
                                                 "/policy/escalation.yaml");
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status().message();
      std::abort();
    }
    return new safety::EscalationPolicy(std::move(loaded).value());
  }();
  return *policy;
}

class RecordingNotifier : public Notifier {
 public:
  void Notify(Notification n) override {
    std::lock_guard<std::mutex> lock(mu_);
    sent_.push_back(std::move(n));
  }
  std::vector<Notification> sent() {
    std::lock_guard<std::mutex> lock(mu_);
    return sent_;
  }

 private:
  std::mutex mu_;
  std::vector<Notification> sent_;
};

class OversightTest : public ::testing::Test {
 protected:
  OversightTest()
      : chat_(SharedEngine(), store_, ChatOptions(), Clock()),
        staff_(store_, StaffOptions(), Clock()),
        coach_(SharedEngine()),
        oversight_(store_, staff_, SharedEngine(), &SharedPolicy(), events_, &notifier_, &coach_,
                   Options(), Clock()) {
    chat_.set_oversight(&oversight_);
    events_.Subscribe([this](const Event& e) {
      std::lock_guard<std::mutex> lock(mu_);
      seen_.push_back(e);
    });
  }

  std::function<storage::UnixMillis()> Clock() {
    return [this] { return now_.load(); };
  }
  static StaffAuthOptions StaffOptions() {
    StaffAuthOptions o;
    o.insecure_fast_hash_for_tests = true;
    return o;
  }
  static OversightOptions Options() {
    OversightOptions o;
    o.review_sample_rate = 0;  // only risky replies are queued for review here
    return o;
  }

  // A signed-in staff member's token.
  std::string SignIn(const std::string& username, StaffRole role) {
    auto user = staff_.CreateUser(username, role, kPassword);
    EXPECT_TRUE(user.ok()) << user.status().message();
    auto secret = Base32Decode(user->totp_secret_base32);
    auto login = staff_.Login(username, kPassword, TotpCode(*secret, now_ / 1000), "10.0.0.1");
    EXPECT_TRUE(login.ok()) << login.status().message();
    return login.ok() ? login->token : "";
  }

  SeekerSession Seeker() {
    auto s = chat_.CreateSeeker();
    EXPECT_TRUE(s.ok());
    return *s;
  }

  StatusOr<TurnResult> Say(const SeekerSession& s, const std::string& text) {
    return chat_.Send(s, "m" + std::to_string(++ids_), text, "en-US");
  }

  std::vector<Event> Seen(EventKind kind) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<Event> out;
    for (const auto& e : seen_) {
      if (e.kind == kind) out.push_back(e);
    }
    return out;
  }

  int64_t AuditCount(std::string_view action) {
    int64_t n = 0;
    EXPECT_TRUE(store_
                    .Transact([&](storage::Txn& txn) -> Status {
                      auto all = txn.ListAuditRecords(0, 100000);
                      if (!all.ok()) return all.status();
                      for (const auto& r : *all) n += r.action == action;
                      return Status::Ok();
                    })
                    .ok());
    return n;
  }

  std::atomic<storage::UnixMillis> now_{1'700'000'000'000};
  storage::MemoryStore store_;
  ChatService chat_;
  StaffAuth staff_;
  EventLog events_;
  RecordingNotifier notifier_;
  reply::DraftCoach coach_;
  Oversight oversight_;
  std::mutex mu_;
  std::vector<Event> seen_;
  int ids_ = 0;
};

TEST_F(OversightTest, HighRiskTurnQueuesNotifiesAndAnnounces) {
  const std::string sam = SignIn("sam", StaffRole::kSupporter);
  SeekerSession s = Seeker();
  auto turn = Say(s, kHighRisk);
  ASSERT_TRUE(turn.ok()) << turn.status().message();
  ASSERT_TRUE(turn->reply);
  EXPECT_EQ(turn->queue_position, 1);
  EXPECT_FALSE(turn->reply->crisis_lines.empty());

  auto queue = oversight_.Queue(sam);
  ASSERT_TRUE(queue.ok()) << queue.status().message();
  ASSERT_EQ(queue->size(), 1u);
  EXPECT_EQ((*queue)[0].conversation_id, s.conversation_id);
  EXPECT_LE((*queue)[0].priority, 2);
  EXPECT_GE((*queue)[0].risk_level, RiskLevel::kHigh);
  EXPECT_EQ((*queue)[0].state, ConversationState::kWaitingForStaff);

  auto queued = Seen(EventKind::kQueued);
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0].item->conversation_id, s.conversation_id);
  // The console sees both messages live, the person's with its reading.
  auto messages = Seen(EventKind::kMessage);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].message->role, storage::MessageRole::kUser);
  ASSERT_TRUE(messages[0].message->analysis);
  EXPECT_GE(messages[0].message->analysis->risk.level, RiskLevel::kHigh);
  EXPECT_EQ(messages[1].message->role, storage::MessageRole::kAssistant);

  // On-call staff are told, without a word of the message.
  auto sent = notifier_.sent();
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(sent[0].webhook, "on_call");
  EXPECT_EQ(sent[0].kind, "escalation");
  EXPECT_EQ(sent[0].conversation_id, s.conversation_id);
  for (const auto& rule : sent[0].rules) EXPECT_EQ(rule.find("pills"), std::string::npos);

  // Safest mode while the person waits: every reply carries the crisis lines, and no exercise
  // or questionnaire starts.
  auto next = Say(s, "can we do a breathing exercise please?");
  ASSERT_TRUE(next.ok());
  ASSERT_TRUE(next->reply);
  EXPECT_FALSE(next->reply->crisis_lines.empty());
  EXPECT_NE(next->reply->strategy, "exercise");
  // A calmer message does not hide the plan from the queue while the person waits.
  EXPECT_GE((*oversight_.Queue(sam))[0].risk_level, RiskLevel::kHigh);
}

// Low-level risk that keeps coming back (low, none, low, none, low) queues the conversation
// (the shipped policy's accumulated-risk rule), whether the engine's state of the conversation
// was kept in memory between the turns or is rebuilt from the stored messages (another instance,
// a restart): the levels of Haven's earlier replies reach the policy either way.
TEST_F(OversightTest, RecurringLowRiskQueuesWhetherTheStateIsKeptOrRebuilt) {
  const std::string sam = SignIn("sam", StaffRole::kSupporter);
  const std::vector<std::string> turns = {
      "I feel so hopeless about everything", "I went for a walk today",
      "honestly sometimes I wonder what the point of any of it is", "my cat is sleeping on my lap",
      "I feel so hopeless about everything again"};
  // Kept: every turn on this service.
  SeekerSession kept = Seeker();
  for (size_t i = 0; i < turns.size(); ++i) {
    auto turn = Say(kept, turns[i]);
    ASSERT_TRUE(turn.ok()) << turn.status().message();
    ASSERT_TRUE(turn->reply);
    EXPECT_EQ(turn->queue_position > 0, i + 1 == turns.size()) << turns[i];
  }
  // Rebuilt: the last turn on another service over the same store.
  SeekerSession rebuilt = Seeker();
  for (size_t i = 0; i + 1 < turns.size(); ++i) ASSERT_TRUE(Say(rebuilt, turns[i]).ok());
  ChatService other(SharedEngine(), store_, ChatOptions(), Clock());
  other.set_oversight(&oversight_);
  auto last = other.Send(rebuilt, "last", turns.back(), "en-US");
  ASSERT_TRUE(last.ok()) << last.status().message();
  ASSERT_TRUE(last->reply);
  EXPECT_GT(last->queue_position, 0);
  auto queue = oversight_.Queue(sam);
  ASSERT_TRUE(queue.ok());
  EXPECT_EQ(queue->size(), 2u);
}

// A thank-you goodbye after a calm talk, read as risk by the learned reader alone, is asked about
// rather than answered as a crisis (safety/policy.h), but the team still sees the reading: the
// escalation policy queues the conversation on the reply's risk level.
TEST_F(OversightTest, AGoodbyeAskedAboutStillReachesTheTeam) {
  const std::string sam = SignIn("sam", StaffRole::kSupporter);
  SeekerSession s = Seeker();
  ASSERT_TRUE(Say(s, "I can't sleep at night, any tips?").ok());
  auto bye = Say(s, "Yes, thank you for the ideas. Goodbye.");
  ASSERT_TRUE(bye.ok()) << bye.status().message();
  ASSERT_TRUE(bye->reply);
  EXPECT_EQ(bye->reply->action, "check_in");
  EXPECT_GE(bye->reply->risk_level, RiskLevel::kModerate);
  auto queue = oversight_.Queue(sam);
  ASSERT_TRUE(queue.ok());
  ASSERT_EQ(queue->size(), 1u);
  EXPECT_EQ((*queue)[0].conversation_id, s.conversation_id);
}

TEST_F(OversightTest, QueueRanksByPriorityThenWaitingTime) {
  const std::string sam = SignIn("sam", StaffRole::kSupporter);
  SeekerSession asks = Seeker();
  SeekerSession risky = Seeker();
  SeekerSession asks_later = Seeker();
  ASSERT_TRUE(chat_.RequestHuman(asks).ok());
  now_ += 1000;
  ASSERT_TRUE(Say(risky, kHighRisk).ok());
  now_ += 1000;
  auto position = chat_.RequestHuman(asks_later);
  ASSERT_TRUE(position.ok());
  EXPECT_EQ(*position, 3);
  auto queue = oversight_.Queue(sam);
  ASSERT_TRUE(queue.ok());
  ASSERT_EQ(queue->size(), 3u);
  EXPECT_EQ((*queue)[0].conversation_id, risky.conversation_id);
  EXPECT_EQ((*queue)[1].conversation_id, asks.conversation_id);
  EXPECT_EQ((*queue)[2].conversation_id, asks_later.conversation_id);
  EXPECT_EQ(*oversight_.QueuePosition(asks.conversation_id), 2);
}

TEST_F(OversightTest, WaitingPeopleAreToldWhenTheirPlaceChanges) {
  const std::string sam = SignIn("sam", StaffRole::kSupporter);
  SeekerSession first = Seeker();
  SeekerSession second = Seeker();
  ASSERT_TRUE(chat_.RequestHuman(first).ok());
  now_ += 1000;
  ASSERT_TRUE(chat_.RequestHuman(second).ok());
  auto last_position = [&](const std::string& conversation) {
    int p = -1;
    for (const auto& e : Seen(EventKind::kQueuePosition)) {
      if (e.conversation_id == conversation) p = e.position;
    }
    return p;
  };
  EXPECT_EQ(last_position(first.conversation_id), 1);
  EXPECT_EQ(last_position(second.conversation_id), 2);
  ASSERT_TRUE(oversight_.TakeOver(sam, first.conversation_id).ok());
  EXPECT_EQ(last_position(second.conversation_id), 1);  // moved up
}

TEST_F(OversightTest, TakeOverSilencesTheBotUntilHandBack) {
  const std::string sam = SignIn("sam", StaffRole::kSupporter);
  const std::string kim = SignIn("kim", StaffRole::kSupporter);
  SeekerSession s = Seeker();
  ASSERT_TRUE(Say(s, kHighRisk).ok());

  auto taken = oversight_.TakeOver(sam, s.conversation_id);
  ASSERT_TRUE(taken.ok()) << taken.status().message();
  EXPECT_EQ(taken->state, ConversationState::kWithStaff);
  EXPECT_EQ(taken->assigned_name, "sam");
  // Two people cannot both take it.
  auto second = oversight_.TakeOver(kim, s.conversation_id);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().message(), "taken");
  // The person is told who joined.
  auto joined = Seen(EventKind::kStaffJoined);
  ASSERT_EQ(joined.size(), 1u);
  EXPECT_EQ(joined[0].staff_name, "sam");

  auto said = oversight_.Send(sam, s.conversation_id, "c1", "I'm Sam, I'm here with you.", false);
  ASSERT_TRUE(said.ok()) << said.status().message();
  EXPECT_EQ(said->author_name, "sam");
  // A resend is not stored twice.
  auto again = oversight_.Send(sam, s.conversation_id, "c1", "I'm Sam, I'm here with you.", false);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->seq, said->seq);
  // Only the one who took it writes in it.
  EXPECT_EQ(oversight_.Send(kim, s.conversation_id, "c2", "hello", false).status().message(),
            "not_taken");

  auto held = Say(s, "thank you for being here");
  ASSERT_TRUE(held.ok());
  EXPECT_TRUE(held->held);
  EXPECT_FALSE(held->reply);  // the bot stays silent
  // Nor does a resume make the bot answer the message the person wrote to Sam.
  auto resumed = chat_.Resume(s.token);
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed->unanswered_id, "");

  ASSERT_TRUE(oversight_.HandBack(sam, s.conversation_id).ok());
  resumed = chat_.Resume(s.token);  // the hand back's line comes last: nothing is owed
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed->unanswered_id, "");
  auto answered = Say(s, "I feel a bit calmer now");
  ASSERT_TRUE(answered.ok());
  EXPECT_FALSE(answered->held);
  EXPECT_TRUE(answered->reply);
  // Risk before the hand back does not put a calm conversation straight back in the queue.
  EXPECT_EQ(answered->queue_position, 0);
  EXPECT_EQ(AuditCount(storage::audit_action::kTakeover), 1);
  EXPECT_EQ(AuditCount(storage::audit_action::kHandBack), 1);
}

TEST_F(OversightTest, OutsideTheQueueOnlyBreakGlassOpensATranscript) {
  const std::string sam = SignIn("sam", StaffRole::kSupporter);
  SeekerSession s = Seeker();
  ASSERT_TRUE(Say(s, "work has been stressful this week").ok());  // not queued

  auto refused = oversight_.Open(sam, s.conversation_id, 0);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(), "forbidden");
  EXPECT_EQ(AuditCount(storage::audit_action::kAccessDenied), 1);
  EXPECT_EQ(oversight_.Open(sam, s.conversation_id, 0, "short").status().message(), "bad_reason");

  auto opened = oversight_.Open(sam, s.conversation_id, 0, "Safeguarding concern raised by phone");
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  EXPECT_TRUE(opened->break_glass);
  EXPECT_EQ(opened->messages.size(), 2u);
  ASSERT_TRUE(opened->messages[0].analysis);
  ASSERT_EQ(opened->notes.size(), 1u);  // the reason, kept as a sealed note
  EXPECT_NE(opened->notes[0].text.find("Safeguarding"), std::string::npos);
  EXPECT_EQ(AuditCount(storage::audit_action::kBreakGlass), 1);
  EXPECT_EQ(AuditCount(storage::audit_action::kTranscriptRead), 1);
  ASSERT_EQ(Seen(EventKind::kBreakGlass).size(), 1u);
  // The grant lasts, then expires.
  EXPECT_TRUE(oversight_.Open(sam, s.conversation_id, 0).ok());
  now_ += std::chrono::milliseconds(std::chrono::hours(2)).count();
  EXPECT_FALSE(oversight_.Open(sam, s.conversation_id, 0).ok());
}

TEST_F(OversightTest, NobodyAnsweringTellsThePersonHonestlyOnce) {
  SeekerSession s = Seeker();
  ASSERT_TRUE(Say(s, kHighRisk).ok());
  size_t notified = notifier_.sent().size();
  EXPECT_EQ(*oversight_.SweepUnanswered(), 0);  // not yet
  now_ += 121'000;
  EXPECT_EQ(*oversight_.SweepUnanswered(), 1);
  EXPECT_EQ(*oversight_.SweepUnanswered(), 0);  // said once
  auto messages = Seen(EventKind::kMessage);
  ASSERT_FALSE(messages.empty());
  const LiveMessage& notice = *messages.back().message;
  EXPECT_TRUE(notice.pushed);
  EXPECT_NE(notice.text.find("nobody"), std::string::npos);
  auto sent = notifier_.sent();
  ASSERT_GT(sent.size(), notified);
  EXPECT_EQ(sent.back().kind, "unanswered");
}

TEST_F(OversightTest, ReviewQueueIsForCliniciansAndTeaches) {
  const std::string sam = SignIn("sam", StaffRole::kSupporter);
  const std::string ana = SignIn("ana", StaffRole::kClinician);
  SeekerSession s = Seeker();
  auto turn = Say(s, kHighRisk);
  ASSERT_TRUE(turn.ok());
  EXPECT_EQ(oversight_.ReviewQueue(sam).status().message(), "forbidden");
  auto items = oversight_.ReviewQueue(ana);
  ASSERT_TRUE(items.ok()) << items.status().message();
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ((*items)[0].reason, "risk");
  EXPECT_EQ((*items)[0].seq, turn->reply->seq);
  EXPECT_EQ((*items)[0].context, kHighRisk);
  ReviewScores scores{4, 5, 4, false, "A gentler rewrite."};
  ASSERT_TRUE(oversight_.SubmitReview(ana, s.conversation_id, turn->reply->seq, scores).ok());
  EXPECT_TRUE(oversight_.ReviewQueue(ana)->empty());
  EXPECT_EQ(oversight_.SubmitReview(ana, s.conversation_id, 1, {0, 5, 5, false, ""}).message(),
            "bad_field");
}

TEST_F(OversightTest, NotesTagsAndClosingACase) {
  const std::string sam = SignIn("sam", StaffRole::kSupporter);
  SeekerSession s = Seeker();
  ASSERT_TRUE(chat_.RequestHuman(s).ok());
  ASSERT_TRUE(oversight_.TakeOver(sam, s.conversation_id).ok());
  ASSERT_TRUE(oversight_.AddNote(sam, s.conversation_id, "Follow up on Friday.").ok());
  EXPECT_EQ(oversight_.SetTags(sam, s.conversation_id, {"Bad Tag"}).status().message(),
            "bad_field");
  auto tagged = oversight_.SetTags(sam, s.conversation_id, {"follow-up", "work"});
  ASSERT_TRUE(tagged.ok());
  EXPECT_EQ(tagged->tags, (std::vector<std::string>{"follow-up", "work"}));
  EXPECT_EQ(oversight_.CloseCase(sam, s.conversation_id, "fixed").status().message(), "bad_field");
  auto closed = oversight_.CloseCase(sam, s.conversation_id, "resolved");
  ASSERT_TRUE(closed.ok()) << closed.status().message();
  EXPECT_EQ(closed->state, ConversationState::kClosed);
  EXPECT_EQ(closed->outcome, "resolved");
  EXPECT_TRUE(oversight_.Queue(sam)->empty());
  // The person can always write again: the bot answers.
  auto turn = Say(s, "hi again");
  ASSERT_TRUE(turn.ok());
  EXPECT_TRUE(turn->reply);
}

TEST_F(OversightTest, DraftHelpNeedsTheConversation) {
  const std::string sam = SignIn("sam", StaffRole::kSupporter);
  SeekerSession s = Seeker();
  ASSERT_TRUE(Say(s, "I'm exhausted after the argument with my manager").ok());
  ASSERT_TRUE(chat_.RequestHuman(s).ok());
  EXPECT_EQ(oversight_.Draft(sam, s.conversation_id, "ok").status().message(), "not_taken");
  ASSERT_TRUE(oversight_.TakeOver(sam, s.conversation_id).ok());
  auto fb = oversight_.Draft(sam, s.conversation_id, "ok");
  ASSERT_TRUE(fb.ok()) << fb.status().message();
  EXPECT_FALSE(fb->suggestions.empty());
}

TEST_F(OversightTest, BadTokensAndUnknownConversations) {
  const std::string sam = SignIn("sam", StaffRole::kSupporter);
  EXPECT_EQ(oversight_.Queue("nope").status().code(), StatusCode::kNotFound);
  SeekerSession s = Seeker();
  // A seeker's token is not a staff token.
  EXPECT_EQ(oversight_.Queue(s.token).status().code(), StatusCode::kNotFound);
  auto missing = oversight_.Open(sam, std::string(32, 'a'), 0);
  EXPECT_EQ(missing.status().message(), "not_found");
}

TEST(EventLogTest, ResumesFromAKnownIdAndRefusesOthers) {
  EventLog log(3);
  Event e;
  e.kind = EventKind::kUpdated;
  std::string first = log.Publish(e);
  std::string second = log.Publish(e);
  auto since = log.Since(first);
  ASSERT_TRUE(since);
  ASSERT_EQ(since->size(), 1u);
  EXPECT_EQ((*since)[0].id, second);
  EXPECT_TRUE(log.Since(second)->empty());
  EXPECT_FALSE(log.Since("other:1"));
  EXPECT_FALSE(log.Since(log.epoch() + ":99"));
  EXPECT_FALSE(log.Since("garbage"));
  for (int i = 0; i < 5; ++i) log.Publish(e);
  EXPECT_FALSE(log.Since(first));  // dropped from the window: start from a snapshot
  EXPECT_TRUE(log.Since(log.LastId()));
}

}  // namespace
}  // namespace haven::chat

namespace haven::chat {
namespace {

TEST_F(OversightTest, CliniciansLabelMessagesOnlyWithTheirConsent) {
  const std::string sam = SignIn("sam", StaffRole::kSupporter);
  const std::string ana = SignIn("ana", StaffRole::kClinician);
  SeekerSession s = Seeker();
  auto turn = Say(s, kHighRisk);  // queued: the team may open it
  ASSERT_TRUE(turn.ok());
  const int64_t seq = turn->ack.seq;
  MessageLabel label;
  label.risk = RiskLevel::kImminent;
  label.emotions = {"sadness", "fear"};
  label.intent = "crisis";

  EXPECT_EQ(oversight_.LabelMessage(sam, s.conversation_id, seq, label).status().message(),
            "forbidden");
  // Without de-identified use nothing is kept.
  EXPECT_EQ(oversight_.LabelMessage(ana, s.conversation_id, seq, label).status().message(),
            "consent_required");
  EXPECT_FALSE(oversight_.Open(ana, s.conversation_id, 0)->labels_allowed);
  ASSERT_TRUE(chat_.SetConsent(s.token, consent::kDeidentifiedUse, true).ok());

  auto out = oversight_.LabelMessage(ana, s.conversation_id, seq, label);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->author_name, "ana");
  EXPECT_EQ(AuditCount(storage::audit_action::kMessageLabel), 1);
  // Only the person's own messages, and only real labels.
  EXPECT_EQ(
      oversight_.LabelMessage(ana, s.conversation_id, turn->reply->seq, label).status().message(),
      "not_found");
  EXPECT_EQ(oversight_.LabelMessage(ana, "nope", seq, label).status().message(), "not_found");
  MessageLabel bad = label;
  bad.emotions = {"sadness", "gloom"};
  EXPECT_EQ(oversight_.LabelMessage(ana, s.conversation_id, seq, bad).status().message(),
            "bad_field");
  EXPECT_EQ(oversight_.LabelMessage(ana, s.conversation_id, seq, MessageLabel{}).status().message(),
            "bad_field");

  // A second label replaces the first, in the console and for training.
  label.risk = RiskLevel::kHigh;
  label.emotions = {"sadness"};
  now_ += 1000;
  ASSERT_TRUE(oversight_.LabelMessage(ana, s.conversation_id, seq, label).ok());
  auto view = oversight_.Open(ana, s.conversation_id, 0);
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->labels_allowed);
  ASSERT_EQ(view->labels.size(), 1u);
  EXPECT_EQ(view->labels[0].seq, seq);
  EXPECT_EQ(view->labels[0].label.risk, RiskLevel::kHigh);
  auto collected = CollectLabels(store_);
  ASSERT_TRUE(collected.ok());
  ASSERT_EQ(collected->size(), 1u);
  EXPECT_EQ((*collected)[0].text, kHighRisk);
  EXPECT_EQ((*collected)[0].label.risk, RiskLevel::kHigh);
  EXPECT_EQ((*collected)[0].label.emotions, std::vector<std::string>{"sadness"});

  // Withdrawing consent takes the labels out of training at once.
  ASSERT_TRUE(chat_.SetConsent(s.token, consent::kDeidentifiedUse, false).ok());
  EXPECT_TRUE(CollectLabels(store_)->empty());
}

TEST(LabelTest, JsonRoundTripAndValidation) {
  MessageLabel l;
  l.risk = RiskLevel::kLow;
  l.emotions = {"grief"};
  l.intent = "venting";
  EXPECT_EQ(LabelToJson(l), R"({"risk":"low","emotions":["grief"],"intent":"venting"})");
  auto back = LabelFromJson(LabelToJson(l));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->risk, RiskLevel::kLow);
  EXPECT_EQ(back->intent, "venting");
  EXPECT_FALSE(LabelFromJson(R"({"risk":"severe"})"));
  EXPECT_FALSE(LabelFromJson(R"({"intent":"shouting"})"));
  EXPECT_FALSE(LabelFromJson(R"({"emotions":["joy","joy"]})"));
  EXPECT_FALSE(LabelFromJson(R"({"emotions":["joy","love","fear","anger"]})"));
  EXPECT_FALSE(LabelFromJson("{}"));
  EXPECT_FALSE(LabelFromJson("not json"));
  EXPECT_TRUE(LabelFromJson(R"({"emotions":["neutral"]})"));
}

}  // namespace
}  // namespace haven::chat
