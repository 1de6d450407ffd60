#include "nlp/hs_database.h"

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

namespace haven::nlp {
namespace {

struct Registry {
  std::mutex mu;
  std::vector<HsEmbeddedBlob> blobs;
};

Registry& Blobs() {
  static Registry r;
  return r;
}

HsCompileObserver g_observer = nullptr;
std::atomic<uint64_t> g_next_serial{1};

uint64_t Fnv(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  h ^= 0xff;  // separator, so ("ab","c") != ("a","bc")
  h *= 1099511628211ull;
  return h;
}

// Every thread keeps one scratch, grown to suit each database it has been used with.
struct ThreadScratch {
  hs_scratch_t* scratch = nullptr;
  std::vector<uint64_t> suits;  // serials of the databases it has been allocated for
  ThreadScratch() = default;
  ThreadScratch(const ThreadScratch&) = delete;
  ThreadScratch& operator=(const ThreadScratch&) = delete;
  ~ThreadScratch() {
    if (scratch != nullptr) hs_free_scratch(scratch);
  }
};

}  // namespace

bool RegisterHsEmbeddedBlobs(const HsEmbeddedBlob* blobs, size_t count) {
  Registry& r = Blobs();
  std::lock_guard lock(r.mu);
  r.blobs.insert(r.blobs.end(), blobs, blobs + count);
  return true;
}

void SetHsCompileObserver(HsCompileObserver observer) { g_observer = observer; }

uint64_t HsDatabase::Fingerprint(std::string_view name, const std::vector<HsPattern>& patterns) {
  uint64_t h = 1469598103934665603ull;
  h = Fnv(h, hs_version());
  h = Fnv(h, name);
  for (const auto& p : patterns) {
    h = Fnv(h, p.expression);
    h = Fnv(h, std::to_string(p.flags) + "/" + std::to_string(p.id));
  }
  return h;
}

StatusOr<HsDatabase> HsDatabase::Build(std::string_view name,
                                       const std::vector<HsPattern>& patterns) {
  HsDatabase out;
  out.name_ = std::string(name);
  out.fingerprint_ = Fingerprint(name, patterns);
  out.serial_ = g_next_serial.fetch_add(1);
  {
    Registry& r = Blobs();
    std::lock_guard lock(r.mu);
    for (const auto& b : r.blobs) {
      if (name != b.name || b.fingerprint != out.fingerprint_) continue;
      if (b.image) {
        if (out.UseImage(b)) return out;
        continue;
      }
      hs_database_t* db = nullptr;
      if (hs_deserialize_database(reinterpret_cast<const char*>(b.data), b.size, &db) ==
          HS_SUCCESS) {
        out.db_.reset(db, Deleter());
        out.from_embedded_ = true;
        return out;
      }
    }
  }
  std::vector<const char*> exprs;
  std::vector<unsigned int> flags, ids;
  exprs.reserve(patterns.size());
  for (const auto& p : patterns) {
    exprs.push_back(p.expression.c_str());
    flags.push_back(p.flags);
    ids.push_back(p.id);
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(exprs.data(), flags.data(), ids.data(),
                       static_cast<unsigned int>(exprs.size()), HS_MODE_BLOCK, nullptr, &db,
                       &err) != HS_SUCCESS) {
    std::string msg = out.name_ + " patterns rejected by hyperscan";
    if (err != nullptr) {
      msg += " (pattern " + std::to_string(err->expression) + "): " + err->message;
      hs_free_compile_error(err);
    }
    return Internal(msg);
  }
  out.db_.reset(db, Deleter());
  if (g_observer != nullptr) g_observer(out);
  return out;
}

bool HsDatabase::UseImage(const HsEmbeddedBlob& blob) {
  const auto* db = reinterpret_cast<const hs_database_t*>(blob.data);
  size_t size = 0;
  if (reinterpret_cast<uintptr_t>(blob.data) % kImageAlign != 0 || blob.size < 64 ||
      hs_database_size(db, &size) != HS_SUCCESS || size > blob.size) {
    return false;
  }
  // Read-only memory that the binary owns: never freed, never written (scans only read it).
  db_ = std::shared_ptr<hs_database_t>(const_cast<hs_database_t*>(db), [](hs_database_t*) {});
  from_embedded_ = true;
  // Allocating scratch checks the whole database (platform, alignment, checksum): an image this
  // CPU cannot run, or a damaged one, is refused here rather than at the first scan.
  if (Scratch() == nullptr) {
    db_.reset();
    from_embedded_ = false;
    return false;
  }
  return true;
}

hs_scratch_t* HsDatabase::Scratch() const {
  thread_local ThreadScratch ts;
  for (uint64_t s : ts.suits) {
    if (s == serial_) return ts.scratch;
  }
  if (hs_alloc_scratch(db_.get(), &ts.scratch) != HS_SUCCESS) return nullptr;
  ts.suits.push_back(serial_);
  return ts.scratch;
}

std::string HsDatabase::Serialize() const {
  char* bytes = nullptr;
  size_t length = 0;
  if (hs_serialize_database(db_.get(), &bytes, &length) != HS_SUCCESS) return {};
  std::string out(bytes, length);
  std::free(bytes);
  return out;
}

std::string HsDatabase::Image() const {
  const std::string serialized = Serialize();
  size_t size = 0;
  if (serialized.empty() ||
      hs_serialized_database_size(serialized.data(), serialized.size(), &size) != HS_SUCCESS) {
    return {};
  }
  const size_t rounded = (size + kImageAlign - 1) / kImageAlign * kImageAlign;
  void* buf = std::aligned_alloc(kImageAlign, rounded);
  if (buf == nullptr) return {};
  std::string out;
  if (hs_deserialize_database_at(serialized.data(), serialized.size(),
                                 static_cast<hs_database_t*>(buf)) == HS_SUCCESS) {
    out.assign(static_cast<const char*>(buf), size);
  }
  std::free(buf);
  return out;
}

}  // namespace haven::nlp
