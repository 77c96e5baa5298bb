// The one place the element type picks the BLAS product: cblas_dgemm for double, cblas_sgemm for float
// (dtype float32). Row-major C (M x N, ld ldc) = alpha op(A) op(B) + beta C.
#pragma once

#include <cblas.h>

#include <cstddef>

namespace backprop {

inline blasint blasSize(size_t n) { return static_cast<blasint>(n); }

inline void gemm(CBLAS_TRANSPOSE transA, CBLAS_TRANSPOSE transB, size_t M, size_t N, size_t K, double alpha,
                 const double* A, size_t lda, const double* B, size_t ldb, double beta, double* C, size_t ldc) {
  cblas_dgemm(CblasRowMajor, transA, transB, blasSize(M), blasSize(N), blasSize(K), alpha, A, blasSize(lda), B,
              blasSize(ldb), beta, C, blasSize(ldc));
}

inline void gemm(CBLAS_TRANSPOSE transA, CBLAS_TRANSPOSE transB, size_t M, size_t N, size_t K, float alpha,
                 const float* A, size_t lda, const float* B, size_t ldb, float beta, float* C, size_t ldc) {
  cblas_sgemm(CblasRowMajor, transA, transB, blasSize(M), blasSize(N), blasSize(K), alpha, A, blasSize(lda), B,
              blasSize(ldb), beta, C, blasSize(ldc));
}

}  // namespace backprop
