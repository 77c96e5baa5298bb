#include "native_network.h"

#include <algorithm>
#include <new>
#include <string>
#include <thread>

#include <cblas.h>

#include "activation.h"
#include "checks.h"
#include "dense_pass.h"
#include "elementwise.h"
#include "float32_set.h"
#include "layout.h"
#include "sparse_pass.h"

namespace backprop {

namespace {

// The threads of the sparse pass: as many as OpenBLAS is set to use (setThreads), at most the cores.
size_t sparseThreads() {
  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  return std::min(cores, static_cast<size_t>(std::max(1, openblas_get_num_threads())));
}

}  // namespace

// ---- Float64Set -----------------------------------------------------------------------------------

Float64Set::Float64Set(Architecture architecture, size_t examples, const double* X, const double* Y)
    : TrainingSet(std::move(architecture), examples),
      Yt_(examples * arch.outputs()),
      ws_(arch, examples) {
  transpose(Y, m, arch.outputs(), Yt_.data());
  try {  // the sparse copy is an optimisation: without the memory for it, the dense products still work
    if (sparse_.build(X, m, arch.inputs(), arch.layers[1], pool_, sparseThreads())) {
      deltaRows_.assign(m * SparseInput::paddedWidth(arch.layers[1]) + 7, 0.0);
      partials_.assign(partialDoubles(arch, m), 0.0);
    }
  } catch (const std::bad_alloc&) {
    sparse_ = SparseInput();
    std::vector<double>().swap(deltaRows_);
    std::vector<double>().swap(partials_);
  }
  if (sparse_.empty()) {
    Xt_.resize(m * arch.inputs());
    transpose(X, m, arch.inputs(), Xt_.data());
  }
}

const double* Float64Set::denseX() {
  if (Xt_.empty() && m * arch.inputs() > 0) {
    std::vector<double> Xt(m * arch.inputs());
    sparse_.transposedX(Xt.data());
    Xt_.swap(Xt);
  }
  return Xt_.data();
}

void Float64Set::reserveBatch(size_t count) {
  // Grown to the largest batch seen (a minibatch of 128 rows needs 128 columns, not m).
  if (XtBatch_.size() < count * arch.inputs()) XtBatch_.resize(count * arch.inputs());
  if (YtBatch_.size() < count * arch.outputs()) YtBatch_.resize(count * arch.outputs());
}

size_t Float64Set::bytes() const {
  const size_t doubles = Xt_.size() + Yt_.size() + XtBatch_.size() + YtBatch_.size() + deltaRows_.size() +
                         partials_.size();
  return doubles * sizeof(double) + ws_.bytes() + sparse_.bytes();
}

double Float64Set::costGradient(const double* theta, double lambda, double* grad, const uint32_t* rows,
                                size_t count) {
  // The one place the dense or the sparse pass is chosen. Skipping zero inputs equals the dense products only for
  // finite weights (0 * inf is NaN).
  const bool sparse = !sparse_.empty() && allFinite(theta, arch.parameterCount);
  if (rows == nullptr) {
    if (!sparse) return denseCostGradient(arch, theta, lambda, Inputs<double>{denseX(), false}, Yt_.data(), m, ws_, grad);
    sparse_.select(nullptr, m);
    return sparseCostGradient(theta, lambda, Yt_.data(), m, grad);
  }
  gatherColumns(Yt_.data(), arch.outputs(), m, rows, count, YtBatch_.data());
  // A minibatch through the sparse first layer: its rows' non-zeros gathered from the by-example copy.
  if (sparse && partialDoubles(arch, count) <= partials_.size() && sparse_.select(rows, count)) {
    return sparseCostGradient(theta, lambda, YtBatch_.data(), count, grad);
  }
  gatherColumns(denseX(), arch.inputs(), m, rows, count, XtBatch_.data());
  return denseCostGradient(arch, theta, lambda, Inputs<double>{XtBatch_.data(), false}, YtBatch_.data(), count, ws_,
                           grad);
}

double Float64Set::sparseCostGradient(const double* theta, double lambda, const double* Yt, size_t n,
                                      double* grad) {
  // The threads after the first from the network's pool (started on the first call that needs them).
  const size_t threads = pool_.reserve(sparseThreads());
  const SparseFirstLayer sparse{&sparse_, SparseInput::aligned(deltaRows_), partials_.data(), &pool_, threads};
  return backprop::sparseCostGradient(arch, theta, lambda, Yt, n, ws_, grad, sparse);
}

void Float64Set::feedForward(const double* theta, double* out) {
  double* zT = ws_.delta[arch.depth()].data();  // s_L x m scratch
  backprop::feedForward(arch, theta, Inputs<double>{denseX(), false}, m, ws_, zT);
  transpose(zT, arch.outputs(), m, out);
  outputActivationRows(arch.output, out, m, arch.outputs());
}

// ---- async costGradient ---------------------------------------------------------------------------

namespace {

// When the dense products need X^T (see Float64Set::denseX) and it cannot be allocated.
const char* const kNoDenseCopy =
    "theta: cannot allocate the dense copy of X that non-finite weights, this minibatch or feedForward need";

// The worker owns copies of theta and rows and its own gradient buffer; the caller's grad is held by a
// reference (so it cannot be collected) and written on the main thread in OnOK.
class CostGradientWorker : public Napi::AsyncWorker {
 public:
  CostGradientWorker(Napi::Env env, std::shared_ptr<TrainingSet> set, const double* theta, double lambda,
                     Napi::Value grad, const uint32_t* rows, size_t count)
      : Napi::AsyncWorker(env, "backprop.costGradientAsync"),
        deferred_(Napi::Promise::Deferred::New(env)),
        set_(std::move(set)),
        theta_(theta, theta + set_->arch.parameterCount),
        result_(set_->arch.parameterCount),
        rows_(rows, rows + count),
        lambda_(lambda),
        grad_(Napi::Persistent(grad.As<Napi::Object>())) {}

  Napi::Promise promise() const { return deferred_.Promise(); }

  void Execute() override {
    try {
      cost_ = set_->costGradient(theta_.data(), lambda_, result_.data(), rows_.empty() ? nullptr : rows_.data(),
                                 rows_.size());
    } catch (const std::bad_alloc&) {
      SetError(kNoDenseCopy);
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    set_->busy = false;
    try {
      // The caller may have detached or shrunk grad while we ran: check it again before writing.
      double* grad = checks::float64Array(grad_.Value(), "grad", result_.size());
      std::copy(result_.begin(), result_.end(), grad);
      deferred_.Resolve(Napi::Number::New(env, cost_));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }

  void OnError(const Napi::Error& e) override {
    set_->busy = false;
    deferred_.Reject(e.Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::shared_ptr<TrainingSet> set_;
  std::vector<double> theta_, result_;
  std::vector<uint32_t> rows_;
  double lambda_;
  double cost_ = 0.0;
  Napi::ObjectReference grad_;
};

}  // namespace

// ---- NativeNetwork --------------------------------------------------------------------------------

Napi::Function NativeNetwork::Define(Napi::Env env) {
  return DefineClass(env, "NativeNetwork",
                     {
                         InstanceAccessor<&NativeNetwork::Layers>("layers"),
                         InstanceAccessor<&NativeNetwork::Rows>("m"),
                         InstanceAccessor<&NativeNetwork::ParameterCount>("parameterCount"),
                         InstanceMethod<&NativeNetwork::CostGradient>("costGradient"),
                         InstanceMethod<&NativeNetwork::CostGradientAsync>("costGradientAsync"),
                         InstanceMethod<&NativeNetwork::FeedForward>("feedForward"),
                         InstanceMethod<&NativeNetwork::Dispose>("dispose"),
                     });
}

// new NativeNetwork(layers, X, Y, m, activations?, dtype?)
NativeNetwork::NativeNetwork(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeNetwork>(info) {
  Napi::Env env = info.Env();
  Architecture arch = checks::layers(info[0], "layers");
  checks::activations(info[4], "activations", arch);
  const Dtype dtype = checks::dtype(info[5], "dtype");
  const size_t m = checks::dimension(info[3], "m");
  const size_t xLength = checks::product(env, m, arch.inputs(), "X");
  const size_t yLength = checks::product(env, m, arch.outputs(), "Y");
  const double* X = checks::float64Array(info[1], "X", xLength);
  const double* Y = checks::float64Array(info[2], "Y", yLength);

  const size_t element = dtype == Dtype::float32 ? sizeof(float) : sizeof(double);
  const size_t workspace = workspaceBytes(arch, m, element);
  if (workspace == 0) checks::throwRangeError(env, "m: expected a workspace below 2^53 bytes, got an overflowing size");
  const size_t needed = workspace + (xLength + yLength) * element;  // both < 2^53: no overflow
  const std::string request = std::to_string(m) + " rows";
  checks::fitsInMemory(env, needed, "m", request);
  try {
    if (dtype == Dtype::float32) {
      set_ = std::make_shared<Float32Set>(arch, m, X, Y);
    } else {
      set_ = std::make_shared<Float64Set>(arch, m, X, Y);
    }
  } catch (const std::exception&) {  // std::bad_alloc, std::length_error
    checks::throwRangeError(env, "m: cannot allocate the " + checks::formatBytes(needed) +
                                     " of resident data and workspace for " + request);
  }
  arch_ = std::move(arch);
  m_ = m;
  reportMemory(env, static_cast<int64_t>(set_->bytes()));
}

NativeNetwork::~NativeNetwork() { reportMemory(Env(), 0); }

void NativeNetwork::reportMemory(Napi::BasicEnv env, int64_t bytes) {
  if (bytes == reportedBytes_) return;
  Napi::MemoryManagement::AdjustExternalMemory(env, bytes - reportedBytes_);
  reportedBytes_ = bytes;
}

TrainingSet& NativeNetwork::usable(Napi::Env env, const char* method) {
  if (!set_) {
    checks::throwCodedError(env, "ERR_DISPOSED", std::string("NativeNetwork.") + method + ": the network was disposed");
  }
  if (set_->busy) {
    checks::throwCodedError(env, "ERR_BUSY", std::string("NativeNetwork.") + method +
                                                 ": a costGradientAsync call on this network is still in flight; "
                                                 "await it first");
  }
  return *set_;
}

Napi::Value NativeNetwork::Layers(const Napi::CallbackInfo& info) {
  Napi::Array layers = Napi::Array::New(info.Env(), arch_.layers.size());
  for (uint32_t l = 0; l < arch_.layers.size(); ++l) {
    layers.Set(l, Napi::Number::New(info.Env(), static_cast<double>(arch_.layers[l])));
  }
  return layers;
}

Napi::Value NativeNetwork::Rows(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(m_));
}

Napi::Value NativeNetwork::ParameterCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(arch_.parameterCount));
}

NativeNetwork::CostArgs NativeNetwork::costArgs(const Napi::CallbackInfo& info, TrainingSet& set) {
  Napi::Env env = info.Env();
  const size_t P = set.arch.parameterCount;
  CostArgs args{};
  args.theta = checks::float64Array(info[0], "theta", P);
  args.lambda = checks::finiteNumber(info[1], "lambda", true);
  args.grad = checks::float64Array(info[2], "grad", P);
  checks::disjoint(env, args.grad, P, "grad", args.theta, P, "theta");
  args.count = set.m;
  if (!info[3].IsUndefined()) {
    args.rows = checks::rowIndices(info[3], "rows", set.m, set.m, &args.count);
    try {
      set.reserveBatch(args.count);
    } catch (const std::bad_alloc&) {
      checks::throwRangeError(env, "rows: cannot allocate the minibatch buffers for " + std::to_string(args.count) +
                                       " rows");
    }
    reportMemory(env, static_cast<int64_t>(set.bytes()));
  }
  return args;
}

// costGradient(theta, lambda, grad, rows?) -> J
Napi::Value NativeNetwork::CostGradient(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  TrainingSet& set = usable(env, "costGradient");
  const CostArgs a = costArgs(info, set);
  double J = 0.0;
  try {
    J = set.costGradient(a.theta, a.lambda, a.grad, a.rows, a.count);
  } catch (const std::bad_alloc&) {
    checks::throwRangeError(env, kNoDenseCopy);
  }
  reportMemory(env, static_cast<int64_t>(set.bytes()));
  return Napi::Number::New(env, J);
}

// costGradientAsync(theta, lambda, grad, rows?) -> Promise<J>
Napi::Value NativeNetwork::CostGradientAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  TrainingSet& set = usable(env, "costGradientAsync");
  const CostArgs a = costArgs(info, set);
  CostGradientWorker* worker = nullptr;
  try {  // the worker's own copies of theta and rows, and its gradient buffer
    worker = new CostGradientWorker(env, set_, a.theta, a.lambda, info[2], a.rows, a.rows ? a.count : 0);
  } catch (const std::bad_alloc&) {
    checks::throwRangeError(env, "theta: cannot allocate the buffers of an async costGradient");
  }
  Napi::Promise promise = worker->promise();
  set.busy = true;
  worker->Queue();
  return promise;
}

// feedForward(theta, out): h for the resident X into out (m x K)
Napi::Value NativeNetwork::FeedForward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  TrainingSet& set = usable(env, "feedForward");
  const size_t P = set.arch.parameterCount;
  const double* theta = checks::float64Array(info[0], "theta", P);
  const size_t outLength = set.m * set.arch.outputs();
  double* out = checks::float64Array(info[1], "out", outLength);
  checks::disjoint(env, out, outLength, "out", theta, P, "theta");
  try {
    set.feedForward(theta, out);
  } catch (const std::bad_alloc&) {
    checks::throwRangeError(env, kNoDenseCopy);
  }
  reportMemory(env, static_cast<int64_t>(set.bytes()));
  return env.Undefined();
}

// dispose(): drops the resident data now (or when an in-flight async job finishes); later calls throw.
Napi::Value NativeNetwork::Dispose(const Napi::CallbackInfo& info) {
  set_.reset();
  reportMemory(info.Env(), 0);
  return info.Env().Undefined();
}

}  // namespace backprop
