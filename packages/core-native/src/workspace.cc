#include "workspace.h"

namespace backprop {

template <class T>
BasicWorkspace<T>::BasicWorkspace(const Architecture& arch, size_t examples)
    : capacity(examples), activation(arch.depth()), delta(arch.depth() + 1), loss(examples * arch.outputs()) {
  for (size_t l = 1; l < arch.depth(); ++l) activation[l].assign(capacity * arch.layers[l], T(0));
  for (size_t l = 1; l <= arch.depth(); ++l) delta[l].assign(capacity * arch.layers[l], T(0));
}

template <class T>
size_t BasicWorkspace<T>::bytes() const {
  size_t elements = loss.size();
  for (const auto& a : activation) elements += a.size();
  for (const auto& d : delta) elements += d.size();
  return elements * sizeof(T);
}

template struct BasicWorkspace<double>;
template struct BasicWorkspace<float>;

size_t workspaceBytes(const Architecture& arch, size_t capacity, size_t elementSize) {
  size_t elements = 0;
  for (size_t l = 1; l <= arch.depth(); ++l) {
    // hidden layers: activation and delta; output layer: delta and loss
    std::optional<size_t> n = checkedProduct(capacity, arch.layers[l]);
    if (!n) return 0;
    std::optional<size_t> both = checkedProduct(*n, 2);
    if (!both || *both > kMaxElements - elements) return 0;
    elements += *both;
  }
  std::optional<size_t> bytes = checkedProduct(elements, elementSize);
  return bytes ? *bytes : 0;
}

}  // namespace backprop
