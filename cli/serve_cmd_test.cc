#include "cli/serve_cmd.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace haven::cli {
namespace {

TEST(ServeCmdTest, ParsesListenAddresses) {
  std::string host;
  uint16_t port = 1;
  ASSERT_TRUE(ParseListen("127.0.0.1:8443", &host, &port));
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 8443);
  ASSERT_TRUE(ParseListen("localhost:0", &host, &port));
  EXPECT_EQ(host, "localhost");
  EXPECT_EQ(port, 0);
  ASSERT_TRUE(ParseListen("[::1]:8080", &host, &port));
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 8080);
  for (const char* bad :
       {"", "8443", ":8443", "host:", "::1:80", "[::1:80", "h:65536", "h:8x", "h:-1"}) {
    EXPECT_FALSE(ParseListen(bad, &host, &port)) << bad;
  }
}

TEST(ServeCmdTest, RefusesBadArgumentsBeforeTouchingTheDisk) {
  ServeArgs args;
  args.data_dir = "/nonexistent/should-not-be-created";
  args.key_file = "/nonexistent/key";
  std::FILE* sink = std::tmpfile();
  args.listen = "0.0.0.0:0";
  args.insecure_http = true;
  EXPECT_EQ(RunServe(args, HAVEN_SOURCE_DATA_DIR, sink, sink), 2);
  args.listen = "bad";
  EXPECT_EQ(RunServe(args, HAVEN_SOURCE_DATA_DIR, sink, sink), 2);
  args.listen = "127.0.0.1:0";
  args.insecure_http = false;
  args.tls_cert = "cert.pem";  // without --tls-key
  EXPECT_EQ(RunServe(args, HAVEN_SOURCE_DATA_DIR, sink, sink), 2);
  std::fclose(sink);
  EXPECT_FALSE(std::filesystem::exists(args.data_dir));
}

}  // namespace
}  // namespace haven::cli
