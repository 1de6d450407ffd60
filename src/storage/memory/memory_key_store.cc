#include "storage/memory/memory_key_store.h"

#include <sodium.h>

namespace haven::storage {

Status MemoryKeyStore::Put(const WrappedKey& key) {
  if (key.account_id.empty()) return InvalidArgument("key account id is empty");
  std::lock_guard lock(mu_);
  if (!keys_.emplace(key.account_id, key).second) {
    return FailedPrecondition("data key already exists");
  }
  return Status::Ok();
}

StatusOr<WrappedKey> MemoryKeyStore::Get(std::string_view account_id) {
  std::lock_guard lock(mu_);
  auto it = keys_.find(account_id);
  if (it == keys_.end()) return NotFound("data key not found");
  return it->second;
}

Status MemoryKeyStore::Destroy(std::string_view account_id) {
  std::lock_guard lock(mu_);
  auto it = keys_.find(account_id);
  if (it == keys_.end()) return Status::Ok();
  sodium_memzero(it->second.wrapped.data(), it->second.wrapped.size());
  keys_.erase(it);
  return Status::Ok();
}

StatusOr<std::vector<WrappedKey>> MemoryKeyStore::ListNotUnder(uint32_t kek_version, int limit) {
  std::lock_guard lock(mu_);
  std::vector<WrappedKey> out;
  for (const auto& [id, k] : keys_) {
    if (static_cast<int>(out.size()) >= limit) break;
    if (k.kek_version != kek_version) out.push_back(k);
  }
  return out;
}

Status MemoryKeyStore::Rewrap(const WrappedKey& key, uint32_t expected_kek_version) {
  std::lock_guard lock(mu_);
  auto it = keys_.find(key.account_id);
  if (it == keys_.end()) return NotFound("data key not found");
  if (it->second.kek_version != expected_kek_version) {
    return FailedPrecondition("data key was rewrapped meanwhile");
  }
  it->second.kek_version = key.kek_version;
  it->second.wrapped = key.wrapped;
  return Status::Ok();
}

StatusOr<std::vector<std::pair<uint32_t, int64_t>>> MemoryKeyStore::CountByKekVersion() {
  std::lock_guard lock(mu_);
  std::map<uint32_t, int64_t> counts;
  for (const auto& [id, k] : keys_) ++counts[k.kek_version];
  return std::vector<std::pair<uint32_t, int64_t>>(counts.begin(), counts.end());
}

}  // namespace haven::storage
