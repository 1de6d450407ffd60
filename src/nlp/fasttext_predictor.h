// fastText's supervised prediction without fastText: reads a model file that fastText 0.9.2
// saved (.bin or quantised .ftz) and gives the same answer as its FastText::predict(k = -1,
// threshold = 0) on one line of text, bit for bit, without its costs: loading a model through
// fastText fills a 30-million-slot word table (120 MB written at start-up, per model) and reads
// the file through an istream; predicting reads the line byte by byte, makes a std::string per
// word and per character n-gram, a std::unordered_map lookup per hashed n-gram and a call per
// product-quantiser sub-vector.
//
// It walks the same arithmetic in the same order: the input rows (each word's id and subwords,
// then the word n-grams) are summed into the hidden vector one after the other, scaled by
// 1 / rows, multiplied by the output matrix row by row, then softmax or the sigmoid table. Only
// the lookups and the memory traffic are rebuilt: the dictionary and the pruned n-gram index as
// flat open-addressing tables whose slots are fetched for a whole line before it is looked up,
// character n-gram hashes computed incrementally (FNV-1a extends byte by byte), a quantised row
// gathered before it is added, and a dense output matrix transposed so that every label's sum
// (each still in fastText's order) proceeds side by side. The file is compiled with
// -ffp-contract=off so that no multiply-add is fused where fastText's build does not fuse it.
// tests: fasttext_predictor_test.cc compares every label's value with fastText's own predict, on
// the shipped models and on models the test trains with other settings (dense, character
// n-grams, quantised output).
//
// Immutable after Load; Predict is thread-safe (its scratch is per thread).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace haven::nlp {

class FastTextPredictor {
 public:
  // Reads the supervised model (softmax or one-vs-all loss, dense or quantised matrices) that
  // fastText saved at `path`. NotFound when the file is missing; InvalidArgument, naming what is
  // wrong, for any other file: truncated, of another version or kind, or inconsistent.
  static StatusOr<FastTextPredictor> Load(const std::string& path);

  // For `line` (words separated by fastText's separator bytes, read up to the first '\n' as
  // fastText's getLine reads `line + "\n"`): sets (*log_probs)[label id] to the value fastText's
  // predict reports for that label, log(p + 1e-5) in float, for every label. Returns false, with
  // `log_probs` empty, where fastText predicts nothing (no known word and no n-gram in the line).
  bool Predict(std::string_view line, std::vector<float>* log_probs) const;

  // The number of labels, the size of Predict's output.
  int32_t labels() const;

  // Label `id`'s name (0 <= id < labels()), without fastText's "__label__" prefix.
  const std::string& label(int32_t id) const;

 private:
  struct Impl;
  FastTextPredictor() = default;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace haven::nlp
