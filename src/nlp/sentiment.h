// Sentiment with intensity, VADER-class (Hutto & Gilbert 2014) and tuned beyond it: a valence
// lexicon (VADER's, with AFINN for words VADER lacks, and Haven's own additions), negation scope,
// intensifiers and dampeners, contrastive "but", ALL CAPS and "!" emphasis, emoji and emoticons,
// idioms and mental-health phrases. The rules are listed at the top of sentiment.cc; the data
// files in data/lexicons/README.md. Immutable after Load; copies share the lexicon.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "nlp/analysis.h"
#include "nlp/text.h"

namespace haven::nlp {

class SentimentScorer {
 public:
  // Reads `data_dir`/lexicons/{vader_lexicon,afinn-en-165,haven_sentiment}.txt. NotFound or
  // InvalidArgument naming the missing or malformed file (and line); never the file's content.
  static StatusOr<SentimentScorer> Load(const std::string& data_dir);

  // compound in [-1, 1]; pos + neu + neg == 1 (all 0 text -> neu 1). Never throws; a scorer
  // that was not loaded returns neutral. Thread-safe; no allocation per call once a thread has
  // scored a text of similar length.
  Sentiment Score(const NormalizedText& text) const;

 private:
  Sentiment ScoreOrThrow(const NormalizedText& text) const;

  struct Lexicon;
  std::shared_ptr<const Lexicon> lexicon_;
};

}  // namespace haven::nlp
