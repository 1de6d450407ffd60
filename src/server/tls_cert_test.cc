#include "server/tls_cert.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>

namespace haven::server {
namespace {

namespace fs = std::filesystem;

TEST(TlsCertTest, CreatesOnceThenReuses) {
  std::string tmpl = (fs::temp_directory_path() / "haven-tls-XXXXXX").string();
  fs::path dir = ::mkdtemp(tmpl.data());
  auto first = EnsureSelfSignedCertificate(dir.string());
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_TRUE(first->created);
  struct stat st;
  ASSERT_EQ(::stat(first->key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  std::FILE* f = std::fopen(first->cert.c_str(), "r");
  ASSERT_NE(f, nullptr);
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(X509_check_host(cert, "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_host(cert, "example.com", 0, 0, nullptr), 0);
  X509_free(cert);

  auto again = EnsureSelfSignedCertificate(dir.string());
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);

  fs::remove(first->key);
  EXPECT_FALSE(EnsureSelfSignedCertificate(dir.string()).ok());  // half a pair
  fs::remove_all(dir);
}

}  // namespace
}  // namespace haven::server
