#include "nlp/risk_model.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>
#include <vector>

#include "nlp/fasttext_predictor.h"
#include "nlp/model_files.h"
#include "nlp/risk.h"

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
  RiskProbabilities p{};
  const std::string features = RiskFeatures(text);
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

Risk CombineRisk(Risk rules, RiskLevel model_level, uint32_t text_bytes) {
  if (model_level <= rules.level) return rules;
  // Every risk phrase the rules found is someone else's, denied, figurative or topic talk: the
  // writer's own risk is not in this message, whatever its words resemble.
  bool suppressed = !rules.evidence.empty();
  for (const RiskEvidence& e : rules.evidence) {
    if (e.signal != "third_party" && e.signal != "denial" && e.signal != "figurative" &&
        e.signal != "topic") {
      suppressed = false;
    }
  }
  if (suppressed) return rules;
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

}  // namespace haven::nlp
