#include "storage/crypto/key_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "storage/test_util.h"

namespace haven::storage::crypto {
namespace {

using storage::testing::TempDir;
namespace fs = std::filesystem;

int Mode(const std::string& path) {
  struct stat st;
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return st.st_mode & 0777;
}

TEST(KeyFileTest, CreatesOnFirstUseWithOwnerOnlyModeAndLoadsTheSameKey) {
  TempDir tmp;
  std::string data = tmp / "data";
  std::string path = tmp / "keys/haven.key";
  auto created = KeyFile::LoadOrCreate(path, data);
  ASSERT_TRUE(created.ok()) << created.status().message();
  EXPECT_EQ(created->version, 1u);
  EXPECT_EQ(Mode(path), 0600);
  auto again = KeyFile::LoadOrCreate(path, data);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->key.Equals(created->key));
  auto loaded = KeyFile::Load(path, data);
  ASSERT_TRUE(loaded.ok());
  EXPECT_TRUE(loaded->key.Equals(created->key));

  auto v7 = KeyFile::LoadOrCreate(tmp / "new.key", data, 7);
  ASSERT_TRUE(v7.ok());
  EXPECT_EQ(v7->version, 7u);
  EXPECT_FALSE(v7->key.Equals(created->key));
}

TEST(KeyFileTest, RefusesAKeyInsideTheDataDirectory) {
  TempDir tmp;
  fs::create_directories(tmp / "data/sub");
  for (std::string path : {tmp / "data/haven.key", tmp / "data/sub/k", tmp / "data/../data/k"}) {
    auto k = KeyFile::LoadOrCreate(path, tmp / "data");
    ASSERT_FALSE(k.ok()) << path;
    EXPECT_EQ(k.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(k.status().message().find("inside the data directory"), std::string::npos);
    EXPECT_FALSE(fs::exists(path));
  }
  // Through a symbolic link to the data directory.
  fs::create_directory_symlink(tmp / "data", tmp / "link");
  EXPECT_FALSE(KeyFile::LoadOrCreate(tmp / "link/k", tmp / "data").ok());
  // A sibling whose name starts the same is outside.
  EXPECT_TRUE(KeyFile::LoadOrCreate(tmp / "data2.key", tmp / "data").ok());
}

TEST(KeyFileTest, RefusesAKeyOthersCanRead) {
  TempDir tmp;
  std::string path = tmp / "haven.key";
  ASSERT_TRUE(KeyFile::LoadOrCreate(path, tmp / "data").ok());
  for (int mode : {0640, 0604, 0660, 0700 | 0004}) {
    ::chmod(path.c_str(), mode);
    auto k = KeyFile::LoadOrCreate(path, tmp / "data");
    ASSERT_FALSE(k.ok());
    EXPECT_EQ(k.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(k.status().message().find("chmod 600"), std::string::npos);
  }
  ::chmod(path.c_str(), 0400);
  EXPECT_TRUE(KeyFile::Load(path, tmp / "data").ok());
}

TEST(KeyFileTest, RefusesMalformedFilesAndMissingOnes) {
  TempDir tmp;
  EXPECT_EQ(KeyFile::Load(tmp / "none", "").status().code(), StatusCode::kNotFound);
  for (std::string text :
       {std::string(), std::string("haven-kek-v1 1 abcd\n"),
        "other 1 " + std::string(64, 'a') + "\n", "haven-kek-v1 0 " + std::string(64, 'a') + "\n",
        "haven-kek-v1 x " + std::string(64, 'a') + "\n",
        "haven-kek-v1 1 " + std::string(64, 'g') + "\n"}) {
    std::string path = tmp / "bad.key";
    {
      std::ofstream out(path, std::ios::trunc);
      out << text;
    }
    ::chmod(path.c_str(), 0600);
    auto k = KeyFile::Load(path, "");
    ASSERT_FALSE(k.ok()) << text;
    EXPECT_EQ(k.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(k.status().message().find("aaaaaaaa"), std::string::npos);
  }
  std::string good = tmp / "good.key";
  {
    std::ofstream out(good);
    out << "haven-kek-v1 12 " << std::string(64, 'a') << "\n";
  }
  ::chmod(good.c_str(), 0600);
  auto k = KeyFile::Load(good, "");
  ASSERT_TRUE(k.ok()) << k.status().message();
  EXPECT_EQ(k->version, 12u);
}

TEST(KeyringTest, FindsByVersion) {
  Keyring ring(Kek{2, SecretKey::Random()});
  ring.AddOlder(Kek{1, SecretKey::Random()});
  EXPECT_EQ(ring.current().version, 2u);
  ASSERT_NE(ring.Find(1), nullptr);
  EXPECT_EQ(ring.Find(1)->version, 1u);
  EXPECT_EQ(ring.Find(3), nullptr);
}

}  // namespace
}  // namespace haven::storage::crypto
