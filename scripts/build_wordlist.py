#!/usr/bin/env python3
"""Rebuilds data/lexicons/english_words.txt: the normaliser's vocabulary of known words.

Source: the words of GoEmotions train (Apache-2.0, ../shared/data/goemotions/train.tsv) that
occur at least 3 times, without elongated spellings (a letter three times in a row), plus the
words of VADER's lexicon (MIT). Each line: word<TAB>count. Deterministic (sorted by count, word).

With --scowl, also the English words of SCOWL (Kevin Atkinson's Spell Checker Oriented Word
Lists, as Debian's wamerican package ships them in /usr/share/dict/american-english; a
permissive licence, credited in NOTICE) that the normaliser would otherwise take for a typo of a
risk word: within one edit (two for words of 8 letters or more) of one of kRiskWords in
src/nlp/text.cc, and not a form of that word ("filling" is not "killing", "chatting" is not
"cutting"; "cuttings" is still read as "cutting"). They get the count 1. So do the few words of
other Englishes listed below ("lang").

  apt-get download wamerican && dpkg-deb -x wamerican_*.deb /tmp/wamerican
  python3 scripts/build_wordlist.py [--shared ../shared] \\
      --scowl /tmp/wamerican/usr/share/dict/american-english > data/lexicons/english_words.txt
"""
import argparse
import collections
import os
import re
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
ap.add_argument("--scowl", help="SCOWL's word list (wamerican's american-english)")
a = ap.parse_args()
counts = collections.Counter()
with open(os.path.join(a.shared, "data", "goemotions", "train.tsv"), encoding="utf-8") as f:
    for line in f:
        text = line.split("\t")[0].lower().replace("\u2019", "'")
        counts.update(re.findall(r"[a-z]+(?:'[a-z]+)?", text))
words = {w: n for w, n in counts.items() if n >= 3 and not re.search(r"(.)\1\1", w)}
with open(os.path.join(a.shared, "data", "vader", "vader_lexicon.txt"), encoding="utf-8") as f:
    for line in f:
        w = line.split("\t")[0]
        if re.fullmatch(r"[a-z]+(?:'[a-z]+)?", w) and not re.search(r"(.)\1\1", w):
            words.setdefault(w, 3)


def risk_words():
    """kRiskWords of src/nlp/text.cc: the words the normaliser corrects typos toward."""
    path = os.path.join(os.path.dirname(__file__), "..", "src", "nlp", "text.cc")
    src = open(path, encoding="utf-8").read()
    start = src.index("constexpr std::string_view kRiskWords[] = {")
    return sorted(set(re.findall(r'"([a-z]+)"', src[start:src.index("};", start)])))


def distance(a, b, cap):
    """Damerau-Levenshtein (optimal string alignment), as EditDistance in src/nlp/text.cc."""
    if abs(len(a) - len(b)) > cap:
        return cap + 1
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def form_of(w, r):
    """`w` is an inflection or spelling of risk word `r` ("cuttings", "goodbyes", "wrist")."""
    if w.startswith(r) or r.startswith(w):
        return True
    k = min(len(w), len(r)) - 1
    return k >= 4 and w[:k] == r[:k]


if a.scowl:
    risk = [r for r in risk_words() if len(r) >= 4]
    with open(a.scowl, encoding="utf-8") as f:
        scowl = sorted({l.strip() for l in f if re.fullmatch(r"[a-z]{4,}", l.strip())})
    for w in scowl:
        if w in words:
            continue
        cap = 2 if len(w) >= 8 else 1
        near = [(distance(w, r, cap), r) for r in risk]
        d, r = min(near)
        if d <= cap and not form_of(w, r):
            words[w] = 1
# Words of other Englishes that the normaliser would take for a typo of a risk word: Tagalog
# and Taglish "lang" ("just": "gusto ko na lang mamatay") is not "hang". Count 1, like SCOWL's.
for w in ("lang",):
    words.setdefault(w, 1)
for w, n in sorted(words.items(), key=lambda kv: (-kv[1], kv[0])):
    sys.stdout.write(f"{w}\t{n}\n")
