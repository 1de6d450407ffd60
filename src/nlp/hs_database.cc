#include "nlp/hs_database.h"

#include <atomic>
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

}  // namespace haven::nlp
