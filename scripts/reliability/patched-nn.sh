#!/usr/bin/env bash
# Builds a copy of packages/nn with the patches in scripts/reliability/patches/ applied, outside the repository, so
# that a proposed fix can be checked at full scale before it lands (the fuzzer takes it with --lib):
#
#   scripts/reliability/patched-nn.sh [OUT_DIR]     (default /tmp/backprop-nn-patched)
#   node scripts/reliability/fuzz.mjs --format png --cases 10000 --lib OUT_DIR/dist/index.js
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-/tmp/backprop-nn-patched}"
rm -rf "$out"
mkdir -p "$out"
cp -r "$root/packages/nn/src" "$root/packages/nn/package.json" "$out/"
[[ -d "$root/packages/nn/assets" ]] && cp -r "$root/packages/nn/assets" "$out/"
ln -s "$root/node_modules" "$out/node_modules"
cat >"$out/tsconfig.json" <<JSON
{ "extends": "$root/tsconfig.base.json",
  "compilerOptions": { "rootDir": "src", "outDir": "dist", "composite": false, "declaration": false, "declarationMap": false },
  "include": ["src/**/*.ts"] }
JSON
shopt -s nullglob
for patch in "$root"/scripts/reliability/patches/*.diff; do
  # The patches are made against the repository root (packages/nn/src/...): strip to src/...
  (cd "$out" && git apply -p3 "$patch")
  echo "applied $(basename "$patch")"
done
node "$root/node_modules/typescript/bin/tsc" -p "$out/tsconfig.json"
echo "built $out/dist/index.js"
