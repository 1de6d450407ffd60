#include "chat/totp.h"

#include <gtest/gtest.h>
#include <sodium.h>

namespace haven::chat {
namespace {

// RFC 6238 Appendix B and RFC 4226 Appendix D: the SHA-1 seed.
const std::string kRfcKey = "12345678901234567890";

TEST(Base32Test, Rfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},
      {"f", "MY======"},
      {"fo", "MZXQ===="},
      {"foo", "MZXW6==="},
      {"foob", "MZXW6YQ="},
      {"fooba", "MZXW6YTB"},
      {"foobar", "MZXW6YTBOI======"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base32Encode(plain), encoded);
    auto decoded = Base32Decode(encoded);
    ASSERT_TRUE(decoded.ok()) << encoded;
    EXPECT_EQ(*decoded, plain);
  }
  EXPECT_EQ(Base32Encode("foobar", /*pad=*/false), "MZXW6YTBOI");
}

TEST(Base32Test, DecodesLowerCaseSpacesAndNoPadding) {
  auto d = Base32Decode("mzxw 6ytb oi");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, "foobar");
}

TEST(Base32Test, RefusesBadCharactersAndImpossibleLengthsWithoutQuotingThem) {
  auto bad = Base32Decode("MZXW1YTB");  // '1' is not in the alphabet
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message().find("MZXW"), std::string::npos);
  EXPECT_FALSE(Base32Decode("M").ok());
  EXPECT_FALSE(Base32Decode("MZX").ok());
  EXPECT_FALSE(Base32Decode("MZXW6Y").ok());
}

TEST(Base32Test, RoundTripsRandomSecrets) {
  ASSERT_GE(sodium_init(), 0);
  for (int i = 0; i < 50; ++i) {
    std::string secret = NewTotpSecret();
    EXPECT_EQ(secret.size(), kTotpSecretBytes);
    auto d = Base32Decode(Base32Encode(secret, /*pad=*/false));
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(*d, secret);
  }
  EXPECT_NE(NewTotpSecret(), NewTotpSecret());
}

TEST(HotpTest, Rfc4226Vectors) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (uint64_t counter = 0; counter < 10; ++counter) {
    EXPECT_EQ(Hotp(kRfcKey, counter), expected[counter]) << counter;
  }
}

TEST(TotpTest, Rfc6238Sha1VectorsEightDigits) {
  const std::pair<int64_t, std::string> vectors[] = {
      {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
      {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
  };
  for (const auto& [time, code] : vectors) EXPECT_EQ(TotpCode(kRfcKey, time, 8), code) << time;
}

TEST(TotpTest, Rfc6238Sha1VectorsSixDigits) {
  // The same rows truncated to 6 digits (the modulus changes, the low digits stay).
  const std::pair<int64_t, std::string> vectors[] = {
      {59, "287082"},         {1111111109, "081804"}, {1111111111, "050471"},
      {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"},
  };
  for (const auto& [time, code] : vectors) EXPECT_EQ(TotpCode(kRfcKey, time), code) << time;
}

TEST(TotpTest, StepsAreThirtySeconds) {
  EXPECT_EQ(TotpStep(0), 0);
  EXPECT_EQ(TotpStep(29), 0);
  EXPECT_EQ(TotpStep(30), 1);
  EXPECT_EQ(TotpStep(59), 1);
  EXPECT_EQ(TotpStep(-5), 0);
}

TEST(TotpVerifyTest, AcceptsTheCurrentStepAndOneEitherSide) {
  const int64_t now = 1111111111;  // step 37037037
  const int64_t step = TotpStep(now);
  EXPECT_EQ(VerifyTotp(kRfcKey, TotpCode(kRfcKey, now), now, 0), step);
  EXPECT_EQ(VerifyTotp(kRfcKey, TotpCode(kRfcKey, now - 30), now, 0), step - 1);
  EXPECT_EQ(VerifyTotp(kRfcKey, TotpCode(kRfcKey, now + 30), now, 0), step + 1);
  EXPECT_EQ(VerifyTotp(kRfcKey, TotpCode(kRfcKey, now - 60), now, 0), std::nullopt);
  EXPECT_EQ(VerifyTotp(kRfcKey, TotpCode(kRfcKey, now + 60), now, 0), std::nullopt);
  EXPECT_EQ(VerifyTotp("another key here....", TotpCode(kRfcKey, now), now, 0), std::nullopt);
}

TEST(TotpVerifyTest, AUsedStepOrAnEarlierOneIsRefused) {
  const int64_t now = 1234567890;
  std::string code = TotpCode(kRfcKey, now);
  auto first = VerifyTotp(kRfcKey, code, now, 0);
  ASSERT_TRUE(first.has_value());
  // Replayed within the same 30 seconds, or a few seconds later: refused.
  EXPECT_EQ(VerifyTotp(kRfcKey, code, now, *first), std::nullopt);
  EXPECT_EQ(VerifyTotp(kRfcKey, code, now + 20, *first), std::nullopt);
  // The previous step's code is refused too once a later step was accepted.
  EXPECT_EQ(VerifyTotp(kRfcKey, TotpCode(kRfcKey, now - 30), now, *first), std::nullopt);
  // The next step's code is fine.
  EXPECT_EQ(VerifyTotp(kRfcKey, TotpCode(kRfcKey, now + 30), now + 30, *first), *first + 1);
}

TEST(TotpVerifyTest, RefusesMalformedCodes) {
  const int64_t now = 59;
  EXPECT_EQ(VerifyTotp(kRfcKey, "", now, 0), std::nullopt);
  EXPECT_EQ(VerifyTotp(kRfcKey, "28708", now, 0), std::nullopt);
  EXPECT_EQ(VerifyTotp(kRfcKey, "2870820", now, 0), std::nullopt);
  EXPECT_EQ(VerifyTotp(kRfcKey, "94287082", now, 0), std::nullopt);  // 8 digits
  EXPECT_EQ(VerifyTotp(kRfcKey, "28708a", now, 0), std::nullopt);
  EXPECT_EQ(VerifyTotp(kRfcKey, " 87082", now, 0), std::nullopt);
  EXPECT_EQ(VerifyTotp("", "287082", now, 0), std::nullopt);
  EXPECT_EQ(VerifyTotp(kRfcKey, "287082", now, 0), 1);
}

TEST(TotpUriTest, ProvisioningUriCarriesTheSecretAndParameters) {
  std::string uri = TotpProvisioningUri("Haven", "alice", "foobar");
  EXPECT_EQ(uri,
            "otpauth://totp/Haven:alice?secret=MZXW6YTBOI&issuer=Haven&algorithm=SHA1&digits=6&"
            "period=30");
  EXPECT_EQ(TotpProvisioningUri("Haven Clinic", "a&b:c", "f"),
            "otpauth://totp/Haven%20Clinic:a%26b%3Ac?secret=MY&issuer=Haven%20Clinic&"
            "algorithm=SHA1&digits=6&period=30");
}

}  // namespace
}  // namespace haven::chat
