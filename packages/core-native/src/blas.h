// OpenBLAS itself: the thread count, its build configuration, and a checked row-major dgemm.
#pragma once

#include <napi.h>

namespace backprop {

Napi::Value SetThreads(const Napi::CallbackInfo& info);  // setThreads(n)
Napi::Value GetThreads(const Napi::CallbackInfo& info);  // getThreads()
Napi::Value BlasInfo(const Napi::CallbackInfo& info);    // blasInfo() -> { library, config, threads }
// gemm(transA, transB, M, N, K, alpha, A, B, beta, C): row-major C = alpha op(A) op(B) + beta C
Napi::Value Gemm(const Napi::CallbackInfo& info);

}  // namespace backprop
