#include "thread_pool.h"

#include <algorithm>
#include <system_error>

namespace backprop {

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  start_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

size_t ThreadPool::reserve(size_t tasks) {
  while (threads_.size() + 1 < tasks) {
    try {
      const size_t index = threads_.size();
      uint64_t current;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        current = region_;
      }
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
    pending_ = tasks - 1;
    ++region_;
  }
  start_.notify_all();
  body(0);
  std::unique_lock<std::mutex> lock(mutex_);
  finished_.wait(lock, [this] { return pending_ == 0; });
  body_ = nullptr;
}

void ThreadPool::serve(size_t index, uint64_t seen) {
  const size_t task = index + 1;
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    start_.wait(lock, [&] { return stopping_ || region_ != seen; });
    if (stopping_) return;
    seen = region_;
    if (task >= tasks_) continue;  // this region needs fewer threads
    const std::function<void(size_t)>* body = body_;
    lock.unlock();
    (*body)(task);
    lock.lock();
    if (--pending_ == 0) finished_.notify_one();
  }
}

}  // namespace backprop
