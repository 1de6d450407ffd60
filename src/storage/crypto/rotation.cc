#include "storage/crypto/rotation.h"

#include "storage/crypto/sealing.h"

namespace haven::storage::crypto {

StatusOr<RotationResult> RotateKek(KeyStore& keys, const Kek& old_kek, const Kek& new_kek,
                                   const RotationOptions& options) {
  if (old_kek.version == new_kek.version) {
    return FailedPrecondition("the new key file has the same version (" +
                              std::to_string(new_kek.version) + ") as the old one");
  }
  RotationResult result;
  for (;;) {
    auto batch = keys.ListNotUnder(new_kek.version, options.batch);
    if (!batch.ok()) return batch.status();
    if (batch->empty()) break;
    for (const WrappedKey& k : *batch) {
      if (k.kek_version != old_kek.version) {
        return FailedPrecondition("a data key is wrapped under key version " +
                                  std::to_string(k.kek_version) +
                                  ", neither the old key file's nor the new one's");
      }
      auto dek = UnwrapKey(old_kek.key, old_kek.version, k.account_id, k.dek_version, k.wrapped);
      if (!dek.ok()) return dek.status();
      WrappedKey rewrapped = k;
      rewrapped.kek_version = new_kek.version;
      rewrapped.wrapped = WrapKey(new_kek.key, new_kek.version, k.account_id, k.dek_version, *dek);
      Status s = keys.Rewrap(rewrapped, old_kek.version);
      // Erased or rewrapped by another run meanwhile: nothing left to do for this key.
      if (s.code() == StatusCode::kNotFound || s.code() == StatusCode::kFailedPrecondition)
        continue;
      if (!s.ok()) return s;
      ++result.rewrapped;
      if (options.after_each) {
        if (Status hook = options.after_each(result.rewrapped); !hook.ok()) return hook;
      }
    }
  }
  auto counts = keys.CountByKekVersion();
  if (!counts.ok()) return counts.status();
  for (const auto& [version, n] : *counts) {
    if (version == new_kek.version) result.total = n;
  }
  return result;
}

}  // namespace haven::storage::crypto
