#include "checks.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <sstream>
#include <vector>

namespace backprop::checks {

namespace {

const char* typedArrayName(napi_typedarray_type type) {
  switch (type) {
    case napi_int8_array: return "Int8Array";
    case napi_uint8_array: return "Uint8Array";
    case napi_uint8_clamped_array: return "Uint8ClampedArray";
    case napi_int16_array: return "Int16Array";
    case napi_uint16_array: return "Uint16Array";
    case napi_int32_array: return "Int32Array";
    case napi_uint32_array: return "Uint32Array";
    case napi_float32_array: return "Float32Array";
    case napi_float64_array: return "Float64Array";
    case napi_bigint64_array: return "BigInt64Array";
    case napi_biguint64_array: return "BigUint64Array";
    default: return "TypedArray";
  }
}

std::string formatNumber(double v) {
  std::ostringstream out;
  out.precision(17);
  out << v;
  return out.str();
}

// Throws a JS exception for a failed Node-API call (status napi_pending_exception keeps the one already thrown).
void ok(Napi::Env env, napi_status status) {
  if (status != napi_ok) throw Napi::Error::New(env);
}

// The typed array's element data after checking its type and that its buffer is attached and covers it.
// Asks Node-API directly rather than through Napi::ArrayBuffer, which fails with a bare "Invalid argument" when
// the buffer is a SharedArrayBuffer. A SharedArrayBuffer can be neither detached nor shrunk, so V8's element
// count and data pointer for a view over one are always in bounds; its memory is read and written like any other.
void* typedArrayData(const Napi::Value& value, const char* name, napi_typedarray_type type, size_t elementSize,
                     size_t* length) {
  Napi::Env env = value.Env();
  const std::string expected = typedArrayName(type);
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != type) {
    throwTypeError(env, std::string(name) + ": expected " + expected + ", got " + describe(value));
  }
  napi_typedarray_type actual;
  size_t count = 0, offset = 0;
  void* data = nullptr;
  napi_value bufferValue = nullptr;
  ok(env, napi_get_typedarray_info(env, value, &actual, &count, &data, &bufferValue, &offset));
  bool isArrayBuffer = false;
  ok(env, napi_is_arraybuffer(env, bufferValue, &isArrayBuffer));
  if (isArrayBuffer) {
    bool detached = false;
    ok(env, napi_is_detached_arraybuffer(env, bufferValue, &detached));
    if (detached) {
      throwTypeError(env, std::string(name) + ": expected " + expected + " over an attached ArrayBuffer, got " +
                              expected + " over a detached ArrayBuffer");
    }
    void* base = nullptr;
    size_t byteLength = 0;
    ok(env, napi_get_arraybuffer_info(env, bufferValue, &base, &byteLength));
    if (offset % elementSize != 0 || count > byteLength / elementSize || offset > byteLength - count * elementSize) {
      throwRangeError(env, std::string(name) + ": expected " + expected + " inside its ArrayBuffer, got byteOffset " +
                               std::to_string(offset) + " + " + std::to_string(count) + " elements beyond " +
                               std::to_string(byteLength) + " bytes");
    }
    data = count == 0 ? nullptr : static_cast<uint8_t*>(base) + offset;
  } else if (offset % elementSize != 0) {  // a SharedArrayBuffer
    throwRangeError(env, std::string(name) + ": expected " + expected +
                             " aligned in its SharedArrayBuffer, got byteOffset " + std::to_string(offset));
  }
  *length = count;
  return count == 0 ? nullptr : data;
}

// The index of the name value spells among names (a TypeError when it is not a string, a RangeError when it
// spells none of them; the message quotes at most 40 characters of it).
size_t oneOf(const Napi::Value& value, const std::string& name, std::initializer_list<const char*> names) {
  std::string expected;
  for (const char* n : names) expected += (expected.empty() ? "one of " : ", ") + std::string(n);
  if (!value.IsString()) throwTypeError(value.Env(), name + ": expected " + expected + ", got " + describe(value));
  const std::string spelled = value.As<Napi::String>().Utf8Value();
  size_t index = 0;
  for (const char* n : names) {
    if (spelled == n) return index;
    ++index;
  }
  const std::string quoted = spelled.size() > 40 ? spelled.substr(0, 40) + "..." : spelled;
  throwRangeError(value.Env(), name + ": expected " + expected + ", got \"" + quoted + "\"");
}

}  // namespace

void throwTypeError(Napi::Env env, const std::string& message) {
  Napi::TypeError error = Napi::TypeError::New(env, message);
  error.Set("code", Napi::String::New(env, "ERR_INVALID_ARG_TYPE"));
  throw error;
}

void throwRangeError(Napi::Env env, const std::string& message) {
  Napi::RangeError error = Napi::RangeError::New(env, message);
  error.Set("code", Napi::String::New(env, "ERR_OUT_OF_RANGE"));
  throw error;
}

void throwCodedError(Napi::Env env, const char* code, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  throw error;
}

std::string describe(const Napi::Value& value) {
  switch (value.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return std::string("boolean ") + (value.As<Napi::Boolean>().Value() ? "true" : "false");
    case napi_number: return "number " + formatNumber(value.As<Napi::Number>().DoubleValue());
    case napi_string: return "string";
    case napi_symbol: return "symbol";
    case napi_bigint: return "bigint";
    case napi_function: return "function";
    case napi_external: return "external";
    default: break;
  }
  if (value.IsTypedArray()) {
    Napi::TypedArray array = value.As<Napi::TypedArray>();
    return std::string(typedArrayName(array.TypedArrayType())) + " of length " +
           std::to_string(array.ElementLength());
  }
  if (value.IsArray()) return "Array of length " + std::to_string(value.As<Napi::Array>().Length());
  if (value.IsArrayBuffer()) return "ArrayBuffer";
  if (value.IsDataView()) return "DataView";
  return "object";
}

double* float64Array(const Napi::Value& value, const char* name, size_t expectedLength) {
  size_t length = 0;
  double* data = float64ArrayAnyLength(value, name, &length);
  if (length != expectedLength) {
    throwRangeError(value.Env(), std::string(name) + ": expected Float64Array of length " +
                                     std::to_string(expectedLength) + ", got length " + std::to_string(length));
  }
  return data;
}

double* float64ArrayAnyLength(const Napi::Value& value, const char* name, size_t* length) {
  return static_cast<double*>(typedArrayData(value, name, napi_float64_array, sizeof(double), length));
}

const uint32_t* rowIndices(const Napi::Value& value, const char* name, size_t maxLength, size_t bound,
                           size_t* length) {
  Napi::Env env = value.Env();
  const uint32_t* rows =
      static_cast<const uint32_t*>(typedArrayData(value, name, napi_uint32_array, sizeof(uint32_t), length));
  if (*length < 1 || *length > maxLength) {
    throwRangeError(env, std::string(name) + ": expected Uint32Array of length 1.." + std::to_string(maxLength) +
                             ", got length " + std::to_string(*length));
  }
  for (size_t r = 0; r < *length; ++r) {
    if (rows[r] >= bound) {
      throwRangeError(env, std::string(name) + ": expected row indices < " + std::to_string(bound) + ", got " +
                               std::to_string(rows[r]) + " at index " + std::to_string(r));
    }
  }
  return rows;
}

size_t dimension(const Napi::Value& value, const char* name, size_t max) {
  Napi::Env env = value.Env();
  if (!value.IsNumber()) {
    throwTypeError(env, std::string(name) + ": expected an integer in 1.." + std::to_string(max) + ", got " +
                            describe(value));
  }
  const double v = value.As<Napi::Number>().DoubleValue();
  if (!(v >= 1 && v <= static_cast<double>(max) && std::floor(v) == v)) {
    throwRangeError(env, std::string(name) + ": expected an integer in 1.." + std::to_string(max) + ", got " +
                             formatNumber(v));
  }
  return static_cast<size_t>(v);
}

double finiteNumber(const Napi::Value& value, const char* name, bool nonNegative) {
  Napi::Env env = value.Env();
  const char* expected = nonNegative ? "a finite number >= 0" : "a finite number";
  if (!value.IsNumber()) throwTypeError(env, std::string(name) + ": expected " + expected + ", got " + describe(value));
  const double v = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(v) || (nonNegative && v < 0)) {
    throwRangeError(env, std::string(name) + ": expected " + expected + ", got " + formatNumber(v));
  }
  return v;
}

bool boolean(const Napi::Value& value, const char* name) {
  if (!value.IsBoolean()) {
    throwTypeError(value.Env(), std::string(name) + ": expected boolean, got " + describe(value));
  }
  return value.As<Napi::Boolean>().Value();
}

Architecture layers(const Napi::Value& value, const char* name) {
  Napi::Env env = value.Env();
  if (!value.IsArray()) {
    throwTypeError(env, std::string(name) + ": expected an Array of layer sizes, got " + describe(value));
  }
  Napi::Array array = value.As<Napi::Array>();
  const uint32_t count = array.Length();
  if (count < 2) {
    throwRangeError(env, std::string(name) + ": expected at least 2 layer sizes, got " + std::to_string(count));
  }
  if (count > kMaxLayers) {
    throwRangeError(env, std::string(name) + ": expected at most " + std::to_string(kMaxLayers) +
                             " layer sizes, got " + std::to_string(count));
  }
  std::vector<size_t> sizes;
  sizes.reserve(count);
  for (uint32_t l = 0; l < count; ++l) {
    const std::string entry = std::string(name) + "[" + std::to_string(l) + "]";
    sizes.push_back(dimension(array.Get(l), entry.c_str(), kMaxDimension - 1));
  }
  std::optional<Architecture> arch = makeArchitecture(sizes);
  if (!arch) {
    throwRangeError(env, std::string(name) + ": expected a parameter count below 2^53, got a network too large");
  }
  return *arch;
}

void activations(const Napi::Value& value, const char* name, Architecture& arch) {
  if (value.IsUndefined()) return;
  Napi::Env env = value.Env();
  const std::string prefix(name);
  if (value.Type() != napi_object || value.IsArray()) {
    throwTypeError(env, prefix + ": expected an object { hidden, output, leakySlope }, got " + describe(value));
  }
  Napi::Object object = value.As<Napi::Object>();
  const size_t count = arch.layers.size() - 2;
  const std::string expectedCount = std::to_string(count) + " activation name(s), one per hidden layer";
  Napi::Value hidden = object.Get("hidden");
  if (!hidden.IsArray()) {
    throwTypeError(env, prefix + ".hidden: expected an Array of " + expectedCount + ", got " + describe(hidden));
  }
  Napi::Array names = hidden.As<Napi::Array>();
  if (names.Length() != count) {
    throwRangeError(env, prefix + ".hidden: expected " + expectedCount + ", got " + std::to_string(names.Length()));
  }
  std::vector<Hidden> parsed(count);
  for (uint32_t l = 0; l < count; ++l) {
    const std::string entry = prefix + ".hidden[" + std::to_string(l) + "]";
    parsed[l] = static_cast<Hidden>(oneOf(names.Get(l), entry, {"sigmoid", "tanh", "relu", "leaky_relu"}));
  }
  const Output output = static_cast<Output>(oneOf(object.Get("output"), prefix + ".output", {"sigmoid", "softmax"}));
  Napi::Value slope = object.Get("leakySlope");
  const std::string expectedSlope = prefix + ".leakySlope: expected a number between 0 and 1 (exclusive), got ";
  if (!slope.IsNumber()) throwTypeError(env, expectedSlope + describe(slope));
  const double alpha = slope.As<Napi::Number>().DoubleValue();
  if (!(alpha > 0.0 && alpha < 1.0)) throwRangeError(env, expectedSlope + formatNumber(alpha));
  arch.hidden = std::move(parsed);
  arch.output = output;
  arch.leakySlope = alpha;
}

Dtype dtype(const Napi::Value& value, const char* name) {
  if (value.IsUndefined()) return Dtype::float64;
  return static_cast<Dtype>(oneOf(value, name, {"float64", "float32"}));
}

void disjoint(Napi::Env env, const double* a, size_t aLength, const char* aName, const double* b, size_t bLength,
              const char* bName) {
  if (a == nullptr || b == nullptr) return;
  const auto aBegin = reinterpret_cast<uintptr_t>(a), bBegin = reinterpret_cast<uintptr_t>(b);
  const uintptr_t aEnd = aBegin + aLength * sizeof(double), bEnd = bBegin + bLength * sizeof(double);
  if (aBegin < bEnd && bBegin < aEnd) {
    throwRangeError(env, std::string(aName) + ": expected memory disjoint from " + bName +
                             ", got a view overlapping it");
  }
}

size_t product(Napi::Env env, size_t a, size_t b, const char* what) {
  std::optional<size_t> n = checkedProduct(a, b);
  if (!n) throwRangeError(env, std::string(what) + ": expected fewer than 2^53 elements, got an overflowing size");
  return *n;
}

std::string formatBytes(size_t bytes) {
  char text[64];
  const double mib = static_cast<double>(bytes) / (1024.0 * 1024.0);
  if (mib >= 1024.0) std::snprintf(text, sizeof text, "%.1f GiB", mib / 1024.0);
  else std::snprintf(text, sizeof text, "%.0f MiB", mib);
  return text;
}

void fitsInMemory(Napi::Env env, size_t bytes, const char* name, const std::string& received) {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long pageSize = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || pageSize <= 0) return;  // unknown: let the allocation decide
  const size_t physical = static_cast<size_t>(pages) * static_cast<size_t>(pageSize);
  if (bytes > physical) {
    throwRangeError(env, std::string(name) + ": expected a size that fits in this machine's " + formatBytes(physical) +
                             " of memory, got " + received + " needing " + formatBytes(bytes));
  }
}

}  // namespace backprop::checks
