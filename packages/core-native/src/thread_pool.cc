#include "thread_pool.h"

#include <algorithm>
#include <system_error>

namespace backprop {

namespace {

// A hint to the core that this is a spin-wait loop (frees the pipeline for the sibling thread, saves power).
inline void relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  std::this_thread::yield();
#endif
}

}  // namespace

template <class Done>
bool ThreadPool::spinUntil(const Done& done) {
  const auto deadline = std::chrono::steady_clock::now() + kSpin;
  for (;;) {
    for (int k = 0; k < 64; ++k) {  // the clock read every 64 checks
      if (done()) return true;
      relax();
    }
    if (std::chrono::steady_clock::now() >= deadline) return done();
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_.store(true, std::memory_order_release);
  }
  start_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

size_t ThreadPool::reserve(size_t tasks) {
  while (threads_.size() + 1 < tasks) {
    try {
      const size_t index = threads_.size();
      const uint64_t current = region_.load(std::memory_order_acquire);
      threads_.emplace_back([this, index, current] { serve(index, current); });
    } catch (const std::system_error&) {  // out of threads: run on those we have
      break;
    }
  }
  return std::min(tasks, threads_.size() + 1);
}

void ThreadPool::run(size_t tasks, const std::function<void(size_t)>& body) {
  if (tasks <= 1) {
    if (tasks == 1) body(0);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    body_ = &body;
    tasks_ = tasks;
    pending_.store(tasks - 1, std::memory_order_relaxed);
    region_.fetch_add(1, std::memory_order_release);
  }
  start_.notify_all();
  body(0);
  auto done = [this] { return pending_.load(std::memory_order_acquire) == 0; };
  if (!spinUntil(done)) {
    std::unique_lock<std::mutex> lock(mutex_);
    finished_.wait(lock, done);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  body_ = nullptr;
}

void ThreadPool::serve(size_t index, uint64_t seen) {
  const size_t task = index + 1;
  auto ready = [&] {
    return stopping_.load(std::memory_order_acquire) || region_.load(std::memory_order_acquire) != seen;
  };
  for (;;) {
    if (!spinUntil(ready)) {
      std::unique_lock<std::mutex> lock(mutex_);
      start_.wait(lock, ready);
    }
    if (stopping_.load(std::memory_order_acquire)) return;
    const std::function<void(size_t)>* body;
    size_t tasks;
    {
      // The region's fields under the lock: run() writes them under it, and the next region cannot start
      // before this one's pending count reaches zero, so they belong to the region seen here.
      std::lock_guard<std::mutex> lock(mutex_);
      seen = region_.load(std::memory_order_relaxed);
      body = body_;
      tasks = tasks_;
    }
    if (task >= tasks) continue;  // this region needs fewer threads
    (*body)(task);
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard<std::mutex> lock(mutex_);  // so the caller cannot miss the wake-up between check and wait
      finished_.notify_one();
    }
  }
}

}  // namespace backprop
