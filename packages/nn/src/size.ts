import { constants as bufferConstants } from 'node:buffer';
import { totalmem } from 'node:os';
import type { BackendName } from './backend/types.js';
import { BackpropError } from './errors.js';
import type { Dtype } from './network/dtype.js';
import type { LayerSizes } from './network/layers.js';

/**
 * What a training of a network on m examples needs, computed from the shape alone BEFORE θ, the optimiser's state
 * or any workspace is allocated, so that a network too large for the machine (or for JavaScript's arrays) is
 * refused in a second with a line that says so, instead of an OOM kill or a V8 abort minutes later. The estimate
 * is meant as an upper bound within a small factor: RELIABILITY.md's size-limits section lists measured pairs.
 */

/** A network (or the work on it) is too large for this machine, for JavaScript's arrays, or for a cap. */
export class NetworkSizeError extends BackpropError {
  constructor(message: string) {
    super('ERR_NETWORK_TOO_LARGE', message);
  }
}

const grouped = (n: number): string => n.toLocaleString('en-US');

/** Longest typed array (elements): θ, the gradient and every optimiser vector are Float64Arrays of P. */
export const MAX_TYPED_ARRAY_LENGTH = bufferConstants.MAX_LENGTH;

/**
 * Longest vector the TS backend's float64 workspaces (plain arrays of doubles grown by push: Wᵀ of one layer, a
 * sub-block's activations) reach before V8 aborts the process: its elements capacity grows c → c + c/2 + 16 and
 * may not pass FixedDoubleArray's 134,217,725; the last capacity of that sequence under it is 112,813,858.
 */
export const TS_MAX_VECTOR = 112_813_858;

/** Characters a parameter may take in a model file's JSON: "-0.012345678901234567," is 22; 24 leaves room. */
export const MODEL_CHARS_PER_PARAMETER = 24;

/**
 * Characters a trained parameter takes at least, in practice: a double printed with 16–17 significant digits
 * ("0.1234567890123456,") is 19. A model above MAX_STRING_LENGTH / 19 parameters cannot be written as JSON; the
 * 999999-25-2 network (25,000,077 parameters) wrote a 504 MB file, 20.2 characters a parameter.
 */
export const MODEL_MIN_CHARS_PER_PARAMETER = 19;

/**
 * Work a gradient check may do, in multiply-adds: central differences take 2 evaluations per parameter, each about
 * P·(m + 1) (the cost over m examples and binding the network). 2·10⁹ is about 10 s on one core (100-100-10 with m = 5,
 * 1.5·10⁹, took 7.7 s; 2026-12-07).
 */
export const GRADCHECK_MAX_WORK = 2e9;

/**
 * Upper bounds of a training's budget, the most work a front end lets one training be asked for (the CLI's
 * --maxfun/--maxiter, --epochs and --batch-size, a queued job's optimizer options): past them a value is a typo, not
 * a plan. 10^7 evaluations or iterations is ~2.5 days of the seed's network at ~20 ms an evaluation (the seed runs
 * 300; scipy's L-BFGS default is 15000); 10^5 epochs is hours of MNIST even for a small network; a minibatch above
 * 10^6 rows is larger than any data set here (MNIST has 60000) and is one full batch anyway.
 */
export const MAX_EVALUATIONS = 10_000_000;
export const MAX_EPOCHS = 100_000;
export const MAX_BATCH_SIZE = 1_000_000;

/** Refuses a gradient check whose central differences would take more than GRADCHECK_MAX_WORK; before any θ exists. */
export function checkGradientCheckSize(layers: LayerSizes, m: number): void {
  let P = 0;
  for (let l = 1; l < layers.length; l++) P += layers[l] * (layers[l - 1] + 1);
  const work = 2 * P * P * (m + 1);
  if (work > GRADCHECK_MAX_WORK) {
    throw new NetworkSizeError(
      `gradient check of layers [${layers.join(', ')}]: ${grouped(P)} parameters need ${grouped(2 * P)} cost ` +
        `evaluations over m = ${grouped(m)} examples (about ${work.toExponential(1)} multiply-adds), more than the ` +
        `${GRADCHECK_MAX_WORK.toExponential(0)} a check may do (about 10 s); use smaller layers (the default 3,5,3 has ` +
        '38 parameters) or a smaller m',
    );
  }
}

/**
 * Length-n vectors each optimiser holds at once (its state and work vectors), read from its module, plus
 * DRIVER_VECTORS for the driver's copies (x0, the best point and its gradient, the result). lbfgs adds 2 per
 * (s, y) pair kept; adam/sgd add their moments and, while a checkpoint's state is taken, a copy of it.
 */
const DRIVER_VECTORS = 7;

/** What the process takes before any training (Node, the addon, OpenBLAS's buffers): 104–121 MiB measured. */
const PROCESS_BYTES = 128 * 2 ** 20;
/** A TS worker thread's own V8 isolate, before its Wᵀ and workspace. */
const WORKER_BYTES = 48 * 2 ** 20;
function optimizerVectors(method: string, options: Readonly<Record<string, unknown>>): number {
  switch (method) {
    case 'tnc': // tnc.ts: bounds, scale and offset (4), x, ∇f and outcome copies (4), scaled x/g/gOld (3),
      // pk/xTrial/gTrial/bestGrad (4), r/v/zk/emat/Hv (5); preconditioner.ts: 9
      return 29;
    case 'cg': // cg.ts: X, X0, df0, df1, df2, s and the outcome's copies
      return 8;
    case 'lbfgs': // lbfgs.ts: x, g, d, xTrial, gNew, s, y, outcome copies (2); wolfe.ts: gTrial, gBest; 2 per pair
      return 11 + 2 * (typeof options.m === 'number' ? options.m : 10);
    case 'adam': // minibatch.ts: x, grad, epochGrad, lastEpochGrad, 2 moments, and the state's copies of 4
      return 10;
    case 'sgd': // the same with 1 moment
      return 8;
    default: // a method added to the registry without an entry here: assume as much as the largest
      return 40;
  }
}

export interface TrainingSizeRequest {
  layers: LayerSizes;
  /** Examples the network is bound to. */
  m: number;
  method: string;
  /** The optimiser's options as `minimize` will get them (lbfgs's `m`, a minibatch's `batchSize`). */
  optimizer?: Readonly<Record<string, unknown>>;
  dtype?: Dtype;
  backend: BackendName;
  /** Threads an evaluation uses (TS: each has its own Wᵀ and sub-block workspace). */
  threads?: number;
}

export interface TrainingSize {
  parameters: number;
  /** Bytes, by part, and their sum (with the process's own PROCESS_BYTES). */
  vectors: number;
  workspace: number;
  data: number;
  modelText: number;
  bytes: number;
}

/**
 * Upper estimate of the memory a training of `layers` on m examples takes, by part:
 * - vectors: θ, the gradient and the optimiser's own vectors (float64), plus the backend's copies of θ (TS: a
 *   shared θ, the shards' partial gradients, and Wᵀ per thread as plain arrays that grow by up to 1.5×);
 * - workspace: activations and deltas, m × Σ widths × 2 on native (sized for m even for minibatches), a sub-block
 *   per thread on TS, and the final training-accuracy prediction (m × Σ widths, float64);
 * - data: the caller's X and Y, the backend's copies of X (native: dense, its minibatch copy and sparse forms; TS: compressed rows and
 *   columns, 12 bytes a value each) and the one-hot Y (the caller's and the backend's);
 * - modelText: the model's θ as an array and as JSON text (saveModel, checkpoints).
 */
export function trainingSize(req: TrainingSizeRequest): TrainingSize {
  const { layers, m, backend } = req;
  const element = req.dtype === 'float32' ? 4 : 8;
  const threads = Math.max(1, req.threads ?? 1);
  let P = 0;
  let widths = 0;
  for (let l = 1; l < layers.length; l++) {
    P += layers[l] * (layers[l - 1] + 1);
    widths += layers[l];
  }
  const n0 = layers[0];
  const K = layers[layers.length - 1];
  let vectors = 8 * P * (2 + DRIVER_VECTORS + optimizerVectors(req.method, req.optimizer ?? {}));
  let workspace = 0;
  let data = 8 * m * (n0 + K); // the caller's X and one-hot Y
  if (backend === 'native') {
    vectors += element === 4 ? 2 * 4 * P : 0; // θ and ∇ in float32
    vectors += 8 * P * threads; // per-thread partial sums of the sparse first layer
    // The sparse first layer (sparse_input.cc): Θ1 packed in chunks of 32 hidden units per input (a layer of 1 unit
    // takes 32), and per input column its lists' starts, positions and counts: about 200 bytes (measured with
    // 999,999 inputs and m = 2: 450 MB for binding a 999999-1-2 network, 256 MB of it the packed Θ1).
    vectors += 8 * n0 * 32 * Math.ceil(layers[1] / 32);
    data += 200 * n0;
    workspace += 2 * m * widths * element;
    workspace += 8 * m * widths; // predict() for the training accuracy, in float64
    data += m * (n0 * element * 2 + n0 * 12 * 2) + 2 * m * K * element;
  } else {
    // resident.ts: a shared θ and the shards' partial gradients; shard.ts: Wᵀ per thread, plain arrays of doubles
    // grown by push (capacity up to 1.5×, and the array it grew from is garbage until V8 collects it: 2×).
    const shards = Math.max(1, Math.min(16, Math.floor((32 << 20) / (8 * P))));
    vectors += element * P * (1 + shards) + 2 * 1.5 * 8 * P * threads;
    workspace += threads * Math.max(1 << 20, 2 * widths * element) * 1.5 + WORKER_BYTES * (threads - 1);
    // predict.ts (the training accuracy, at every reported iteration): Wᵀ, X in compressed rows and each layer's
    // m × width activations as grown arrays (2.5× with the one grown from); V8 collects the earlier iterations'
    // lazily, so count 3 of them. Measured: one predict of 400-2000-10 on 5000 examples added 289 MB of RSS, and
    // with 2 the estimate of that training (tnc, 2 threads) was 10% under its peak RSS.
    workspace += 3 * (2.5 * 8 * m * widths + 1.5 * 8 * P + 12 * m * n0);
    data += 2 * m * n0 * 12 + m * K * element;
  }
  const modelText = P * (8 + 2 * MODEL_CHARS_PER_PARAMETER);
  const bytes = PROCESS_BYTES + vectors + workspace + data + modelText;
  return { parameters: P, vectors, workspace, data, modelText, bytes };
}

const BYTE_UNITS: Readonly<Record<string, number>> = {
  '': 1, b: 1, k: 2 ** 10, kb: 2 ** 10, kib: 2 ** 10, m: 2 ** 20, mb: 2 ** 20, mib: 2 ** 20,
  g: 2 ** 30, gb: 2 ** 30, gib: 2 ** 30, t: 2 ** 40, tb: 2 ** 40, tib: 2 ** 40,
};

/**
 * A size as people write it → bytes: a count, or a number with a binary unit ("16mb" as express.json reads it,
 * "8GiB", "1.5g"; powers of 1024, any case, spaces allowed). Undefined for anything else or below one byte; callers
 * say what they wanted (the server's --body-limit, a worker's --memory).
 */
export function parseBytes(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? BYTE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) return undefined;
  const bytes = Math.floor(Number(m[1]) * unit);
  return Number.isSafeInteger(bytes) && bytes >= 1 ? bytes : undefined;
}

/** "1.5 GiB", "12 MiB" (as core-native's formatBytes writes them). */
export function formatBytes(bytes: number): string {
  const mib = bytes / 2 ** 20;
  return mib >= 1024 ? `${(mib / 1024).toFixed(1)} GiB` : `${mib.toFixed(0)} MiB`;
}

/** This machine's physical memory in bytes (what core-native's fitsInMemory compares with). */
export function machineMemory(): number {
  return totalmem();
}

/**
 * Refuses, before anything is allocated, a training the arrays cannot hold or the machine's memory cannot:
 * NetworkSizeError (ERR_NETWORK_TOO_LARGE) naming the layers, the parameter count, the estimate and what to do.
 * `memory` (bytes) defaults to the machine's. Returns the estimate.
 */
export function checkTrainingSize(req: TrainingSizeRequest, memory = machineMemory()): TrainingSize {
  const { layers, m } = req;
  const size = trainingSize(req);
  const P = size.parameters;
  const net = `layers [${layers.join(', ')}]`;
  const smaller = 'use smaller hidden layers';
  if (P > MAX_TYPED_ARRAY_LENGTH) {
    throw new NetworkSizeError(
      `${net}: ${grouped(P)} parameters, more than the ${grouped(MAX_TYPED_ARRAY_LENGTH)} a Float64Array can hold; ${smaller}`,
    );
  }
  if (size.bytes > memory) {
    throw new NetworkSizeError(
      `${net}: training ${grouped(P)} parameters with ${req.method} on ${grouped(m)} examples needs about ` +
        `${formatBytes(size.bytes)} (θ, gradient and optimiser ${formatBytes(size.vectors)}, activations and deltas ` +
        `${formatBytes(size.workspace)}, data ${formatBytes(size.data)}, model text ${formatBytes(size.modelText)}), ` +
        `more than this machine's ${formatBytes(memory)} of memory; ${smaller} or fewer examples`,
    );
  }
  if (req.backend === 'ts' && req.dtype !== 'float32') {
    for (let l = 1; l < layers.length; l++) {
      const weights = layers[l] * layers[l - 1];
      if (weights > TS_MAX_VECTOR) {
        throw new NetworkSizeError(
          `${net}: layer ${l}'s ${grouped(layers[l - 1])} × ${grouped(layers[l])} weights are more than the ` +
            `${grouped(TS_MAX_VECTOR)} the TS backend's float64 arrays can hold; ${smaller} (or the native backend)`,
        );
      }
      // predict.ts keeps each layer's activations for all m examples in one such array
      if (m * layers[l] > TS_MAX_VECTOR) {
        throw new NetworkSizeError(
          `${net}: layer ${l}'s ${grouped(layers[l])} units × ${grouped(m)} examples are more activations than the ` +
            `${grouped(TS_MAX_VECTOR)} the TS backend's float64 arrays can hold; ${smaller}, fewer examples or the native backend`,
        );
      }
    }
  }
  if (P * MODEL_MIN_CHARS_PER_PARAMETER > bufferConstants.MAX_STRING_LENGTH) {
    const most = Math.floor(bufferConstants.MAX_STRING_LENGTH / MODEL_MIN_CHARS_PER_PARAMETER);
    throw new NetworkSizeError(
      `${net}: ${grouped(P)} parameters, more than the ${grouped(most)} a model file's JSON text can hold ` +
        `(a JavaScript string is at most ${formatBytes(bufferConstants.MAX_STRING_LENGTH)}); ${smaller}`,
    );
  }
  return size;
}
