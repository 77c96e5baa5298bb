/**
 * Model format version 2 (issue 16): the file records the activations and `dtype: 'float64'`. A version 1 file,
 * written by the code of commit 1561418 (before the bump) with the genuine ex4weights, still loads as the seed's
 * network and classifies digits5000 as the course's weights do (the independent numpy figure in
 * digits5000.reference.json). A relu/softmax model round-trips; malformed activations name the field.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  accuracy, loadDigits5000, loadModel, modelFromJson, ModelFormatError, modelToJson, probabilities, randomInit, scores,
  type Activations, type Model,
} from '../src/index.js';
import { fixture } from './helpers.js';

const ref = JSON.parse(readFileSync(fixture('digits5000.reference.json'), 'utf8')) as { ex4weights_accuracy: number };

describe('a version 1 model file still loads', () => {
  const v1 = loadModel(fixture('model-v1.json'));
  it('as the seed network: no activations, the ex4 weights, digit class names', () => {
    expect(JSON.parse(readFileSync(fixture('model-v1.json'), 'utf8')).version).toBe(1);
    expect(v1.layers).toEqual([400, 25, 10]);
    expect(v1.activations).toBeUndefined();
    expect(v1.labelNames).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '0']);
  });
  it('and predicts as the course weights do on digits5000 (numpy reference)', () => {
    const ds = loadDigits5000();
    expect(accuracy(v1.theta, ds.X, ds.y, { layers: v1.layers, backend: 'ts' })).toBeCloseTo(ref.ex4weights_accuracy, 12);
  });
  it('written again, it is version 2 with the seed activations and the same parameters', () => {
    const doc = JSON.parse(modelToJson(v1));
    expect(doc.version).toBe(2);
    expect(doc.dtype).toBe('float64');
    expect(doc.activations).toEqual({ hidden: ['sigmoid'], output: 'sigmoid', leakySlope: 0.01 });
    expect(modelFromJson(JSON.stringify(doc)).theta).toEqual(v1.theta);
  });
});

describe('version 2', () => {
  const layers = [6, 5, 4, 3];
  const activations: Activations = { hidden: ['relu', 'leaky_relu'], output: 'softmax', leakySlope: 0.2 };
  const model: Model = { layers, activations, theta: randomInit(layers, { seed: 4, activations }), labelNames: ['a', 'b', 'c'] };
  const X = { rows: 4, cols: 6, data: Float64Array.from({ length: 24 }, (_, i) => Math.sin(i)) };

  it('a relu/softmax model round-trips: activations, θ and predictions', () => {
    const back = modelFromJson(modelToJson(model));
    expect(back.activations).toEqual(activations);
    expect(back.theta).toEqual(model.theta);
    const p = probabilities(back.theta, X, { layers, activations: back.activations, backend: 'ts' });
    expect(p.data).toEqual(scores(model.theta, X, { layers, activations, backend: 'ts' }).data);
    for (let i = 0; i < 4; i++) expect(p.data[3 * i] + p.data[3 * i + 1] + p.data[3 * i + 2]).toBeCloseTo(1, 14);
  });

  const doc = (): Record<string, unknown> => JSON.parse(modelToJson(model)) as Record<string, unknown>;
  const refusal = (d: Record<string, unknown>): string => {
    try {
      modelFromJson(JSON.stringify(d));
    } catch (e) {
      expect(e).toBeInstanceOf(ModelFormatError);
      return (e as Error).message;
    }
    throw new Error('expected a ModelFormatError');
  };
  it.each([
    ['missing', undefined, /^activations: expected an object, got undefined$/],
    ['an array', ['relu'], /^activations: expected an object/],
    ['one hidden too few', { ...activations, hidden: ['relu'] }, /^activations\.hidden: expected 2 activation\(s\)/],
    ['an unknown hidden', { ...activations, hidden: ['relu', 'gelu'] }, /^activations\.hidden\[1\]: expected one of sigmoid, tanh, relu, leaky_relu, got "gelu"$/],
    ['an unknown output', { ...activations, output: 'linear' }, /^activations\.output: expected one of sigmoid, softmax, got "linear"$/],
    ['a slope of 1', { ...activations, leakySlope: 1 }, /^activations\.leakySlope: expected a number between 0 and 1/],
    ['a slope as text', { ...activations, leakySlope: '0.1' }, /^activations\.leakySlope:/],
    ['hidden not a list', { ...activations, hidden: 'relu' }, /^activations\.hidden: expected an array of activation names, got "relu"$/],
    ['a deep object as a name', { ...activations, hidden: ['relu', { a: { a: { a: 1 } } }] }, /^activations\.hidden\[1\]: expected an activation name, got object$/],
    ['an output array', { ...activations, output: new Array(1e5).fill(1) }, /^activations\.output: expected an activation name, got Array of length 100000$/],
  ])('malformed activations (%s) name the field', (_what, value, message) => {
    expect(refusal({ ...doc(), activations: value })).toMatch(message);
  });
  it('a dtype other than float64 or float32 is refused, naming the field', () => {
    expect(refusal({ ...doc(), dtype: 'float16' })).toBe('dtype: expected one of float64, float32, got "float16"');
    expect(refusal({ ...doc(), dtype: undefined })).toBe('dtype: expected one of float64, float32, got undefined');
  });
});
