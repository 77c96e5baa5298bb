#!/usr/bin/env bash
# Every long reliability run, one after another (they share the machine's cores), logs and JSON into OUT_DIR.
# Build first (npm run build). Takes ~20 minutes on 2 cores. RELIABILITY.md quotes these outputs.
#
#   scripts/reliability/run-all.sh [OUT_DIR]      (default reports/reliability)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$root/reports/reliability}"
mkdir -p "$out"
cd "$root"
step() { echo "== $1 ($(date -u +%H:%M:%S))"; }

step "fuzz: 10,000 cases per format on packages/nn/dist"
node scripts/reliability/fuzz.mjs --cases 10000 --format all --seed 1 --quiet --json "$out/fuzz.json" >"$out/fuzz.txt" 2>&1
echo "exit $?" >>"$out/fuzz.txt"
if ls scripts/reliability/patches/*.diff >/dev/null 2>&1; then
  step "fuzz: PNG with the pending patches applied (patched-nn.sh)"
  scripts/reliability/patched-nn.sh /tmp/backprop-nn-patched >/dev/null
  node scripts/reliability/fuzz.mjs --cases 10000 --format png --seed 1 --quiet --lib /tmp/backprop-nn-patched/dist/index.js \
    --json "$out/fuzz-png-patched.json" >"$out/fuzz-png-patched.txt" 2>&1
  echo "exit $?" >>"$out/fuzz-png-patched.txt"
fi
step "SIGKILL while checkpointing, 50 rounds"
node scripts/reliability/kill-checkpoint.mjs --rounds 50 >"$out/kill-checkpoint.txt" 2>&1
echo "exit $?" >>"$out/kill-checkpoint.txt"
step "server soak, 60 s"
node scripts/reliability/server-soak.mjs --seconds 60 --json "$out/server-soak.json" >"$out/server-soak.txt" 2>&1
echo "exit $?" >>"$out/server-soak.txt"
step "native: ASan + UBSan"
scripts/reliability/native-sanitize.sh --no-build >"$out/native-sanitize.txt" 2>&1
echo "exit $?" >>"$out/native-sanitize.txt"
step "native: valgrind memcheck"
scripts/reliability/native-valgrind.sh --rounds 2 >"$out/native-valgrind.txt" 2>&1
echo "exit $?" >>"$out/native-valgrind.txt"
step "done"
