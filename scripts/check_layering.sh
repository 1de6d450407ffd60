#!/usr/bin/env bash
# Holds the layering line of STYLE.md: a lower layer never includes a higher one.
# Order (low -> high): core < nlp < safety < reply < llm < learn < storage < chat < server < cli.
# learn is pure statistics over core (private counts, the bandit, fairness); chat's learner and
# feedback use it, and it never reads storage or a turn.
set -euo pipefail
cd "$(dirname "$0")/.."
layers=(core nlp safety reply llm learn storage chat server)
status=0
for ((i = 0; i < ${#layers[@]}; i++)); do
  dir="src/${layers[$i]}"
  [[ -d $dir ]] || continue
  for ((j = i + 1; j < ${#layers[@]}; j++)); do
    if grep -rnE "#include \"${layers[$j]}/" "$dir" 2>/dev/null; then
      echo "layering: src/${layers[$i]} must not include ${layers[$j]}/" >&2
      status=1
    fi
  done
  if grep -rnE '#include "cli/' "$dir" 2>/dev/null; then
    echo "layering: $dir must not include cli/" >&2
    status=1
  fi
done
# src/safety reads nlp's Analysis (nlp/analysis.h, core types) and nothing else of nlp: its
# output guard keeps its own patterns, never the risk detector's, and it runs no analyser.
if [[ -d src/safety ]]; then
  if grep -rnE '#include "nlp/' src/safety 2>/dev/null | grep -vE '#include "nlp/(analysis|text)\.h"'; then
    echo "layering: src/safety may include only nlp/analysis.h (and nlp/text.h) from nlp/" >&2
    status=1
  fi
fi
[[ $status -eq 0 ]] && echo "layering: ok"
exit $status
