// A compiled Hyperscan database, built once per process and shared by all threads.
//
// Compiling a large pattern set takes seconds, far too long for a command that starts per
// batch. So the build compiles every pattern set once (tools/hs_embed), serialises it and links
// the bytes into the binary (an object library generated at build time). At run time Build()
// uses those bytes when their fingerprint (hash of the patterns, flags, ids and Hyperscan's
// version) matches and this CPU can run them; otherwise it compiles, so a stale or foreign
// embedded database is never used. The embedded copy is the database as it lies in memory
// (Image()), used where it is linked: nothing is copied at startup, and only the pages a scan
// touches are read from the binary (Hyperscan checks its checksum once per thread, when that
// thread's scratch is allocated).
#pragma once

#include <hs/hs.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace haven::nlp {

struct HsPattern {
  std::string expression;
  unsigned int flags = 0;
  unsigned int id = 0;
};

struct HsEmbeddedBlob;

class HsDatabase {
 public:
  // The database for `patterns` (block mode): the embedded copy named `name` when it matches,
  // else compiled. Error carries Hyperscan's message and the pattern index
  // (patterns are Haven's own code, never user text).
  static StatusOr<HsDatabase> Build(std::string_view name, const std::vector<HsPattern>& patterns);

  const hs_database_t* get() const { return db_.get(); }
  // Scratch space of the calling thread, valid for this database (allocated or grown on first
  // use; one scratch per thread serves every HsDatabase). nullptr if allocation failed.
  hs_scratch_t* Scratch() const;

  const std::string& name() const { return name_; }
  uint64_t fingerprint() const { return fingerprint_; }
  bool from_embedded() const { return from_embedded_; }
  // The serialised database. Empty on failure.
  std::string Serialize() const;
  // The database as it lies in memory, laid out for an address that is a multiple of
  // kImageAlign, so that it can be linked into a binary and used in place (for the embed tool).
  // Empty on failure.
  std::string Image() const;
  static constexpr size_t kImageAlign = 64;

  static uint64_t Fingerprint(std::string_view name, const std::vector<HsPattern>& patterns);

 private:
  // Uses `blob` (an image) in place when it is aligned and this CPU accepts it.
  bool UseImage(const HsEmbeddedBlob& blob);

  struct Deleter {
    void operator()(hs_database_t* db) const { hs_free_database(db); }
  };
  std::shared_ptr<hs_database_t> db_;
  std::string name_;
  uint64_t fingerprint_ = 0;
  uint64_t serial_ = 0;  // unique per built database, for the per-thread scratch check
  bool from_embedded_ = false;
};

// An embedded database (see tools/hs_embed.cc): HsDatabase::Image() bytes at an address that is
// a multiple of HsDatabase::kImageAlign when `image`, used in place and never freed; otherwise
// Serialize() bytes, deserialised into a copy.
struct HsEmbeddedBlob {
  const char* name;
  uint64_t fingerprint;
  const unsigned char* data;
  size_t size;
  bool image = false;
};
// Called by the generated object's static initialiser. Returns true.
bool RegisterHsEmbeddedBlobs(const HsEmbeddedBlob* blobs, size_t count);

// For tools/hs_embed only: called after each database Build() compiles. Not thread-safe to set.
using HsCompileObserver = void (*)(const HsDatabase& db);
void SetHsCompileObserver(HsCompileObserver observer);

}  // namespace haven::nlp
