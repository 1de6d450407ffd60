// KEK rotation: re-wraps every data key from the old KEK to the new one. Data rows are never
// touched (they are sealed under data keys, which do not change).
//
// Resumable and idempotent: each key records the KEK version it is wrapped under, and each
// re-wrap is one atomic compare-and-set in the KeyStore. A rotation killed at any point (kill -9)
// is finished by running it again with the same two key files; keys already under the new
// version are skipped. Meanwhile a process holding both KEKs in its Keyring reads every key.
#pragma once

#include <cstdint>
#include <functional>

#include "core/status.h"
#include "storage/crypto/key_file.h"
#include "storage/key_store.h"

namespace haven::storage::crypto {

struct RotationOptions {
  int batch = 256;  // keys listed per round
  // Called after each key is re-wrapped and stored, with the count so far in this run; a non-OK
  // Status stops the rotation there and is returned (tests use it to simulate a crash).
  std::function<Status(int64_t done)> after_each;
};

struct RotationResult {
  int64_t rewrapped = 0;  // keys moved to the new KEK by this run
  int64_t total = 0;      // keys under the new KEK when it finished
};

// FailedPrecondition when the two KEKs have the same version, or when a key is wrapped under a
// third version or does not unwrap under the old KEK (nothing is changed for that key).
StatusOr<RotationResult> RotateKek(KeyStore& keys, const Kek& old_kek, const Kek& new_kek,
                                   const RotationOptions& options = {});

}  // namespace haven::storage::crypto
