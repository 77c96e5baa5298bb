// backprop_native: exports only. Each kernel family lives in its own file.
#include <napi.h>

#include "adam_update.h"
#include "blas.h"
#include "isa.h"
#include "native_network.h"
#include "predict.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("setThreads", Napi::Function::New<backprop::SetThreads>(env, "setThreads"));
  exports.Set("getThreads", Napi::Function::New<backprop::GetThreads>(env, "getThreads"));
  exports.Set("blasInfo", Napi::Function::New<backprop::BlasInfo>(env, "blasInfo"));
  exports.Set("gemm", Napi::Function::New<backprop::Gemm>(env, "gemm"));
  exports.Set("predict", Napi::Function::New<backprop::Predict>(env, "predict"));
  exports.Set("predictAsync", Napi::Function::New<backprop::PredictAsync>(env, "predictAsync"));
  exports.Set("adamUpdate", Napi::Function::New<backprop::AdamUpdate>(env, "adamUpdate"));
  exports.Set("NativeNetwork", backprop::NativeNetwork::Define(env));
  return exports;
}

}  // namespace

// The entry point (and isa()) is isa.cc's, compiled for the baseline: it checks the CPU first, then calls this.
napi_value backprop::registerExports(napi_env env, napi_value exports) { return Napi::RegisterModule(env, exports, Init); }
