// Forward-only batch prediction for any X (not resident): out = h (m x K: sigmoid outputs, or softmax rows).
#pragma once

#include <napi.h>

namespace backprop {

Napi::Value Predict(const Napi::CallbackInfo& info);       // predict(layers, theta, X, m, out, activations?, dtype?)
Napi::Value PredictAsync(const Napi::CallbackInfo& info);  // predictAsync(...same) -> Promise

}  // namespace backprop
