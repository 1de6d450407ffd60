// The self-signed certificate `haven serve` makes on first start when no --tls-cert/--tls-key is
// given: an ECDSA P-256 key and an X.509 v3 certificate for localhost (SAN: DNS localhost, IP
// 127.0.0.1, IP ::1), valid for 365 days. Browsers will warn about it; it is for development and
// for a first look, and docs/security.md says how to give a real one.
#pragma once

#include <string>

#include "core/status.h"

namespace haven::server {

struct TlsFiles {
  std::string cert;  // PEM certificate (chain)
  std::string key;   // PEM private key
  bool created = false;
};

// The certificate and key under `dir` ("<dir>/tls/cert.pem", "<dir>/tls/key.pem"): loaded as
// they are when both exist, created (key mode 0600, directory 0700) when neither does.
// FailedPrecondition when only one of them exists; Internal when OpenSSL or the disk fails.
StatusOr<TlsFiles> EnsureSelfSignedCertificate(const std::string& dir);

}  // namespace haven::server
