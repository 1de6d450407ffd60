#include "chat/chat_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "chat/staff_auth.h"
#include "chat/tokens.h"
#include "chat/totp.h"
#include "storage/memory/memory_store.h"
#include "storage/open.h"
#include "storage/test_util.h"

namespace haven::chat {
namespace {

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

class ChatServiceTest : public ::testing::Test {
 protected:
  ChatServiceTest() : service_(SharedEngine(), store_, Options(), clock_.AsClock()) {}
  static ChatOptions Options() {
    ChatOptions o;
    o.session_idle = std::chrono::hours(1);
    o.session_lifetime = std::chrono::hours(10);
    return o;
  }
  FakeClock clock_;
  storage::MemoryStore store_;
  ChatService service_;
};

TEST_F(ChatServiceTest, NewSeekerGetsTokenPhraseAndConversation) {
  auto s = service_.CreateSeeker();
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->account_id.size(), 32u);
  EXPECT_FALSE(s->conversation_id.empty());
  EXPECT_EQ(s->token.size(), 64u);
  EXPECT_FALSE(s->recovery_phrase.empty());
  EXPECT_FALSE(s->resumed);
  // Neither the token nor the phrase is stored in the clear.
  ASSERT_TRUE(store_
                  .Transact([&](storage::Txn& txn) -> Status {
                    auto a = txn.GetAccount(s->account_id);
                    EXPECT_TRUE(a.ok());
                    EXPECT_EQ(a->recovery_hash.find(s->recovery_phrase), std::string::npos);
                    EXPECT_TRUE(VerifyRecoveryPhrase(s->recovery_phrase, a->recovery_hash));
                    EXPECT_FALSE(txn.GetSession(s->token).ok());
                    EXPECT_TRUE(txn.GetSession(HashSessionToken(s->token)).ok());
                    return Status::Ok();
                  })
                  .ok());
}

TEST_F(ChatServiceTest, TurnPersistsBothMessagesAndReplies) {
  auto s = service_.CreateSeeker();
  ASSERT_TRUE(s.ok());
  auto t = service_.Send(*s, "c1", "I feel so lonely since I moved here", "en-US");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->ack.client_message_id, "c1");
  EXPECT_EQ(t->ack.seq, 1);
  EXPECT_FALSE(t->ack.duplicate);
  ASSERT_TRUE(t->reply.has_value());
  EXPECT_EQ(t->reply->seq, 2);
  EXPECT_FALSE(t->reply->text.empty());
  EXPECT_FALSE(t->reply->strategy.empty());
  EXPECT_FALSE(t->reply->escalate);

  auto r = service_.Resume(s->token);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->history.size(), 2u);
  EXPECT_EQ(r->history[0].role, "user");
  EXPECT_EQ(r->history[0].text, "I feel so lonely since I moved here");
  EXPECT_EQ(r->history[1].role, "assistant");
  EXPECT_EQ(r->history[1].text, t->reply->text);
  EXPECT_EQ(r->history[1].strategy, t->reply->strategy);
  // after_seq: only what was missed.
  auto missed = service_.Resume(s->token, 1);
  ASSERT_TRUE(missed.ok());
  ASSERT_EQ(missed->history.size(), 1u);
  EXPECT_EQ(missed->history[0].seq, 2);
}

// The server acknowledges at commit latency: on_stored runs once the message is committed and
// before the reply exists, with the ack the result holds; not at all for a refused message.
TEST_F(ChatServiceTest, OnStoredRunsOnceAfterTheCommitAndBeforeTheReply) {
  auto s = service_.CreateSeeker();
  ASSERT_TRUE(s.ok());
  int calls = 0;
  Ack seen;
  size_t stored_then = 0;
  auto t = service_.Send(*s, "early", "my exams start tomorrow and I can't sleep", "en-US",
                         [&](const Ack& ack) {
                           calls++;
                           seen = ack;
                           auto r = service_.Resume(s->token);
                           if (r.ok()) stored_then = r->history.size();
                         });
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(seen.seq, t->ack.seq);
  EXPECT_EQ(seen.message_id, t->ack.message_id);
  EXPECT_EQ(stored_then, 1u) << "the person's message was there, the reply not yet";
  ASSERT_TRUE(t->reply.has_value());

  auto again = service_.Send(*s, "early", "my exams start tomorrow and I can't sleep", "en-US",
                             [&](const Ack& ack) {
                               calls++;
                               EXPECT_TRUE(ack.duplicate);
                             });
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(calls, 2);
  auto refused = service_.Send(*s, "bad", "", "en-US", [&](const Ack&) { calls++; });
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(calls, 2);
}

// The process stopped after the message's commit (and its early ack), before the reply: a resume
// says which message is owed its reply, whatever last_seq the client gives and however long the
// conversation; a resend of it finishes the turn, and then nothing is owed.
TEST_F(ChatServiceTest, ResumeFindsTheMessageTheServerStoppedBeforeAnswering) {
  auto s = service_.CreateSeeker();
  ASSERT_TRUE(s.ok());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(service_.Send(*s, "m" + std::to_string(i), "work was long today", "en-US").ok());
  }
  auto clean = service_.Resume(s->token);
  ASSERT_TRUE(clean.ok());
  EXPECT_EQ(clean->unanswered_id, "");

  storage::Message lost;
  lost.id = storage::NewRecordId();
  lost.conversation_id = s->conversation_id;
  lost.role = storage::MessageRole::kUser;
  lost.client_message_id = "lost";
  lost.text = "I keep going over what she said";
  int64_t lost_seq = 0;
  ASSERT_TRUE(store_
                  .Transact([&](storage::Txn& txn) -> Status {
                    auto a = txn.AppendMessage(lost);
                    if (!a.ok()) return a.status();
                    lost_seq = a->message.seq;
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(lost_seq, 7);
  for (int64_t after : {int64_t{0}, int64_t{5}, lost_seq - 1, lost_seq}) {
    auto r = service_.Resume(s->token, after);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->unanswered_id, "lost") << "after " << after;
    EXPECT_EQ(r->unanswered_text, lost.text) << "after " << after;
  }
  auto paged = service_.Resume(s->token, 0, /*max_history=*/2);  // the tail is read on
  ASSERT_TRUE(paged.ok());
  EXPECT_EQ(paged->history.size(), 2u);
  EXPECT_EQ(paged->unanswered_id, "lost");

  auto r = service_.Resume(s->token, lost_seq);
  ASSERT_TRUE(r.ok());
  auto finished = service_.Send(*r, r->unanswered_id, r->unanswered_text, "en-US");
  ASSERT_TRUE(finished.ok());
  EXPECT_TRUE(finished->ack.duplicate);
  ASSERT_TRUE(finished->reply.has_value());
  EXPECT_EQ(finished->reply->seq, lost_seq + 1);
  auto after = service_.Resume(s->token, lost_seq);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->unanswered_id, "");
  EXPECT_EQ(after->unanswered_text, "");
}

TEST_F(ChatServiceTest, ResendGetsSameAckAndNoSecondReply) {
  auto s = service_.CreateSeeker();
  ASSERT_TRUE(s.ok());
  auto first = service_.Send(*s, "same-id", "work has been really stressful", "en-US");
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->reply.has_value());
  auto again = service_.Send(*s, "same-id", "work has been really stressful", "en-US");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->ack.duplicate);
  EXPECT_EQ(again->ack.seq, first->ack.seq);
  EXPECT_EQ(again->ack.message_id, first->ack.message_id);
  EXPECT_FALSE(again->reply.has_value());
  auto r = service_.Resume(s->token);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->history.size(), 2u);
}

// Any valid client id is a message like any other, "reply:..." included: Haven's replies are
// keyed with a character client ids cannot hold. (Found by delivery_kill_test.)
TEST_F(ChatServiceTest, ClientIdsThatLookLikeReplyKeysAreOrdinaryMessages) {
  auto s = service_.CreateSeeker();
  ASSERT_TRUE(s.ok());
  for (const char* id : {"a1", "reply:a1", "reply:b1", "b1"}) {
    auto t = service_.Send(*s, id, "work has been really stressful", "en-US");
    ASSERT_TRUE(t.ok()) << id << ": " << t.status().message();
    EXPECT_FALSE(t->ack.duplicate) << id;
    ASSERT_TRUE(t->reply.has_value()) << id;
    EXPECT_FALSE(t->reply->strategy.empty()) << id;
    EXPECT_GT(t->reply->seq, t->ack.seq) << id;
  }
  auto r = service_.Resume(s->token);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->history.size(), 8u);
  EXPECT_EQ(r->history[2].client_message_id, "reply:a1");
  EXPECT_EQ(r->history[2].role, "user");
  auto again = service_.Send(*s, "reply:a1", "work has been really stressful", "en-US");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->ack.duplicate);
  EXPECT_FALSE(again->reply.has_value());
}

TEST_F(ChatServiceTest, HighRiskReplyEscalatesWithCrisisLines) {
  auto s = service_.CreateSeeker();
  ASSERT_TRUE(s.ok());
  auto t =
      service_.Send(*s, "r1", "I have the pills and I am going to kill myself tonight", "en-US");
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(t->reply.has_value());
  EXPECT_TRUE(t->reply->escalate);
  EXPECT_GE(t->reply->risk_level, RiskLevel::kHigh);
  EXPECT_FALSE(t->reply->crisis_lines.empty());
  EXPECT_FALSE(t->reply->emergency_number.empty());
}

TEST_F(ChatServiceTest, BadInputIsRefusedWithACode) {
  auto s = service_.CreateSeeker();
  ASSERT_TRUE(s.ok());
  auto code = [&](std::string_view id, std::string_view text) {
    auto t = service_.Send(*s, id, text, "en-US");
    EXPECT_FALSE(t.ok());
    return t.ok() ? std::string("ok") : t.status().message();
  };
  EXPECT_EQ(code("a", "bad \xff utf8"), "invalid_utf8");
  EXPECT_EQ(code("a", std::string(4001, 'x')), "too_large");
  EXPECT_EQ(code("a", "  \n"), "empty");
  EXPECT_EQ(code("", "hi"), "bad_client_id");
  EXPECT_EQ(code("has space", "hi"), "bad_client_id");
  EXPECT_EQ(code(std::string(65, 'a'), "hi"), "bad_client_id");
  // Nothing was stored.
  auto r = service_.Resume(s->token);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->history.empty());
}

TEST_F(ChatServiceTest, SomeoneElsesConversationIsNotFound) {
  auto a = service_.CreateSeeker();
  auto b = service_.CreateSeeker();
  ASSERT_TRUE(a.ok() && b.ok());
  SeekerSession forged = *b;
  forged.conversation_id = a->conversation_id;
  auto t = service_.Send(forged, "x", "hello", "en-US");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kNotFound);
}

TEST_F(ChatServiceTest, SessionsExpireWhenIdleAtTheirLifetimeAndOnRevoke) {
  auto s = service_.CreateSeeker();
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(service_.Resume(s->token).ok());
  EXPECT_FALSE(service_.Resume("not-a-token").ok());
  clock_.Advance(std::chrono::minutes(59));
  EXPECT_TRUE(service_.CheckSession(s->token).ok());  // touched: idle timer restarts
  clock_.Advance(std::chrono::minutes(61));
  auto idle = service_.Resume(s->token);
  ASSERT_FALSE(idle.ok());
  EXPECT_EQ(idle.status().code(), StatusCode::kNotFound);

  auto s2 = service_.CreateSeeker();
  ASSERT_TRUE(s2.ok());
  for (int i = 0; i < 11; ++i) {
    clock_.Advance(std::chrono::minutes(55));
    (void)service_.CheckSession(s2->token);
  }
  EXPECT_FALSE(service_.Resume(s2->token).ok());  // past the 10 h lifetime

  auto s3 = service_.CreateSeeker();
  ASSERT_TRUE(s3.ok());
  EXPECT_TRUE(service_.Revoke(s3->token).ok());
  EXPECT_FALSE(service_.Resume(s3->token).ok());
  EXPECT_FALSE(service_.CheckSession(s3->token).ok());
  EXPECT_TRUE(service_.Revoke(s3->token).ok());  // idempotent
}

TEST_F(ChatServiceTest, RecoveryPhraseOpensANewSessionOnTheSameConversation) {
  auto s = service_.CreateSeeker();
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(service_.Send(*s, "m1", "hello", "en-US").ok());
  EXPECT_FALSE(service_.Recover(s->account_id, "wrong-phrase").ok());
  EXPECT_FALSE(service_.Recover("nobody", s->recovery_phrase).ok());
  auto r = service_.Recover(s->account_id, s->recovery_phrase);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->token, s->token);
  EXPECT_EQ(r->conversation_id, s->conversation_id);
  EXPECT_TRUE(r->recovery_phrase.empty());
}

TEST_F(ChatServiceTest, AStaffTokenIsNotASeekersOnTheSeekerPath) {
  StaffAuthOptions o;
  o.insecure_fast_hash_for_tests = true;
  StaffAuth staff(store_, o, clock_.AsClock());
  const std::string password = "correct horse battery staple";
  auto user = staff.CreateUser("carol", storage::StaffRole::kSupporter, password);
  ASSERT_TRUE(user.ok()) << user.status().message();
  auto secret = Base32Decode(user->totp_secret_base32);
  ASSERT_TRUE(secret.ok());
  auto login = staff.Login("carol", password, TotpCode(*secret, clock_.Now() / 1000), "10.0.0.9");
  ASSERT_TRUE(login.ok()) << login.status().message();
  // The same answer as an unknown token: no seeker conversation is made for a staff account.
  auto resumed = service_.Resume(login->token);
  ASSERT_FALSE(resumed.ok());
  EXPECT_EQ(resumed.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(service_.CheckSession(login->token).code(), StatusCode::kNotFound);
  // The staff session itself is untouched.
  EXPECT_TRUE(staff.CheckSession(login->token).ok());
}

TEST(ChatServiceSqliteTest, ConversationSurvivesReopeningTheEncryptedStore) {
  storage::testing::TempDir tmp;
  std::string data_dir = tmp / "data";
  std::string key_file = tmp / "keys/haven.key";
  std::string token, text = "my exams are next week and I cannot sleep";
  {
    auto store = storage::OpenSqliteStorage(data_dir, key_file);
    ASSERT_TRUE(store.ok()) << store.status().message();
    ChatService service(SharedEngine(), **store);
    auto s = service.CreateSeeker();
    ASSERT_TRUE(s.ok()) << s.status().message();
    token = s->token;
    auto t = service.Send(*s, "k1", text, "en-GB");
    ASSERT_TRUE(t.ok()) << t.status().message();
    ASSERT_TRUE(t->reply.has_value());
  }
  auto store = storage::OpenSqliteStorage(data_dir, key_file);
  ASSERT_TRUE(store.ok());
  ChatService service(SharedEngine(), **store);
  auto r = service.Resume(token);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->history.size(), 2u);
  EXPECT_EQ(r->history[0].text, text);
  auto again = service.Send(*r, "k1", text, "en-GB");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->ack.duplicate);
  EXPECT_FALSE(again->reply.has_value());
  // The database holds no plaintext of the message.
  std::string db = storage::testing::ReadFileBytes(data_dir + "/" + storage::kMainDbName);
  EXPECT_EQ(db.find("cannot sleep"), std::string::npos);
}

}  // namespace
}  // namespace haven::chat
