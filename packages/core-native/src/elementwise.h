// The elementwise steps of the forward and backward pass: one loop each, vectorised (compiled for x86-64-v4,
// x86-64-v3 and the baseline; the loader picks one at run time).
#pragma once

#include <cstddef>

namespace backprop {

// z <- g(z), the sigmoid, finite for every finite z.
void sigmoidInPlace(double* z, size_t count);

// rows[i][h] <- g(bias[h] + rows[i][h]) for h < width, i < count (rows: count x ld, row-major).
void biasSigmoidRows(double* rows, size_t count, size_t ld, const double* bias, size_t width);

// The output layer in one sweep over its pre-activations z (count entries, y alongside):
//   loss[i] = y softplus(-z) + (1 - y) softplus(z)   (the seed's -(y log h + (1-y) log(1-h)), stable)
//   z[i]   <- g(z) - y                                (delta_L = h - y)
void outputLayer(double* z, const double* y, double* loss, size_t count);

// delta <- delta .* a (1 - a), the sigmoid gradient taken from the activation a = g(z).
void multiplySigmoidGradient(double* delta, const double* a, size_t count);

// Sum of the entries, four running sums (the order is fixed, so the result is reproducible).
double sum(const double* values, size_t count);

// Sum of the squared entries, four running sums like sum().
double sumOfSquares(const double* values, size_t count);

// Whether no entry is inf or NaN.
bool allFinite(const double* values, size_t count);

}  // namespace backprop
