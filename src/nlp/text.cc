#include "nlp/text.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <bit>
#include <fstream>
#include <string>
#include <utility>

#include "nlp/string_table.h"

namespace haven::nlp {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Chat spellings and slang, expanded into canonical words. Risk slang is here on purpose: the
// risk stage matches "kill myself" once instead of every spelling of it.
struct Expansion {
  std::string_view from;
  std::string_view to;  // space-separated canonical words
};
constexpr Expansion kExpansions[] = {
    // risk slang
    {"kms", "kill myself"},
    {"kys", "kill yourself"},
    {"unalive", "kill"},
    {"unalived", "killed"},
    {"unaliving", "killing"},
    {"unaliveing", "killing"},
    {"sewerslide", "suicide"},
    {"sewerslided", "suicided"},
    {"sewersliding", "suiciding"},
    {"sewerslidal", "suicidal"},
    {"suicidial", "suicidal"},
    {"ctb", "suicide"},
    {"od", "overdose"},
    {"oding", "overdosing"},
    {"od'ing", "overdosing"},
    {"od'd", "overdosed"},
    {"oded", "overdosed"},
    {"selfharm", "self-harm"},
    {"selfharming", "self-harming"},
    // chat spellings
    {"u", "you"},
    {"ur", "your"},
    {"urself", "yourself"},
    {"r", "are"},
    {"ya", "you"},
    {"yall", "y'all"},
    {"rn", "right now"},
    {"atm", "at the moment"},
    {"idk", "i don't know"},
    {"idc", "i don't care"},
    {"idgaf", "i don't give a fuck"},
    {"dunno", "don't know"},
    {"tbh", "to be honest"},
    {"ngl", "not gonna lie"},
    {"imo", "in my opinion"},
    {"irl", "in real life"},
    {"bc", "because"},
    {"cuz", "because"},
    {"coz", "because"},
    {"cos", "because"},
    {"b4", "before"},
    {"pls", "please"},
    {"plz", "please"},
    {"plis", "please"},
    {"thx", "thanks"},
    {"thnx", "thanks"},
    {"tysm", "thank you so much"},
    {"ty", "thank you"},
    {"tyvm", "thank you very much"},
    {"ppl", "people"},
    {"bf", "boyfriend"},
    {"gf", "girlfriend"},
    {"bff", "best friend"},
    {"rly", "really"},
    {"srsly", "seriously"},
    {"nvm", "never mind"},
    {"jk", "just kidding"},
    {"fml", "fuck my life"},
    {"omg", "oh my god"},
    {"wtf", "what the fuck"},
    {"tho", "though"},
    {"thru", "through"},
    {"2day", "today"},
    {"2nite", "tonight"},
    {"2night", "tonight"},
    {"tonite", "tonight"},
    {"tmrw", "tomorrow"},
    {"tmr", "tomorrow"},
    {"tmrow", "tomorrow"},
    {"tomoz", "tomorrow"},
    {"2moro", "tomorrow"},
    {"2morrow", "tomorrow"},
    {"wat", "what"},
    {"wut", "what"},
    {"abt", "about"},
    {"prolly", "probably"},
    {"probs", "probably"},
    {"bday", "birthday"},
    {"gonna", "going to"},
    {"wanna", "want to"},
    {"wana", "want to"},
    {"gotta", "got to"},
    {"tryna", "trying to"},
    {"kinda", "kind of"},
    {"sorta", "sort of"},
    {"lemme", "let me"},
    {"gimme", "give me"},
    {"ima", "i'm going to"},
    {"imma", "i'm going to"},
    {"ive", "i've"},
    {"im", "i'm"},
    {"dont", "don't"},
    {"doesnt", "doesn't"},
    {"didnt", "didn't"},
    {"cant", "can't"},
    {"wont", "won't"},
    {"isnt", "isn't"},
    {"wasnt", "wasn't"},
    {"arent", "aren't"},
    {"werent", "weren't"},
    {"couldnt", "couldn't"},
    {"wouldnt", "wouldn't"},
    {"shouldnt", "shouldn't"},
    {"havent", "haven't"},
    {"hasnt", "hasn't"},
    {"hadnt", "hadn't"},
    {"aint", "ain't"},
    {"youre", "you're"},
    {"theyre", "they're"},
    {"thats", "that's"},
    {"whats", "what's"},
    {"theres", "there's"},
    {"idek", "i don't even know"},
    {"smth", "something"},
    {"sth", "something"},
    {"sm", "so much"},
    {"bcuz", "because"},
    {"bcoz", "because"},
    {"mins", "minutes"},
    {"hrs", "hours"},
    {"w/", "with"},
    {"w/o", "without"},
    {"n", "and"},
    {"ok", "okay"},
    {"k", "okay"},
};

// Two-word slang.
struct PhraseExpansion {
  std::string_view first;
  std::string_view second;
  std::string_view to;
};
constexpr PhraseExpansion kPhraseExpansions[] = {
    {"sewer", "slide", "suicide"},     {"sewer", "sliding", "suiciding"},
    {"self", "delete", "kill myself"}, {"self", "deleting", "killing myself"},
    {"self", "harm", "self-harm"},     {"self", "harming", "self-harming"},
    {"s", "h", "self-harm"},
};

// Words where a typo must not hide risk. Typos are corrected toward these only.
constexpr std::string_view kRiskWords[] = {
    "suicide",     "suicidal",  "kill",      "killing",     "myself",    "overdose",  "overdosing",
    "overdosed",   "die",       "dying",     "death",       "dead",      "cutting",   "hanging",
    "hang",        "pills",     "razor",     "wrists",      "bleeding",  "jump",      "bridge",
    "alive",       "anymore",   "worthless", "hopeless",    "burden",    "goodbye",   "harm",
    "hurt",        "hurting",   "pointless", "existing",    "existence", "forever",   "tonight",
    "tomorrow",    "weapon",    "rope",      "noose",       "poison",    "bleach",    "knife",
    "blade",       "stab",      "strangle",  "paracetamol", "tylenol",   "ibuprofen", "medication",
    "painkillers", "suffocate", "drown",     "gun",         "shoot",     "end",       "life",
    "living",      "wanna",     "want",      "myself",      "everyone",  "nobody",    "better",
};

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// The set of lower-case ASCII letters in `w`, one bit each (other bytes ignored).
constexpr uint32_t LetterMask(std::string_view w) {
  uint32_t mask = 0;
  for (char c : w) {
    if (c >= 'a' && c <= 'z') mask |= 1u << (c - 'a');
  }
  return mask;
}

// LetterMask of each of kRiskWords.
constexpr auto kRiskWordLetters = [] {
  std::array<uint32_t, std::size(kRiskWords)> masks{};
  for (size_t i = 0; i < masks.size(); ++i) masks[i] = LetterMask(kRiskWords[i]);
  return masks;
}();

// Damerau-Levenshtein (optimal string alignment) distance, capped: returns cap+1 when above.
int EditDistance(std::string_view a, std::string_view b, int cap) {
  if (static_cast<int>(a.size()) - static_cast<int>(b.size()) > cap ||
      static_cast<int>(b.size()) - static_cast<int>(a.size()) > cap) {
    return cap + 1;
  }
  const size_t n = a.size(), m = b.size();
  // Rows live on the stack for the short words this is used on (risk words).
  constexpr size_t kStackRow = 32;
  std::array<int, kStackRow> r0, r1, r2;
  std::vector<int> heap;
  int *prev2 = r0.data(), *prev = r1.data(), *cur = r2.data();
  if (m + 1 > kStackRow) {
    heap.resize(3 * (m + 1));
    prev2 = heap.data();
    prev = prev2 + m + 1;
    cur = prev + m + 1;
  }
  for (size_t j = 0; j <= m; ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = static_cast<int>(i);
    int row_min = cur[0];
    for (size_t j = 1; j <= m; ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > cap) return cap + 1;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

// ASCII emoticons, longest first within each shared prefix (checked in order).
constexpr std::string_view kEmoticons[] = {
    ":'-(", ":'-)", ">:-(", ">:(", ":-))", ":-((", ":'(", ":')", ":-)", ":-(", ":-D", ":-P",
    ":-p",  ":-/",  ":-|",  ":-O", ":-o",  ";-)",  "=)",  "=(",  "=D",  ":))", ":((", ":)",
    ":(",   ":D",   ":P",   ":p",  ":/",   ":|",   ":O",  ":o",  ":3",  ";)",  ";(",  ";_;",
    "</3",  "<3",   "^_^",  "^^",  "-_-",  "T_T",  "T.T", "xD",  "XD",  "xd",  "D:",  ":*",
    "o_O",  "O_o",  "o.O",  ":s",  ":S",   ":$",   ":@",  "B)",  "8)",
};

// Which ASCII bytes start some emoticon: most positions can skip the list at once.
constexpr std::array<bool, 128> kEmoticonStart = [] {
  std::array<bool, 128> starts{};
  for (auto e : kEmoticons) starts[static_cast<unsigned char>(e[0])] = true;
  return starts;
}();

bool IsApostrophe(UChar32 c) { return c == '\'' || c == 0x2019 || c == 0x2018 || c == 0x02BC; }
bool IsHyphen(UChar32 c) { return c == '-' || c == 0x2010 || c == 0x2011; }

bool IsWordChar(UChar32 c) {
  if (c < 0x80) return (c >= '0' && c <= '9') || IsAsciiLetter(static_cast<char>(c));
  int8_t type = u_charType(c);
  return u_isalnum(c) || type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK ||
         type == U_ENCLOSING_MARK;
}

// Characters dropped outright: controls (but line breaks), bidi overrides and isolates,
// zero-width characters, BOM, variation selectors outside emoji, soft hyphen.
bool IsIgnorable(UChar32 c) {
  if (c == '\n' || c == '\r' || c == '\t') return false;
  if (c < 0x20 || (c >= 0x7F && c < 0xA0)) return true;
  if (c == 0xAD || c == 0x200B || c == 0x200C || c == 0x200E || c == 0x200F || c == 0xFEFF) {
    return true;
  }
  if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)) return true;
  if (c >= 0xFE00 && c <= 0xFE0F) return true;
  return u_charType(c) == U_FORMAT_CHAR && c != 0x200D;
}

bool IsEmojiStart(UChar32 c) {
  return u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC) ||
         u_hasBinaryProperty(c, UCHAR_REGIONAL_INDICATOR);
}
bool IsSkinTone(UChar32 c) { return c >= 0x1F3FB && c <= 0x1F3FF; }
bool IsEmojiTag(UChar32 c) { return c >= 0xE0020 && c <= 0xE007F; }

bool IsBreakMark(std::string_view s) { return s == "." || s == "!" || s == "?" || s == ";"; }

UChar32 DecodeAt(std::string_view s, size_t i, size_t* next) {
  int32_t pos = static_cast<int32_t>(i);
  UChar32 c;
  U8_NEXT(s.data(), pos, static_cast<int32_t>(s.size()), c);
  *next = static_cast<size_t>(pos);
  return c;
}

void AppendUtf8(std::string& out, UChar32 c) {
  char buf[4];
  int32_t len = 0;
  UBool error = false;
  U8_APPEND(buf, len, 4, c, error);
  if (!error) out.append(buf, static_cast<size_t>(len));
}

}  // namespace

struct Normalizer::Tables {
  StringTable<int> vocabulary;                       // word -> corpus count
  StringTable<std::vector<std::string>> expansions;  // chat spelling -> canonical words
  const icu::Normalizer2* nfkc_cf = nullptr;

  Tables() {
    for (const auto& e : kExpansions) {
      std::vector<std::string> words;
      std::string_view rest = e.to;
      while (!rest.empty()) {
        size_t sp = rest.find(' ');
        words.emplace_back(rest.substr(0, sp));
        rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
      }
      if (!expansions.contains(e.from)) expansions[e.from] = std::move(words);  // first wins
    }
    UErrorCode status = U_ZERO_ERROR;
    nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
    if (U_FAILURE(status)) nfkc_cf = nullptr;
  }

  // Adds `w` with `count` unless it is already known (the first count for a word wins).
  void AddWord(std::string_view w, int count) {
    const size_t before = vocabulary.size();
    int& slot = vocabulary[w];
    if (vocabulary.size() != before) slot = count;
  }

  int Count(std::string_view w) const {
    const int* count = vocabulary.Find(w);
    return count == nullptr ? 0 : *count;
  }
};

Normalizer::Normalizer() : tables_(std::make_shared<const Tables>()) {}

StatusOr<Normalizer> Normalizer::Load(const std::string& data_dir) {
  std::string path = data_dir + "/lexicons/english_words.txt";
  std::ifstream in(path);
  if (!in) return NotFound("cannot read " + path);
  auto tables = std::make_shared<Tables>();
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    int count = 1;
    if (tab != std::string::npos) {
      try {
        count = std::stoi(line.substr(tab + 1));
      } catch (const std::exception&) {
        return InvalidArgument(path + ":" + std::to_string(line_no) + ": bad count");
      }
    }
    tables->AddWord(std::string_view(line).substr(0, tab), count);
  }
  for (auto w : kRiskWords) tables->AddWord(w, 1000);
  Normalizer n;
  n.tables_ = std::move(tables);
  return n;
}

bool Normalizer::IsKnownWord(std::string_view word) const { return tables_->Count(word) > 0; }

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t next;
    if (DecodeAt(s, i, &next) < 0) return false;
    i = next;
  }
  return true;
}

size_t NormalizedText::TokenAt(size_t canonical_offset) const {
  auto it = std::upper_bound(token_offsets.begin(), token_offsets.end(),
                             static_cast<uint32_t>(canonical_offset));
  if (it == token_offsets.begin()) return 0;
  size_t i = static_cast<size_t>(it - token_offsets.begin()) - 1;
  if (canonical_offset >= token_offsets[i] + tokens[i].norm.size()) ++i;  // on the space after
  return i;
}

Span NormalizedText::TokenSpan(size_t first, size_t last) const {
  if (tokens.empty()) return {};
  first = std::min(first, tokens.size() - 1);
  last = std::min(std::max(first, last), tokens.size() - 1);
  Span s{tokens[first].span.start, tokens[first].span.end};
  for (size_t i = first; i <= last; ++i) {
    s.start = std::min(s.start, tokens[i].span.start);
    s.end = std::max(s.end, tokens[i].span.end);
  }
  return s;
}

Span NormalizedText::OriginalSpan(size_t canonical_start, size_t canonical_end) const {
  if (tokens.empty()) return {};
  size_t first = TokenAt(canonical_start);
  if (first >= tokens.size()) return {tokens.back().span.end, tokens.back().span.end};
  if (canonical_end <= canonical_start) {
    return {tokens[first].span.start, tokens[first].span.start};
  }
  size_t last = TokenAt(canonical_end - 1);
  if (last >= tokens.size()) last = tokens.size() - 1;
  return TokenSpan(first, last);
}

namespace {

// Builds the token list for one NormalizedText. Kept as a class so the steps read in order.
class Tokenizer {
 public:
  Tokenizer(const Normalizer& normalizer, const Normalizer::Tables& tables, NormalizedText& out)
      : normalizer_(normalizer), tables_(tables), out_(out), s_(out.text) {}

  void Run() {
    size_t i = 0;
    while (i < s_.size()) {
      size_t next;
      UChar32 c = DecodeAt(s_, i, &next);
      if (c == '\n' || c == '\r') {
        AddLineBreak(i, next);
        i = next;
        continue;
      }
      if (IsIgnorable(c) || u_isUWhiteSpace(c) || c == '\t') {
        i = next;
        continue;
      }
      if (size_t len = MatchEmoticon(i); len > 0) {
        AddToken(std::string(s_.substr(i, len)), i, i + len, kEmoticon);
        i += len;
        continue;
      }
      if (IsEmojiStart(c) ||
          (c < 0x80 && (c == '#' || c == '*' || (c >= '0' && c <= '9')) && IsKeycap(next))) {
        i = ConsumeEmoji(i);
        continue;
      }
      if (IsWordChar(c)) {
        i = ConsumeWord(i);
        continue;
      }
      i = ConsumePunct(i, c, next);
    }
    ApplyPhraseExpansions();
  }

 private:
  bool IsKeycap(size_t pos) const {
    // digit, optional U+FE0F, then U+20E3
    size_t next;
    if (pos >= s_.size()) return false;
    UChar32 c = DecodeAt(s_, pos, &next);
    if (c == 0xFE0F && next < s_.size()) c = DecodeAt(s_, next, &next);
    return c == 0x20E3;
  }

  size_t MatchEmoticon(size_t i) const {
    unsigned char first = static_cast<unsigned char>(s_[i]);
    if (first >= 0x80 || !kEmoticonStart[first]) return 0;
    for (auto e : kEmoticons) {
      if (static_cast<unsigned char>(e[0]) != first || s_.compare(i, e.size(), e) != 0) continue;
      // Emoticons made of letters ("xD", "D:", "B)", "T_T") or starting with a digit must stand
      // alone; others may touch words ("sad:(").
      bool wordy = IsAsciiLetter(e[0]) || (e[0] >= '0' && e[0] <= '9') || IsAsciiLetter(e.back());
      size_t end = i + e.size();
      if (wordy) {
        bool left_ok = i == 0 || s_[i - 1] == ' ' || s_[i - 1] == '\n' || s_[i - 1] == '\t';
        bool right_ok = end == s_.size() || s_[end] == ' ' || s_[end] == '\n' || s_[end] == '\t' ||
                        s_[end] == '.' || s_[end] == '!' || s_[end] == ',';
        if (!left_ok || !right_ok) continue;
      }
      // "(:" style false positives aside, ":/" in URLs ("https://") is not an emoticon.
      if (e == ":/" && end < s_.size() && s_[end] == '/') continue;
      return e.size();
    }
    return 0;
  }

  size_t ConsumeEmoji(size_t i) {
    size_t start = i;
    std::string norm;
    size_t next;
    UChar32 c = DecodeAt(s_, i, &next);
    bool regional = u_hasBinaryProperty(c, UCHAR_REGIONAL_INDICATOR);
    AppendUtf8(norm, c);
    i = next;
    if (regional && i < s_.size()) {
      UChar32 d = DecodeAt(s_, i, &next);
      if (u_hasBinaryProperty(d, UCHAR_REGIONAL_INDICATOR)) {
        AppendUtf8(norm, d);
        i = next;
      }
    }
    while (i < s_.size()) {
      UChar32 d = DecodeAt(s_, i, &next);
      if (d == 0xFE0F || d == 0xFE0E || IsSkinTone(d) || IsEmojiTag(d) || d == 0x20E3) {
        if (d == 0x20E3) AppendUtf8(norm, d);
        i = next;
        continue;
      }
      if (d == 0x200D && next < s_.size()) {
        size_t after;
        UChar32 e = DecodeAt(s_, next, &after);
        if (IsEmojiStart(e)) {
          AppendUtf8(norm, 0x200D);
          AppendUtf8(norm, e);
          i = after;
          continue;
        }
      }
      break;
    }
    AddToken(std::move(norm), start, i, kEmoji);
    return i;
  }

  size_t ConsumeWord(size_t i) {
    size_t start = i;
    bool digits_only = true;
    std::string surface;  // the word without ignorable characters hidden inside it
    size_t next;
    while (i < s_.size()) {
      UChar32 c = DecodeAt(s_, i, &next);
      if (IsWordChar(c)) {
        if (!(c >= '0' && c <= '9')) digits_only = false;
        surface.append(s_, i, next - i);
        i = next;
        continue;
      }
      // Zero-width and control characters inside a word ("ki\u200bll") are dropped, not split.
      bool ignorable = IsIgnorable(c) && c != '\n' && c != '\r' && c != '\t';
      // Inner apostrophe/hyphen/period-in-number joins two word parts.
      bool joiner =
          IsApostrophe(c) || IsHyphen(c) || (digits_only && (c == '.' || c == ':' || c == ','));
      if ((joiner || ignorable) && next < s_.size()) {
        size_t after;
        UChar32 d = DecodeAt(s_, next, &after);
        bool numeric_joiner = c == '.' || c == ':' || c == ',';
        bool ok = IsWordChar(d) && (!numeric_joiner || (d >= '0' && d <= '9'));
        if (ignorable && IsIgnorable(d)) ok = true;
        if (ok) {
          if (!ignorable) surface.append(s_, i, next - i);
          i = next;
          continue;
        }
      }
      break;
    }
    ProcessWord(surface, start, i, digits_only);
    return i;
  }

  size_t ConsumePunct(size_t i, UChar32 c, size_t next) {
    size_t start = i;
    int repeat = 1;
    i = next;
    while (i < s_.size()) {
      size_t n2;
      UChar32 d = DecodeAt(s_, i, &n2);
      if (d != c) break;
      ++repeat;
      i = n2;
    }
    std::string norm;
    if (c == 0x2026) {  // horizontal ellipsis
      norm = ".";
      repeat *= 3;
    } else if (c == 0xFF01) {
      norm = "!";
    } else if (c == 0xFF1F) {
      norm = "?";
    } else if (IsApostrophe(c)) {
      norm = "'";
    } else if (c == 0x201C || c == 0x201D || c == 0x201E || c == 0xAB || c == 0xBB) {
      norm = "\"";
    } else {
      AppendUtf8(norm, c);
    }
    uint16_t flags = kPunct;
    if (IsBreakMark(norm)) flags |= kBreak;
    AddToken(std::move(norm), start, i, flags, static_cast<uint16_t>(std::min(repeat, 1000)));
    return i;
  }

  void AddLineBreak(size_t start, size_t end) {
    if (out_.tokens.empty() || out_.tokens.back().Has(kBreak)) return;
    AddToken(".", start, end, kPunct | kBreak);
  }

  void AddToken(std::string norm, size_t start, size_t end, uint16_t flags, uint16_t repeat = 1) {
    Token t;
    t.norm = std::move(norm);
    t.span = {static_cast<uint32_t>(start), static_cast<uint32_t>(end)};
    t.flags = flags;
    t.repeat = repeat;
    out_.tokens.push_back(std::move(t));
  }

  // Lower-cases (NFKC + case fold), straightens apostrophes, and notes capitals.
  std::string FoldWord(std::string_view surface, bool* all_caps, int* letters) const {
    int upper = 0, lower = 0;
    bool ascii = true;
    for (char ch : surface) {
      if (static_cast<unsigned char>(ch) >= 0x80) {
        ascii = false;
        break;
      }
    }
    std::string folded;
    if (ascii) {
      folded.reserve(surface.size());
      for (char ch : surface) {
        if (ch >= 'A' && ch <= 'Z') {
          ++upper;
          folded += static_cast<char>(ch - 'A' + 'a');
        } else {
          if (ch >= 'a' && ch <= 'z') ++lower;
          folded += ch;
        }
      }
    } else {
      icu::UnicodeString u = icu::UnicodeString::fromUTF8(
          icu::StringPiece(surface.data(), static_cast<int32_t>(surface.size())));
      for (int32_t k = 0; k < u.length();) {
        UChar32 c = u.char32At(k);
        if (u_isupper(c) || u_istitle(c))
          ++upper;
        else if (u_islower(c))
          ++lower;
        k += U16_LENGTH(c);
      }
      // Straighten apostrophes before folding (NFKC leaves U+2019 alone).
      u.findAndReplace(icu::UnicodeString(static_cast<UChar>(0x2019)), "'");
      u.findAndReplace(icu::UnicodeString(static_cast<UChar>(0x2018)), "'");
      u.findAndReplace(icu::UnicodeString(static_cast<UChar>(0x02BC)), "'");
      UErrorCode status = U_ZERO_ERROR;
      icu::UnicodeString n = tables_.nfkc_cf ? tables_.nfkc_cf->normalize(u, status) : u;
      if (U_FAILURE(status)) n = u.foldCase();
      n.toUTF8String(folded);
    }
    *letters = upper + lower;
    *all_caps = upper >= 2 && lower == 0;
    return folded;
  }

  // "sooooo" -> "so", "goood" -> "good": collapse runs of 3+ letters, preferring the most
  // frequent known spelling among the single/double choices for each run.
  std::string CollapseElongation(const std::string& w, bool* elongated) const {
    struct Run {
      size_t pos;
      size_t len;
    };
    std::vector<Run> runs;
    for (size_t i = 0; i < w.size();) {
      size_t j = i;
      while (j < w.size() && w[j] == w[i]) ++j;
      if (j - i >= 3 && IsAsciiLetter(w[i])) runs.push_back({i, j - i});
      i = j;
    }
    if (runs.empty()) return w;
    *elongated = true;
    if (runs.size() > 4) runs.resize(4);
    std::string best;
    int best_count = -1;
    for (unsigned mask = 0; mask < (1u << runs.size()); ++mask) {
      std::string cand;
      size_t pos = 0;
      for (size_t r = 0; r < runs.size(); ++r) {
        cand.append(w, pos, runs[r].pos - pos);
        cand.append((mask >> r) & 1 ? 2 : 1, w[runs[r].pos]);
        pos = runs[r].pos + runs[r].len;
      }
      cand.append(w, pos, std::string::npos);
      int count = tables_.Count(cand);
      if (count > best_count) {
        best = cand;
        best_count = count;
      }
    }
    if (best_count <= 0) {
      // Unknown either way: keep two of each run (closest to most English spellings).
      best.clear();
      size_t pos = 0;
      for (const auto& r : runs) {
        best.append(w, pos, r.pos - pos);
        best.append(2, w[r.pos]);
        pos = r.pos + r.len;
      }
      best.append(w, pos, std::string::npos);
    }
    return best;
  }

  // "su1c1de" -> "suicide" when the result is a risk word.
  static std::string DeLeet(const std::string& w) {
    std::string out = w;
    for (char& ch : out) {
      switch (ch) {
        case '1':
          ch = 'i';
          break;
        case '!':
          ch = 'i';
          break;
        case '3':
          ch = 'e';
          break;
        case '4':
          ch = 'a';
          break;
        case '0':
          ch = 'o';
          break;
        case '5':
          ch = 's';
          break;
        case '7':
          ch = 't';
          break;
        default:
          break;
      }
    }
    return out;
  }

  static bool IsRiskWord(std::string_view w) {
    for (auto r : kRiskWords) {
      if (r == w) return true;
    }
    return false;
  }

  // A risk word within one edit (two for long words) of an unknown word, or "" when none.
  std::string CorrectTypo(const std::string& w) const {
    if (w.size() < 4 || tables_.vocabulary.empty()) return {};
    if (tables_.Count(w) > 0) return {};
    for (char ch : w) {
      if (!IsAsciiLetter(ch)) return {};
    }
    int cap = w.size() >= 8 ? 2 : 1;
    // Each edit adds or removes at most one distinct letter, so a risk word whose letters differ
    // from the word's in more than `cap` letters either way is out of reach: skipped before the
    // edit distance (most unknown words of ordinary text never reach it).
    const uint32_t letters = LetterMask(w);
    std::string best;
    int best_d = cap + 1;
    for (size_t k = 0; k < std::size(kRiskWords); ++k) {
      const std::string_view r = kRiskWords[k];
      if (r.size() < 4) continue;
      const uint32_t r_letters = kRiskWordLetters[k];
      if (std::popcount(letters & ~r_letters) > cap || std::popcount(r_letters & ~letters) > cap) {
        continue;
      }
      int d = EditDistance(w, r, cap);
      if (d < best_d) {
        best_d = d;
        best = std::string(r);
      }
    }
    return best_d <= cap ? best : std::string();
  }

  void ProcessWord(std::string_view surface, size_t start, size_t end, bool digits_only) {
    bool all_caps = false;
    int letters = 0;
    std::string w = FoldWord(surface, &all_caps, &letters);
    uint16_t flags = digits_only ? (kWord | kNumber) : kWord;
    if (letters > 0) ++out_.letter_words;
    if (all_caps) {
      flags |= kAllCaps;
      ++out_.caps_words;
    }
    if (!digits_only) {
      bool elongated = false;
      w = CollapseElongation(w, &elongated);
      if (elongated) flags |= kElongated;
      bool has_digit =
          std::any_of(w.begin(), w.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
      if (has_digit && !tables_.expansions.contains(w)) {
        std::string fixed = DeLeet(w);
        if (IsRiskWord(fixed)) {
          w = fixed;
          flags |= kCorrected;
        }
      }
    }
    if (const auto* expansion = tables_.expansions.Find(w)) {
      const auto& words = *expansion;
      uint16_t f = flags;
      if (words.size() > 1 || words[0] != w) f |= kExpanded;
      for (const auto& part : words) AddToken(part, start, end, f);
      return;
    }
    if (!digits_only) {
      std::string fixed = CorrectTypo(w);
      if (!fixed.empty()) {
        w = fixed;
        flags |= kCorrected;
      }
    }
    AddToken(std::move(w), start, end, flags);
  }

  void ApplyPhraseExpansions() {
    auto& toks = out_.tokens;
    for (size_t i = 0; i + 1 < toks.size(); ++i) {
      for (const auto& p : kPhraseExpansions) {
        if (toks[i].norm != p.first || toks[i + 1].norm != p.second) continue;
        // "s h" only as its own letters (not "s" from "it's" split): require both single tokens.
        Span span{toks[i].span.start, toks[i + 1].span.end};
        uint16_t flags = static_cast<uint16_t>((toks[i].flags | toks[i + 1].flags) | kExpanded);
        std::vector<Token> repl;
        std::string_view rest = p.to;
        while (!rest.empty()) {
          size_t sp = rest.find(' ');
          Token t;
          t.norm = std::string(rest.substr(0, sp));
          t.span = span;
          t.flags = flags;
          repl.push_back(std::move(t));
          rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
        }
        toks.erase(toks.begin() + static_cast<ptrdiff_t>(i),
                   toks.begin() + static_cast<ptrdiff_t>(i) + 2);
        toks.insert(toks.begin() + static_cast<ptrdiff_t>(i), repl.begin(), repl.end());
        break;
      }
    }
  }

  const Normalizer& normalizer_;
  const Normalizer::Tables& tables_;
  NormalizedText& out_;
  std::string_view s_;
};

}  // namespace

NormalizedText Normalizer::Normalize(std::string_view input) const {
  NormalizedText out;
  if (IsValidUtf8(input)) {
    out.text.assign(input);
  } else {
    out.repaired = true;
    out.text.reserve(input.size() + 8);
    size_t i = 0;
    while (i < input.size()) {
      if (static_cast<unsigned char>(input[i]) < 0x80) {
        out.text += input[i++];
        continue;
      }
      size_t next;
      UChar32 c = DecodeAt(input, i, &next);
      if (c < 0) {
        out.text += kReplacement;
      } else {
        out.text.append(input, i, next - i);
      }
      i = next;
    }
  }
  Tokenizer(*this, *tables_, out).Run();
  out.token_offsets.reserve(out.tokens.size());
  size_t total = 0;
  for (const auto& t : out.tokens) total += t.norm.size() + 1;
  out.canonical.reserve(total);
  for (const auto& t : out.tokens) {
    if (!out.canonical.empty()) out.canonical += ' ';
    out.token_offsets.push_back(static_cast<uint32_t>(out.canonical.size()));
    out.canonical += t.norm;
  }
  return out;
}

}  // namespace haven::nlp
