#!/usr/bin/env bash
# Renders `haven analyze` output as a terminal picture for the README (docs/img/analyze.png),
# with Debian's headless Chromium. A developer tool; nothing in the build depends on it.
#   scripts/screenshot_analyze.sh [BUILD/haven]
set -euo pipefail
cd "$(dirname "$0")/.."
haven=${1:-build/dev/cli/haven}
msg="ugh work was awful again and i cant sleep. honestly everyone would be better off without me"
tmp=$(mktemp -d)
{
  echo '<!doctype html><meta charset="utf-8"><style>'
  echo 'body{margin:0;background:#1e1f29}pre{margin:0;padding:18px 22px;color:#e6e6e6;'
  echo 'font:15px/1.45 "DejaVu Sans Mono",monospace;white-space:pre-wrap}b{color:#8be9fd}</style><pre>'
  printf '<b>$ haven analyze "%s"</b>\n' "$msg"
  "$haven" analyze "$msg" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g'
  echo '</pre>'
} > "$tmp/page.html"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$tmp/profile" --hide-scrollbars --window-size=1100,330 \
  --screenshot="$PWD/docs/img/analyze.png" "file://$tmp/page.html" 2>/dev/null
rm -rf "$tmp"
echo "wrote docs/img/analyze.png"
