#include "shared_copies.h"

#include <mutex>
#include <vector>

namespace backprop {

namespace {

// Never destroyed: a network may be destroyed during the process's exit, after function-local statics.
struct SharedCopies {
  std::mutex mutex;
  std::vector<std::weak_ptr<const SparseX>> copies;
};

SharedCopies& sharedCopies() {
  static SharedCopies* copies = new SharedCopies();
  return *copies;
}

// A live copy of X from copies, or null; drops the expired entries. Called with the lock.
std::shared_ptr<const SparseX> findCopy(std::vector<std::weak_ptr<const SparseX>>& copies, const double* X,
                                        const XScan& scan) {
  std::shared_ptr<const SparseX> found;
  for (size_t k = 0; k < copies.size();) {
    std::shared_ptr<const SparseX> copy = copies[k].lock();
    if (!copy) {
      copies[k] = copies.back();
      copies.pop_back();
      continue;
    }
    if (!found && copy->examples == scan.examples && copy->inputs == scan.inputs && copy->narrow == scan.narrow &&
        copy->columnNonZeros == scan.nonZeros && copy->holds(X, scan.examples, scan.inputs)) {
      found = std::move(copy);
    }
    ++k;
  }
  return found;
}

}  // namespace

std::shared_ptr<const SparseX> sharedSparseX(const double* X, const XScan& scan,
                                             const std::function<std::shared_ptr<const SparseX>()>& build) {
  SharedCopies& cache = sharedCopies();
  {
    std::lock_guard<std::mutex> lock(cache.mutex);
    std::shared_ptr<const SparseX> found = findCopy(cache.copies, X, scan);
    if (found) return found;
  }
  std::shared_ptr<const SparseX> built = build();
  std::lock_guard<std::mutex> lock(cache.mutex);
  std::shared_ptr<const SparseX> found = findCopy(cache.copies, X, scan);
  if (found) return found;
  cache.copies.push_back(built);
  return built;
}

}  // namespace backprop
