// The ONNX export run by ONNX Runtime: onnxruntime-web (WebAssembly, in Node, one thread) loads the exported bytes
// and evaluates 1,000 digits of digits5000; its `probabilities` must be predict's output activations, within 1e-6
// for a float64 export and 1e-5 for float32, and its `class` the class name predict picks, for every digit.
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '../src/errors.js';
import { DIGIT_LABEL_NAMES } from '../src/data/dataset.js';
import { loadDigits5000 } from '../src/data/digits5000.js';
import { readMatFile } from '../src/data/index.js';
import type { Matrix } from '../src/matrix.js';
import type { Model } from '../src/model/model.js';
import { exportOnnx, type OnnxDtype } from '../src/model/onnx/export.js';
import { serialize } from '../src/network/serialize.js';
import { predict, scores } from '../src/predict.js';
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
    return {
      probabilities: out.probabilities.data as Float64Array | Float32Array,
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

/** Exports `model`, runs it on X with ONNX Runtime, and compares with predict; returns the largest difference. */
async function agreement(model: Model, X: Matrix, dtype: OnnxDtype): Promise<number> {
  const { layers, theta, activations } = model;
  const h = scores(theta, X, { layers, activations } as Parameters<typeof scores>[2]);
  const labels = predict(theta, X, { layers, activations } as Parameters<typeof predict>[2]);
  const got = await runOnnx(exportOnnx(model, { dtype }), X, dtype);
  const worst = maxAbsDiff(got.probabilities, h.data);
  expect(worst).toBeLessThanOrEqual(TOLERANCE[dtype]);
  expect(got.classes).toEqual(Array.from(labels, (k) => model.labelNames[k - 1]));
  expect(Array.from(got.indices, Number)).toEqual(Array.from(labels, (k) => k - 1));
  return worst;
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
