// Personal-identifier detection with hand-written linear scanners over the original bytes.
//
// Scanners (after Presidio's recognisers):
//  - EMAIL local@host.tld; URL with a scheme or "www.", or a bare domain with a known TLD;
//  - IP_ADDRESS: IPv4 with octets <= 255, IPv6 (full, "::"-compressed, dotted tail);
//  - digit groups joined by single spaces, hyphens or dots (or "(555)", "+44 (0)20") are
//    classified as CREDIT_CARD (13-19 digits, card grouping, Luhn), US_SSN (3-2-4, or nine
//    digits after "ssn"; area/group/serial rules), UK_NHS (3-3-4 or ten digits, mod-11) or PHONE
//    (+CC, US 10/11 digits, UK 0-prefixed 10/11 digits); years, counts and times are none;
//  - IBAN (country code, check digits, grouped in fours, mod-97); UK_NINO (prefix rules);
//  - context recognisers over words: DATE_OF_BIRTH ("born on", "dob", "birthday", "date of
//    birth" + a date), PERSON ("my name is", "call me", "I'm"/"this is" + a capitalised
//    non-word, "my sister Anna", "Dr Patel"), LOCATION ("I live in", "I'm from", "moved to"),
//    ADDRESS (number + street name + street type, UK postcodes, US ZIP after a state or "zip").
// Candidates are resolved greedily by priority (more specific first: a URL with a scheme, then
// EMAIL, IBAN, CREDIT_CARD, US_SSN, UK_NHS, UK_NINO, IP, bare URL, DOB, PHONE, ADDRESS, PERSON,
// LOCATION) and then length, so the output never overlaps. Every scanner starts only at a
// boundary and resumes after what it consumed (or looks at a bounded window), so a pass is
// linear in the input; memory grows only with the input.
#include "nlp/pii.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace haven::nlp {
namespace {

// ---------------------------------------------------------------------------------------------
// Character classes (ASCII; bytes >= 0x80 are handled explicitly where it matters).

inline bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
inline bool IsUpper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
inline bool IsLower(unsigned char c) { return c >= 'a' && c <= 'z'; }
inline bool IsAlpha(unsigned char c) { return IsUpper(c) || IsLower(c); }
inline bool IsAlnum(unsigned char c) { return IsAlpha(c) || IsDigit(c); }
inline bool IsHex(unsigned char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
inline char ToLower(unsigned char c) { return IsUpper(c) ? static_cast<char>(c + 32) : c; }
inline char ToUpper(unsigned char c) { return IsLower(c) ? static_cast<char>(c - 32) : c; }
inline bool IsSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToLower(static_cast<unsigned char>(c));
  return out;
}

// A set of words from one space-separated list (built once, never freed).
const std::unordered_set<std::string>* MakeSet(std::string_view words) {
  auto* set = new std::unordered_set<std::string>();
  size_t pos = 0;
  while (pos < words.size()) {
    size_t sp = words.find(' ', pos);
    if (sp == std::string_view::npos) sp = words.size();
    if (sp > pos) set->emplace(words.substr(pos, sp - pos));
    pos = sp + 1;
  }
  return set;
}

// Priorities: higher is more specific and wins an overlap.
enum Priority : int {
  kPrioUrlScheme = 110,
  kPrioEmail = 100,
  kPrioIban = 95,
  kPrioCard = 90,
  kPrioSsn = 88,
  kPrioNhs = 86,
  kPrioNino = 85,
  kPrioIp = 80,
  kPrioUrlBare = 75,
  kPrioDob = 70,
  kPrioPhone = 60,
  kPrioAddress = 50,
  kPrioPerson = 40,
  kPrioLocation = 35,
};

struct Candidate {
  uint32_t start;
  uint32_t end;
  PiiType type;
  int priority;
};

using Candidates = std::vector<Candidate>;

void Add(Candidates& out, size_t start, size_t end, PiiType type, int priority) {
  if (end > start) {
    out.push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(end), type, priority});
  }
}

// True when the (lower-case ASCII) `needle` occurs in the `window` bytes before `pos`.
bool ContextBefore(std::string_view s, size_t pos, size_t window,
                   std::initializer_list<std::string_view> needles) {
  size_t from = pos > window ? pos - window : 0;
  std::string low = Lower(s.substr(from, pos - from));
  for (std::string_view n : needles) {
    if (low.find(n) != std::string::npos) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// EMAIL

inline bool IsLocalChar(unsigned char c) {
  return IsAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '\'';
}
inline bool IsHostChar(unsigned char c) { return IsAlnum(c) || c == '-'; }

// Parses a host name starting at `i`: labels of [A-Za-z0-9-] separated by single dots. Returns
// the end (exclusive, trailing dot/hyphen trimmed) and the start of the last label.
size_t ParseHost(std::string_view s, size_t i, size_t max_len, size_t* last_label) {
  size_t n = s.size(), j = i, limit = std::min(n, i + max_len);
  size_t end = i;
  *last_label = i;
  while (j < limit) {
    size_t k = j;
    while (k < limit && IsHostChar(s[k])) ++k;
    if (k == j) break;
    end = k;
    *last_label = j;
    if (k < limit && s[k] == '.' && k + 1 < limit && IsHostChar(s[k + 1])) {
      j = k + 1;
    } else {
      break;
    }
  }
  while (end > i && s[end - 1] == '-') --end;
  return end;
}

bool LastLabelIsAlpha(std::string_view s, size_t label, size_t end) {
  if (end < label + 2) return false;
  for (size_t k = label; k < end; ++k) {
    if (!IsAlpha(s[k])) return false;
  }
  return true;
}

void ScanEmails(std::string_view s, Candidates& out) {
  size_t n = s.size();
  for (size_t at = s.find('@'); at != std::string_view::npos && at < n; at = s.find('@', at + 1)) {
    size_t j = at;
    while (j > 0 && at - j < 64 && IsLocalChar(s[j - 1])) --j;
    while (j < at && (s[j] == '.' || s[j] == '\'')) ++j;
    if (j == at) continue;
    size_t last = 0;
    size_t end = ParseHost(s, at + 1, 255, &last);
    if (end <= at + 1 || last == at + 1) continue;  // needs at least one dot
    if (!LastLabelIsAlpha(s, last, end)) continue;
    Add(out, j, end, PiiType::kEmail, kPrioEmail);
  }
}

// ---------------------------------------------------------------------------------------------
// URL

// Top-level domains recognised in bare domains. Two-letter English words ("in", "it", "me",
// "to", "is", "at", "be", "no", "so", "us", "my", "id", "am") are left out on purpose: "home.It"
// is a missing space, not a link.
const std::unordered_set<std::string>& Tlds() {
  static const auto* k = MakeSet(
      "com org net edu gov mil int io co uk ai app dev info biz tv ly gg xyz online site shop "
      "blog ca au de fr nl es ie nz eu ch se dk fi pl ru cn jp kr br mx za ng ke ph sg hk tw ar "
      "cl pt gr tr il ae sa pk bd lk vn th fm cc ws link club live news store tech health "
      "org.uk ac gh ug nhs mobi pro name social chat gl be ");
  return *k;
}

inline bool IsUrlChar(unsigned char c) {
  if (c >= 0x80) return true;
  if (c <= ' ' || c == 0x7f) return false;
  return c != '<' && c != '>' && c != '"' && c != '`' && c != '{' && c != '}' && c != '|' &&
         c != '\\' && c != '^';
}

size_t TrimUrlEnd(std::string_view s, size_t start, size_t end) {
  while (end > start) {
    unsigned char c = s[end - 1];
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' ||
        c == ')' || c == ']' || c == '*') {
      if (c == ')') {
        // keep a closing parenthesis that closes one opened inside the URL
        int open = 0;
        for (size_t k = start; k < end - 1; ++k) open += s[k] == '(' ? 1 : (s[k] == ')' ? -1 : 0);
        if (open > 0) break;
      }
      --end;
    } else {
      break;
    }
  }
  return end;
}

bool StartsWithNoCase(std::string_view s, size_t i, std::string_view p) {
  if (i + p.size() > s.size()) return false;
  for (size_t k = 0; k < p.size(); ++k) {
    if (ToLower(s[i + k]) != p[k]) return false;
  }
  return true;
}

void ScanUrls(std::string_view s, Candidates& out) {
  size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    bool boundary = i == 0 || !IsAlnum(s[i - 1]);
    if (boundary && (c == 'h' || c == 'H' || c == 'w' || c == 'W' || c == 'f' || c == 'F')) {
      size_t body = 0;
      if (StartsWithNoCase(s, i, "https://")) {
        body = i + 8;
      } else if (StartsWithNoCase(s, i, "http://")) {
        body = i + 7;
      } else if (StartsWithNoCase(s, i, "ftp://")) {
        body = i + 6;
      } else if (StartsWithNoCase(s, i, "www.")) {
        body = i + 4;
      }
      if (body != 0 && body < n && IsHostChar(s[body])) {
        size_t end = body;
        while (end < n && end - i < 4096 && IsUrlChar(s[end])) ++end;
        end = TrimUrlEnd(s, i, end);
        if (end > body) {
          Add(out, i, end, PiiType::kUrl, kPrioUrlScheme);
          i = end;
          continue;
        }
      }
    }
    // Bare domain: starts an alphanumeric run that is not part of a longer host or address.
    if (IsAlnum(c) && (i == 0 || (!IsHostChar(s[i - 1]) && s[i - 1] != '.' && s[i - 1] != '@' &&
                                  s[i - 1] != '/'))) {
      size_t last = 0;
      size_t end = ParseHost(s, i, 255, &last);
      if (last > i && LastLabelIsAlpha(s, last, end) &&
          Tlds().count(Lower(s.substr(last, end - last)))) {
        bool has_letter = false;
        for (size_t k = i; k < last; ++k) has_letter |= IsAlpha(s[k]);
        if (has_letter) {
          size_t url_end = end;
          if (url_end < n && (s[url_end] == '/' || s[url_end] == ':')) {
            size_t k = url_end;
            while (k < n && k - i < 4096 && IsUrlChar(s[k])) ++k;
            url_end = TrimUrlEnd(s, i, k);
          }
          Add(out, i, url_end, PiiType::kUrl, kPrioUrlBare);
          i = std::max(url_end, i + 1);
          continue;
        }
      }
      // Skip the rest of this host-like run so that it is parsed once.
      size_t k = i;
      while (k < n && (IsHostChar(s[k]) || s[k] == '.')) ++k;
      i = std::max(k, i + 1);
      continue;
    }
    ++i;
  }
}

// ---------------------------------------------------------------------------------------------
// IP_ADDRESS

// Parses 1-3 digits at i as an octet; returns the end or npos.
size_t ParseOctet(std::string_view s, size_t i) {
  size_t k = i;
  int v = 0;
  while (k < s.size() && k - i < 3 && IsDigit(s[k])) v = v * 10 + (s[k++] - '0');
  if (k == i || v > 255) return std::string_view::npos;
  if (k < s.size() && IsDigit(s[k])) return std::string_view::npos;
  return k;
}

void ScanIps(std::string_view s, Candidates& out) {
  size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    bool boundary = i == 0 || (!IsAlnum(s[i - 1]) && s[i - 1] != '.' && s[i - 1] != ':');
    if (!boundary || !IsHex(c)) {
      ++i;
      continue;
    }
    // IPv4
    if (IsDigit(c)) {
      size_t k = i;
      bool ok = true;
      for (int part = 0; part < 4 && ok; ++part) {
        if (part > 0) {
          if (k < n && s[k] == '.') {
            ++k;
          } else {
            ok = false;
            break;
          }
        }
        size_t e = ParseOctet(s, k);
        if (e == std::string_view::npos) {
          ok = false;
        } else {
          k = e;
        }
      }
      if (ok && !(k < n && (IsAlnum(s[k]) || (s[k] == '.' && k + 1 < n && IsDigit(s[k + 1]))))) {
        Add(out, i, k, PiiType::kIpAddress, kPrioIp);
        i = k;
        continue;
      }
    }
    // IPv6: a run of hex digits and colons (with an optional dotted IPv4 tail).
    size_t k = i;
    while (k < n && k - i < 45 && (IsHex(s[k]) || s[k] == ':' || s[k] == '.')) ++k;
    size_t end = k;
    while (end > i &&
           (s[end - 1] == '.' || (s[end - 1] == ':' && !(end >= i + 2 && s[end - 2] == ':'))))
      --end;
    std::string_view run = s.substr(i, end - i);
    bool followed_ok = end >= n || !IsAlnum(s[end]);
    int colons = 0, groups = 0;
    bool compressed = false, valid = followed_ok && run.find(':') != std::string_view::npos;
    bool has_digit = false;
    size_t p = 0;
    while (valid && p < run.size()) {
      if (run[p] == ':') {
        if (p + 1 < run.size() && run[p + 1] == ':') {
          if (compressed) valid = false;
          compressed = true;
          colons += 2;
          p += 2;
        } else {
          ++colons;
          ++p;
          if (p >= run.size() || run[p] == ':') valid = valid && p < run.size();
        }
        continue;
      }
      size_t g = p;
      while (g < run.size() && IsHex(run[g])) has_digit |= IsDigit(run[g++]);
      if (g < run.size() && run[g] == '.') {
        // dotted IPv4 tail: must be the last part
        size_t q = p;
        bool ok4 = true;
        for (int part = 0; part < 4 && ok4; ++part) {
          if (part > 0) {
            if (q < run.size() && run[q] == '.') {
              ++q;
            } else {
              ok4 = false;
              break;
            }
          }
          size_t e = ParseOctet(run, q);
          if (e == std::string_view::npos) {
            ok4 = false;
          } else {
            q = e;
          }
        }
        if (!ok4 || q != run.size()) valid = false;
        groups += 2;
        has_digit = true;
        p = run.size();
        continue;
      }
      if (g - p > 4 || g == p) valid = false;
      ++groups;
      p = g;
    }
    if (valid && has_digit && colons >= 2 &&
        ((!compressed && groups == 8) || (compressed && groups >= 2 && groups <= 7))) {
      Add(out, i, end, PiiType::kIpAddress, kPrioIp);
      i = std::max(end, i + 1);
      continue;
    }
    // skip this alphanumeric run
    size_t r = i;
    while (r < n && IsAlnum(s[r])) ++r;
    i = std::max(r, i + 1);
  }
}

// ---------------------------------------------------------------------------------------------
// Numbers: CREDIT_CARD, US_SSN, UK_NHS, PHONE.

struct NumberGroup {
  size_t start;
  size_t end;
  char sep_before;  // separator between the previous group and this one (0 for the first)
};

bool Luhn(const std::string& d) {
  int sum = 0;
  bool dbl = false;
  for (size_t k = d.size(); k-- > 0;) {
    int v = d[k] - '0';
    if (dbl) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
    dbl = !dbl;
  }
  return sum % 10 == 0;
}

bool AllSame(const std::string& d) {
  return std::all_of(d.begin(), d.end(), [&](char c) { return c == d[0]; });
}

bool NhsValid(const std::string& d) {
  if (d.size() != 10) return false;
  int sum = 0;
  for (int k = 0; k < 9; ++k) sum += (d[k] - '0') * (10 - k);
  int check = 11 - sum % 11;
  if (check == 11) check = 0;
  if (check == 10) return false;
  return check == d[9] - '0' && !AllSame(d);
}

bool SsnValid(const std::string& d) {
  if (d.size() != 9 || AllSame(d)) return false;
  int area = std::stoi(d.substr(0, 3));
  int group = std::stoi(d.substr(3, 2));
  int serial = std::stoi(d.substr(5, 4));
  if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) return false;
  // Numbers published in advertising and never issued.
  if (d == "078051120" || d == "219099999") return false;
  return true;
}

struct NumberContext {
  std::string_view s;
  size_t start;  // where the candidate begins ('+' or '(' included)
  bool plus;
  bool paren;  // the first group was in parentheses
};

// Classifies groups[first, first + count) as one identifier; returns false when it is none.
bool ClassifyNumber(const NumberContext& ctx, const std::vector<NumberGroup>& groups, size_t first,
                    size_t count, Candidate* out) {
  size_t digits = 0;
  for (size_t g = first; g < first + count; ++g) digits += groups[g].end - groups[g].start;
  if (digits < 8 || digits > 19) return false;
  std::string d;
  std::vector<size_t> lens;
  char sep = 0;
  bool mixed = false;
  for (size_t g = first; g < first + count; ++g) {
    d.append(ctx.s.substr(groups[g].start, groups[g].end - groups[g].start));
    lens.push_back(groups[g].end - groups[g].start);
    if (g > first) {
      if (sep == 0) {
        sep = groups[g].sep_before;
      } else if (groups[g].sep_before != sep) {
        mixed = true;
      }
    }
  }
  size_t nd = d.size();
  if (nd < 8 || nd > 19) return false;
  size_t start = ctx.start, end = groups[first + count - 1].end;
  auto emit = [&](PiiType t, int prio) {
    *out = {static_cast<uint32_t>(start), static_cast<uint32_t>(end), t, prio};
    return true;
  };
  bool plain = !ctx.plus && !ctx.paren && !mixed;
  auto lens_are = [&](std::initializer_list<size_t> want) {
    return lens.size() == want.size() && std::equal(lens.begin(), lens.end(), want.begin());
  };
  // CREDIT_CARD
  if (plain && nd >= 13 && nd <= 19 && (sep == 0 || sep == ' ' || sep == '-') && !AllSame(d)) {
    bool shape = count == 1 || lens_are({4, 6, 5}) || lens_are({4, 6, 4});
    if (!shape) {
      shape = true;
      for (size_t g = 0; g + 1 < lens.size(); ++g) shape &= lens[g] == 4;
      shape &= lens.back() >= 1 && lens.back() <= 4;
    }
    if (shape && Luhn(d)) return emit(PiiType::kCreditCard, kPrioCard);
  }
  // US_SSN
  if (plain && nd == 9 && SsnValid(d)) {
    bool shaped = lens_are({3, 2, 4}) && (sep == '-' || sep == ' ' || sep == '.');
    bool context = count == 1 && ContextBefore(ctx.s, start, 40, {"ssn", "social security"});
    if (shaped || context) return emit(PiiType::kUsSsn, kPrioSsn);
  }
  // UK_NHS
  if (plain && nd == 10 && NhsValid(d)) {
    bool context = ContextBefore(ctx.s, start, 40, {"nhs", "health service", "patient"});
    bool shaped = count == 1 || (lens_are({3, 3, 4}) && (sep == ' ' || sep == '-'));
    bool phone_like = d[0] == '0' || (sep == '-' && !context);
    if (shaped && (context || !phone_like)) return emit(PiiType::kUkNhs, kPrioNhs);
  }
  // PHONE
  if (ctx.plus) {
    if (nd >= 8 && nd <= 15) return emit(PiiType::kPhone, kPrioPhone);
    return false;
  }
  if (ctx.paren) {
    if (nd >= 10 && nd <= 11) return emit(PiiType::kPhone, kPrioPhone);
    return false;
  }
  if (nd >= 12 && nd <= 15 && !mixed && d.compare(0, 2, "00") == 0 && d[2] != '0' && lens[0] >= 3 &&
      lens[0] <= 5 && count >= 2) {
    return emit(PiiType::kPhone, kPrioPhone);
  }
  if (nd == 10 && d[0] != '0' && d[0] != '1') {
    if (count == 1 || lens_are({3, 3, 4})) return emit(PiiType::kPhone, kPrioPhone);
    return false;
  }
  if (nd == 10 && d[0] == '0') {  // UK numbers written without one digit are rare; 10 incl. 0
    if (lens_are({3, 3, 4}) || lens_are({4, 6}) || lens_are({5, 5}) || lens_are({4, 3, 3}) ||
        count == 1) {
      return emit(PiiType::kPhone, kPrioPhone);
    }
    return false;
  }
  if (nd == 11 && d[0] == '0') {
    if (count == 1 || lens_are({5, 6}) || lens_are({4, 3, 4}) || lens_are({3, 4, 4}) ||
        lens_are({5, 3, 3}) || lens_are({4, 7}) || lens_are({3, 8}) || lens_are({5, 3, 3})) {
      return emit(PiiType::kPhone, kPrioPhone);
    }
    return false;
  }
  if (nd == 11 && d[0] == '1') {
    if (count == 1 || lens_are({1, 3, 3, 4})) return emit(PiiType::kPhone, kPrioPhone);
    return false;
  }
  return false;
}

void ScanNumbers(std::string_view s, Candidates& out) {
  size_t n = s.size();
  size_t i = 0;
  std::vector<NumberGroup> groups;
  while (i < n) {
    unsigned char c = s[i];
    bool starter = IsDigit(c) || ((c == '+' || c == '(') && i + 1 < n && IsDigit(s[i + 1]));
    if (!starter) {
      ++i;
      continue;
    }
    if (i > 0) {
      unsigned char p = s[i - 1];
      bool blocked = IsAlnum(p) || p == '/' || p == ':' || p == '_' || p == '@' ||
                     ((p == '.' || p == '-' || p == ',') && i >= 2 && IsDigit(s[i - 2]));
      if (blocked) {
        size_t from = i;
        while (i < n && IsAlnum(s[i])) ++i;
        if (i == from) ++i;
        continue;
      }
    }
    NumberContext ctx{s, i, c == '+', false};
    size_t k = i + (c == '+' ? 1 : 0);
    groups.clear();
    size_t total = 0;
    char pending = 0;
    while (k < n && groups.size() < 8 && total < 24) {
      bool open = false;
      if (s[k] == '(' && (groups.empty() || (ctx.plus && groups.size() == 1))) {
        open = true;
        ++k;
      }
      size_t g = k;
      while (k < n && IsDigit(s[k]) && k - g < 20) ++k;
      if (k == g) break;
      size_t group_end = k;
      if (open) {
        if (k < n && s[k] == ')') {
          if (groups.empty()) ctx.paren = true;
          ++k;
        } else {
          break;
        }
      }
      groups.push_back({g, group_end, pending});
      total += group_end - g;
      // separator to the next group: one space, hyphen or dot (or nothing after "(555)")
      size_t q = k;
      char found = 0;
      if (q < n && (s[q] == ' ' || s[q] == '-' || s[q] == '.')) {
        found = s[q];
        ++q;
      } else if (open && q < n && IsDigit(s[q])) {
        found = ')';
      }
      bool paren_next =
          q + 1 < n && s[q] == '(' && ctx.plus && groups.size() == 1 && IsDigit(s[q + 1]);
      if (found == 0 || q >= n || !(IsDigit(s[q]) || paren_next)) break;
      pending = found;
      k = q;
    }
    if (groups.empty()) {
      i = k > i ? k : i + 1;
      continue;
    }
    size_t cand_end = groups.back().end;
    bool bad_tail =
        cand_end < n && (IsAlnum(s[cand_end]) || s[cand_end] == '@' || s[cand_end] == '/' ||
                         ((s[cand_end] == '.' || s[cand_end] == ',' || s[cand_end] == ':') &&
                          cand_end + 1 < n && IsDigit(s[cand_end + 1])));
    // The longest identifier starting at the earliest group wins; later groups may start one
    // ("in 2019 07700 900123").
    bool matched = false;
    for (size_t first = 0; first < groups.size() && !matched; ++first) {
      if (first > 0 && groups[first].sep_before != ' ') continue;
      NumberContext sub = ctx;
      if (first > 0) sub = {s, groups[first].start, false, false};
      for (size_t count = groups.size() - first; count >= 1 && !matched; --count) {
        if (first + count == groups.size() && bad_tail) continue;
        Candidate cand;
        if (ClassifyNumber(sub, groups, first, count, &cand)) {
          out.push_back(cand);
          i = cand.end;
          matched = true;
        }
      }
    }
    if (!matched) i = std::max(groups.back().end, i + 1);
  }
}

// ---------------------------------------------------------------------------------------------
// IBAN

int IbanValue(unsigned char c) { return IsDigit(c) ? c - '0' : ToUpper(c) - 'A' + 10; }

bool IbanValid(const std::string& a) {
  if (a.size() < 15 || a.size() > 34) return false;
  if (!IsAlpha(a[0]) || !IsAlpha(a[1]) || !IsDigit(a[2]) || !IsDigit(a[3])) return false;
  int mod = 0;
  auto feed = [&](unsigned char c) {
    int v = IbanValue(c);
    mod = v >= 10 ? (mod * 100 + v) % 97 : (mod * 10 + v) % 97;
  };
  for (size_t k = 4; k < a.size(); ++k) feed(a[k]);
  for (size_t k = 0; k < 4; ++k) feed(a[k]);
  return mod == 1;
}

void ScanIbans(std::string_view s, Candidates& out) {
  size_t n = s.size();
  for (size_t i = 0; i + 4 <= n; ++i) {
    if (!IsAlpha(s[i]) || (i > 0 && IsAlnum(s[i - 1]))) continue;
    if (!IsAlpha(s[i + 1]) || !IsDigit(s[i + 2]) || !IsDigit(s[i + 3])) continue;
    // Contiguous run, or groups (of four) separated by single spaces or hyphens.
    std::string acc;
    std::vector<std::pair<size_t, size_t>> ends;  // (byte end, acc size) at group boundaries
    size_t k = i;
    while (k < n && acc.size() < 35) {
      size_t g = k;
      while (k < n && IsAlnum(s[k]) && acc.size() < 35) acc.push_back(s[k++]);
      size_t len = k - g;
      if (len == 0) break;
      ends.push_back({k, acc.size()});
      if (k < n && IsAlnum(s[k])) break;  // longer than 34
      if (len != 4 && ends.size() > 1) break;
      if (ends.size() == 1 && len != 4) break;  // grouped IBANs start with a group of four
      if (k + 1 < n && (s[k] == ' ' || s[k] == '-') && IsAlnum(s[k + 1])) {
        size_t q = k + 1, r = q;
        while (r < n && IsAlnum(s[r]) && r - q < 5) ++r;
        if (r - q > 4) break;  // the next word is not a group of an IBAN
        k = q;
      } else {
        break;
      }
    }
    for (size_t e = ends.size(); e-- > 0;) {
      std::string cand = acc.substr(0, ends[e].second);
      if (ends[e].first < n && IsAlnum(s[ends[e].first])) continue;
      if (IbanValid(cand)) {
        Add(out, i, ends[e].first, PiiType::kIban, kPrioIban);
        i = ends[e].first - 1;
        break;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// UK_NINO: two letters (with excluded letters and prefixes), six digits (optionally paired), A-D.

void ScanNinos(std::string_view s, Candidates& out) {
  static constexpr std::string_view kBadFirst = "DFIQUVdfiquv";
  static constexpr std::string_view kBadSecond = "DFIOQUVdfioquv";
  static const std::array<std::string_view, 7> kBadPrefix = {"BG", "GB", "KN", "NK",
                                                             "NT", "TN", "ZZ"};
  size_t n = s.size();
  for (size_t i = 0; i + 9 <= n; ++i) {
    if (!IsAlpha(s[i]) || !IsAlpha(s[i + 1]) || (i > 0 && IsAlnum(s[i - 1]))) continue;
    if (kBadFirst.find(s[i]) != std::string_view::npos) continue;
    if (kBadSecond.find(s[i + 1]) != std::string_view::npos) continue;
    std::string prefix{ToUpper(s[i]), ToUpper(s[i + 1])};
    if (std::find(kBadPrefix.begin(), kBadPrefix.end(), prefix) != kBadPrefix.end()) continue;
    size_t k = i + 2;
    bool ok = true;
    for (int pair = 0; pair < 3 && ok; ++pair) {
      if (k < n && s[k] == ' ') ++k;
      ok = k + 2 <= n && IsDigit(s[k]) && IsDigit(s[k + 1]);
      k += 2;
    }
    if (!ok) continue;
    if (k < n && s[k] == ' ') ++k;
    if (k >= n) continue;
    char last = ToUpper(s[k]);
    if (last < 'A' || last > 'D') continue;
    ++k;
    if (k < n && IsAlnum(s[k])) continue;
    Add(out, i, k, PiiType::kUkNino, kPrioNino);
    i = k - 1;
  }
}

// ---------------------------------------------------------------------------------------------
// Words for the context recognisers.

struct Word {
  uint32_t start;
  uint32_t end;
  std::string lower;    // ASCII-lowered, curly apostrophe as '\''; empty when too long
  bool cap = false;     // first letter is upper case
  bool alpha = false;   // letters (and inner ' or -) only
  bool digits = false;  // digits only
  char gap = ' ';       // what separates it from the previous word: ' ', ',', ':', '.' (other)
};

// Bytes of one UTF-8 sequence that starts with `c`.
inline size_t SeqLen(unsigned char c) {
  if (c < 0x80) return 1;
  if (c >= 0xF0) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC0) return 2;
  return 1;
}

inline bool IsCurlyApostrophe(std::string_view s, size_t i) {
  return i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xE2 &&
         static_cast<unsigned char>(s[i + 1]) == 0x80 &&
         static_cast<unsigned char>(s[i + 2]) == 0x99;
}

// A letter-like UTF-8 sequence at i (Latin, Greek, Cyrillic, other scripts); general
// punctuation, symbols and emoji are not.
inline bool IsWordByteAt(std::string_view s, size_t i) {
  unsigned char c = s[i];
  if (c < 0x80) return IsAlnum(c);
  if (c >= 0xC2 && c <= 0xDF) return true;
  if (c >= 0xE0 && c <= 0xEF) return c != 0xE2 && c != 0xE3 && c != 0xEF;
  return false;
}

std::vector<Word> SplitWords(std::string_view s) {
  std::vector<Word> words;
  size_t n = s.size(), i = 0;
  char gap = ' ';
  while (i < n) {
    unsigned char c = s[i];
    if (!IsWordByteAt(s, i)) {
      if (c == ',') {
        if (gap == ' ') gap = ',';
      } else if (c == ':') {
        if (gap == ' ') gap = ':';
      } else if (c == '\n' || c == '.' || c == '!' || c == '?' || c == ';' || c == '(' ||
                 c == ')' || c == '"' || c >= 0x80) {
        gap = '.';
      } else if (!IsSpace(c) && c != '\'' && c != '-' && c != '*') {
        gap = '.';
      }
      i += std::max<size_t>(1, SeqLen(c));
      continue;
    }
    Word w;
    w.start = static_cast<uint32_t>(i);
    w.gap = gap;
    w.alpha = true;
    w.digits = true;
    std::string low;
    while (i < n) {
      unsigned char d = s[i];
      if (IsWordByteAt(s, i)) {
        size_t len = std::min(SeqLen(d), n - i);
        if (d < 0x80) {
          w.digits &= IsDigit(d);
          w.alpha &= IsAlpha(d);
        } else {
          w.digits = false;
        }
        if (low.size() < 48) {
          for (size_t k = 0; k < len; ++k) low.push_back(ToLower(s[i + k]));
        }
        i += len;
      } else if ((d == '\'' || d == '-') && i + 1 < n && IsWordByteAt(s, i + 1) && i > w.start) {
        if (low.size() < 48) low.push_back(static_cast<char>(d));
        w.digits = false;
        ++i;
      } else if (IsCurlyApostrophe(s, i) && i + 3 < n && IsWordByteAt(s, i + 3)) {
        if (low.size() < 48) low.push_back('\'');
        w.digits = false;
        i += 3;
      } else {
        break;
      }
    }
    w.end = static_cast<uint32_t>(std::min(i, n));
    unsigned char f = s[w.start];
    if (f < 0x80) {
      w.cap = IsUpper(f);
    } else if (w.start + 1 < n) {
      unsigned char f2 = s[w.start + 1];
      w.cap = (f == 0xC3 && f2 >= 0x80 && f2 <= 0x9E && f2 != 0x97) ||
              ((f == 0xC4 || f == 0xC5) && (f2 % 2 == 0));
    }
    if (w.end - w.start <= 48) w.lower = std::move(low);
    words.push_back(std::move(w));
    gap = ' ';
  }
  return words;
}

// Words that are never a name or a place on their own: function words, feelings, common nouns,
// verbs, time words, chat abbreviations, nationalities and identities ("I'm Tired", "I'm Gay").
const std::unordered_set<std::string>& CommonWords() {
  static const auto* k = MakeSet(
      "a an the and or but so if then than because cause cos as at by for from in into of off "
      "on onto out over to up down with without about after before around near here there where "
      "when what who whom why how which that this these those it its it's i i'm i've i'll i'd "
      "me my mine myself you your you're yours he him his she her hers we us our they them "
      "their someone somebody anyone anybody everyone everybody nobody no not none nothing "
      "something anything everything all any some every each both either neither one two three "
      "four five ten first last next other another such own same just only also too very really "
      "quite pretty rather still even ever never always often sometimes usually again already "
      "almost maybe perhaps probably definitely literally actually basically honestly totally "
      "completely kinda sorta like well now yet soon back away home is am are was were be been "
      "being do does did done doing have has had having can could will would shall should may "
      "might must don't can't won't isn't aren't wasn't didn't gonna wanna gotta going trying "
      "getting feeling living staying working looking thinking starting sitting lying stuck "
      "currently originally mostly half part new old big small little bit lot lots much many "
      "more most less least few yes yeah yep nope nah ok okay oh hey hi hello please thanks "
      "thank sorry sure fine good great bad better worse best worst right wrong true false real "
      "fake ready able unable allowed supposed meant glad happy sad unhappy angry mad upset "
      "hurt hurting lonely alone lost broken empty numb tired exhausted sick ill unwell afraid "
      "scared frightened terrified worried anxious nervous stressed depressed overwhelmed "
      "confused ashamed embarrassed guilty jealous bored annoyed frustrated hopeless helpless "
      "worthless useless pathetic stupid dumb crazy insane weird strange different normal "
      "alright finished through sober clean drunk high late early busy free safe unsafe dying "
      "dead alive awake asleep single married divorced separated engaged pregnant gay straight "
      "bi bisexual lesbian queer trans transgender non nonbinary male female man woman boy girl "
      "guy kid adult teen teenager student autistic disabled bipolar adhd ocd ptsd christian "
      "muslim jewish hindu sikh buddhist catholic atheist black white asian british english "
      "american irish scottish welsh indian african european mexican chinese japanese korean "
      "nigerian canadian australian french german spanish italian polish pakistani latina "
      "latino mixed human person people bot robot ai certain unsure serious kidding joking "
      "curious wondering aware responsible fat ugly thin skinny short tall young poor rich "
      "broke fired homeless jobless unemployed retired sixteen seventeen eighteen nineteen "
      "twenty thirty forty fifty work school college uni university hospital rehab prison jail "
      "bed town city country village area house flat apartment place room car hell trouble pain "
      "love fear debt danger denial therapy treatment care class charge touch need want feel "
      "think know mean guess hope wish try get got go went gone come came coming leave left "
      "stay move moved live lived talk tell told say said see saw seen look make made take took "
      "give gave let help call called asking telling saying talking using today tonight "
      "tomorrow yesterday morning afternoon evening night week weekend month year years day "
      "days time times moment while monday tuesday wednesday thursday friday saturday sunday "
      "january february march april june july august september october november december "
      "christmas easter lol lmao haha hahaha omg idk tbh btw imo ngl fr rn smh ugh hmm um uh yo "
      "bro dude mate babe sis fam pls plz thx ty u ur r im ive dont cant wont mum mom dad "
      "mother father sister brother friend friends boss family parents partner husband wife "
      "boyfriend girlfriend bf gf son daughter baby god jesus lord sir madam doctor nurse "
      "therapist teacher mr mrs ms miss dr user anonymous anon unknown named known calling "
      "outside inside abroad overseas somewhere nowhere everywhere anywhere north south east "
      "west central downtown centre center middle end beginning start suicidal struggling "
      "suffering crying shaking panicking freaking losing falling breaking dealing coping "
      "hiding grateful thankful blessed lucky proud excited hungry thirsty cold hot warm wet "
      "sleepy trapped concerned desperate miserable furious heartbroken devastated grieving "
      "pissed fucked screwed messed shit crap damn wrecked drained burnt burned overthinking "
      "addicted hooked honest open closed quiet loud nice kind rude cool fun funny boring lazy "
      "weak strong brave smart clever hard easy difficult impossible possible worth enough sort "
      "type way thing things stuff life world mind head heart body self name number message "
      "messages chat phone email address account data info information question problem "
      "problems issue issues situation relationship job money rent bills exam exams test law "
      "court police church mosque temple clinic a&e er gym park shop store office bathroom "
      "kitchen bedroom basement garage street road bus train plane airport station hotel hostel "
      "shelter foster custody quarantine lockdown isolation bits pieces tears shock mourning "
      "limbo crisis recovery remission labour labor mess wreck failure loser burden joke idiot "
      "monster disappointment later asap anytime whenever whatever sometime once tho though "
      "instead lmk tmrw tmr 2moro x xx xxx xo tonite immediately quickly fast daily weekly "
      "seriously genuinely finally constantly extremely incredibly absolutely truly simply "
      "clearly obviously apparently suddenly slowly barely hardly nearly partly lately recently "
      "likely unlikely silly lovely friendly holy jolly fully properly badly deeply terribly "
      "horribly awfully perfectly physically mentally emotionally socially kindly sadly happily "
      "thankfully hopefully luckily unfortunately fortunately certainly surely exactly "
      "especially personally technically practically eventually normally generally secretly "
      "openly officially legally sexually entirely utterly deathly severely chronically "
      "knackered shattered gutted skint buzzing chuffed livid wasted hammered tbf lowkey "
      "highkey abit legit deadass lit ");
  return *k;
}

bool IsCommon(const Word& w) { return w.lower.empty() || CommonWords().count(w.lower) > 0; }

// Word shapes that read as adjectives or verbs, not names ("Exhausted", "Struggling",
// "Really", "Hopeless").
bool LooksLikeNonName(const std::string& low) {
  auto ends = [&](std::string_view suf) {
    return low.size() > suf.size() + 2 &&
           low.compare(low.size() - suf.size(), suf.size(), suf) == 0;
  };
  if (ends("ing") || ends("ful") || ends("less") || ends("ous") || ends("tive") || ends("sive") ||
      ends("able") || ends("ible") || ends("ness") || ends("ment")) {
    return true;
  }
  if (low.size() >= 6 && ends("ed") && !ends("med")) return true;
  return false;
}

// A word that can be (part of) a name or place: letters only, not a common word.
bool NameLike(const Word& w, bool require_cap) {
  if (!w.alpha || w.lower.empty() || w.lower.size() < 2) return false;
  if (require_cap && !w.cap) return false;
  if (IsCommon(w)) return false;
  if (LooksLikeNonName(w.lower)) return false;
  return true;
}

bool MatchWords(const std::vector<Word>& words, size_t i,
                std::initializer_list<std::string_view> phrase) {
  if (i + phrase.size() > words.size()) return false;
  size_t k = 0;
  for (std::string_view p : phrase) {
    const Word& w = words[i + k];
    if (w.lower != p) return false;
    if (k > 0 && w.gap != ' ') return false;
    ++k;
  }
  return true;
}

// End byte of a name, dropping a possessive "'s".
uint32_t NameEnd(std::string_view s, const Word& w) {
  if (w.lower.size() > 2 && w.lower.compare(w.lower.size() - 2, 2, "'s") == 0) {
    return w.end - (IsCurlyApostrophe(s, w.end - 4) ? 4 : 2);
  }
  return w.end;
}

// Takes a name starting at words[i]: the first word must pass NameLike(require_cap); following
// capitalised name-like words directly after it extend it (at most `max_words`). Returns the
// number of words taken (0 when none).
size_t TakeName(const std::vector<Word>& words, size_t i, bool require_cap, size_t max_words) {
  if (i >= words.size()) return 0;
  const Word& first = words[i];
  if (first.gap != ' ' && first.gap != ':' && first.gap != ',') return 0;
  if (!NameLike(first, require_cap)) return 0;
  size_t taken = 1;
  bool lower_chain = !first.cap;
  while (taken < max_words && i + taken < words.size()) {
    const Word& w = words[i + taken];
    const Word& prev = words[i + taken - 1];
    if (w.gap != ' ') break;
    if (prev.lower.size() > 2 && prev.lower.compare(prev.lower.size() - 2, 2, "'s") == 0) break;
    if (!NameLike(w, /*require_cap=*/!lower_chain)) break;
    if (lower_chain && w.cap) break;
    ++taken;
  }
  return taken;
}

// ---------------------------------------------------------------------------------------------
// PERSON

const std::unordered_set<std::string>& RelationWords() {
  static const auto* k = MakeSet(
      "sister brother friend bestie bff mate pal buddy bro sis homie boss manager mum mom mother "
      "dad father husband wife "
      "partner boyfriend girlfriend bf gf son daughter therapist counsellor counselor doctor gp "
      "teacher tutor colleague coworker co-worker cousin aunt auntie aunty uncle grandma "
      "grandmother grandpa grandfather nan nana gran granny ex fiance fiancee fiancé fiancée "
      "roommate flatmate housemate neighbour neighbor stepdad stepmom stepmum stepfather "
      "stepmother stepbrother stepsister niece nephew crush classmate landlord landlady "
      "supervisor coach pastor priest imam rabbi mentor bestfriend spouse twin lecturer "
      "professor psychiatrist ");
  return *k;
}

void ScanPersons(std::string_view s, const std::vector<Word>& words, Candidates& out) {
  auto emit = [&](size_t i, size_t taken) {
    if (taken == 0) return;
    Add(out, words[i].start, NameEnd(s, words[i + taken - 1]), PiiType::kPerson, kPrioPerson);
  };
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i].lower;
    const std::string_view w = word;  // compared with many literals: no strlen each time
    if (w.empty() || !words[i].alpha) continue;
    // Strong triggers: lower-case names are accepted when not a common word.
    size_t after = 0;
    if (w == "name" || w == "name's" || w == "names") {
      size_t j = i + 1;
      if (w == "name" && j < words.size() && words[j].gap == ':') {
        after = j;
      } else if (w == "name" && j < words.size() &&
                 (words[j].lower == "is" || words[j].lower == "was") && words[j].gap == ' ') {
        after = j + 1;
      } else if (w == "name's" || (w == "names" && i > 0 && words[i - 1].lower == "my")) {
        after = j;
      }
    } else if (MatchWords(words, i, {"call", "me"})) {
      after = i + 2;
    } else if ((w == "i'm" || w == "im") && MatchWords(words, i + 1, {"called"})) {
      after = i + 2;
    } else if (MatchWords(words, i, {"i", "am", "called"})) {
      after = i + 3;
    }
    if (after != 0 && after < words.size()) {
      size_t j = after;
      bool require_cap = false;
      if (w == "call" && !words[j].cap) {
        // "call me later": a lower-case word after "call me" is a name only when it ends the
        // phrase.
        if (j + 1 < words.size() && words[j + 1].gap == ' ' && !IsCommon(words[j + 1])) continue;
        emit(j, TakeName(words, j, require_cap, 1));
        continue;
      }
      emit(j, TakeName(words, j, require_cap, 3));
      continue;
    }
    // Weak triggers: the name must be capitalised.
    size_t weak = 0;
    if (w == "i'm" || w == "im") {
      weak = i + 1;
    } else if (MatchWords(words, i, {"i", "am"})) {
      weak = i + 2;
    } else if (MatchWords(words, i, {"this", "is"})) {
      weak = i + 2;
    } else if (w == "it's" || w == "named" || w == "called") {
      // ("hi Sam" is not used: "hey Haven" addresses the assistant)
      weak = i + 1;
    } else if (w == "mr" || w == "mrs" || w == "ms" || w == "miss" || w == "dr" || w == "mx" ||
               w == "prof") {
      size_t j = i + 1;
      if (j < words.size() && (words[j].gap == ' ' || words[j].gap == '.') && words[j].cap &&
          NameLike(words[j], true)) {
        size_t taken = TakeName(words, j, true, 2);
        if (taken == 0) {
          taken = 1;
        }
        Add(out, words[i].start, NameEnd(s, words[j + taken - 1]), PiiType::kPerson, kPrioPerson);
      }
      continue;
    } else if (RelationWords().count(word) && i > 0 &&
               (words[i - 1].lower == "my" || words[i - 1].lower == "our" ||
                words[i - 1].lower == "his" || words[i - 1].lower == "her" ||
                words[i - 1].lower == "your" || words[i - 1].lower == "their" ||
                words[i - 1].lower == "best" || words[i - 1].lower == "older" ||
                words[i - 1].lower == "younger" || words[i - 1].lower == "little" ||
                words[i - 1].lower == "big" || words[i - 1].lower == "ex")) {
      weak = i + 1;
    }
    if (weak != 0 && weak < words.size()) {
      if (words[weak].gap != ' ' && !(words[weak].gap == ',' && RelationWords().count(word))) {
        continue;
      }
      const Word& cand = words[weak];
      if (!cand.cap) {
        // "im jake from texas", "im jake, 16": a lower-case name only before "from" or an age
        bool im = w == "i'm" || w == "im" || w == "am";
        bool next_ok = weak + 1 < words.size() &&
                       ((words[weak + 1].lower == "from" && words[weak + 1].gap == ' ') ||
                        (words[weak + 1].digits && words[weak + 1].lower.size() <= 2));
        if (im && next_ok) emit(weak, TakeName(words, weak, false, 1));
        continue;
      }
      emit(weak, TakeName(words, weak, true, 3));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// LOCATION

const std::unordered_set<std::string>& PlaceConnectors() {
  static const auto* k = MakeSet("upon de del da la le on of am sur ");
  return *k;
}

const std::unordered_set<std::string>& PlacePrefixes() {
  static const auto* k = MakeSet(
      "new san los las st saint north south east west great upper lower little big port fort "
      "mount el le la ");
  return *k;
}

// Takes a place starting at words[i]; returns words taken.
size_t TakePlace(const std::vector<Word>& words, size_t i, bool require_cap) {
  if (i >= words.size()) return 0;
  const Word& first = words[i];
  if (first.gap != ' ') return 0;
  size_t taken = 0;
  if (first.alpha && PlacePrefixes().count(first.lower) && i + 1 < words.size() &&
      words[i + 1].gap == ' ' && words[i + 1].alpha && !IsCommon(words[i + 1]) &&
      (!require_cap || (first.cap && words[i + 1].cap))) {
    taken = 2;
  } else if (NameLike(first, require_cap) ||
             (first.alpha && first.cap && first.lower.size() >= 2 && !IsCommon(first) &&
              first.end - first.start <= 3)) {  // "UK", "USA", "NYC"
    taken = 1;
  } else if (first.alpha && first.cap &&
             (first.lower == "uk" || first.lower == "us" || first.lower == "usa" ||
              first.lower == "uae")) {
    taken = 1;
  } else {
    return 0;
  }
  bool cap_chain = words[i].cap;
  while (taken < 5 && i + taken < words.size()) {
    const Word& w = words[i + taken];
    if (w.gap != ' ') break;
    if (cap_chain && PlaceConnectors().count(w.lower) && i + taken + 1 < words.size() &&
        words[i + taken + 1].cap && words[i + taken + 1].gap == ' ' &&
        NameLike(words[i + taken + 1], true)) {
      taken += 2;
      continue;
    }
    if (cap_chain && w.cap && NameLike(w, true)) {
      ++taken;
      continue;
    }
    break;
  }
  // "Leeds, UK" / "Austin, Texas"
  if (i + taken < words.size() && words[i + taken].gap == ',' && words[i + taken].cap &&
      words[i + taken].alpha && !IsCommon(words[i + taken]) && cap_chain) {
    ++taken;
  }
  return taken;
}

void ScanLocations(const std::vector<Word>& words, Candidates& out) {
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string_view w = words[i].lower;  // compared with many literals
    if (w.empty() || !words[i].alpha) continue;
    size_t after = 0;
    bool strong = true;
    if ((w == "live" || w == "living" || w == "lives" || w == "lived" || w == "based" ||
         w == "stay" || w == "staying" || w == "settled") &&
        MatchWords(words, i + 1, {"in"})) {
      after = i + 2;
    } else if ((w == "moved" || w == "moving" || w == "move" || w == "relocated" ||
                w == "relocating") &&
               (MatchWords(words, i + 1, {"to"}) || MatchWords(words, i + 1, {"from"}))) {
      after = i + 2;
    } else if (MatchWords(words, i, {"grew", "up", "in"})) {
      after = i + 3;
    } else if (MatchWords(words, i, {"born", "in"})) {
      after = i + 2;
    } else if (w == "from" && i > 1 &&
               (words[i - 2].lower == "i'm" || words[i - 2].lower == "im") && words[i - 1].alpha &&
               !IsCommon(words[i - 1])) {
      after = i + 1;  // "im jake from texas"
    } else if (w == "from" && i > 0 &&
               (words[i - 1].lower == "i'm" || words[i - 1].lower == "im" ||
                words[i - 1].lower == "am" || words[i - 1].lower == "come" ||
                words[i - 1].lower == "we're" || words[i - 1].lower == "originally" ||
                words[i - 1].lower == "are" || words[i - 1].lower == "comes" ||
                words[i - 1].lower == "is")) {
      after = i + 1;
      strong = words[i - 1].lower != "is" && words[i - 1].lower != "are";
    } else if ((w == "i'm" || w == "im") && MatchWords(words, i + 1, {"in"})) {
      after = i + 2;
      strong = false;
    } else if (MatchWords(words, i, {"live", "near"}) || MatchWords(words, i, {"outside", "of"}) ||
               MatchWords(words, i, {"near"})) {
      after = i + (w == "near" ? 1 : 2);
      strong = false;
    }
    if (after == 0 || after >= words.size()) continue;
    size_t j = after;
    if (words[j].lower == "the" && j + 1 < words.size() && words[j + 1].cap &&
        words[j + 1].gap == ' ') {
      ++j;
    }
    size_t taken = TakePlace(words, j, /*require_cap=*/!strong);
    if (taken == 0) continue;
    // "born in" + a year is a date, handled elsewhere; TakePlace rejects digits already.
    Add(out, words[j].start, words[j + taken - 1].end, PiiType::kLocation, kPrioLocation);
  }
}

// ---------------------------------------------------------------------------------------------
// DATE_OF_BIRTH

int MonthIndex(const std::string& low) {
  static const std::array<std::string_view, 12> kMonths = {
      "january", "february", "march",     "april",   "may",      "june",
      "july",    "august",   "september", "october", "november", "december"};
  for (int m = 0; m < 12; ++m) {
    if (low == kMonths[m]) return m + 1;
    if (low.size() >= 3 && low.size() < kMonths[m].size() &&
        kMonths[m].compare(0, low.size(), low) == 0 && (low.size() == 3 || low == "sept")) {
      return m + 1;
    }
  }
  return 0;
}

// Parses a date starting at byte `i` (after spaces). Returns the end or 0 when none. Accepted:
// 03/05/1999, 3-5-99, 1999-05-03, 3 May 1999, 3rd of May, 1999, May 3rd 1999, May 1999, 1999
// (a year alone only when `allow_year`).
size_t ParseDate(std::string_view s, size_t i, bool allow_year) {
  size_t n = s.size();
  auto digits_at = [&](size_t k, size_t* end) {
    size_t e = k;
    while (e < n && IsDigit(s[e]) && e - k < 5) ++e;
    *end = e;
    return e - k;
  };
  auto word_at = [&](size_t k, size_t* end) {
    size_t e = k;
    while (e < n && IsAlpha(s[e]) && e - k < 12) ++e;
    *end = e;
    return Lower(s.substr(k, e - k));
  };
  auto skip_spaces = [&](size_t k) {
    while (k < n && (s[k] == ' ' || s[k] == ',')) ++k;
    return k;
  };
  auto boundary = [&](size_t k) { return k >= n || !IsAlnum(s[k]); };
  auto valid_year = [&](size_t k, size_t len) {
    if (len == 2) return true;
    if (len != 4) return false;
    int y = std::stoi(std::string(s.substr(k, 4)));
    return y >= 1900 && y <= 2099;
  };
  size_t e1 = 0;
  size_t l1 = digits_at(i, &e1);
  if (l1 > 0) {
    // numeric forms
    if (e1 < n && (s[e1] == '/' || s[e1] == '-' || s[e1] == '.')) {
      char sep = s[e1];
      size_t e2 = 0;
      size_t l2 = digits_at(e1 + 1, &e2);
      if (l2 >= 1 && l2 <= 2 && e2 < n && s[e2] == sep) {
        size_t e3 = 0;
        size_t l3 = digits_at(e2 + 1, &e3);
        if (l1 == 4 && l3 >= 1 && l3 <= 2 && boundary(e3) && valid_year(i, 4)) return e3;
        if (l1 <= 2 && (l3 == 2 || l3 == 4) && boundary(e3) && valid_year(e2 + 1, l3)) return e3;
      }
      return 0;
    }
    if (l1 <= 2) {
      // 3 May 1999 / 3rd of May
      size_t k = e1;
      if (k + 2 <= n) {
        std::string suf = Lower(s.substr(k, 2));
        if (suf == "st" || suf == "nd" || suf == "rd" || suf == "th") k += 2;
      }
      if (!boundary(k)) return 0;
      k = skip_spaces(k);
      size_t we = 0;
      std::string word = word_at(k, &we);
      if (word == "of") {
        k = skip_spaces(we);
        word = word_at(k, &we);
      }
      if (MonthIndex(word) == 0) return 0;
      size_t end = we;
      if (end < n && s[end] == '.') ++end;
      size_t k2 = skip_spaces(end);
      size_t ye = 0;
      size_t yl = digits_at(k2, &ye);
      if (yl == 4 && boundary(ye) && valid_year(k2, 4)) return ye;
      return we;
    }
    if (l1 == 4 && allow_year && boundary(e1) && valid_year(i, 4)) return e1;
    return 0;
  }
  // Month first
  size_t we = 0;
  std::string word = word_at(i, &we);
  if (MonthIndex(word) == 0 || !boundary(we)) return 0;
  size_t k = we;
  if (k < n && s[k] == '.') ++k;
  k = skip_spaces(k);
  size_t de = 0;
  size_t dl = digits_at(k, &de);
  if (dl >= 1 && dl <= 2) {
    size_t end = de;
    if (end + 2 <= n) {
      std::string suf = Lower(s.substr(end, 2));
      if (suf == "st" || suf == "nd" || suf == "rd" || suf == "th") end += 2;
    }
    if (!boundary(end)) return 0;
    size_t k2 = skip_spaces(end);
    size_t ye = 0;
    size_t yl = digits_at(k2, &ye);
    if (yl == 4 && boundary(ye) && valid_year(k2, 4)) return ye;
    return end;
  }
  if (dl == 4 && boundary(de) && valid_year(k, 4)) return de;
  return 0;
}

void ScanDatesOfBirth(std::string_view s, const std::vector<Word>& words, Candidates& out) {
  for (size_t i = 0; i < words.size(); ++i) {
    if (!words[i].alpha) continue;
    std::string_view w = words[i].lower;
    if (w.size() > 2 && w.ends_with("'s")) w.remove_suffix(2);
    size_t next = 0;  // index of the first word after the trigger
    bool allow_year = false;
    if ((w == "turning" || w == "turn" || w == "turned") && i + 2 < words.size() &&
        words[i + 1].digits && words[i + 1].lower.size() <= 3 && words[i + 2].lower == "on") {
      size_t end = ParseDate(s, words[i + 3 < words.size() ? i + 3 : i + 2].start, false);
      if (i + 3 < words.size() && end != 0) {
        Add(out, words[i + 3].start, end, PiiType::kDateOfBirth, kPrioDob);
      }
      continue;
    }
    if (w == "born" || w == "dob" || w == "birthday" || w == "bday" || w == "b-day" ||
        w == "birthdate" || w == "birth") {
      next = i + 1;
      allow_year = w == "born";
      if (w == "birth" && !(i >= 2 && words[i - 1].lower == "of" && words[i - 2].lower == "date") &&
          !MatchWords(words, i, {"birth", "date"})) {
        continue;
      }
      if (w == "birth" && MatchWords(words, i, {"birth", "date"})) next = i + 2;
    } else if (w == "d" && MatchWords(words, i, {"d"}) && i + 2 < words.size() &&
               words[i + 1].lower == "o" && words[i + 2].lower == "b") {
      next = i + 3;
    } else {
      continue;
    }
    // skip a few filler words
    size_t j = next;
    int skipped = 0;
    while (j < words.size() && skipped < 3 &&
           (words[j].lower == "is" || words[j].lower == "was" || words[j].lower == "on" ||
            words[j].lower == "the" || words[j].lower == "in" || words[j].lower == "of" ||
            words[j].lower == "it's" || words[j].lower == "its" || words[j].lower == "s" ||
            words[j].lower == "date" || words[j].lower == "back")) {
      ++j;
      ++skipped;
    }
    if (j >= words.size()) continue;
    if (words[j].start - words[i].end > 40) continue;
    // (a break between trigger and date is allowed: "DOB - 03/05/1999", "Birthday: 3 May")
    size_t end = ParseDate(s, words[j].start, allow_year);
    if (end == 0) continue;
    Add(out, words[j].start, end, PiiType::kDateOfBirth, kPrioDob);
  }
}

// ---------------------------------------------------------------------------------------------
// ADDRESS: street lines, UK postcodes, US ZIP codes in context.

const std::unordered_set<std::string>& StreetTypes() {
  static const auto* k = MakeSet(
      "street st road rd avenue ave av lane ln drive dr close way court ct boulevard blvd place "
      "pl crescent cres terrace tce gardens gdns grove gr square sq hill parkway pkwy row mews "
      "highway hwy circle cir trail walk view rise park green parade broadway alley path "
      "esplanade wharf ");
  return *k;
}

void ScanStreetAddresses(const std::vector<Word>& words, Candidates& out) {
  for (size_t i = 0; i < words.size(); ++i) {
    const Word& num = words[i];
    const std::string& low = num.lower;
    if (low.empty() || low.size() > 6 || !IsDigit(low[0])) continue;
    size_t digits = 0;
    while (digits < low.size() && IsDigit(low[digits])) ++digits;
    if (digits > 5 || (low.size() - digits > 1) || (digits < low.size() && !IsAlpha(low[digits]))) {
      continue;
    }
    // street name words then a street type
    size_t j = i + 1;
    size_t name_words = 0;
    while (j < words.size() && name_words < 4 && words[j].gap == ' ') {
      const Word& w = words[j];
      if (name_words > 0 && StreetTypes().count(w.lower)) break;
      if (!w.alpha) break;
      bool ok = w.cap ? !(w.lower == "the" || w.lower == "a")
                      : !IsCommon(w) && !LooksLikeNonName(w.lower);
      if (!ok && StreetTypes().count(w.lower) == 0) break;
      if (!ok) break;
      ++name_words;
      ++j;
    }
    if (name_words == 0 || j >= words.size() || words[j].gap != ' ') continue;
    if (StreetTypes().count(words[j].lower) == 0) continue;
    // A lower-case type word right after a lower-case name is weak ("3 blue park") unless
    // the type is unambiguous.
    const std::string& type = words[j].lower;
    bool unambiguous = type == "street" || type == "st" || type == "road" || type == "rd" ||
                       type == "avenue" || type == "ave" || type == "lane" || type == "ln" ||
                       type == "drive" || type == "boulevard" || type == "blvd" ||
                       type == "crescent" || type == "terrace" || type == "close";
    if (!words[j].cap && !unambiguous) continue;
    size_t last = j;
    // ", Sydney" / ", New York": a capitalised town right after the street line
    if (j + 1 < words.size() && words[j + 1].gap == ',' && words[j + 1].cap &&
        NameLike(words[j + 1], true)) {
      last = j + 1;
      if (last + 1 < words.size() && words[last + 1].gap == ' ' && words[last + 1].cap &&
          NameLike(words[last + 1], true)) {
        ++last;
      }
    }
    Add(out, num.start, words[last].end, PiiType::kAddress, kPrioAddress);
    i = last;
  }
}

const std::unordered_set<std::string>& UsStates() {
  static const auto* k = MakeSet(
      "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
      "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC ");
  return *k;
}

void ScanPostcodes(std::string_view s, Candidates& out) {
  size_t n = s.size();
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = s[i];
    if (i > 0 && IsAlnum(s[i - 1])) continue;
    if (IsAlpha(c)) {
      // UK: A9 A99 AA9 AA99 A9A AA9A, optional space, 9AA
      size_t k = i;
      size_t letters = 0;
      while (k < n && IsAlpha(s[k]) && letters < 3) ++k, ++letters;
      if (letters < 1 || letters > 2 || k >= n || !IsDigit(s[k])) continue;
      ++k;
      if (k < n && IsAlnum(s[k])) {
        // second outward character (digit or letter) unless it starts the inward code
        bool inward_here = k + 2 < n && IsDigit(s[k]) && IsAlpha(s[k + 1]) && IsAlpha(s[k + 2]) &&
                           (k + 3 >= n || !IsAlnum(s[k + 3]));
        if (!inward_here) ++k;
      }
      size_t outward_end = k;
      bool spaced = k < n && s[k] == ' ';
      if (spaced) ++k;
      if (k + 3 > n || !IsDigit(s[k]) || !IsAlpha(s[k + 1]) || !IsAlpha(s[k + 2])) continue;
      size_t end = k + 3;
      if (end < n && IsAlnum(s[end])) continue;
      bool upper = true;
      for (size_t q = i; q < end; ++q) upper &= !IsLower(s[q]);
      bool context = ContextBefore(s, i, 40, {"postcode", "post code", "address", "live"});
      if ((upper && (spaced || context)) || context) {
        (void)outward_end;
        Add(out, i, end, PiiType::kAddress, kPrioAddress);
        i = end - 1;
      }
      continue;
    }
    if (IsDigit(c)) {
      size_t k = i;
      while (k < n && IsDigit(s[k])) ++k;
      if (k - i != 5) continue;
      size_t end = k;
      if (end + 5 <= n && s[end] == '-' && IsDigit(s[end + 1]) && IsDigit(s[end + 2]) &&
          IsDigit(s[end + 3]) && IsDigit(s[end + 4]) && (end + 5 >= n || !IsAlnum(s[end + 5]))) {
        end += 5;
      } else if (end < n && (IsAlnum(s[end]) || s[end] == '-')) {
        continue;
      }
      // preceded by a state code ("NY 10001", "CA, 90210") or "zip" context
      size_t start = i;
      size_t p = i;
      while (p > 0 && (s[p - 1] == ' ' || s[p - 1] == ',')) --p;
      bool state = p >= 2 && p < i && UsStates().count(std::string(s.substr(p - 2, 2))) &&
                   (p == 2 || !IsAlnum(s[p - 3]));
      if (state) start = p - 2;
      if (state || ContextBefore(s, i, 25, {"zip", "postal code", "postcode"})) {
        Add(out, start, end, PiiType::kAddress, kPrioAddress);
      }
      i = end - 1;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Resolution: greedy by priority then length; the result is sorted and non-overlapping.

std::vector<PiiSpan> Resolve(Candidates& cands) {
  std::sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
    if (a.priority != b.priority) return a.priority > b.priority;
    if (a.end - a.start != b.end - b.start) return a.end - a.start > b.end - b.start;
    return a.start < b.start;
  });
  std::map<uint32_t, Candidate> taken;  // by start
  for (const Candidate& c : cands) {
    auto next = taken.lower_bound(c.start);
    if (next != taken.end() && next->second.start < c.end) continue;
    if (next != taken.begin()) {
      auto prev = std::prev(next);
      if (prev->second.end > c.start) continue;
    }
    taken.emplace(c.start, c);
  }
  std::vector<PiiSpan> out;
  out.reserve(taken.size());
  for (const auto& [start, c] : taken) out.push_back({{c.start, c.end}, c.type});
  return out;
}

}  // namespace

struct PiiDetector::Impl {};

StatusOr<PiiDetector> PiiDetector::Create() {
  // Build the static tables now so that Find never races on first use (they are function-local
  // statics, which are thread-safe anyway, but this keeps the first Find fast).
  (void)Tlds();
  (void)CommonWords();
  (void)RelationWords();
  (void)PlaceConnectors();
  (void)PlacePrefixes();
  (void)StreetTypes();
  (void)UsStates();
  PiiDetector d;
  d.impl_ = std::make_shared<const Impl>();
  return d;
}

std::vector<PiiSpan> PiiDetector::Find(const NormalizedText& text) const {
  std::string_view s = text.text;
  Candidates cands;
  // Scanners whose every match holds an ASCII digit (an IPv6 address: a colon) are skipped for
  // text without one: most messages have no number at all.
  const bool digit = std::any_of(s.begin(), s.end(), [](char c) { return IsDigit(c); });
  const bool colon = s.find(':') != std::string_view::npos;
  try {
    ScanEmails(s, cands);
    ScanUrls(s, cands);
    if (digit || colon) ScanIps(s, cands);
    if (digit) {
      ScanNumbers(s, cands);
      ScanIbans(s, cands);
      ScanNinos(s, cands);
      ScanPostcodes(s, cands);
    }
    std::vector<Word> words = SplitWords(s);
    if (digit) ScanStreetAddresses(words, cands);
    ScanDatesOfBirth(s, words, cands);
    ScanPersons(s, words, cands);
    ScanLocations(words, cands);
  } catch (...) {
    // Allocation failure on a huge input: report what was found so far.
  }
  for (Candidate& c : cands) {
    c.end = std::min<uint32_t>(c.end, static_cast<uint32_t>(s.size()));
  }
  std::erase_if(cands, [](const Candidate& c) { return c.end <= c.start; });
  return Resolve(cands);
}

std::string Redact(std::string_view text, const std::vector<PiiSpan>& spans) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  for (const auto& s : spans) {
    size_t start = std::min<size_t>(s.span.start, text.size());
    size_t end = std::min<size_t>(s.span.end, text.size());
    if (start < pos || end < start) continue;  // not sorted or overlapping: skip, never crash
    out.append(text.substr(pos, start - pos));
    out += '[';
    out += PiiTypeName(s.type);
    out += ']';
    pos = end;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace haven::nlp
