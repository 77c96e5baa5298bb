import { join } from 'node:path';
import { hiddenLayerPng, thetaChecksum } from '@backprop/nn';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelEtag, ModelRegistry } from '../src/registry.js';
import { fixtureModel, listen, problemOf, rawGet, tempDir, type TestServer } from './helpers.js';

const digits = fixtureModel({ seed: 5 });
const flat = fixtureModel({ layers: [4, 3], seed: 6 });
const shapeless = fixtureModel({ layers: [5, 4, 2], seed: 7 });
let srv: TestServer;

beforeAll(async () => {
  const models = new ModelRegistry({ defaultName: 'digits' });
  models.set('digits', digits, { source: 'file', path: join(tempDir('bp-srv-'), 'digits.json') });
  models.set('flat', flat, { source: 'upload' });
  models.set('shapeless', shapeless, { source: 'upload' });
  srv = await listen({ models });
});
afterAll(() => srv.close());

interface Description {
  name: string;
  default: boolean;
  layers: number[];
  parameters: number;
  checksum: string;
  labelNames: string[];
  inputShape: unknown;
  accuracy: { train: number | null; validation: number | null; test: number | null };
  training: Record<string, unknown> | null;
}

describe('GET /v1/models', () => {
  it('lists every model with the default marked', async () => {
    const res = await fetch(`${srv.url}/v1/models`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { default: string; models: Description[] };
    expect(body.default).toBe('digits');
    expect(body.models.map((m) => [m.name, m.default])).toEqual([
      ['digits', true],
      ['flat', false],
      ['shapeless', false],
    ]);
  });
});

describe('GET /v1/models/{name}', () => {
  it('describes layers, parameters, accuracy, checksum and training without the history', async () => {
    const res = await fetch(`${srv.url}/v1/models/digits`);
    expect(res.status).toBe(200);
    const d = (await res.json()) as Description;
    expect(d.layers).toEqual([400, 25, 10]);
    expect(d.parameters).toBe(25 * 401 + 10 * 26);
    expect(d.checksum).toBe(thetaChecksum(digits.theta));
    expect(d.labelNames).toEqual(digits.labelNames);
    expect(d.inputShape).toEqual({ width: 20, height: 20, order: 'column-major' });
    expect(d.accuracy).toEqual({ train: 0.4, validation: 0.3, test: null });
    expect(d.training).not.toHaveProperty('history');
    expect(d.training).toMatchObject({ method: 'tnc', lambda: 1, nit: 2, historyLength: 3 });
    expect(JSON.stringify(d)).not.toContain('theta');
  });

  it('resolves "default" to the default model', async () => {
    const d = (await (await fetch(`${srv.url}/v1/models/default`)).json()) as Description;
    expect(d.name).toBe('digits');
    expect(d.default).toBe(true);
  });

  it('404 for an unknown model, 400 for an invalid name', async () => {
    const missing = await fetch(`${srv.url}/v1/models/missing`);
    expect(missing.status).toBe(404);
    expect((await problemOf(missing)).type).toBe('urn:backprop:problem:model-not-found');
    for (const bad of ['..', '.hidden', 'a..b', 'x'.repeat(65), 'sp%20ace', '%2E%2E%2F%2E%2E%2Fetc%2Fpasswd']) {
      const res = await fetch(`${srv.url}/v1/models/${bad}`);
      expect(res.status, bad).toBe(bad === '..' ? 404 : 400);
      await problemOf(res);
    }
  });
});

describe('GET /v1/models/{name}/hidden.png', () => {
  it("serves the library's hidden-layer picture of the model, with the model's etag as ETag", async () => {
    const res = await fetch(`${srv.url}/v1/models/default/hidden.png`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.equals(hiddenLayerPng(digits))).toBe(true);
    const png = PNG.sync.read(bytes); // an independent decoder
    expect(png.width).toBeGreaterThanOrEqual(5 * 20);
    expect(png.height).toBeGreaterThanOrEqual(5 * 20);
    const etag = res.headers.get('etag');
    // Changed on purpose: the ETag was θ's checksum, which a model with the same θ and another input shape shared
    // (model-etag.test.ts); it is now the hash of the whole model.
    expect(etag).toBe(`"${modelEtag(digits)}"`);
    const again = await rawGet(`${srv.url}/v1/models/digits/hidden.png`, { 'if-none-match': etag! });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('404 no-picture for a model without a hidden layer or without an input shape', async () => {
    for (const [name, detail] of [
      ['flat', /no hidden layer/],
      ['shapeless', /no inputShape/],
    ] as const) {
      const res = await fetch(`${srv.url}/v1/models/${name}/hidden.png`);
      const doc = await problemOf(res);
      expect(res.status).toBe(404);
      expect(doc.type).toBe('urn:backprop:problem:no-picture');
      expect(String(doc.detail)).toMatch(detail);
    }
  });
});

describe('unknown routes and methods', () => {
  it('an unknown route → 404 problem pointing at the API description', async () => {
    const res = await fetch(`${srv.url}/v2/nothing?x=1`);
    const doc = await problemOf(res);
    expect(res.status).toBe(404);
    expect(doc.type).toBe('urn:backprop:problem:not-found');
    expect(doc.instance).toBe('/v2/nothing');
    expect(String(doc.detail)).toMatch(/no route for GET \/v2\/nothing.*openapi\.json/);
  });

  it('a wrong method on a model → 405 with Allow; OPTIONS lists the methods', async () => {
    const res = await fetch(`${srv.url}/v1/models/digits`, { method: 'PATCH' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, PUT, DELETE, HEAD, OPTIONS');
    await problemOf(res);
    const options = await fetch(`${srv.url}/v1/models/digits`, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, PUT, DELETE, HEAD, OPTIONS');
  });

  it('HEAD works where GET does', async () => {
    const res = await fetch(`${srv.url}/v1/models`, { method: 'HEAD' });
    expect(res.status).toBe(200);
  });
});
