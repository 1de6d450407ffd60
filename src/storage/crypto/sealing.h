// Sealing personal fields and wrapping data keys, with XChaCha20-Poly1305 (libsodium's
// crypto_aead_xchacha20poly1305_ietf, random 192-bit nonces).
//
// A sealed field is  0x01 | dek_version (u32 LE) | nonce (24) | ciphertext + tag (16).
// Its associated data binds it to where it belongs: owner account, record kind (a field name
// such as "message.text"), record id and data-key version. A ciphertext copied into another
// row, another field or another person's record therefore fails to open.
//
// A wrapped data key is  nonce (24) | ciphertext of the 32-byte key + tag, under the KEK, with
// associated data binding account id, data-key version and KEK version.
//
// All functions are thread-safe. Errors never carry plaintext.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "storage/crypto/secret.h"

namespace haven::storage::crypto {

// Where a sealed field belongs.
struct FieldContext {
  std::string_view owner_id;
  std::string_view kind;  // e.g. "message.text"
  std::string_view record_id;
  uint32_t dek_version = 1;
};

std::string Seal(const SecretKey& dek, const FieldContext& where, std::string_view plaintext);
// InvalidArgument for a malformed blob; FailedPrecondition when it does not open under this key
// and context (tampered, moved, or sealed for another owner, record or key version).
StatusOr<std::string> Open(const SecretKey& dek, const FieldContext& where,
                           std::string_view sealed);

std::string WrapKey(const SecretKey& kek, uint32_t kek_version, std::string_view account_id,
                    uint32_t dek_version, const SecretKey& dek);
// FailedPrecondition when it does not unwrap (wrong KEK, or bytes moved or changed).
StatusOr<SecretKey> UnwrapKey(const SecretKey& kek, uint32_t kek_version,
                              std::string_view account_id, uint32_t dek_version,
                              std::string_view wrapped);

}  // namespace haven::storage::crypto
