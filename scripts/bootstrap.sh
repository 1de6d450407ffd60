#!/usr/bin/env bash
# Installs what Haven needs to build, run and test on Debian 12. Idempotent: packages already
# present are skipped, so a second run costs a few dpkg queries and nothing else.
#   scripts/bootstrap.sh          build + run dependencies
#   scripts/bootstrap.sh --test   also what the test suite needs (Chromium for the browser
#                                 tests, the fuzzing runtime, the PostgreSQL server that the
#                                 PostgreSQL backend's tests start a throwaway cluster of)
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libicu-dev libhyperscan-dev libfasttext-dev fasttext
  libcli11-dev nlohmann-json3-dev libsodium-dev libsqlite3-dev libpq-dev libyaml-cpp-dev
  libboost1.81-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(clang libclang-rt-14-dev python3 chromium postgresql nginx-light)
  # Node.js may come from another source than Debian (it does on the CI image); only install
  # Debian's when there is none, since Debian's nodejs conflicts with a separately installed npm.
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  # Packages with a service (nginx, postgresql) would start it on install; the tests start their
  # own on free ports, and a machine without an init system may have port 80 taken. Debian's
  # policy-rc.d says "do not start" (101) for the length of the install, unless one exists.
  policy=/usr/sbin/policy-rc.d
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee "$policy" >/dev/null
    "${sudo_cmd[@]}" chmod 755 "$policy"
    trap '"${sudo_cmd[@]}" rm -f "$policy"' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
