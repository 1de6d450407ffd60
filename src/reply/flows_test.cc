#include "reply/flows.h"

#include <gtest/gtest.h>

namespace haven::reply {
namespace {
TEST(FlowsTest, Placeholder) {}
}  // namespace
}  // namespace haven::reply
