#include "cli/audit_cmd.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "cli/test_util.h"
#include "storage/audit.h"
#include "storage/open.h"
#include "storage/test_util.h"

namespace haven::cli {
namespace {

using storage::testing::TempDir;

// Runs the command once and keeps what it wrote.
AuditVerifyArgs VerifyArgs(const std::string& data_dir, const std::string& key_file,
                           const std::string& checkpoint, bool update_checkpoint) {
  AuditVerifyArgs a;
  a.data_dir = data_dir;
  a.key_file = key_file;
  a.checkpoint = checkpoint;
  a.update_checkpoint = update_checkpoint;
  return a;
}

struct Verified {
  explicit Verified(const AuditVerifyArgs& args) {
    rc = RunAuditVerify(args, io.out, io.err);
    out_text = io.OutText();
    err_text = io.ErrText();
  }
  testing::Captured io;
  int rc = -1;
  std::string out_text, err_text;
};

TEST(AuditVerifyCommandTest, IntactThenCheckpointedThenTampered) {
  TempDir tmp;
  std::string data = tmp / "data", key = tmp / "haven.key";
  {
    auto store = storage::OpenSqliteStorage(data, key);
    ASSERT_TRUE(store.ok());
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE((*store)
                      ->Transact([&](storage::Txn& t) {
                        return storage::AppendAudit(
                                   t, {i, "admin", "p" + std::to_string(i), "export", "ok", ""})
                            .status();
                      })
                      .ok());
    }
  }
  Verified first(VerifyArgs(data, key, "", false));
  EXPECT_EQ(first.rc, 0) << first.err_text;
  EXPECT_NE(first.out_text.find("intact: 3 entries"), std::string::npos);
  EXPECT_NE(first.out_text.find("no checkpoint"), std::string::npos);

  Verified update(VerifyArgs(data, key, "", true));
  EXPECT_EQ(update.rc, 0);
  EXPECT_NE(update.out_text.find("checkpoint updated"), std::string::npos);

  Verified checked(VerifyArgs(data, key, "", false));
  EXPECT_EQ(checked.rc, 0);
  EXPECT_NE(checked.out_text.find("3 entries, matches"), std::string::npos);

  // Remove the last entry behind Haven's back: only the checkpoint can tell.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((data + "/haven.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 3",
                   nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  Verified tampered(VerifyArgs(data, key, "", false));
  EXPECT_EQ(tampered.rc, 1);
  EXPECT_NE(tampered.out_text.find("TAMPERED"), std::string::npos);
}

TEST(AuditVerifyCommandTest, AMissingDatabaseIsAnError) {
  TempDir tmp;
  Verified r(VerifyArgs(tmp / "nothing", tmp / "k", "", false));
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err_text.find("no database"), std::string::npos);
}

}  // namespace
}  // namespace haven::cli
