/**
 * A float32 model from end to end in the library: `train({ dtype: 'float32' })` on digits5000 (ReLU/softmax, Adam),
 * the model file's round trip (dtype kept, θ float32 values, bit for bit), the Classifier predicting with the
 * model's dtype, and the ONNX export — float32 by default for a float32 model — run by onnxruntime-web on 1,000
 * digits: the same classes as predict, probabilities within 1e-5 (the bar for float32).
 */
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { Classifier } from '../src/classifier.js';
import { loadDigits5000 } from '../src/data/digits5000.js';
import { subsetDataset } from '../src/data/split.js';
import type { Matrix } from '../src/matrix.js';
import { modelFromJson, modelToJson, ModelFormatError, type Model } from '../src/model/model.js';
import { exportOnnx } from '../src/model/onnx/export.js';
import { predict, scores } from '../src/predict.js';
import { train } from '../src/train.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError } from '../src/model/checkpoint.js';

ort.env.wasm.numThreads = 1;

const isFloat32 = (v: number): boolean => Math.fround(v) === v;

/** Every fifth digit: 1,000 digits, 100 of each class. */
function thousandDigits(X: Matrix): Matrix {
  const n = X.cols;
  const data = new Float64Array(1000 * n);
  for (let i = 0; i < 1000; i++) data.set(X.data.subarray(i * 5 * n, (i * 5 + 1) * n), i * n);
  return { rows: 1000, cols: n, data };
}

describe('a float32 ReLU/softmax model', () => {
  let model: Model;
  let X: Matrix;
  beforeAll(async () => {
    const digits = loadDigits5000();
    X = thousandDigits(digits.X);
    ({ model } = await train({ hidden: [25] }, digits, {
      dtype: 'float32', activation: 'relu', output: 'softmax', method: 'adam', optimizer: { epochs: 3, batchSize: 64, learningRate: 3e-3 },
      lambda: 0, trackAccuracy: false,
    }));
  }, 120_000);

  it('trains in float32: the model says so, its θ is float32 values, and it has learnt the digits', () => {
    expect(model.dtype).toBe('float32');
    expect(model.theta.every(isFloat32)).toBe(true);
    expect(model.training!.trainAccuracy).toBeGreaterThan(0.85);
  });

  it('the model file keeps dtype and θ bit for bit; a float32 model whose θ is not float32 is refused', () => {
    const text = modelToJson(model);
    expect(JSON.parse(text).dtype).toBe('float32');
    const back = modelFromJson(text);
    expect(back.dtype).toBe('float32');
    expect(back.theta).toEqual(model.theta);
    // a float32 model built by hand with float64 weights is written rounded (and reads back)
    const unrounded = modelFromJson(modelToJson({ ...model, theta: model.theta.map((v) => v + 1e-12) }));
    expect(unrounded.theta.every(isFloat32)).toBe(true);
    const doc = JSON.parse(text);
    doc.theta[3] = 0.1;
    delete doc.checksum;
    expect(() => modelFromJson(JSON.stringify(doc))).toThrow(ModelFormatError);
    expect(() => modelFromJson(JSON.stringify(doc))).toThrow(/^theta\[3\]: expected a float32 value in a float32 model, got 0\.1$/);
  });

  it('the Classifier predicts with the model’s dtype', () => {
    const clf = Classifier.fromModel(model);
    expect(clf.options.dtype).toBe('float32');
    const h32 = scores(model.theta, X, { layers: model.layers, activations: model.activations, dtype: 'float32' });
    const h64 = scores(model.theta, X, { layers: model.layers, activations: model.activations, dtype: 'float64' });
    expect(clf.predictScores(X).data).toEqual(h32.data);
    expect(h32.data).not.toEqual(h64.data);
  });

  it('ONNX: exported as float32 by default, run by onnxruntime-web on 1,000 digits = predict', async () => {
    const { layers, activations, theta, labelNames } = model;
    const h = scores(theta, X, { layers, activations, dtype: 'float32' });
    const labels = predict(theta, X, { layers, activations, dtype: 'float32' });
    const session = await ort.InferenceSession.create(exportOnnx(model));
    try {
      // a float64 input is refused by the float32 graph: the default is the model's dtype
      await expect(session.run({ input: new ort.Tensor('float64', X.data, [X.rows, X.cols]) })).rejects.toThrow();
      const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from(X.data), [X.rows, X.cols]) });
      expect(out.scores.type).toBe('float32');
      const p = out.scores.data as Float32Array;
      let worst = 0;
      p.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - h.data[i]))));
      expect(worst).toBeLessThanOrEqual(1e-5);
      expect(out.class.data).toEqual(Array.from(labels, (k) => labelNames[k - 1]));
    } finally {
      await session.release();
    }
  });

  it('ONNX: --dtype float64 of a float32 model is allowed and exact (its weights are float32 values)', async () => {
    const bytes = exportOnnx(model, { dtype: 'float64' });
    const session = await ort.InferenceSession.create(bytes);
    try {
      const out = await session.run({ input: new ort.Tensor('float64', X.data, [X.rows, X.cols]) });
      expect(out.scores.type).toBe('float64');
      // the same weights computed in double: what predict computes in float64 on them, to summation order
      const h64 = scores(model.theta, X, { layers: model.layers, activations: model.activations, dtype: 'float64' });
      let worst = 0;
      (out.scores.data as Float64Array).forEach((v, i) => (worst = Math.max(worst, Math.abs(v - h64.data[i]))));
      expect(worst).toBeLessThan(1e-12);
    } finally {
      await session.release();
    }
  });
});

describe('a float32 checkpoint', () => {
  it('records the dtype; resuming it as float64 is refused, as float32 continues', async () => {
    const digits = loadDigits5000();
    // every tenth example: all ten classes (the first 500 are all one class, which train refuses)
    const small = subsetDataset(digits, Array.from({ length: 500 }, (_, i) => i * 10), 'digits500');
    const path = join(mkdtempSync(join(tmpdir(), 'bp-f32-')), 'run.ckpt');
    const options = { activation: 'relu' as const, output: 'softmax' as const, method: 'adam' as const, optimizer: { epochs: 1 }, backend: 'ts' as const };
    await train({ hidden: [8] }, small, { ...options, dtype: 'float32', checkpoint: { path } });
    const resumed = train({ hidden: [8] }, small, { ...options, optimizer: { epochs: 2 }, resume: path });
    await expect(resumed).rejects.toThrow(CheckpointError);
    await expect(resumed).rejects.toThrow(/^checkpoint is for a float32 network, not float64: resume with the same dtype \(--dtype float32\)$/);
    const { model } = await train({ hidden: [8] }, small, { ...options, optimizer: { epochs: 2 }, dtype: 'float32', resume: path });
    expect(model.dtype).toBe('float32');
  });
});
