// What OpenSSL keeps per TLS connection once the handshake is over (issue 4: memory per idle
// connection; docs/benchmarks.md). The server context is configured as `haven serve` configures
// it (SSL_MODE_RELEASE_BUFFERS, no renegotiation, no session cache); each handshake runs in
// memory against a client, then the client and the network half are dropped, so what is left is
// the server connection's own state. Counted through CRYPTO_set_mem_functions, so the figures are
// OpenSSL's allocations, not the allocator's overhead. Built only on request:
//   cmake --build --preset dev --target tls_state_probe && build/dev/bench/tls_state_probe
// prints bytes per connection for the shipped configuration and for the options that might
// shrink it, then where one connection's bytes are (allocation site, bytes, count).
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

namespace {

// Every OpenSSL allocation carries a header with its size; `g_sites` (when set) records the live
// ones by source location.
struct Header {
  size_t size;
  size_t pad;
};
long long g_live = 0;
std::map<void*, std::pair<size_t, std::string>>* g_sites = nullptr;

void Record(void* p, size_t n, const char* file, int line) {
  if (g_sites == nullptr) return;
  auto* sites = g_sites;
  g_sites = nullptr;  // the map's own allocations are not OpenSSL's
  (*sites)[p] = {n, std::string(file ? file : "?") + ":" + std::to_string(line)};
  g_sites = sites;
}
void Forget(void* p) {
  if (g_sites == nullptr) return;
  auto* sites = g_sites;
  g_sites = nullptr;
  sites->erase(p);
  g_sites = sites;
}
void* Malloc(size_t n, const char* file, int line) {
  auto* h = static_cast<Header*>(std::malloc(sizeof(Header) + n));
  if (h == nullptr) return nullptr;
  h->size = n;
  g_live += static_cast<long long>(n);
  Record(h + 1, n, file, line);
  return h + 1;
}
void Free(void* p, const char*, int) {
  if (p == nullptr) return;
  Header* h = static_cast<Header*>(p) - 1;
  g_live -= static_cast<long long>(h->size);
  Forget(p);
  std::free(h);
}
void* Realloc(void* p, size_t n, const char* file, int line) {
  if (p == nullptr) return Malloc(n, file, line);
  Header* h = static_cast<Header*>(p) - 1;
  g_live -= static_cast<long long>(h->size);
  Forget(p);
  h = static_cast<Header*>(std::realloc(h, sizeof(Header) + n));
  if (h == nullptr) return nullptr;
  h->size = n;
  g_live += static_cast<long long>(n);
  Record(h + 1, n, file, line);
  return h + 1;
}

struct Option {
  const char* name;
  void (*apply)(SSL_CTX* server, SSL_CTX* client);
};

const Option kOptions[] = {
    {"as haven serve (TLS 1.3, the client's choice of cipher)", [](SSL_CTX*, SSL_CTX*) {}},
    {"no session tickets", [](SSL_CTX* s, SSL_CTX*) { SSL_CTX_set_num_tickets(s, 0); }},
    {"TLS_AES_128_GCM_SHA256",
     [](SSL_CTX*, SSL_CTX* c) { SSL_CTX_set_ciphersuites(c, "TLS_AES_128_GCM_SHA256"); }},
    {"TLS_CHACHA20_POLY1305_SHA256",
     [](SSL_CTX*, SSL_CTX* c) { SSL_CTX_set_ciphersuites(c, "TLS_CHACHA20_POLY1305_SHA256"); }},
    {"TLS 1.2 only",
     [](SSL_CTX*, SSL_CTX* c) { SSL_CTX_set_max_proto_version(c, TLS1_2_VERSION); }},
};

// A self-signed P-256 certificate, as tls_cert.cc makes on first start.
bool UseSelfSigned(SSL_CTX* ctx) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  bool ok = X509_sign(cert, key, EVP_sha256()) > 0 && SSL_CTX_use_certificate(ctx, cert) == 1 &&
            SSL_CTX_use_PrivateKey(ctx, key) == 1;
  X509_free(cert);
  EVP_PKEY_free(key);
  return ok;
}

// Moves bytes between the two in-memory pairs until both handshakes are done and the client has
// read the server's session tickets.
void Handshake(SSL* server, BIO* server_net, SSL* client, BIO* client_net) {
  char buf[16384];
  for (int round = 0; round < 64; ++round) {
    bool moved = false;
    int n;
    while ((n = BIO_read(server_net, buf, sizeof buf)) > 0)
      moved |= BIO_write(client_net, buf, n) > 0;
    while ((n = BIO_read(client_net, buf, sizeof buf)) > 0)
      moved |= BIO_write(server_net, buf, n) > 0;
    SSL_do_handshake(server);
    SSL_do_handshake(client);
    char none;
    SSL_read(client, &none, 0);
    if (!moved && SSL_is_init_finished(server) && SSL_is_init_finished(client)) return;
  }
}

// Bytes OpenSSL keeps for each of `n` server connections after the handshake.
double PerConnection(const Option& option, int n, bool sites) {
  SSL_CTX* server_ctx = SSL_CTX_new(TLS_server_method());
  SSL_CTX* client_ctx = SSL_CTX_new(TLS_client_method());
  if (!UseSelfSigned(server_ctx)) {
    std::fprintf(stderr, "tls_state_probe: cannot make a certificate\n");
    std::exit(1);
  }
  SSL_CTX_set_min_proto_version(server_ctx, TLS1_2_VERSION);
  SSL_CTX_set_mode(server_ctx, SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_options(server_ctx, SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_session_cache_mode(server_ctx, SSL_SESS_CACHE_OFF);
  option.apply(server_ctx, client_ctx);
  std::map<void*, std::pair<size_t, std::string>> live_sites;
  std::vector<SSL*> servers;
  for (int i = 0; i < n; ++i) {
    if (sites) g_sites = &live_sites;
    SSL* server = SSL_new(server_ctx);
    SSL* client = SSL_new(client_ctx);
    BIO *server_io, *server_net, *client_io, *client_net;
    BIO_new_bio_pair(&server_io, 0, &server_net, 0);
    BIO_new_bio_pair(&client_io, 0, &client_net, 0);
    SSL_set_bio(server, server_io, server_io);
    SSL_set_bio(client, client_io, client_io);
    SSL_set_accept_state(server);
    SSL_set_connect_state(client);
    Handshake(server, server_net, client, client_net);
    SSL_free(client);
    BIO_free(client_net);
    BIO_free(server_net);
    // The server's stream reads the socket through a small BIO of its own (lean_tls_stream.h),
    // not a 17 KB pair buffer: stand in for it with an empty memory BIO.
    BIO* small = BIO_new(BIO_s_mem());
    SSL_set_bio(server, small, small);
    g_sites = nullptr;
    servers.push_back(server);
  }
  long long with = g_live;
  if (sites) {
    std::map<std::string, std::pair<size_t, int>> by_site;
    for (const auto& [p, entry] : live_sites) {
      by_site[entry.second].first += entry.first;
      by_site[entry.second].second += 1;
    }
    std::vector<std::pair<size_t, std::string>> rows;
    for (const auto& [where, total] : by_site) {
      rows.push_back({total.first, where + " (" + std::to_string(total.second) + ")"});
    }
    std::sort(rows.rbegin(), rows.rend());
    std::printf("\nwhere one connection's bytes are (OpenSSL source, bytes, allocations):\n");
    for (const auto& [bytes, where] : rows) std::printf("  %6zu  %s\n", bytes, where.c_str());
  }
  for (SSL* server : servers) SSL_free(server);
  double per = static_cast<double>(with - g_live) / n;
  SSL_CTX_free(server_ctx);
  SSL_CTX_free(client_ctx);
  return per;
}

}  // namespace

int main() {
  CRYPTO_set_mem_functions(Malloc, Realloc, Free);
  OPENSSL_init_ssl(0, nullptr);
  PerConnection(kOptions[0], 4, false);  // warm OpenSSL's global caches (providers, names)
  std::printf("OpenSSL %s: bytes kept per server connection after the handshake\n",
              OpenSSL_version(OPENSSL_VERSION_STRING));
  for (const Option& option : kOptions) {
    std::printf("  %8.0f  %s\n", PerConnection(option, 200, false), option.name);
  }
  PerConnection(kOptions[0], 1, true);
  return 0;
}
