#include "cli/store_options.h"

#include <gtest/gtest.h>

#include "cli/audit_cmd.h"
#include "cli/keys_cmd.h"
#include "cli/migrate_cmd.h"
#include "cli/test_util.h"
#include "storage/open.h"
#include "storage/postgres/test_cluster.h"
#include "storage/test_util.h"

namespace haven::cli {
namespace {

using storage::testing::TempDir;
using testing::Captured;

TEST(RedactUrlTest, HidesThePasswordOnly) {
  EXPECT_EQ(RedactUrl("postgres://haven:s3cret@db.example:5432/haven"),
            "postgres://haven:***@db.example:5432/haven");
  EXPECT_EQ(RedactUrl("postgresql://haven@db/haven"), "postgresql://haven@db/haven");
  EXPECT_EQ(RedactUrl("postgres://db/haven"), "postgres://db/haven");
  EXPECT_EQ(RedactUrl("postgres://[::1]:5432/haven"), "postgres://[::1]:5432/haven");
  // A password holding '@' or '/' unencoded is still covered.
  EXPECT_EQ(RedactUrl("postgres://u:p@ss/w@host/db"), "postgres://u:***@host/db");
  EXPECT_EQ(RedactUrl("postgres://u:pw@host/db?sslmode=require&password=x&sslpassword=y"),
            "postgres://u:***@host/db?sslmode=require&password=***&sslpassword=***");
  EXPECT_EQ(RedactUrl("postgres://host/db?password=abc"), "postgres://host/db?password=***");
  EXPECT_EQ(RedactUrl("sqlite"), "sqlite");
}

TEST(ResolveStoreTest, SqliteIsTheDefaultAndNeedsADataDir) {
  auto where = ResolveStore("", "", "/srv/haven");
  ASSERT_TRUE(where.ok());
  EXPECT_FALSE(where->postgres);
  EXPECT_EQ(where->data_dir, "/srv/haven");
  EXPECT_EQ(where->Describe(), "SQLite in /srv/haven");
  ASSERT_TRUE(ResolveStore("sqlite", "", "/srv/haven").ok());
  auto missing = ResolveStore("", "", "");
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("--data-dir"), std::string::npos);
  EXPECT_FALSE(ResolveStore("sqlite", "postgres://h/keys", "/srv/haven").ok());
}

TEST(ResolveStoreTest, PostgresTakesAUrlAndTheKeysDefaultToIt) {
  auto where = ResolveStore("postgres://haven:pw@db/haven", "", "");
  ASSERT_TRUE(where.ok()) << where.status().message();
  EXPECT_TRUE(where->postgres);
  EXPECT_EQ(where->keys_url, where->store_url);
  EXPECT_EQ(where->Describe(), "PostgreSQL postgres://haven:***@db/haven");
  auto split = ResolveStore("postgresql://haven:pw@db/haven", "postgresql://k:kpw@db/keys", "");
  ASSERT_TRUE(split.ok());
  EXPECT_EQ(split->keys_url, "postgresql://k:kpw@db/keys");
  EXPECT_EQ(split->Describe(),
            "PostgreSQL postgresql://haven:***@db/haven (keys: postgresql://k:***@db/keys)");
}

TEST(ResolveStoreTest, RefusesOtherValuesWithoutQuotingThem) {
  for (const char* bad : {"mysql://u:hunter2@h/db", "host=db password=hunter2", "postgres:/x"}) {
    auto where = ResolveStore(bad, "", "/d");
    ASSERT_FALSE(where.ok()) << bad;
    EXPECT_EQ(where.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(where.status().message().find("hunter2"), std::string::npos);
  }
  auto keys = ResolveStore("postgres://h/db", "password=hunter2", "");
  ASSERT_FALSE(keys.ok());
  EXPECT_EQ(keys.status().message().find("hunter2"), std::string::npos);
}

TEST(StoreFlagsTest, ParsedOnEveryCommandThatOpensTheStorage) {
  CLI::App app;
  auto keys = KeysCommand::Add(app);
  auto audit = AuditCommand::Add(app);
  auto migrate = MigrateCommand::Add(app);
  const char* argv[] = {"haven",           "migrate",      "--store",
                        "postgres://h/db", "--keys-store", "postgres://h/keys"};
  app.parse(6, const_cast<char**>(argv));
  EXPECT_TRUE(migrate->parsed());
  CLI::App app2;
  auto audit2 = AuditCommand::Add(app2);
  const char* verify[] = {"haven", "audit", "verify", "--store", "postgres://h/db"};
  app2.parse(5, const_cast<char**>(verify));  // no --data-dir needed
  EXPECT_TRUE(audit2->parsed());
}

TEST(MigrateCommandTest, ExplainsItselfWithoutATarget) {
  Captured c;
  EXPECT_EQ(RunMigrate({}, c.out, c.err), 2);
  EXPECT_NE(c.ErrText().find("haven migrate --store postgres://"), std::string::npos);
}

TEST(MigrateCommandTest, SqliteIsIdempotent) {
  TempDir tmp;
  MigrateArgs args;
  args.data_dir = tmp / "data";
  Captured first, second;
  ASSERT_EQ(RunMigrate(args, first.out, first.err), 0) << first.ErrText();
  ASSERT_EQ(RunMigrate(args, second.out, second.err), 0) << second.ErrText();
  EXPECT_EQ(first.OutText(), second.OutText());
  EXPECT_NE(first.OutText().find("schema version"), std::string::npos);
}

// "host=127.0.0.1 port=P user=U dbname=D ..." (TestCluster) -> "postgres://U:pw@127.0.0.1:P/D".
// The cluster trusts every local connection, so the password is there only to be redacted.
std::string AsUrl(const std::string& conninfo) {
  return testing::PostgresUrl(conninfo, "Sekr1t-pw");
}

TEST(PostgresCommandsTest, MigrateOpenVerifyAndRotate) {
  HAVEN_REQUIRE_PG_CLUSTER(cluster);
  auto records_db = cluster.NewDatabase();
  auto keys_db = cluster.NewDatabase();
  ASSERT_TRUE(records_db.ok() && keys_db.ok());
  MigrateArgs m;
  m.store = AsUrl(*records_db);
  m.keys_store = AsUrl(*keys_db);
  Captured first, second;
  ASSERT_EQ(RunMigrate(m, first.out, first.err), 0) << first.ErrText();
  ASSERT_EQ(RunMigrate(m, second.out, second.err), 0) << second.ErrText();
  EXPECT_EQ(first.OutText(), second.OutText());
  EXPECT_EQ(first.OutText().find("Sekr1t"), std::string::npos) << first.OutText();
  EXPECT_NE(first.OutText().find(":***@"), std::string::npos) << first.OutText();

  TempDir tmp;
  const std::string key = tmp / "old.key";
  auto where = ResolveStore(m.store, m.keys_store, "");
  ASSERT_TRUE(where.ok());
  {
    auto store = OpenStorage(*where, key, /*create=*/true);
    ASSERT_TRUE(store.ok()) << store.status().message();
    storage::Account a;
    a.id = "acct-1";
    a.kind = storage::AccountKind::kSeeker;
    a.nickname = "Sam";
    ASSERT_TRUE((*store)->Transact([&](storage::Txn& t) { return t.CreateAccount(a); }).ok());
  }
  AuditVerifyArgs v;
  v.store = m.store;
  v.key_file = key;
  Captured verified;
  EXPECT_EQ(RunAuditVerify(v, verified.out, verified.err), 0) << verified.ErrText();
  EXPECT_NE(verified.OutText().find("audit log intact"), std::string::npos);

  KeysRotateArgs r;
  r.store = m.store;
  r.keys_store = m.keys_store;
  r.key_file = key;
  r.new_key_file = tmp / "new.key";
  Captured rotated;
  ASSERT_EQ(RunKeysRotate(r, rotated.out, rotated.err), 0) << rotated.ErrText();
  EXPECT_EQ(rotated.ErrText(), "");
  auto reopened = OpenStorage(*where, r.new_key_file, /*create=*/false);
  ASSERT_TRUE(reopened.ok()) << reopened.status().message();
  auto counts = (*reopened)->keys().CountByKekVersion();
  ASSERT_TRUE(counts.ok());
  for (const auto& [version, n] : *counts) EXPECT_EQ(version, 2u) << n;
  Captured after;
  EXPECT_EQ(RunAuditVerify(v, after.out, after.err), 0) << after.ErrText();
}

TEST(PostgresCommandsTest, KeysShareOneDatabaseInTheirOwnSchema) {
  HAVEN_REQUIRE_PG_CLUSTER(cluster);
  auto db = cluster.NewDatabase();
  ASSERT_TRUE(db.ok());
  MigrateArgs m;
  m.store = AsUrl(*db);
  Captured c;
  ASSERT_EQ(RunMigrate(m, c.out, c.err), 0) << c.ErrText();
  EXPECT_NE(c.OutText().find("schema haven_keys"), std::string::npos);
  TempDir tmp;
  auto where = ResolveStore(m.store, "", "");
  ASSERT_TRUE(where.ok());
  auto store = OpenStorage(*where, tmp / "k.key", /*create=*/true);
  ASSERT_TRUE(store.ok()) << store.status().message();
  storage::Account a;
  a.id = "acct-2";
  a.kind = storage::AccountKind::kSeeker;
  ASSERT_TRUE((*store)->Transact([&](storage::Txn& t) { return t.CreateAccount(a); }).ok());
}

}  // namespace
}  // namespace haven::cli
