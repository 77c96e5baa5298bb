// Forward-only batch prediction for any X (not resident): out = h (m x K sigmoid outputs).
#pragma once

#include <napi.h>

namespace backprop {

Napi::Value Predict(const Napi::CallbackInfo& info);       // predict(layers, theta, X, m, out)
Napi::Value PredictAsync(const Napi::CallbackInfo& info);  // predictAsync(layers, theta, X, m, out) -> Promise

}  // namespace backprop
