// A fully connected network: layer sizes s_0 .. s_L, where each Theta_l (s_{l+1} x (s_l + 1), column 0 = bias)
// starts in the flat parameter vector (the seed's serialize order), and each layer's activation (activation.h;
// the seed's sigmoid throughout unless checks::activations says otherwise).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "activation.h"

namespace backprop {

struct Architecture {
  std::vector<size_t> layers;       // s_0 .. s_L
  std::vector<size_t> thetaOffset;  // thetaOffset[l] = start of Theta_l, l = 0 .. L-1
  size_t parameterCount = 0;        // sum over l of s_{l+1} * (s_l + 1)
  std::vector<Hidden> hidden;       // hidden[l - 1] = f_l of hidden layer l = 1 .. L-1
  Output output = Output::sigmoid;
  double leakySlope = 0.01;  // leaky_relu's slope, 0 < slope < 1 (read only by leaky_relu layers; nn's default)

  size_t depth() const { return layers.size() - 1; }  // L, the number of weight matrices
  size_t inputs() const { return layers.front(); }
  size_t outputs() const { return layers.back(); }
  size_t widest() const;  // max over l of s_l
};

// Largest value accepted for any one dimension: BLAS takes dimensions as 32-bit ints.
constexpr size_t kMaxDimension = 2147483647;
// Most layer sizes accepted in one network (input and output layers included): a bound checked before the
// sizes are read, so a huge (or holey) layers array is refused without walking or allocating for it.
constexpr size_t kMaxLayers = 65536;
// Largest element count accepted for any one buffer: JS typed arrays and safe integers stay exact below 2^53.
constexpr size_t kMaxElements = (size_t{1} << 53) - 1;

// a * b, or nullopt when it overflows kMaxElements.
std::optional<size_t> checkedProduct(size_t a, size_t b);

// Builds the architecture (the seed's activations) from validated layer sizes (each in 1 .. kMaxDimension, at
// least two of them).
// Returns nullopt when the parameter count overflows kMaxElements.
std::optional<Architecture> makeArchitecture(const std::vector<size_t>& layers);

}  // namespace backprop
