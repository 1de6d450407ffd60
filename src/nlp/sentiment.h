// Sentiment with intensity, VADER-class (Hutto & Gilbert 2014) and tuned beyond it: a valence
// lexicon (VADER's, with AFINN for words VADER lacks, and Haven's own additions), negation scope,
// intensifiers and dampeners, contrastive "but", ALL CAPS and "!" emphasis, emoji and emoticons,
// idioms. Immutable after Load; Score is thread-safe and allocation-light.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "nlp/analysis.h"
#include "nlp/text.h"

namespace haven::nlp {

class SentimentScorer {
 public:
  // Reads the lexicons under `data_dir`/lexicons/. Error names the missing or malformed file.
  static StatusOr<SentimentScorer> Load(const std::string& data_dir);

  // compound in [-1, 1]; pos + neu + neg == 1 (all 0 text -> neu 1).
  Sentiment Score(const NormalizedText& text) const;

 private:
  struct Lexicon;
  std::shared_ptr<const Lexicon> lexicon_;
};

}  // namespace haven::nlp
