#include "architecture.h"

#include <algorithm>

namespace backprop {

size_t Architecture::widest() const { return *std::max_element(layers.begin(), layers.end()); }

std::optional<size_t> checkedProduct(size_t a, size_t b) {
  size_t product = 0;
  if (__builtin_mul_overflow(a, b, &product) || product > kMaxElements) return std::nullopt;
  return product;
}

std::optional<Architecture> makeArchitecture(const std::vector<size_t>& layers) {
  Architecture arch;
  arch.layers = layers;
  size_t offset = 0;
  for (size_t l = 0; l + 1 < layers.size(); ++l) {
    arch.thetaOffset.push_back(offset);
    std::optional<size_t> block = checkedProduct(layers[l + 1], layers[l] + 1);
    if (!block || *block > kMaxElements - offset) return std::nullopt;
    offset += *block;
  }
  arch.parameterCount = offset;
  arch.hidden.assign(layers.size() - 2, Hidden::sigmoid);
  return arch;
}

}  // namespace backprop
