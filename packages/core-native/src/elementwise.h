// The elementwise steps of the forward and backward pass: one loop each, vectorised (compiled for x86-64-v4,
// x86-64-v3 and the baseline; the loader picks one at run time). The templates are instantiated for double (the
// seed's) and float (dtype float32) in elementwise.cc; sums of float entries are accumulated in double.
#pragma once

#include <cstddef>

namespace backprop {

// z <- g(z), the sigmoid, finite for every finite z.
template <class T>
void sigmoidInPlace(T* z, size_t count);

// rows[i][h] <- g(bias[h] + rows[i][h]) for h < width, i < count (rows: count x ld, row-major). float64 only (the
// sparse first layer's).
void biasSigmoidRows(double* rows, size_t count, size_t ld, const double* bias, size_t width);

// The output layer in one sweep over its pre-activations z (count entries, y alongside):
//   loss[i] = y softplus(-z) + (1 - y) softplus(z)   (the seed's -(y log h + (1-y) log(1-h)), stable)
//   z[i]   <- g(z) - y                                (delta_L = h - y)
template <class T>
void outputLayer(T* z, const T* y, T* loss, size_t count);

// delta <- delta .* a (1 - a), the sigmoid gradient taken from the activation a = g(z).
template <class T>
void multiplySigmoidGradient(T* delta, const T* a, size_t count);

// Sum of the entries in double, four running sums (the order is fixed, so the result is reproducible).
template <class T>
double sum(const T* values, size_t count);

// Sum of the squared entries in double, four running sums like sum().
template <class T>
double sumOfSquares(const T* values, size_t count);

// Whether no entry is inf or NaN.
bool allFinite(const double* values, size_t count);

}  // namespace backprop
