#include "storage/broadcast.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace haven::storage {
namespace {

// What a channel received, waited for without timing assertions (a generous deadline only ends
// a broken test).
class Inbox {
 public:
  Broadcast::Receiver Receiver() {
    return [this](std::string_view p) {
      std::lock_guard<std::mutex> lock(mu_);
      got_.emplace_back(p);
      cv_.notify_all();
    };
  }
  std::vector<std::string> WaitFor(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(30), [&] { return got_.size() >= n; });
    return got_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> got_;
};

TEST(LocalBroadcastTest, EveryChannelGetsEveryPayloadInOrder) {
  // Declared before the channels, which are destroyed (stopped) first.
  Inbox in_a, in_b;
  LocalBroadcastHub hub;
  auto a = hub.NewChannel();
  auto b = hub.NewChannel();
  ASSERT_TRUE(a->Start(in_a.Receiver()).ok());
  ASSERT_TRUE(b->Start(in_b.Receiver()).ok());
  std::vector<std::string> sent;
  for (int i = 0; i < 200; ++i) {
    sent.push_back("p" + std::to_string(i));
    ASSERT_TRUE(a->Send(sent.back()).ok());
  }
  EXPECT_EQ(in_a.WaitFor(200), sent);  // the sender's own channel too
  EXPECT_EQ(in_b.WaitFor(200), sent);
}

TEST(LocalBroadcastTest, RefusesOversizedPayloadsAndSendsAfterStop) {
  // Declared before the channels, which are destroyed (stopped) first.
  Inbox in;
  LocalBroadcastHub hub;
  auto a = hub.NewChannel();
  ASSERT_TRUE(a->Start(in.Receiver()).ok());
  auto big = a->Send(std::string(Broadcast::kMaxPayload + 1, 'x'));
  EXPECT_EQ(big.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(a->Send(std::string(Broadcast::kMaxPayload, 'x')).ok());
  EXPECT_EQ(in.WaitFor(1).size(), 1u);
  a->Stop();
  a->Stop();  // idempotent
  EXPECT_EQ(a->Send("late").code(), StatusCode::kFailedPrecondition);
}

TEST(LocalBroadcastTest, AStoppedChannelNoLongerReceives) {
  // Declared before the channels, which are destroyed (stopped) first.
  Inbox in_a, in_b;
  LocalBroadcastHub hub;
  auto a = hub.NewChannel();
  auto b = hub.NewChannel();
  ASSERT_TRUE(a->Start(in_a.Receiver()).ok());
  ASSERT_TRUE(b->Start(in_b.Receiver()).ok());
  b->Stop();
  ASSERT_TRUE(a->Send("one").ok());
  EXPECT_EQ(in_a.WaitFor(1), std::vector<std::string>{"one"});
  EXPECT_TRUE(in_b.WaitFor(0).empty());
}

TEST(LocalBroadcastTest, OneChannelLeadsAtATime) {
  LocalBroadcastHub hub;
  Inbox in_a, in_b;
  auto a = hub.NewChannel();
  auto b = hub.NewChannel();
  EXPECT_FALSE(a->Leads());  // not started
  ASSERT_TRUE(a->Start(in_a.Receiver()).ok());
  ASSERT_TRUE(b->Start(in_b.Receiver()).ok());
  EXPECT_TRUE(a->Leads());
  EXPECT_FALSE(b->Leads());
  a->Stop();
  EXPECT_FALSE(a->Leads());
  EXPECT_TRUE(b->Leads());
}

}  // namespace
}  // namespace haven::storage
