#include "server/tls_cert.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>

namespace haven::server {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct FileClose {
  void operator()(FILE* f) const { std::fclose(f); }
};

Status AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return Internal("tls: cannot make a certificate extension");
  int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  return ok == 1 ? Status::Ok() : Internal("tls: cannot add a certificate extension");
}

// Opens `path` for writing with `mode` (created exclusively).
std::unique_ptr<FILE, FileClose> OpenNew(const std::string& path, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return nullptr;
  FILE* f = ::fdopen(fd, "w");
  if (f == nullptr) ::close(fd);
  return std::unique_ptr<FILE, FileClose>(f);
}

}  // namespace

StatusOr<TlsFiles> EnsureSelfSignedCertificate(const std::string& dir) {
  namespace fs = std::filesystem;
  TlsFiles files;
  fs::path tls_dir = fs::path(dir) / "tls";
  files.cert = (tls_dir / "cert.pem").string();
  files.key = (tls_dir / "key.pem").string();
  std::error_code ec;
  bool has_cert = fs::exists(files.cert, ec), has_key = fs::exists(files.key, ec);
  if (has_cert && has_key) return files;
  if (has_cert != has_key) {
    return FailedPrecondition("tls: only one of " + files.cert + " and " + files.key +
                              " exists; remove it or give --tls-cert and --tls-key");
  }
  fs::create_directories(tls_dir, ec);
  if (ec) return Internal("tls: cannot create " + tls_dir.string());
  ::chmod(tls_dir.c_str(), 0700);

  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_EC_gen("P-256"));
  if (!key) return Internal("tls: cannot generate a P-256 key");
  std::unique_ptr<X509, X509Free> cert(X509_new());
  if (!cert) return Internal("tls: X509_new failed");
  X509_set_version(cert.get(), 2);  // v3
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return Internal("tls: no random bytes");
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  ASN1_INTEGER* sn = bn ? BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get())) : nullptr;
  BN_free(bn);
  if (sn == nullptr) return Internal("tls: cannot set the serial number");
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60 * 60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 365L * 24 * 60 * 60);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("Haven (self-signed)"), -1, -1,
                             0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1"},
                            std::pair{NID_basic_constraints, "critical,CA:FALSE"},
                            std::pair{NID_key_usage, "critical,digitalSignature"},
                            std::pair{NID_ext_key_usage, "serverAuth"}}) {
    if (Status s = AddExtension(cert.get(), nid, value); !s.ok()) return s;
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return Internal("tls: cannot sign the certificate");
  }

  std::string key_tmp = files.key + ".tmp", cert_tmp = files.cert + ".tmp";
  fs::remove(key_tmp, ec);
  fs::remove(cert_tmp, ec);
  {
    auto f = OpenNew(key_tmp, 0600);
    if (!f ||
        PEM_write_PrivateKey(f.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
        std::fflush(f.get()) != 0 || ::fsync(fileno(f.get())) != 0) {
      return Internal("tls: cannot write " + key_tmp);
    }
  }
  {
    auto f = OpenNew(cert_tmp, 0644);
    if (!f || PEM_write_X509(f.get(), cert.get()) != 1 || std::fflush(f.get()) != 0 ||
        ::fsync(fileno(f.get())) != 0) {
      return Internal("tls: cannot write " + cert_tmp);
    }
  }
  fs::rename(key_tmp, files.key, ec);
  if (!ec) fs::rename(cert_tmp, files.cert, ec);
  if (ec) return Internal("tls: cannot move the certificate into " + tls_dir.string());
  files.created = true;
  return files;
}

}  // namespace haven::server
