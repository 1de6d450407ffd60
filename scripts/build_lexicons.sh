#!/usr/bin/env bash
# Rebuilds the third-party sentiment lexicons shipped under data/lexicons/ from the staged
# upstream copies in ../shared/data (see data/lexicons/README.md). Deterministic: the same
# inputs always give byte-identical outputs. data/lexicons/haven_sentiment.txt is Haven's own
# file and is edited by hand, not generated.
#
#   scripts/build_lexicons.sh [SHARED_DATA_DIR]   (default: ../shared/data beside the repo)
set -euo pipefail
export LC_ALL=C

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${1:-${repo}/../shared/data}"
out="${repo}/data/lexicons"
mkdir -p "${out}"

vader="${shared}/vader/vader_lexicon.txt"
afinn="${shared}/afinn/AFINN-en-165.txt"
for f in "${vader}" "${afinn}" "${shared}/vader/LICENSE.txt" "${shared}/afinn/LICENSE.txt"; do
  [[ -r "${f}" ]] || { echo "missing input: ${f}" >&2; exit 1; }
done

# VADER: keep TOKEN<TAB>MEAN only (drop the rating spread and raw ratings), strip CR, and keep
# one line per token: the upstream file lists a few tokens twice ("lol", "lmao"); as in the
# reference implementations (a dict/object literal), the later value wins. Tokens keep the
# upstream order of their first appearance.
tr -d '\r' < "${vader}" | awk -F'\t' '
  NF >= 2 && $1 != "" {
    if (!($1 in val)) order[n++] = $1
    val[$1] = $2
  }
  END { for (i = 0; i < n; i++) printf "%s\t%s\n", order[i], val[order[i]] }
' > "${out}/vader_lexicon.txt.tmp"
mv "${out}/vader_lexicon.txt.tmp" "${out}/vader_lexicon.txt"

# AFINN-en-165: shipped unchanged apart from line ends (word-or-phrase<TAB>integer -5..5).
tr -d '\r' < "${afinn}" > "${out}/afinn-en-165.txt.tmp"
mv "${out}/afinn-en-165.txt.tmp" "${out}/afinn-en-165.txt"

# Licences travel with the data (MIT and Apache-2.0 both ask for the licence text).
install -m 0644 "${shared}/vader/LICENSE.txt" "${out}/LICENSE-vader.txt"
install -m 0644 "${shared}/afinn/LICENSE.txt" "${out}/LICENSE-afinn.txt"

wc -l "${out}/vader_lexicon.txt" "${out}/afinn-en-165.txt" | sed 's/^/build_lexicons: /' >&2
