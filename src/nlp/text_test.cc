#include "nlp/text.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace haven::nlp {
namespace {

const Normalizer& Loaded() {
  static const Normalizer n = [] {
    auto loaded = Normalizer::Load(HAVEN_SOURCE_DATA_DIR);
    EXPECT_TRUE(loaded.ok()) << loaded.status().message();
    return loaded.ok() ? std::move(loaded).value() : Normalizer();
  }();
  return n;
}

std::string Canon(std::string_view s) { return Loaded().Normalize(s).canonical; }

TEST(NormalizerTest, LowercasesAndSplitsPunctuation) {
  EXPECT_EQ(Canon("Hello, World!!!"), "hello , world !");
  auto n = Loaded().Normalize("Hello, World!!!");
  ASSERT_EQ(n.tokens.size(), 4u);
  EXPECT_EQ(n.tokens[3].repeat, 3);
  EXPECT_TRUE(n.tokens[3].Has(kBreak));
}

TEST(NormalizerTest, NfkcAndCaseFolding) {
  EXPECT_EQ(Canon("ＦＵＬＬ width"), "full width");
  EXPECT_EQ(Canon("Straße"), "strasse");
  EXPECT_EQ(Canon("ﬁne"), "fine");
}

TEST(NormalizerTest, ApostrophesStraightenedAndRestored) {
  EXPECT_EQ(Canon("I’m fine"), "i'm fine");
  EXPECT_EQ(Canon("i dont care"), "i don't care");
  EXPECT_EQ(Canon("im tired"), "i'm tired");
}

TEST(NormalizerTest, ElongationCollapsedAndFlagged) {
  auto n = Loaded().Normalize("sooooo goooood");
  EXPECT_EQ(n.canonical, "so good");
  EXPECT_TRUE(n.tokens[0].Has(kElongated));
  EXPECT_EQ(Canon("hellooooo"), "hello");
  EXPECT_EQ(Canon("good"), "good");
  EXPECT_EQ(Canon("coool"), "cool");
}

TEST(NormalizerTest, AllCapsNoted) {
  auto n = Loaded().Normalize("I HATE this");
  EXPECT_FALSE(n.tokens[0].Has(kAllCaps));  // single letter
  EXPECT_TRUE(n.tokens[1].Has(kAllCaps));
  EXPECT_FALSE(n.tokens[2].Has(kAllCaps));
  EXPECT_EQ(n.caps_words, 1);
}

TEST(NormalizerTest, ChatSpellingsExpanded) {
  EXPECT_EQ(Canon("idk what to do rn"), "i don't know what to do right now");
  EXPECT_EQ(Canon("u r great"), "you are great");
  auto n = Loaded().Normalize("idk");
  ASSERT_EQ(n.tokens.size(), 3u);
  for (const auto& t : n.tokens) {
    EXPECT_TRUE(t.Has(kExpanded));
    EXPECT_EQ(t.span, (Span{0, 3}));
  }
}

TEST(NormalizerTest, RiskSlangExpanded) {
  EXPECT_EQ(Canon("i want to kms"), "i want to kill myself");
  EXPECT_EQ(Canon("thinking about unaliving myself"), "thinking about killing myself");
  EXPECT_EQ(Canon("sewerslide"), "suicide");
  EXPECT_EQ(Canon("sewer slide thoughts"), "suicide thoughts");
  EXPECT_EQ(Canon("i want to self delete"), "i want to kill myself");
  EXPECT_EQ(Canon("KMS"), "kill myself");
}

TEST(NormalizerTest, TyposAndLeetNearRiskWordsCorrected) {
  EXPECT_EQ(Canon("i want to kill myslef"), "i want to kill myself");
  EXPECT_EQ(Canon("thinking about sucide"), "thinking about suicide");
  EXPECT_EQ(Canon("su1c1de"), "suicide");
  EXPECT_EQ(Canon("feeling suicidial"), "feeling suicidal");
  // Real words stay as they are, rare ones too (SCOWL's, data/lexicons/README.md).
  EXPECT_EQ(Canon("i will fill the bill"), "i will fill the bill");
  EXPECT_EQ(Canon("thank you for chatting with me"), "thank you for chatting with me");
  EXPECT_EQ(Canon("the dean said the fridge was filling up"),
            "the dean said the fridge was filling up");
  EXPECT_EQ(Canon("we live in the hills"), "we live in the hills");
  // Forms of a risk word are still read as it.
  EXPECT_EQ(Canon("cuttings"), "cutting");
}

TEST(NormalizerTest, EmojiSequencesAreSingleTokens) {
  auto n = Loaded().Normalize("ok 👍🏽 👨‍👩‍👧 😭😭");
  ASSERT_EQ(n.tokens.size(), 5u);
  EXPECT_EQ(n.tokens[1].norm, "👍");  // skin tone dropped
  EXPECT_TRUE(n.tokens[1].Has(kEmoji));
  EXPECT_EQ(n.tokens[2].norm, "👨‍👩‍👧");
  EXPECT_EQ(n.tokens[3].norm, "😭");
}

TEST(NormalizerTest, Emoticons) {
  auto n = Loaded().Normalize("sad :( but ok :D <3");
  std::vector<std::string> norms;
  for (const auto& t : n.tokens) norms.push_back(t.norm);
  EXPECT_EQ(norms, (std::vector<std::string>{"sad", ":(", "but", "okay", ":D", "<3"}));
  EXPECT_TRUE(n.tokens[1].Has(kEmoticon));
  // URLs are not emoticons.
  EXPECT_EQ(Loaded().Normalize("https://x.org").tokens[1].norm, ":");
}

TEST(NormalizerTest, LineBreaksAreSentenceBreaks) {
  EXPECT_EQ(Canon("first\nsecond"), "first . second");
  EXPECT_EQ(Canon("first.\nsecond"), "first . second");
}

TEST(NormalizerTest, DropsControlBidiAndZeroWidth) {
  EXPECT_EQ(Canon(std::string("a\0b", 3)), "ab");
  EXPECT_EQ(Canon("ki\u200bll"), "kill");
  EXPECT_EQ(Canon("\u202Eevil\u202C text"), "evil text");
}

TEST(NormalizerTest, RepairsInvalidUtf8) {
  std::string bad = "bad \xff\xfe bytes \xc3";
  EXPECT_FALSE(IsValidUtf8(bad));
  auto n = Loaded().Normalize(bad);
  EXPECT_TRUE(n.repaired);
  EXPECT_TRUE(IsValidUtf8(n.text));
  EXPECT_EQ(n.tokens.front().norm, "bad");
}

TEST(NormalizerTest, SpansMapBackToOriginal) {
  std::string s = "Ich fühle mich so MÜDE";
  auto n = Loaded().Normalize(s);
  for (const auto& t : n.tokens) {
    ASSERT_LE(t.span.end, s.size());
  }
  EXPECT_EQ(s.substr(n.tokens[4].span.start, n.tokens[4].span.end - n.tokens[4].span.start),
            "MÜDE");
  size_t pos = n.canonical.find("mich so");
  Span span = n.OriginalSpan(pos, pos + 7);
  EXPECT_EQ(s.substr(span.start, span.end - span.start), "mich so");
}

TEST(NormalizerTest, TokenAtSpaces) {
  auto n = Loaded().Normalize("a bb ccc");
  EXPECT_EQ(n.TokenAt(0), 0u);
  EXPECT_EQ(n.TokenAt(1), 1u);  // the space before "bb"
  EXPECT_EQ(n.TokenAt(3), 1u);
  EXPECT_EQ(n.TokenAt(5), 2u);
  EXPECT_EQ(n.TokenAt(100), 3u);
}

TEST(NormalizerTest, EmptyAndHugeInput) {
  EXPECT_TRUE(Loaded().Normalize("").tokens.empty());
  std::string huge(1 << 20, 'a');
  auto n = Loaded().Normalize(huge);
  EXPECT_EQ(n.tokens.size(), 1u);
  std::string many;
  for (int i = 0; i < 100000; ++i) many += "word! ";
  EXPECT_EQ(Loaded().Normalize(many).tokens.size(), 200000u);
}

TEST(NormalizerTest, WithoutWordListStillWorks) {
  Normalizer bare;
  EXPECT_EQ(bare.Normalize("I'M sooo TIRED kms").canonical, "i'm soo tired kill myself");
}

TEST(Utf8Test, Validation) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("emoji 😀"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // > U+10FFFF
}

}  // namespace
}  // namespace haven::nlp
