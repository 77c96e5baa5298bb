#!/usr/bin/env bash
# valgrind memcheck on scripts/reliability/native-exercise.mjs (every export of the addon, good and bad input).
#
#   scripts/reliability/native-valgrind.sh [--rounds N]      (default 2 rounds; node under valgrind is ~50x slower)
#
# Runs the Release addon (what ships; BACKPROP_NATIVE_PATH selects another) under node --jitless (JIT code
# confuses memcheck and is not ours), with OpenBLAS on one thread. Reports memory errors and "definitely lost"
# blocks, split into those with a frame in the addon (backprop_native.node / backprop::) — ours — and the rest
# (node, V8, OpenBLAS start-up). Exit status 0 only when no error or definite leak is attributable to the addon.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
rounds=2
if [[ "${1:-}" == "--rounds" ]]; then rounds="$2"; fi
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)"; exit 2; }

log="$(mktemp -t native-valgrind.XXXXXX.log)"
echo "valgrind $(valgrind --version | sed 's/valgrind-//'), log: $log"
start=$(date +%s)
OPENBLAS_NUM_THREADS=1 valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite \
  --errors-for-leak-kinds=definite --num-callers=40 --track-origins=no --log-file="$log" \
  node --jitless --expose-gc scripts/reliability/native-exercise.mjs --rounds "$rounds"
status=$?
seconds=$(( $(date +%s) - start ))

# Split the log into records (a record starts at a line "==PID== <text>" after a blank "==PID== " line).
report=$(awk '
  /^==[0-9]+== $/ { if (rec != "") print_rec(); rec = ""; next }
  /^==[0-9]+== / { sub(/^==[0-9]+== /, ""); rec = rec $0 "\n" }
  function print_rec() { gsub(/\n/, "\\n", rec); print rec }
  END { if (rec != "") print_rec() }
' "$log")
ours() { grep -E 'backprop_native\.node|backprop::|Napi::' ; }
definite_all=$(printf '%s\n' "$report" | grep -c 'definitely lost in loss record' || true)
definite_ours=$(printf '%s\n' "$report" | grep 'definitely lost in loss record' | ours | wc -l)
errors_all=$(printf '%s\n' "$report" | grep -E -c '^(Invalid (read|write|free)|Conditional jump|Use of uninitialised|Mismatched free|Source and destination overlap|Syscall param)' || true)
errors_ours=$(printf '%s\n' "$report" | grep -E '^(Invalid (read|write|free)|Conditional jump|Use of uninitialised|Mismatched free|Source and destination overlap|Syscall param)' | ours | wc -l)
bytes_ours=$(printf '%s\n' "$report" | grep 'definitely lost in loss record' | ours | sed -E 's/^([0-9,]+) bytes.*/\1/; s/,//g' | paste -sd+ | bc 2>/dev/null || echo 0)

echo "----"
grep -E "native-exercise:" "$log" >/dev/null 2>&1 || true
grep -A6 "LEAK SUMMARY" "$log" | sed -E 's/^==[0-9]+== //'
grep "ERROR SUMMARY" "$log" | sed -E 's/^==[0-9]+== //'
echo "exercise exit status: $status   ${seconds} s"
echo "definitely lost records: ${definite_all} in total, ${definite_ours} with an addon frame (${bytes_ours:-0} bytes)"
echo "memory errors: ${errors_all} in total, ${errors_ours} with an addon frame"
if (( definite_ours > 0 || errors_ours > 0 )); then
  echo "records attributable to the addon:"
  printf '%s\n' "$report" | ours | sed 's/\\n/\n    /g' | head -80
fi
(( status == 0 && definite_ours == 0 && errors_ours == 0 ))
