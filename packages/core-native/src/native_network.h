// NativeNetwork: a network with its training set resident in native memory (a TrainingSet of its dtype).
#pragma once

#include <napi.h>

#include <memory>
#include <vector>

#include "architecture.h"
#include "sparse_input.h"
#include "thread_pool.h"
#include "training_set.h"
#include "workspace.h"

namespace backprop {

// The resident state of a dtype float64 network (the seed's; see training_set.h). X and Y are kept transposed
// (one row per unit, see dense_pass.h), X also sparse when it is mostly zeros.
class Float64Set final : public TrainingSet {
 public:
  Float64Set(Architecture architecture, size_t examples, const double* X, const double* Y);

  double costGradient(const double* theta, double lambda, double* grad, const uint32_t* rows, size_t count) override;
  void feedForward(const double* theta, double* out) override;
  void reserveBatch(size_t count) override;
  size_t bytes() const override;
  // Makes sure X^T exists for the dense products (see Xt_). Throws std::bad_alloc.
  const double* denseX();

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

  std::shared_ptr<TrainingSet> set_;  // a Float64Set or a Float32Set
  Architecture arch_;                 // kept after dispose for the read-only properties
  size_t m_ = 0;
  int64_t reportedBytes_ = 0;
};

}  // namespace backprop
