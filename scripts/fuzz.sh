#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS each, from the seed corpus in tests/fuzz/corpus.
#   scripts/fuzz.sh BUILD_DIR [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/fuzz}
seconds=${2:-60}
for target in analyze_fuzz normalize_fuzz jsonl_fuzz respond_fuzz safety_config_fuzz protocol_fuzz console_fuzz; do
  corpus=$(mktemp -d)
  cp tests/fuzz/corpus/* "$corpus"/ 2>/dev/null || true
  echo "fuzz: $target for ${seconds}s"
  "$build/tests/fuzz/$target" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
    -rss_limit_mb=4096 "$corpus" 2>&1 | tail -3
  rm -rf "$corpus"
done
