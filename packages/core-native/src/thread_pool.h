// A small persistent thread pool, one per network: the threads start on first need and then wait (blocked on a
// condition variable, not spinning) for the next parallel region, so a costGradient call does not pay a thread
// start per region. The destructor wakes and joins them. Idle threads are not libuv handles: they never keep
// the process alive.
//
// One region at a time: run() must not be called concurrently on the same pool (a network serves one
// costGradient at a time; see TrainingSet::busy).
#pragma once

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

 private:
  // Thread `index` waits for regions after `seen`, runs task index + 1 of each that has one.
  void serve(size_t index, uint64_t seen);

  std::mutex mutex_;
  std::condition_variable start_, finished_;
  std::vector<std::thread> threads_;  // thread k runs task k + 1
  const std::function<void(size_t)>* body_ = nullptr;
  size_t tasks_ = 0;
  size_t pending_ = 0;
  uint64_t region_ = 0;
  bool stopping_ = false;
};

}  // namespace backprop
