#!/usr/bin/env bash
# Runs the shared evaluation scripts (../shared/eval) against a built haven and prints their
# figures. Without ../shared (a user's clone) it says so and skips: the data sets are not ours to
# ship.
#   scripts/eval.sh [--smoke] BUILD/haven
# --smoke: the contract checks that make test runs (every script must accept haven's output);
# the full run adds SDCNL and the GoEmotions dev split.
set -euo pipefail
cd "$(dirname "$0")/.."
smoke=0
if [[ "${1:-}" == "--smoke" ]]; then smoke=1; shift; fi
haven=$(realpath "${1:-build/dev/cli/haven}")
shared=${SHARED:-$(realpath -m ../shared)}
if [[ ! -d "$shared/eval" || ! -d "$shared/data" ]]; then
  echo "eval: skipped: $shared is not here (the evaluation data sets are not shipped with Haven)"
  exit 0
fi
peer=()
[[ -d node_modules/vader-sentiment ]] && peer=(--peer-node-modules "$PWD/node_modules")
run() { echo "\$ $*"; "$@"; }
run python3 "$shared/eval/sentiment_eval.py" --haven "$haven" "${peer[@]}"
run python3 "$shared/eval/emotion_eval.py" --haven "$haven" | tail -1
run python3 "$shared/eval/empathy_eval.py" --haven "$haven"
run python3 "$shared/eval/risk_eval.py" --haven "$haven" --file tests/data/risk_holdout.jsonl
run python3 "$shared/eval/risk_eval.py" --haven "$haven" --file tests/data/risk_holdout2.jsonl | tail -1
run python3 "$shared/eval/risk_eval.py" --haven "$haven" --file tests/data/risk_holdout3.jsonl | tail -1
if ((smoke == 0)); then
  run python3 "$shared/eval/risk_eval.py" --haven "$haven" --file tests/data/risk_dev.jsonl | tail -1
  run python3 "$shared/eval/risk_eval.py" --haven "$haven" --file tests/data/risk_cases.jsonl | tail -1
  run python3 "$shared/eval/risk_eval.py" --haven "$haven" --sdcnl
  run python3 scripts/risk_realtext.py --haven "$haven" --shared "$shared"
  run python3 "$shared/eval/emotion_eval.py" --haven "$haven" --split dev | tail -1
fi
