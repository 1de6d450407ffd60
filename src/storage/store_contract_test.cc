// The contract every Store backend keeps. One typed suite; a new backend is one line in
// `Backends` below (plus its small adapter struct).
#include <gtest/gtest.h>

#include <thread>
#include <tuple>

#include "storage/crypto/encrypted_store.h"
#include "storage/memory/memory_key_store.h"
#include "storage/memory/memory_store.h"
#include "storage/postgres/pg_key_store.h"
#include "storage/postgres/pg_store.h"
#include "storage/postgres/test_cluster.h"
#include "storage/sqlite/sqlite_key_store.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/store.h"
#include "storage/test_util.h"

namespace haven::storage {
namespace {

using testing::TempDir;

// Each adapter opens its backend over a temp directory; Open may be called again to reopen.
// An adapter may also have Prepare(), run before the first Open: NotFound skips the test (the
// backend cannot run on this machine), another error fails it.
struct MemoryBackend {
  static constexpr const char* kName = "Memory";
  static constexpr bool kPersistent = false;
  explicit MemoryBackend(const std::string&) {}
  StatusOr<std::unique_ptr<Store>> Open() { return std::unique_ptr<Store>(new MemoryStore()); }
};

struct SqliteBackend {
  static constexpr const char* kName = "Sqlite";
  static constexpr bool kPersistent = true;
  explicit SqliteBackend(const std::string& dir) : dir_(dir) {}
  StatusOr<std::unique_ptr<Store>> Open() {
    auto s = SqliteStore::Open(dir_ + "/haven.db");
    if (!s.ok()) return s.status();
    return std::unique_ptr<Store>(std::move(s).value());
  }
  std::string dir_;
};

// A fresh database on the process's throwaway cluster (postgres/test_cluster.h); reopening
// connects to the same database.
struct PostgresBackend {
  static constexpr const char* kName = "Postgres";
  static constexpr bool kPersistent = true;
  explicit PostgresBackend(const std::string&) {}
  Status Prepare() {
    auto cluster = testing::TestCluster::Get();
    if (!cluster.ok()) return cluster.status();
    auto db = (*cluster)->NewDatabase();
    if (!db.ok()) return db.status();
    conninfo_ = *db;
    return Status::Ok();
  }
  StatusOr<std::unique_ptr<Store>> Open() {
    auto s = PostgresStore::Open(conninfo_);
    if (!s.ok()) return s.status();
    return std::unique_ptr<Store>(std::move(s).value());
  }
  std::string conninfo_;
};

// The encryption decorator over another backend, with one KEK for the adapter's lifetime. Over
// PostgreSQL the keys are in a database of their own, as operators are told to keep them.
template <typename Inner, typename Keys>
struct EncryptedBackend {
  static constexpr const char* kName =
      std::is_same_v<Inner, MemoryBackend>
          ? "EncryptedMemory"
          : (std::is_same_v<Inner, SqliteBackend> ? "EncryptedSqlite" : "EncryptedPostgres");
  static constexpr bool kPersistent = Inner::kPersistent;
  explicit EncryptedBackend(const std::string& dir)
      : inner_(dir), dir_(dir), kek_bytes_(crypto::SecretKey::Random()) {}
  Status Prepare() {
    if constexpr (requires { inner_.Prepare(); }) {
      if (Status s = inner_.Prepare(); !s.ok()) return s;
    }
    if constexpr (std::is_same_v<Keys, PostgresKeyStore>) {
      auto cluster = testing::TestCluster::Get();
      if (!cluster.ok()) return cluster.status();
      auto db = (*cluster)->NewDatabase();
      if (!db.ok()) return db.status();
      keys_conninfo_ = *db;
    }
    return Status::Ok();
  }
  StatusOr<std::unique_ptr<Store>> Open() {
    auto inner = inner_.Open();
    if (!inner.ok()) return inner.status();
    std::unique_ptr<KeyStore> keys;
    if constexpr (std::is_same_v<Keys, SqliteKeyStore>) {
      auto k = SqliteKeyStore::Open(dir_ + "/keys.db");
      if (!k.ok()) return k.status();
      keys = std::move(k).value();
    } else if constexpr (std::is_same_v<Keys, PostgresKeyStore>) {
      auto k = PostgresKeyStore::Open(keys_conninfo_);
      if (!k.ok()) return k.status();
      keys = std::move(k).value();
    } else {
      if (!memory_keys_) memory_keys_ = std::make_shared<MemoryKeyStore>();
      keys = std::make_unique<SharedKeys>(memory_keys_);
    }
    auto copy = crypto::SecretKey::FromBytes(
        std::string_view(reinterpret_cast<const char*>(kek_bytes_.data()), 32));
    crypto::Keyring ring(crypto::Kek{1, std::move(copy).value()});
    return std::unique_ptr<Store>(
        new EncryptedStore(std::move(inner).value(), std::move(keys), std::move(ring)));
  }
  // Lets a reopened decorator see the same in-memory keys.
  struct SharedKeys final : KeyStore {
    explicit SharedKeys(std::shared_ptr<MemoryKeyStore> k) : k_(std::move(k)) {}
    Status Put(const WrappedKey& key) override { return k_->Put(key); }
    StatusOr<WrappedKey> Get(std::string_view id) override { return k_->Get(id); }
    Status Destroy(std::string_view id) override { return k_->Destroy(id); }
    StatusOr<std::vector<WrappedKey>> ListNotUnder(uint32_t v, int limit) override {
      return k_->ListNotUnder(v, limit);
    }
    Status Rewrap(const WrappedKey& key, uint32_t v) override { return k_->Rewrap(key, v); }
    StatusOr<std::vector<std::pair<uint32_t, int64_t>>> CountByKekVersion() override {
      return k_->CountByKekVersion();
    }
    std::shared_ptr<MemoryKeyStore> k_;
  };
  Inner inner_;
  std::string dir_;
  crypto::SecretKey kek_bytes_;
  std::shared_ptr<MemoryKeyStore> memory_keys_;
  std::string keys_conninfo_;
};

using EncryptedMemoryBackend = EncryptedBackend<MemoryBackend, MemoryKeyStore>;
using EncryptedSqliteBackend = EncryptedBackend<SqliteBackend, SqliteKeyStore>;
using EncryptedPostgresBackend = EncryptedBackend<PostgresBackend, PostgresKeyStore>;

// Every backend, plain and under the encryption decorator. The PostgreSQL ones skip where the
// server is not installed.
using Backends =
    ::testing::Types<MemoryBackend, SqliteBackend, PostgresBackend, EncryptedMemoryBackend,
                     EncryptedSqliteBackend, EncryptedPostgresBackend>;

template <typename B>
class StoreContractTest : public ::testing::Test {
 protected:
  StoreContractTest() : backend_(dir_.path()) {}
  void SetUp() override {
    if constexpr (requires { backend_.Prepare(); }) {
      Status s = backend_.Prepare();
      if (s.code() == StatusCode::kNotFound) GTEST_SKIP() << s.message();
      ASSERT_TRUE(s.ok()) << s.message();
    }
    Reopen();
  }
  void Reopen() {
    store_.reset();
    auto s = backend_.Open();
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(s).value();
  }
  Status Run(const std::function<Status(Txn&)>& fn) { return store_->Transact(fn); }

  Account Seeker(const std::string& id, UnixMillis t = 1000) {
    Account a;
    a.id = id;
    a.created_at = t;
    a.nickname = "nick-" + id;
    a.recovery_hash = "$argon2id$recovery";
    return a;
  }
  Account Staff(const std::string& id, const std::string& username, StaffRole role) {
    Account a;
    a.id = id;
    a.kind = AccountKind::kStaff;
    a.created_at = 2000;
    a.username = username;
    a.role = role;
    a.password_hash = "$argon2id$v=19$...";
    a.totp_secret = std::string("totp\0secret", 11);
    return a;
  }
  Conversation Conv(const std::string& id, const std::string& owner, UnixMillis t = 3000) {
    Conversation c;
    c.id = id;
    c.owner_id = owner;
    c.created_at = t;
    c.updated_at = t;
    return c;
  }
  Message Msg(const std::string& id, const std::string& conv, const std::string& text,
              const std::string& client_id = "", UnixMillis t = 4000) {
    Message m;
    m.id = id;
    m.conversation_id = conv;
    m.text = text;
    m.client_message_id = client_id;
    m.created_at = t;
    return m;
  }
  // Creates seeker "s1" with conversation "c1".
  void SeedConversation() {
    ASSERT_TRUE(Run([&](Txn& t) {
                  if (Status s = t.CreateAccount(Seeker("s1")); !s.ok()) return s;
                  return t.CreateConversation(Conv("c1", "s1"));
                }).ok());
  }

  TempDir dir_;
  B backend_;
  std::unique_ptr<Store> store_;
};

struct BackendName {
  template <typename T>
  static std::string GetName(int) {
    return T::kName;
  }
};

TYPED_TEST_SUITE(StoreContractTest, Backends, BackendName);

TYPED_TEST(StoreContractTest, AccountsRoundTrip) {
  ASSERT_TRUE(this->Run([&](Txn& t) { return t.CreateAccount(this->Seeker("s1")); }).ok());
  Account staff = this->Staff("st1", "alice", StaffRole::kClinician);
  ASSERT_TRUE(this->Run([&](Txn& t) { return t.CreateAccount(staff); }).ok());
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    auto a = t.GetAccount("s1");
                    EXPECT_TRUE(a.ok());
                    if (!a.ok()) return a.status();
                    EXPECT_EQ(a->kind, AccountKind::kSeeker);
                    EXPECT_EQ(a->nickname, std::optional<std::string>("nick-s1"));
                    EXPECT_EQ(a->recovery_hash, "$argon2id$recovery");
                    EXPECT_EQ(a->created_at, 1000);
                    auto b = t.FindStaffByUsername("alice");
                    EXPECT_TRUE(b.ok());
                    if (!b.ok()) return b.status();
                    EXPECT_EQ(b->id, "st1");
                    EXPECT_EQ(b->role, StaffRole::kClinician);
                    EXPECT_EQ(b->totp_secret, staff.totp_secret);
                    EXPECT_EQ(b->password_hash, staff.password_hash);
                    EXPECT_FALSE(b->nickname.has_value());
                    EXPECT_EQ(t.GetAccount("nobody").status().code(), StatusCode::kNotFound);
                    EXPECT_EQ(t.FindStaffByUsername("bob").status().code(), StatusCode::kNotFound);
                    auto ids = t.ListAccountIds();
                    EXPECT_TRUE(ids.ok());
                    if (ids.ok()) {
                      EXPECT_EQ(*ids, (std::vector<std::string>{"s1", "st1"}));
                    }
                    return Status::Ok();
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, DuplicatesAndEmptyIdsAreRefused) {
  ASSERT_TRUE(this->Run([&](Txn& t) {
                    return t.CreateAccount(this->Staff("a", "alice", StaffRole::kAdmin));
                  })
                  .ok());
  EXPECT_EQ(this->Run([&](Txn& t) { return t.CreateAccount(this->Seeker("a")); }).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(this->Run([&](Txn& t) {
                  return t.CreateAccount(this->Staff("b", "alice", StaffRole::kSupporter));
                })
                .code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(this->Run([&](Txn& t) { return t.CreateAccount(this->Seeker("")); }).code(),
            StatusCode::kInvalidArgument);
}

TYPED_TEST(StoreContractTest, UpdateAccountKeepsIdentity) {
  ASSERT_TRUE(this->Run([&](Txn& t) {
                    return t.CreateAccount(this->Staff("a", "alice", StaffRole::kSupporter));
                  })
                  .ok());
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    auto a = t.GetAccount("a");
                    if (!a.ok()) return a.status();
                    a->role = StaffRole::kAdmin;
                    a->failed_attempts = 3;
                    a->locked_until = 99;
                    a->totp_last_step = 56789012;
                    a->totp_secret = "new-secret";
                    a->created_at = 1;  // ignored
                    return t.UpdateAccount(*a);
                  })
                  .ok());
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    auto a = t.GetAccount("a");
                    EXPECT_TRUE(a.ok());
                    if (!a.ok()) return a.status();
                    EXPECT_EQ(a->role, StaffRole::kAdmin);
                    EXPECT_EQ(a->failed_attempts, 3);
                    EXPECT_EQ(a->locked_until, 99);
                    EXPECT_EQ(a->totp_last_step, 56789012);
                    EXPECT_EQ(a->totp_secret, "new-secret");
                    EXPECT_EQ(a->created_at, 2000);
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(this->Run([&](Txn& t) { return t.UpdateAccount(this->Seeker("zz")); }).code(),
            StatusCode::kNotFound);
}

TYPED_TEST(StoreContractTest, Sessions) {
  ASSERT_TRUE(this->Run([&](Txn& t) { return t.CreateAccount(this->Seeker("s1")); }).ok());
  std::string h1(32, '\x01'), h2(32, '\0');
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    Session s{h1, "s1", 10, 10, 1000, false};
                    if (Status st = t.CreateSession(s); !st.ok()) return st;
                    s.token_hash = h2;
                    return t.CreateSession(s);
                  })
                  .ok());
  EXPECT_EQ(this->Run([&](Txn& t) {
                  return t.CreateSession(Session{h1, "s1", 1, 1, 2, false});
                })
                .code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(this->Run([&](Txn& t) {
                  return t.CreateSession(Session{"x", "nobody", 1, 1, 2, false});
                })
                .code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    if (Status s = t.TouchSession(h1, 50); !s.ok()) return s;
                    return t.RevokeSession(h2);
                  })
                  .ok());
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    auto s = t.GetSession(h1);
                    EXPECT_TRUE(s.ok());
                    if (!s.ok()) return s.status();
                    EXPECT_EQ(s->account_id, "s1");
                    EXPECT_EQ(s->last_seen, 50);
                    EXPECT_EQ(s->expires_at, 1000);
                    EXPECT_FALSE(s->revoked);
                    EXPECT_TRUE(t.GetSession(h2)->revoked);
                    EXPECT_EQ(t.GetSession("missing").status().code(), StatusCode::kNotFound);
                    EXPECT_EQ(t.TouchSession("missing", 1).code(), StatusCode::kNotFound);
                    auto n = t.RevokeAccountSessions("s1");
                    EXPECT_TRUE(n.ok());
                    if (n.ok()) {
                      EXPECT_EQ(*n, 1);
                    }
                    EXPECT_TRUE(t.GetSession(h1)->revoked);
                    return Status::Ok();
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, ConversationsQueryAndUpdate) {
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    for (const char* id : {"s1", "s2"}) {
                      if (Status s = t.CreateAccount(this->Seeker(id)); !s.ok()) return s;
                    }
                    if (Status s = t.CreateAccount(this->Staff("st", "sam", StaffRole::kSupporter));
                        !s.ok())
                      return s;
                    if (Status s = t.CreateConversation(this->Conv("c2", "s1", 20)); !s.ok())
                      return s;
                    if (Status s = t.CreateConversation(this->Conv("c1", "s1", 10)); !s.ok())
                      return s;
                    return t.CreateConversation(this->Conv("c3", "s2", 30));
                  })
                  .ok());
  EXPECT_EQ(
      this->Run([&](Txn& t) { return t.CreateConversation(this->Conv("c9", "nobody")); }).code(),
      StatusCode::kNotFound);
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    auto c = t.GetConversation("c3");
                    if (!c.ok()) return c.status();
                    c->state = ConversationState::kWithStaff;
                    c->assigned_staff_id = "st";
                    c->bot_paused = true;
                    c->updated_at = 99;
                    return t.UpdateConversation(*c);
                  })
                  .ok());
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    ConversationQuery q;
                    q.owner_id = "s1";
                    auto mine = t.ListConversations(q);
                    EXPECT_TRUE(mine.ok());
                    if (!mine.ok()) return mine.status();
                    EXPECT_EQ(mine->size(), 2u);
                    if (mine->size() == 2) {
                      EXPECT_EQ((*mine)[0].id, "c1");
                      EXPECT_EQ((*mine)[1].id, "c2");
                    }
                    ConversationQuery staffq;
                    staffq.state = ConversationState::kWithStaff;
                    staffq.assigned_staff_id = "st";
                    auto theirs = t.ListConversations(staffq);
                    EXPECT_TRUE(theirs.ok());
                    if (!theirs.ok()) return theirs.status();
                    EXPECT_EQ(theirs->size(), 1u);
                    if (theirs->size() == 1) {
                      const Conversation& c = (*theirs)[0];
                      EXPECT_EQ(c.id, "c3");
                      EXPECT_TRUE(c.bot_paused);
                      EXPECT_EQ(c.updated_at, 99);
                      EXPECT_EQ(c.created_at, 30);
                    }
                    ConversationQuery all;
                    all.limit = 2;
                    EXPECT_EQ(t.ListConversations(all)->size(), 2u);
                    EXPECT_EQ(t.GetConversation("zz").status().code(), StatusCode::kNotFound);
                    return Status::Ok();
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, OversightFieldsRoundTrip) {
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    if (Status s = t.CreateAccount(this->Seeker("s1")); !s.ok()) return s;
                    Conversation c = this->Conv("c1", "s1", 10);
                    c.queue_priority = 2;
                    c.queued_at = 15;
                    c.risk_level = RiskLevel::kHigh;
                    c.tags = {"self_harm", "follow-up", "x9", std::string(32, 'a')};
                    if (Status s = t.CreateConversation(c); !s.ok()) return s;
                    return t.CreateConversation(this->Conv("c2", "s1", 20));  // defaults
                  })
                  .ok());
  auto check_c1 = [](const Conversation& c) {
    EXPECT_EQ(c.queue_priority, 2);
    EXPECT_EQ(c.queued_at, 15);
    EXPECT_EQ(c.risk_level, RiskLevel::kHigh);
    EXPECT_EQ(c.tags,
              (std::vector<std::string>{"self_harm", "follow-up", "x9", std::string(32, 'a')}));
    EXPECT_EQ(c.outcome, "");
    EXPECT_EQ(c.closed_at, 0);
  };
  auto check_defaults = [](const Conversation& c) {
    EXPECT_EQ(c.queue_priority, 0);
    EXPECT_EQ(c.queued_at, 0);
    EXPECT_EQ(c.risk_level, RiskLevel::kNone);
    EXPECT_TRUE(c.tags.empty());
    EXPECT_EQ(c.outcome, "");
    EXPECT_EQ(c.closed_at, 0);
  };
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    auto c1 = t.GetConversation("c1");
                    auto c2 = t.GetConversation("c2");
                    EXPECT_TRUE(c1.ok() && c2.ok());
                    if (!c1.ok() || !c2.ok()) return Internal("get");
                    check_c1(*c1);
                    check_defaults(*c2);
                    auto all = t.ListConversations(ConversationQuery{});
                    if (!all.ok() || all->size() != 2) return Internal("list");
                    check_c1((*all)[0]);
                    check_defaults((*all)[1]);
                    return Status::Ok();
                  })
                  .ok());
  // Update sets every field: the case is closed, its tags replaced; c2 gains a single tag.
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    auto c1 = t.GetConversation("c1");
                    if (!c1.ok()) return c1.status();
                    c1->queue_priority = 0;
                    c1->queued_at = 0;
                    c1->risk_level = RiskLevel::kLow;
                    c1->tags = {};
                    c1->outcome = "referred";
                    c1->closed_at = 99;
                    if (Status s = t.UpdateConversation(*c1); !s.ok()) return s;
                    auto c2 = t.GetConversation("c2");
                    if (!c2.ok()) return c2.status();
                    c2->queue_priority = 5;
                    c2->queued_at = 25;
                    c2->risk_level = RiskLevel::kImminent;
                    c2->tags = {"one"};
                    return t.UpdateConversation(*c2);
                  })
                  .ok());
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    auto c1 = t.GetConversation("c1");
                    auto c2 = t.GetConversation("c2");
                    EXPECT_TRUE(c1.ok() && c2.ok());
                    if (!c1.ok() || !c2.ok()) return Internal("get");
                    EXPECT_EQ(c1->queue_priority, 0);
                    EXPECT_EQ(c1->queued_at, 0);
                    EXPECT_EQ(c1->risk_level, RiskLevel::kLow);
                    EXPECT_TRUE(c1->tags.empty());
                    EXPECT_EQ(c1->outcome, "referred");
                    EXPECT_EQ(c1->closed_at, 99);
                    EXPECT_EQ(c2->queue_priority, 5);
                    EXPECT_EQ(c2->queued_at, 25);
                    EXPECT_EQ(c2->risk_level, RiskLevel::kImminent);
                    EXPECT_EQ(c2->tags, std::vector<std::string>{"one"});
                    EXPECT_EQ(c2->outcome, "");
                    return Status::Ok();
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, MalformedOversightFieldsAreRefused) {
  this->SeedConversation();
  std::vector<Conversation> bad;
  auto with = [&](auto change) {
    Conversation c = this->Conv("c1", "s1");
    change(c);
    bad.push_back(c);
  };
  with([](Conversation& c) { c.queue_priority = 6; });
  with([](Conversation& c) { c.queue_priority = -1; });
  with([](Conversation& c) { c.tags = {""}; });
  with([](Conversation& c) { c.tags = {"a,b"}; });
  with([](Conversation& c) { c.tags = {"Upper"}; });
  with([](Conversation& c) { c.tags = {"with space"}; });
  with([](Conversation& c) { c.tags = {std::string(33, 'a')}; });
  with([](Conversation& c) { c.tags = std::vector<std::string>(17, "t"); });
  for (size_t i = 0; i < bad.size(); ++i) {
    Conversation created = bad[i];
    created.id = "new" + std::to_string(i);
    EXPECT_EQ(this->Run([&](Txn& t) { return t.CreateConversation(created); }).code(),
              StatusCode::kInvalidArgument)
        << i;
    EXPECT_EQ(this->Run([&](Txn& t) { return t.UpdateConversation(bad[i]); }).code(),
              StatusCode::kInvalidArgument)
        << i;
  }
  Conversation most = this->Conv("c1", "s1");
  most.tags = std::vector<std::string>(16, "t");
  most.queue_priority = 5;
  EXPECT_TRUE(this->Run([&](Txn& t) { return t.UpdateConversation(most); }).ok());
  EXPECT_TRUE(IsValidTag("a-z_0-9"));
  EXPECT_FALSE(IsValidTag("é"));
}

TYPED_TEST(StoreContractTest, QueuedOnlyListsQueuedConversations) {
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    for (const char* id : {"s1", "s2"}) {
                      if (Status s = t.CreateAccount(this->Seeker(id)); !s.ok()) return s;
                    }
                    // Created out of order; c2 and c4 are queued, c1 and c3 are not.
                    for (auto [id, owner, at, priority] :
                         {std::tuple{"c4", "s2", 40, 5}, std::tuple{"c1", "s1", 10, 0},
                          std::tuple{"c3", "s2", 30, 0}, std::tuple{"c2", "s1", 20, 1}}) {
                      Conversation c = this->Conv(id, owner, at);
                      c.queue_priority = priority;
                      c.queued_at = priority ? at + 1 : 0;
                      if (priority) c.state = ConversationState::kWaitingForStaff;
                      if (Status s = t.CreateConversation(c); !s.ok()) return s;
                    }
                    return Status::Ok();
                  })
                  .ok());
  auto ids = [&](ConversationQuery q) {
    std::vector<std::string> out;
    Status s = this->Run([&](Txn& t) -> Status {
      auto list = t.ListConversations(q);
      if (!list.ok()) return list.status();
      for (const auto& c : *list) out.push_back(c.id);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return out;
  };
  ConversationQuery queued;
  queued.queued_only = true;
  EXPECT_EQ(ids(queued), (std::vector<std::string>{"c2", "c4"}));
  EXPECT_EQ(ids(ConversationQuery{}), (std::vector<std::string>{"c1", "c2", "c3", "c4"}));
  ConversationQuery queued_s2 = queued;
  queued_s2.owner_id = "s2";
  EXPECT_EQ(ids(queued_s2), std::vector<std::string>{"c4"});
  ConversationQuery queued_waiting = queued;
  queued_waiting.state = ConversationState::kWaitingForStaff;
  EXPECT_EQ(ids(queued_waiting), (std::vector<std::string>{"c2", "c4"}));
  ConversationQuery queued_one = queued;
  queued_one.limit = 1;
  EXPECT_EQ(ids(queued_one), std::vector<std::string>{"c2"});
  // Taken off the queue: it is no longer listed.
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    auto c = t.GetConversation("c2");
                    if (!c.ok()) return c.status();
                    c->queue_priority = 0;
                    c->queued_at = 0;
                    return t.UpdateConversation(*c);
                  })
                  .ok());
  EXPECT_EQ(ids(queued), std::vector<std::string>{"c4"});
}

TYPED_TEST(StoreContractTest, MessageRationaleRoundTrips) {
  this->SeedConversation();
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    if (Status s = t.AppendMessage(this->Msg("m1", "c1", "hi", "k1")).status();
                        !s.ok())
                      return s;
                    Message reply = this->Msg("m2", "c1", "hello", "k2");
                    reply.role = MessageRole::kAssistant;
                    reply.strategy = "reflect";
                    reply.rationale = "risk_none,emotion_sadness,first_turn";
                    return t.AppendMessage(reply).status();
                  })
                  .ok());
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    auto list = t.ListMessages("c1", 0, 10);
                    if (!list.ok() || list->size() != 2) return Internal("list");
                    EXPECT_EQ((*list)[0].rationale, "");
                    EXPECT_EQ((*list)[1].rationale, "risk_none,emotion_sadness,first_turn");
                    EXPECT_EQ((*list)[1].strategy, "reflect");
                    auto again = t.AppendMessage(this->Msg("m3", "c1", "hello", "k2"));
                    EXPECT_TRUE(again.ok());
                    if (!again.ok()) return again.status();
                    EXPECT_TRUE(again->duplicate);
                    EXPECT_EQ(again->message.rationale, "risk_none,emotion_sadness,first_turn");
                    return Status::Ok();
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, MessageActivityRoundTrips) {
  this->SeedConversation();
  const std::string activity =
      R"({"screening":{"instrument":"phq9","item":2,"answers":[1,2]},"offered":["phq9"]})";
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    if (Status s = t.AppendMessage(this->Msg("m1", "c1", "hi", "k1")).status();
                        !s.ok())
                      return s;
                    Message reply = this->Msg("m2", "c1", "Question 3 of 9", "k2");
                    reply.role = MessageRole::kAssistant;
                    reply.activity = activity;
                    auto stored = t.AppendMessage(reply);
                    if (!stored.ok()) return stored.status();
                    EXPECT_EQ(stored->message.activity, activity);
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    auto list = t.ListMessages("c1", 0, 10);
                    if (!list.ok() || list->size() != 2) return Internal("list");
                    EXPECT_EQ((*list)[0].activity, "");
                    EXPECT_EQ((*list)[1].activity, activity);
                    // A resend returns the stored reply with its activity.
                    Message again = this->Msg("m3", "c1", "Question 3 of 9", "k2");
                    again.role = MessageRole::kAssistant;
                    auto dup = t.AppendMessage(again);
                    if (!dup.ok()) return dup.status();
                    EXPECT_TRUE(dup->duplicate);
                    EXPECT_EQ(dup->message.activity, activity);
                    return Status::Ok();
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, ReviewFeedbackFieldsRoundTrip) {
  this->SeedConversation();
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    if (Status s =
                            t.CreateAccount(this->Staff("st", "cara", StaffRole::kClinician));
                        !s.ok())
                      return s;
                    // The seeker's own rating: the new fields keep their defaults.
                    if (Status s = t.AddFeedback(Feedback{"f1", "s1", "c1", 2, 1, "", 5}); !s.ok())
                      return s;
                    Feedback review{"f2", "s1", "c1", 2, 4, "a better reply", 6};
                    review.kind = "review";
                    review.author_id = "st";
                    review.empathy = 5;
                    review.safety = 2;
                    review.helpfulness = 3;
                    review.flagged = true;
                    return t.AddFeedback(review);
                  })
                  .ok());
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    auto list = t.ListFeedback("c1");
                    if (!list.ok() || list->size() != 2) return Internal("feedback");
                    const Feedback& rating = (*list)[0];
                    EXPECT_EQ(rating.kind, "rating");
                    EXPECT_EQ(rating.author_id, "");
                    EXPECT_EQ(rating.empathy, 0);
                    EXPECT_EQ(rating.safety, 0);
                    EXPECT_EQ(rating.helpfulness, 0);
                    EXPECT_FALSE(rating.flagged);
                    const Feedback& review = (*list)[1];
                    EXPECT_EQ(review.id, "f2");
                    EXPECT_EQ(review.account_id, "s1");
                    EXPECT_EQ(review.message_seq, 2);
                    EXPECT_EQ(review.rating, 4);
                    EXPECT_EQ(review.comment, "a better reply");
                    EXPECT_EQ(review.created_at, 6);
                    EXPECT_EQ(review.kind, "review");
                    EXPECT_EQ(review.author_id, "st");
                    EXPECT_EQ(review.empathy, 5);
                    EXPECT_EQ(review.safety, 2);
                    EXPECT_EQ(review.helpfulness, 3);
                    EXPECT_TRUE(review.flagged);
                    return Status::Ok();
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, ReviewQueue) {
  this->SeedConversation();
  auto item = [](const std::string& conv, int64_t seq, UnixMillis at, const std::string& reason) {
    ReviewItem r;
    r.conversation_id = conv;
    r.message_seq = seq;
    r.owner_id = conv == "c1" ? "s1" : "s2";
    r.reason = reason;
    r.created_at = at;
    return r;
  };
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    if (Status s = t.CreateAccount(this->Seeker("s2")); !s.ok()) return s;
                    if (Status s = t.CreateConversation(this->Conv("c2", "s2")); !s.ok()) return s;
                    // Added out of order; c1/4 and c2/2 tie on created_at.
                    for (const ReviewItem& r :
                         {item("c1", 4, 300, "sample"), item("c2", 2, 200, "risk"),
                          item("c1", 2, 100, "sample"), item("c1", 6, 200, "risk")}) {
                      if (Status s = t.AddReviewItem(r); !s.ok()) return s;
                    }
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(this->Run([&](Txn& t) { return t.AddReviewItem(item("c1", 4, 999, "risk")); }).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(this->Run([&](Txn& t) { return t.AddReviewItem(item("zz", 1, 1, "risk")); }).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(this->Run([&](Txn& t) { return t.AddReviewItem(item("", 1, 1, "risk")); }).code(),
            StatusCode::kInvalidArgument);
  auto keys = [&](bool done, int limit) {
    std::vector<std::string> out;
    Status s = this->Run([&](Txn& t) -> Status {
      auto list = t.ListReviewItems(done, limit);
      if (!list.ok()) return list.status();
      for (const auto& r : *list)
        out.push_back(r.conversation_id + "/" + std::to_string(r.message_seq));
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return out;
  };
  EXPECT_EQ(keys(false, 10), (std::vector<std::string>{"c1/2", "c1/6", "c2/2", "c1/4"}));
  EXPECT_EQ(keys(false, 2), (std::vector<std::string>{"c1/2", "c1/6"}));
  EXPECT_TRUE(keys(true, 10).empty());
  ASSERT_TRUE(
      this->Run([&](Txn& t) -> Status {
            EXPECT_EQ(t.ListReviewItems(false, 0).status().code(), StatusCode::kInvalidArgument);
            EXPECT_EQ(t.ListReviewItems(true, -1).status().code(), StatusCode::kInvalidArgument);
            EXPECT_EQ(t.CompleteReviewItem("c1", 99, "st", 1).code(), StatusCode::kNotFound);
            EXPECT_EQ(t.CompleteReviewItem("zz", 2, "st", 1).code(), StatusCode::kNotFound);
            if (Status s = t.CompleteReviewItem("c1", 6, "st", 500); !s.ok()) return s;
            return t.CompleteReviewItem("c2", 2, "st2", 400);
          })
          .ok());
  EXPECT_EQ(keys(false, 10), (std::vector<std::string>{"c1/2", "c1/4"}));
  EXPECT_EQ(keys(true, 10), (std::vector<std::string>{"c1/6", "c2/2"}));
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    auto done = t.ListReviewItems(true, 10);
                    if (!done.ok() || done->size() != 2) return Internal("done");
                    const ReviewItem& r = (*done)[0];
                    EXPECT_EQ(r.conversation_id, "c1");
                    EXPECT_EQ(r.message_seq, 6);
                    EXPECT_EQ(r.owner_id, "s1");
                    EXPECT_EQ(r.reason, "risk");
                    EXPECT_EQ(r.created_at, 200);
                    EXPECT_TRUE(r.done);
                    EXPECT_EQ(r.reviewed_by, "st");
                    EXPECT_EQ(r.reviewed_at, 500);
                    auto open = t.ListReviewItems(false, 1);
                    if (!open.ok() || open->size() != 1) return Internal("open");
                    EXPECT_FALSE((*open)[0].done);
                    EXPECT_EQ((*open)[0].reason, "sample");
                    EXPECT_EQ((*open)[0].reviewed_by, "");
                    EXPECT_EQ((*open)[0].reviewed_at, 0);
                    return Status::Ok();
                  })
                  .ok());
  // The items go with their conversation when its owner is erased; the other owner's stay.
  ASSERT_TRUE(this->Run([&](Txn& t) { return t.DeleteAccount("s1"); }).ok());
  EXPECT_TRUE(keys(false, 10).empty());
  EXPECT_EQ(keys(true, 10), std::vector<std::string>{"c2/2"});
  EXPECT_EQ(this->Run([&](Txn& t) { return t.CompleteReviewItem("c1", 2, "st", 1); }).code(),
            StatusCode::kNotFound);
}

TYPED_TEST(StoreContractTest, MessagesGetSequenceAndAreIdempotent) {
  this->SeedConversation();
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    for (int i = 1; i <= 5; ++i) {
                      Message m =
                          this->Msg("m" + std::to_string(i), "c1", "text " + std::to_string(i),
                                    "client-" + std::to_string(i));
                      m.seq = 77;  // ignored
                      m.role = i % 2 ? MessageRole::kUser : MessageRole::kAssistant;
                      if (i == 2) {
                        m.risk_level = RiskLevel::kModerate;
                        m.strategy = "reflect";
                      }
                      auto r = t.AppendMessage(m);
                      if (!r.ok()) return r.status();
                      EXPECT_EQ(r->message.seq, i);
                      EXPECT_FALSE(r->duplicate);
                    }
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    auto again = t.AppendMessage(this->Msg("m-new", "c1", "resent", "client-3"));
                    EXPECT_TRUE(again.ok());
                    if (!again.ok()) return again.status();
                    EXPECT_TRUE(again->duplicate);
                    EXPECT_EQ(again->message.seq, 3);
                    EXPECT_EQ(again->message.id, "m3");
                    EXPECT_EQ(again->message.text, "text 3");
                    auto no_client_id = t.AppendMessage(this->Msg("m6", "c1", ""));
                    EXPECT_TRUE(no_client_id.ok());
                    auto no_client_id2 = t.AppendMessage(this->Msg("m7", "c1", ""));
                    EXPECT_TRUE(no_client_id2.ok());
                    if (no_client_id2.ok()) {
                      EXPECT_EQ(no_client_id2->message.seq, 7);
                    }
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(
      this->Run([&](Txn& t) -> Status {
            auto page = t.ListMessages("c1", 1, 2);
            EXPECT_TRUE(page.ok());
            if (!page.ok()) return page.status();
            EXPECT_EQ(page->size(), 2u);
            if (page->size() == 2) {
              const Message& m = (*page)[0];
              EXPECT_EQ(m.seq, 2);
              EXPECT_EQ(m.id, "m2");
              EXPECT_EQ(m.text, "text 2");
              EXPECT_EQ(m.role, MessageRole::kAssistant);
              EXPECT_EQ(m.risk_level, RiskLevel::kModerate);
              EXPECT_EQ(m.strategy, "reflect");
              EXPECT_EQ(m.client_message_id, "client-2");
              EXPECT_EQ(m.created_at, 4000);
              EXPECT_EQ((*page)[1].seq, 3);
              EXPECT_FALSE((*page)[1].risk_level.has_value());
            }
            EXPECT_EQ(t.ListMessages("c1", 0, 100)->size(), 7u);
            EXPECT_TRUE(t.ListMessages("c1", 7, 100)->empty());
            EXPECT_EQ(t.AppendMessage(this->Msg("m9", "nope", "x")).status().code(),
                      StatusCode::kNotFound);
            EXPECT_EQ(t.ListMessages("c1", 0, 0).status().code(), StatusCode::kInvalidArgument);
            EXPECT_EQ(t.ListMessages("c1", 0, -1).status().code(), StatusCode::kInvalidArgument);
            EXPECT_EQ(t.ListAuditRecords(0, -1).status().code(), StatusCode::kInvalidArgument);
            ConversationQuery none;
            none.limit = 0;
            EXPECT_EQ(t.ListConversations(none).status().code(), StatusCode::kInvalidArgument);
            return Status::Ok();
          })
          .ok());
}

TYPED_TEST(StoreContractTest, PersonalBytesRoundTripExactly) {
  this->SeedConversation();
  static constexpr char kBinary[] = "\0\x01\xff text \xe2\x9c\x93 \0";
  const std::string binary(kBinary, sizeof kBinary - 1);  // NULs and non-UTF-8 included
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    auto a = t.AppendMessage(this->Msg("m1", "c1", binary));
                    if (!a.ok()) return a.status();
                    return t.AppendMessage(this->Msg("m2", "c1", "")).status();
                  })
                  .ok());
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    auto list = t.ListMessages("c1", 0, 10);
                    EXPECT_TRUE(list.ok());
                    if (!list.ok() || list->size() != 2) return Internal("wrong size");
                    EXPECT_EQ((*list)[0].text, binary);
                    EXPECT_EQ((*list)[1].text, "");
                    return Status::Ok();
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, NotesScreeningsConsentsFeedback) {
  this->SeedConversation();
  ASSERT_TRUE(
      this->Run([&](Txn& t) -> Status {
            if (Status s = t.AddNote(Note{"n2", "c1", "st", "second", 20}); !s.ok()) return s;
            if (Status s = t.AddNote(Note{"n1", "c1", "st", "first", 10}); !s.ok()) return s;
            if (Status s = t.AddScreening(ScreeningResult{"r1", "s1", "phq9", "{\"score\":12}", 5});
                !s.ok())
              return s;
            if (Status s = t.SetConsent(Consent{"s1", "keep_history", true, 1}); !s.ok()) return s;
            if (Status s = t.SetConsent(Consent{"s1", "analytics", true, 1}); !s.ok()) return s;
            if (Status s = t.SetConsent(Consent{"s1", "analytics", false, 2}); !s.ok()) return s;
            if (Status s = t.AddFeedback(Feedback{"f1", "s1", "c1", 2, 1, "more like this", 7});
                !s.ok())
              return s;
            return t.AddFeedback(Feedback{"f2", "s1", "c1", 3, -1, "", 8});
          })
          .ok());
  EXPECT_EQ(this->Run([&](Txn& t) {
                  return t.AddNote(Note{"n9", "zz", "st", "x", 1});
                })
                .code(),
            StatusCode::kNotFound);
  EXPECT_EQ(this->Run([&](Txn& t) {
                  return t.AddNote(Note{"n1", "c1", "st", "dup", 1});
                })
                .code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(this->Run([&](Txn& t) {
                  return t.AddScreening(ScreeningResult{"r9", "zz", "phq9", "{}", 1});
                })
                .code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    auto notes = t.ListNotes("c1");
                    EXPECT_TRUE(notes.ok());
                    if (!notes.ok() || notes->size() != 2) return Internal("notes");
                    EXPECT_EQ((*notes)[0].text, "first");
                    EXPECT_EQ((*notes)[1].text, "second");
                    EXPECT_EQ((*notes)[1].author_id, "st");
                    auto screenings = t.ListScreenings("s1");
                    if (!screenings.ok() || screenings->size() != 1) return Internal("screenings");
                    EXPECT_EQ((*screenings)[0].payload, "{\"score\":12}");
                    EXPECT_EQ((*screenings)[0].instrument, "phq9");
                    auto consents = t.ListConsents("s1");
                    if (!consents.ok() || consents->size() != 2) return Internal("consents");
                    EXPECT_EQ((*consents)[0].kind, "analytics");
                    EXPECT_FALSE((*consents)[0].granted);
                    EXPECT_EQ((*consents)[0].updated_at, 2);
                    EXPECT_TRUE((*consents)[1].granted);
                    auto feedback = t.ListFeedback("c1");
                    if (!feedback.ok() || feedback->size() != 2) return Internal("feedback");
                    EXPECT_EQ((*feedback)[0].comment, "more like this");
                    EXPECT_EQ((*feedback)[0].message_seq, 2);
                    EXPECT_EQ((*feedback)[1].rating, -1);
                    EXPECT_EQ((*feedback)[1].comment, "");
                    return Status::Ok();
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, DeleteAccountRemovesEverythingItOwns) {
  this->SeedConversation();
  ASSERT_TRUE(
      this->Run([&](Txn& t) -> Status {
            if (Status s = t.CreateAccount(this->Seeker("s2")); !s.ok()) return s;
            if (Status s = t.CreateAccount(this->Staff("st", "sam", StaffRole::kSupporter));
                !s.ok())
              return s;
            if (Status s = t.CreateConversation(this->Conv("c2", "s2")); !s.ok()) return s;
            auto c = t.GetConversation("c2");
            if (!c.ok()) return c.status();
            c->assigned_staff_id = "st";
            if (Status s = t.UpdateConversation(*c); !s.ok()) return s;
            if (Status s = t.AppendMessage(this->Msg("m1", "c1", "mine", "k")).status(); !s.ok())
              return s;
            if (Status s = t.AppendMessage(this->Msg("m2", "c2", "theirs", "k")).status(); !s.ok())
              return s;
            if (Status s = t.AddNote(Note{"n1", "c1", "st", "note", 1}); !s.ok()) return s;
            if (Status s = t.AddScreening(ScreeningResult{"r1", "s1", "gad7", "{}", 1}); !s.ok())
              return s;
            if (Status s = t.SetConsent(Consent{"s1", "analytics", true, 1}); !s.ok()) return s;
            if (Status s = t.AddFeedback(Feedback{"f1", "s1", "c1", 1, 1, "ok", 1}); !s.ok())
              return s;
            return t.CreateSession(Session{"tok", "s1", 1, 1, 9, false});
          })
          .ok());
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    if (Status s = t.DeleteAccount("s1"); !s.ok()) return s;
                    return t.DeleteAccount("st");
                  })
                  .ok());
  EXPECT_EQ(this->Run([&](Txn& t) { return t.DeleteAccount("s1"); }).code(), StatusCode::kNotFound);
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    EXPECT_EQ(t.GetAccount("s1").status().code(), StatusCode::kNotFound);
                    EXPECT_EQ(t.GetConversation("c1").status().code(), StatusCode::kNotFound);
                    EXPECT_EQ(t.GetSession("tok").status().code(), StatusCode::kNotFound);
                    EXPECT_TRUE(t.ListMessages("c1", 0, 10)->empty());
                    EXPECT_TRUE(t.ListNotes("c1")->empty());
                    EXPECT_TRUE(t.ListScreenings("s1")->empty());
                    EXPECT_TRUE(t.ListConsents("s1")->empty());
                    EXPECT_TRUE(t.ListFeedback("c1")->empty());
                    // Nobody else is touched; an assignment to an erased staff member is cleared.
                    auto other = t.ListMessages("c2", 0, 10);
                    EXPECT_TRUE(other.ok());
                    if (!other.ok() || other->size() != 1) return Internal("other");
                    EXPECT_EQ((*other)[0].text, "theirs");
                    auto c2 = t.GetConversation("c2");
                    EXPECT_TRUE(c2.ok());
                    if (c2.ok()) {
                      EXPECT_FALSE(c2->assigned_staff_id.has_value());
                    }
                    // The id can be reused for a new message elsewhere.
                    return t.AppendMessage(this->Msg("m1", "c2", "again")).status();
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, FailedUnitOfWorkLeavesNothing) {
  this->SeedConversation();
  Status s = this->Run([&](Txn& t) -> Status {
    if (Status st = t.AppendMessage(this->Msg("m1", "c1", "hello", "k1")).status(); !st.ok())
      return st;
    if (Status st = t.InsertAuditRecord(AuditRecord{1, 1, "s1", "s1", "message.write", "ok", "",
                                                    std::string(32, 'a'), std::string(32, 'b')});
        !st.ok())
      return st;
    return Internal("the action failed after both writes");
  });
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    EXPECT_TRUE(t.ListMessages("c1", 0, 10)->empty());
                    EXPECT_FALSE(t.LastAuditRecord()->has_value());
                    // The sequence was not consumed either.
                    auto r = t.AppendMessage(this->Msg("m1", "c1", "hello", "k1"));
                    EXPECT_TRUE(r.ok());
                    if (r.ok()) {
                      EXPECT_EQ(r->message.seq, 1);
                    }
                    return Status::Ok();
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, AFailedStatementDoesNotEndTheUnitOfWork) {
  this->SeedConversation();
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    EXPECT_EQ(t.CreateAccount(this->Seeker("s1")).code(),
                              StatusCode::kFailedPrecondition);
                    return t.AppendMessage(this->Msg("m1", "c1", "still here")).status();
                  })
                  .ok());
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    EXPECT_EQ(t.ListMessages("c1", 0, 10)->size(), 1u);
                    return Status::Ok();
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, AuditRowsAreAppendedInSequence) {
  auto rec = [](int64_t seq) {
    return AuditRecord{seq,
                       seq * 10,
                       "actor",
                       "subj",
                       "transcript.read",
                       "ok",
                       "d",
                       std::string(32, static_cast<char>(seq)),
                       std::string(32, 'c')};
  };
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    EXPECT_FALSE(t.LastAuditRecord()->has_value());
                    if (Status s = t.InsertAuditRecord(rec(1)); !s.ok()) return s;
                    return t.InsertAuditRecord(rec(2));
                  })
                  .ok());
  EXPECT_EQ(this->Run([&](Txn& t) { return t.InsertAuditRecord(rec(4)); }).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(this->Run([&](Txn& t) { return t.InsertAuditRecord(rec(2)); }).code(),
            StatusCode::kFailedPrecondition);
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    auto last = t.LastAuditRecord();
                    EXPECT_TRUE(last.ok() && last->has_value());
                    if (last.ok() && last->has_value()) {
                      EXPECT_EQ((*last)->seq, 2);
                    }
                    auto all = t.ListAuditRecords(0, 10);
                    if (!all.ok() || all->size() != 2) return Internal("audit");
                    EXPECT_EQ((*all)[1].leaf_hash, rec(2).leaf_hash);
                    EXPECT_EQ((*all)[1].action, "transcript.read");
                    EXPECT_EQ((*all)[1].time, 20);
                    EXPECT_EQ(t.ListAuditRecords(1, 10)->size(), 1u);
                    return Status::Ok();
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, RetentionNeverReusesSequenceNumbers) {
  this->SeedConversation();
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    for (int i = 1; i <= 3; ++i) {
                      auto r = t.AppendMessage(
                          this->Msg("m" + std::to_string(i), "c1", "x", "", i * 100));
                      if (!r.ok()) return r.status();
                    }
                    auto n = t.DeleteMessagesBefore("c1", 1000);
                    EXPECT_TRUE(n.ok());
                    if (n.ok()) {
                      EXPECT_EQ(*n, 3);
                    }
                    auto r = t.AppendMessage(this->Msg("m4", "c1", "y"));
                    EXPECT_TRUE(r.ok());
                    if (r.ok()) {
                      EXPECT_EQ(r->message.seq, 4);
                    }
                    return Status::Ok();
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, GetScreeningFindsOnlyThatPersonsResult) {
  this->SeedConversation();
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    if (Status s = t.CreateAccount(this->Seeker("s2")); !s.ok()) return s;
                    if (Status s =
                            t.AddScreening(ScreeningResult{"r1", "s1", "mood", "{\"v\":2}", 100});
                        !s.ok()) {
                      return s;
                    }
                    return t.AddScreening(ScreeningResult{"r2", "s2", "phq9", "{}", 100});
                  })
                  .ok());
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    auto r1 = t.GetScreening("s1", "r1");
                    EXPECT_TRUE(r1.ok());
                    if (!r1.ok()) return r1.status();
                    EXPECT_EQ(r1->payload, "{\"v\":2}");
                    EXPECT_EQ(r1->instrument, "mood");
                    EXPECT_EQ(r1->created_at, 100);
                    EXPECT_EQ(t.GetScreening("s1", "r2").status().code(), StatusCode::kNotFound);
                    EXPECT_EQ(t.GetScreening("s1", "r9").status().code(), StatusCode::kNotFound);
                    EXPECT_EQ(t.GetScreening("s9", "r1").status().code(), StatusCode::kNotFound);
                    return Status::Ok();
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, RetentionDeletesOnlyThatPersonsOlderScreenings) {
  this->SeedConversation();
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    if (Status s = t.CreateAccount(this->Seeker("s2")); !s.ok()) return s;
                    for (int i = 1; i <= 3; ++i) {
                      const std::string id = "r" + std::to_string(i);
                      if (Status s =
                              t.AddScreening(ScreeningResult{id, "s1", "mood", "{}", i * 100});
                          !s.ok()) {
                        return s;
                      }
                    }
                    return t.AddScreening(ScreeningResult{"other", "s2", "phq9", "{}", 100});
                  })
                  .ok());
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    auto n = t.DeleteScreeningsBefore("s1", 300);  // r1 and r2, not r3 (== 300)
                    EXPECT_TRUE(n.ok());
                    if (n.ok()) {
                      EXPECT_EQ(*n, 2);
                    }
                    auto none = t.DeleteScreeningsBefore("nobody", 1000);
                    EXPECT_TRUE(none.ok());
                    if (none.ok()) {
                      EXPECT_EQ(*none, 0);
                    }
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    auto left = t.ListScreenings("s1");
                    EXPECT_TRUE(left.ok());
                    if (left.ok()) {
                      EXPECT_EQ(left->size(), 1u);
                      if (left->size() == 1) {
                        EXPECT_EQ((*left)[0].id, "r3");
                      }
                    }
                    auto other = t.ListScreenings("s2");
                    EXPECT_TRUE(other.ok());
                    if (other.ok()) {
                      EXPECT_EQ(other->size(), 1u);
                    }
                    return Status::Ok();
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, ConcurrentAppendsGetDistinctSequenceNumbers) {
  this->SeedConversation();
  constexpr int kThreads = 4, kEach = 25;
  std::vector<std::thread> threads;
  for (int th = 0; th < kThreads; ++th) {
    threads.emplace_back([&, th] {
      for (int i = 0; i < kEach; ++i) {
        std::string id = "m" + std::to_string(th) + "-" + std::to_string(i);
        Status s = this->Run(
            [&](Txn& t) { return t.AppendMessage(this->Msg(id, "c1", id, id)).status(); });
        EXPECT_TRUE(s.ok()) << s.message();
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    auto all = t.ListMessages("c1", 0, 1000);
                    EXPECT_TRUE(all.ok());
                    if (!all.ok()) return all.status();
                    EXPECT_EQ(all->size(), static_cast<size_t>(kThreads * kEach));
                    for (size_t i = 0; i < all->size(); ++i) {
                      EXPECT_EQ((*all)[i].seq, static_cast<int64_t>(i + 1));
                      EXPECT_EQ((*all)[i].text, (*all)[i].id);
                    }
                    return Status::Ok();
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, DataSurvivesReopening) {
  if (!TypeParam::kPersistent) GTEST_SKIP() << "not a persistent backend";
  this->SeedConversation();
  ASSERT_TRUE(
      this->Run([&](Txn& t) { return t.AppendMessage(this->Msg("m1", "c1", "kept")).status(); })
          .ok());
  this->Reopen();
  ASSERT_TRUE(this->Run([&](Txn& t) -> Status {
                    auto all = t.ListMessages("c1", 0, 10);
                    if (!all.ok() || all->size() != 1) return Internal("reopen");
                    EXPECT_EQ((*all)[0].text, "kept");
                    EXPECT_EQ(t.GetAccount("s1")->nickname, std::optional<std::string>("nick-s1"));
                    return Status::Ok();
                  })
                  .ok());
}

// The KeyStore contract, for each key store backend.
template <typename K>
class KeyStoreContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if constexpr (std::is_same_v<K, SqliteKeyStore>) {
      auto k = SqliteKeyStore::Open(dir_ / "keys.db");
      ASSERT_TRUE(k.ok()) << k.status().message();
      keys_ = std::move(k).value();
    } else if constexpr (std::is_same_v<K, PostgresKeyStore>) {
      HAVEN_REQUIRE_PG_CLUSTER(cluster);
      auto db = cluster.NewDatabase();
      ASSERT_TRUE(db.ok()) << db.status().message();
      auto k = PostgresKeyStore::Open(*db);
      ASSERT_TRUE(k.ok()) << k.status().message();
      keys_ = std::move(k).value();
    } else {
      keys_ = std::make_unique<MemoryKeyStore>();
    }
  }
  TempDir dir_;
  std::unique_ptr<KeyStore> keys_;
};

using KeyStores = ::testing::Types<MemoryKeyStore, SqliteKeyStore, PostgresKeyStore>;
struct KeyStoreName {
  template <typename T>
  static std::string GetName(int) {
    if (std::is_same_v<T, SqliteKeyStore>) return "Sqlite";
    if (std::is_same_v<T, PostgresKeyStore>) return "Postgres";
    return "Memory";
  }
};
TYPED_TEST_SUITE(KeyStoreContractTest, KeyStores, KeyStoreName);

TYPED_TEST(KeyStoreContractTest, PutGetRewrapDestroy) {
  KeyStore& k = *this->keys_;
  ASSERT_TRUE(k.Put(WrappedKey{"a", 1, 1, "wrapped-a"}).ok());
  ASSERT_TRUE(k.Put(WrappedKey{"b", 1, 1, "wrapped-b"}).ok());
  ASSERT_TRUE(k.Put(WrappedKey{"c", 1, 2, "wrapped-c"}).ok());
  EXPECT_EQ(k.Put(WrappedKey{"a", 1, 1, "again"}).code(), StatusCode::kFailedPrecondition);
  auto a = k.Get("a");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->wrapped, "wrapped-a");
  EXPECT_EQ(a->kek_version, 1u);
  EXPECT_EQ(k.Get("zz").status().code(), StatusCode::kNotFound);

  auto todo = k.ListNotUnder(2, 10);
  ASSERT_TRUE(todo.ok());
  ASSERT_EQ(todo->size(), 2u);
  EXPECT_EQ((*todo)[0].account_id, "a");
  EXPECT_EQ(k.ListNotUnder(2, 1)->size(), 1u);

  EXPECT_TRUE(k.Rewrap(WrappedKey{"a", 1, 2, "rewrapped-a"}, 1).ok());
  EXPECT_EQ(k.Rewrap(WrappedKey{"a", 1, 3, "x"}, 1).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(k.Rewrap(WrappedKey{"zz", 1, 3, "x"}, 1).code(), StatusCode::kNotFound);
  EXPECT_EQ(k.Get("a")->wrapped, "rewrapped-a");
  auto counts = k.CountByKekVersion();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(*counts, (std::vector<std::pair<uint32_t, int64_t>>{{1, 1}, {2, 2}}));

  EXPECT_TRUE(k.Destroy("a").ok());
  EXPECT_TRUE(k.Destroy("a").ok());  // idempotent
  EXPECT_EQ(k.Get("a").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(k.Get("b").ok());
}

}  // namespace
}  // namespace haven::storage
