// SecretKey: a 256-bit key in memory that libsodium guards (sodium_malloc: guard pages, no
// swap where mlock is allowed) and wipes on destruction (sodium_free zeroes it).
#pragma once

#include <cstddef>
#include <string_view>

#include "core/status.h"

namespace haven::storage::crypto {

// Initialises libsodium once; aborts if it cannot (no usable random source). Thread-safe.
void EnsureSodium();

class SecretKey {
 public:
  static constexpr size_t kSize = 32;

  // A fresh random key.
  static SecretKey Random();
  // A key from exactly kSize bytes; InvalidArgument otherwise.
  static StatusOr<SecretKey> FromBytes(std::string_view bytes);

  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  ~SecretKey();

  const unsigned char* data() const { return key_; }
  // True when both keys hold the same bytes (constant time).
  bool Equals(const SecretKey& other) const;

 private:
  SecretKey();
  unsigned char* key_ = nullptr;
};

}  // namespace haven::storage::crypto
