#!/usr/bin/env bash
# Runs the core-native tests (and the nn native/TS agreement tests) against the ASan+UBSan build of the addon.
#
#   scripts/reliability/native-sanitize.sh [--no-build] [extra vitest file filters]
#
# Builds build/Sanitize/backprop_native_x86-64.node (node packages/core-native/scripts/build-addon.mjs --sanitize --strict),
# points the loader at it (BACKPROP_NATIVE_PATH), preloads libasan (a Node addon cannot bring its own ASan runtime:
# it must be first in the process), and counts sanitizer reports in the output. Node itself is not instrumented,
# so leak detection is off (its own allocations are not ours to judge; valgrind covers leaks), and huge
# allocations return null as in production (allocator_may_return_null) so the addon's bad_alloc paths run.
# Exit status 0 only when the tests pass and there is no ASan or UBSan report.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
build=1
if [[ "${1:-}" == "--no-build" ]]; then build=0; shift; fi

addon="$root/packages/core-native/build/Sanitize/backprop_native_x86-64.node"
if (( build )); then
  node packages/core-native/scripts/build-addon.mjs --sanitize --strict || { echo "sanitizer build failed"; exit 2; }
fi
[[ -f "$addon" ]] || { echo "no sanitizer build at $addon (run without --no-build)"; exit 2; }

libasan="$(g++ -print-file-name=libasan.so)"
[[ -f "$libasan" ]] || { echo "libasan not found (g++ -print-file-name=libasan.so gave $libasan)"; exit 2; }

log="$(mktemp -t native-sanitize.XXXXXX.log)"
files=(packages/core-native/test packages/nn/test/backend-agreement.test.ts "$@")
echo "sanitizer build: $addon"
echo "LD_PRELOAD=$libasan"
echo "tests: ${files[*]}"
echo "log: $log"

export BACKPROP_NATIVE_PATH="$addon"
export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1:abort_on_error=1:halt_on_error=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
# Preflight: the loader must pick the sanitizer build (otherwise every native test would skip and prove nothing).
preflight=$(LD_PRELOAD="$libasan" node --input-type=module -e "
  const { nativeStatus } = await import('$root/packages/core-native/dist/index.js');
  const s = nativeStatus();
  console.log(s.available ? 'loaded ' + s.path : 'NOT LOADED: ' + s.reason);
" 2>&1)
echo "preflight: $preflight"
[[ "$preflight" == "loaded $addon" ]] || { echo "the sanitizer build did not load"; exit 2; }

# Left out, by name: the loader test that asserts the Release path (BACKPROP_NATIVE_PATH changes it by design).
skip='nativeStatus reports it available'
start=$(date +%s)
LD_PRELOAD="$libasan" npx vitest run --reporter=default -t "^(?!.*(${skip})).*$" "${files[@]}" >"$log" 2>&1
status=$?
# Then every export once more, good and bad input, outside vitest.
LD_PRELOAD="$libasan" node --expose-gc scripts/reliability/native-exercise.mjs --rounds 3 >>"$log" 2>&1
exercise=$?
seconds=$(( $(date +%s) - start ))

asan=$(grep -c "ERROR: AddressSanitizer" "$log" || true)
ubsan=$(grep -c "runtime error:" "$log" || true)
skipped=$(grep -c "SKIPPING native tests" "$log" || true)
summary=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E "^\s*(Test Files|Tests)\s" | tr -s ' ')

echo "----"
echo "$summary"
grep -E "^native-exercise:" "$log"
echo "ASan reports: $asan   UBSan reports: $ubsan   native-skip warnings: $skipped   vitest exit status: $status   exercise exit status: $exercise   ${seconds} s"
if (( asan > 0 || ubsan > 0 )); then
  echo "sanitizer reports (first 60 lines):"
  grep -E -A 25 "ERROR: AddressSanitizer|runtime error:" "$log" | head -60
fi
if (( status != 0 )); then
  echo "failing tests:"
  sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E "FAIL|×" | head -40
fi
(( asan == 0 && ubsan == 0 && skipped == 0 && status == 0 && exercise == 0 ))
