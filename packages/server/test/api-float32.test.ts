// A float32 model (issue 16) is served in float32: a single input and a batch answer the library's float32
// predictions bit for bit (not its float64 ones), the description states dtype and architecture, and a float32
// model document uploaded over the API keeps its dtype.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendInfo, modelToJson, randomInit, scores, type Activations, type BackendName, type Model } from '@backprop/nn';
import { ModelRegistry } from '../src/registry.js';
import { DIGIT_LABELS, listen, postJson, randomRows, type TestServer } from './helpers.js';

const activations: Activations = { hidden: ['relu'], output: 'softmax', leakySlope: 0.01 };
const layers = [400, 30, 10];
const model: Model = {
  layers,
  activations,
  dtype: 'float32',
  theta: Float64Array.from(Float32Array.from(randomInit(layers, { seed: 9, activations }))),
  labelNames: [...DIGIT_LABELS],
};

type Answer = { predictions: { label: string; probabilities: number[]; scores: number[] }[] };

const backends: BackendName[] = backendInfo().nativeAvailable ? ['ts', 'native'] : ['ts'];

describe.each(backends)('a float32 model (%s backend)', (backend) => {
  let srv: TestServer;
  beforeAll(async () => {
    const models = new ModelRegistry({ defaultName: 'f32' });
    models.set('f32', model, { source: 'upload' });
    srv = await listen({ models, backend, maxBatchRows: 50, adminToken: 'secret-token-for-tests' });
  });
  afterAll(() => srv.close());

  it('one input and a batch: the library’s float32 scores for the same rows, bit for bit', async () => {
    const rows = randomRows(6, 400, 21);
    for (const [body, n] of [[{ pixels: rows[0] }, 1], [{ inputs: rows }, 6]] as const) {
      // the same rows as the request: sgemm may sum a batch in another order than one row
      const X = { rows: n, cols: 400, data: Float64Array.from(rows.slice(0, n).flat()) };
      const h32 = scores(model.theta, X, { layers, activations, backend, dtype: 'float32' });
      const h64 = scores(model.theta, X, { layers, activations, backend, dtype: 'float64' });
      const res = await postJson(`${srv.url}/v1/predict`, body);
      expect(res.status).toBe(200);
      const got = ((await res.json()) as Answer).predictions.flatMap((p) => p.scores);
      expect(got).toEqual(Array.from(h32.data));
      expect(got).not.toEqual(Array.from(h64.data));
    }
  });

  it('the description states the dtype and the architecture', async () => {
    const d = (await (await fetch(`${srv.url}/v1/models/f32`)).json()) as Record<string, unknown>;
    expect(d.dtype).toBe('float32');
    expect(d.architecture).toBe('400-30(relu)-10(softmax) float32');
  });

  it('a float32 model document uploaded keeps its dtype', async () => {
    const res = await fetch(`${srv.url}/v1/models/up32`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: 'Bearer secret-token-for-tests' },
      body: modelToJson(model),
    });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    const d = (await (await fetch(`${srv.url}/v1/models/up32`)).json()) as Record<string, unknown>;
    expect(d.dtype).toBe('float32');
  });
});
