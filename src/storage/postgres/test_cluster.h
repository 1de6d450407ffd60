// For tests only: a throwaway PostgreSQL cluster per test process, and a fresh database per test.
//
// The first TestCluster::Get() in a process starts the cluster: the server binaries are found
// under /usr/lib/postgresql/*/bin (the newest; $HAVEN_PG_BINDIR overrides), a data directory is
// made in a new temporary directory, and postgres listens on 127.0.0.1 on a free port, with its
// socket in that directory, fsync off. Run as root (CI), the directory is given to the
// `postgres` system user and initdb and pg_ctl run through `runuser -u postgres --`, since the
// server refuses to run as root.
//
// Cost: CTest runs every test of a suite in its own process (gtest_discover_tests), so each of
// them starts a cluster. initdb is the slow part (about 1.4 s), so it runs once per machine, user
// and server version: its result is kept as a template directory beside the temporary
// directories ("haven-pg-template-<version>-<uid>", built under a lock file, renamed into place
// when complete) and each process copies it (about 0.15 s) and starts its own postmaster (about
// 0.3 s). Processes never share a running server, so there is nothing to hand over or stop at the
// end of a run, and parallel ctest jobs do not wait on each other.
//
// The cluster is stopped (pg_ctl stop -m immediate) and its directory removed when the process
// exits, even when it crashes or is killed: a watchdog process started with the cluster does it
// when the pipe from the test process closes.
#pragma once

#include <libpq-fe.h>
#include <sys/types.h>

#include <memory>
#include <mutex>
#include <string>

#include "core/status.h"

namespace haven::storage::testing {

class TestCluster {
 public:
  // The process's cluster, started on the first call. NotFound when the server binaries are not
  // installed (tests skip: see HAVEN_REQUIRE_PG_CLUSTER); Internal when it did not start (the
  // message quotes the end of the server's log; tests fail).
  static StatusOr<TestCluster*> Get();

  // Creates a fresh, empty database and returns its connection string. Opening that string again
  // reaches the same database (a reopened store sees its data).
  StatusOr<std::string> NewDatabase();

  // The connection string of database `dbname` on this cluster.
  std::string ConnInfo(const std::string& dbname) const;

  ~TestCluster();
  TestCluster(const TestCluster&) = delete;
  TestCluster& operator=(const TestCluster&) = delete;

 private:
  TestCluster() = default;
  static StatusOr<std::unique_ptr<TestCluster>> Start();

  std::string dir_;  // the temporary directory: data/, the socket, logs
  int port_ = 0;
  int watchdog_fd_ = -1;  // write end of the watchdog's pipe
  pid_t watchdog_pid_ = -1;
  std::mutex mu_;
  PGconn* admin_ = nullptr;  // to the postgres database, for CREATE DATABASE
  int next_db_ = 0;
};

}  // namespace haven::storage::testing

// In a test body or SetUp: binds `var` (TestCluster&), or skips the test when PostgreSQL is not
// installed, or fails it when the cluster did not start.
#define HAVEN_REQUIRE_PG_CLUSTER(var)                                                 \
  auto var##_or = ::haven::storage::testing::TestCluster::Get();                      \
  if (!var##_or.ok() && var##_or.status().code() == ::haven::StatusCode::kNotFound) { \
    GTEST_SKIP() << var##_or.status().message();                                      \
  }                                                                                   \
  ASSERT_TRUE(var##_or.ok()) << var##_or.status().message();                          \
  ::haven::storage::testing::TestCluster& var = **var##_or
