// Normalisation: raw message bytes -> tokens and a canonical string that every later stage
// reads. Pure and deterministic; a Normalizer is immutable after Load and thread-safe.
//
// What it does, in order:
//  - repairs invalid UTF-8 (each bad byte becomes U+FFFD in NormalizedText::text); drops NUL,
//    control (except newline/tab), bidi and zero-width characters;
//  - splits into tokens: words (letters, digits, inner apostrophes and hyphens), ASCII emoticons
//    (":)", ":'(", "<3", "xD"), emoji (a whole ZWJ/skin-tone sequence is one token) and
//    punctuation (a run such as "!!!" is one token whose `repeat` counts it);
//  - per word: Unicode NFKC + case folding (ICU), curly quotes straightened, elongations
//    collapsed ("sooooo" -> "so", flag kElongated), ALL CAPS noted (kAllCaps), missing
//    apostrophes restored ("dont" -> "don't"), chat spellings expanded into several tokens
//    ("idk" -> "i don't know", "kms" -> "kill myself", "unalive" -> "kill", "sewerslide" ->
//    "suicide"; flag kExpanded), leetspeak in risk words ("su1c1de"), and typos within one or two
//    edits of a risk-relevant word corrected when the word is not itself English ("sucide",
//    "myslef"; flag kCorrected).
//
// Offsets: Token::start/end are UTF-8 byte offsets into NormalizedText::text, which equals the
// input unless it had to be repaired. Tokens produced by one expansion share their source span.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/status.h"

namespace haven::nlp {

// A half-open byte range [start, end).
struct Span {
  uint32_t start = 0;
  uint32_t end = 0;
  bool operator==(const Span&) const = default;
};

enum TokenFlag : uint16_t {
  kWord = 1 << 0,       // letters/digits
  kNumber = 1 << 1,     // digits only (possibly with . or :, e.g. "3:30")
  kPunct = 1 << 2,      // punctuation or symbol run
  kEmoji = 1 << 3,      // one emoji (grapheme sequence)
  kEmoticon = 1 << 4,   // ASCII emoticon
  kAllCaps = 1 << 5,    // written in capitals, at least two letters
  kElongated = 1 << 6,  // a letter was repeated three or more times
  kExpanded = 1 << 7,   // one of several tokens expanded from a chat spelling
  kCorrected = 1 << 8,  // a typo or leetspeak corrected toward a risk-relevant word
  kBreak = 1 << 9,      // a sentence break: . ! ? ; or a line break (norm is ".", "!", "?", ";")
};

struct Token {
  std::string norm;      // canonical form (lower case); for emoji the emoji without modifiers
  Span span;             // bytes of the source in NormalizedText::text
  uint16_t flags = 0;
  uint16_t repeat = 1;   // punctuation: how many times the mark was repeated ("!!!" -> 3)
  bool Has(TokenFlag f) const { return (flags & f) != 0; }
};

struct NormalizedText {
  std::string text;               // the input, valid UTF-8 (repaired when it was not)
  bool repaired = false;          // true when invalid UTF-8 was replaced
  std::vector<Token> tokens;
  std::string canonical;          // token norms joined by single spaces
  std::vector<uint32_t> token_offsets;  // canonical offset where token i starts
  int caps_words = 0;             // words with kAllCaps
  int letter_words = 0;           // tokens with letters

  // The token whose canonical text covers `canonical_offset` (the next token for a space).
  // Returns tokens.size() past the end.
  size_t TokenAt(size_t canonical_offset) const;
  // Maps a canonical byte range (e.g. a pattern match) to the original span covering the
  // tokens it touches. An empty range maps to an empty span at its token.
  Span OriginalSpan(size_t canonical_start, size_t canonical_end) const;
  // Span of tokens [first, last] inclusive.
  Span TokenSpan(size_t first, size_t last) const;
};

class Normalizer {
 public:
  // A normalizer with only the built-in tables (no word list: elongation and typo correction
  // are more conservative).
  Normalizer();
  // Loads `data_dir`/lexicons/english_words.txt (one lower-case word per line). Error when the
  // file is missing or unreadable.
  static StatusOr<Normalizer> Load(const std::string& data_dir);

  NormalizedText Normalize(std::string_view input) const;

  // True when `word` (already lower case) is a known English word.
  bool IsKnownWord(std::string_view word) const;

  struct Tables;  // implementation detail (text.cc)

 private:
  std::shared_ptr<const Tables> tables_;  // immutable, shared between copies
};

// True when `s` is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view s);

}  // namespace haven::nlp
