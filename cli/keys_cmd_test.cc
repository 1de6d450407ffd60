#include "cli/keys_cmd.h"

#include <gtest/gtest.h>

#include "cli/test_util.h"
#include "storage/audit.h"
#include "storage/open.h"
#include "storage/test_util.h"

namespace haven::cli {
namespace {

using storage::testing::TempDir;
using testing::Captured;
using testing::Slurp;

KeysRotateArgs RotateArgs(const std::string& data_dir, const std::string& key_file,
                          const std::string& new_key_file) {
  KeysRotateArgs a;
  a.data_dir = data_dir;
  a.key_file = key_file;
  a.new_key_file = new_key_file;
  return a;
}

TEST(KeysRotateCommandTest, RotatesAndTheNewKeyFileOpensEverything) {
  TempDir tmp;
  std::string data = tmp / "data", old_key = tmp / "old.key", new_key = tmp / "new.key";
  {
    auto store = storage::OpenSqliteStorage(data, old_key);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)
                    ->Transact([](storage::Txn& t) {
                      storage::Account a;
                      a.id = "p1";
                      a.nickname = "sam";
                      return t.CreateAccount(a);
                    })
                    .ok());
  }
  storage::AuditCheckpoint cp{0, std::string(32, '\0')};
  ASSERT_TRUE(storage::WriteAuditCheckpoint(storage::AuditCheckpointPathFor(old_key), cp).ok());
  Captured c;
  EXPECT_EQ(RunKeysRotate(RotateArgs(data, old_key, new_key), c.out, c.err), 0) << Slurp(c.err);
  auto carried = storage::ReadAuditCheckpoint(storage::AuditCheckpointPathFor(new_key));
  ASSERT_TRUE(carried.ok() && carried->has_value());
  EXPECT_EQ((*carried)->count, 0);
  EXPECT_NE(Slurp(c.out).find("rewrapped 1 data keys; all 1 are now under key version 2"),
            std::string::npos);
  auto store = storage::OpenSqliteStorage(data, new_key);
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE((*store)
                  ->Transact([](storage::Txn& t) -> Status {
                    auto a = t.GetAccount("p1");
                    if (!a.ok()) return a.status();
                    EXPECT_EQ(a->nickname, std::optional<std::string>("sam"));
                    return Status::Ok();
                  })
                  .ok());
  // The rotation is in the audit log.
  EXPECT_TRUE((*store)
                  ->Transact([](storage::Txn& t) -> Status {
                    auto last = t.LastAuditRecord();
                    EXPECT_TRUE(last.ok() && last->has_value());
                    if (last.ok() && last->has_value()) {
                      EXPECT_EQ((*last)->action, "keys.rotate");
                      EXPECT_EQ((*last)->detail, "kek v1 -> v2, 1 keys");
                    }
                    return Status::Ok();
                  })
                  .ok());
  // Again: nothing left to do.
  Captured again;
  EXPECT_EQ(RunKeysRotate(RotateArgs(data, old_key, new_key), again.out, again.err), 0);
  EXPECT_NE(Slurp(again.out).find("rewrapped 0"), std::string::npos);
}

TEST(KeysRotateCommandTest, ErrorsNameThePathAndExitTwo) {
  TempDir tmp;
  Captured c;
  EXPECT_EQ(RunKeysRotate(RotateArgs(tmp / "data", tmp / "old.key", tmp / "new.key"), c.out, c.err),
            2);
  EXPECT_NE(Slurp(c.err).find("no key store"), std::string::npos);
  auto store = storage::OpenSqliteStorage(tmp / "data", tmp / "old.key");
  ASSERT_TRUE(store.ok());
  Captured inside;
  EXPECT_EQ(RunKeysRotate(RotateArgs(tmp / "data", tmp / "old.key", tmp / "data/new.key"),
                          inside.out, inside.err),
            2);
  EXPECT_NE(Slurp(inside.err).find("inside the data directory"), std::string::npos);
}

}  // namespace
}  // namespace haven::cli
