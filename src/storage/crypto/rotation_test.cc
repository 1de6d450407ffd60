#include "storage/crypto/rotation.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "storage/crypto/encrypted_store.h"
#include "storage/memory/memory_store.h"
#include "storage/open.h"
#include "storage/sqlite/sqlite_key_store.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/test_util.h"

namespace haven::storage::crypto {
namespace {

using storage::testing::TempDir;

constexpr int kPeople = 40;

std::string Id(int i) { return "person-" + std::to_string(i); }

class RotationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenSqliteStorage(data_, old_path_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    ASSERT_TRUE((*store)
                    ->Transact([](Txn& t) -> Status {
                      for (int i = 0; i < kPeople; ++i) {
                        Account a;
                        a.id = Id(i);
                        a.nickname = "nick " + std::to_string(i);
                        if (Status s = t.CreateAccount(a); !s.ok()) return s;
                      }
                      return Status::Ok();
                    })
                    .ok());
  }

  std::unique_ptr<SqliteKeyStore> Keys() {
    auto k = SqliteKeyStore::Open(data_ + "/keys.db");
    EXPECT_TRUE(k.ok());
    return std::move(k).value();
  }

  // Every nickname opens through a store that holds only `kek`.
  void ExpectAllOpenWith(const std::string& key_path) {
    auto kek = KeyFile::Load(key_path, data_);
    ASSERT_TRUE(kek.ok());
    auto main = SqliteStore::Open(data_ + "/haven.db");
    ASSERT_TRUE(main.ok());
    EncryptedStore store(std::move(main).value(), Keys(), Keyring(std::move(kek).value()));
    Status s = store.Transact([](Txn& t) -> Status {
      for (int i = 0; i < kPeople; ++i) {
        auto a = t.GetAccount(Id(i));
        if (!a.ok()) return a.status();
        EXPECT_EQ(a->nickname, "nick " + std::to_string(i));
      }
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
  }

  TempDir tmp_;
  std::string data_ = tmp_ / "data";
  std::string old_path_ = tmp_ / "old.key";
  std::string new_path_ = tmp_ / "new.key";
};

TEST_F(RotationTest, RewrapsEveryKeyAndTheNewKeyAloneOpensEverything) {
  auto old_kek = KeyFile::Load(old_path_, data_);
  auto new_kek = KeyFile::LoadOrCreate(new_path_, data_, 2);
  ASSERT_TRUE(old_kek.ok() && new_kek.ok());
  auto keys = Keys();
  auto r = RotateKek(*keys, *old_kek, *new_kek);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->rewrapped, kPeople);
  EXPECT_EQ(r->total, kPeople);
  ExpectAllOpenWith(new_path_);
  // Running it again changes nothing.
  auto again = RotateKek(*keys, *old_kek, *new_kek);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->rewrapped, 0);
  EXPECT_EQ(again->total, kPeople);
}

TEST_F(RotationTest, ResumesAfterBeingInterrupted) {
  auto old_kek = KeyFile::Load(old_path_, data_);
  auto new_kek = KeyFile::LoadOrCreate(new_path_, data_, 2);
  ASSERT_TRUE(old_kek.ok() && new_kek.ok());
  {
    auto keys = Keys();
    RotationOptions crash;
    crash.batch = 7;
    crash.after_each = [](int64_t done) { return done == 13 ? Internal("killed") : Status::Ok(); };
    auto r = RotateKek(*keys, *old_kek, *new_kek, crash);
    ASSERT_FALSE(r.ok());
    auto counts = keys->CountByKekVersion();
    ASSERT_TRUE(counts.ok());
    EXPECT_EQ(*counts, (std::vector<std::pair<uint32_t, int64_t>>{{1, kPeople - 13}, {2, 13}}));
  }
  // Half way, a process holding both keys reads everyone.
  {
    auto main = SqliteStore::Open(data_ + "/haven.db");
    ASSERT_TRUE(main.ok());
    auto both = KeyFile::Load(new_path_, data_);
    ASSERT_TRUE(both.ok());
    Keyring ring(std::move(both).value());
    ring.AddOlder(std::move(KeyFile::Load(old_path_, data_)).value());
    EncryptedStore store(std::move(main).value(), Keys(), std::move(ring));
    EXPECT_TRUE(store
                    .Transact([](Txn& t) -> Status {
                      for (int i = 0; i < kPeople; ++i) {
                        if (Status s = t.GetAccount(Id(i)).status(); !s.ok()) return s;
                      }
                      return Status::Ok();
                    })
                    .ok());
  }
  // A fresh process (new key store connection) finishes the job.
  auto keys = Keys();
  auto r = RotateKek(*keys, *old_kek, *new_kek);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->rewrapped, kPeople - 13);
  EXPECT_EQ(r->total, kPeople);
  ExpectAllOpenWith(new_path_);
}

TEST_F(RotationTest, ResumesAfterKillNine) {
  auto old_kek = KeyFile::Load(old_path_, data_);
  auto new_kek = KeyFile::LoadOrCreate(new_path_, data_, 2);
  ASSERT_TRUE(old_kek.ok() && new_kek.ok());
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // The child rotates and is killed outright after 17 keys: no destructors, no cleanup.
    auto keys = SqliteKeyStore::Open(data_ + "/keys.db");
    if (!keys.ok()) ::_exit(3);
    RotationOptions o;
    o.batch = 5;
    o.after_each = [](int64_t done) {
      if (done == 17) ::kill(::getpid(), SIGKILL);
      return Status::Ok();
    };
    (void)RotateKek(**keys, *old_kek, *new_kek, o);
    ::_exit(4);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  {
    // Haven started with the new key file and the old one beside it reads everyone meanwhile.
    auto store = OpenSqliteStorage(data_, new_path_, {.older_key_files = {old_path_}});
    ASSERT_TRUE(store.ok()) << store.status().message();
    Status read_all = (*store)->Transact([](Txn& t) -> Status {
      for (int i = 0; i < kPeople; ++i) {
        if (Status s = t.GetAccount(Id(i)).status(); !s.ok()) return s;
      }
      return Status::Ok();
    });
    EXPECT_TRUE(read_all.ok()) << read_all.message();
    EXPECT_FALSE(
        OpenSqliteStorage(data_, new_path_, {.older_key_files = {tmp_ / "missing.key"}}).ok());
  }
  auto keys = Keys();
  EXPECT_EQ(*keys->CountByKekVersion(),
            (std::vector<std::pair<uint32_t, int64_t>>{{1, kPeople - 17}, {2, 17}}));
  auto r = RotateKek(*keys, *old_kek, *new_kek);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->rewrapped, kPeople - 17);
  ExpectAllOpenWith(new_path_);
}

TEST_F(RotationTest, RefusesTheSameVersionAndAWrongOldKey) {
  auto old_kek = KeyFile::Load(old_path_, data_);
  ASSERT_TRUE(old_kek.ok());
  auto same = KeyFile::LoadOrCreate(tmp_ / "same.key", data_, 1);
  ASSERT_TRUE(same.ok());
  auto keys = Keys();
  EXPECT_EQ(RotateKek(*keys, *old_kek, *same).status().code(), StatusCode::kFailedPrecondition);
  // An "old" key that is not the one the data keys are under: nothing changes.
  Kek wrong{1, SecretKey::Random()};
  Kek next{2, SecretKey::Random()};
  EXPECT_EQ(RotateKek(*keys, wrong, next).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(*keys->CountByKekVersion(), (std::vector<std::pair<uint32_t, int64_t>>{{1, kPeople}}));
  // Keys under a third version are refused, not silently skipped.
  Kek v3{3, SecretKey::Random()};
  EXPECT_EQ(RotateKek(*keys, v3, next).status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace haven::storage::crypto
