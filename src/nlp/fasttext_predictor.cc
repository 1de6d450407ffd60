#include "nlp/fasttext_predictor.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "nlp/string_table.h"

namespace haven::nlp {
namespace {

constexpr std::string_view kEos = "</s>";  // Dictionary::EOS
constexpr uint32_t kFnvOffset = 2166136261u;
constexpr uint32_t kFnvPrime = 16777619u;

// Dictionary::hash, one byte at a time (bytes are sign-extended, as fastText does).
inline uint32_t FnvStep(uint32_t h, char c) {
  return (h ^ static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(c)))) * kFnvPrime;
}

inline uint32_t Fnv(std::string_view s) {
  uint32_t h = kFnvOffset;
  for (char c : s) h = FnvStep(h, c);
  return h;
}

// The bytes Dictionary::readWord splits words on.
inline bool IsSeparator(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f' || c == '\0';
}

inline bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// A matrix as prediction reads it: either dense rows or product-quantised codes.
struct MatrixView {
  int64_t rows = 0;
  int64_t cols = 0;
  // Dense.
  const float* data = nullptr;
  // Quantised (ProductQuantizer::get_centroids, addcode and mulcode inlined).
  const uint8_t* codes = nullptr;
  const float* centroids = nullptr;
  int32_t nsubq = 0, dsub = 0, lastdsub = 0, ksub = 0;
  const uint8_t* norm_codes = nullptr;  // null unless qnorm
  const float* norm_centroids = nullptr;
  int32_t norm_nsubq = 0, norm_dsub = 0, norm_lastdsub = 0, norm_ksub = 0;

  static const float* Centroids(const float* c, int32_t nsubq, int32_t dsub, int32_t lastdsub,
                                int32_t ksub, int32_t m, uint8_t i) {
    if (m == nsubq - 1) return &c[m * ksub * dsub + i * lastdsub];
    return &c[(m * ksub + i) * dsub];
  }

  float Norm(int32_t i) const {
    if (norm_codes == nullptr) return 1.0f;
    return Centroids(norm_centroids, norm_nsubq, norm_dsub, norm_lastdsub, norm_ksub, 0,
                     norm_codes[i])[0];
  }

  // Starts loading row `i` into the cache (no effect on any value).
  void Prefetch(int32_t i) const {
    const char* begin;
    size_t bytes;
    if (codes == nullptr) {
      begin = reinterpret_cast<const char*>(data + static_cast<int64_t>(i) * cols);
      bytes = static_cast<size_t>(cols) * sizeof(float);
    } else {
      begin = reinterpret_cast<const char*>(codes + nsubq * i);
      bytes = static_cast<size_t>(nsubq);
      if (norm_codes != nullptr) __builtin_prefetch(norm_codes + i);
    }
    for (size_t off = 0; off < bytes; off += 64) __builtin_prefetch(begin + off);
    __builtin_prefetch(begin + bytes - 1);
  }

  // QuantMatrix / DenseMatrix::addRowToVector(x, i). `row` is scratch of `cols` floats: a
  // quantised row is first gathered from its centroids, then added in one pass that the compiler
  // vectorises (each x[j] still gets x[j] + alpha * c[j], the same float as fastText's).
  void AddRowTo(float* x, int32_t i, float* row) const {
    if (codes == nullptr) {
      const float* dense = data + static_cast<int64_t>(i) * cols;
      for (int64_t j = 0; j < cols; ++j) x[j] += dense[j];
      return;
    }
    const float alpha = Norm(i);
    const uint8_t* code = codes + nsubq * i;
    const int32_t last = nsubq - 1;
    if (dsub == 2) {  // Haven's models (quantised with -dsub 2): one 8-byte copy each
      for (int32_t m = 0; m < last; ++m) {
        std::memcpy(row + 2 * m, &centroids[(m * ksub + code[m]) * 2], 2 * sizeof(float));
      }
    } else {
      for (int32_t m = 0; m < last; ++m) {
        const float* c = &centroids[(m * ksub + code[m]) * dsub];
        for (int32_t n = 0; n < dsub; ++n) row[m * dsub + n] = c[n];
      }
    }
    std::memcpy(row + last * dsub, &centroids[last * ksub * dsub + code[last] * lastdsub],
                static_cast<size_t>(lastdsub) * sizeof(float));
    for (int64_t j = 0; j < cols; ++j) x[j] += alpha * row[j];
  }

  // QuantMatrix / DenseMatrix::dotRow(x, i); NaN where the dense product is NaN (fastText
  // throws there).
  float DotRow(const float* x, int32_t i) const {
    if (codes == nullptr) {
      const float* row = data + static_cast<int64_t>(i) * cols;
      float d = 0.0f;
      for (int64_t j = 0; j < cols; ++j) d += row[j] * x[j];
      return d;
    }
    const float alpha = Norm(i);
    float res = 0.0f;
    const uint8_t* code = codes + nsubq * i;
    int32_t d = dsub;
    for (int32_t m = 0; m < nsubq; ++m) {
      const float* c = Centroids(centroids, nsubq, dsub, lastdsub, ksub, m, code[m]);
      if (m == nsubq - 1) d = lastdsub;
      for (int32_t n = 0; n < d; ++n) res += x[m * dsub + n] * c[n];
    }
    return res * alpha;
  }
};

// Bounds-checked reads of a model file's bytes, in fastText's (native, little-endian) layout.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  template <typename T>
  bool Read(T* out) {
    if (bytes_.size() - pos_ < sizeof(T)) return false;
    std::memcpy(out, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }

  // `n` values of T into `out` (copied: the file's floats need not be aligned).
  template <typename T>
  bool ReadArray(uint64_t n, std::vector<T>* out) {
    if (n > (bytes_.size() - pos_) / sizeof(T)) return false;
    out->resize(static_cast<size_t>(n));
    if (n > 0) std::memcpy(out->data(), bytes_.data() + pos_, static_cast<size_t>(n) * sizeof(T));
    pos_ += static_cast<size_t>(n) * sizeof(T);
    return true;
  }

  // `n` bytes left where they lie: their offset in the file.
  bool Skip(uint64_t n, size_t* offset) {
    if (n > bytes_.size() - pos_) return false;
    *offset = pos_;
    pos_ += static_cast<size_t>(n);
    return true;
  }

  // A NUL-terminated string (Dictionary::load's words): its offset and size.
  bool ReadCString(size_t* offset, size_t* size) {
    const size_t end = bytes_.find('\0', pos_);
    if (end == std::string_view::npos) return false;
    *offset = pos_;
    *size = end - pos_;
    pos_ = end + 1;
    return true;
  }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

// What a matrix's view points into: dense rows, or a quantiser's centroids (its codes stay in
// the file's bytes).
struct MatrixData {
  std::vector<float> dense;
  std::vector<float> centroids;
  std::vector<float> norm_centroids;
};

// ProductQuantizer::load: dim, nsubq, dsub, lastdsub, then dim * 256 centroids.
bool ReadQuantiser(Reader* in, int64_t expected_dim, std::vector<float>* centroids, int32_t* nsubq,
                   int32_t* dsub, int32_t* lastdsub) {
  int32_t dim = 0;
  if (!in->Read(&dim) || !in->Read(nsubq) || !in->Read(dsub) || !in->Read(lastdsub)) return false;
  if (dim <= 0 || dim != expected_dim || *dsub <= 0 || *dsub > dim) return false;
  // ProductQuantizer's constructor: nsubq = dim / dsub, one more for a remainder.
  const int32_t whole = dim / *dsub;
  const int32_t rest = dim % *dsub;
  if (*nsubq != (rest == 0 ? whole : whole + 1) || *lastdsub != (rest == 0 ? *dsub : rest)) {
    return false;
  }
  return in->ReadArray(static_cast<uint64_t>(dim) * 256u, centroids);
}

// DenseMatrix::load or QuantMatrix::load into `view`, whose pointers go into `data` and into
// `file` (the codes).
bool ReadMatrix(Reader* in, bool quantised, std::string_view file, MatrixView* view,
                MatrixData* data) {
  if (!quantised) {
    int64_t m = 0, n = 0;
    if (!in->Read(&m) || !in->Read(&n) || m <= 0 || n <= 0) return false;
    if (m > std::numeric_limits<int32_t>::max() || n > std::numeric_limits<int32_t>::max()) {
      return false;
    }
    if (!in->ReadArray(static_cast<uint64_t>(m) * static_cast<uint64_t>(n), &data->dense)) {
      return false;
    }
    view->rows = m;
    view->cols = n;
    view->data = data->dense.data();
    return true;
  }
  uint8_t qnorm = 0;
  int64_t m = 0, n = 0;
  int32_t codesize = 0;
  if (!in->Read(&qnorm) || !in->Read(&m) || !in->Read(&n) || !in->Read(&codesize)) return false;
  if (m <= 0 || n <= 0 || m > std::numeric_limits<int32_t>::max() ||
      n > std::numeric_limits<int32_t>::max() || codesize < 0) {
    return false;
  }
  size_t codes = 0;
  if (!in->Skip(static_cast<uint64_t>(codesize), &codes)) return false;
  if (!ReadQuantiser(in, n, &data->centroids, &view->nsubq, &view->dsub, &view->lastdsub)) {
    return false;
  }
  if (static_cast<int64_t>(codesize) != m * view->nsubq) return false;
  view->rows = m;
  view->cols = n;
  view->ksub = 256;
  view->codes = reinterpret_cast<const uint8_t*>(file.data() + codes);
  view->centroids = data->centroids.data();
  if (qnorm != 0) {
    size_t norm_codes = 0;
    if (!in->Skip(static_cast<uint64_t>(m), &norm_codes)) return false;
    if (!ReadQuantiser(in, 1, &data->norm_centroids, &view->norm_nsubq, &view->norm_dsub,
                       &view->norm_lastdsub)) {
      return false;
    }
    view->norm_ksub = 256;
    view->norm_codes = reinterpret_cast<const uint8_t*>(file.data() + norm_codes);
    view->norm_centroids = data->norm_centroids.data();
  }
  return true;
}

// Dictionary::pruneidx_ (hashed n-gram bucket -> row) as one flat open-addressing table.
class PruneTable {
 public:
  // `pairs` in file order; a later pair for the same bucket replaces an earlier one, as it does
  // in fastText's map. Keys are >= 0 (the caller checks).
  explicit PruneTable(const std::vector<std::pair<int32_t, int32_t>>& pairs) {
    size_t capacity = 16;
    while (capacity < pairs.size() * 2) capacity *= 2;
    shift_ = 64 - std::countr_zero(capacity);
    mask_ = capacity - 1;
    slots_.assign(capacity, {-1, -1});
    for (const auto& [key, value] : pairs) {
      size_t s = Slot(key);
      while (slots_[s].first != -1 && slots_[s].first != key) s = (s + 1) & mask_;
      slots_[s] = {key, value};
    }
  }

  // Starts loading the slot where a search for `key` begins.
  void Prefetch(int32_t key) const { __builtin_prefetch(&slots_[Slot(key)]); }

  // The row for bucket `key` (>= 0), or -1.
  int32_t Find(int32_t key) const {
    for (size_t s = Slot(key);; s = (s + 1) & mask_) {
      if (slots_[s].first == key) return slots_[s].second;
      if (slots_[s].first == -1) return -1;
    }
  }

 private:
  size_t Slot(int32_t key) const {
    return static_cast<size_t>(
        (static_cast<uint64_t>(static_cast<uint32_t>(key)) * 0x9E3779B97F4A7C15ull) >> shift_);
  }

  std::vector<std::pair<int32_t, int32_t>> slots_;
  int shift_ = 0;
  size_t mask_ = 0;
};

// Dictionary::getId as a flat open-addressing table: each slot holds the word's hash, id and
// kind beside where its bytes lie, so a lookup reads one slot and, on a hash match, the word's
// bytes (fastText's reads its word2int slot, the entry, then the entry's string).
class WordTable {
 public:
  // A dictionary entry: where its bytes lie in `bytes` and whether it is a word (or a label).
  struct Entry {
    uint32_t offset;
    uint32_t size;
    bool is_word;
  };

  // `entries` in id order; `bytes` (the model file) outlives the table.
  WordTable(std::string_view bytes, const std::vector<Entry>& entries) : bytes_(bytes) {
    size_t capacity = 16;
    while (capacity < entries.size() * 2) capacity *= 2;
    shift_ = 64 - std::countr_zero(capacity);
    mask_ = capacity - 1;
    slots_.assign(capacity, Slot{});
    for (size_t id = 0; id < entries.size(); ++id) {
      const Entry& e = entries[id];
      const uint32_t h = Fnv(bytes.substr(e.offset, e.size));
      size_t s = Index(h);
      while (slots_[s].id != -1) s = (s + 1) & mask_;
      slots_[s] = {h, static_cast<int32_t>(id), e.offset, (e.size << 1) | (e.is_word ? 1u : 0u)};
    }
  }

  // Starts loading the slot where a search for hash `h` begins.
  void Prefetch(uint32_t h) const { __builtin_prefetch(&slots_[Index(h)]); }

  // The id of word `w` (whose hash is `h`) or -1; *is_word tells a word from a label.
  int32_t Find(std::string_view w, uint32_t h, bool* is_word) const {
    for (size_t s = Index(h);; s = (s + 1) & mask_) {
      const Slot& slot = slots_[s];
      if (slot.id == -1) return -1;
      if (slot.hash == h && (slot.size_kind >> 1) == w.size() &&
          SameBytes(bytes_.data() + slot.offset, w.data(), w.size())) {
        *is_word = (slot.size_kind & 1) != 0;
        return slot.id;
      }
    }
  }

 private:
  struct Slot {
    uint32_t hash = 0;
    int32_t id = -1;
    uint32_t offset = 0;
    uint32_t size_kind = 0;  // size << 1 | 1 for a word (0 for a label)
  };

  size_t Index(uint32_t h) const {
    return static_cast<size_t>((static_cast<uint64_t>(h) * 0x9E3779B97F4A7C15ull) >> shift_);
  }

  std::string_view bytes_;
  std::vector<Slot> slots_;
  int shift_ = 0;
  size_t mask_ = 0;
};

}  // namespace

struct FastTextPredictor::Impl {
  // The model file, mapped read-only (its pages are read as they are first touched: a line's
  // prediction touches a few rows of a file of megabytes), and the matrices' floats: the tables
  // and views below point into them. A model is replaced by writing a new file and renaming it
  // over the old one, never by rewriting it in place.
  struct Mapping {
    void* data = nullptr;
    size_t size = 0;
    Mapping() = default;
    Mapping(const Mapping&) = delete;
    Mapping& operator=(const Mapping&) = delete;
    ~Mapping() {
      if (data != nullptr) ::munmap(data, size);
    }
  };
  Mapping mapping;
  std::string_view file;
  MatrixData input_data;
  MatrixData output_data;

  std::unique_ptr<WordTable> word_table;
  int32_t nwords = 0;
  int32_t nlabels = 0;
  int64_t pruneidx_size = -1;
  std::unique_ptr<PruneTable> prune;

  int32_t word_ngrams = 1;
  int32_t bucket = 0;
  int32_t minn = 0;
  int32_t maxn = 0;
  std::string label_prefix = "__label__";  // Args::label, which the file does not hold
  std::vector<std::string> label_names;    // without the prefix
  uint32_t eos_hash = Fnv(kEos);
  bool softmax = false;  // else one-vs-all
  std::vector<float> sigmoid_table;

  MatrixView input;
  MatrixView output;
  // A dense output matrix transposed (dim rows of label_lanes floats, the labels padded with
  // zeros to a multiple of 8); empty when the output matrix is quantised.
  std::vector<float> output_t;
  int32_t label_lanes = 0;

  // Dictionary::pushHash.
  void PushHash(std::vector<int32_t>* rows, int32_t id) const {
    if (pruneidx_size == 0 || id < 0) return;
    if (pruneidx_size > 0) {
      id = prune->Find(id);
      if (id < 0) return;
    }
    rows->push_back(nwords + id);
  }

  // Dictionary::computeSubwords on "<" + `token` + ">", hashes extended byte by byte.
  void PushSubwords(std::string_view token, std::string* scratch,
                    std::vector<int32_t>* rows) const {
    // Written by hand rather than assign/append: GCC 12 reports a false -Wrestrict on the
    // inlined char_traits copy of the latter (GCC bug 105329), and warnings are errors in dev.
    scratch->resize(token.size() + 2);
    (*scratch)[0] = '<';
    if (!token.empty()) std::memcpy(scratch->data() + 1, token.data(), token.size());
    (*scratch)[token.size() + 1] = '>';
    const std::string& word = *scratch;
    for (size_t i = 0; i < word.size(); ++i) {
      if (IsContinuationByte(word[i])) continue;
      uint32_t h = kFnvOffset;
      for (size_t j = i, n = 1; j < word.size() && n <= static_cast<size_t>(maxn); ++n) {
        h = FnvStep(h, word[j++]);
        while (j < word.size() && IsContinuationByte(word[j])) h = FnvStep(h, word[j++]);
        if (n >= static_cast<size_t>(minn) && !(n == 1 && (i == 0 || j == word.size()))) {
          PushHash(rows, static_cast<int32_t>(h % static_cast<uint32_t>(bucket)));
        }
      }
    }
  }

  // One token of Dictionary::getLine, whose hash is `h`.
  void AddToken(std::string_view token, uint32_t h, std::string* scratch,
                std::vector<int32_t>* rows, std::vector<int32_t>* word_hashes) const {
    bool is_word = false;
    const int32_t wid = word_table->Find(token, h, &is_word);
    if (wid < 0) is_word = !token.starts_with(label_prefix);
    if (!is_word) return;
    if (wid < 0) {
      if (token != kEos) PushSubwords(token, scratch, rows);
    } else {
      // Dictionary::initNgrams: a known word's subwords are its id, then (but for "</s>") its
      // character n-grams.
      rows->push_back(wid);
      input.Prefetch(wid);  // needed once the whole line is read: start fetching it now
      if (maxn > 0 && token != kEos) PushSubwords(token, scratch, rows);
    }
    word_hashes->push_back(static_cast<int32_t>(h));
  }

  // Dictionary::addWordNgrams (the same integer conversions). The pruned index is scattered
  // over megabytes: every n-gram's slot is fetched first, then they are looked up in order.
  void AddWordNgrams(const std::vector<int32_t>& hashes, std::vector<int32_t>* buckets,
                     std::vector<int32_t>* rows) const {
    buckets->clear();
    const auto n = static_cast<int32_t>(hashes.size());
    for (int32_t i = 0; i < n; ++i) {
      auto h = static_cast<uint64_t>(hashes[static_cast<size_t>(i)]);
      for (int32_t j = i + 1; j < n && j < i + word_ngrams; ++j) {
        h = h * 116049371 + static_cast<uint64_t>(hashes[static_cast<size_t>(j)]);
        buckets->push_back(static_cast<int32_t>(h % static_cast<uint64_t>(bucket)));
      }
    }
    if (pruneidx_size > 0) {
      for (int32_t b : *buckets) prune->Prefetch(b);
    }
    for (int32_t b : *buckets) PushHash(rows, b);
  }

  float Sigmoid(float x) const {
    if (x < -8) return 0.0f;
    if (x > 8) return 1.0f;
    auto i = static_cast<int64_t>((x + 8.0f) * 512.0f / 8.0f / 2.0f);
    return sigmoid_table[static_cast<size_t>(i)];
  }
};

namespace {

constexpr int32_t kFileMagic = 793712314;  // fastText's FILEFORMAT_MAGIC_INT32
constexpr int32_t kFileVersion = 12;       // fastText 0.9.2's FASTTEXT_VERSION
constexpr int32_t kModelSupervised = 3;    // model_name::sup
constexpr int32_t kLossSoftmax = 3;        // loss_name::softmax
constexpr int32_t kLossOva = 4;            // loss_name::ova

// Args::save's fields, in file order.
struct FileArgs {
  int32_t dim, ws, epoch, min_count, neg, word_ngrams, loss, model, bucket, minn, maxn,
      lr_update_rate;
  double t;
};

bool ReadArgs(Reader* in, FileArgs* a) {
  return in->Read(&a->dim) && in->Read(&a->ws) && in->Read(&a->epoch) && in->Read(&a->min_count) &&
         in->Read(&a->neg) && in->Read(&a->word_ngrams) && in->Read(&a->loss) &&
         in->Read(&a->model) && in->Read(&a->bucket) && in->Read(&a->minn) && in->Read(&a->maxn) &&
         in->Read(&a->lr_update_rate) && in->Read(&a->t);
}

}  // namespace

// FastText::loadModel's reading of the file (Args::load, Dictionary::load, the input matrix,
// qout, the output matrix), checked at every step so that Predict never reads outside what the
// file held. Only what prediction needs is kept.
StatusOr<FastTextPredictor> FastTextPredictor::Load(const std::string& path) {
  auto impl = std::make_shared<Impl>();
  {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return errno == ENOENT ? NotFound("model file not found: " + path)
                             : InvalidArgument("model file cannot be opened: " + path);
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0 ||
        static_cast<uint64_t>(st.st_size) > std::numeric_limits<uint32_t>::max()) {
      ::close(fd);
      return InvalidArgument("model file is not a regular file of a readable size: " + path);
    }
    if (st.st_size > 0) {
      void* data = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      if (data == MAP_FAILED) {
        ::close(fd);
        return InvalidArgument("model file cannot be mapped: " + path);
      }
      impl->mapping.data = data;
      impl->mapping.size = static_cast<size_t>(st.st_size);
      impl->file = std::string_view(static_cast<const char*>(data), impl->mapping.size);
    }
    ::close(fd);
  }
  const std::string_view file = impl->file;
  const auto bad = [&path](const std::string& what) {
    return InvalidArgument("model is not a usable fastText model (" + what + "): " + path);
  };
  Reader in(file);

  int32_t magic = 0, version = 0;
  if (!in.Read(&magic) || !in.Read(&version) || magic != kFileMagic || version > kFileVersion) {
    return bad("not a fastText 0.9 file");
  }
  FileArgs args{};
  if (!ReadArgs(&in, &args)) return bad("truncated arguments");
  if (args.model != kModelSupervised) return bad("not a supervised model");
  if (args.loss != kLossSoftmax && args.loss != kLossOva) {
    return bad("the loss is neither softmax nor one-vs-all");
  }
  if (version == 11) args.maxn = 0;  // as FastText::loadModel does for an old supervised model
  if (args.bucket <= 0 || args.word_ngrams < 1 || args.minn < 0 || args.maxn < 0) {
    return bad("arguments out of range");
  }

  // Dictionary::load: size, nwords, nlabels, ntokens, pruneidx_size, then the entries (words
  // first, then labels) and the pruned n-gram index.
  int32_t size = 0;
  int64_t ntokens = 0;
  if (!in.Read(&size) || !in.Read(&impl->nwords) || !in.Read(&impl->nlabels) ||
      !in.Read(&ntokens) || !in.Read(&impl->pruneidx_size)) {
    return bad("truncated dictionary");
  }
  if (size <= 0 || impl->nwords < 0 || impl->nlabels <= 0 ||
      static_cast<int64_t>(impl->nwords) + impl->nlabels != size || impl->pruneidx_size < -1) {
    return bad("dictionary sizes do not add up");
  }
  std::vector<WordTable::Entry> entries;
  entries.reserve(static_cast<size_t>(size));
  for (int32_t id = 0; id < size; ++id) {
    size_t offset = 0, length = 0;
    int64_t count = 0;
    int8_t type = 0;
    if (!in.ReadCString(&offset, &length) || !in.Read(&count) || !in.Read(&type)) {
      return bad("truncated dictionary");
    }
    const bool is_word = id < impl->nwords;
    if (type != (is_word ? 0 : 1)) return bad("dictionary entries out of order");
    entries.push_back({static_cast<uint32_t>(offset), static_cast<uint32_t>(length), is_word});
    if (!is_word) {
      std::string_view label = file.substr(offset, length);
      if (label.starts_with(impl->label_prefix)) label.remove_prefix(impl->label_prefix.size());
      impl->label_names.emplace_back(label);
    }
  }
  std::vector<std::pair<int32_t, int32_t>> pruned;
  int32_t max_pruned_row = -1;
  if (impl->pruneidx_size > 0) {
    if (impl->pruneidx_size > std::numeric_limits<int32_t>::max()) return bad("pruned index");
    pruned.reserve(static_cast<size_t>(impl->pruneidx_size));
    for (int64_t i = 0; i < impl->pruneidx_size; ++i) {
      int32_t bucket = 0, row = 0;
      if (!in.Read(&bucket) || !in.Read(&row)) return bad("truncated pruned index");
      if (row < 0) return bad("pruned index");
      if (bucket < 0) continue;  // no n-gram hashes there
      pruned.emplace_back(bucket, row);
      max_pruned_row = std::max(max_pruned_row, row);
    }
  }

  uint8_t quant_input = 0;
  if (!in.Read(&quant_input)) return bad("truncated input matrix");
  if (!ReadMatrix(&in, quant_input != 0, file, &impl->input, &impl->input_data)) {
    return bad("input matrix");
  }
  if (quant_input == 0 && impl->pruneidx_size >= 0) return bad("pruned but not quantised");
  uint8_t qout = 0;
  if (!in.Read(&qout)) return bad("truncated output matrix");
  if (!ReadMatrix(&in, quant_input != 0 && qout != 0, file, &impl->output, &impl->output_data)) {
    return bad("output matrix");
  }

  // Every row Predict can reach lies in the matrices.
  const int64_t ngram_rows = impl->pruneidx_size < 0    ? args.bucket
                             : impl->pruneidx_size == 0 ? 0
                                                        : int64_t{max_pruned_row} + 1;
  if (impl->input.cols != args.dim || impl->output.cols != args.dim ||
      impl->output.rows != impl->nlabels || impl->input.rows < impl->nwords + ngram_rows) {
    return bad("the matrices do not match the dictionary");
  }

  impl->word_table = std::make_unique<WordTable>(file, entries);
  if (!pruned.empty()) impl->prune = std::make_unique<PruneTable>(pruned);
  impl->word_ngrams = args.word_ngrams;
  impl->bucket = args.bucket;
  impl->minn = args.minn;
  impl->maxn = args.maxn;
  impl->softmax = args.loss == kLossSoftmax;
  if (!impl->softmax) {
    // Loss::Loss's table: the same float arithmetic (expf, then a double sum and quotient).
    impl->sigmoid_table.reserve(513);
    for (int64_t i = 0; i < 513; ++i) {
      const float x = static_cast<float>(i * 2 * 8) / 512 - 8;
      impl->sigmoid_table.push_back(static_cast<float>(1.0 / (1.0 + std::exp(-x))));
    }
  }
  if (impl->output.codes == nullptr) {
    impl->label_lanes = (impl->nlabels + 7) / 8 * 8;
    const auto lanes = static_cast<size_t>(impl->label_lanes);
    impl->output_t.assign(static_cast<size_t>(impl->output.cols) * lanes, 0.0f);
    for (int64_t k = 0; k < impl->output.rows; ++k) {
      for (int64_t j = 0; j < impl->output.cols; ++j) {
        impl->output_t[static_cast<size_t>(j) * lanes + static_cast<size_t>(k)] =
            impl->output.data[k * impl->output.cols + j];
      }
    }
  }
  FastTextPredictor p;
  p.impl_ = std::move(impl);
  return p;
}

const std::string& FastTextPredictor::label(int32_t id) const {
  return impl_->label_names[static_cast<size_t>(id)];
}

int32_t FastTextPredictor::labels() const { return impl_->nlabels; }

namespace {

// Per-thread buffers of Predict, kept between calls (Predict reads only shared immutable data).
struct TokenRef {
  uint32_t begin;
  uint32_t size;
  uint32_t hash;
};

struct PredictScratch {
  std::vector<TokenRef> tokens;
  std::vector<int32_t> buckets;
  std::vector<int32_t> rows;
  std::vector<int32_t> word_hashes;
  std::string subword;
  std::vector<float> hidden;
  std::vector<float> row;
  std::vector<float> dots;
};

}  // namespace

bool FastTextPredictor::Predict(std::string_view line, std::vector<float>* log_probs) const {
  const Impl& m = *impl_;
  log_probs->clear();
  thread_local PredictScratch t;
  std::vector<int32_t>& rows = t.rows;
  std::vector<int32_t>& word_hashes = t.word_hashes;
  rows.clear();
  word_hashes.clear();

  // Dictionary::getLine on `line` + "\n": words up to the first newline, then "</s>"; the line
  // ends at the first "</s>", the newline's or one written in the text. Every token's slot of
  // the word table is fetched first, then the tokens are looked up in order.
  t.tokens.clear();
  size_t i = 0;
  bool ended = false;
  while (i < line.size() && line[i] != '\n') {
    if (IsSeparator(line[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < line.size() && !IsSeparator(line[end])) ++end;
    const std::string_view token = line.substr(i, end - i);
    const uint32_t h = Fnv(token);
    m.word_table->Prefetch(h);
    t.tokens.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(end - i), h});
    i = end;
    if (token == kEos) {
      ended = true;
      break;
    }
  }
  for (const TokenRef& tok : t.tokens) {
    m.AddToken(line.substr(tok.begin, tok.size), tok.hash, &t.subword, &rows, &word_hashes);
  }
  if (!ended) m.AddToken(kEos, m.eos_hash, &t.subword, &rows, &word_hashes);
  m.AddWordNgrams(word_hashes, &t.buckets, &rows);
  if (rows.empty()) return false;

  // Model::computeHidden.
  // The rows are scattered over megabytes of codes: each one's first read is a cache miss, so
  // the rows a few places ahead are fetched while this one is added.
  const auto dim = static_cast<size_t>(m.input.cols);
  t.hidden.assign(dim, 0.0f);
  t.row.resize(dim);
  float* hidden = t.hidden.data();
  constexpr size_t kAhead = 16;
  for (size_t r = 0; r < rows.size() && r < kAhead; ++r) m.input.Prefetch(rows[r]);
  for (size_t r = 0; r < rows.size(); ++r) {
    if (r + kAhead < rows.size()) m.input.Prefetch(rows[r + kAhead]);
    m.input.AddRowTo(hidden, rows[r], t.row.data());
  }
  const auto scale = static_cast<float>(1.0 / static_cast<double>(rows.size()));
  for (size_t j = 0; j < dim; ++j) hidden[j] *= scale;

  // Loss::computeOutput, then findKBest's std_log for every label.
  std::vector<float>& out = *log_probs;
  out.resize(static_cast<size_t>(m.nlabels));
  if (!m.output_t.empty()) {
    // Dense output: every label's dot product at once, over the transposed matrix. Each label
    // still sums row[j] * hidden[j] for j = 0, 1, ... in that order, so each is the same float
    // as DotRow's, but the labels' sums proceed side by side instead of one after another.
    const auto lanes = static_cast<size_t>(m.label_lanes);
    t.dots.assign(lanes, 0.0f);
    float* dots = t.dots.data();
    for (size_t j = 0; j < dim; ++j) {
      const float* col = m.output_t.data() + j * lanes;
      const float h = hidden[j];
      for (size_t k = 0; k < lanes; ++k) dots[k] += col[k] * h;
    }
    for (int32_t k = 0; k < m.nlabels; ++k) {
      if (std::isnan(dots[k])) {  // fastText throws there
        out.clear();
        return false;
      }
      out[static_cast<size_t>(k)] = dots[k];
    }
  } else {
    for (int32_t k = 0; k < m.nlabels; ++k)
      out[static_cast<size_t>(k)] = m.output.DotRow(hidden, k);
  }
  if (m.softmax) {
    float max = out[0];
    float z = 0.0f;
    for (float v : out) max = std::max(v, max);
    for (float& v : out) {
      v = static_cast<float>(std::exp(static_cast<double>(v - max)));
      z += v;
    }
    for (float& v : out) v /= z;
  } else {
    for (float& v : out) v = m.Sigmoid(v);
  }
  for (float& v : out) v = static_cast<float>(std::log(static_cast<double>(v) + 1e-5));
  return true;
}

}  // namespace haven::nlp
