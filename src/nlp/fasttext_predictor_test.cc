#include "nlp/fasttext_predictor.h"

#include <fasttext/fasttext.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
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
                                    "i feel </s> so alone",
                                    "</s></s> </s>",
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

// Load's predictor and fastText's own loadModel + predict agree on every line, bit for bit.
void ExpectSameAsFastText(const std::string& path) {
  fasttext::FastText ft;
  ft.loadModel(path);
  auto predictor = FastTextPredictor::Load(path);
  ASSERT_TRUE(predictor.ok()) << predictor.status().message();
  ASSERT_EQ(predictor->labels(), ft.getDictionary()->nlabels());
  for (int32_t id = 0; id < predictor->labels(); ++id) {
    EXPECT_EQ("__label__" + predictor->label(id), ft.getDictionary()->getLabel(id));
  }
  const std::vector<std::string> lines = Lines();
  ASSERT_GT(lines.size(), 1000u);
  int differ = 0;
  for (const std::string& line : lines) {
    std::vector<float> got;
    bool predicted = predictor->Predict(line, &got);
    std::vector<float> want = FastTextValues(ft, line);
    EXPECT_EQ(predicted, !want.empty()) << line;
    if (!SameBits(got, want) && ++differ <= 5) ADD_FAILURE() << path << ": " << line;
  }
  EXPECT_EQ(differ, 0) << path;
}

std::string ShippedModel(const std::string& file) {
  return std::string(HAVEN_SOURCE_DATA_DIR) + "/models/" + file;
}

TEST(FastTextPredictorTest, EmotionModelGivesFastTextsValuesBitForBit) {
  ExpectSameAsFastText(ShippedModel("emotions.ftz"));
}

TEST(FastTextPredictorTest, RiskModelGivesFastTextsValuesBitForBit) {
  ExpectSameAsFastText(ShippedModel("risk.ftz"));
}

// The shipped models are quantised with word n-grams and no character n-grams. Models trained
// here with fastText itself cover the other paths: dense matrices, character n-grams (subwords
// of known and unknown words), an unpruned quantised input, a quantised output, softmax.
class TrainedModelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("haven_ft_predictor_" + std::to_string(::getpid())));
    std::filesystem::create_directories(*dir_);
    std::ofstream train(*dir_ / "train.txt");
    std::ofstream many(*dir_ / "many_labels.txt");
    int lines = 0;
    std::ifstream in(std::string(HAVEN_SOURCE_DATA_DIR) + "/../tests/data/risk_train.jsonl");
    std::string line;
    while (std::getline(in, line)) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (!j.is_object() || !j.contains("text") || !j.contains("level")) continue;
      const std::string text = j["text"].get<std::string>();
      train << "__label__" << j["level"].get<std::string>() << ' ' << text << '\n';
      // Quantising the output needs 256 labels or more: a file with 300.
      many << "__label__l" << (lines++ % 300) << ' ' << text << '\n';
    }
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  // Trains a small model with `loss` and character n-grams of minn..maxn bytes, saves it (.bin)
  // and returns its path; with `quantise`, also quantises it (the output too with `qout`, which
  // trains on 300 labels; pruned to `cutoff` rows unless 0) and returns the .ftz's path instead.
  static std::string Train(const std::string& name, fasttext::loss_name loss, int minn, int maxn,
                           bool quantise, bool qout, size_t cutoff) {
    fasttext::Args args;
    args.input = (*dir_ / (qout ? "many_labels.txt" : "train.txt")).string();
    args.output = (*dir_ / name).string();
    args.model = fasttext::model_name::sup;
    args.loss = loss;
    args.dim = 12;
    args.epoch = 3;
    args.lr = 0.5;
    args.minCount = 1;
    args.wordNgrams = 2;
    args.bucket = 5000;
    args.minn = minn;
    args.maxn = maxn;
    args.thread = 1;
    args.seed = 1;
    args.verbose = 0;
    fasttext::FastText ft;
    ft.train(args);
    ft.saveModel(args.output + ".bin");
    if (!quantise) return args.output + ".bin";
    fasttext::Args q = args;
    q.qout = qout;
    q.qnorm = true;
    q.cutoff = cutoff;
    q.dsub = 3;  // not the shipped models' 2: the quantiser's general path
    q.retrain = false;
    ft.quantize(q);
    ft.saveModel(args.output + ".ftz");
    return args.output + ".ftz";
  }

  static std::filesystem::path* dir_;
};

std::filesystem::path* TrainedModelTest::dir_ = nullptr;

TEST_F(TrainedModelTest, DenseWithCharacterNgramsOneVsAll) {
  ExpectSameAsFastText(Train("dense_ova", fasttext::loss_name::ova, 2, 4, false, false, 0));
}

TEST_F(TrainedModelTest, DenseWithCharacterNgramsSoftmax) {
  ExpectSameAsFastText(Train("dense_softmax", fasttext::loss_name::softmax, 3, 5, false, false, 0));
}

TEST_F(TrainedModelTest, QuantisedOutputUnprunedInput) {
  ExpectSameAsFastText(Train("qout", fasttext::loss_name::ova, 2, 3, true, true, 0));
}

TEST_F(TrainedModelTest, PrunedWithCharacterNgrams) {
  ExpectSameAsFastText(Train("pruned", fasttext::loss_name::softmax, 2, 4, true, false, 2000));
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(FastTextPredictorLoadTest, MissingFileIsNotFound) {
  auto p = FastTextPredictor::Load("/nonexistent/haven/model.ftz");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kNotFound);
}

// Every cut of a real model, and bytes flipped in its header and dictionary, are refused with
// an error (never a crash or a read past the file: the asan preset runs this too).
TEST(FastTextPredictorLoadTest, TruncatedOrCorruptFilesAreRefused) {
  const std::string model = ReadAll(ShippedModel("risk.ftz"));
  ASSERT_GT(model.size(), 100000u);
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("haven_ft_cut_" + std::to_string(::getpid()) + ".ftz"))
                               .string();
  std::vector<size_t> cuts = {0, 1, 4, 7, 8, 30, 60, 61, 62, 100, 1000};
  for (size_t c = 2000; c < model.size(); c += model.size() / 97) cuts.push_back(c);
  cuts.push_back(model.size() - 1);
  for (size_t cut : cuts) {
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(model.data(), static_cast<long>(cut));
    auto p = FastTextPredictor::Load(path);
    ASSERT_FALSE(p.ok()) << "cut at " << cut;
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument) << "cut at " << cut;
  }
  // The magic, the version, the model kind, the loss, the dimension, the dictionary's sizes.
  for (size_t at : {0, 4, 8 + 4 * 6, 8 + 4 * 7, 8, 64, 68, 72}) {
    std::string bad = model;
    bad[at] = static_cast<char>(bad[at] ^ 0x40);
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(bad.data(), static_cast<long>(bad.size()));
    auto p = FastTextPredictor::Load(path);
    EXPECT_FALSE(p.ok()) << "byte " << at;
  }
  std::filesystem::remove(path);
}

TEST(FastTextPredictorLoadTest, AnUnsupervisedModelIsRefused) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("haven_ft_kind_" + std::to_string(::getpid()) + ".ftz"))
                               .string();
  std::string model = ReadAll(ShippedModel("risk.ftz"));
  model[8 + 4 * 7] = 1;  // Args::model: cbow
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(model.data(), static_cast<long>(model.size()));
  auto p = FastTextPredictor::Load(path);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("not a supervised model"), std::string::npos);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace haven::nlp
