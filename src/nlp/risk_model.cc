#include "nlp/risk_model.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include "nlp/fasttext_predictor.h"
#include "nlp/model_files.h"
#include "nlp/risk.h"
#include "nlp/string_table.h"

namespace haven::nlp {

struct RiskModel::Model {
  std::optional<FastTextPredictor> predictor;  // fastText's predict, without fastText
  std::vector<int> label_to_level;             // fastText label id -> level 0..4
  std::array<float, 4> thresholds{};
};

namespace {

constexpr std::array<std::string_view, 5> kLevelLabels = {"none", "low", "moderate", "high",
                                                          "imminent"};

// A model label ("none".."imminent") -> its level 0..4, or -1.
int LevelOfLabel(std::string_view label) {
  for (size_t i = 0; i < kLevelLabels.size(); ++i) {
    if (kLevelLabels[i] == label) return static_cast<int>(i);
  }
  return -1;
}

// A threshold name ("ge1".."ge4") -> 0..3, or -1.
int ThresholdIndex(std::string_view name) {
  if (name.size() == 3 && name.starts_with("ge") && name[2] >= '1' && name[2] <= '4') {
    return name[2] - '1';
  }
  return -1;
}

}  // namespace

StatusOr<RiskModel> RiskModel::Load(const std::string& data_dir) {
  return LoadFrom(data_dir + "/models");
}

StatusOr<RiskModel> RiskModel::LoadFrom(const std::string& models_dir) {
  const std::string model_path = models_dir + "/risk.ftz";
  auto model = std::make_shared<Model>();
  auto predictor = FastTextPredictor::Load(model_path);
  if (!predictor.ok())
    return Status(predictor.status().code(), "risk " + predictor.status().message());
  std::array<bool, 5> seen{};
  for (int32_t id = 0; id < predictor->labels(); ++id) {
    int level = LevelOfLabel(predictor->label(id));
    if (level < 0 || seen[static_cast<size_t>(level)]) {
      return InvalidArgument("risk model has an unknown or repeated label: " + model_path);
    }
    seen[static_cast<size_t>(level)] = true;
    model->label_to_level.push_back(level);
  }
  if (!std::all_of(seen.begin(), seen.end(), [](bool b) { return b; })) {
    return InvalidArgument("risk model needs the five level labels none..imminent: " + model_path);
  }
  if (Status s = ReadThresholds(models_dir + "/risk.thresholds", "risk", ThresholdIndex,
                                model->thresholds);
      !s.ok()) {
    return s;
  }
  model->predictor.emplace(std::move(predictor).value());
  RiskModel out;
  out.model_ = std::move(model);
  return out;
}

std::string RiskFeatures(const NormalizedText& text) {
  std::string out;
  for (const Token& t : text.tokens) {
    if (t.Has(kPunct)) continue;
    AppendFastTextWord(t.norm, &out);
  }
  return out;
}

RiskProbabilities RiskModel::Score(const NormalizedText& text) const {
  return ScoreFeatures(RiskFeatures(text));
}

RiskProbabilities RiskModel::ScoreFeatures(std::string_view features) const {
  RiskProbabilities p{};
  if (std::count(features.begin(), features.end(), ' ') + 1 < kMinRiskModelWords) return p;
  std::vector<float> log_probs;
  if (!model_->predictor->Predict(features, &log_probs)) return p;
  // Softmax over the five levels; P(level >= k) is the sum of the levels from k up.
  std::array<float, 5> by_level{};
  for (size_t id = 0; id < log_probs.size() && id < model_->label_to_level.size(); ++id) {
    by_level[static_cast<size_t>(model_->label_to_level[id])] =
        static_cast<float>(std::exp(log_probs[id]));
  }
  float above = 0.0f;
  for (int k = 4; k >= 1; --k) {
    above += by_level[static_cast<size_t>(k)];
    p[static_cast<size_t>(k - 1)] = std::clamp(above, 0.0f, 1.0f);
  }
  return p;
}

RiskLevel RiskModel::Level(const RiskProbabilities& p) const {
  int level = 0;
  for (int k = 0; k < 4; ++k) {
    if (p[static_cast<size_t>(k)] >= model_->thresholds[static_cast<size_t>(k)]) level = k + 1;
  }
  return static_cast<RiskLevel>(level);
}

// The concepts by their first word: each one the rest of its words (empty for a one-word concept)
// and whether its last word is a prefix; one-word prefixes apart (they have no first word to key).
struct RiskConcepts::Table {
  struct Concept {
    std::vector<std::string> rest;
    bool last_is_prefix = false;
  };
  StringTable<std::vector<Concept>> by_first;
  std::vector<std::string> prefixes;
  size_t count = 0;
};

namespace {

// Whether word `w` is `pattern`, or begins with it when `prefix`.
bool WordMatches(std::string_view w, std::string_view pattern, bool prefix) {
  return prefix ? w.starts_with(pattern) : w == pattern;
}

}  // namespace

StatusOr<RiskConcepts> RiskConcepts::Load(const std::string& data_dir) {
  const std::string path = data_dir + "/lexicons/risk_concepts.txt";
  std::ifstream in(path);
  if (!in) return NotFound("risk concepts not found: " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

StatusOr<RiskConcepts> RiskConcepts::Parse(std::string_view text, std::string_view source) {
  auto table = std::make_shared<Table>();
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    const auto bad = [&](std::string_view why) {
      return InvalidArgument(std::string(source) + ":" + std::to_string(line_no) + ": " +
                             std::string(why));
    };
    std::vector<std::string> words;
    size_t start = 0;
    while (true) {
      const size_t space = line.find(' ', start);
      words.emplace_back(line.substr(start, space - start));
      if (space == std::string_view::npos) break;
      start = space + 1;
    }
    bool prefix = false;
    for (size_t i = 0; i < words.size(); ++i) {
      std::string& w = words[i];
      if (w.empty()) return bad("an empty word (two spaces, or a space at either end)");
      if (w.back() == '*' && i + 1 == words.size()) {
        prefix = true;
        w.pop_back();
        if (w.empty()) return bad("'*' alone is not a word");
      }
      for (char c : w) {
        if (c == '*') return bad("'*' may only end the last word");
        if (c == '\t') return bad("a tab (words are separated by single spaces)");
        if (c >= 'A' && c <= 'Z') return bad("upper case (write words as `haven prep risk` does)");
      }
    }
    ++table->count;
    if (words.size() == 1 && prefix) {
      table->prefixes.push_back(std::move(words[0]));
      continue;
    }
    Table::Concept c;
    c.rest.assign(std::make_move_iterator(words.begin() + 1), std::make_move_iterator(words.end()));
    c.last_is_prefix = prefix;
    table->by_first[words[0]].push_back(std::move(c));
  }
  if (table->count == 0) return InvalidArgument(std::string(source) + ": no concepts");
  RiskConcepts out;
  out.table_ = std::move(table);
  return out;
}

bool RiskConcepts::Touches(std::string_view features) const {
  std::vector<std::string_view> words;
  size_t start = 0;
  while (start <= features.size()) {
    const size_t space = std::min(features.find(' ', start), features.size());
    if (space > start) words.push_back(features.substr(start, space - start));
    start = space + 1;
  }
  const Table& t = *table_;
  for (size_t i = 0; i < words.size(); ++i) {
    for (const std::string& p : t.prefixes) {
      if (words[i].starts_with(p)) return true;
    }
    const std::vector<Table::Concept>* concepts = t.by_first.Find(words[i]);
    if (concepts == nullptr) continue;
    for (const Table::Concept& c : *concepts) {
      if (i + c.rest.size() >= words.size()) continue;  // runs past the message's end
      bool all = true;
      for (size_t k = 0; k < c.rest.size() && all; ++k) {
        all = WordMatches(words[i + 1 + k], c.rest[k], c.last_is_prefix && k + 1 == c.rest.size());
      }
      if (all) return true;
    }
  }
  return false;
}

size_t RiskConcepts::size() const { return table_->count; }

bool LearnedRaiseAllowed(const Risk& rules, bool touches_concept) {
  // No risk phrase the rules know and no concept of the list: the model read word pairs, not risk.
  if (rules.evidence.empty()) return touches_concept;
  // Every risk phrase the rules found is someone else's, denied, figurative, topic talk, an
  // ordinary preparation (a will before an operation) or an accident (a cut in the kitchen): the
  // writer's own risk is not in this message, whatever its words resemble.
  return std::any_of(rules.evidence.begin(), rules.evidence.end(), [](const RiskEvidence& e) {
    return e.signal != "third_party" && e.signal != "denial" && e.signal != "figurative" &&
           e.signal != "topic" && e.signal != "ordinary" && e.signal != "accident";
  });
}

Risk CombineRisk(Risk rules, RiskLevel model_level, bool touches_concept, uint32_t text_bytes) {
  if (model_level <= rules.level || !LearnedRaiseAllowed(rules, touches_concept)) return rules;
  rules.level = model_level;
  rules.score = std::max(rules.score, RiskBaseScore(model_level));
  bool own = std::find(rules.categories.begin(), rules.categories.end(), RiskCategory::kSuicide) !=
                 rules.categories.end() ||
             std::find(rules.categories.begin(), rules.categories.end(), RiskCategory::kSelfHarm) !=
                 rules.categories.end();
  if (!own) {
    rules.categories.push_back(RiskCategory::kSuicide);
    std::sort(rules.categories.begin(), rules.categories.end());
  }
  rules.evidence.push_back({Span{0, text_bytes}, "learned_reading"});
  return rules;
}

Risk AssessRisk(const RiskDetector& rules, const RiskModel& model, const RiskConcepts& concepts,
                const NormalizedText& text) {
  return CombineLearnedRisk(rules.Assess(text), model, concepts, text);
}

Risk CombineLearnedRisk(Risk reading, const RiskModel& model, const RiskConcepts& concepts,
                        const NormalizedText& text) {
  const std::string features = RiskFeatures(text);
  const RiskLevel learned = model.Level(model.ScoreFeatures(features));
  const bool touches = learned > reading.level && concepts.Touches(features);
  return CombineRisk(std::move(reading), learned, touches, static_cast<uint32_t>(text.text.size()));
}

}  // namespace haven::nlp
