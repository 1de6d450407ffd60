#include "core/status.h"

#include <gtest/gtest.h>

#include "core/risk_level.h"

namespace haven {
namespace {

TEST(StatusTest, OkAndError) {
  EXPECT_TRUE(Status::Ok().ok());
  Status s = InvalidArgument("bad");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "bad");
}

TEST(StatusOrTest, HoldsValueOrStatus) {
  StatusOr<int> v = 3;
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 3);
  StatusOr<int> e = NotFound("missing");
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kNotFound);
}

TEST(RiskLevelTest, NamesRoundTripAndOrder) {
  for (int i = 0; i <= 4; ++i) {
    auto level = static_cast<RiskLevel>(i);
    EXPECT_EQ(ParseRiskLevel(RiskLevelName(level)), level);
  }
  EXPECT_FALSE(ParseRiskLevel("severe").has_value());
  EXPECT_LT(RiskLevel::kLow, RiskLevel::kHigh);
}

}  // namespace
}  // namespace haven
