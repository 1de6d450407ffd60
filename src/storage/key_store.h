// KeyStore: where each person's data key lives, wrapped (encrypted) by a key-encryption key.
// It is kept apart from the Store on purpose: a copy of the main database, taken at any time,
// holds no data keys, so once a key is destroyed here that copy can never be read for that
// person (crypto-shredding). The KeyStore is backed up on its own schedule and never restored
// over a newer one.
//
// Implementations are thread-safe. Each call is atomic on its own.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace haven::storage {

struct WrappedKey {
  std::string account_id;
  uint32_t dek_version = 1;  // the data key's version (bound into every sealed field)
  uint32_t kek_version = 0;  // the key-encryption key it is wrapped under
  std::string wrapped;       // nonce || ciphertext (crypto/key_wrap.h)
};

class KeyStore {
 public:
  virtual ~KeyStore() = default;
  // Adds the key of an account. FailedPrecondition when the account already has one.
  virtual Status Put(const WrappedKey& key) = 0;
  // NotFound when the account has no key (never had one, or it was destroyed).
  virtual StatusOr<WrappedKey> Get(std::string_view account_id) = 0;
  // Destroys the account's key so that no file the store writes keeps its bytes. OK when absent.
  virtual Status Destroy(std::string_view account_id) = 0;
  // Up to `limit` keys not wrapped under `kek_version`, ordered by account id.
  virtual StatusOr<std::vector<WrappedKey>> ListNotUnder(uint32_t kek_version, int limit) = 0;
  // Replaces a key's wrapping if it is still under `expected_kek_version` (compare and set);
  // FailedPrecondition when it changed meanwhile, NotFound when it is gone.
  virtual Status Rewrap(const WrappedKey& key, uint32_t expected_kek_version) = 0;
  // How many keys there are under each version: pairs (kek_version, count), ascending.
  virtual StatusOr<std::vector<std::pair<uint32_t, int64_t>>> CountByKekVersion() = 0;
};

}  // namespace haven::storage
