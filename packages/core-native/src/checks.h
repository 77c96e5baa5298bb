// Argument checks at the Node-API boundary. The TypeScript surface validates first; these run again because
// here a wrong size is memory corruption, not an exception. Every failure throws a JS TypeError (code
// ERR_INVALID_ARG_TYPE) or RangeError (code ERR_OUT_OF_RANGE), or an Error with another `code`, whose message
// names the argument, the expected and the received.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "architecture.h"
#include "dtype.h"

namespace backprop::checks {

[[noreturn]] void throwTypeError(Napi::Env env, const std::string& message);
[[noreturn]] void throwRangeError(Napi::Env env, const std::string& message);
// Throws an Error with error.code = code (e.g. ERR_DISPOSED, ERR_BUSY).
[[noreturn]] void throwCodedError(Napi::Env env, const char* code, const std::string& message);

// What a value is, for messages: "undefined", "number 2.5", "Float32Array", "Array", ...
std::string describe(const Napi::Value& value);

// A Float64Array over an attached ArrayBuffer, or over a SharedArrayBuffer, with exactly expectedLength elements.
double* float64Array(const Napi::Value& value, const char* name, size_t expectedLength);
// A Float64Array over an attached buffer (any length); its length goes to *length.
double* float64ArrayAnyLength(const Napi::Value& value, const char* name, size_t* length);
// A Uint32Array over an attached buffer with 1 .. maxLength elements, each < bound.
const uint32_t* rowIndices(const Napi::Value& value, const char* name, size_t maxLength, size_t bound,
                           size_t* length);

// An integer in 1 .. max.
size_t dimension(const Napi::Value& value, const char* name, size_t max = kMaxDimension);
// A finite number (>= 0 when nonNegative).
double finiteNumber(const Napi::Value& value, const char* name, bool nonNegative);
bool boolean(const Napi::Value& value, const char* name);
// An Array of 2 .. kMaxLayers layer sizes (the count checked before any is read), each an integer in 1 .. kMaxDimension - 1.
Architecture layers(const Napi::Value& value, const char* name);
// The network's activations into arch: undefined leaves the seed's (sigmoid throughout); otherwise an object
// { hidden: one name per hidden layer (sigmoid, tanh, relu, leaky_relu), output: sigmoid or softmax,
// leakySlope: a number in (0, 1) }, the count checked before any name is read.
void activations(const Napi::Value& value, const char* name, Architecture& arch);
// The element type: undefined is float64 (the seed's); otherwise the string "float64" or "float32".
Dtype dtype(const Napi::Value& value, const char* name);

// Throws RangeError when the byte ranges of two buffers overlap (BLAS and the kernels need them disjoint).
void disjoint(Napi::Env env, const double* a, size_t aLength, const char* aName, const double* b, size_t bLength,
              const char* bName);

// a * b as an element count, or RangeError naming what overflowed.
size_t product(Napi::Env env, size_t a, size_t b, const char* what);

// RangeError when `bytes` exceeds the machine's physical memory: refusing up front beats an allocation that
// the kernel overcommits and then kills the process for. `received` describes the request in the message.
void fitsInMemory(Napi::Env env, size_t bytes, const char* name, const std::string& received);

// "1.5 GiB", "12 MiB": a byte count for messages.
std::string formatBytes(size_t bytes);

}  // namespace backprop::checks
