#include "predict.h"

#include <algorithm>
#include <new>
#include <type_traits>
#include <vector>

#include "activation.h"
#include "architecture.h"
#include "checks.h"
#include "gemm.h"
#include "layout.h"

namespace backprop {

namespace {

// Rows per forward chunk: bounds the workspace however large X is.
constexpr size_t kChunkRows = 1024;

struct PredictArgs {
  Architecture arch;
  Dtype dtype = Dtype::float64;
  size_t m = 0;
  const double* theta = nullptr;
  const double* X = nullptr;
  double* out = nullptr;
  size_t xLength = 0, outLength = 0;
};

PredictArgs readArgs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  PredictArgs a;
  a.arch = checks::layers(info[0], "layers");
  checks::activations(info[5], "activations", a.arch);
  a.dtype = checks::dtype(info[6], "dtype");
  a.m = checks::dimension(info[3], "m");
  a.xLength = checks::product(env, a.m, a.arch.inputs(), "X");
  a.outLength = checks::product(env, a.m, a.arch.outputs(), "out");
  a.theta = checks::float64Array(info[1], "theta", a.arch.parameterCount);
  a.X = checks::float64Array(info[2], "X", a.xLength);
  a.out = checks::float64Array(info[4], "out", a.outLength);
  checks::disjoint(env, a.out, a.outLength, "out", a.theta, a.arch.parameterCount, "theta");
  checks::disjoint(env, a.out, a.outLength, "out", a.X, a.xLength, "X");
  return a;
}

// The float64 caller's buffers as a pass of element type T reads and writes them: used in place for double; for
// float, rounded copies in (theta, each chunk of X) and a float chunk of h widened out.
const double* elements(const double* values, size_t, std::vector<double>&) { return values; }
const float* elements(const double* values, size_t count, std::vector<float>& copy) {
  convert(values, count, copy.data());
  return copy.data();
}
double* outputRows(double* out, std::vector<double>&) { return out; }
float* outputRows(double*, std::vector<float>& rows) { return rows.data(); }
void widenRows(const std::vector<double>&, size_t, double*) {}
void widenRows(const std::vector<float>& rows, size_t count, double* out) { convert(rows.data(), count, out); }

// h for every row of X (row-major, m x s_0), kChunkRows rows at a time, by rows as X and h are laid out:
// Z = A W^T + b for each layer (W = Theta[:, 1:] read in place, leading dimension s_in + 1), then the layer's
// activation; the last layer's Z is h's rows (sigmoids, or softmax rows). Nothing is transposed. In T: double
// (dgemm), or float (sgemm, theta and each chunk of X rounded to float first).
template <class T>
void predictAll(const Architecture& arch, const double* theta64, const double* X, size_t m, double* out) {
  const size_t L = arch.depth();
  const size_t capacity = std::min(m, kChunkRows);
  size_t widest = 0;
  for (size_t l = 1; l < L; ++l) widest = std::max(widest, arch.layers[l]);
  std::vector<T> even(capacity * widest), odd(capacity * widest);  // hidden layers, alternating
  const bool rounded = !std::is_same<T, double>::value;            // the float copies, empty for double
  std::vector<T> thetaCopy(rounded ? arch.parameterCount : 0);
  std::vector<T> chunk(rounded ? capacity * arch.inputs() : 0), hRows(rounded ? capacity * arch.outputs() : 0);
  const T* theta = elements(theta64, arch.parameterCount, thetaCopy);
  for (size_t first = 0; first < m; first += kChunkRows) {
    const size_t rows = std::min(kChunkRows, m - first);
    const T* A = elements(X + first * arch.inputs(), rows * arch.inputs(), chunk);
    for (size_t l = 0; l < L; ++l) {
      const size_t sIn = arch.layers[l], sOut = arch.layers[l + 1];
      const T* Theta = theta + arch.thetaOffset[l];
      T* Z = l + 1 == L ? outputRows(out + first * sOut, hRows) : (l % 2 == 0 ? even : odd).data();
      for (size_t r = 0; r < rows; ++r) {
        for (size_t j = 0; j < sOut; ++j) Z[r * sOut + j] = Theta[j * (sIn + 1)];
      }
      gemm(CblasNoTrans, CblasTrans, rows, sOut, sIn, T(1), A, sIn, Theta + 1, sIn + 1, T(1), Z, sOut);
      if (l + 1 < L) {
        activate(arch.hidden[l], arch.leakySlope, Z, rows * sOut);
      } else {
        outputActivationRows(arch.output, Z, rows, sOut);
      }
      A = Z;
    }
    widenRows(hRows, rows * arch.outputs(), out + first * arch.outputs());
  }
}

void predictAll(const Architecture& arch, Dtype dtype, const double* theta, const double* X, size_t m, double* out) {
  if (dtype == Dtype::float32) return predictAll<float>(arch, theta, X, m, out);
  predictAll<double>(arch, theta, X, m, out);
}

// Owns copies of theta and X and its own output; writes the caller's out (held by reference) in OnOK.
class PredictWorker : public Napi::AsyncWorker {
 public:
  PredictWorker(Napi::Env env, const PredictArgs& a, Napi::Value out)
      : Napi::AsyncWorker(env, "backprop.predictAsync"),
        deferred_(Napi::Promise::Deferred::New(env)),
        arch_(a.arch),
        dtype_(a.dtype),
        m_(a.m),
        theta_(a.theta, a.theta + a.arch.parameterCount),
        X_(a.X, a.X + a.xLength),
        result_(a.outLength),
        out_(Napi::Persistent(out.As<Napi::Object>())) {}

  Napi::Promise promise() const { return deferred_.Promise(); }

  void Execute() override {
    try {
      predictAll(arch_, dtype_, theta_.data(), X_.data(), m_, result_.data());
    } catch (const std::bad_alloc&) {
      SetError("layers: cannot allocate the prediction workspace");
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    try {
      double* out = checks::float64Array(out_.Value(), "out", result_.size());
      std::copy(result_.begin(), result_.end(), out);
      deferred_.Resolve(env.Undefined());
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Architecture arch_;
  Dtype dtype_;
  size_t m_;
  std::vector<double> theta_, X_, result_;
  Napi::ObjectReference out_;
};

}  // namespace

Napi::Value Predict(const Napi::CallbackInfo& info) {
  PredictArgs a = readArgs(info);
  try {
    predictAll(a.arch, a.dtype, a.theta, a.X, a.m, a.out);
  } catch (const std::bad_alloc&) {
    checks::throwRangeError(info.Env(), "layers: cannot allocate the prediction workspace");
  }
  return info.Env().Undefined();
}

Napi::Value PredictAsync(const Napi::CallbackInfo& info) {
  PredictArgs a = readArgs(info);
  PredictWorker* worker = nullptr;
  try {
    worker = new PredictWorker(info.Env(), a, info[4]);
  } catch (const std::bad_alloc&) {
    checks::throwRangeError(info.Env(), "X: cannot allocate the copies of an async predict");
  }
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

}  // namespace backprop
