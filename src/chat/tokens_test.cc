#include "chat/tokens.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <set>

namespace haven::chat {
namespace {

TEST(TokensTest, SessionTokensAre256BitsOfHexAndDiffer) {
  ASSERT_GE(sodium_init(), 0);
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string t = NewSessionToken();
    EXPECT_EQ(t.size(), 64u);
    EXPECT_EQ(t.find_first_not_of("0123456789abcdef"), std::string::npos);
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(TokensTest, TokenHashIsSha256AndNotTheToken) {
  std::string t = NewSessionToken();
  std::string h = HashSessionToken(t);
  EXPECT_EQ(h.size(), 32u);
  EXPECT_EQ(h, HashSessionToken(t));
  EXPECT_NE(h, HashSessionToken(NewSessionToken()));
  EXPECT_EQ(h.find(t), std::string::npos);
}

TEST(TokensTest, RecoveryPhraseHashVerifies) {
  ASSERT_GE(sodium_init(), 0);
  std::string phrase = NewRecoveryPhrase();
  EXPECT_EQ(phrase.size(), 8u * 4u + 7u);
  auto hash = HashRecoveryPhrase(phrase);
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(hash->find(phrase), std::string::npos);
  EXPECT_TRUE(VerifyRecoveryPhrase(phrase, *hash));
  EXPECT_FALSE(VerifyRecoveryPhrase(phrase + "x", *hash));
  EXPECT_FALSE(VerifyRecoveryPhrase(phrase, "not a hash"));
  EXPECT_FALSE(VerifyRecoveryPhrase(phrase, ""));
}

TEST(TokensTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(
      IsValidUtf8("ab\x80"
                  "cd"));  // stray continuation
}

}  // namespace
}  // namespace haven::chat
