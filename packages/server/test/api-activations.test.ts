// Issue 16: a relu/softmax model is served like the seed's — predictions against an independent forward pass
// written out here (relu hidden units, softmax outputs), probabilities that are the softmax outputs, the
// hidden-layer picture, and a description that states the architecture in full. A version 2 model document
// uploaded over the API keeps its activations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendInfo, modelToJson, randomInit, type Activations, type BackendName, type Model } from '@backprop/nn';
import { ModelRegistry } from '../src/registry.js';
import { DIGIT_LABELS, listen, postJson, randomRows, type TestServer } from './helpers.js';

const activations: Activations = { hidden: ['relu'], output: 'softmax', leakySlope: 0.01 };
const layers = [400, 30, 10];
const model: Model = {
  layers,
  activations,
  theta: randomInit(layers, { seed: 9, activations }),
  labelNames: [...DIGIT_LABELS],
  inputShape: { width: 20, height: 20, order: 'column-major' },
};

/** relu hidden layer, softmax output, with plain loops (no library code). */
function reference(x: readonly number[]): number[] {
  let a = [...x];
  let off = 0;
  for (let l = 1; l < layers.length; l++) {
    const cols = layers[l - 1] + 1;
    const z: number[] = [];
    for (let j = 0; j < layers[l]; j++) {
      let s = model.theta[off + j * cols];
      for (let i = 1; i < cols; i++) s += model.theta[off + j * cols + i] * a[i - 1];
      z.push(s);
    }
    off += layers[l] * cols;
    if (l < layers.length - 1) a = z.map((v) => Math.max(0, v));
    else {
      const M = Math.max(...z);
      const e = z.map((v) => Math.exp(v - M));
      const sum = e.reduce((p, q) => p + q, 0);
      a = e.map((v) => v / sum);
    }
  }
  return a;
}

type Answer = { predictions: { label: string; probabilities: number[]; scores: number[] }[] };

const backends: BackendName[] = backendInfo().nativeAvailable ? ['ts', 'native'] : ['ts'];

describe.each(backends)('a relu/softmax model (%s backend)', (backend) => {
  let srv: TestServer;
  beforeAll(async () => {
    const models = new ModelRegistry({ defaultName: 'relu' });
    models.set('relu', model, { source: 'upload' });
    srv = await listen({ models, backend, maxBatchRows: 50, adminToken: 'secret-token-for-tests' });
  });
  afterAll(() => srv.close());

  it('one input and a batch: scores are the softmax, probabilities the same, labels the argmax', async () => {
    const X = randomRows(6, 400, 21);
    for (const body of [{ pixels: X[0] }, { inputs: X }]) {
      const res = await postJson(`${srv.url}/v1/predict`, body);
      expect(res.status).toBe(200);
      const { predictions } = (await res.json()) as Answer;
      predictions.forEach((p, i) => {
        const h = reference(X[i]);
        p.scores.forEach((v, k) => expect(Math.abs(v - h[k])).toBeLessThan(1e-12 * Math.max(h[k], 1e-300) + 1e-300));
        expect(p.probabilities).toEqual(p.scores);
        expect(Math.abs(p.probabilities.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-12);
        expect(p.label).toBe(DIGIT_LABELS[h.indexOf(Math.max(...h))]);
      });
    }
  });

  it('the hidden-layer picture is drawn', async () => {
    const res = await fetch(`${srv.url}/v1/models/relu/hidden.png`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
  });

  it('its description states the architecture and the activations', async () => {
    const res = await fetch(`${srv.url}/v1/models/relu`);
    const d = (await res.json()) as { architecture: string; activations: Activations };
    expect(d.architecture).toBe('400-30(relu)-10(softmax)');
    expect(d.activations).toEqual(activations);
  });

  it('a version 2 document uploaded with PUT keeps its activations', async () => {
    const leaky: Model = { ...model, activations: { hidden: ['leaky_relu'], output: 'softmax', leakySlope: 0.2 } };
    const put = await fetch(`${srv.url}/v1/models/leaky`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: 'Bearer secret-token-for-tests' },
      body: modelToJson(leaky),
    });
    expect(put.status).toBeLessThan(300);
    const d = (await (await fetch(`${srv.url}/v1/models/leaky`)).json()) as { architecture: string };
    expect(d.architecture).toBe('400-30(leaky_relu)-10(softmax)');
  });
});
