// A model's ETag (hidden.png's validator) covers everything in the model that changes what the server answers —
// θ, layers, activations, dtype, class names, input shape — not θ alone: a model swapped in under the same name
// with the same θ but another input shape draws another picture, and a client revalidating with the old ETag must
// get that picture, not 304. The same model loaded again keeps its ETag (its creation time and training record
// change no answer).
import { join } from 'node:path';
import { hiddenLayerPng, saveModel, type Model } from '@backprop/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../src/registry.js';
import { fixtureModel, listen, rawGet, tempDir, type TestServer } from './helpers.js';

const base = fixtureModel({ seed: 11 });
let models: ModelRegistry;
let srv: TestServer;

beforeAll(async () => {
  models = new ModelRegistry({ defaultName: 'm' });
  models.set('m', base, { source: 'upload' });
  srv = await listen({ models });
});
afterAll(() => srv.close());

async function etagOf(): Promise<string> {
  const res = await rawGet(`${srv.url}/v1/models/m/hidden.png`);
  expect(res.status).toBe(200);
  return String(res.headers.etag);
}

describe('the model ETag', () => {
  it('differs for two models that differ only in activations, dtype or class names', async () => {
    models.set('m', base, { source: 'upload' });
    const tags = new Set([await etagOf()]);
    const variants: Model[] = [
      { ...base, activations: { hidden: ['relu'], output: 'softmax', leakySlope: 0.01 } },
      { ...base, dtype: 'float32', theta: Float64Array.from(new Float32Array(base.theta)) },
      { ...base, labelNames: base.labelNames.map((n) => `digit ${n}`) },
    ];
    const float32 = Float64Array.from(new Float32Array(base.theta));
    models.set('m', { ...base, theta: float32 }, { source: 'upload' });
    const float64Rounded = await etagOf(); // the float32 variant's θ as a float64 model: only dtype differs
    for (const model of variants) {
      models.set('m', model, { source: 'upload' });
      tags.add(await etagOf());
    }
    expect(tags.size).toBe(1 + variants.length);
    expect(tags.has(float64Rounded)).toBe(false);
  });

  it('a model swapped in with the same θ but another input shape: the old ETag gets the new picture, not 304', async () => {
    models.set('m', base, { source: 'upload' });
    const old = await etagOf();
    const rowMajor: Model = { ...base, inputShape: { width: 20, height: 20, order: 'row-major' } };
    models.set('m', rowMajor, { source: 'upload' });
    const res = await rawGet(`${srv.url}/v1/models/m/hidden.png`, { 'if-none-match': old });
    expect(res.status).toBe(200);
    expect(res.body.equals(hiddenLayerPng(rowMajor))).toBe(true);
    expect(res.body.equals(hiddenLayerPng(base))).toBe(false);
  });

  it('the same model loaded again keeps its ETag: from its file twice, and set again without its training record', async () => {
    const path = join(tempDir('bp-etag-'), 'm.json');
    saveModel(path, base);
    models.loadFile('m', path);
    const first = await etagOf();
    models.loadFile('m', path);
    expect(await etagOf()).toBe(first);
    const { training: _training, createdAt: _createdAt, ...bare } = base;
    models.set('m', bare, { source: 'upload' });
    expect(await etagOf()).toBe(first);
    const again = await rawGet(`${srv.url}/v1/models/m/hidden.png`, { 'if-none-match': first });
    expect(again.status).toBe(304);
  });
});
