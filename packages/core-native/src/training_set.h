// TrainingSet: a NativeNetwork's resident state, free of N-API so a libuv worker can use it. X and Y are copied
// in once, every workspace is allocated for m rows up front, and costGradient then runs without allocating. One
// implementation per dtype: Float64Set (native_network.h: the seed's, with the sparse first layer) and Float32Set
// (float32_set.h). Shared with in-flight async work, so dispose() while a job runs frees the memory only once that
// job is done. theta, grad and out are the caller's float64 layout for both.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "architecture.h"

namespace backprop {

class TrainingSet {
 public:
  TrainingSet(Architecture architecture, size_t examples) : arch(std::move(architecture)), m(examples) {}
  virtual ~TrainingSet() = default;

  // J(theta) and its gradient over all m rows, or over rows[0 .. count) when rows is not null.
  virtual double costGradient(const double* theta, double lambda, double* grad, const uint32_t* rows,
                              size_t count) = 0;
  // The output activations h (sigmoid, or softmax rows) of the resident X into out (m x K).
  virtual void feedForward(const double* theta, double* out) = 0;
  // Grows the minibatch gather buffers to `count` rows (kept at the largest count seen). Call on the main
  // thread before every minibatch costGradient so that allocation failures surface as JS errors.
  virtual void reserveBatch(size_t count) = 0;
  // Bytes of native memory held (resident data, workspace, minibatch buffers).
  virtual size_t bytes() const = 0;

  const Architecture arch;
  const size_t m;
  bool busy = false;  // an async job is using the workspace; touched on the main thread only
};

}  // namespace backprop
