// A small persistent thread pool, one per network: the threads start on first need and then wait for the next
// parallel region, so a costGradient call does not pay a thread start per region. A waiting thread first spins
// for a short while (kSpin) and then blocks on a condition variable: the regions of one costGradient follow each
// other closely, and a spinning thread starts at once where a blocked one must be woken by the kernel; past the
// spin nothing is burnt on the shared machine. The destructor wakes and joins the threads. Idle threads are not
// libuv handles: they never keep the process alive.
//
// A region's tasks are claimed, not assigned: the caller and the woken threads take the next unclaimed task until
// none is left, and the caller waits only for tasks already under way. A thread that is slow to wake (blocked, or
// descheduled by a neighbour on a shared machine) therefore delays nothing: the others take its share, and it
// finds the region finished. Which thread runs a task never changes what the task computes, so results do not
// depend on it (callers give every task its own fixed part of the work).
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

  // body(t) once for every t in [0, tasks), on the calling thread and at most threads - 1 pool threads, each
  // taking the next unclaimed task; returns when all are done. threads must be at most reserve()'s answer; tasks
  // may be more (finer tasks let the threads that are running take the share of one that is late). body must
  // not throw.
  void run(size_t threads, size_t tasks, const std::function<void(size_t)>& body);
  // One task per thread: run(tasks, tasks, body).
  void run(size_t tasks, const std::function<void(size_t)>& body) { run(tasks, tasks, body); }

  // How long a waiting thread spins before it blocks.
  static constexpr std::chrono::microseconds kSpin{50};

 private:
  // Thread `index` waits for regions after `seen` and claims tasks in each that wants more than index + 1 threads.
  void serve(size_t index, uint64_t seen);
  // Claims and runs the tasks of region `region` (*body, tasks) until none is left. body is dereferenced only
  // for a task claimed in that region, while the region cannot be done.
  void claim(uint32_t region, const std::function<void(size_t)>* body, size_t tasks);
  // Spins until done() or kSpin has passed; returns done().
  template <class Done>
  static bool spinUntil(const Done& done);

  std::mutex mutex_;
  std::condition_variable start_, finished_;
  std::vector<std::thread> threads_;
  // The region's work, written under mutex_ before region_ is advanced (release) and read under it.
  const std::function<void(size_t)>* body_ = nullptr;
  size_t threads_wanted_ = 0, tasks_ = 0;
  // The next task to claim, tagged with its region: (region & 0xffffffff) << 32 | task. A thread claims with a
  // compare-and-swap that fails once the region has changed, so a late thread can never run a task of a region
  // it did not read the body of (the caller's body lives on its stack only until the region is done).
  std::atomic<uint64_t> next_{0};
  std::atomic<size_t> finished_tasks_{0};
  std::atomic<uint64_t> region_{0};
  std::atomic<bool> stopping_{false};
};

}  // namespace backprop
