// The resident state of a dtype float32 network: X kept by example and Y^T, both rounded to float once, a float
// workspace, and every pass (all m rows, or a minibatch's rows copied into one contiguous block) through the dense
// products with cblas_sgemm (dense_pass.h, T = float). At each call theta is rounded to float into theta_ and the
// float gradient widened into the caller's grad; the cost is summed in double.
#pragma once

#include <vector>

#include "training_set.h"
#include "workspace.h"

namespace backprop {

class Float32Set final : public TrainingSet {
 public:
  Float32Set(Architecture architecture, size_t examples, const double* X, const double* Y);

  double costGradient(const double* theta, double lambda, double* grad, const uint32_t* rows, size_t count) override;
  void feedForward(const double* theta, double* out) override;
  void reserveBatch(size_t count) override;
  size_t bytes() const override;

 private:
  std::vector<float> X_, Yt_;  // X (m x s_0, by example) and Y^T (s_L x m)
  BasicWorkspace<float> ws_;
  std::vector<float> theta_, grad_;
  std::vector<float> XBatch_, YtBatch_;  // a minibatch's rows of X (count x s_0) and columns of Y^T (s_L x count)
};

}  // namespace backprop
