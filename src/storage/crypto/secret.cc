#include "storage/crypto/secret.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

namespace haven::storage::crypto {

void EnsureSodium() {
  static const bool ready = [] { return sodium_init() >= 0; }();
  if (!ready) std::abort();
}

SecretKey::SecretKey() {
  EnsureSodium();
  key_ = static_cast<unsigned char*>(sodium_malloc(kSize));
  if (key_ == nullptr) throw std::bad_alloc();
}

SecretKey SecretKey::Random() {
  SecretKey k;
  randombytes_buf(k.key_, kSize);
  return k;
}

StatusOr<SecretKey> SecretKey::FromBytes(std::string_view bytes) {
  if (bytes.size() != kSize) return InvalidArgument("a key must be 32 bytes");
  SecretKey k;
  std::memcpy(k.key_, bytes.data(), kSize);
  return k;
}

SecretKey::SecretKey(SecretKey&& other) noexcept : key_(std::exchange(other.key_, nullptr)) {}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this != &other) {
    if (key_ != nullptr) sodium_free(key_);
    key_ = std::exchange(other.key_, nullptr);
  }
  return *this;
}

SecretKey::~SecretKey() {
  if (key_ != nullptr) sodium_free(key_);
}

bool SecretKey::Equals(const SecretKey& other) const {
  return sodium_memcmp(key_, other.key_, kSize) == 0;
}

}  // namespace haven::storage::crypto
