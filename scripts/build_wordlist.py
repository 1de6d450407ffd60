#!/usr/bin/env python3
"""Rebuilds data/lexicons/english_words.txt: the normaliser's vocabulary of known words.

Source: the words of GoEmotions train (Apache-2.0, ../shared/data/goemotions/train.tsv) that
occur at least 3 times, without elongated spellings (a letter three times in a row), plus the
words of VADER's lexicon (MIT). Each line: word<TAB>count. Deterministic (sorted by count, word).

  python3 scripts/build_wordlist.py [--shared ../shared] > data/lexicons/english_words.txt
"""
import argparse
import collections
import os
import re
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
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
for w, n in sorted(words.items(), key=lambda kv: (-kv[1], kv[0])):
    sys.stdout.write(f"{w}\t{n}\n")
