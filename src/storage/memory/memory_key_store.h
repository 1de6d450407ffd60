// MemoryKeyStore: the in-memory KeyStore for tests. Thread-safe (one mutex).
#pragma once

#include <map>
#include <mutex>

#include "storage/key_store.h"

namespace haven::storage {

class MemoryKeyStore final : public KeyStore {
 public:
  Status Put(const WrappedKey& key) override;
  StatusOr<WrappedKey> Get(std::string_view account_id) override;
  Status Destroy(std::string_view account_id) override;
  StatusOr<std::vector<WrappedKey>> ListNotUnder(uint32_t kek_version, int limit) override;
  Status Rewrap(const WrappedKey& key, uint32_t expected_kek_version) override;
  StatusOr<std::vector<std::pair<uint32_t, int64_t>>> CountByKekVersion() override;

 private:
  std::mutex mu_;
  std::map<std::string, WrappedKey, std::less<>> keys_;
};

}  // namespace haven::storage
