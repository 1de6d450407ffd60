#include "storage/crypto/sealing.h"

#include <sodium.h>

#include <array>

namespace haven::storage::crypto {
namespace {

constexpr unsigned char kFormat = 1;
constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr size_t kHeader = 1 + 4;

void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint32_t GetU32(std::string_view in) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= static_cast<uint32_t>(static_cast<unsigned char>(in[i])) << (8 * i);
  return v;
}

void PutField(std::string& out, std::string_view field) {
  PutU32(out, static_cast<uint32_t>(field.size()));
  out.append(field);
}

std::string FieldAd(const FieldContext& w) {
  std::string ad("haven.field.v1");
  PutField(ad, w.owner_id);
  PutField(ad, w.kind);
  PutField(ad, w.record_id);
  PutU32(ad, w.dek_version);
  return ad;
}

std::string KeyAd(uint32_t kek_version, std::string_view account_id, uint32_t dek_version) {
  std::string ad("haven.dek.v1");
  PutField(ad, account_id);
  PutU32(ad, dek_version);
  PutU32(ad, kek_version);
  return ad;
}

const unsigned char* U(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// nonce || ciphertext of `plaintext`, appended to `out`.
void AppendSealed(std::string& out, const SecretKey& key, std::string_view ad,
                  std::string_view plaintext) {
  size_t start = out.size();
  out.resize(start + kNonce + plaintext.size() + kTag);
  auto* p = reinterpret_cast<unsigned char*>(out.data()) + start;
  randombytes_buf(p, kNonce);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(p + kNonce, &written, U(plaintext), plaintext.size(),
                                             U(ad), ad.size(), nullptr, p, key.data());
}

// Opens nonce || ciphertext into `out` (resized); false when it does not authenticate.
bool OpenSealed(std::string& out, const SecretKey& key, std::string_view ad,
                std::string_view sealed) {
  if (sealed.size() < kNonce + kTag) return false;
  out.resize(sealed.size() - kNonce - kTag);
  unsigned long long written = 0;
  int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
      reinterpret_cast<unsigned char*>(out.data()), &written, nullptr, U(sealed) + kNonce,
      sealed.size() - kNonce, U(ad), ad.size(), U(sealed), key.data());
  if (rc != 0) {
    out.clear();
    return false;
  }
  return true;
}

}  // namespace

std::string Seal(const SecretKey& dek, const FieldContext& where, std::string_view plaintext) {
  EnsureSodium();
  std::string out;
  out.reserve(kHeader + kNonce + plaintext.size() + kTag);
  out.push_back(static_cast<char>(kFormat));
  PutU32(out, where.dek_version);
  AppendSealed(out, dek, FieldAd(where), plaintext);
  return out;
}

StatusOr<std::string> Open(const SecretKey& dek, const FieldContext& where,
                           std::string_view sealed) {
  if (sealed.size() < kHeader + kNonce + kTag || static_cast<unsigned char>(sealed[0]) != kFormat) {
    return InvalidArgument("sealed field is malformed");
  }
  if (GetU32(sealed.substr(1)) != where.dek_version) {
    return FailedPrecondition("sealed field is under another data-key version");
  }
  std::string plain;
  if (!OpenSealed(plain, dek, FieldAd(where), sealed.substr(kHeader))) {
    return FailedPrecondition("sealed field does not open (tampered, or not this record's)");
  }
  return plain;
}

std::string WrapKey(const SecretKey& kek, uint32_t kek_version, std::string_view account_id,
                    uint32_t dek_version, const SecretKey& dek) {
  EnsureSodium();
  std::string out;
  AppendSealed(out, kek, KeyAd(kek_version, account_id, dek_version),
               std::string_view(reinterpret_cast<const char*>(dek.data()), SecretKey::kSize));
  return out;
}

StatusOr<SecretKey> UnwrapKey(const SecretKey& kek, uint32_t kek_version,
                              std::string_view account_id, uint32_t dek_version,
                              std::string_view wrapped) {
  if (wrapped.size() != kNonce + SecretKey::kSize + kTag) {
    return InvalidArgument("wrapped data key is malformed");
  }
  std::array<unsigned char, SecretKey::kSize> raw;
  unsigned long long written = 0;
  std::string ad = KeyAd(kek_version, account_id, dek_version);
  int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(raw.data(), &written, nullptr,
                                                      U(wrapped) + kNonce, wrapped.size() - kNonce,
                                                      U(ad), ad.size(), U(wrapped), kek.data());
  if (rc != 0) return FailedPrecondition("data key does not unwrap under this key file");
  auto key =
      SecretKey::FromBytes(std::string_view(reinterpret_cast<char*>(raw.data()), raw.size()));
  sodium_memzero(raw.data(), raw.size());
  return key;
}

}  // namespace haven::storage::crypto
