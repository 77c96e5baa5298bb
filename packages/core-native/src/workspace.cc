#include "workspace.h"

namespace backprop {

Workspace::Workspace(const Architecture& arch, size_t examples)
    : capacity(examples), activation(arch.depth()), delta(arch.depth() + 1), loss(examples * arch.outputs()) {
  for (size_t l = 1; l < arch.depth(); ++l) activation[l].assign(capacity * arch.layers[l], 0.0);
  for (size_t l = 1; l <= arch.depth(); ++l) delta[l].assign(capacity * arch.layers[l], 0.0);
}

size_t Workspace::bytes() const {
  size_t doubles = loss.size();
  for (const auto& a : activation) doubles += a.size();
  for (const auto& d : delta) doubles += d.size();
  return doubles * sizeof(double);
}

size_t workspaceBytes(const Architecture& arch, size_t capacity) {
  size_t doubles = 0;
  for (size_t l = 1; l <= arch.depth(); ++l) {
    // hidden layers: activation and delta; output layer: delta and loss
    std::optional<size_t> n = checkedProduct(capacity, arch.layers[l]);
    if (!n) return 0;
    std::optional<size_t> both = checkedProduct(*n, 2);
    if (!both || *both > kMaxElements - doubles) return 0;
    doubles += *both;
  }
  std::optional<size_t> bytes = checkedProduct(doubles, sizeof(double));
  return bytes ? *bytes : 0;
}

}  // namespace backprop
