// EncryptedStore: a Store decorator that seals every personal field before it reaches the
// backend and opens it on the way back, so the backend (memory, SQLite, PostgreSQL) only ever
// holds ciphertext for them. Same interface, same contract (store_contract_test.cc runs it).
//
// Key hierarchy: each account has a random 256-bit data key (DEK), created with the account and
// kept in the KeyStore wrapped by the current key-encryption key (KEK, crypto/key_file.h).
// Fields sealed (crypto/sealing.h), each bound to owner, field kind, record id and DEK version:
//   account.nickname, account.totp_secret     owner: the account
//   message.text, note.text                   owner: the conversation's owner, whoever wrote it
//   screening.payload, feedback.comment       owner: the account the record belongs to
// Empty TOTP secrets and empty feedback comments stay empty (nothing to hide).
//
// Erasure (crypto-shredding): DeleteAccount destroys the account's DEK in the KeyStore first,
// then deletes its rows in the transaction. The key is gone even if the transaction later rolls
// back, and no copy of the main database taken at any time can be read for that person again.
//
// Reads fail with NotFound when the owner's data key is gone (an erased person in an old copy)
// and FailedPrecondition when a field does not open (tampered, or moved from another row).
//
// Thread-safe when the inner Store and KeyStore are. Unwrapped DEKs are cached in memory
// (guarded pages, wiped on eviction), at most kCacheSize of them.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "storage/crypto/key_file.h"
#include "storage/crypto/secret.h"
#include "storage/key_store.h"
#include "storage/store.h"

namespace haven::storage {

class EncryptedStore final : public Store {
 public:
  static constexpr size_t kCacheSize = 4096;

  EncryptedStore(std::unique_ptr<Store> inner, std::unique_ptr<KeyStore> keys,
                 crypto::Keyring keyring);
  ~EncryptedStore() override;

  Status Transact(const std::function<Status(Txn&)>& fn) override;

  // The backend and key store underneath (tests and maintenance: rotation, audit).
  Store& inner() { return *inner_; }
  KeyStore& keys() { return *keys_; }
  const crypto::Keyring& keyring() const { return keyring_; }

  struct DataKey {
    crypto::SecretKey key;
    uint32_t version = 1;
  };
  // The account's unwrapped data key: NotFound when it has none (erased or never created),
  // FailedPrecondition when it is wrapped under a KEK this keyring lacks or does not unwrap.
  StatusOr<std::shared_ptr<const DataKey>> KeyFor(const std::string& account_id);
  // Creates and stores a data key for a new account (reuses one left by a rolled-back create).
  StatusOr<std::shared_ptr<const DataKey>> NewKeyFor(const std::string& account_id);
  // Destroys the account's data key (idempotent) and drops it from the cache.
  Status DestroyDataKey(const std::string& account_id);

 private:
  std::unique_ptr<Store> inner_;
  std::unique_ptr<KeyStore> keys_;
  crypto::Keyring keyring_;
  std::mutex cache_mu_;
  std::map<std::string, std::shared_ptr<const DataKey>, std::less<>> cache_;
};

}  // namespace haven::storage
