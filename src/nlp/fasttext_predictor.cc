#include "nlp/fasttext_predictor.h"

#include <fasttext/densematrix.h>
#include <fasttext/dictionary.h>
#include <fasttext/fasttext.h>
#include <fasttext/loss.h>
#include <fasttext/model.h>
#include <fasttext/productquantizer.h>
#include <fasttext/quantmatrix.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <string>
#include <utility>

#include "nlp/string_table.h"

namespace haven::nlp {
namespace {

// fastText keeps what prediction reads in protected members. A pointer to a protected member,
// formed through a derived class, may be applied to any object of the base class: these
// accessors read them without copying (and without undefined behaviour).
struct FastTextAccess : fasttext::FastText {
  static const std::shared_ptr<fasttext::Matrix>& Input(const fasttext::FastText& f) {
    return f.*(&FastTextAccess::input_);
  }
  static const std::shared_ptr<fasttext::Matrix>& Output(const fasttext::FastText& f) {
    return f.*(&FastTextAccess::output_);
  }
  static const std::shared_ptr<fasttext::Model>& Model(const fasttext::FastText& f) {
    return f.*(&FastTextAccess::model_);
  }
};

struct ModelAccess : fasttext::Model {
  static const std::shared_ptr<fasttext::Loss>& Loss(const fasttext::Model& m) {
    return m.*(&ModelAccess::loss_);
  }
};

struct LossAccess : fasttext::Loss {
  static const std::vector<fasttext::real>& SigmoidTable(const fasttext::Loss& l) {
    return l.*(&LossAccess::t_sigmoid_);
  }
};

struct DictionaryAccess : fasttext::Dictionary {
  static const std::vector<fasttext::entry>& Words(const fasttext::Dictionary& d) {
    return d.*(&DictionaryAccess::words_);
  }
  static int64_t PruneIdxSize(const fasttext::Dictionary& d) {
    return d.*(&DictionaryAccess::pruneidx_size_);
  }
  static const std::unordered_map<int32_t, int32_t>& PruneIdx(const fasttext::Dictionary& d) {
    return d.*(&DictionaryAccess::pruneidx_);
  }
};

struct QuantMatrixAccess : fasttext::QuantMatrix {
  static const fasttext::ProductQuantizer* Pq(const fasttext::QuantMatrix& q) {
    return (q.*(&QuantMatrixAccess::pq_)).get();
  }
  static const fasttext::ProductQuantizer* Npq(const fasttext::QuantMatrix& q) {
    return (q.*(&QuantMatrixAccess::npq_)).get();
  }
  static const std::vector<uint8_t>& Codes(const fasttext::QuantMatrix& q) {
    return q.*(&QuantMatrixAccess::codes_);
  }
  static const std::vector<uint8_t>& NormCodes(const fasttext::QuantMatrix& q) {
    return q.*(&QuantMatrixAccess::norm_codes_);
  }
  static bool QNorm(const fasttext::QuantMatrix& q) { return q.*(&QuantMatrixAccess::qnorm_); }
};

struct PqAccess : fasttext::ProductQuantizer {
  static int32_t Nsubq(const fasttext::ProductQuantizer& p) { return p.*(&PqAccess::nsubq_); }
  static int32_t Dsub(const fasttext::ProductQuantizer& p) { return p.*(&PqAccess::dsub_); }
  static int32_t LastDsub(const fasttext::ProductQuantizer& p) { return p.*(&PqAccess::lastdsub_); }
  static int32_t Ksub(const fasttext::ProductQuantizer& p) { return p.*(&PqAccess::ksub_); }
};

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

StatusOr<MatrixView> ViewOf(const fasttext::Matrix& m) {
  MatrixView v;
  v.rows = m.size(0);
  v.cols = m.size(1);
  if (const auto* dense = dynamic_cast<const fasttext::DenseMatrix*>(&m)) {
    v.data = dense->data();
    return v;
  }
  const auto* quant = dynamic_cast<const fasttext::QuantMatrix*>(&m);
  if (quant == nullptr) return InvalidArgument("fastText matrix of an unknown kind");
  const fasttext::ProductQuantizer* pq = QuantMatrixAccess::Pq(*quant);
  if (pq == nullptr) return InvalidArgument("fastText quantised matrix without a quantiser");
  v.codes = QuantMatrixAccess::Codes(*quant).data();
  v.nsubq = PqAccess::Nsubq(*pq);
  v.dsub = PqAccess::Dsub(*pq);
  v.lastdsub = PqAccess::LastDsub(*pq);
  v.ksub = PqAccess::Ksub(*pq);
  v.centroids = pq->get_centroids(0, 0);
  if (QuantMatrixAccess::QNorm(*quant)) {
    const fasttext::ProductQuantizer* npq = QuantMatrixAccess::Npq(*quant);
    if (npq == nullptr) return InvalidArgument("fastText quantised norms without a quantiser");
    v.norm_codes = QuantMatrixAccess::NormCodes(*quant).data();
    v.norm_centroids = npq->get_centroids(0, 0);
    v.norm_nsubq = PqAccess::Nsubq(*npq);
    v.norm_dsub = PqAccess::Dsub(*npq);
    v.norm_lastdsub = PqAccess::LastDsub(*npq);
    v.norm_ksub = PqAccess::Ksub(*npq);
  }
  return v;
}

// Dictionary::pruneidx_ (hashed n-gram bucket -> row) as one flat open-addressing table.
class PruneTable {
 public:
  explicit PruneTable(const std::unordered_map<int32_t, int32_t>& index) {
    size_t capacity = 16;
    while (capacity < index.size() * 2) capacity *= 2;
    shift_ = 64 - std::countr_zero(capacity);
    mask_ = capacity - 1;
    slots_.assign(capacity, {-1, -1});
    for (const auto& [key, value] : index) {
      size_t s = Slot(key);
      while (slots_[s].first != -1) s = (s + 1) & mask_;
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
  explicit WordTable(const std::vector<fasttext::entry>& words) {
    size_t capacity = 16;
    while (capacity < words.size() * 2) capacity *= 2;
    shift_ = 64 - std::countr_zero(capacity);
    mask_ = capacity - 1;
    slots_.assign(capacity, Slot{});
    size_t total = 0;
    for (const auto& e : words) total += e.word.size();
    bytes_.reserve(total);
    for (size_t id = 0; id < words.size(); ++id) {
      const std::string& w = words[id].word;
      const uint32_t h = Fnv(w);
      size_t s = Index(h);
      while (slots_[s].id != -1) s = (s + 1) & mask_;
      const bool is_word = words[id].type == fasttext::entry_type::word;
      slots_[s] = {h, static_cast<int32_t>(id), static_cast<uint32_t>(bytes_.size()),
                   static_cast<uint32_t>(w.size() << 1) | (is_word ? 1u : 0u)};
      bytes_.append(w);
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

  std::vector<Slot> slots_;
  std::string bytes_;
  int shift_ = 0;
  size_t mask_ = 0;
};

}  // namespace

struct FastTextPredictor::Impl {
  // Kept alive: everything below points into these.
  std::shared_ptr<const fasttext::Dictionary> dict;
  std::shared_ptr<fasttext::Matrix> input_matrix;
  std::shared_ptr<fasttext::Matrix> output_matrix;

  const std::vector<fasttext::entry>* words = nullptr;
  std::unique_ptr<WordTable> word_table;
  int32_t nwords = 0;
  int32_t nlabels = 0;
  int64_t pruneidx_size = -1;
  std::unique_ptr<PruneTable> prune;

  int32_t word_ngrams = 1;
  int32_t bucket = 0;
  int32_t minn = 0;
  int32_t maxn = 0;
  std::string label_prefix;
  uint32_t eos_hash = Fnv(fasttext::Dictionary::EOS);
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
      if (token != fasttext::Dictionary::EOS) PushSubwords(token, scratch, rows);
    } else if (maxn <= 0) {
      rows->push_back(wid);
      input.Prefetch(wid);  // needed once the whole line is read: start fetching it now
    } else {
      const std::vector<int32_t>& sub = (*words)[static_cast<size_t>(wid)].subwords;
      rows->insert(rows->end(), sub.begin(), sub.end());
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

StatusOr<FastTextPredictor> FastTextPredictor::Create(const fasttext::FastText& model) {
  const fasttext::Args& args = model.getArgs();
  if (args.model != fasttext::model_name::sup) {
    return InvalidArgument("fastText model is not supervised");
  }
  if (args.loss != fasttext::loss_name::softmax && args.loss != fasttext::loss_name::ova) {
    return InvalidArgument("fastText model's loss is neither softmax nor one-vs-all");
  }
  auto impl = std::make_shared<Impl>();
  impl->dict = model.getDictionary();
  impl->input_matrix = FastTextAccess::Input(model);
  impl->output_matrix = FastTextAccess::Output(model);
  if (!impl->dict || !impl->input_matrix || !impl->output_matrix) {
    return InvalidArgument("fastText model is not loaded");
  }
  const fasttext::Dictionary& dict = *impl->dict;
  impl->words = &DictionaryAccess::Words(dict);
  if (impl->words->empty()) return InvalidArgument("fastText model has an empty dictionary");
  impl->word_table = std::make_unique<WordTable>(*impl->words);
  impl->nwords = dict.nwords();
  impl->nlabels = dict.nlabels();
  impl->pruneidx_size = DictionaryAccess::PruneIdxSize(dict);
  if (impl->pruneidx_size > 0) {
    impl->prune = std::make_unique<PruneTable>(DictionaryAccess::PruneIdx(dict));
  }
  impl->word_ngrams = args.wordNgrams;
  impl->bucket = args.bucket;
  impl->minn = args.minn;
  impl->maxn = args.maxn;
  impl->label_prefix = args.label;
  impl->softmax = args.loss == fasttext::loss_name::softmax;
  if (!impl->softmax) {
    const std::shared_ptr<fasttext::Model>& m = FastTextAccess::Model(model);
    const std::shared_ptr<fasttext::Loss>& loss = m ? ModelAccess::Loss(*m) : nullptr;
    if (!loss) return InvalidArgument("fastText model has no loss");
    impl->sigmoid_table = LossAccess::SigmoidTable(*loss);
    if (impl->sigmoid_table.size() != 513) {
      return InvalidArgument("fastText sigmoid table of an unexpected size");
    }
  }
  auto input = ViewOf(*impl->input_matrix);
  if (!input.ok()) return input.status();
  auto output = ViewOf(*impl->output_matrix);
  if (!output.ok()) return output.status();
  impl->input = *input;
  impl->output = *output;
  if (impl->input.cols != impl->output.cols || impl->output.rows != impl->nlabels ||
      impl->input.cols <= 0 || impl->bucket <= 0) {
    return InvalidArgument("fastText model's matrices do not match its dictionary");
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

  // Dictionary::getLine on `line` + "\n": words up to the first newline, then "</s>". Every
  // token's slot of the word table is fetched first, then the tokens are looked up in order.
  t.tokens.clear();
  size_t i = 0;
  while (i < line.size() && line[i] != '\n') {
    if (IsSeparator(line[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < line.size() && !IsSeparator(line[end])) ++end;
    const uint32_t h = Fnv(line.substr(i, end - i));
    m.word_table->Prefetch(h);
    t.tokens.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(end - i), h});
    i = end;
  }
  for (const TokenRef& tok : t.tokens) {
    m.AddToken(line.substr(tok.begin, tok.size), tok.hash, &t.subword, &rows, &word_hashes);
  }
  m.AddToken(fasttext::Dictionary::EOS, m.eos_hash, &t.subword, &rows, &word_hashes);
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
