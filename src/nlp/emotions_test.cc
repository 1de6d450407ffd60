#include "nlp/emotions.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace haven::nlp {
namespace {

int Index(std::string_view name) {
  auto it = std::find(kEmotionNames.begin(), kEmotionNames.end(), name);
  return static_cast<int>(it - kEmotionNames.begin());
}

class EmotionsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto n = Normalizer::Load(HAVEN_SOURCE_DATA_DIR);
    ASSERT_TRUE(n.ok()) << n.status().message();
    normalizer_ = new Normalizer(std::move(n).value());
    auto c = EmotionClassifier::Load(HAVEN_SOURCE_DATA_DIR);
    ASSERT_TRUE(c.ok()) << c.status().message();
    classifier_ = new EmotionClassifier(std::move(c).value());
  }
  static void TearDownTestSuite() {
    delete classifier_;
    delete normalizer_;
  }

  static Emotions Classify(std::string_view text) {
    return classifier_->Classify(normalizer_->Normalize(text));
  }
  static bool HasLabel(const Emotions& e, std::string_view name) {
    return std::find(e.labels.begin(), e.labels.end(), Index(name)) != e.labels.end();
  }
  static int Argmax(const Emotions& e) {
    return static_cast<int>(std::max_element(e.scores.begin(), e.scores.end()) - e.scores.begin());
  }

  static Normalizer* normalizer_;
  static EmotionClassifier* classifier_;
};

Normalizer* EmotionsTest::normalizer_ = nullptr;
EmotionClassifier* EmotionsTest::classifier_ = nullptr;

void ExpectWellFormed(const Emotions& e) {
  for (float s : e.scores) {
    EXPECT_GE(s, 0.0f);
    EXPECT_LE(s, 1.0f);
  }
  ASSERT_FALSE(e.labels.empty());
  EXPECT_TRUE(std::is_sorted(e.labels.begin(), e.labels.end()));
  for (int i : e.labels) {
    EXPECT_GE(i, 0);
    EXPECT_LT(i, kNumEmotions);
  }
}

TEST_F(EmotionsTest, ObviousCases) {
  struct Case {
    const char* text;
    const char* emotion;
  };
  for (const Case& c :
       {Case{"thank you so much", "gratitude"}, Case{"I'm so sad", "sadness"},
        Case{"this is hilarious lol", "amusement"}, Case{"I love you so much", "love"},
        Case{"I'm really scared of what happens next", "fear"}}) {
    Emotions e = Classify(c.text);
    ExpectWellFormed(e);
    EXPECT_TRUE(HasLabel(e, c.emotion)) << c.emotion;
    EXPECT_EQ(kEmotionNames[static_cast<size_t>(Argmax(e))], c.emotion);
  }
}

TEST_F(EmotionsTest, PlainStatementIsNeutral) {
  Emotions e = Classify("The bus leaves at 9 from the main station.");
  ExpectWellFormed(e);
  EXPECT_TRUE(HasLabel(e, "neutral"));
}

TEST_F(EmotionsTest, EmptyAndOddInputsStillGiveALabel) {
  for (std::string_view text :
       {std::string_view(""), std::string_view("   \n\t"), std::string_view("!!!???"),
        std::string_view("__label__joy"), std::string_view("\xff\xfe broken utf-8")}) {
    ExpectWellFormed(Classify(text));
  }
}

TEST_F(EmotionsTest, FeaturesAreLowerCaseTokensWithRunsMarked) {
  EXPECT_EQ(EmotionFeatures(normalizer_->Normalize("WHY?!! I'm SO happy")),
            "why ? !! i'm so happy");
  EXPECT_EQ(EmotionFeatures(normalizer_->Normalize("")), "");
  // A text can never smuggle a fastText label into the training file.
  std::string f = EmotionFeatures(normalizer_->Normalize("__label__joy x"));
  EXPECT_EQ(f.find("__label__"), std::string::npos) << f;
  EXPECT_EQ(f.find('\n'), std::string::npos);
}

TEST_F(EmotionsTest, ConcurrentCallsAgree) {
  const std::vector<std::string> texts = {"thank you so much",
                                          "I'm so sad",
                                          "this is hilarious lol",
                                          "why would you do that?!",
                                          "I'm so nervous about tomorrow",
                                          ""};
  std::vector<Emotions> expected;
  for (const std::string& t : texts) expected.push_back(Classify(t));
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      for (int round = 0; round < 200; ++round) {
        for (size_t i = 0; i < texts.size(); ++i) {
          Emotions e = Classify(texts[i]);
          if (e.scores != expected[i].scores || e.labels != expected[i].labels) ++mismatches[w];
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

TEST(EmotionClassifierLoadTest, MissingOrBrokenFilesAreErrors) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("haven_emotions_test_" + std::to_string(::getpid()));
  fs::create_directories(dir / "models");
  auto missing = EmotionClassifier::Load(dir.string());
  EXPECT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);

  std::ofstream(dir / "models" / "emotions.ftz") << "not a model";
  auto broken = EmotionClassifier::Load(dir.string());
  EXPECT_FALSE(broken.ok());

  // A real model with a bad thresholds file.
  fs::copy_file(fs::path(HAVEN_SOURCE_DATA_DIR) / "models" / "emotions.ftz",
                dir / "models" / "emotions.ftz", fs::copy_options::overwrite_existing);
  std::ofstream(dir / "models" / "emotions.thresholds") << "joy\t0.5\n";
  auto partial = EmotionClassifier::Load(dir.string());
  EXPECT_FALSE(partial.ok());
  EXPECT_EQ(partial.status().code(), StatusCode::kInvalidArgument);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace haven::nlp
