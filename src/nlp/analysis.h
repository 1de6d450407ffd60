// The reading of one message: what every stage produces, in one value type.
// Field meanings follow shared/eval/CONTRACT.md exactly; offsets are UTF-8 byte offsets into the
// analysed text (the input, unless it had invalid UTF-8, see NormalizedText::repaired).
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "core/risk_level.h"
#include "nlp/text.h"

namespace haven::nlp {

struct Sentiment {
  double compound = 0.0;  // [-1, 1]
  double pos = 0.0;       // pos + neu + neg == 1
  double neu = 1.0;
  double neg = 0.0;
};

// GoEmotions' 27 emotions + neutral, in the data set's order (emotions.txt).
inline constexpr int kNumEmotions = 28;
inline constexpr std::array<std::string_view, kNumEmotions> kEmotionNames = {
    "admiration", "amusement",   "anger",       "annoyance", "approval",  "caring",
    "confusion",  "curiosity",   "desire",      "disappointment", "disapproval", "disgust",
    "embarrassment", "excitement", "fear",      "gratitude", "grief",     "joy",
    "love",       "nervousness", "optimism",    "pride",     "realization", "relief",
    "remorse",    "sadness",     "surprise",    "neutral"};

struct Emotions {
  std::array<float, kNumEmotions> scores{};  // probabilities, each in [0, 1]
  std::vector<int> labels;                   // indices into kEmotionNames; never empty
};

// Risk categories (contract: risk.categories).
enum class RiskCategory { kSuicide, kSelfHarm, kHarmToOthers, kAbuse, kThirdParty, kMedical, kSubstance };
std::string_view RiskCategoryName(RiskCategory c);

struct RiskEvidence {
  Span span;
  std::string signal;  // e.g. "passive_wish", "active_ideation", "plan", "method", "farewell"
};

struct Risk {
  RiskLevel level = RiskLevel::kNone;
  double score = 0.0;                   // [0, 1], monotone with level
  std::vector<RiskCategory> categories;  // sorted, unique
  std::vector<RiskEvidence> evidence;
};

struct Intent {
  std::string label = "other";  // contract labels
  double score = 0.0;
};

struct Topic {
  std::string label;
  double score = 0.0;
  std::vector<Span> evidence;
};

enum class PiiType {
  kEmail, kPhone, kUrl, kIpAddress, kAddress, kCreditCard, kUsSsn, kUkNhs, kUkNino,
  kDateOfBirth, kPerson, kLocation, kIban
};
std::string_view PiiTypeName(PiiType t);

struct PiiSpan {
  Span span;
  PiiType type;
};

struct Analysis {
  Sentiment sentiment;
  Emotions emotions;
  Risk risk;
  Intent intent;
  std::vector<Topic> topics;   // highest score first
  std::vector<PiiSpan> pii;    // by start offset, non-overlapping
  std::string redacted;        // the text with each PII span replaced by "[TYPE]"
  bool repaired_utf8 = false;  // the input had invalid UTF-8; offsets refer to the repaired text
};

}  // namespace haven::nlp
