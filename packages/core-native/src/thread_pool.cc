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

void ThreadPool::claim(uint32_t region, const std::function<void(size_t)>* body, size_t tasks) {
  uint64_t next = next_.load(std::memory_order_acquire);
  for (;;) {
    if (static_cast<uint32_t>(next >> 32) != region || (next & 0xffffffffu) >= tasks) return;
    if (!next_.compare_exchange_weak(next, next + 1, std::memory_order_acq_rel, std::memory_order_acquire)) continue;
    (*body)(static_cast<size_t>(next & 0xffffffffu));  // the region is not done before this task is
    if (finished_tasks_.fetch_add(1, std::memory_order_acq_rel) + 1 == tasks) {
      std::lock_guard<std::mutex> lock(mutex_);  // so the caller cannot miss the wake-up between check and wait
      finished_.notify_one();
    }
    next = next_.load(std::memory_order_acquire);
  }
}

void ThreadPool::run(size_t threads, size_t tasks, const std::function<void(size_t)>& body) {
  if (threads <= 1 || tasks <= 1) {
    for (size_t t = 0; t < tasks; ++t) body(t);
    return;
  }
  uint32_t region;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    body_ = &body;
    threads_wanted_ = threads;
    tasks_ = tasks;
    finished_tasks_.store(0, std::memory_order_relaxed);
    region = static_cast<uint32_t>(region_.load(std::memory_order_relaxed) + 1);
    next_.store(uint64_t{region} << 32, std::memory_order_relaxed);
    region_.fetch_add(1, std::memory_order_release);
  }
  start_.notify_all();
  claim(region, &body, tasks);
  auto done = [this, tasks] { return finished_tasks_.load(std::memory_order_acquire) == tasks; };
  if (!spinUntil(done)) {
    std::unique_lock<std::mutex> lock(mutex_);
    finished_.wait(lock, done);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  body_ = nullptr;
}

void ThreadPool::serve(size_t index, uint64_t seen) {
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
    size_t threads, tasks;
    {
      // The region's fields under the lock, with the region they belong to (run() writes them under it). By now
      // the region may be finished (body_ null) or even followed by another: claim() then finds nothing to take.
      std::lock_guard<std::mutex> lock(mutex_);
      seen = region_.load(std::memory_order_relaxed);
      body = body_;
      threads = threads_wanted_;
      tasks = tasks_;
    }
    if (body == nullptr || index + 1 >= threads) continue;  // finished already, or wants fewer threads
    claim(static_cast<uint32_t>(seen), body, tasks);
  }
}

}  // namespace backprop
