// What a model file must hold, field by field, and what each refusal says (issue 21: found by mutation testing).
// model-file.test.ts checks the round trip and that bad files are refused; this file pins every message in
// full, the bounds on both sides (64 layers, 1,000,000 units, 32 levels of training record) and the defaults.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  loadModel,
  type Model,
  modelFromJson,
  ModelFormatError,
  modelThetas,
  modelToJson,
  thetaChecksum,
} from '../src/model/model.js';
import { seedActivations } from '../src/network/activations.js';

const model: Model = {
  layers: [6, 4, 3],
  theta: Float64Array.from({ length: 43 }, (_, i) => (i - 20) / 8),
  labelNames: ['a', 'b', 'c'],
};
const good = (): Record<string, unknown> => JSON.parse(modelToJson(model)) as Record<string, unknown>;

function refusal(doc: unknown): string {
  const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
  try {
    modelFromJson(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFormatError);
    expect((e as ModelFormatError).code).toBe('ERR_MODEL_FORMAT');
    return (e as Error).message;
  }
  throw new Error('expected a ModelFormatError');
}

/** A model document with `layers` and matching (zero) parameters, no checksum. */
function withLayers(layers: number[]): Record<string, unknown> {
  let n = 0;
  for (let l = 0; l + 1 < layers.length; l++) n += layers[l + 1] * (layers[l] + 1);
  const doc = { ...good(), layers, activations: seedActivations(layers), theta: new Array(n).fill(0), labelNames: undefined };
  delete doc.checksum;
  return doc;
}

/** `{ a: { a: … } }`, `levels` objects deep. */
function nested(levels: number): unknown {
  let v: unknown = {};
  for (let i = 1; i < levels; i++) v = { a: v };
  return v;
}

describe('the document', () => {
  it('not JSON: where it broke, never the text', () => {
    expect(refusal('{"a":1,}')).toBe('model file is not valid JSON (at character 7)');
    expect(refusal('nonsense')).toBe('model file is not valid JSON');
  });

  it('must be an object', () => {
    for (const doc of ['null', '[1]', '5', '"model"']) expect(refusal(doc), doc).toBe('model file must contain a JSON object');
  });

  it('format and version, shown as JSON or by kind', () => {
    expect(refusal({ ...good(), format: 'x' })).toBe('not a backprop model (format is "x")');
    expect(refusal({ ...good(), format: undefined })).toBe('not a backprop model (format is undefined)');
    expect(refusal({ ...good(), format: null })).toBe('not a backprop model (format is null)');
    expect(refusal({ ...good(), format: [1, 2] })).toBe('not a backprop model (format is Array of length 2)');
    expect(refusal({ ...good(), format: { a: 1 } })).toBe('not a backprop model (format is object)');
    expect(refusal({ ...good(), version: '1' })).toBe('unsupported model version "1" (this library reads versions 1 and 2)');
    expect(refusal({ ...good(), version: 3 })).toBe('unsupported model version 3 (this library reads versions 1 and 2)');
  });
});

describe('layers and parameters', () => {
  it('layers: an array of at most 64 sizes, each a positive integer up to 1,000,000', () => {
    expect(refusal({ ...good(), layers: 'x' })).toBe('layers: expected an array of layer sizes');
    expect(refusal(withLayers(new Array(65).fill(1)))).toBe('layers: at most 64 layers, got 65');
    expect(refusal(withLayers(new Array(100_000).fill(1)))).toBe('layers: at most 64 layers, got 100000');
    expect(modelFromJson(JSON.stringify(withLayers(new Array(64).fill(1)))).layers.length).toBe(64);
    expect(refusal({ ...good(), layers: [6] })).toBe('layers: expected at least 2 layer sizes (input, …, output), got [6]');
    expect(refusal({ ...good(), layers: [6, 0, 3] })).toBe('layers[1]: expected a positive integer layer size, got 0');
    expect(refusal({ ...good(), layers: [1_000_001, 1] })).toBe('layers: a layer has more than 1,000,000 units');
    expect(refusal({ ...good(), layers: [1_000_000, 1] })).toBe('theta: expected 1000001 numbers for layers [1000000, 1], got 43');
  });

  it('theta: exactly as many finite numbers as the layers need', () => {
    const g = good();
    const theta = g.theta as number[];
    expect(refusal({ ...g, theta: theta.slice(1) })).toBe('theta: expected 43 numbers for layers [6, 4, 3], got 42');
    expect(refusal({ ...g, theta: 'x' })).toBe('theta: expected 43 numbers for layers [6, 4, 3], got string');
    expect(refusal({ ...g, theta: undefined })).toBe('theta: expected 43 numbers for layers [6, 4, 3], got undefined');
    expect(refusal({ ...g, theta: [...theta.slice(0, 42), 'x'] })).toBe('theta[42]: expected a finite number, got "x"');
    expect(refusal({ ...g, theta: [null, ...theta.slice(1)] })).toBe('theta[0]: expected a finite number, got null');
    expect(refusal({ ...g, theta: [[], ...theta.slice(1)] })).toBe('theta[0]: expected a finite number, got Array of length 0');
    // 1e999 parses to Infinity
    expect(refusal(modelToJson(model).replace(/"theta":\[[^,]+/, '"theta":[1e999'))).toMatch(/^theta\[0\]: expected a finite number/);
  });

  it('the checksum, when present, must match; without one the parameters are taken as they are', () => {
    const g = good();
    expect(g.checksum).toBe(thetaChecksum(model.theta));
    expect(refusal({ ...g, checksum: 'abc' })).toBe('checksum does not match the parameters: the file is corrupt or was edited');
    const noSum = { ...g, theta: new Array(43).fill(0.5) };
    delete noSum.checksum;
    expect(Array.from(modelFromJson(JSON.stringify(noSum)).theta)).toEqual(new Array(43).fill(0.5));
  });
});

describe('labels, input shape, training record', () => {
  it('labelNames default to "1" … "K"; otherwise K strings', () => {
    expect(modelFromJson(JSON.stringify({ ...good(), labelNames: undefined })).labelNames).toEqual(['1', '2', '3']);
    for (const labelNames of [['a', 'b'], ['a', 'b', 3], 'abc', null]) {
      expect(refusal({ ...good(), labelNames }), JSON.stringify(labelNames)).toBe('labelNames: expected 3 strings (one per output unit)');
    }
  });

  it('inputShape: integer width and height whose product is the input size, and an order; nothing else kept', () => {
    const m = modelFromJson(JSON.stringify({ ...good(), inputShape: { width: 3, height: 2, order: 'row-major', extra: 1 } }));
    expect(m.inputShape).toEqual({ width: 3, height: 2, order: 'row-major' });
    expect(modelFromJson(JSON.stringify({ ...good(), inputShape: { width: 2, height: 3, order: 'column-major' } })).inputShape)
      .toEqual({ width: 2, height: 3, order: 'column-major' });
    expect(modelFromJson(modelToJson(model)).inputShape).toBeUndefined();
    for (const inputShape of [
      null,
      { width: 2, height: 2, order: 'row-major' },
      { width: 1.5, height: 4, order: 'row-major' },
      { width: 4, height: 1.5, order: 'row-major' },
      { width: '3', height: 2, order: 'row-major' },
      { width: 3, height: 2, order: 'diagonal' },
      { width: 3, height: 2 },
    ]) {
      expect(refusal({ ...good(), inputShape }), JSON.stringify(inputShape)).toBe('inputShape: expected {width, height, order} with width*height = 6');
    }
  });

  it('training: an object at most 32 levels deep, kept as it is', () => {
    for (const training of [5, 'x', null]) expect(refusal({ ...good(), training })).toBe('training: expected an object');
    const deep = nested(32);
    expect(modelFromJson(JSON.stringify({ ...good(), training: deep })).training).toEqual(deep);
    expect(refusal({ ...good(), training: nested(33) })).toBe('training: nested deeper than 32 levels (it could not be written back)');
    // arrays count as levels too
    expect(refusal({ ...good(), training: { a: [[[nested(30)]]] } })).toBe(
      'training: nested deeper than 32 levels (it could not be written back)',
    );
    expect(modelFromJson(JSON.stringify({ ...good(), training: { a: [[nested(29)]] } })).training).toBeDefined();
    expect(modelFromJson(modelToJson(model)).training).toBeUndefined();
  });

  it('createdAt is kept when it is a string', () => {
    expect(modelFromJson(JSON.stringify({ ...good(), createdAt: 'yesterday' })).createdAt).toBe('yesterday');
    expect(modelFromJson(JSON.stringify({ ...good(), createdAt: 5 })).createdAt).toBeUndefined();
  });
});

describe('writing', () => {
  it('modelToJson: format, version, a fresh ISO date unless one is given, a copy of the layers', () => {
    const before = Date.now();
    const doc = good();
    expect(doc.format).toBe('backprop-model');
    expect(doc.version).toBe(2);
    expect(Date.parse(doc.createdAt as string)).toBeGreaterThanOrEqual(before - 1000);
    expect(doc.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(JSON.parse(modelToJson({ ...model, createdAt: 'then' })).createdAt).toBe('then');
    const training = { method: 'cg' } as unknown as Model['training'];
    const full = JSON.parse(modelToJson({ ...model, inputShape: { width: 3, height: 2, order: 'row-major' }, training }));
    expect(full.inputShape).toEqual({ width: 3, height: 2, order: 'row-major' });
    expect(full.training).toEqual({ method: 'cg' });
    expect(full.layers).toEqual([6, 4, 3]);
  });

  it('modelThetas names Θ1 … ΘL after the math, with the seed shapes', () => {
    const thetas = modelThetas(model);
    expect(Object.keys(thetas)).toEqual(['Theta1', 'Theta2']);
    expect([thetas.Theta1.rows, thetas.Theta1.cols, thetas.Theta2.rows, thetas.Theta2.cols]).toEqual([4, 7, 3, 5]);
    expect(thetas.Theta1.data[0]).toBe(model.theta[0]);
  });
});

describe('loadModel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-model-pins-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a file that cannot be read names the path and the system code', () => {
    const missing = join(dir, 'missing.json');
    expect(() => loadModel(missing)).toThrow(new ModelFormatError(`cannot read model ${missing}: ENOENT`));
    expect(() => loadModel(dir)).toThrow(new ModelFormatError(`cannot read model ${dir}: EISDIR`));
  });

  it('a bad document names the path before the reason; other errors pass through', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '[]');
    expect(() => loadModel(bad)).toThrow(new ModelFormatError(`${bad}: model file must contain a JSON object`));
    const ok = join(dir, 'ok.json');
    writeFileSync(ok, modelToJson(model));
    expect(Array.from(loadModel(ok).theta)).toEqual(Array.from(model.theta));
  });
});
