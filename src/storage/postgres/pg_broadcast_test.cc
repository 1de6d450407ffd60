#include "storage/postgres/pg_broadcast.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/postgres/test_cluster.h"

namespace haven::storage {
namespace {

class Inbox {
 public:
  Broadcast::Receiver Receiver() {
    return [this](std::string_view p) {
      std::lock_guard<std::mutex> lock(mu_);
      got_.emplace_back(p);
      cv_.notify_all();
    };
  }
  // What has arrived once there are `n` payloads, or once `patience` has passed.
  std::vector<std::string> WaitFor(size_t n,
                                   std::chrono::milliseconds patience = std::chrono::seconds(60)) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, patience, [&] { return got_.size() >= n; });
    return got_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> got_;
};

class PgBroadcastTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HAVEN_REQUIRE_PG_CLUSTER(cluster);
    auto db = cluster.NewDatabase();
    ASSERT_TRUE(db.ok()) << db.status().message();
    conninfo_ = *db;
  }
  std::unique_ptr<PgBroadcast> Open() {
    auto b = PgBroadcast::Open(conninfo_);
    EXPECT_TRUE(b.ok()) << b.status().message();
    return b.ok() ? std::move(b).value() : nullptr;
  }
  // Ends every other session's connection to the database, as a failover or restart would.
  void TerminateOtherSessions() {
    PGconn* c = PQconnectdb(conninfo_.c_str());
    ASSERT_EQ(PQstatus(c), CONNECTION_OK);
    PGresult* r = PQexec(c,
                         "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = current_database() AND pid <> pg_backend_pid()");
    EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK);
    PQclear(r);
    PQfinish(c);
  }
  std::string conninfo_;
};

TEST_F(PgBroadcastTest, TwoProcessesSeeEachOthersPayloadsInOrder) {
  // Declared before the channels, which are destroyed (stopped) first.
  Inbox in_a, in_b;
  auto a = Open();
  auto b = Open();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(a->Start(in_a.Receiver()).ok());
  ASSERT_TRUE(b->Start(in_b.Receiver()).ok());
  std::vector<std::string> sent;
  for (int i = 0; i < 300; ++i) {
    sent.push_back(R"({"k":"message","seq":)" + std::to_string(i) + "}");
    ASSERT_TRUE(a->Send(sent.back()).ok());
  }
  EXPECT_EQ(in_b.WaitFor(300), sent);
  EXPECT_EQ(in_a.WaitFor(300), sent);  // the sender's own listener too
  EXPECT_EQ(b->received(), 300u);
  ASSERT_TRUE(b->Send("from b").ok());
  EXPECT_EQ(in_a.WaitFor(301).back(), "from b");
}

TEST_F(PgBroadcastTest, RefusesOversizedPayloads) {
  // Declared before the channels, which are destroyed (stopped) first.
  Inbox in;
  auto a = Open();
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->Start(in.Receiver()).ok());
  EXPECT_EQ(a->Send(std::string(Broadcast::kMaxPayload + 1, 'x')).code(),
            StatusCode::kInvalidArgument);
  ASSERT_TRUE(a->Send(std::string(Broadcast::kMaxPayload, 'x')).ok());  // NOTIFY takes it
  EXPECT_EQ(in.WaitFor(1).size(), 1u);
}

TEST_F(PgBroadcastTest, ReconnectsAfterItsConnectionsAreKilled) {
  // Declared before the channels, which are destroyed (stopped) first.
  Inbox in_b;
  Inbox in_a;
  auto a = Open();
  auto b = Open();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(a->Start(in_a.Receiver()).ok());
  ASSERT_TRUE(b->Start(in_b.Receiver()).ok());
  ASSERT_TRUE(a->Send("before").ok());
  ASSERT_EQ(in_b.WaitFor(1).size(), 1u);
  TerminateOtherSessions();
  // Sent until b has heard one again: payloads sent while its listener was away are lost to it,
  // and the sender resends what failed on its own lost connection.
  for (int i = 0; i < 120 && in_b.WaitFor(2, std::chrono::milliseconds(500)).size() < 2; ++i) {
    ASSERT_TRUE(a->Send("after " + std::to_string(i)).ok());
  }
  EXPECT_GE(in_b.WaitFor(2).size(), 2u);
  EXPECT_GE(a->reconnects() + b->reconnects(), 1u);
}

TEST_F(PgBroadcastTest, StopIsPromptAndFinal) {
  // Declared before the channels, which are destroyed (stopped) first.
  Inbox in;
  auto a = Open();
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->Start(in.Receiver()).ok());
  a->Stop();
  EXPECT_EQ(a->Send("x").code(), StatusCode::kFailedPrecondition);
  a->Stop();
}

// Waits (bounded) until `pred` holds; no timing is asserted.
bool Eventually(const std::function<bool()>& pred) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

TEST_F(PgBroadcastTest, ExactlyOneLeadsAndAnotherTakesOverWhenItStops) {
  Inbox in_a, in_b;
  auto a = Open();
  auto b = Open();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(a->Start(in_a.Receiver()).ok());
  ASSERT_TRUE(b->Start(in_b.Receiver()).ok());
  ASSERT_TRUE(Eventually([&] { return a->Leads() || b->Leads(); }));
  EXPECT_FALSE(a->Leads() && b->Leads());
  PgBroadcast* leader = a->Leads() ? a.get() : b.get();
  PgBroadcast* other = leader == a.get() ? b.get() : a.get();
  leader->Stop();
  EXPECT_FALSE(leader->Leads());
  EXPECT_TRUE(Eventually([&] { return other->Leads(); }));
  // Payloads still flow to the new leader while it leads.
  ASSERT_TRUE(other->Send("still here").ok());
  auto& inbox = other == a.get() ? in_a : in_b;
  EXPECT_EQ(inbox.WaitFor(1).back(), "still here");
}

TEST_F(PgBroadcastTest, ALeaderWhoseConnectionDiesLosesTheLead) {
  Inbox in_a, in_b;
  auto a = Open();
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->Start(in_a.Receiver()).ok());
  ASSERT_TRUE(Eventually([&] { return a->Leads(); }));
  auto b = Open();
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(b->Start(in_b.Receiver()).ok());
  TerminateOtherSessions();  // as a SIGKILLed instance's connections end
  // Someone leads again afterwards (a learns it lost the lead as soon as its listener sees the
  // connection closed).
  ASSERT_TRUE(Eventually([&] { return a->Leads() || b->Leads(); }));
}

}  // namespace
}  // namespace haven::storage
