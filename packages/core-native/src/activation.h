// The activations of issue 16's networks, beside the seed's sigmoid: one per hidden layer (sigmoid, tanh, relu,
// leaky_relu) and the output's (the seed's sigmoid one-vs-all, or softmax with categorical cross-entropy). The
// names are parsed once at the boundary (checks::activations) into these enums and each pass dispatches once per
// layer (a switch per call), never per element; sigmoid goes to elementwise.h's loops unchanged.
//
// Derivatives are taken from the activation value a = f(z), as the seed's a (1 - a) is: tanh 1 - a^2; relu and
// leaky_relu read z > 0 from a > 0. At relu's kink, z = 0 exactly, relu'(0) = 0 and leaky_relu'(0) = slope
// (PyTorch's convention).
#pragma once

#include <cstddef>

namespace backprop {

enum class Hidden { sigmoid,
                    tanh,
                    relu,
                    leakyRelu };
enum class Output { sigmoid,
                    softmax };

// The kernels below taking T are instantiated for double and float (dtype float32; activation.cc), the slope
// rounded to T. The others are float64 only (the sparse first layer's).

// z <- f(z): sigmoid g(z), tanh(z), max(0, z) or max(slope z, z). NaN in, NaN out.
template <class T>
void activate(Hidden f, double slope, T* z, size_t count);

// rows[i][h] <- f(bias[h] + rows[i][h]) for h < width, i < count (rows: count x ld, row-major).
void biasActivateRows(Hidden f, double slope, double* rows, size_t count, size_t ld, const double* bias,
                      size_t width);

// delta <- delta .* f'(z), from a = f(z): a (1 - a), 1 - a^2, [a > 0], or 1 for a > 0 else slope.
template <class T>
void multiplyActivationGradient(Hidden f, double slope, T* delta, const T* a, size_t count);

// The softmax output layer in one sweep over count examples of Z_L^T (K rows of stride ld, one per class; y and
// loss laid out alike), with M = max_k z_k and LSE = M + log sum_k e^(z_k - M) per example:
//   loss[k] = y_k (LSE - z_k)   (categorical cross-entropy -sum_k y_k log p_k, summed by the caller)
//   z[k]   <- p_k - y_k         (delta_L), p_k = e^(z_k - M) / sum_j e^(z_j - M)
// Finite for finite z of any size (every exponent is <= 0). The sums of e^(z_k - M) are taken in double.
template <class T>
void softmaxOutputLayer(T* z, const T* y, T* loss, size_t K, size_t ld, size_t count);

// The output activations of count rows of K pre-activations in place (row-major, by example): g(z), or each
// row's softmax (its sum taken in double).
template <class T>
void outputActivationRows(Output output, T* z, size_t count, size_t K);

}  // namespace backprop
