// A small persistent thread pool, one per network: the threads start on first need and then wait for the next
// parallel region, so a costGradient call does not pay a thread start per region. A waiting thread first spins
// for a short while (kSpin, about 50 us) and then blocks on a condition variable: the regions of one
// costGradient follow each other within microseconds, and a blocked thread takes ~10-50 us to be woken by the
// kernel, while a spinning one starts at once; past the spin nothing is burnt on the shared machine. The caller
// waits for the other tasks of a region the same way. The destructor wakes and joins the threads. Idle threads
// are not libuv handles: they never keep the process alive.
//
// One region at a time: run() must not be called concurrently on the same pool (a network serves one
// costGradient at a time; see TrainingSet::busy).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace backprop {

class ThreadPool {
 public:
  ThreadPool() = default;
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  ~ThreadPool();

  // Starts threads until `tasks` tasks can run at once (the caller runs one of them). Returns how many can:
  // fewer than asked when the system refuses a thread (the work then runs on fewer threads, same results).
  size_t reserve(size_t tasks);

  // body(t) for t in [0, tasks), task 0 on the calling thread and the others on pool threads; returns when
  // all are done. tasks must be at most reserve()'s answer. body must not throw.
  void run(size_t tasks, const std::function<void(size_t)>& body);

  // How long a waiting thread spins before it blocks.
  static constexpr std::chrono::microseconds kSpin{50};

 private:
  // Thread `index` waits for regions after `seen`, runs task index + 1 of each that has one.
  void serve(size_t index, uint64_t seen);
  // Spins until done() or kSpin has passed; returns done().
  template <class Done>
  static bool spinUntil(const Done& done);

  std::mutex mutex_;
  std::condition_variable start_, finished_;
  std::vector<std::thread> threads_;  // thread k runs task k + 1
  // The region's work, written under mutex_ before region_ is advanced (release) and read after it is seen
  // (acquire), so a spinning thread that sees the new region sees its body too.
  const std::function<void(size_t)>* body_ = nullptr;
  size_t tasks_ = 0;
  std::atomic<size_t> pending_{0};
  std::atomic<uint64_t> region_{0};
  std::atomic<bool> stopping_{false};
};

}  // namespace backprop
