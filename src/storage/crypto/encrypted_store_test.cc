// The encryption decorator over real SQLite files: what reaches the disk, crypto-shredding
// against an old copy of the database, and ciphertexts moved between rows.
#include "storage/crypto/encrypted_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "storage/open.h"
#include "storage/sqlite/sqlite_key_store.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/test_util.h"

namespace haven::storage {
namespace {

namespace fs = std::filesystem;
using testing::ReadFileBytes;
using testing::TempDir;

class EncryptedSqliteTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    store_.reset();
    auto s = OpenSqliteStorage(data_, key_file_);
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_ = std::move(s).value();
  }
  Status Run(const std::function<Status(Txn&)>& fn) { return store_->Transact(fn); }

  // A seeker with a conversation `<id>-c` and one message `<id>-m` saying `text`.
  void AddPerson(const std::string& id, const std::string& text) {
    ASSERT_TRUE(Run([&](Txn& t) -> Status {
                  Account a;
                  a.id = id;
                  a.nickname = "nickname of " + id;
                  if (Status s = t.CreateAccount(a); !s.ok()) return s;
                  Conversation c;
                  c.id = id + "-c";
                  c.owner_id = id;
                  if (Status s = t.CreateConversation(c); !s.ok()) return s;
                  Message m;
                  m.id = id + "-m";
                  m.conversation_id = c.id;
                  m.text = text;
                  return t.AppendMessage(m).status();
                }).ok());
  }

  StatusOr<std::string> FirstMessage(Store& store, const std::string& id) {
    std::string text;
    Status s = store.Transact([&](Txn& t) -> Status {
      auto list = t.ListMessages(id + "-c", 0, 10);
      if (!list.ok()) return list.status();
      if (list->empty()) return NotFound("no message");
      text = (*list)[0].text;
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return text;
  }

  // Runs SQL on the main database through a second connection (what someone with the file can do).
  void RawSql(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((data_ + "/haven.db").c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
  }

  TempDir tmp_;
  std::string data_ = tmp_ / "data";
  std::string key_file_ = tmp_ / "secret/haven.key";
  std::unique_ptr<EncryptedStore> store_;
};

TEST_F(EncryptedSqliteTest, NoPersonalFieldReachesAnyFileAsPlaintext) {
  const std::string canary = "CANARY-7f3a9c-the-person-said-this";
  ASSERT_TRUE(Run([&](Txn& t) -> Status {
                Account seeker;
                seeker.id = "s1";
                seeker.nickname = canary + "-nickname";
                if (Status s = t.CreateAccount(seeker); !s.ok()) return s;
                Account staff;
                staff.id = "st";
                staff.kind = AccountKind::kStaff;
                staff.username = "sam";
                staff.totp_secret = canary + "-totp";
                if (Status s = t.CreateAccount(staff); !s.ok()) return s;
                Conversation c;
                c.id = "s1-c";
                c.owner_id = "s1";
                if (Status s = t.CreateConversation(c); !s.ok()) return s;
                for (int i = 0; i < 50; ++i) {
                  Message m;
                  m.id = "m" + std::to_string(i);
                  m.conversation_id = "s1-c";
                  m.text = canary + "-message-" + std::to_string(i);
                  m.activity = canary + "-activity-" + std::to_string(i);
                  if (Status s = t.AppendMessage(m).status(); !s.ok()) return s;
                }
                if (Status s = t.AddNote(Note{"n1", "s1-c", "st", canary + "-note", 1}); !s.ok())
                  return s;
                if (Status s =
                        t.AddScreening(ScreeningResult{"r1", "s1", "phq9", canary + "-answers", 1});
                    !s.ok())
                  return s;
                return t.AddFeedback(Feedback{"f1", "s1", "s1-c", 1, 1, canary + "-comment", 1});
              }).ok());
  auto first = FirstMessage(*store_, "s1");  // it reads back through the store
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, canary + "-message-0");
  auto grep_all = [&](const std::string& when) {
    int files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(data_)) {
      if (!entry.is_regular_file()) continue;
      ++files;
      std::string bytes = ReadFileBytes(entry.path().string());
      EXPECT_EQ(bytes.find("CANARY-7f3a9c"), std::string::npos)
          << when << ": plaintext found in " << entry.path();
    }
    return files;
  };
  // While open: haven.db, its -wal and -shm, keys.db and its -wal and -shm.
  EXPECT_GE(grep_all("open"), 4);
  store_.reset();
  EXPECT_GE(grep_all("closed"), 2);
  // The key file holds no personal data either, and is outside the data directory.
  EXPECT_EQ(ReadFileBytes(key_file_).find("CANARY"), std::string::npos);
}

TEST_F(EncryptedSqliteTest, ErasureShredsTheKeySoAnOldCopyCannotBeReadForThatPerson) {
  AddPerson("alice", "alice's words");
  AddPerson("bob", "bob's words");
  // A backup of the main database taken before the erasure (the database and its WAL).
  std::string backup = tmp_ / "backup";
  fs::create_directories(backup);
  for (const char* f : {"haven.db", "haven.db-wal"}) {
    if (fs::exists(data_ + "/" + f)) fs::copy_file(data_ + "/" + f, backup + "/" + f);
  }
  auto alice_key = store_->keys().Get("alice");
  ASSERT_TRUE(alice_key.ok());
  const std::string wrapped = alice_key->wrapped;

  ASSERT_TRUE(Run([&](Txn& t) { return t.DeleteAccount("alice"); }).ok());

  // The live store has neither her rows nor her key; bob is untouched.
  EXPECT_EQ(store_->keys().Get("alice").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(*FirstMessage(*store_, "bob"), "bob's words");
  // No file of the key store keeps her wrapped key's bytes.
  for (const char* f : {"keys.db", "keys.db-wal", "keys.db-shm"}) {
    std::string path = data_ + "/" + f;
    if (fs::exists(path)) {
      EXPECT_EQ(ReadFileBytes(path).find(wrapped), std::string::npos) << f;
    }
  }

  // The old copy, opened with today's key store and key file: her rows are there, but they
  // cannot be opened; bob's still can.
  auto copy_store = SqliteStore::Open(backup + "/haven.db");
  ASSERT_TRUE(copy_store.ok()) << copy_store.status().message();
  auto keys = SqliteKeyStore::Open(data_ + "/keys.db");
  ASSERT_TRUE(keys.ok());
  auto kek = crypto::KeyFile::Load(key_file_, data_);
  ASSERT_TRUE(kek.ok());
  EncryptedStore old_copy(std::move(copy_store).value(), std::move(keys).value(),
                          crypto::Keyring(std::move(kek).value()));
  EXPECT_EQ(*FirstMessage(old_copy, "bob"), "bob's words");
  auto alice = FirstMessage(old_copy, "alice");
  ASSERT_FALSE(alice.ok());
  EXPECT_EQ(alice.status().code(), StatusCode::kNotFound);
  EXPECT_NE(alice.status().message().find("erased"), std::string::npos);
  Status raw_rows = old_copy.inner().Transact([](Txn& t) -> Status {
    auto rows = t.ListMessages("alice-c", 0, 10);
    EXPECT_TRUE(rows.ok() && rows->size() == 1);  // the ciphertext is still in the copy
    if (rows.ok() && rows->size() == 1) {
      EXPECT_EQ((*rows)[0].text.find("alice"), std::string::npos);
    }
    return Status::Ok();
  });
  EXPECT_TRUE(raw_rows.ok());
}

TEST_F(EncryptedSqliteTest, ACiphertextMovedToAnotherRowDoesNotOpen) {
  AddPerson("alice", "alice's words");
  AddPerson("bob", "bob's words");
  // Another owner's ciphertext in bob's row.
  RawSql(
      "UPDATE messages SET text = (SELECT text FROM messages WHERE id = 'alice-m') "
      "WHERE id = 'bob-m'");
  auto moved = FirstMessage(*store_, "bob");
  ASSERT_FALSE(moved.ok());
  EXPECT_EQ(moved.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(moved.status().message().find("words"), std::string::npos);
  EXPECT_EQ(*FirstMessage(*store_, "alice"), "alice's words");

  // The same owner's ciphertext moved to another of their records.
  ASSERT_TRUE(Run([&](Txn& t) {
                Message m;
                m.id = "alice-m2";
                m.conversation_id = "alice-c";
                m.text = "second";
                return t.AppendMessage(m).status();
              }).ok());
  RawSql(
      "UPDATE messages SET text = (SELECT text FROM messages WHERE id = 'alice-m2') "
      "WHERE id = 'alice-m'");
  EXPECT_EQ(FirstMessage(*store_, "alice").status().code(), StatusCode::kFailedPrecondition);

  // A nickname moved into another account's row.
  RawSql(
      "UPDATE accounts SET nickname = (SELECT nickname FROM accounts WHERE id = 'alice') "
      "WHERE id = 'bob'");
  Status s = Run([](Txn& t) { return t.GetAccount("bob").status(); });
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
}

TEST_F(EncryptedSqliteTest, ReopensWithTheKeyFileAndRefusesAnotherOne) {
  AddPerson("alice", "alice's words");
  Open();
  EXPECT_EQ(*FirstMessage(*store_, "alice"), "alice's words");
  store_.reset();
  // Another key file of the same version cannot unwrap her key.
  auto other = OpenSqliteStorage(data_, tmp_ / "other.key");
  ASSERT_TRUE(other.ok());
  auto text = FirstMessage(**other, "alice");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(EncryptedSqliteTest, AReviewsRewriteIsSealedToTheSeekerLikeARating) {
  AddPerson("alice", "alice's words");
  const std::string rewrite = "REWRITE-4b1e a kinder reply";
  ASSERT_TRUE(Run([&](Txn& t) -> Status {
                Account clinician;
                clinician.id = "cl";
                clinician.kind = AccountKind::kStaff;
                clinician.username = "cara";
                clinician.role = StaffRole::kClinician;
                if (Status s = t.CreateAccount(clinician); !s.ok()) return s;
                if (Status s =
                        t.AddFeedback(Feedback{"f1", "alice", "alice-c", 1, 1, "RATING-9c", 1});
                    !s.ok())
                  return s;
                Feedback review{"f2", "alice", "alice-c", 1, 4, rewrite, 2};
                review.kind = "review";
                review.author_id = "cl";
                review.empathy = 4;
                review.flagged = true;
                return t.AddFeedback(review);
              }).ok());
  // Below the decorator both comments are ciphertext; through it they read back.
  Status raw = store_->inner().Transact([&](Txn& t) -> Status {
    auto rows = t.ListFeedback("alice-c");
    if (!rows.ok() || rows->size() != 2) return Internal("rows");
    EXPECT_NE((*rows)[1].comment, rewrite);
    EXPECT_EQ((*rows)[1].comment.find("REWRITE"), std::string::npos);
    EXPECT_EQ((*rows)[0].comment.find("RATING"), std::string::npos);
    EXPECT_EQ((*rows)[1].kind, "review");  // the metadata is not sealed
    EXPECT_EQ((*rows)[1].author_id, "cl");
    return Status::Ok();
  });
  EXPECT_TRUE(raw.ok()) << raw.message();
  auto read = [&](std::vector<Feedback>& out) {
    return Run([&](Txn& t) -> Status {
      auto list = t.ListFeedback("alice-c");
      if (!list.ok()) return list.status();
      out = std::move(list).value();
      return Status::Ok();
    });
  };
  std::vector<Feedback> list;
  ASSERT_TRUE(read(list).ok());
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].comment, "RATING-9c");
  EXPECT_EQ(list[1].comment, rewrite);
  EXPECT_EQ(list[1].empathy, 4);
  EXPECT_TRUE(list[1].flagged);
  // Sealed to the seeker, not the clinician: erasing the clinician loses nothing...
  ASSERT_TRUE(Run([](Txn& t) { return t.DeleteAccount("cl"); }).ok());
  ASSERT_TRUE(read(list).ok());
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[1].comment, rewrite);
  // ...and a ciphertext of alice's moved into the rewrite's row does not open (bound to its row).
  RawSql(
      "UPDATE feedback SET comment = (SELECT comment FROM feedback WHERE id = 'f1') "
      "WHERE id = 'f2'");
  EXPECT_EQ(read(list).code(), StatusCode::kFailedPrecondition);
  // Erasing the seeker takes the review with her.
  ASSERT_TRUE(Run([](Txn& t) { return t.DeleteAccount("alice"); }).ok());
  ASSERT_TRUE(read(list).ok());
  EXPECT_TRUE(list.empty());
}

TEST_F(EncryptedSqliteTest, DatabaseFilesAreOwnerOnly) {
  AddPerson("alice", "words");
  for (const auto& entry : fs::directory_iterator(data_)) {
    auto perms = fs::status(entry.path()).permissions();
    EXPECT_EQ(perms & (fs::perms::group_all | fs::perms::others_all), fs::perms::none)
        << entry.path();
  }
}

}  // namespace
}  // namespace haven::storage
