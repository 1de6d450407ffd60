// Check-ins in ChatService: a PHQ-9 conducted in the conversation is stored once (even when its
// last turn is processed twice), a stopped GAD-7 is kept unscored, the mood check-in, the
// history, and authorisation on each call.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chat/chat_service.h"
#include "chat/live_conversations.h"
#include "storage/memory/memory_store.h"

namespace haven::chat {
namespace {

using nlohmann::json;

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

// A memory store whose n-th unit of work from now fails: before it runs (`Fail`), or after it
// committed, as a commit whose answer was lost (`LoseAnswer`).
class FlakyStore : public storage::Store {
 public:
  enum class Mode { kFail, kLoseAnswer };
  void Arm(int nth, Mode mode) {
    countdown_ = nth;
    mode_ = mode;
  }
  Status Transact(const std::function<Status(storage::Txn&)>& fn) override {
    if (countdown_ > 0 && --countdown_ == 0) {
      if (mode_ == Mode::kFail) return Internal("injected failure");
      Status s = inner_.Transact(fn);
      return s.ok() ? Internal("injected: the commit's answer was lost") : s;
    }
    return inner_.Transact(fn);
  }
  storage::MemoryStore& inner() { return inner_; }

 private:
  storage::MemoryStore inner_;
  int countdown_ = 0;
  Mode mode_ = Mode::kFail;
};

// The published PHQ-9 answers of engine_flows_test: total 10, moderate.
const std::vector<std::string> kPhq9Answers = {
    "several days", "more than half the days", "1", "2",         "not at all",
    "several days", "nearly every day",        "0", "not at all"};

class CheckInsTest : public ::testing::Test {
 protected:
  CheckInsTest()
      : service_(SharedEngine(), store_, ChatOptions(), [this] { return now_.load(); }) {}

  SeekerSession NewSeeker() {
    auto s = service_.CreateSeeker();
    EXPECT_TRUE(s.ok()) << s.status().message();
    return *s;
  }
  // Sends `text` as message `id`; the reply's text ("" when none).
  std::string Say(const SeekerSession& s, const std::string& id, const std::string& text) {
    now_ += 1000;
    auto t = service_.Send(s, id, text, "en-US");
    EXPECT_TRUE(t.ok()) << id << ": " << t.status().message();
    if (!t.ok() || !t->reply) return "";
    return t->reply->text;
  }
  std::vector<storage::ScreeningResult> Stored(const std::string& account) {
    std::vector<storage::ScreeningResult> out;
    Status st = store_.Transact([&](storage::Txn& txn) -> Status {
      auto rows = txn.ListScreenings(account);
      if (!rows.ok()) return rows.status();
      out = *rows;
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.message();
    return out;
  }
  // Starts a PHQ-9 and answers its nine items; the functional-difficulty question is next, and
  // its answer ends the questionnaire.
  void Phq9UpToDifficulty(const SeekerSession& s) {
    std::string start = Say(s, "start", "can I take a depression test?");
    ASSERT_NE(start.find(SharedEngine().screener().content(reply::Instrument::kPhq9).items[0]),
              std::string::npos)
        << start;
    for (size_t i = 0; i < kPhq9Answers.size(); ++i) {
      Say(s, "a" + std::to_string(i), kPhq9Answers[i]);
    }
    EXPECT_TRUE(Stored(s.account_id).empty()) << "nothing before the questionnaire ends";
  }

  std::atomic<storage::UnixMillis> now_{1'700'000'000'000};
  FlakyStore store_;
  ChatService service_;
};

TEST_F(CheckInsTest, APhq9InTheConversationIsStoredOnceWithItsAnswers) {
  SeekerSession s = NewSeeker();
  Say(s, "hi", "hi, I have been feeling flat for weeks");
  Phq9UpToDifficulty(s);
  std::string last = Say(s, "difficulty", "somewhat difficult");
  EXPECT_NE(last.find("10"), std::string::npos) << last;

  auto rows = Stored(s.account_id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].instrument, "phq9");
  EXPECT_EQ(rows[0].id.size(), 32u);
  json p = json::parse(rows[0].payload);
  EXPECT_EQ(p["instrument"], "phq9");
  EXPECT_EQ(p["conversation"], s.conversation_id);
  EXPECT_EQ(p["completed"], true);
  EXPECT_EQ(p["score"], 10);
  EXPECT_EQ(p["severity"], "moderate");
  EXPECT_EQ(p["answers"], json({1, 2, 1, 2, 0, 1, 3, 0, 0}));
  EXPECT_EQ(p["item9_positive"], false);
  EXPECT_EQ(p["started_seq"], 3) << "the seq of 'can I take a depression test?'";

  // Later turns store nothing more.
  Say(s, "after", "thanks, that was useful");
  EXPECT_EQ(Stored(s.account_id).size(), 1u);

  auto history = service_.CheckIns(s.token);
  ASSERT_TRUE(history.ok()) << history.status().message();
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].instrument, "phq9");
  EXPECT_EQ((*history)[0].score, 10);
  EXPECT_EQ((*history)[0].severity, "moderate");
  EXPECT_TRUE((*history)[0].completed);
  EXPECT_GT((*history)[0].time, 0);

  // The export has the answers (docs/export-schema.md).
  auto doc = service_.Export(s.token);
  ASSERT_TRUE(doc.ok());
  json e = json::parse(*doc);
  ASSERT_EQ(e["screenings"].size(), 1u);
  EXPECT_EQ(json::parse(e["screenings"][0]["payload"].get<std::string>())["answers"].size(), 9u);
}

TEST_F(CheckInsTest, APhq9GoesOnAtTheSameQuestionAfterARestart) {
  SeekerSession s = NewSeeker();
  Say(s, "start", "can I take a depression test?");
  for (size_t i = 0; i < 4; ++i) Say(s, "a" + std::to_string(i), kPhq9Answers[i]);
  // Where it stands is stored with the reply, sealed in a real store (the contract tests).
  json kept;
  ASSERT_TRUE(store_
                  .Transact([&](storage::Txn& txn) -> Status {
                    auto msgs = txn.ListMessages(s.conversation_id, 0, 100);
                    if (!msgs.ok()) return msgs.status();
                    kept = json::parse(msgs->back().activity);
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(kept["screening"]["answers"], json({1, 2, 1, 2}));
  auto doc = service_.Export(s.token);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(json::parse(*doc)["conversations"][0]["messages"].back()["activity"], kept)
      << "the export holds it too";

  // A restart: a new service over the same store, with nothing in memory.
  ChatService restarted(SharedEngine(), store_, ChatOptions(), [this] { return now_.load(); });
  now_ += 1000;
  auto fifth = restarted.Send(s, "a4", kPhq9Answers[4], "en-US");
  ASSERT_TRUE(fifth.ok() && fifth->reply) << fifth.status().message();
  const auto& items = SharedEngine().screener().content(reply::Instrument::kPhq9).items;
  EXPECT_NE(fifth->reply->text.find(items[5]), std::string::npos) << fifth->reply->text;
  for (size_t i = 5; i < kPhq9Answers.size(); ++i) {
    now_ += 1000;
    ASSERT_TRUE(restarted.Send(s, "a" + std::to_string(i), kPhq9Answers[i], "en-US").ok());
  }
  now_ += 1000;
  auto last = restarted.Send(s, "difficulty", "somewhat difficult", "en-US");
  ASSERT_TRUE(last.ok() && last->reply);
  EXPECT_NE(last->reply->text.find("10"), std::string::npos) << last->reply->text;
  auto rows = Stored(s.account_id);
  ASSERT_EQ(rows.size(), 1u);
  json p = json::parse(rows[0].payload);
  EXPECT_EQ(p["answers"], json({1, 2, 1, 2, 0, 1, 3, 0, 0}));
  EXPECT_EQ(p["started_seq"], 1) << "the seq of 'can I take a depression test?'";
}

TEST_F(CheckInsTest, ALastAnswerWhoseReplyFailedIsStoredOnceWhenSentAgain) {
  SeekerSession s = NewSeeker();
  Phq9UpToDifficulty(s);
  // The turn: append the message, read the context, store the reply; the third fails.
  store_.Arm(3, FlakyStore::Mode::kFail);
  now_ += 1000;
  auto failed = service_.Send(s, "difficulty", "somewhat difficult", "en-US");
  EXPECT_FALSE(failed.ok());
  EXPECT_TRUE(Stored(s.account_id).empty());
  // The client sends it again with the same id: answered from the same state, stored once.
  std::string again = Say(s, "difficulty", "somewhat difficult");
  EXPECT_NE(again.find("10"), std::string::npos) << again;
  auto rows = Stored(s.account_id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(json::parse(rows[0].payload)["score"], 10);
}

TEST_F(CheckInsTest, ALostCommitAnswerDoesNotStoreTwice) {
  SeekerSession s = NewSeeker();
  Phq9UpToDifficulty(s);
  // The reply and the result are committed, but the service is told the commit failed.
  store_.Arm(3, FlakyStore::Mode::kLoseAnswer);
  now_ += 1000;
  auto lost = service_.Send(s, "difficulty", "somewhat difficult", "en-US");
  EXPECT_FALSE(lost.ok());
  EXPECT_EQ(Stored(s.account_id).size(), 1u);
  auto again = service_.Send(s, "difficulty", "somewhat difficult", "en-US");
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_TRUE(again->ack.duplicate);
  EXPECT_FALSE(again->reply.has_value()) << "the reply was stored: never a second one";
  Say(s, "next", "ok, thank you");
  EXPECT_EQ(Stored(s.account_id).size(), 1u);
}

TEST_F(CheckInsTest, AStoppedGad7IsKeptUnscored) {
  SeekerSession s = NewSeeker();
  Say(s, "g0", "I'd like to take an anxiety test");
  Say(s, "g1", "several days");
  Say(s, "g2", "stop");
  auto rows = Stored(s.account_id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].instrument, "gad7");
  json p = json::parse(rows[0].payload);
  EXPECT_EQ(p["completed"], false);
  EXPECT_TRUE(p["score"].is_null());
  EXPECT_TRUE(p["severity"].is_null());
  EXPECT_EQ(p["answers"], json({1}));
  auto history = service_.CheckIns(s.token);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_FALSE((*history)[0].completed);
  EXPECT_FALSE((*history)[0].score.has_value());
  EXPECT_EQ((*history)[0].severity, "");
}

TEST_F(CheckInsTest, Phq9Item9StillTakesTheRiskPathAndIsStored) {
  SeekerSession s = NewSeeker();
  Say(s, "p0", "can we do the PHQ-9?");
  for (int i = 0; i < 8; ++i) Say(s, "p" + std::to_string(i + 1), "not at all");
  now_ += 1000;
  auto t = service_.Send(s, "p9", "several days", "en-US");
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(t->reply);
  EXPECT_TRUE(t->reply->escalate);
  EXPECT_GE(t->reply->risk_level, RiskLevel::kModerate);
  EXPECT_FALSE(t->reply->crisis_lines.empty());
  auto rows = Stored(s.account_id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(json::parse(rows[0].payload)["item9_positive"], true);
}

TEST_F(CheckInsTest, MoodIsValidatedStoredAndListedOldestFirst) {
  SeekerSession s = NewSeeker();
  for (int bad : {0, 6, -1, 100}) {
    auto r = service_.RecordMood(s.token, bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message(), "bad_field");
  }
  now_ += 1000;
  auto low = service_.RecordMood(s.token, 2);
  ASSERT_TRUE(low.ok()) << low.status().message();
  EXPECT_EQ(low->instrument, "mood");
  EXPECT_EQ(low->score, 2);
  EXPECT_EQ(low->time, now_.load());
  now_ += 1000;
  ASSERT_TRUE(service_.RecordMood(s.token, 5).ok());

  auto history = service_.CheckIns(s.token);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].score, 2);
  EXPECT_EQ((*history)[1].score, 5);
  EXPECT_LT((*history)[0].time, (*history)[1].time);
  EXPECT_EQ((*history)[0].severity, "");

  // Sealed like every personal field; another person sees none of it.
  auto rows = Stored(s.account_id);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(json::parse(rows[0].payload)["value"], 2);
  SeekerSession other = NewSeeker();
  auto theirs = service_.CheckIns(other.token);
  ASSERT_TRUE(theirs.ok());
  EXPECT_TRUE(theirs->empty());
}

TEST_F(CheckInsTest, AMoodCheckInWithAnIdIsStoredOnce) {
  SeekerSession s = NewSeeker();
  now_ += 1000;
  auto first = service_.RecordMood(s.token, 2, "mood-1");
  ASSERT_TRUE(first.ok()) << first.status().message();
  const auto stored_at = now_.load();
  // The resend after a dropped connection (later, even with another value): the first one.
  now_ += 5000;
  auto again = service_.RecordMood(s.token, 4, "mood-1");
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->score, 2);
  EXPECT_EQ(again->time, stored_at);
  EXPECT_EQ(Stored(s.account_id).size(), 1u);
  // Another id, or none, is another check-in; the same id of another person is theirs.
  ASSERT_TRUE(service_.RecordMood(s.token, 3, "mood-2").ok());
  ASSERT_TRUE(service_.RecordMood(s.token, 3).ok());
  ASSERT_TRUE(service_.RecordMood(s.token, 3).ok());
  EXPECT_EQ(Stored(s.account_id).size(), 4u);
  SeekerSession other = NewSeeker();
  auto theirs = service_.RecordMood(other.token, 5, "mood-1");
  ASSERT_TRUE(theirs.ok());
  EXPECT_EQ(theirs->score, 5);
  EXPECT_EQ(Stored(other.account_id).size(), 1u);
  // An id outside the client-id rules is refused, and nothing is stored.
  for (std::string bad : {std::string("has space"), std::string(65, 'a'), std::string("\xff")}) {
    auto r = service_.RecordMood(s.token, 3, bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(), "bad_client_id");
  }
  EXPECT_EQ(Stored(s.account_id).size(), 4u);
}

TEST_F(CheckInsTest, EachCallChecksTheSession) {
  SeekerSession s = NewSeeker();
  EXPECT_EQ(service_.RecordMood("not-a-token", 3).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(service_.CheckIns("not-a-token").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(service_.Revoke(s.token).ok());
  EXPECT_EQ(service_.RecordMood(s.token, 3).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(service_.CheckIns(s.token).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(Stored(s.account_id).empty());
}

TEST_F(CheckInsTest, ErasureTakesTheCheckInsToo) {
  SeekerSession s = NewSeeker();
  ASSERT_TRUE(service_.RecordMood(s.token, 1).ok());
  ASSERT_TRUE(service_.Erase(s.token).ok());
  EXPECT_TRUE(Stored(s.account_id).empty());
}

TEST(LiveConversationsTest, TakeOnlyAtTheSeqAndLocaleSeenAndBoundedByCapacity) {
  LiveConversations live(2);
  auto entry = [](const std::string& account, int64_t seq) {
    auto e = std::make_unique<LiveConversation>();
    e->conversation = std::make_unique<reply::Conversation>(SharedEngine(), "en-US");
    e->account_id = account;
    e->locale = "en-US";
    e->through_seq = seq;
    return e;
  };
  live.Put("c1", entry("a", 4));
  EXPECT_EQ(live.Take("c1", 3, "en-US"), nullptr) << "another seq: rebuilt";
  EXPECT_EQ(live.Take("c1", 4, "en-US"), nullptr) << "the wrong Take dropped it";
  live.Put("c1", entry("a", 4));
  EXPECT_EQ(live.Take("c1", 4, "en-GB"), nullptr) << "another locale";
  live.Put("c1", entry("a", 4));
  EXPECT_NE(live.Take("c1", 4, "en-US"), nullptr);
  EXPECT_EQ(live.size(), 0u);

  live.Put("c1", entry("a", 1));
  live.Put("c2", entry("b", 1));
  live.Put("c3", entry("a", 1));  // c1 was put first: dropped
  EXPECT_EQ(live.size(), 2u);
  EXPECT_EQ(live.Take("c1", 1, "en-US"), nullptr);
  live.DropAccount("a");
  EXPECT_EQ(live.size(), 1u);
  EXPECT_NE(live.Take("c2", 1, "en-US"), nullptr);
}

}  // namespace
}  // namespace haven::chat
