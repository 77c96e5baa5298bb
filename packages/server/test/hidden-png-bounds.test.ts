// Issue 18: GET /v1/models/{name}/hidden.png for wide hidden layers answers quickly with a picture of bounded size
// (the units drawn smaller, or the first ones, said in a header), is drawn once per set of weights, and a model
// that cannot be drawn is a 422 problem, not a 500.
import { decodePng, type Model } from '@backprop/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../src/registry.js';
import { listen, problemOf, rawGet, type TestServer } from './helpers.js';

/** A [inputs, units, 10] model with cheap, varied weights (a 4,099-value pattern repeated; `variant` shifts it). */
function wideModel(units: number, inputShape: Model['inputShape'] = { width: 20, height: 20, order: 'column-major' }, variant = 0): Model {
  const inputs = inputShape!.width * inputShape!.height;
  const layers = [inputs, units, 10];
  const pattern = Float64Array.from({ length: 4099 }, (_, i) => Math.sin(i * 0.7 + variant) * 0.5);
  const theta = new Float64Array(units * (inputs + 1) + 10 * (units + 1));
  for (let at = 0; at < theta.length; at += pattern.length) theta.set(pattern.subarray(0, Math.min(pattern.length, theta.length - at)), at);
  return { layers, theta, labelNames: Array.from({ length: 10 }, (_, k) => String(k)), inputShape };
}

let srv: TestServer;
const models = new ModelRegistry();
beforeAll(async () => {
  models.set('w1000', wideModel(1_000), { source: 'upload' });
  models.set('w50000', wideModel(50_000), { source: 'upload' });
  models.set('bigtile', wideModel(1, { width: 900, height: 900, order: 'row-major' }), { source: 'upload' });
  srv = await listen({ models });
}, 120_000);
afterAll(() => srv.close());

describe('hidden.png of wide layers', () => {
  for (const [base, units] of [['w1000', 1_000], ['w50000', 50_000]] as const) {
    it(`${units} hidden units: 200 within 500 ms, at most 700,000 pixels, the units drawn said in headers; the second request is the cached picture`, async () => {
      let name: string = base;
      // Timed on a machine the rest of the suite shares: up to 3 attempts, each on new weights (a new checksum, so
      // never the cached picture); the bound holds for the best of them.
      let ms = Infinity;
      let first = await rawGet(`${srv.url}/v1/models/${name}`);
      for (let attempt = 0; attempt < 3 && ms > 500; attempt++) {
        const model = attempt === 0 ? name : `${name}-${attempt}`;
        if (attempt > 0) models.set(model, wideModel(units, undefined, attempt), { source: 'upload' });
        await rawGet(`${srv.url}/v1/models/${model}`); // the connection path warmed: what is timed is the picture
        const t = performance.now();
        first = await rawGet(`${srv.url}/v1/models/${model}/hidden.png`);
        ms = performance.now() - t;
        name = model;
      }
      expect(first.status).toBe(200);
      expect(first.headers['content-type']).toBe('image/png');
      expect(ms).toBeLessThanOrEqual(500);
      const png = decodePng(first.body);
      expect(png.width * png.height).toBeLessThanOrEqual(700_000);
      expect(first.headers['x-hidden-units']).toBe(String(units));
      const drawn = Number(first.headers['x-hidden-units-drawn']);
      if (units === 1_000) expect(drawn).toBe(1_000);
      else {
        expect(drawn).toBeGreaterThan(1_000);
        expect(drawn).toBeLessThan(units);
      }
      const again = await rawGet(`${srv.url}/v1/models/${name}/hidden.png`);
      expect(again.body.equals(first.body)).toBe(true);
    });
  }

  it('a model whose single tile exceeds the picture budget: 422 picture-failed naming the model, not a 500', async () => {
    const res = await fetch(`${srv.url}/v1/models/bigtile/hidden.png`);
    expect(res.status).toBe(422);
    const doc = await problemOf(res);
    expect(doc.type).toBe('urn:backprop:problem:picture-failed');
    expect(doc.detail).toBe('model "bigtile": a 900x900 tile does not fit in 700000 pixels');
  });
});
