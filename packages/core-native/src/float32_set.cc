#include "float32_set.h"

#include "activation.h"
#include "dense_pass.h"
#include "layout.h"

namespace backprop {

Float32Set::Float32Set(Architecture architecture, size_t examples, const double* X, const double* Y)
    : TrainingSet(std::move(architecture), examples),
      X_(examples * arch.inputs()),
      Yt_(examples * arch.outputs()),
      ws_(arch, examples),
      theta_(arch.parameterCount),
      grad_(arch.parameterCount) {
  convert(X, X_.size(), X_.data());
  transpose(Y, m, arch.outputs(), Yt_.data());
}

void Float32Set::reserveBatch(size_t count) {
  // Grown to the largest batch seen (a minibatch of 128 rows needs 128 rows, not m).
  if (XBatch_.size() < count * arch.inputs()) XBatch_.resize(count * arch.inputs());
  if (YtBatch_.size() < count * arch.outputs()) YtBatch_.resize(count * arch.outputs());
}

size_t Float32Set::bytes() const {
  const size_t floats = X_.size() + Yt_.size() + theta_.size() + grad_.size() + XBatch_.size() + YtBatch_.size();
  return floats * sizeof(float) + ws_.bytes();
}

double Float32Set::costGradient(const double* theta, double lambda, double* grad, const uint32_t* rows,
                                size_t count) {
  convert(theta, arch.parameterCount, theta_.data());
  Inputs<float> X{X_.data(), true};
  const float* Yt = Yt_.data();
  size_t n = m;
  if (rows != nullptr) {
    gatherRows(X_.data(), arch.inputs(), rows, count, XBatch_.data());
    gatherColumns(Yt_.data(), arch.outputs(), m, rows, count, YtBatch_.data());
    X.values = XBatch_.data();
    Yt = YtBatch_.data();
    n = count;
  }
  const double J = denseCostGradient(arch, theta_.data(), lambda, X, Yt, n, ws_, grad_.data());
  convert(grad_.data(), grad_.size(), grad);
  return J;
}

void Float32Set::feedForward(const double* theta, double* out) {
  convert(theta, arch.parameterCount, theta_.data());
  const size_t K = arch.outputs();
  float* zT = ws_.delta[arch.depth()].data();  // s_L x m
  backprop::feedForward(arch, theta_.data(), Inputs<float>{X_.data(), true}, m, ws_, zT);
  float* h = ws_.loss.data();  // m x s_L scratch
  transpose(zT, K, m, h);
  outputActivationRows(arch.output, h, m, K);
  convert(h, m * K, out);
}

}  // namespace backprop
