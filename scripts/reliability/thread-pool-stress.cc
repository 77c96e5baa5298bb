// Stress test of the addon's thread pool (packages/core-native/src/thread_pool.cc) on its own, built with
// ThreadSanitizer by thread-pool-tsan.sh: many regions back to back, with random thread and task counts and random
// pauses (so pool threads are sometimes spinning, sometimes blocked, sometimes late), each task recording which
// region ran it. Checks that every task of every region ran exactly once, inside its region, and that run()
// returned only after all of them. Exit status 0 when every check held (TSan reports make it non-zero).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>
#include <vector>

#include "thread_pool.h"

int main(int argc, char** argv) {
  const int regions = argc > 1 ? std::atoi(argv[1]) : 20000;
  backprop::ThreadPool pool;
  const size_t available = pool.reserve(4);
  std::mt19937 rng(12345);
  std::vector<std::atomic<int>> ran(64);
  std::atomic<int> current{-1};
  long failures = 0;
  for (int r = 0; r < regions; ++r) {
    const size_t threads = 1 + rng() % available;
    const size_t tasks = 1 + rng() % 40;
    const int pause = static_cast<int>(rng() % 4);  // 0: back to back, 1: past the spin, 2-3: short work
    if (pause == 1) std::this_thread::sleep_for(std::chrono::microseconds(60 + rng() % 200));
    for (auto& count : ran) count.store(0, std::memory_order_relaxed);
    current.store(r, std::memory_order_relaxed);
    const unsigned work = pause >= 2 ? static_cast<unsigned>(rng() % 2000) : 0;
    pool.run(threads, tasks, [&](size_t t) {
      if (current.load(std::memory_order_relaxed) != r) std::fprintf(stderr, "task of region %d ran in another\n", r);
      volatile unsigned spin = 0;
      for (unsigned k = 0; k < work; ++k) spin = spin + k;
      ran[t].fetch_add(1, std::memory_order_relaxed);
    });
    for (size_t t = 0; t < tasks; ++t) {
      const int n = ran[t].load(std::memory_order_relaxed);
      if (n != 1) {
        if (++failures <= 10) std::fprintf(stderr, "region %d: task %zu ran %d times\n", r, t, n);
      }
    }
    for (size_t t = tasks; t < ran.size(); ++t) {
      if (ran[t].load(std::memory_order_relaxed) != 0 && ++failures <= 10) {
        std::fprintf(stderr, "region %d: task %zu beyond %zu ran\n", r, t, tasks);
      }
    }
  }
  std::printf("%d regions on up to %zu threads: %ld failures\n", regions, available, failures);
  return failures == 0 ? 0 : 1;
}
