#include "nlp/fasttext_predictor.h"

#include <fasttext/fasttext.h>
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "nlp/emotions.h"
#include "nlp/text.h"

namespace haven::nlp {
namespace {

// fastText's own reading of `line`, as emotions.cc and risk_model.cc once called it: the
// value for each label id, empty when it predicts nothing.
std::vector<float> FastTextValues(const fasttext::FastText& ft, const std::string& line) {
  std::istringstream in(line + "\n");
  std::vector<int32_t> words, labels;
  std::vector<std::pair<fasttext::real, int32_t>> predictions;
  ft.getDictionary()->getLine(in, words, labels);
  ft.predict(/*k=*/-1, words, predictions, /*threshold=*/0.0);
  std::vector<float> out;
  if (predictions.empty()) return out;
  out.assign(static_cast<size_t>(ft.getDictionary()->nlabels()), -1000.0f);
  for (const auto& [log_prob, id] : predictions) out[static_cast<size_t>(id)] = log_prob;
  return out;
}

// Bit-for-bit equality, so that -0 and NaN count as different values too.
bool SameBits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * 4) == 0);
}

std::vector<std::string> Lines() {
  auto n = Normalizer::Load(HAVEN_SOURCE_DATA_DIR);
  EXPECT_TRUE(n.ok());
  std::vector<std::string> lines = {"",
                                    " ",
                                    "\t\v\f\r",
                                    "a",
                                    "</s>",
                                    "__label__joy",
                                    "__label__none i want to die",
                                    "word  with   many    spaces",
                                    "first line\nsecond line",
                                    "\n",
                                    "caf\xC3\xA9 na\xC3\xAFve",
                                    "\xF0\x9F\x98\x80 \xF0\x9F\x98\xAD!!",
                                    "\xFF\xFE broken \x80 bytes",
                                    "zzqxj qqzzv xxkkq"};
  for (const char* file : {"risk_cases.jsonl", "risk_dev.jsonl", "risk_holdout.jsonl",
                           "risk_train.jsonl", "intent_cases.jsonl", "empathy_cases.jsonl"}) {
    std::ifstream in(std::string(HAVEN_SOURCE_DATA_DIR) + "/../tests/data/" + file);
    std::string line;
    while (std::getline(in, line)) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (!j.is_object() || !j.contains("text") || !j["text"].is_string()) continue;
      const std::string text = j["text"].get<std::string>();
      lines.push_back(text);
      if (n.ok()) lines.push_back(EmotionFeatures(n->Normalize(text)));
    }
  }
  return lines;
}

void ExpectSameAsFastText(const std::string& model_file) {
  fasttext::FastText ft;
  ft.loadModel(std::string(HAVEN_SOURCE_DATA_DIR) + "/models/" + model_file);
  auto predictor = FastTextPredictor::Create(ft);
  ASSERT_TRUE(predictor.ok()) << predictor.status().message();
  EXPECT_EQ(predictor->labels(), ft.getDictionary()->nlabels());
  const std::vector<std::string> lines = Lines();
  ASSERT_GT(lines.size(), 1000u);
  int differ = 0;
  for (const std::string& line : lines) {
    std::vector<float> got;
    bool predicted = predictor->Predict(line, &got);
    std::vector<float> want = FastTextValues(ft, line);
    EXPECT_EQ(predicted, !want.empty()) << line;
    if (!SameBits(got, want) && ++differ <= 5) ADD_FAILURE() << model_file << ": " << line;
  }
  EXPECT_EQ(differ, 0) << model_file;
}

TEST(FastTextPredictorTest, EmotionModelGivesFastTextsValuesBitForBit) {
  ExpectSameAsFastText("emotions.ftz");
}

TEST(FastTextPredictorTest, RiskModelGivesFastTextsValuesBitForBit) {
  ExpectSameAsFastText("risk.ftz");
}

TEST(FastTextPredictorTest, OutlivesTheModelItWasMadeFrom) {
  std::vector<float> before, after;
  std::optional<FastTextPredictor> predictor;
  {
    fasttext::FastText ft;
    ft.loadModel(std::string(HAVEN_SOURCE_DATA_DIR) + "/models/risk.ftz");
    auto p = FastTextPredictor::Create(ft);
    ASSERT_TRUE(p.ok());
    predictor.emplace(std::move(p).value());
    ASSERT_TRUE(predictor->Predict("i want to end it all", &before));
  }
  ASSERT_TRUE(predictor->Predict("i want to end it all", &after));
  EXPECT_TRUE(SameBits(before, after));
}

}  // namespace
}  // namespace haven::nlp
