#include "nlp/hs_database.h"

#include <gtest/gtest.h>

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
