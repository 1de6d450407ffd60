// A map from strings to values for the stages' word and phrase tables: built once, then read
// with string_view keys and no allocation. Open addressing over a power-of-two slot array; keys
// live in one shared buffer, so a table of tens of thousands of phrases is a handful of
// allocations rather than one per entry.
// Not thread-safe while being built; concurrent const lookups are safe.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace haven::nlp {

// memcmp(a, b, n) == 0, inline for the short keys of word tables (no call, no loop): two
// overlapping loads cover 4..16 bytes. Reads no byte outside [a, a + n) and [b, b + n).
inline bool SameBytes(const char* a, const char* b, size_t n) {
  if (n >= 8) {
    if (n > 16) return std::memcmp(a, b, n) == 0;
    uint64_t a0, b0, a1, b1;
    std::memcpy(&a0, a, 8);
    std::memcpy(&b0, b, 8);
    std::memcpy(&a1, a + n - 8, 8);
    std::memcpy(&b1, b + n - 8, 8);
    return a0 == b0 && a1 == b1;
  }
  if (n >= 4) {
    uint32_t a0, b0, a1, b1;
    std::memcpy(&a0, a, 4);
    std::memcpy(&b0, b, 4);
    std::memcpy(&a1, a + n - 4, 4);
    std::memcpy(&b1, b + n - 4, 4);
    return a0 == b0 && a1 == b1;
  }
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

template <typename V>
class StringTable {
 public:
  StringTable() { slots_.resize(16); }

  // Reserves room for `n` keys without rehashing.
  void Reserve(size_t n) {
    size_t want = 16;
    while (want < 2 * n) want *= 2;
    if (want > slots_.size()) Rehash(want);
    values_.reserve(n);
  }

  // The value for `key`, value-initialised when `key` is new.
  V& operator[](std::string_view key) {
    const uint64_t h = Hash(key);
    size_t i = h & (slots_.size() - 1);
    while (slots_[i].index != kEmpty) {
      if (Matches(slots_[i], h, key)) return values_[slots_[i].index];
      i = (i + 1) & (slots_.size() - 1);
    }
    if (2 * (values_.size() + 1) > slots_.size()) {
      Rehash(slots_.size() * 2);
      return (*this)[key];
    }
    slots_[i] = {h, static_cast<uint32_t>(keys_.size()), static_cast<uint32_t>(key.size()),
                 static_cast<uint32_t>(values_.size())};
    keys_.append(key);
    values_.emplace_back();
    return values_.back();
  }

  // The value for `key`, or nullptr when absent. With `stored_key`, also the table's own copy
  // of the key, valid while the table lives and is not added to.
  const V* Find(std::string_view key, std::string_view* stored_key = nullptr) const {
    const uint64_t h = Hash(key);
    size_t i = h & (slots_.size() - 1);
    while (slots_[i].index != kEmpty) {
      if (Matches(slots_[i], h, key)) {
        if (stored_key)
          *stored_key = std::string_view(keys_).substr(slots_[i].key_offset, key.size());
        return &values_[slots_[i].index];
      }
      i = (i + 1) & (slots_.size() - 1);
    }
    return nullptr;
  }

  // Starts loading the slot where a search for `key` begins (no effect on any result): a stage
  // that will look up several keys fetches all their slots first, so that the cache misses of a
  // large table overlap instead of following one another.
  void Prefetch(std::string_view key) const {
    __builtin_prefetch(&slots_[Hash(key) & (slots_.size() - 1)]);
  }

  bool contains(std::string_view key) const { return Find(key) != nullptr; }
  size_t size() const { return values_.size(); }
  bool empty() const { return values_.empty(); }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    uint64_t hash = 0;
    uint32_t key_offset = 0;
    uint32_t key_size = 0;
    uint32_t index = kEmpty;  // into values_
  };

  // FNV-1a over the bytes, then a multiply-xorshift so the low bits mix well.
  static uint64_t Hash(std::string_view s) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h ^= h >> 32;
    h *= 0x9E3779B97F4A7C15ull;
    return h ^ (h >> 29);
  }

  bool Matches(const Slot& slot, uint64_t h, std::string_view key) const {
    return slot.hash == h && slot.key_size == key.size() &&
           SameBytes(keys_.data() + slot.key_offset, key.data(), key.size());
  }

  void Rehash(size_t n) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(n, Slot{});
    for (const Slot& s : old) {
      if (s.index == kEmpty) continue;
      size_t i = s.hash & (n - 1);
      while (slots_[i].index != kEmpty) i = (i + 1) & (n - 1);
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  std::string keys_;
  std::vector<V> values_;
};

}  // namespace haven::nlp
