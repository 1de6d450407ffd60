#include "reply/paraphrase.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <utility>
#include <vector>

namespace haven::reply {
namespace {

// One piece of a clause: a word (letters, digits, inner apostrophes and hyphens) or one other
// character run (punctuation, emoji bytes).
struct Piece {
  std::string text;
  bool word = false;
};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsWordByte(unsigned char c) { return std::isalnum(c) != 0; }

// Straightens curly apostrophes (U+2019, U+2018) to "'".
std::string Straighten(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (i + 2 < in.size() && static_cast<unsigned char>(in[i]) == 0xE2 &&
        static_cast<unsigned char>(in[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(in[i + 2]) == 0x99 ||
         static_cast<unsigned char>(in[i + 2]) == 0x98)) {
      out.push_back('\'');
      i += 2;
      continue;
    }
    out.push_back(in[i]);
  }
  return out;
}

std::vector<Piece> Split(std::string_view text) {
  std::vector<Piece> pieces;
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (std::isspace(c)) {
      ++i;
      continue;
    }
    if (IsWordByte(c)) {
      size_t j = i;
      while (j < text.size()) {
        unsigned char d = static_cast<unsigned char>(text[j]);
        if (IsWordByte(d)) {
          ++j;
        } else if ((d == '\'' || d == '-') && j + 1 < text.size() &&
                   IsWordByte(static_cast<unsigned char>(text[j + 1]))) {
          ++j;
        } else {
          break;
        }
      }
      pieces.push_back({std::string(text.substr(i, j - i)), true});
      i = j;
      continue;
    }
    // A run of non-space, non-word bytes (punctuation, emoji) is one piece.
    size_t j = i;
    while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j])) &&
           !IsWordByte(static_cast<unsigned char>(text[j]))) {
      ++j;
    }
    pieces.push_back({std::string(text.substr(i, j - i)), false});
    i = j;
  }
  return pieces;
}

bool In(std::string_view w, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), w) != set.end();
}

// Words that make a clause about "you" (the listener, or "you" in general).
bool IsSecondPerson(std::string_view w) {
  return In(w, {"you", "your", "yours", "yourself", "yourselves", "u", "ur", "you're", "youre",
                "you've", "youve", "you'll", "you'd", "ya", "y'all", "thou", "urself"});
}

// Words a reflection should never echo back (risk talk goes to the safety path instead;
// profanity and violence said back read as mockery).
bool IsBlocked(std::string_view w) {
  return In(w, {"kill",     "killing",  "killed",  "die",      "dying",    "dead",  "death",
                "suicide",  "suicidal", "cut",     "cutting",  "overdose", "pills", "hang",
                "fuck",     "fucking",  "fucked",  "shit",     "shitty",   "cunt",  "bitch",
                "bastard",  "asshole",  "dick",    "name",     "murder",   "rape",  "raped",
                "gun",      "knife",    "bridge",  "jump",     "slut",     "whore", "retard",
                "retarded", "damn",     "goddamn", "bullshit", "wtf",      "stfu",  "piss"});
}

bool IsLeadingFiller(std::string_view w) {
  return In(w, {"so",     "and",     "but",      "well", "honestly", "basically", "like", "um",
                "umm",    "uh",      "ok",       "okay", "yeah",     "yes",       "no",   "also",
                "anyway", "anyways", "tbh",      "hi",   "hey",      "hello",     "oh",   "ugh",
                "sigh",   "well",    "actually", "just", "then",     "hmm"});
}

bool IsTrailingFiller(std::string_view w) {
  return In(w, {"lol", "lmao", "haha", "hahaha", "tbh", "honestly", "though", "idk", "ugh", "and",
                "but", "so", "or", "thanks", "thx"});
}

// The clause switched to second person, word by word.
std::optional<std::string> SwitchPieces(std::vector<Piece> pieces) {
  std::vector<std::string> out;
  bool after_i = false;  // the last subject was "I" (within two words)
  int since_i = 99;
  for (size_t k = 0; k < pieces.size(); ++k) {
    const Piece& p = pieces[k];
    if (!p.word) {
      if (p.text.find_first_of("\"") != std::string::npos) return std::nullopt;
      out.push_back(p.text);
      continue;
    }
    std::string w = Lower(p.text);
    if (IsSecondPerson(w)) return std::nullopt;
    ++since_i;
    after_i = since_i <= 2;
    std::string r;
    if (w == "i") {
      r = "you";
      since_i = 0;
    } else if (w == "i'm" || w == "im") {
      r = "you're";
      since_i = 0;
    } else if (w == "i've" || w == "ive") {
      r = "you've";
      since_i = 0;
    } else if (w == "i'd") {
      r = "you'd";
      since_i = 0;
    } else if (w == "i'll") {
      r = "you'll";
      since_i = 0;
    } else if (w == "idk") {
      r = "you don't know";
    } else if (w == "my") {
      r = "your";
    } else if (w == "me") {
      r = "you";
    } else if (w == "myself") {
      r = "yourself";
    } else if (w == "mine") {
      r = "yours";
    } else if (w == "we") {
      r = "you";
      since_i = 0;
    } else if (w == "we're") {
      r = "you're";
    } else if (w == "we've") {
      r = "you've";
    } else if (w == "we'd") {
      r = "you'd";
    } else if (w == "we'll") {
      r = "you'll";
    } else if (w == "our") {
      r = "your";
    } else if (w == "ours") {
      r = "yours";
    } else if (w == "us") {
      r = "you";
    } else if (w == "ourselves") {
      r = "yourselves";
    } else if (w == "am" || w == "m") {
      r = "are";
    } else if (w == "was" && after_i) {
      r = "were";
    } else if ((w == "wasn't" || w == "wasnt") && after_i) {
      r = "weren't";
    } else {
      r = p.text;
      // An all-caps shouted word reads as shouting back: lower it (but keep "OK", "TV").
      if (r.size() > 2 && std::all_of(r.begin(), r.end(), [](char c) {
            return !std::isalpha(static_cast<unsigned char>(c)) ||
                   std::isupper(static_cast<unsigned char>(c));
          })) {
        r = Lower(r);
      }
    }
    out.push_back(r);
  }
  // Join: punctuation attaches to the word before it.
  std::string joined;
  for (const std::string& s : out) {
    bool attach = !s.empty() && (s[0] == ',' || s[0] == ';' || s[0] == ':' || s[0] == '.' ||
                                 s[0] == '!' || s[0] == ')');
    if (!joined.empty() && !attach) joined.push_back(' ');
    joined += s;
  }
  return joined;
}

bool StartsFirstPerson(std::string_view w) {
  return In(w, {"i", "i'm", "im", "i've", "ive", "i'd", "i'll", "my", "we", "we're", "we've", "our",
                "idk"});
}

// Words after "I feel like" that begin a clause ("I feel like nobody listens"), not a noun
// phrase ("I feel like a failure") or a gerund ("I feel like crying").
bool StartsClause(std::string_view w) {
  return In(w,
            {"i",      "i'm",      "im",        "i've",   "ive",      "i'd",       "i'll",
             "my",     "we",       "our",       "he",     "she",      "they",      "it",
             "it's",   "everyone", "everybody", "nobody", "no",       "nothing",   "everything",
             "people", "things",   "life",      "this",   "that",     "there",     "there's",
             "all",    "someone",  "something", "maybe",  "whatever", "nothing's", "everything's"});
}

struct Candidate {
  std::vector<Piece> pieces;
  double score = 0;
};

double Salience(const std::vector<Piece>& pieces) {
  static constexpr std::string_view kFeelingWords[] = {
      "feel",       "feeling",      "felt",    "stressed",    "anxious",   "sad",
      "lonely",     "scared",       "angry",   "tired",       "exhausted", "overwhelmed",
      "hurt",       "hate",         "worried", "lost",        "stuck",     "alone",
      "upset",      "crying",       "cry",     "can't",       "cannot",    "afraid",
      "nervous",    "frustrated",   "ignored", "left",        "miss",      "missing",
      "broke",      "fired",        "failing", "failed",      "pressure",  "hopeless",
      "worthless",  "useless",      "guilty",  "ashamed",     "depressed", "unmotivated",
      "struggling", "struggle",     "worry",   "fear",        "lied",      "cheated",
      "blocked",    "arguing",      "argue",   "fight",       "fighting",  "laid",
      "unfair",     "difficult",    "hard",    "tough",       "awful",     "terrible",
      "worse",      "worst",        "scary",   "embarrassed", "jealous",   "heartbroken",
      "confused",   "disappointed", "annoyed", "sick",        "ill",       "behind",
      "dumped",     "bullied",      "yelled",  "shouted",     "stressful", "miserable",
      "panic",      "panicking",    "burned",  "burnt"};
  double score = 0;
  int words = 0;
  for (const Piece& p : pieces) {
    if (!p.word) continue;
    ++words;
    std::string w = Lower(p.text);
    if (std::find(std::begin(kFeelingWords), std::end(kFeelingWords), w) !=
        std::end(kFeelingWords)) {
      score += 1.5;
    } else if (In(w, {"mum",      "mom",     "dad",     "boss",      "friend",     "friends",
                      "partner",  "husband", "wife",    "boyfriend", "girlfriend", "sister",
                      "brother",  "teacher", "manager", "parents",   "kids",       "son",
                      "daughter", "never",   "nobody",  "always",    "everyone",   "anymore"})) {
      score += 0.6;  // the people in their story, and the words of a pattern ("never listens")
    }
  }
  score -= 0.12 * std::abs(words - 9);
  return score;
}

}  // namespace

std::optional<std::string> SwitchPerson(std::string_view clause) {
  return SwitchPieces(Split(Straighten(clause)));
}

std::optional<std::string> Situation(std::string_view message, PronounResolver resolver,
                                     const void* resolver_context) {
  std::string text = Straighten(message);
  std::vector<Piece> pieces = Split(text);

  // Sentences, ended by . ! ? ; or a line break (the split drops line breaks, so mark them).
  std::vector<std::vector<Piece>> sentences(1);
  std::vector<bool> question(1, false);
  {
    // Re-split on line breaks: scan the text for '\n' positions by re-splitting each line.
    sentences.clear();
    question.clear();
    size_t start = 0;
    while (start <= text.size()) {
      size_t nl = text.find('\n', start);
      std::string_view line = std::string_view(text).substr(
          start, nl == std::string::npos ? std::string::npos : nl - start);
      std::vector<Piece> cur;
      for (Piece& p : Split(line)) {
        bool end = !p.word && p.text.find_first_of(".!?;") != std::string::npos;
        if (end) {
          bool q = p.text.find('?') != std::string::npos;
          if (!cur.empty()) {
            sentences.push_back(std::move(cur));
            question.push_back(q);
          }
          cur.clear();
          continue;
        }
        cur.push_back(std::move(p));
      }
      if (!cur.empty()) {
        sentences.push_back(std::move(cur));
        question.push_back(false);
      }
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }

  std::vector<Candidate> candidates;
  for (size_t s = 0; s < sentences.size(); ++s) {
    if (question[s]) continue;
    // The whole sentence, and each comma clause of it.
    std::vector<std::vector<Piece>> clauses = {sentences[s]};
    std::vector<Piece> cur;
    bool has_comma = false;
    for (const Piece& p : sentences[s]) {
      if (!p.word && p.text == ",") {
        has_comma = true;
        if (!cur.empty()) clauses.push_back(cur);
        cur.clear();
      } else {
        cur.push_back(p);
      }
    }
    if (has_comma && !cur.empty()) clauses.push_back(cur);
    // The part after a conjunction that starts again with the person ("I loved physics, but soon
    // after I slowly lost my interest" -> "I slowly lost my interest"): a shorter clause to say
    // back when the whole sentence is long.
    {
      const std::vector<Piece>& whole = sentences[s];
      for (size_t k = 0; k + 1 < whole.size(); ++k) {
        if (!whole[k].word || !In(Lower(whole[k].text), {"but", "and", "so", "because", "cause",
                                                         "though", "although", "since"})) {
          continue;
        }
        for (size_t j = k + 1; j < whole.size() && j <= k + 3; ++j) {
          if (!whole[j].word) break;
          const std::string w = Lower(whole[j].text);
          if (In(w, {"i", "i'm", "im", "i've", "ive", "my"})) {
            clauses.emplace_back(whole.begin() + static_cast<std::ptrdiff_t>(j), whole.end());
            break;
          }
        }
      }
    }

    for (std::vector<Piece> c : clauses) {
      // Drop leading fillers and non-words.
      while (!c.empty() && (!c.front().word || IsLeadingFiller(Lower(c.front().text)))) {
        c.erase(c.begin());
      }
      // Drop trailing fillers and non-words (emoji, emoticons, "...", a closing "thank you").
      while (!c.empty()) {
        if (!c.back().word || IsTrailingFiller(Lower(c.back().text))) {
          c.pop_back();
        } else if (c.size() >= 2 && Lower(c.back().text) == "you" &&
                   Lower(c[c.size() - 2].text) == "thank") {
          c.resize(c.size() - 2);
        } else {
          break;
        }
      }
      if (c.empty()) continue;
      bool bad = false;
      int words = 0;
      for (const Piece& p : c) {
        if (!p.word) {
          if (p.text.find_first_of("\"@/#*()[]{}<>=+|\\~^") != std::string::npos) bad = true;
          // Any byte outside ASCII in a non-word piece (emoji) inside the clause: skip it.
          for (char ch : p.text) {
            if (static_cast<unsigned char>(ch) >= 0x80) bad = true;
          }
          continue;
        }
        ++words;
        std::string w = Lower(p.text);
        for (char ch : w) {
          if (std::isdigit(static_cast<unsigned char>(ch))) bad = true;
          if (static_cast<unsigned char>(ch) >= 0x80) bad = true;
        }
        if (IsBlocked(w) || IsSecondPerson(w) || w == "http" || w == "https" || w == "www") {
          bad = true;
        }
      }
      std::string first = Lower(c.front().text);
      // "I'm exhausted" says enough in two words; other clauses need three.
      // Short clauses say too little to reflect ("I did not"), unless they name a feeling.
      const int min_words = (first == "i'm" || first == "im") ? 2 : Salience(c) > 0 ? 3 : 4;
      if (bad || words < min_words || words > 22) continue;

      bool resolved = false;
      if (!StartsFirstPerson(first)) {
        if ((first == "he" || first == "she" || first == "they") && resolver != nullptr) {
          std::string who = resolver(first, resolver_context);
          if (who.empty()) continue;
          c.front().text = who;
          resolved = true;
        } else {
          continue;
        }
      }

      // A clause that ends pointing back ("my parents are making sure of that", "I have zero
      // interest in that") says nothing without what it points at.
      {
        const std::string last = Lower(c.back().text);
        if (In(last, {"that", "this", "those", "these"}) || (last == "it" && words <= 5)) continue;
      }

      // Whole clauses that say nothing to reflect.
      std::string all;
      for (const Piece& p : c) {
        if (!p.word) continue;
        if (!all.empty()) all.push_back(' ');
        all += Lower(p.text);
      }
      if (In(all, {"i don't know", "i dont know", "i'm not sure", "im not sure",      "i guess so",
                   "i think so",   "i'm fine",    "im fine",      "i'm ok",           "im ok",
                   "i'm okay",     "im okay",     "i'm good",     "im good",          "i am fine",
                   "i am ok",      "i am okay",   "i am good",    "i don't think so", "i'm not",
                   "i am not",     "i'm here",    "i am here"})) {
        continue;
      }

      // "I guess I'm worried" -> "I'm worried": a hedge, not something to say back ("you guess
      // you're worried").
      if (!resolved && c.size() >= 4 && Lower(c[0].text) == "i" &&
          In(Lower(c[1].text), {"guess", "suppose"}) && c[2].word &&
          StartsFirstPerson(Lower(c[2].text))) {
        c.erase(c.begin(), c.begin() + 2);
      }
      // "I'm ok just kind of sick of work", "I am good, just feeling low": the "ok" is politeness;
      // what follows "just" or "but" is the situation ("you're kind of sick of work", not
      // "you're ok just kind of sick of work").
      if (!resolved) {
        size_t k = 0;
        if (c.size() > 1 && In(Lower(c[0].text), {"i'm", "im"})) {
          k = 1;
        } else if (c.size() > 2 && Lower(c[0].text) == "i" && Lower(c[1].text) == "am") {
          k = 2;
        }
        if (k > 0 && c[k].word &&
            In(Lower(c[k].text), {"ok", "okay", "fine", "good", "alright", "allright"})) {
          size_t j = k + 1;
          if (j < c.size() && !c[j].word && c[j].text == ",") ++j;
          if (j < c.size() && c[j].word && In(Lower(c[j].text), {"just", "but"})) {
            const bool but = Lower(c[j].text) == "but";
            ++j;
            if (j < c.size() && c[j].word && Lower(c[j].text) == "just") ++j;
            int rest_words = 0;
            for (size_t r = j; r < c.size(); ++r) rest_words += c[r].word ? 1 : 0;
            // Not a new subject ("I'm fine but my boss keeps yelling"): that is another clause.
            const std::string next = j < c.size() ? Lower(c[j].text) : "";
            const bool subject =
                StartsClause(next) || In(next, {"it", "it's", "its", "this", "that", "there"}) ||
                (but && In(next, {"a", "an", "the"})) ||
                (j < c.size() && std::isupper(static_cast<unsigned char>(c[j].text[0])) != 0);
            if (rest_words >= 2 && !subject) {
              c.erase(c.begin() + static_cast<std::ptrdiff_t>(k),
                      c.begin() + static_cast<std::ptrdiff_t>(j));
            }
          }
        }
      }
      // "I have and he turns it into something nasty", "they do which is why it's so
      // frustrating": the answer to a question, elided, then more; said back it does not parse
      // ("you have and he turns...", "your friends do which is why...").
      if (c.size() >= 3 && c[1].word && c[2].word &&
          In(Lower(c[1].text),
             {"have",    "has",    "had",    "did",   "do",      "does", "am",    "is",
              "are",     "was",    "were",   "will",  "would",   "can",  "could", "should",
              "haven't", "hasn't", "didn't", "don't", "doesn't", "won't"}) &&
          In(Lower(c[2].text), {"and", "but", "which", "because", "cause", "cuz"})) {
        continue;
      }
      // "I feel like <clause>" -> "it feels like <clause>".
      if (!resolved && c.size() >= 4 && Lower(c[0].text) == "i") {
        size_t k = 1;
        bool just = false;
        if (Lower(c[k].text) == "just" || Lower(c[k].text) == "really" ||
            Lower(c[k].text) == "honestly") {
          just = true;
          ++k;
        }
        if (k + 2 < c.size() + 0 && Lower(c[k].text) == "feel") {
          std::string lk = Lower(c[k + 1].text);
          size_t next = k + 2;
          bool as = false;
          if (lk == "as" && next < c.size() &&
              (Lower(c[next].text) == "if" || Lower(c[next].text) == "though")) {
            as = true;
            ++next;
          }
          if ((lk == "like" || lk == "that" || as) && next < c.size() &&
              StartsClause(Lower(c[next].text))) {
            std::vector<Piece> rest(c.begin() + static_cast<std::ptrdiff_t>(next), c.end());
            std::vector<Piece> head = {{"it", true}};
            if (just) head.push_back({Lower(c[1].text), true});
            head.push_back({"feels", true});
            if (as) {
              head.push_back({"as", true});
              head.push_back({Lower(c[k + 2].text), true});
            } else {
              head.push_back({"like", true});
            }
            head.insert(head.end(), rest.begin(), rest.end());
            c = std::move(head);
          }
        }
      }
      Candidate cand;
      cand.score = Salience(c) + (resolved ? 1.0 : 0.0);
      // A clause with nothing felt or hard in it, and far from a natural length, says too little
      // or too much to say back ("you are in hr"; a 20-word sentence word for word).
      if (cand.score < -0.45) continue;
      cand.pieces = std::move(c);
      candidates.push_back(std::move(cand));
    }
  }
  if (candidates.empty()) return std::nullopt;
  auto best = std::max_element(candidates.begin(), candidates.end(),
                               [](const Candidate& a, const Candidate& b) {
                                 return a.score < b.score;  // first of equals wins
                               });
  auto switched = SwitchPieces(best->pieces);
  if (!switched || switched->empty()) return std::nullopt;
  std::string out = std::move(*switched);
  // Lower-case start ("You" never starts the slot; a resolved "Your sister" neither).
  if (!out.empty() && std::isupper(static_cast<unsigned char>(out[0])) &&
      (out.size() < 2 || !std::isupper(static_cast<unsigned char>(out[1])))) {
    out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  }
  return out;
}

}  // namespace haven::reply

namespace haven::reply {

// The person's words from a decision or a step on, ready to say back: trailing fillers and marks
// dropped, then switched to second person. std::nullopt when a mark other than a comma or an
// apostrophe is inside, a word is blocked (IsBlocked, or one of `also_blocked`), a word has a
// digit (unless `digits`), there are fewer than 2 or more than 18 words, or it would not switch.
std::optional<std::string> SayBack(std::vector<Piece> rest, bool digits,
                                   std::initializer_list<std::string_view> also_blocked) {
  while (!rest.empty() && (!rest.back().word || IsTrailingFiller(Lower(rest.back().text)))) {
    rest.pop_back();
  }
  int words = 0;
  for (const Piece& p : rest) {
    if (!p.word) {
      if (p.text != "," && p.text != "'") return std::nullopt;
      continue;
    }
    ++words;
    const std::string w = Lower(p.text);
    if (IsBlocked(w) || In(w, also_blocked)) return std::nullopt;
    for (char ch : w) {
      if (ch < 0 || (!digits && std::isdigit(static_cast<unsigned char>(ch)))) return std::nullopt;
    }
  }
  if (words < 2 || words > 18) return std::nullopt;
  auto switched = SwitchPieces(std::move(rest));
  if (!switched || switched->empty()) return std::nullopt;
  return switched;
}

std::optional<std::string> Dilemma(std::string_view message) {
  const std::string text = Straighten(message);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find_first_of(".!?;\n", start);
    if (end == std::string::npos) end = text.size();
    const std::vector<Piece> pieces = Split(std::string_view(text).substr(start, end - start));
    start = end + 1;
    // Where the decision's words begin: after "should I", "(do) you think I should", "whether to",
    // or "whether/if I should" when the person says they cannot tell ("I don't know whether to").
    size_t from = pieces.size();
    for (size_t k = 0; k + 1 < pieces.size() && from == pieces.size(); ++k) {
      auto word = [&](size_t i, std::string_view w) {
        return i < pieces.size() && pieces[i].word && Lower(pieces[i].text) == w;
      };
      // A question word just before asks what or how, not whether: "what should I do",
      // "what exactly should I say", "what do you think I should do about work".
      auto asks_what = [&](size_t back) {
        for (size_t i = k >= back ? k - back : 0; i < k; ++i) {
          if (pieces[i].word && In(Lower(pieces[i].text), {"what", "how", "where", "when", "who",
                                                           "which", "why", "whom", "wat"})) {
            return true;
          }
        }
        return false;
      };
      if (word(k, "should") && word(k + 1, "i") && !asks_what(2)) {
        from = k + 2;
      } else if (word(k, "think") && word(k + 1, "i") && word(k + 2, "should") && k >= 1 &&
                 (word(k - 1, "you") || word(k - 1, "u")) && !asks_what(3)) {
        from = k + 3;
      } else if (word(k, "whether") || word(k, "if")) {
        bool unsure = false;
        for (size_t j = 0; j < k; ++j) {
          if (!pieces[j].word) continue;
          const std::string w = Lower(pieces[j].text);
          unsure |= w == "know" || w == "decide" || w == "sure" || w == "unsure" ||
                    w == "wondering" || w == "wonder" || w == "torn" || w == "deciding";
        }
        if (!unsure) continue;
        if (word(k + 1, "to")) {
          from = k + 2;
        } else if (word(k + 1, "i") && word(k + 2, "should")) {
          from = k + 3;
        }
      }
    }
    if (from >= pieces.size()) continue;
    std::vector<Piece> rest(pieces.begin() + static_cast<std::ptrdiff_t>(from), pieces.end());
    // "do about work", "do now": an open question, not a decision to weigh.
    if (rest.size() >= 2 && Lower(rest[0].text) == "do" &&
        In(Lower(rest[1].text), {"about", "with", "now", "next", "here", "then", "instead"})) {
      continue;
    }
    auto switched = SayBack(std::move(rest), /*digits=*/false, {});
    if (!switched) continue;
    return "whether to " + *switched;
  }
  return std::nullopt;
}

bool PointsBack(std::string_view step) {
  const std::vector<Piece> pieces = Split(step);
  int words = 0;
  bool pronoun = false;
  for (const Piece& p : pieces) {
    if (!p.word) continue;
    ++words;
    pronoun |= In(Lower(p.text), {"that", "it", "this", "them", "those", "these", "one"});
  }
  return pronoun && words <= 5;
}

std::optional<std::string> NextStep(std::string_view message) {
  const std::string text = Straighten(message);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find_first_of(".!?;\n", start);
    if (end == std::string::npos) end = text.size();
    std::vector<Piece> pieces = Split(std::string_view(text).substr(start, end - start));
    start = end + 1;
    std::vector<std::string> w;  // the words, lower case
    for (const Piece& p : pieces) {
      if (p.word) w.push_back(Lower(p.text));
    }
    // Openers before the intention: "ok", "so", "maybe", "I think", "I guess".
    size_t k = 0;
    while (k < w.size()) {
      if (IsLeadingFiller(w[k]) || In(w[k], {"maybe", "alright", "right", "sure", "definitely",
                                             "probably", "tomorrow", "tonight", "today"})) {
        ++k;
      } else if (k + 1 < w.size() && w[k] == "i" && In(w[k + 1], {"think", "guess", "suppose"})) {
        k += 2;
      } else {
        break;
      }
    }
    // The intention: "i'll", "i will", "i'm going to", "i am gonna", "i plan to", "i'm planning
    // to", "i want to try to"; then an optional "try to" / "just" / "definitely" / "also".
    auto at = [&](size_t i, std::string_view word) { return i < w.size() && w[i] == word; };
    size_t from = w.size();
    if (at(k, "i'll") || at(k, "ill")) {
      from = k + 1;
    } else if (at(k, "i") && at(k + 1, "will")) {
      from = k + 2;
    } else if ((at(k, "i'm") || at(k, "im")) && (at(k + 1, "gonna") || at(k + 1, "going"))) {
      from = at(k + 1, "going") ? (at(k + 2, "to") ? k + 3 : w.size()) : k + 2;
    } else if (at(k, "i") && at(k + 1, "am") && (at(k + 2, "gonna") || at(k + 2, "going"))) {
      from = at(k + 2, "going") ? (at(k + 3, "to") ? k + 4 : w.size()) : k + 3;
    } else if (at(k, "i") && (at(k + 1, "plan") || at(k + 1, "intend")) && at(k + 2, "to")) {
      from = k + 3;
    } else if ((at(k, "i'm") || at(k, "im")) && at(k + 1, "planning") && at(k + 2, "to")) {
      from = k + 3;
    }
    while (from < w.size() && In(w[from], {"just", "definitely", "also", "really", "def"})) {
      ++from;
    }
    if (from >= w.size()) continue;
    // Doing words of a step. Not "stop", "eat", "drink" or "sleep": "I'll stop eating" is not a
    // plan to affirm.
    if (!In(w[from],
            {"try",     "talk",    "call",     "text",     "message",  "email",     "write",
             "ask",     "tell",    "reach",    "look",     "go",       "start",     "make",
             "book",    "join",    "contact",  "apply",    "practise", "practice",  "read",
             "listen",  "journal", "spend",    "set",      "schedule", "visit",     "see",
             "speak",   "sign",    "find",     "plan",     "work",     "focus",     "take",
             "put",     "check",   "research", "search",   "meet",     "invite",    "exercise",
             "walk",    "cook",    "clean",    "organise", "organize", "prepare",   "study",
             "give",    "keep",    "open",     "share",    "explain",  "apologise", "apologize",
             "forgive", "follow",  "continue", "get"})) {
      continue;
    }
    // The words from the step on, as written (apostrophes and commas only between words).
    size_t seen = 0, first_piece = pieces.size();
    for (size_t i = 0; i < pieces.size(); ++i) {
      if (!pieces[i].word) continue;
      if (seen++ == from) {
        first_piece = i;
        break;
      }
    }
    std::vector<Piece> rest(pieces.begin() + static_cast<std::ptrdiff_t>(first_piece),
                            pieces.end());
    // The step ends where a second thought begins: "try but am still scared to approach them".
    for (size_t i = 1; i < rest.size(); ++i) {
      if (rest[i].word && In(Lower(rest[i].text),
                             {"but", "though", "although", "because", "cause", "cuz", "however"})) {
        rest.resize(i);
        break;
      }
    }
    auto switched = SayBack(std::move(rest), /*digits=*/true,
                            {"never", "not", "forever", "away", "anymore", "end", "gone",
                             "disappear", "hurt", "harm", "alone", "nobody", "goodbye"});
    if (!switched) continue;
    return *switched;
  }
  return std::nullopt;
}

}  // namespace haven::reply
