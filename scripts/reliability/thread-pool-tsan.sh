#!/usr/bin/env bash
# Builds the addon's thread pool with a stress driver (thread-pool-stress.cc) under ThreadSanitizer and runs it.
#
#   scripts/reliability/thread-pool-tsan.sh [regions]     (default 20000)
#
# Exit status 0 only when every task of every region ran exactly once and TSan reported nothing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$(mktemp -d -t thread-pool-tsan.XXXXXX)"
g++ -std=c++17 -O1 -g -fsanitize=thread -pthread -I "$root/packages/core-native/src" \
  "$root/scripts/reliability/thread-pool-stress.cc" "$root/packages/core-native/src/thread_pool.cc" -o "$out/stress"
TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1" "$out/stress" "${1:-20000}"
