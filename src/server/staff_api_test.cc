#include "server/staff_api.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace haven::server {
namespace {

TEST(StaffApiTest, DecodesALoginWithExactlyItsThreeStrings) {
  auto r = DecodeStaffLogin(R"({"username":"sam","password":"long enough pass","totp":"123456"})");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->username, "sam");
  EXPECT_EQ(r->password, "long enough pass");
  EXPECT_EQ(r->totp, "123456");
}

TEST(StaffApiTest, RefusesAnythingElseAsALogin) {
  const std::string too_long(257, 'a');
  for (const std::string& body : {
           std::string(""), std::string("not json"), std::string("[]"),
           std::string(R"({"username":"sam","password":"p"})"),  // missing
           std::string(R"({"username":"sam","password":"p","totp":"1","role":"admin"})"),  // extra
           std::string(R"({"username":"sam","password":"p","totp":123456})"),              // type
           std::string(R"({"username":null,"password":"p","totp":"1"})"),
           R"({"username":")" + too_long + R"(","password":"p","totp":"1"})",
           std::string("{\"username\":\"s\xff\",\"password\":\"p\",\"totp\":\"1\"}"),  // not UTF-8
       }) {
    EXPECT_FALSE(DecodeStaffLogin(body).has_value()) << body;
  }
}

TEST(StaffApiTest, ReadsOnlyABearerTokenOfSixtyFourLowercaseHexDigits) {
  const std::string token(64, 'a');
  EXPECT_EQ(BearerToken("Bearer " + token), token);
  EXPECT_FALSE(BearerToken(token).has_value());
  EXPECT_FALSE(BearerToken("bearer " + token).has_value());
  EXPECT_FALSE(BearerToken("Bearer " + std::string(63, 'a')).has_value());
  EXPECT_FALSE(BearerToken("Bearer " + std::string(64, 'A')).has_value());
  EXPECT_FALSE(BearerToken("Bearer " + std::string(63, 'a') + "g").has_value());
  EXPECT_FALSE(BearerToken("").has_value());
}

TEST(StaffApiTest, EncodesTheAnswersAsJson) {
  chat::StaffLogin login;
  login.token = std::string(64, 'b');
  login.identity = {"acct-1", "sam", storage::StaffRole::kClinician};
  login.expires_at = 1700000000000;
  auto j = nlohmann::json::parse(EncodeStaffLogin(login));
  EXPECT_EQ(j["token"], login.token);
  EXPECT_EQ(j["username"], "sam");
  EXPECT_EQ(j["role"], "clinician");
  EXPECT_EQ(j["expires_at"], 1700000000000);
  auto me = nlohmann::json::parse(EncodeStaffIdentity(login.identity));
  EXPECT_EQ(me["account"], "acct-1");
  EXPECT_EQ(me["role"], "clinician");
  EXPECT_FALSE(me.contains("token"));
  EXPECT_EQ(nlohmann::json::parse(EncodeApiError("not_signed_in"))["error"], "not_signed_in");
}

}  // namespace
}  // namespace haven::server
