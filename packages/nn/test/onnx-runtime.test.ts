// The ONNX export run by ONNX Runtime: onnxruntime-web (WebAssembly, in Node, one thread) loads the exported bytes
// and evaluates 1,000 digits of digits5000; its outputs must be the library's of the same names, within 1e-12 for a
// float64 export and 1e-5 for float32: `scores` the output activations (Classifier.predictScores), `probabilities`
// Classifier.predictProba (a sigmoid network's scores normalised to sum 1, a softmax's outputs), and `class` the
// class name predict picks, for every digit: the course's ex4 weights (the seed's network), and random networks of
// every hidden activation × output.
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '../src/errors.js';
import { DIGIT_LABEL_NAMES } from '../src/data/dataset.js';
import { loadDigits5000 } from '../src/data/digits5000.js';
import { readMatFile } from '../src/data/index.js';
import type { Matrix } from '../src/matrix.js';
import type { Model } from '../src/model/model.js';
import { exportOnnx, type OnnxDtype } from '../src/model/onnx/export.js';
import { HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, type Activations } from '../src/network/activations.js';
import { parameterCount } from '../src/network/layers.js';
import { serialize } from '../src/network/serialize.js';
import { Rng } from '../src/random.js';
import { predict, scores } from '../src/predict.js';
import { Classifier } from '../src/classifier.js';
import { fixture } from './helpers.js';

ort.env.wasm.numThreads = 1; // no worker threads: the tests share two cores

/** Every fifth digit of digits5000: 1,000 digits, 100 of each class. */
function thousandDigits(): Matrix {
  const d = loadDigits5000();
  const n = d.X.cols;
  const data = new Float64Array(1000 * n);
  for (let i = 0; i < 1000; i++) data.set(d.X.data.subarray(i * 5 * n, (i * 5 + 1) * n), i * n);
  return { rows: 1000, cols: n, data };
}

interface OnnxOutputs {
  probabilities: Float64Array | Float32Array;
  scores: Float64Array | Float32Array;
  classes: string[];
  indices: BigInt64Array;
}

async function runOnnx(bytes: Uint8Array, X: Matrix, dtype: OnnxDtype): Promise<OnnxOutputs> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const data = dtype === 'float64' ? X.data : Float32Array.from(X.data);
    const out = await session.run({ input: new ort.Tensor(dtype, data, [X.rows, X.cols]) });
    expect(out.probabilities.type).toBe(dtype);
    expect(out.probabilities.dims).toEqual([X.rows, out.probabilities.dims[1]]);
    expect(out.scores.type).toBe(dtype);
    expect(out.scores.dims).toEqual(out.probabilities.dims);
    return {
      probabilities: out.probabilities.data as Float64Array | Float32Array,
      scores: out.scores.data as Float64Array | Float32Array,
      classes: out.class.data as string[],
      indices: out.class_index.data as BigInt64Array,
    };
  } finally {
    await session.release();
  }
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

const TOLERANCE: Record<OnnxDtype, number> = { float64: 1e-6, float32: 1e-5 };

/**
 * Exports `model`, runs it on X with ONNX Runtime, and compares each output with the library's output of that name
 * (Classifier.predictScores, predictProba, predict); returns the largest difference.
 */
async function agreement(model: Model, X: Matrix, dtype: OnnxDtype): Promise<number> {
  const { layers, theta, activations } = model;
  // the library as a user calls it: the native backend where it loads (native = TS ≤ 1e-12 is tested beside it)
  const classifier = Classifier.fromModel(model);
  const h = classifier.predictScores(X);
  const p = classifier.predictProba(X);
  const labels = predict(theta, X, { layers, activations });
  const got = await runOnnx(exportOnnx(model, { dtype }), X, dtype);
  const worst = Math.max(maxAbsDiff(got.scores, h.data), maxAbsDiff(got.probabilities, p.data));
  expect(worst).toBeLessThanOrEqual(TOLERANCE[dtype]);
  expect(got.classes).toEqual(Array.from(labels, (k) => model.labelNames[k - 1]));
  expect(Array.from(got.indices, Number)).toEqual(Array.from(labels, (k) => k - 1));
  return worst;
}

/** Every row of a K-column matrix sums to 1 within `tol`. */
function rowsSumToOne(data: ArrayLike<number>, K: number, tol: number): boolean {
  for (let o = 0; o < data.length; o += K) {
    let sum = 0;
    for (let k = 0; k < K; k++) sum += data[o + k];
    if (Math.abs(sum - 1) > tol) return false;
  }
  return true;
}

describe('ONNX export run by onnxruntime-web matches predict on 1,000 digits', () => {
  let X: Matrix;
  let seed: Model;
  beforeAll(() => {
    X = thousandDigits();
    const mat = readMatFile(fixture('ex4weights.mat'));
    const T1 = mat.variables.get('Theta1')!.matrix as Matrix;
    const T2 = mat.variables.get('Theta2')!.matrix as Matrix;
    seed = { layers: [400, 25, 10], theta: serialize(T1, T2), labelNames: [...DIGIT_LABEL_NAMES] };
  });

  it('the seed network (the course’s ex4 weights), float64: double precision end to end', async () => {
    const worst = await agreement(seed, X, 'float64');
    // a float64 graph computed in double differs from predict by summation order alone, far below float32's 1e-7
    expect(worst).toBeLessThan(1e-12);
  });

  it('the seed network, float32', async () => {
    const worst = await agreement(seed, X, 'float32');
    expect(worst).toBeGreaterThan(0); // really single precision
  });

  it('the seed network: probabilities are the scores normalised (rows sum to 1), not the raw sigmoids', async () => {
    for (const dtype of ['float64', 'float32'] as OnnxDtype[]) {
      const got = await runOnnx(exportOnnx(seed, { dtype }), X, dtype);
      expect(rowsSumToOne(got.probabilities, 10, 1e-6)).toBe(true);
      expect(rowsSumToOne(got.scores, 10, 1e-6)).toBe(false); // independent sigmoids need not sum to 1
      // row 0 (a 0): the normalised probability of its class is its score over the row's sum
      let sum = 0;
      for (let k = 0; k < 10; k++) sum += got.scores[k];
      expect(got.probabilities[9]).toBeCloseTo(got.scores[9] / sum, 6);
      expect(got.probabilities[9]).toBeLessThan(got.scores[9]);
    }
  });
});

/**
 * A network of `layers` with Glorot-uniform random weights (fixed seed) and random biases, so that every unit's
 * weighted sum spreads across both signs over the digits (relu's and leaky_relu's two branches both run).
 */
function randomModel(layers: number[], activations: Activations, seed: number): Model {
  const rng = new Rng(seed);
  const theta = new Float64Array(parameterCount(layers));
  let off = 0;
  for (let l = 1; l < layers.length; l++) {
    const limit = Math.sqrt(6 / (layers[l - 1] + layers[l]));
    for (let r = 0; r < layers[l]; r++) {
      theta[off++] = rng.uniform(-0.5, 0.5);
      for (let c = 0; c < layers[l - 1]; c++) theta[off++] = rng.uniform(-limit, limit) * 3;
    }
  }
  return { layers, theta, labelNames: Array.from({ length: layers[layers.length - 1] }, (_, k) => `class ${k + 1}`), activations };
}

describe('every hidden activation × output, and mixed deep networks: ONNX Runtime matches predict', () => {
  let X: Matrix;
  beforeAll(() => {
    X = thousandDigits();
  });

  const cases: [string, number[], Activations][] = [];
  for (const output of OUTPUT_ACTIVATIONS) {
    for (const hidden of HIDDEN_ACTIVATIONS) cases.push([`${hidden} → ${output}`, [400, 25, 10], { hidden: [hidden], output, leakySlope: 0.05 }]);
  }
  cases.push(['relu, tanh → softmax', [400, 30, 20, 10], { hidden: ['relu', 'tanh'], output: 'softmax', leakySlope: 0.01 }]);
  cases.push(['leaky_relu (0.3), sigmoid → sigmoid', [400, 30, 20, 10], { hidden: ['leaky_relu', 'sigmoid'], output: 'sigmoid', leakySlope: 0.3 }]);

  cases.forEach(([title, layers, activations], i) => {
    it(`${title}: float64 within 1e-12, float32 within 1e-5, the same classes`, async () => {
      const model = randomModel(layers, activations, 100 + i);
      expect(await agreement(model, X, 'float64')).toBeLessThan(1e-12);
      await agreement(model, X, 'float32');
    });
  });

  it('a sigmoid output whose every unit underflows to 0: probabilities 1/K each, as predictProba, class the first', async () => {
    const model = randomModel([400, 25, 10], { hidden: ['tanh'], output: 'sigmoid', leakySlope: 0.01 }, 7);
    const off = 25 * 401;
    for (let r = 0; r < 10; r++) model.theta[off + r * 26] = -2000; // output bias: z ≤ −1975, sigmoid(z) = 0 in double
    const small: Matrix = { rows: 5, cols: X.cols, data: X.data.slice(0, 5 * X.cols) };
    for (const dtype of ['float64', 'float32'] as OnnxDtype[]) {
      await agreement(model, small, dtype);
      const got = await runOnnx(exportOnnx(model, { dtype }), small, dtype);
      expect(Array.from(got.scores)).toEqual(new Array(50).fill(0));
      expect(Array.from(got.probabilities)).toEqual(new Array(50).fill(dtype === 'float64' ? 0.1 : Math.fround(0.1)));
      expect(got.classes).toEqual(new Array(5).fill('class 1'));
    }
  });

  it('the random networks are not degenerate: both branches of relu run, and the classes vary', () => {
    const model = randomModel([400, 25, 10], { hidden: ['relu'], output: 'softmax', leakySlope: 0.01 }, 100);
    const z = scores(model.theta.subarray(0, 25 * 401), X, { layers: [400, 25] });
    const positive = z.data.filter((v) => v > 0.5).length / z.data.length; // sigmoid(z) > 0.5 ⇔ z > 0
    expect(positive).toBeGreaterThan(0.2);
    expect(positive).toBeLessThan(0.8);
    const labels = predict(model.theta, X, { layers: model.layers, activations: model.activations });
    expect(new Set(labels).size).toBeGreaterThan(3);
  });
});

describe('exportOnnx refuses bad input with a typed one-line error', () => {
  const model: Model = { layers: [2, 2, 2], theta: new Float64Array(12), labelNames: ['a', 'b'] };

  it('an unknown activation, names of the wrong count, a slope out of range', () => {
    const bad = (activations: unknown) => () => exportOnnx({ ...model, activations } as Model);
    expect(bad({ hidden: ['swish'], output: 'sigmoid', leakySlope: 0.01 })).toThrow(InvalidArgumentError);
    expect(bad({ hidden: ['swish'], output: 'sigmoid', leakySlope: 0.01 })).toThrow(/model\.activations\.hidden\[0\]: expected one of sigmoid, tanh, relu, leaky_relu, got "swish"/);
    expect(bad({ hidden: ['relu'], output: 'linear', leakySlope: 0.01 })).toThrow(/model\.activations\.output: .*got "linear"/);
    expect(bad({ hidden: [], output: 'sigmoid', leakySlope: 0.01 })).toThrow(/expected 1 activation\(s\)/);
    expect(bad({ hidden: ['leaky_relu'], output: 'sigmoid', leakySlope: 1 })).toThrow(/leakySlope/);
    expect(bad('relu')).toThrow(InvalidArgumentError);
  });

  it('a dtype other than float64 and float32', () => {
    for (const dtype of ['float16', 'double', '', 64]) {
      expect(() => exportOnnx(model, { dtype } as never)).toThrow(InvalidArgumentError);
    }
    expect(() => exportOnnx(model, { dtype: 'float16' } as never)).toThrow('dtype: expected one of float64, float32, got "float16"');
  });

  it('parameters that do not fit the layers, class names that do not fit the outputs, weights beyond float32', () => {
    expect(() => exportOnnx({ ...model, theta: new Float64Array(11) })).toThrow(ShapeError);
    expect(() => exportOnnx({ ...model, theta: Float64Array.of(NaN, ...new Array(11).fill(0)) })).toThrow(ShapeError);
    expect(() => exportOnnx({ ...model, labelNames: ['a'] })).toThrow(/model\.labelNames: expected 2 strings/);
    expect(() => exportOnnx({ ...model, layers: [2, 0, 2] })).toThrow(ShapeError);
    expect(() => exportOnnx(null as never)).toThrow(InvalidArgumentError);
    const huge = Float64Array.of(1e39, ...new Array(11).fill(0));
    expect(() => exportOnnx({ ...model, theta: huge }, { dtype: 'float32' })).toThrow(/model\.theta\[0\] = 1e\+39 is beyond float32's range/);
    expect(exportOnnx({ ...model, theta: huge }, { dtype: 'float64' }).length).toBeGreaterThan(0);
  });
});
