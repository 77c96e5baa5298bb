// Model format version 2's new fields (issue 16), pinned message by message (issue 21: the mutation run after
// issue 16's merge). model-format-v2.test.ts checks the round trip against the v1 fixture and the numpy accuracy;
// this file pins what a version 2 file must hold (dtype, activations field by field), that a version 1 file is
// read without them, and what modelToJson writes. Every expected document here is built by hand.
import { describe, expect, it } from 'vitest';
import { type Model, modelFromJson, ModelFormatError, modelToJson } from '../src/model/model.js';
import type { Activations } from '../src/network/activations.js';

const layers = [3, 2, 2, 2];
const n = 2 * 4 + 2 * 3 + 2 * 3;
const theta = Array.from({ length: n }, (_, i) => (i - 9) / 4);
const activations: Activations = { hidden: ['tanh', 'leaky_relu'], output: 'softmax', leakySlope: 0.25 };

/** A version 2 document written out by hand (no checksum: it is optional). */
function v2(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { format: 'backprop-model', version: 2, layers, activations, dtype: 'float64', theta, ...over };
}

function refusal(doc: unknown): string {
  try {
    modelFromJson(JSON.stringify(doc));
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFormatError);
    expect((e as ModelFormatError).code).toBe('ERR_MODEL_FORMAT');
    return (e as Error).message;
  }
  throw new Error('expected a ModelFormatError');
}

describe('reading version 2', () => {
  it('a hand-written document loads with its activations, copied', () => {
    const m = modelFromJson(JSON.stringify(v2()));
    expect(m.activations).toStrictEqual({ hidden: ['tanh', 'leaky_relu'], output: 'softmax', leakySlope: 0.25 });
    expect(Array.from(m.theta)).toEqual(theta);
    // A leakySlope of 0.5 and a sigmoid output come back as written, not as the defaults.
    const other = modelFromJson(JSON.stringify(v2({ activations: { hidden: ['relu', 'sigmoid'], output: 'sigmoid', leakySlope: 0.5 } })));
    expect(other.activations).toStrictEqual({ hidden: ['relu', 'sigmoid'], output: 'sigmoid', leakySlope: 0.5 });
  });

  it('dtype must be "float64" or "float32"; a float32 model holds float32 values', () => {
    expect(refusal(v2({ dtype: 'float16' }))).toBe('dtype: expected one of float64, float32, got "float16"');
    expect(refusal(v2({ dtype: undefined }))).toBe('dtype: expected one of float64, float32, got undefined');
    expect(refusal(v2({ dtype: 64 }))).toBe('dtype: expected one of float64, float32, got 64');
    // quarters are float32 values: the document loads as float32
    expect(modelFromJson(JSON.stringify(v2({ dtype: 'float32' }))).dtype).toBe('float32');
    expect(modelFromJson(JSON.stringify(v2())).dtype).toBe('float64');
    expect(refusal(v2({ dtype: 'float32', theta: theta.map((v, i) => (i === 5 ? 0.1 : v)) }))).toBe(
      'theta[5]: expected a float32 value in a float32 model, got 0.1',
    );
  });

  it('activations must be an object (not null, an array or a name)', () => {
    expect(refusal(v2({ activations: undefined }))).toBe('activations: expected an object, got undefined');
    expect(refusal(v2({ activations: null }))).toBe('activations: expected an object, got null');
    expect(refusal(v2({ activations: 'relu' }))).toBe('activations: expected an object, got "relu"');
    expect(refusal(v2({ activations: ['tanh', 'relu'] }))).toBe('activations: expected an object, got Array of length 2');
  });

  it('each field by kind first, naming it', () => {
    expect(refusal(v2({ activations: { ...activations, hidden: undefined } }))).toBe(
      'activations.hidden: expected an array of activation names, got undefined',
    );
    expect(refusal(v2({ activations: { ...activations, hidden: { 0: 'tanh', length: 1 } } }))).toBe(
      'activations.hidden: expected an array of activation names, got object',
    );
    expect(refusal(v2({ activations: { ...activations, hidden: ['tanh', 7] } }))).toBe(
      'activations.hidden[1]: expected an activation name, got 7',
    );
    expect(refusal(v2({ activations: { ...activations, hidden: [null, 'tanh'] } }))).toBe(
      'activations.hidden[0]: expected an activation name, got null',
    );
    expect(refusal(v2({ activations: { ...activations, output: undefined } }))).toBe(
      'activations.output: expected an activation name, got undefined',
    );
    expect(refusal(v2({ activations: { ...activations, output: ['softmax'] } }))).toBe(
      'activations.output: expected an activation name, got Array of length 1',
    );
  });

  it("then the values, with checkActivations' message as a ModelFormatError", () => {
    expect(refusal(v2({ activations: { ...activations, hidden: ['tanh'] } }))).toBe(
      'activations.hidden: expected 2 activation(s), one per hidden layer',
    );
    expect(refusal(v2({ activations: { ...activations, hidden: ['tanh', 'softmax'] } }))).toBe(
      'activations.hidden[1]: expected one of sigmoid, tanh, relu, leaky_relu, got "softmax"',
    );
    expect(refusal(v2({ activations: { ...activations, output: 'relu' } }))).toBe(
      'activations.output: expected one of sigmoid, softmax, got "relu"',
    );
    expect(refusal(v2({ activations: { ...activations, leakySlope: 0 } }))).toBe(
      'activations.leakySlope: expected a number between 0 and 1 (exclusive), got 0',
    );
    expect(refusal(v2({ activations: { hidden: ['tanh', 'relu'], output: 'sigmoid' } }))).toBe(
      'activations.leakySlope: expected a number between 0 and 1 (exclusive), got undefined',
    );
  });
});

describe('reading version 1', () => {
  it('has no activations or dtype: whatever those fields hold is not read', () => {
    const doc = { ...v2(), version: 1, dtype: 'float32', activations: 'not read' };
    const m = modelFromJson(JSON.stringify(doc));
    expect(m.activations).toBeUndefined();
    expect(m.layers).toEqual(layers);
    const bare = { format: 'backprop-model', version: 1, layers, theta };
    expect(modelFromJson(JSON.stringify(bare)).activations).toBeUndefined();
  });
});

describe('writing', () => {
  const model: Model = { layers, theta: Float64Array.from(theta), activations };
  it('records the activations as given and dtype "float64"', () => {
    const doc = JSON.parse(modelToJson(model)) as Record<string, unknown>;
    expect(doc.version).toBe(2);
    expect(doc.dtype).toBe('float64');
    expect(doc.activations).toStrictEqual({ hidden: ['tanh', 'leaky_relu'], output: 'softmax', leakySlope: 0.25 });
  });
  it("a model without activations is written as the seed's network (sigmoid everywhere, α 0.01)", () => {
    const doc = JSON.parse(modelToJson({ layers, theta: Float64Array.from(theta) })) as Record<string, unknown>;
    expect(doc.activations).toStrictEqual({ hidden: ['sigmoid', 'sigmoid'], output: 'sigmoid', leakySlope: 0.01 });
    expect(modelFromJson(JSON.stringify(doc)).activations).toStrictEqual(doc.activations);
  });
});
