// What is particular to the PostgreSQL backend (the shared behaviour is in
// store_contract_test.cc): migrations, two stores on one database, error messages, lost
// connections, and OpenPostgresStorage.
#include "storage/postgres/pg_store.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "storage/audit.h"
#include "storage/open.h"
#include "storage/postgres/pg_key_store.h"
#include "storage/postgres/test_cluster.h"
#include "storage/test_util.h"

namespace haven::storage {
namespace {

using testing::TempDir;

// Runs `sql` on a connection of its own: the first column of the first row as text, "" when
// there is none, or "ERROR <sqlstate>" when it fails.
std::string Query(const std::string& conninfo, const std::string& sql) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  EXPECT_EQ(PQstatus(conn), CONNECTION_OK);
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  PGresult* res = PQexec(conn, sql.c_str());
  std::string out;
  ExecStatusType st = PQresultStatus(res);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    out = std::string("ERROR ") + (state ? state : "?");
  } else if (st == PGRES_TUPLES_OK && PQntuples(res) > 0) {
    out = PQgetvalue(res, 0, 0);
  }
  PQclear(res);
  PQfinish(conn);
  return out;
}

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HAVEN_REQUIRE_PG_CLUSTER(cluster);
    cluster_ = &cluster;
    auto db = cluster.NewDatabase();
    ASSERT_TRUE(db.ok()) << db.status().message();
    conninfo_ = *db;
  }
  std::unique_ptr<PostgresStore> Open(int pool_size = 4) {
    auto s = PostgresStore::Open(conninfo_, pool_size);
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  static Status Seed(Store& store) {
    return store.Transact([](Txn& t) -> Status {
      Account a;
      a.id = "s1";
      a.created_at = 1;
      if (Status s = t.CreateAccount(a); !s.ok()) return s;
      Conversation c;
      c.id = "c1";
      c.owner_id = "s1";
      return t.CreateConversation(c);
    });
  }

  testing::TestCluster* cluster_ = nullptr;
  std::string conninfo_;
};

TEST_F(PostgresStoreTest, MigrationsApplyOnceAndASecondOpenWorks) {
  auto first = Open();
  ASSERT_NE(first, nullptr);
  auto second = Open();  // while the first is still open
  ASSERT_NE(second, nullptr);
  first.reset();
  second.reset();
  ASSERT_NE(Open(), nullptr);
  EXPECT_EQ(Query(conninfo_, "SELECT COUNT(*) FROM schema_migrations"),
            std::to_string(PostgresStore::LatestSchemaVersion()));
  EXPECT_EQ(Query(conninfo_, "SELECT name FROM schema_migrations WHERE version = 1"),
            "initial schema");
}

TEST_F(PostgresStoreTest, StoresStartingTogetherOnANewDatabaseDoNotRace) {
  constexpr int kStores = 4;
  std::vector<std::thread> threads;
  std::vector<Status> results(kStores);
  for (int i = 0; i < kStores; ++i) {
    threads.emplace_back([&, i] { results[i] = PostgresStore::Open(conninfo_, 1).status(); });
  }
  for (auto& t : threads) t.join();
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(Query(conninfo_, "SELECT COUNT(*) FROM schema_migrations"),
            std::to_string(PostgresStore::LatestSchemaVersion()));
}

TEST_F(PostgresStoreTest, RefusesADatabaseFromANewerHaven) {
  ASSERT_NE(Open(), nullptr);
  ASSERT_EQ(Query(conninfo_,
                  "INSERT INTO schema_migrations(version, name, applied_at) "
                  "VALUES(999, 'from the future', 0)"),
            "");
  auto again = PostgresStore::Open(conninfo_);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(PostgresStoreTest, TwoStoresAppendingToOneConversationKeepOneOrder) {
  auto a = Open(2);
  auto b = Open(2);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(Seed(*a).ok());
  constexpr int kEach = 30;
  auto writer = [&](Store& store, const std::string& name) {
    for (int i = 0; i < kEach; ++i) {
      std::string id = name + "-" + std::to_string(i);
      Status s = store.Transact([&](Txn& t) -> Status {
        Message m;
        m.id = id;
        m.conversation_id = "c1";
        m.text = id;
        m.client_message_id = id;
        m.created_at = i;
        auto appended = t.AppendMessage(m);
        if (!appended.ok()) return appended.status();
        AuditEvent e;
        e.time = i;
        e.actor = "s1";
        e.subject = "s1";
        e.action = "message.write";
        e.outcome = "ok";
        e.detail = id;
        return AppendAudit(t, e).status();
      });
      EXPECT_TRUE(s.ok()) << s.message();
    }
  };
  std::thread ta([&] { writer(*a, "a"); });
  std::thread tb([&] { writer(*b, "b"); });
  ta.join();
  tb.join();
  ASSERT_TRUE(a->Transact([&](Txn& t) -> Status {
                 auto all = t.ListMessages("c1", 0, 1000);
                 EXPECT_TRUE(all.ok());
                 if (!all.ok()) return all.status();
                 EXPECT_EQ(all->size(), 2u * kEach);
                 for (size_t i = 0; i < all->size(); ++i) {
                   EXPECT_EQ((*all)[i].seq, static_cast<int64_t>(i + 1));
                 }
                 return Status::Ok();
               }).ok());
  auto verdict = VerifyAudit(*b, std::nullopt);
  ASSERT_TRUE(verdict.ok()) << verdict.status().message();
  EXPECT_TRUE(verdict->intact) << verdict->problem;
  EXPECT_EQ(verdict->checked.count, 2 * kEach);
}

TEST_F(PostgresStoreTest, ErrorMessagesNameNoRecordValues) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  const std::string id = "pseudonym-7f3a9c";
  const std::string username = "someone.particular";
  Account a;
  a.id = id;
  a.kind = AccountKind::kStaff;
  a.username = username;
  a.role = StaffRole::kSupporter;
  ASSERT_TRUE(store->Transact([&](Txn& t) { return t.CreateAccount(a); }).ok());
  std::vector<Status> refused;
  refused.push_back(store->Transact([&](Txn& t) { return t.CreateAccount(a); }));
  Account same_name = a;
  same_name.id = "other-id-5521";
  refused.push_back(store->Transact([&](Txn& t) { return t.CreateAccount(same_name); }));
  refused.push_back(store->Transact([&](Txn& t) {
    return t.CreateSession(Session{"token-bytes-991", "missing-owner-3318", 1, 1, 2, false});
  }));
  ASSERT_EQ(refused[0].code(), StatusCode::kFailedPrecondition);
  ASSERT_EQ(refused[1].code(), StatusCode::kFailedPrecondition);
  ASSERT_EQ(refused[2].code(), StatusCode::kNotFound);
  for (const Status& s : refused) {
    for (const std::string& value :
         {id, username, std::string("other-id-5521"), std::string("token-bytes-991"),
          std::string("missing-owner-3318")}) {
      EXPECT_EQ(s.message().find(value), std::string::npos) << s.message();
    }
    EXPECT_NE(s.message().find("SQLSTATE 23"), std::string::npos) << s.message();
    EXPECT_EQ(s.message().find("Key ("), std::string::npos) << s.message();
  }
}

TEST_F(PostgresStoreTest, TheAuditTableRefusesChanges) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  AuditEvent e;
  e.time = 1;
  e.actor = "system";
  e.action = "login";
  e.outcome = "ok";
  ASSERT_TRUE(store->Transact([&](Txn& t) { return AppendAudit(t, e).status(); }).ok());
  EXPECT_EQ(Query(conninfo_, "UPDATE audit_log SET actor = 'x'"), "ERROR P0001");
  EXPECT_EQ(Query(conninfo_, "DELETE FROM audit_log"), "ERROR P0001");
  EXPECT_EQ(Query(conninfo_, "TRUNCATE audit_log"), "ERROR P0001");
  EXPECT_EQ(Query(conninfo_, "SELECT COUNT(*) FROM audit_log"), "1");
}

TEST_F(PostgresStoreTest, AFailedStatementTheFunctionIgnoresFailsTheUnitOfWork) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(Seed(*store).ok());
  // A statement the server refuses outside a savepoint (here a read of a table that is gone)
  // aborts the transaction. A function that carries on and returns OK gets Internal, not a
  // silent rollback, and nothing it wrote is kept.
  ASSERT_EQ(Query(conninfo_, "ALTER TABLE notes RENAME TO notes_gone"), "");
  Status s = store->Transact([&](Txn& t) -> Status {
    EXPECT_FALSE(t.ListNotes("c1").ok());
    Account b;
    b.id = "s2";
    (void)t.CreateAccount(b);
    return Status::Ok();
  });
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_EQ(Query(conninfo_, "SELECT COUNT(*) FROM accounts WHERE id = 's2'"), "0");
  ASSERT_EQ(Query(conninfo_, "ALTER TABLE notes_gone RENAME TO notes"), "");
  EXPECT_TRUE(store->Transact([&](Txn& t) { return t.ListNotes("c1").status(); }).ok());
}

TEST_F(PostgresStoreTest, AFunctionThatThrowsLeavesNothingAndTheConnectionUsable) {
  auto store = Open(1);  // one connection: the next unit of work reuses the same one
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(Seed(*store).ok());
  EXPECT_THROW((void)store->Transact([&](Txn& t) -> Status {
    Message m;
    m.id = "m1";
    m.conversation_id = "c1";
    m.text = "x";
    (void)t.AppendMessage(m);
    throw std::runtime_error("a bug in the caller");
  }),
               std::runtime_error);
  Status s = store->Transact([&](Txn& t) -> Status {
    auto all = t.ListMessages("c1", 0, 10);
    if (!all.ok()) return all.status();
    EXPECT_TRUE(all->empty());
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST_F(PostgresStoreTest, ALostConnectionIsReplacedOnTheNextUnitOfWork) {
  constexpr int kPool = 2;
  auto store = Open(kPool);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(Seed(*store).ok());
  // Every connection of the store is terminated by the server (as a restart or an
  // administrator would); wait until they are gone.
  std::string others =
      "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
  ASSERT_NE(Query(conninfo_, "SELECT COUNT(*) " + others), "0");
  ASSERT_EQ(Query(conninfo_, "SELECT bool_and(pg_terminate_backend(pid)) " + others), "t");
  while (Query(conninfo_, "SELECT COUNT(*) " + others) != "0") {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling, not a deadline
  }
  // Each following unit of work succeeds, on each of the pool's connections in turn.
  for (int i = 0; i < 2 * kPool; ++i) {
    Status s = store->Transact([&](Txn& t) -> Status {
      Message m;
      m.id = "m" + std::to_string(i);
      m.conversation_id = "c1";
      m.text = "after";
      return t.AppendMessage(m).status();
    });
    EXPECT_TRUE(s.ok()) << i << ": " << s.message();
  }
  EXPECT_EQ(Query(conninfo_, "SELECT MAX(seq) FROM messages"), std::to_string(2 * kPool));
}

TEST_F(PostgresStoreTest, AWrongConnectionStringFailsWithoutQuotingIt) {
  auto s = PostgresStore::Open(
      "host=127.0.0.1 port=1 user=nobody password=hunter2-secret dbname=none connect_timeout=5");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInternal);
  EXPECT_EQ(s.status().message().find("hunter2"), std::string::npos) << s.status().message();
}

TEST_F(PostgresStoreTest, OpenPostgresStorageSealsAndKeepsKeysApart) {
  auto keys_db = cluster_->NewDatabase();
  ASSERT_TRUE(keys_db.ok()) << keys_db.status().message();
  TempDir dir;
  const std::string key_file = dir / "haven.key";
  const std::string nickname = "a nickname in plain words";
  {
    auto storage = OpenPostgresStorage(conninfo_, *keys_db, key_file);
    ASSERT_TRUE(storage.ok()) << storage.status().message();
    ASSERT_TRUE((*storage)
                    ->Transact([&](Txn& t) {
                      Account a;
                      a.id = "s1";
                      a.nickname = nickname;
                      return t.CreateAccount(a);
                    })
                    .ok());
  }
  auto storage = OpenPostgresStorage(conninfo_, *keys_db, key_file);
  ASSERT_TRUE(storage.ok()) << storage.status().message();
  ASSERT_TRUE((*storage)
                  ->Transact([&](Txn& t) -> Status {
                    auto a = t.GetAccount("s1");
                    EXPECT_TRUE(a.ok());
                    if (a.ok()) {
                      EXPECT_EQ(a->nickname, std::optional<std::string>(nickname));
                    }
                    return Status::Ok();
                  })
                  .ok());
  // The records hold ciphertext and no key; the key database holds the wrapped key.
  EXPECT_EQ(Query(conninfo_,
                  "SELECT position(convert_to('plain words', 'UTF8') IN nickname) "
                  "FROM accounts"),
            "0");
  EXPECT_EQ(Query(conninfo_, "SELECT to_regclass('data_keys') IS NULL"), "t");
  EXPECT_EQ(Query(*keys_db, "SELECT COUNT(*) FROM data_keys WHERE account_id = 's1'"), "1");
}

}  // namespace
}  // namespace haven::storage
