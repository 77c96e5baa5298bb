// The process's live sparse copies of X, so that networks built on the same X (same shape, same values) share
// one: a sweep's worker threads training on one training set then stream one copy through the shared caches
// instead of one each. Weak references only: a copy is freed with the last network using it.
#pragma once

#include <functional>
#include <memory>

#include "sparse_x.h"

namespace backprop {

// A live copy of X (scanned as scan) when some network of the process holds one, or else build()'s, published
// for the next network. build() runs outside the lock; if another thread published the same X meanwhile, theirs
// is returned and this one dropped. Only a copy with the same shape, value type and non-zeros per column is
// compared value by value (SparseX::holds), so an X no live network shares costs nothing here.
std::shared_ptr<const SparseX> sharedSparseX(const double* X, const XScan& scan,
                                             const std::function<std::shared_ptr<const SparseX>()>& build);

}  // namespace backprop
