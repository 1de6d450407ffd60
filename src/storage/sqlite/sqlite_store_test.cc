// What is particular to the SQLite backend (the shared behaviour is in store_contract_test.cc).
#include "storage/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <functional>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "storage/test_util.h"

namespace haven::storage {
namespace {

using testing::TempDir;

std::string Pragma(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK);
  std::string out;
  if (sqlite3_step(st) == SQLITE_ROW)
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

TEST(SqliteStoreTest, AppliesMigrationsOnceAndRecordsThem) {
  TempDir tmp;
  std::string path = tmp / "haven.db";
  ASSERT_TRUE(SqliteStore::Open(path).ok());
  ASSERT_TRUE(SqliteStore::Open(path).ok());  // idempotent
  EXPECT_EQ(Pragma(path, "SELECT COUNT(*) FROM schema_migrations"),
            std::to_string(SqliteStore::LatestSchemaVersion()));
  EXPECT_EQ(Pragma(path, "SELECT name FROM schema_migrations WHERE version = 1"), "initial schema");
  EXPECT_EQ(Pragma(path, "PRAGMA journal_mode"), "wal");
}

// Runs one or more statements through a second connection; "" or SQLite's error message.
std::string Exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string out = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  return out;
}

// Takes a database at the latest version back to version 3 (the reverse of migration 4).
#define UNDO_MIGRATION_FOUR \
  "ALTER TABLE messages DROP COLUMN activity; DELETE FROM schema_migrations WHERE version = 4;"
constexpr const char* kUndoMigrationFour = UNDO_MIGRATION_FOUR;

// Takes a database at the latest version back to version 2 (the reverse of migrations 4 and 3).
constexpr const char* kUndoMigrationThree = UNDO_MIGRATION_FOUR
    "DROP INDEX conversations_queued; DROP TABLE review_items;"
    "ALTER TABLE conversations DROP COLUMN queue_priority;"
    "ALTER TABLE conversations DROP COLUMN queued_at;"
    "ALTER TABLE conversations DROP COLUMN risk_level;"
    "ALTER TABLE conversations DROP COLUMN tags;"
    "ALTER TABLE conversations DROP COLUMN outcome;"
    "ALTER TABLE conversations DROP COLUMN closed_at;"
    "ALTER TABLE messages DROP COLUMN rationale;"
    "ALTER TABLE feedback DROP COLUMN kind;"
    "ALTER TABLE feedback DROP COLUMN author_id;"
    "ALTER TABLE feedback DROP COLUMN empathy;"
    "ALTER TABLE feedback DROP COLUMN safety;"
    "ALTER TABLE feedback DROP COLUMN helpfulness;"
    "ALTER TABLE feedback DROP COLUMN flagged;"
    "DELETE FROM schema_migrations WHERE version = 3;";

TEST(SqliteStoreTest, MigrationTwoAddsTotpLastStepToAnExistingDatabase) {
  TempDir tmp;
  std::string path = tmp / "haven.db";
  ASSERT_TRUE(SqliteStore::Open(path).ok());
  // Back to the schema of version 1, with a staff account in it.
  ASSERT_EQ(Exec(path, kUndoMigrationThree), "");
  Pragma(path, "ALTER TABLE accounts DROP COLUMN totp_last_step");
  Pragma(path, "DELETE FROM schema_migrations WHERE version = 2");
  Pragma(path,
         "INSERT INTO accounts(id, kind, created_at, username, role, password_hash) "
         "VALUES('s1', 1, 5, 'alice', 1, 'h')");
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE((*store)
                  ->Transact([](Txn& t) -> Status {
                    auto a = t.FindStaffByUsername("alice");
                    if (!a.ok()) return a.status();
                    EXPECT_EQ(a->totp_last_step, 0);
                    a->totp_last_step = 42;
                    return t.UpdateAccount(*a);
                  })
                  .ok());
  EXPECT_EQ(Pragma(path, "SELECT totp_last_step FROM accounts WHERE id = 's1'"), "42");
}

// The schema as SQLite records it, for comparing two databases.
std::string Schema(const std::string& path) {
  return Pragma(path,
                "SELECT group_concat(type || ' ' || name || ': ' || sql, char(10)) FROM "
                "(SELECT * FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name)");
}

TEST(SqliteStoreTest, MigrationThreeAddsOversightToAVersionTwoDatabase) {
  TempDir tmp;
  std::string fresh = tmp / "fresh.db";
  std::string path = tmp / "haven.db";
  ASSERT_TRUE(SqliteStore::Open(fresh).ok());
  ASSERT_TRUE(SqliteStore::Open(path).ok());
  // Back to the schema of version 2, with a seeker's conversation, a message and a rating in it.
  ASSERT_EQ(Exec(path, kUndoMigrationThree), "");
  ASSERT_EQ(Exec(path,
                 "INSERT INTO accounts(id, kind, created_at) VALUES('s1', 0, 1);"
                 "INSERT INTO conversations(id, owner_id, state, bot_paused, created_at, "
                 "  updated_at, last_seq) VALUES('c1', 's1', 1, 1, 10, 11, 1);"
                 "INSERT INTO messages(id, conversation_id, seq, role, text, strategy, "
                 "  created_at) VALUES('m1', 'c1', 1, 1, X'00', 'reflect', 12);"
                 "INSERT INTO feedback(id, account_id, conversation_id, message_seq, rating, "
                 "  created_at) VALUES('f1', 's1', 'c1', 1, -1, 13);"),
            "");
  ASSERT_EQ(Pragma(path, "SELECT MAX(version) FROM schema_migrations"), "2");

  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ(Pragma(path, "SELECT MAX(version) FROM schema_migrations"),
            std::to_string(SqliteStore::LatestSchemaVersion()));
  EXPECT_EQ(Pragma(path, "SELECT name FROM schema_migrations WHERE version = 3"),
            "oversight: queue, tags, outcome, rationale, reviews");
  EXPECT_EQ(Schema(path), Schema(fresh));
  // The old rows read back with the new fields at their defaults.
  EXPECT_TRUE((*store)
                  ->Transact([](Txn& t) -> Status {
                    auto c = t.GetConversation("c1");
                    if (!c.ok()) return c.status();
                    EXPECT_EQ(c->state, ConversationState::kWaitingForStaff);
                    EXPECT_TRUE(c->bot_paused);
                    EXPECT_EQ(c->updated_at, 11);
                    EXPECT_EQ(c->queue_priority, 0);
                    EXPECT_EQ(c->queued_at, 0);
                    EXPECT_EQ(c->risk_level, RiskLevel::kNone);
                    EXPECT_TRUE(c->tags.empty());
                    EXPECT_EQ(c->outcome, "");
                    EXPECT_EQ(c->closed_at, 0);
                    auto m = t.ListMessages("c1", 0, 10);
                    if (!m.ok()) return m.status();
                    EXPECT_EQ(m->size(), 1u);
                    if (m->size() == 1) {
                      EXPECT_EQ((*m)[0].strategy, "reflect");
                      EXPECT_EQ((*m)[0].rationale, "");
                    }
                    auto f = t.ListFeedback("c1");
                    if (!f.ok()) return f.status();
                    EXPECT_EQ(f->size(), 1u);
                    if (f->size() == 1) {
                      EXPECT_EQ((*f)[0].rating, -1);
                      EXPECT_EQ((*f)[0].kind, "rating");
                      EXPECT_EQ((*f)[0].author_id, "");
                      EXPECT_EQ((*f)[0].empathy, 0);
                      EXPECT_EQ((*f)[0].safety, 0);
                      EXPECT_EQ((*f)[0].helpfulness, 0);
                      EXPECT_FALSE((*f)[0].flagged);
                    }
                    // And the new fields work on them: queued, tagged, a review item added.
                    c->queue_priority = 1;
                    c->queued_at = 20;
                    c->tags = {"urgent", "night"};
                    if (Status s = t.UpdateConversation(*c); !s.ok()) return s;
                    ConversationQuery queued;
                    queued.queued_only = true;
                    EXPECT_EQ(t.ListConversations(queued)->size(), 1u);
                    ReviewItem r;
                    r.conversation_id = "c1";
                    r.message_seq = 1;
                    r.owner_id = "s1";
                    r.reason = "risk";
                    r.created_at = 21;
                    if (Status s = t.AddReviewItem(r); !s.ok()) return s;
                    EXPECT_EQ(t.ListReviewItems(false, 10)->size(), 1u);
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(Pragma(path, "SELECT tags FROM conversations WHERE id = 'c1'"), "urgent,night");
}

TEST(SqliteStoreTest, MigrationFourAddsTheActivityToAVersionThreeDatabase) {
  TempDir tmp;
  std::string fresh = tmp / "fresh.db";
  std::string path = tmp / "haven.db";
  ASSERT_TRUE(SqliteStore::Open(fresh).ok());
  ASSERT_TRUE(SqliteStore::Open(path).ok());
  ASSERT_EQ(Exec(path, kUndoMigrationFour), "");
  ASSERT_EQ(Exec(path,
                 "INSERT INTO accounts(id, kind, created_at) VALUES('s1', 0, 1);"
                 "INSERT INTO conversations(id, owner_id, state, bot_paused, created_at, "
                 "  updated_at, last_seq) VALUES('c1', 's1', 0, 0, 10, 11, 1);"
                 "INSERT INTO messages(id, conversation_id, seq, role, text, strategy, "
                 "  created_at) VALUES('m1', 'c1', 1, 1, X'00', 'reflect', 12);"),
            "");
  ASSERT_EQ(Pragma(path, "SELECT MAX(version) FROM schema_migrations"), "3");

  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ(Pragma(path, "SELECT name FROM schema_migrations WHERE version = 4"),
            "messages: the guided activity kept with a reply");
  EXPECT_EQ(Schema(path), Schema(fresh));
  EXPECT_TRUE((*store)
                  ->Transact([](Txn& t) -> Status {
                    // The old reply reads back without an activity...
                    auto m = t.ListMessages("c1", 0, 10);
                    if (!m.ok()) return m.status();
                    EXPECT_EQ(m->size(), 1u);
                    if (m->size() == 1) {
                      EXPECT_EQ((*m)[0].activity, "");
                    }
                    // ...and a new one keeps its own.
                    Message reply;
                    reply.id = "m2";
                    reply.conversation_id = "c1";
                    reply.role = MessageRole::kAssistant;
                    reply.text = "Question 2 of 9";
                    reply.activity = R"({"offered":[]})";
                    reply.created_at = 13;
                    auto appended = t.AppendMessage(reply);
                    if (!appended.ok()) return appended.status();
                    auto both = t.ListMessages("c1", 0, 10);
                    if (!both.ok()) return both.status();
                    EXPECT_EQ(both->size(), 2u);
                    if (both->size() == 2) {
                      EXPECT_EQ((*both)[1].activity, reply.activity);
                    }
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(Pragma(path, "SELECT COUNT(*) FROM messages WHERE activity IS NULL"), "1");
}

TEST(SqliteStoreTest, SetsSafetyPragmasOnItsConnection) {
  TempDir tmp;
  auto store = SqliteStore::Open(tmp / "haven.db");
  ASSERT_TRUE(store.ok());
  // Foreign keys are on: a conversation for a missing account is refused.
  Status s = (*store)->Transact([](Txn& t) {
    Conversation c;
    c.id = "c";
    c.owner_id = "missing";
    return t.CreateConversation(c);
  });
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
}

TEST(SqliteStoreTest, RefusesADatabaseFromANewerHaven) {
  TempDir tmp;
  std::string path = tmp / "haven.db";
  ASSERT_TRUE(SqliteStore::Open(path).ok());
  Pragma(path, "INSERT INTO schema_migrations VALUES(999, 'from the future', 0)");
  auto again = SqliteStore::Open(path);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(again.status().message().find("newer"), std::string::npos);
}

TEST(SqliteStoreTest, RefusesAFileThatIsNotADatabase) {
  TempDir tmp;
  std::string path = tmp / "haven.db";
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    std::fputs("this is not a database, just some bytes that go on for a while ...........", f);
    std::fclose(f);
  }
  auto store = SqliteStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace haven::storage

namespace haven::storage {
namespace {

TEST(SqliteStoreTest, CommitsSurviveWithoutAnFsyncPerCommit) {
  TempDir tmp;
  std::string path = tmp / "haven.db";
  {
    auto store = SqliteStore::Open(path, /*sync_every_commit=*/false);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)
                    ->Transact([](Txn& t) {
                      Account a;
                      a.id = "a";
                      return t.CreateAccount(a);
                    })
                    .ok());
  }
  auto store = SqliteStore::Open(path);
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE((*store)->Transact([](Txn& t) { return t.GetAccount("a").status(); }).ok());
}

// Group commit: units that arrive while another runs share one commit, each keeps its own
// outcome. The first unit holds the connection until four more are queued behind it; those four
// then run as one batch: one succeeds, one fails after writing, one throws, one succeeds.
TEST(SqliteStoreTest, UnitsQueuedBehindACommitShareTheNextOneAndKeepTheirOwnOutcome) {
  TempDir tmp;
  auto opened = SqliteStore::Open(tmp / "haven.db");
  ASSERT_TRUE(opened.ok());
  SqliteStore& store = **opened;
  auto create = [&](const std::string& id) {
    return [id](Txn& t) {
      Account a;
      a.id = id;
      return t.CreateAccount(a);
    };
  };
  SqliteStore::Counters before = store.counters();
  Status first;
  std::atomic<bool> running{false};
  std::thread leader([&] {
    first = store.Transact([&](Txn& t) {
      running = true;
      while (store.queued() < 4) std::this_thread::yield();
      Account a;
      a.id = "first";
      return t.CreateAccount(a);
    });
  });
  while (!running) std::this_thread::yield();
  Status ok1, failed, ok2;
  bool threw = false;
  std::vector<std::thread> others;
  // Started one at a time so that the batch's order is known.
  auto enqueue = [&](std::function<void()> call, size_t queued_after) {
    others.emplace_back(std::move(call));
    while (store.queued() < queued_after) std::this_thread::yield();
  };
  enqueue([&] { ok1 = store.Transact(create("b")); }, 1);
  enqueue(
      [&] {
        failed = store.Transact([](Txn& t) {
          Account a;
          a.id = "c";
          if (Status s = t.CreateAccount(a); !s.ok()) return s;
          return InvalidArgument("changed its mind");
        });
      },
      2);
  enqueue(
      [&] {
        try {
          (void)store.Transact([](Txn& t) -> Status {
            Account a;
            a.id = "d";
            (void)t.CreateAccount(a);
            throw std::runtime_error("boom");
          });
        } catch (const std::runtime_error&) {
          threw = true;
        }
      },
      3);
  // Not waited for here: the leader waits for it, and once it is queued the leader may commit
  // and the next batch drain the queue before this thread looks again (on a busy machine this
  // thread then waited for ever).
  enqueue([&] { ok2 = store.Transact(create("e")); }, 0);
  leader.join();
  for (auto& t : others) t.join();

  EXPECT_TRUE(first.ok());
  EXPECT_TRUE(ok1.ok()) << ok1.message();
  EXPECT_EQ(failed.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(threw) << "the exception reaches its own caller";
  EXPECT_TRUE(ok2.ok()) << ok2.message();
  SqliteStore::Counters after = store.counters();
  EXPECT_EQ(after.units - before.units, 5);
  EXPECT_EQ(after.batches - before.batches, 2) << "the four queued units shared one commit";
  for (const char* id : {"first", "b", "e"}) {
    EXPECT_TRUE(store.Transact([&](Txn& t) { return t.GetAccount(id).status(); }).ok()) << id;
  }
  for (const char* id : {"c", "d"}) {
    EXPECT_EQ(store.Transact([&](Txn& t) { return t.GetAccount(id).status(); }).code(),
              StatusCode::kNotFound)
        << id << " was rolled back with its unit only";
  }
}

// Many writers at once (the server's workers): every append lands once, seqs are consecutive,
// and the data is there after reopening.
TEST(SqliteStoreTest, ConcurrentWritersEachCommitOnceInOrder) {
  TempDir tmp;
  std::string path = tmp / "haven.db";
  constexpr int kThreads = 12, kEach = 20;
  {
    auto opened = SqliteStore::Open(path);
    ASSERT_TRUE(opened.ok());
    SqliteStore& store = **opened;
    ASSERT_TRUE(store
                    .Transact([](Txn& t) -> Status {
                      Account a;
                      a.id = "owner";
                      if (Status s = t.CreateAccount(a); !s.ok()) return s;
                      Conversation c;
                      c.id = "conv";
                      c.owner_id = "owner";
                      return t.CreateConversation(c);
                    })
                    .ok());
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        for (int j = 0; j < kEach; ++j) {
          Status s = store.Transact([&](Txn& t) -> Status {
            Message m;
            m.id = "m" + std::to_string(i) + "-" + std::to_string(j);
            m.conversation_id = "conv";
            m.client_message_id = m.id;
            m.text = "x";
            return t.AppendMessage(m).status();
          });
          if (!s.ok()) failures++;
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(failures.load(), 0);
  }
  auto reopened = SqliteStore::Open(path);
  ASSERT_TRUE(reopened.ok());
  std::vector<Message> all;
  ASSERT_TRUE((*reopened)
                  ->Transact([&](Txn& t) -> Status {
                    auto l = t.ListMessages("conv", 0, 10000);
                    if (!l.ok()) return l.status();
                    all = std::move(l).value();
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(all.size(), static_cast<size_t>(kThreads * kEach));
  std::set<std::string> ids;
  for (size_t k = 0; k < all.size(); ++k) {
    EXPECT_EQ(all[k].seq, static_cast<int64_t>(k + 1));
    ids.insert(all[k].id);
  }
  EXPECT_EQ(ids.size(), all.size());
}

}  // namespace
}  // namespace haven::storage
