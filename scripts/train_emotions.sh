#!/usr/bin/env bash
# Rebuilds Haven's emotion model from GoEmotions (Apache-2.0): trains fastText on train.tsv,
# quantises it, and chooses one threshold per label on dev.tsv. Deterministic: one thread and a
# fixed seed, so two runs give byte-identical files.
#
#   scripts/train_emotions.sh [--haven BUILD/cli/haven] [--out DIR] [--goemotions DIR]
#                             [--extra labels.jsonl]
#
# --haven:      a built haven binary; its `prep emotions` turns each text into the model's input
#               with the same EmotionFeatures() used at inference (default: build/cli/haven).
# --out:        where emotions.ftz and emotions.thresholds go (default: data/models of this tree).
# --goemotions: GoEmotions' folder (default ../shared/data/goemotions, or $HAVEN_GOEMOTIONS_DIR);
#               never copied into the tree.
# --extra:      JSONL rows {"id", "text", "emotions": [GoEmotions names]} trained on too, after
#               GoEmotions' train rows (clinicians' labels, written and redacted by `haven
#               train`). Thresholds are still chosen on GoEmotions dev alone.
# Hyper-parameters below are the shipped ones, chosen on dev only (data/models/README.md). For
# experiments they can be overridden from the environment (LOSS EPOCH LR NGRAMS DIM BUCKET
# MINCOUNT CUTOFF DSUB QNORM QRETRAIN); a shipped model must be built with none of them set.
# Takes about 2 minutes and 1 GB of memory on one core.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
haven="$root/build/cli/haven"
out="$root/data/models"
data=""
extra=""
while (($#)); do
  case "$1" in
    --haven) haven="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --goemotions) data="$2"; shift 2 ;;
    --extra) extra="$2"; shift 2 ;;
    *) echo "usage: $0 [--haven PATH] [--out DIR] [--goemotions DIR] [--extra FILE]" >&2; exit 2 ;;
  esac
done
data="${data:-${HAVEN_GOEMOTIONS_DIR:-$root/../shared/data/goemotions}}"
for f in train.tsv dev.tsv emotions.txt; do
  [[ -r "$data/$f" ]] || { echo "train_emotions: missing $data/$f" >&2; exit 1; }
done
[[ -x "$haven" ]] || { echo "train_emotions: no haven binary at $haven (use --haven)" >&2; exit 1; }
command -v fasttext >/dev/null || { echo "train_emotions: needs the fasttext CLI (apt install fasttext)" >&2; exit 1; }

# Shipped hyper-parameters (see data/models/README.md for what was tried on dev).
train_args=(-loss "${LOSS:-ova}" -epoch "${EPOCH:-25}" -lr "${LR:-0.5}" -wordNgrams "${NGRAMS:-3}"
            -dim "${DIM:-100}" -bucket "${BUCKET:-2000000}" -minCount "${MINCOUNT:-1}"
            -minn 0 -maxn 0 -thread 1 -seed 1 -verbose 0)
# Quantisation keeps the 100k input rows with the largest norms, product-quantised (2 dims per
# byte) with a separately quantised norm, then retrains the kept rows briefly (5 epochs at a low
# rate) so they make up for the dropped n-grams.
quant_args=(${QNORM--qnorm} ${QRETRAIN--retrain -epoch 5 -lr 0.1} -cutoff "${CUTOFF:-100000}"
            -dsub "${DSUB:-2}" -thread 1 -verbose 0)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export LC_ALL=C

# Training file: "__label__a __label__b features" per row, labels by name in emotions.txt order.
prep() {  # $1: tsv -> features, one line per row (checked)
  cut -f1 "$1" | "$haven" --data-dir "$root/data" prep emotions > "$2"
  [[ $(wc -l < "$1") -eq $(wc -l < "$2") ]] || { echo "train_emotions: prep lost lines" >&2; exit 1; }
}
# The extra rows become GoEmotions-format rows (text, label ids, id) after train.tsv's.
cp "$data/train.tsv" "$work/train.tsv"
if [[ -n $extra ]]; then
  python3 - "$extra" "$data/emotions.txt" >> "$work/train.tsv" <<'PY'
import json, sys
names = [l.strip() for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    if not line.strip():
        continue
    r = json.loads(line)
    ids = [names.index(e) for e in r["emotions"]]  # an unknown name fails the run
    text = " ".join(r["text"].split())
    if ids and text:
        print(f"{text}\t{','.join(map(str, ids))}\t{r['id']}")
        n += 1
print(f"train_emotions: {n} rows from {sys.argv[1].rsplit('/', 1)[-1]}", file=sys.stderr)
PY
fi
prep "$work/train.tsv" "$work/train.feat"
prep "$data/dev.tsv" "$work/dev.feat"
awk -F'\t' 'NR == FNR { if (NF) name[n++] = $1; next }
            { split($2, ids, ","); s = ""
              for (i = 1; i in ids; i++) s = s (i > 1 ? " " : "") "__label__" name[ids[i]]
              print s }' <(grep -v '^$' "$data/emotions.txt") "$work/train.tsv" > "$work/train.lab"
paste -d' ' "$work/train.lab" "$work/train.feat" > "$work/train.txt"

fasttext supervised -input "$work/train.txt" -output "$work/emotions" "${train_args[@]}"
fasttext quantize -input "$work/train.txt" -output "$work/emotions" "${quant_args[@]}"

fasttext predict-prob "$work/emotions.ftz" "$work/dev.feat" -1 > "$work/dev.probs"
mkdir -p "$out"
python3 "$root/scripts/emotions_thresholds.py" --gold "$data/dev.tsv" --names "$data/emotions.txt" \
  --probs "$work/dev.probs" --out "$work/emotions.thresholds"
cp "$work/emotions.ftz" "$out/emotions.ftz"
cp "$work/emotions.thresholds" "$out/emotions.thresholds"
ls -l "$out/emotions.ftz" "$out/emotions.thresholds" >&2
sha256sum "$out/emotions.ftz" "$out/emotions.thresholds" >&2
