#include "chat/event_relay.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "chat/chat_service.h"
#include "chat/totp.h"
#include "storage/memory/memory_store.h"
#include "storage/postgres/pg_broadcast.h"
#include "storage/postgres/pg_store.h"
#include "storage/postgres/test_cluster.h"

namespace haven::chat {
namespace {

using storage::MessageRole;
using storage::StaffRole;

const std::string kPassword = "correct horse battery staple";
constexpr char kHighRisk[] = "I have the pills here and I'm going to take them all tonight";

const reply::Engine& SharedEngine() {
  static const reply::Engine* engine = [] {
    auto loaded = reply::Engine::Load(HAVEN_SOURCE_DATA_DIR);
    if (!loaded.ok()) std::abort();
    return std::move(loaded).value().release();
  }();
  return *engine;
}

const safety::EscalationPolicy& SharedPolicy() {
  static const safety::EscalationPolicy* policy = [] {
    auto loaded = safety::EscalationPolicy::Load(std::string(HAVEN_SOURCE_DATA_DIR) +
                                                 "/policy/escalation.yaml");
    if (!loaded.ok()) std::abort();
    return new safety::EscalationPolicy(std::move(loaded).value());
  }();
  return *policy;
}

// The events one process's log saw, waited for without timing assertions (the deadline only
// ends a broken test).
class Seen {
 public:
  void Add(const Event& e) {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(e);
    cv_.notify_all();
  }
  // The first event that matches `pred`, waiting for it.
  std::optional<Event> WaitFor(const std::function<bool(const Event&)>& pred) {
    std::unique_lock<std::mutex> lock(mu_);
    std::optional<Event> found;
    cv_.wait_for(lock, std::chrono::seconds(60), [&] {
      for (const auto& e : events_) {
        if (pred(e)) {
          found = e;
          return true;
        }
      }
      return false;
    });
    return found;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Event> events_;
};

// One Haven process: its chat service, staff sign-in, oversight, event log and relay, over the
// store the processes share.
struct Instance {
  Instance(storage::Store& store, std::unique_ptr<storage::Broadcast> channel)
      : broadcast(std::move(channel)),
        chat(SharedEngine(), store, ChatOptions()),
        staff(store, StaffOptions()),
        oversight(store, staff, SharedEngine(), &SharedPolicy(), events, nullptr, nullptr,
                  Options()),
        relay(oversight, *broadcast) {
    chat.set_oversight(&oversight);
    events.Subscribe([this](const Event& e) { seen.Add(e); });
    EXPECT_TRUE(relay.Start().ok());
  }
  static StaffAuthOptions StaffOptions() {
    StaffAuthOptions o;
    o.insecure_fast_hash_for_tests = true;
    return o;
  }
  static OversightOptions Options() {
    OversightOptions o;
    o.review_sample_rate = 0;
    return o;
  }
  std::string SignIn(const std::string& username, bool create) {
    std::string secret;
    if (create) {
      auto user = staff.CreateUser(username, StaffRole::kSupporter, kPassword);
      EXPECT_TRUE(user.ok()) << user.status().message();
      secret = user->totp_secret_base32;
      secrets[username] = secret;
    }
    auto key = Base32Decode(secrets[username]);
    auto login = staff.Login(username, kPassword, TotpCode(*key, std::time(nullptr)), "10.0.0.1");
    EXPECT_TRUE(login.ok()) << login.status().message();
    return login.ok() ? login->token : "";
  }

  static inline std::map<std::string, std::string> secrets;
  Seen seen;  // before the relay, which delivers into it until it stops
  std::unique_ptr<storage::Broadcast> broadcast;
  ChatService chat;
  StaffAuth staff;
  EventLog events;
  Oversight oversight;
  EventRelay relay;
};

// A seeker on A escalates; a supporter on B sees it at once, takes over, and messages flow both
// ways; exactly one of them answered the seeker's turn.
void EscalateOnAAnswerOnB(Instance& a, Instance& b) {
  const std::string sam = b.SignIn("sam", /*create=*/true);
  auto seeker = a.chat.CreateSeeker();
  ASSERT_TRUE(seeker.ok());
  auto turn = a.chat.Send(*seeker, "m1", kHighRisk, "en-US");
  ASSERT_TRUE(turn.ok()) << turn.status().message();
  ASSERT_TRUE(turn->reply);
  const std::string conv = seeker->conversation_id;

  auto queued = b.seen.WaitFor(
      [&](const Event& e) { return e.kind == EventKind::kQueued && e.conversation_id == conv; });
  ASSERT_TRUE(queued);
  EXPECT_TRUE(queued->remote);
  ASSERT_TRUE(queued->item);
  EXPECT_LE(queued->item->priority, 2);
  EXPECT_GE(queued->item->risk_level, RiskLevel::kHigh);
  // The person's message, with its text and its reading, rebuilt on B from the store.
  auto said = b.seen.WaitFor([&](const Event& e) {
    return e.kind == EventKind::kMessage && e.conversation_id == conv && e.message &&
           e.message->role == MessageRole::kUser;
  });
  ASSERT_TRUE(said);
  EXPECT_EQ(said->message->text, kHighRisk);
  ASSERT_TRUE(said->message->analysis);
  EXPECT_GE(said->message->analysis->risk.level, RiskLevel::kHigh);

  // B's supporter takes over: A's seeker hears that a person joined.
  ASSERT_TRUE(b.oversight.TakeOver(sam, conv).ok());
  auto joined = a.seen.WaitFor([&](const Event& e) {
    return e.kind == EventKind::kStaffJoined && e.conversation_id == conv;
  });
  ASSERT_TRUE(joined);
  EXPECT_EQ(joined->staff_name, "sam");
  EXPECT_EQ(joined->owner_id, seeker->account_id);

  // Both ways.
  auto staff_msg =
      b.oversight.Send(sam, conv, "s1", "I'm here with you. Are you safe right now?", false);
  ASSERT_TRUE(staff_msg.ok()) << staff_msg.status().message();
  auto heard = a.seen.WaitFor([&](const Event& e) {
    return e.kind == EventKind::kMessage && e.message && e.message->role == MessageRole::kStaff;
  });
  ASSERT_TRUE(heard);
  EXPECT_EQ(heard->message->text, "I'm here with you. Are you safe right now?");
  EXPECT_EQ(heard->message->author_name, "sam");
  EXPECT_EQ(heard->message->seq, staff_msg->seq);

  auto reply = a.chat.Send(*seeker, "m2", "not really. thank you for being here", "en-US");
  ASSERT_TRUE(reply.ok());
  EXPECT_TRUE(reply->held);  // the bot is silent while a person has it
  EXPECT_FALSE(reply->reply);
  auto back = b.seen.WaitFor([&](const Event& e) {
    return e.kind == EventKind::kMessage && e.message &&
           e.message->text == "not really. thank you for being here";
  });
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->remote);

  // The seeker's resend reaches the other process: the stored turn, not a second answer.
  auto again = b.chat.Send(*seeker, "m1", kHighRisk, "en-US");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->ack.duplicate);
  EXPECT_GT(a.relay.sent(), 0u);
  EXPECT_GT(b.relay.relayed_in(), 0u);

  // Break-glass on B holds on A too (one staff session serves both: it is in the store).
  const std::string kim = b.SignIn("kim", /*create=*/true);
  auto refused = a.oversight.Open(kim, conv, 0);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(), "forbidden");
  ASSERT_TRUE(b.oversight.Open(kim, conv, 0, "the person named a plan; covering for sam").ok());
  ASSERT_TRUE(a.seen.WaitFor([&](const Event& e) {
    return e.kind == EventKind::kBreakGlass && e.conversation_id == conv;
  }));
  auto granted = a.oversight.Open(kim, conv, 0);
  EXPECT_TRUE(granted.ok()) << granted.status().message();
}

TEST(EventRelayTest, TwoProcessesOnOneStoreOverALocalHub) {
  storage::MemoryStore store;
  storage::LocalBroadcastHub hub;
  Instance a(store, hub.NewChannel());
  Instance b(store, hub.NewChannel());
  EscalateOnAAnswerOnB(a, b);
}

TEST(EventRelayTest, TwoProcessesOverPostgresListenNotify) {
  HAVEN_REQUIRE_PG_CLUSTER(cluster);
  auto db = cluster.NewDatabase();
  ASSERT_TRUE(db.ok()) << db.status().message();
  auto store_a = storage::PostgresStore::Open(*db);
  auto store_b = storage::PostgresStore::Open(*db);
  ASSERT_TRUE(store_a.ok() && store_b.ok());
  auto channel_a = storage::PgBroadcast::Open(*db);
  auto channel_b = storage::PgBroadcast::Open(*db);
  ASSERT_TRUE(channel_a.ok() && channel_b.ok());
  Instance a(**store_a, std::move(channel_a).value());
  Instance b(**store_b, std::move(channel_b).value());
  EscalateOnAAnswerOnB(a, b);
}

TEST(EventRelayTest, ReferencesCarryNoTextAndRoundTrip) {
  Event e;
  e.kind = EventKind::kMessage;
  e.conversation_id = "c1";
  e.owner_id = "u1";
  LiveMessage m;
  m.seq = 7;
  m.text = "my secret words";
  m.pushed = true;
  e.message = m;
  const std::string payload = EventRelay::Encode(e, "epochA");
  EXPECT_EQ(payload.find("secret"), std::string::npos);
  std::string origin;
  auto d = EventRelay::Decode(payload, &origin);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(origin, "epochA");
  EXPECT_EQ(d->kind, EventKind::kMessage);
  EXPECT_EQ(d->conversation_id, "c1");
  EXPECT_EQ(d->owner_id, "u1");
  ASSERT_TRUE(d->message);
  EXPECT_EQ(d->message->seq, 7);
  EXPECT_TRUE(d->message->pushed);
  EXPECT_TRUE(d->message->text.empty());

  Event g;
  g.kind = EventKind::kBreakGlass;
  g.conversation_id = "c2";
  g.staff_name = "kim";
  g.staff_id = "acct-kim";
  g.reason = "a written reason that must stay in the notes";
  g.expires_at = 123;
  const std::string gp = EventRelay::Encode(g, "e");
  EXPECT_EQ(gp.find("reason"), std::string::npos);
  EXPECT_EQ(gp.find("written"), std::string::npos);
  auto gd = EventRelay::Decode(gp, &origin);
  ASSERT_TRUE(gd.ok());
  EXPECT_EQ(gd->staff_name, "kim");
  EXPECT_EQ(gd->staff_id, "acct-kim");
  EXPECT_EQ(gd->expires_at, 123);

  for (const char* bad : {"", "{}", "[1]", R"({"v":1,"k":"nope","c":"c","u":"u","o":"e"})",
                          R"({"v":2,"k":"queued","c":"c","u":"u","o":"e"})",
                          R"({"v":1,"k":"message","c":"c","u":"u","o":"e"})",
                          R"({"v":1,"k":"queued","c":"","u":"u","o":"e"})"}) {
    EXPECT_FALSE(EventRelay::Decode(bad, &origin).ok()) << bad;
  }
}

}  // namespace
}  // namespace haven::chat
