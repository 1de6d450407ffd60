#include "storage/crypto/sealing.h"

#include <gtest/gtest.h>

namespace haven::storage::crypto {
namespace {

TEST(SealingTest, RoundTripsAndHidesThePlaintext) {
  SecretKey k = SecretKey::Random();
  FieldContext where{"owner-1", "message.text", "m-1", 1};
  std::string sealed = Seal(k, where, "I have been feeling low");
  EXPECT_EQ(sealed.find("feeling"), std::string::npos);
  EXPECT_EQ(sealed.size(), 1 + 4 + 24 + 23 + 16u);
  auto opened = Open(k, where, sealed);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "I have been feeling low");
  // Fresh nonce each time.
  EXPECT_NE(Seal(k, where, "same"), Seal(k, where, "same"));
}

TEST(SealingTest, AssociatedDataBindsOwnerKindRecordAndVersion) {
  SecretKey k = SecretKey::Random();
  FieldContext where{"owner-1", "message.text", "m-1", 1};
  std::string sealed = Seal(k, where, "secret");
  for (FieldContext other : {FieldContext{"owner-2", "message.text", "m-1", 1},
                             FieldContext{"owner-1", "note.text", "m-1", 1},
                             FieldContext{"owner-1", "message.text", "m-2", 1},
                             FieldContext{"owner-1", "message.text", "m-1", 2},
                             // Length prefixes: moving bytes between fields changes the AD.
                             FieldContext{"owner-1m", "essage.text", "m-1", 1}}) {
    auto opened = Open(k, other, sealed);
    EXPECT_FALSE(opened.ok()) << other.owner_id << " " << other.kind << " " << other.record_id;
  }
  EXPECT_FALSE(Open(SecretKey::Random(), where, sealed).ok());
}

TEST(SealingTest, TamperedOrMalformedBlobsAreRefused) {
  SecretKey k = SecretKey::Random();
  FieldContext where{"o", "k", "r", 1};
  std::string sealed = Seal(k, where, "text");
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string bad = sealed;
    bad[i] ^= 0x01;
    EXPECT_FALSE(Open(k, where, bad).ok()) << "byte " << i;
  }
  EXPECT_EQ(Open(k, where, "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Open(k, where, sealed.substr(0, 20)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(Open(k, where, sealed.substr(0, sealed.size() - 1)).ok());
}

TEST(SealingTest, WrappedKeysAreBoundToAccountAndVersions) {
  SecretKey kek = SecretKey::Random();
  SecretKey dek = SecretKey::Random();
  std::string wrapped = WrapKey(kek, 3, "acct", 1, dek);
  auto back = UnwrapKey(kek, 3, "acct", 1, wrapped);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->Equals(dek));
  EXPECT_FALSE(UnwrapKey(kek, 3, "other", 1, wrapped).ok());
  EXPECT_FALSE(UnwrapKey(kek, 4, "acct", 1, wrapped).ok());
  EXPECT_FALSE(UnwrapKey(kek, 3, "acct", 2, wrapped).ok());
  EXPECT_FALSE(UnwrapKey(SecretKey::Random(), 3, "acct", 1, wrapped).ok());
  EXPECT_EQ(UnwrapKey(kek, 3, "acct", 1, "short").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace haven::storage::crypto
