#include "nlp/hs_database.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace haven::nlp {
namespace {

int CountMatches(const HsDatabase& db, std::string_view text) {
  int count = 0;
  auto on_match = [](unsigned int, unsigned long long, unsigned long long, unsigned int,
                     void* ctx) -> int {
    ++*static_cast<int*>(ctx);
    return 0;
  };
  EXPECT_EQ(hs_scan(db.get(), text.data(), static_cast<unsigned int>(text.size()), 0, db.Scratch(),
                    on_match, &count),
            HS_SUCCESS);
  return count;
}

TEST(HsDatabaseTest, CompilesAndScans) {
  auto db = HsDatabase::Build("test_a", {{"\\bhello\\b", 0, 1}, {"wor?ld", 0, 2}});
  ASSERT_TRUE(db.ok()) << db.status().message();
  EXPECT_FALSE(db->from_embedded());
  EXPECT_EQ(CountMatches(*db, "hello world, hello"), 3);
}

TEST(HsDatabaseTest, BadPatternIsAnError) {
  auto db = HsDatabase::Build("test_bad", {{"(unclosed", 0, 1}});
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.status().message().find("pattern 0"), std::string::npos);
}

TEST(HsDatabaseTest, FingerprintCoversPatternsFlagsAndIds) {
  std::vector<HsPattern> p = {{"abc", 0, 1}};
  uint64_t base = HsDatabase::Fingerprint("n", p);
  EXPECT_EQ(base, HsDatabase::Fingerprint("n", p));
  EXPECT_NE(base, HsDatabase::Fingerprint("m", p));
  EXPECT_NE(base, HsDatabase::Fingerprint("n", {{"abd", 0, 1}}));
  EXPECT_NE(base, HsDatabase::Fingerprint("n", {{"abc", HS_FLAG_CASELESS, 1}}));
  EXPECT_NE(base, HsDatabase::Fingerprint("n", {{"abc", 0, 2}}));
}

TEST(HsDatabaseTest, EmbeddedCopyIsUsedOnlyWhenItMatches) {
  std::vector<HsPattern> patterns = {{"needle", 0, 7}};
  auto compiled = HsDatabase::Build("test_embed", patterns);
  ASSERT_TRUE(compiled.ok());
  static std::string bytes = compiled->Serialize();
  ASSERT_FALSE(bytes.empty());
  static HsEmbeddedBlob blob{"test_embed", HsDatabase::Fingerprint("test_embed", patterns),
                             reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()};
  RegisterHsEmbeddedBlobs(&blob, 1);
  auto loaded = HsDatabase::Build("test_embed", patterns);
  ASSERT_TRUE(loaded.ok());
  EXPECT_TRUE(loaded->from_embedded());
  EXPECT_EQ(CountMatches(*loaded, "a needle in a needle"), 2);
  // Different patterns under the same name: the stale copy is ignored and they are compiled.
  auto changed = HsDatabase::Build("test_embed", {{"haystack", 0, 7}});
  ASSERT_TRUE(changed.ok());
  EXPECT_FALSE(changed->from_embedded());
  EXPECT_EQ(CountMatches(*changed, "a needle in a haystack"), 1);
}

// An image at an aligned address, as the embed tool links it (static: registered blobs live on).
const unsigned char* AlignedCopy(const std::string& bytes, size_t offset = 0) {
  auto* buf = static_cast<unsigned char*>(std::aligned_alloc(
      HsDatabase::kImageAlign, (bytes.size() + offset + HsDatabase::kImageAlign) /
                                   HsDatabase::kImageAlign * HsDatabase::kImageAlign));
  std::memcpy(buf + offset, bytes.data(), bytes.size());
  return buf + offset;
}

TEST(HsDatabaseTest, EmbeddedImageIsUsedInPlace) {
  std::vector<HsPattern> patterns = {{"needle", HS_FLAG_SOM_LEFTMOST, 7}};
  auto compiled = HsDatabase::Build("test_image", patterns);
  ASSERT_TRUE(compiled.ok());
  const std::string image = compiled->Image();
  ASSERT_FALSE(image.empty());
  static const unsigned char* data = AlignedCopy(image);
  static HsEmbeddedBlob blob{"test_image", HsDatabase::Fingerprint("test_image", patterns), data,
                             image.size(), true};
  RegisterHsEmbeddedBlobs(&blob, 1);
  auto loaded = HsDatabase::Build("test_image", patterns);
  ASSERT_TRUE(loaded.ok());
  EXPECT_TRUE(loaded->from_embedded());
  EXPECT_EQ(static_cast<const void*>(loaded->get()), static_cast<const void*>(data));
  EXPECT_EQ(CountMatches(*loaded, "a needle in a needle"), 2);
  EXPECT_EQ(loaded->Serialize(), compiled->Serialize());
  // Another thread allocates its own scratch for the same image.
  int in_thread = 0;
  std::thread([&] { in_thread = CountMatches(*loaded, "needle"); }).join();
  EXPECT_EQ(in_thread, 1);
}

TEST(HsDatabaseTest, MisalignedOrDamagedImageIsCompiledInstead) {
  std::vector<HsPattern> patterns = {{"thread", 0, 3}};
  auto compiled = HsDatabase::Build("test_image_bad", patterns);
  ASSERT_TRUE(compiled.ok());
  std::string image = compiled->Image();
  ASSERT_GT(image.size(), 256u);
  const uint64_t fp = HsDatabase::Fingerprint("test_image_bad", patterns);
  static const unsigned char* misaligned = AlignedCopy(image, 16);
  image[image.size() / 2] ^= 0x5a;  // inside the bytecode: the checksum no longer holds
  static const unsigned char* damaged = AlignedCopy(image);
  static HsEmbeddedBlob blobs[] = {{"test_image_bad", fp, misaligned, image.size(), true},
                                   {"test_image_bad", fp, damaged, image.size(), true}};
  RegisterHsEmbeddedBlobs(blobs, 2);
  auto loaded = HsDatabase::Build("test_image_bad", patterns);
  ASSERT_TRUE(loaded.ok());
  EXPECT_FALSE(loaded->from_embedded());
  EXPECT_EQ(CountMatches(*loaded, "a thread, a thread"), 2);
}

TEST(HsDatabaseTest, ScratchPerThreadServesSeveralDatabases) {
  auto a = HsDatabase::Build("test_t1", {{"x+", HS_FLAG_SINGLEMATCH, 1}});
  auto b = HsDatabase::Build("test_t2", {{"(ab|cd){2,5}e", 0, 1}});
  ASSERT_TRUE(a.ok() && b.ok());
  std::vector<std::thread> threads;
  std::vector<int> totals(4, 0);
  for (size_t t = 0; t < totals.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) totals[t] += CountMatches(*a, "xx") + CountMatches(*b, "ababe");
    });
  }
  for (auto& th : threads) th.join();
  for (int total : totals) EXPECT_EQ(total, 400);
}

}  // namespace
}  // namespace haven::nlp
