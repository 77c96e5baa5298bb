// NativeNetwork: a network with its training set resident in native memory. X and Y are copied in once,
// every workspace is allocated for m rows up front, and costGradient then runs without allocating.
#pragma once

#include <napi.h>

#include <memory>
#include <vector>

#include "architecture.h"
#include "sparse_input.h"
#include "thread_pool.h"
#include "workspace.h"

namespace backprop {

// The resident state, free of N-API so a libuv worker can use it. Shared with in-flight async work, so
// dispose() while a job runs frees the memory only once that job is done. X and Y are kept transposed
// (one row per unit, see dense_pass.h).
class TrainingSet {
 public:
  TrainingSet(Architecture architecture, size_t examples, const double* X, const double* Y);

  // J(theta) and its gradient over all m rows, or over rows[0 .. count) when rows is not null.
  double costGradient(const double* theta, double lambda, double* grad, const uint32_t* rows, size_t count);
  // The output activations h (sigmoid, or softmax rows) of the resident X into out (m x K).
  void feedForward(const double* theta, double* out);
  // Grows the minibatch gather buffers to `count` rows (kept at the largest count seen). Call on the main
  // thread before every minibatch costGradient so that allocation failures surface as JS errors.
  void reserveBatch(size_t count);
  // Bytes of native memory held (resident data, workspace, minibatch buffers).
  size_t bytes() const;
  // Makes sure X^T exists for the dense products (see Xt_). Throws std::bad_alloc.
  const double* denseX();

  const Architecture arch;
  const size_t m;
  bool busy = false;  // an async job is using the workspace; touched on the main thread only

 private:
  // The sparse first layer over the selected examples of sparse_, on the pool's threads.
  double sparseCostGradient(const double* theta, double lambda, const double* Yt, size_t n, double* grad);

  // X^T and Y^T (s_0 x m and s_L x m). When X is stored sparse, X^T is only built (by denseX, from the sparse
  // copy) the first time a pass needs the dense products: non-finite weights, a minibatch the sparse path
  // cannot take, feedForward (for MNIST 376 MB that most trainings never use).
  std::vector<double> Xt_, Yt_;
  Workspace ws_;
  std::vector<double> XtBatch_, YtBatch_;
  SparseInput sparse_;                        // empty when X is dense
  std::vector<double> deltaRows_, partials_;  // its scratch (see sparse_pass.h)
  ThreadPool pool_;                           // its threads, started on first use, joined with the set
};

class NativeNetwork : public Napi::ObjectWrap<NativeNetwork> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit NativeNetwork(const Napi::CallbackInfo& info);
  ~NativeNetwork() override;

 private:
  Napi::Value Layers(const Napi::CallbackInfo& info);
  Napi::Value Rows(const Napi::CallbackInfo& info);
  Napi::Value ParameterCount(const Napi::CallbackInfo& info);
  Napi::Value CostGradient(const Napi::CallbackInfo& info);
  Napi::Value CostGradientAsync(const Napi::CallbackInfo& info);
  Napi::Value FeedForward(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);

  // The live training set, or Error ERR_DISPOSED / ERR_BUSY.
  TrainingSet& usable(Napi::Env env, const char* method);
  // costGradient's and costGradientAsync's arguments (theta, lambda, grad, rows?), checked; the minibatch
  // buffers grown for rows (RangeError when they cannot be).
  struct CostArgs {
    const double* theta;
    double lambda;
    double* grad;
    const uint32_t* rows;  // null: all m rows
    size_t count;
  };
  CostArgs costArgs(const Napi::CallbackInfo& info, TrainingSet& set);
  // Tells V8 how much native memory this network holds (so garbage collection sees its real weight).
  void reportMemory(Napi::BasicEnv env, int64_t bytes);

  std::shared_ptr<TrainingSet> set_;
  Architecture arch_;  // kept after dispose for the read-only properties
  size_t m_ = 0;
  int64_t reportedBytes_ = 0;
};

}  // namespace backprop
