#include "blas.h"

#include <cblas.h>

#include "checks.h"

namespace backprop {

namespace {
constexpr size_t kMaxThreads = 1024;
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  const size_t n = checks::dimension(info[0], "n", kMaxThreads);
  openblas_set_num_threads(static_cast<int>(n));
  return info.Env().Undefined();
}

Napi::Value GetThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), openblas_get_num_threads());
}

Napi::Value BlasInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  const char* config = openblas_get_config();
  result.Set("library", Napi::String::New(env, "OpenBLAS"));
  result.Set("config", Napi::String::New(env, config != nullptr ? config : ""));
  result.Set("threads", Napi::Number::New(env, openblas_get_num_threads()));
  return result;
}

Napi::Value Gemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const bool transA = checks::boolean(info[0], "transA");
  const bool transB = checks::boolean(info[1], "transB");
  const size_t M = checks::dimension(info[2], "M");
  const size_t N = checks::dimension(info[3], "N");
  const size_t K = checks::dimension(info[4], "K");
  const double alpha = checks::finiteNumber(info[5], "alpha", false);
  const size_t aLength = checks::product(env, M, K, "A");
  const size_t bLength = checks::product(env, K, N, "B");
  const size_t cLength = checks::product(env, M, N, "C");
  const double* A = checks::float64Array(info[6], "A", aLength);
  const double* B = checks::float64Array(info[7], "B", bLength);
  const double beta = checks::finiteNumber(info[8], "beta", false);
  double* C = checks::float64Array(info[9], "C", cLength);
  checks::disjoint(env, C, cLength, "C", A, aLength, "A");
  checks::disjoint(env, C, cLength, "C", B, bLength, "B");

  // op(A) is M x K: stored K x M when transposed. op(B) is K x N: stored N x K when transposed.
  const blasint lda = static_cast<blasint>(transA ? M : K);
  const blasint ldb = static_cast<blasint>(transB ? K : N);
  cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
              static_cast<blasint>(M), static_cast<blasint>(N), static_cast<blasint>(K), alpha, A, lda, B, ldb,
              beta, C, static_cast<blasint>(N));
  return env.Undefined();
}

}  // namespace backprop
