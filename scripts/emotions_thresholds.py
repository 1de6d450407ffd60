#!/usr/bin/env python3
"""Chooses one decision threshold per GoEmotions label, maximising that label's F1 on dev.

  emotions_thresholds.py --gold dev.tsv --probs dev.probs [--out emotions.thresholds]

--gold:  GoEmotions TSV (text<TAB>label ids<TAB>comment id), ids index emotions.txt.
--probs: `fasttext predict-prob MODEL FILE -1` on the same rows, one line per row
         ("__label__x p __label__y p ...").
--out:   writes 28 lines "label<TAB>threshold" in emotions.txt order (threshold as %g).

Thresholds come from a fixed grid 0.0001..0.95 (ties go to the lowest threshold), so the output is
deterministic for a given probs file. Prints to stderr the in-sample dev macro-F1 (optimistic) and
an honest 2-fold cross-fitted estimate (thresholds chosen on one half, scored on the other), both
with the "never empty: fall back to the label with the highest score / threshold" rule that
the C++ classifier applies. Standard library only.
"""
import argparse
import os
import sys

# Fine at the low end, where a sharp ova model puts many positives' scores.
GRID = [0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075] + [i / 100 for i in range(1, 96)]


def read_gold(path, names):
    gold = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            ids = line.rstrip("\n").split("\t")[1]
            gold.append({names[int(i)] for i in ids.split(",")})
    return gold


def read_probs(path, names):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            p = dict.fromkeys(names, 0.0)
            for lab, val in zip(parts[0::2], parts[1::2]):
                p[lab[len("__label__"):]] = min(1.0, max(0.0, float(val)))
            rows.append(p)
    return rows


def f1(tp, fp, fn):
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def choose(gold, probs, names, idx):
    th = {}
    for lab in names:
        pos = sorted(probs[i][lab] for i in idx if lab in gold[i])
        neg = sorted(probs[i][lab] for i in idx if lab not in gold[i])
        best, best_t = -1.0, GRID[0]
        for t in GRID:
            tp = sum(1 for v in pos if v >= t)
            fp = sum(1 for v in neg if v >= t)
            s = f1(tp, fp, len(pos) - tp)
            if s > best + 1e-12:
                best, best_t = s, t
        th[lab] = best_t
    return th


def predict(p, th, names):
    s = {l for l in names if p[l] >= th[l]}
    if not s:
        s = {max(names, key=lambda l: (p[l] / th[l], -names.index(l)))}
    return s


def macro(gold, probs, th, names, idx):
    tot = 0.0
    for lab in names:
        tp = fp = fn = 0
        for i in idx:
            pr = lab in predict(probs[i], th, names)
            g = lab in gold[i]
            tp += pr and g
            fp += pr and not g
            fn += g and not pr
        tot += f1(tp, fp, fn)
    return tot / len(names)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", required=True)
    ap.add_argument("--probs", required=True)
    ap.add_argument("--names", default=None, help="emotions.txt (default: beside --gold)")
    ap.add_argument("--out")
    a = ap.parse_args()
    names_path = a.names or os.path.join(os.path.dirname(a.gold), "emotions.txt")
    names = [l.strip() for l in open(names_path, encoding="utf-8") if l.strip()]
    gold = read_gold(a.gold, names)
    probs = read_probs(a.probs, names)
    if len(gold) != len(probs):
        sys.exit(f"{len(gold)} gold rows but {len(probs)} probability rows")
    every = list(range(len(gold)))
    th = choose(gold, probs, names, every)
    insample = macro(gold, probs, th, names, every)
    a_idx, b_idx = every[0::2], every[1::2]
    cross = (macro(gold, probs, choose(gold, probs, names, a_idx), names, b_idx) +
             macro(gold, probs, choose(gold, probs, names, b_idx), names, a_idx)) / 2
    print(f"dev macro-F1 28 labels: in-sample {insample:.4f} | 2-fold cross-fit {cross:.4f}",
          file=sys.stderr)
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            for lab in names:
                f.write(f"{lab}\t{th[lab]:g}\n")


if __name__ == "__main__":
    main()
