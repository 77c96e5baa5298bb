import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../src/registry.js';
import { fixtureModel, listen, postJson, problemOf, randomRows, referenceForward, type TestServer } from './helpers.js';

const model = fixtureModel({ seed: 3 });
const small = fixtureModel({ layers: [4, 3, 3], seed: 4 });
let srv: TestServer;

function argmax(v: number[]): number {
  let k = 0;
  for (let j = 1; j < v.length; j++) if (v[j] > v[k]) k = j;
  return k;
}

beforeAll(async () => {
  const models = new ModelRegistry({ defaultName: 'digits' });
  models.set('digits', model, { source: 'upload' });
  models.set('small', small, { source: 'upload' });
  srv = await listen({ models, maxBatchRows: 50, bodyLimit: '200kb' });
});
afterAll(() => srv.close());

describe('POST /v1/predict and /v1/models/{name}/predict', () => {
  it('predicts one input ("pixels") with the default model, agreeing with an independent forward pass', async () => {
    const [x] = randomRows(1, 400, 11);
    const res = await postJson(`${srv.url}/v1/predict`, { pixels: x });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      model: string;
      checksum: string;
      classes: string[];
      predictions: { label: string; probabilities: number[]; scores: number[] }[];
    };
    expect(body.model).toBe('digits');
    expect(body.classes).toEqual(model.labelNames);
    expect(body.predictions).toHaveLength(1);
    const h = referenceForward(model, x);
    const p = body.predictions[0];
    expect(p.scores).toHaveLength(10);
    p.scores.forEach((v, k) => expect(v).toBeCloseTo(h[k], 12));
    const sum = h.reduce((a, b) => a + b, 0);
    p.probabilities.forEach((v, k) => expect(v).toBeCloseTo(h[k] / sum, 12));
    expect(p.label).toBe(model.labelNames[argmax(h)]);
  });

  it('predicts a batch ("inputs") in order, each row like the reference', async () => {
    const X = randomRows(20, 400, 12); // ~160 KB of JSON, under this app's 200 kb limit
    const res = await postJson(`${srv.url}/v1/models/digits/predict`, { inputs: X });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { predictions: { label: string; scores: number[] }[] };
    expect(body.predictions).toHaveLength(20);
    X.forEach((x, i) => {
      const h = referenceForward(model, x);
      body.predictions[i].scores.forEach((v, k) => expect(v).toBeCloseTo(h[k], 12));
      expect(body.predictions[i].label).toBe(model.labelNames[argmax(h)]);
    });
  });

  it('maps label 10 to digit "0" (labelNames[argmax])', async () => {
    // Make unit 10 win for every input: a large bias on the last output unit.
    const theta = Float64Array.from(model.theta);
    const last = theta.length - 26; // Θ2 row 10 starts 26 parameters from the end; its first entry is the bias
    theta[last] = 50;
    const models = new ModelRegistry();
    models.set('default', { ...model, theta }, { source: 'upload' });
    const s = await listen({ models });
    try {
      const res = await postJson(`${s.url}/v1/predict`, { pixels: randomRows(1, 400, 2)[0] });
      const body = (await res.json()) as { predictions: { label: string }[] };
      expect(body.predictions[0]).toMatchObject({ label: '0' });
    } finally {
      await s.close();
    }
  });

  it('uses the named model', async () => {
    const x = [0.1, 0.9, 0.3, 0.5];
    const res = await postJson(`${srv.url}/v1/models/small/predict`, { pixels: x });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { model: string; predictions: { label: string; scores: number[] }[] };
    expect(body.model).toBe('small');
    const h = referenceForward(small, x);
    body.predictions[0].scores.forEach((v, k) => expect(v).toBeCloseTo(h[k], 12));
    expect(body.predictions[0].label).toBe(`class-${argmax(h) + 1}`);
  });
});

describe('predict errors are problem+json with a clear detail', () => {
  const cases: [string, string | object, number, string, RegExp][] = [
    ['invalid JSON', '{"pixels": [1, 2', 400, 'invalid-json', /not valid JSON/],
    ['a JSON array body', '[1,2,3]', 400, 'invalid-input', /expected a JSON object/],
    ['neither field', { foo: 1 }, 400, 'invalid-input', /unknown field "foo"/],
    ['an empty object', {}, 400, 'invalid-input', /got neither/],
    ['both fields', { pixels: [1], inputs: [[1]] }, 400, 'invalid-input', /not both/],
    ['too few pixels', { pixels: [1, 2, 3] }, 400, 'invalid-input', /pixels: expected 400 numbers \(a 20x20 image in column-major order\), got 3/],
    ['pixels not an array', { pixels: 'abc' }, 400, 'invalid-input', /pixels: expected an array of 400 numbers.*got string/],
    ['a string pixel', { pixels: [...Array(399).fill(0), 'NaN'] }, 400, 'invalid-input', /pixels\[399\]: expected a finite number, got "NaN"/],
    ['a null pixel', { pixels: [null, ...Array(399).fill(0)] }, 400, 'invalid-input', /pixels\[0\]: expected a finite number, got null/],
    ['an infinite pixel (1e999)', `{"pixels":[${[...Array(399).fill(0), '1e999'].join(',')}]}`, 400, 'invalid-input', /pixels\[399\]: expected a finite number, got Infinity/],
    ['a short row in a batch', { inputs: [Array(400).fill(0), Array(5).fill(0)] }, 400, 'invalid-input', /inputs\[1\]: expected 400 numbers.*got 5/],
    ['a bad value in a batch', { inputs: [Array(400).fill(0), [...Array(10).fill(0), true, ...Array(389).fill(0)]] }, 400, 'invalid-input', /inputs\[1\]\[10\]: expected a finite number, got true/],
    ['an empty batch', { inputs: [] }, 400, 'invalid-input', /at least 1 input/],
    ['inputs not an array', { inputs: 5 }, 400, 'invalid-input', /inputs: expected an array/],
    ['a batch over the limit', { inputs: Array.from({ length: 51 }, () => [0]) }, 413, 'batch-too-large', /at most 50 inputs per request, got 51/],
  ];
  for (const [what, body, status, slug, detail] of cases) {
    it(`${what} → ${status} ${slug}`, async () => {
      const res = await postJson(`${srv.url}/v1/predict`, body);
      const doc = await problemOf(res);
      expect(res.status).toBe(status);
      expect(doc.type).toBe(`urn:backprop:problem:${slug}`);
      expect(doc.instance).toBe('/v1/predict');
      expect(String(doc.detail)).toMatch(detail);
    });
  }

  it('a body over the byte limit → 413 body-too-large', async () => {
    const res = await postJson(`${srv.url}/v1/predict`, { inputs: randomRows(50, 400) }); // ~400 KB > 200 kb
    const doc = await problemOf(res);
    expect(res.status).toBe(413);
    expect(doc.type).toBe('urn:backprop:problem:body-too-large');
    expect(String(doc.detail)).toMatch(/limit is 204800 bytes/);
    expect(doc.limit).toBe(204800);
  });

  it('a body that is not JSON → 415', async () => {
    const res = await fetch(`${srv.url}/v1/predict`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'pixels=1' });
    const doc = await problemOf(res);
    expect(res.status).toBe(415);
    expect(String(doc.detail)).toMatch(/Content-Type: expected application\/json, got "text\/plain"/);
  });

  it('an unknown model → 404 naming the loaded models', async () => {
    const res = await postJson(`${srv.url}/v1/models/nope/predict`, { pixels: [0] });
    const doc = await problemOf(res);
    expect(res.status).toBe(404);
    expect(doc.type).toBe('urn:backprop:problem:model-not-found');
    expect(String(doc.detail)).toMatch(/no model named "nope".*loaded models: digits, small/);
  });

  it('an invalid model name → 400', async () => {
    const res = await postJson(`${srv.url}/v1/models/..%2F..%2Fetc/predict`, { pixels: [0] });
    const doc = await problemOf(res);
    expect(res.status).toBe(400);
    expect(doc.type).toBe('urn:backprop:problem:invalid-model-name');
  });

  it('a wrong method → 405 with Allow', async () => {
    const res = await fetch(`${srv.url}/v1/predict`);
    const doc = await problemOf(res);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
    expect(String(doc.detail)).toMatch(/GET is not allowed on \/v1\/predict/);
  });

  it('a model still being prepared → 503 with Retry-After', async () => {
    const models = new ModelRegistry({ defaultName: 'default' });
    models.markPending('default', 'the default model is being trained (first start)');
    const s = await listen({ models });
    try {
      const res = await postJson(`${s.url}/v1/predict`, { pixels: [0] });
      const doc = await problemOf(res);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(String(doc.detail)).toMatch(/being trained/);
    } finally {
      await s.close();
    }
  });
});

describe('default limits', () => {
  it('accept a 10,000-row batch of full-precision pixels (48 MB body limit) and refuse 10,001 rows with 413', async () => {
    const models = new ModelRegistry();
    models.set('default', model, { source: 'upload' });
    const s = await listen({ models });
    try {
      // Rows like digits5000's (about half the pixels 0, the rest multiples of 2^-14 printed in full: ~38 MB of
      // JSON); rows differ so that the answers can be checked by position.
      const pixel = (i: number, j: number): number =>
        (i + j) % 2 === 0 ? 0 : Math.round(Math.abs(Math.sin(i * 400 + j)) * 16384) / 16384;
      const rows = Array.from({ length: 10_000 }, (_, i) => Array.from({ length: 400 }, (_, j) => pixel(i, j)));
      const res = await postJson(`${s.url}/v1/predict`, { inputs: rows });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { predictions: { scores: number[] }[] };
      expect(body.predictions).toHaveLength(10_000);
      for (const i of [0, 1, 4_999, 9_999]) {
        referenceForward(model, rows[i]).forEach((v, k) => expect(body.predictions[i].scores[k]).toBeCloseTo(v, 12));
      }
      const tooMany = await postJson(`${s.url}/v1/predict`, { inputs: [...rows, rows[0]] });
      expect(tooMany.status).toBe(413);
      expect((await problemOf(tooMany)).type).toBe('urn:backprop:problem:batch-too-large');
    } finally {
      await s.close();
    }
  });
});
