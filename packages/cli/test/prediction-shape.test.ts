import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Classifier, loadDataset, type Prediction } from '@backprop/nn';
import { createApp, ModelRegistry } from '@backprop/server';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, ex4Model, onlyJson } from './helpers.js';

// One model (the course's ex4 weights), the same rows of digits5000, asked through the three front doors.
const ROWS = [0, 1, 2500, 4999];
let modelPath: string;
let server: Server;
let url: string;

beforeAll(async () => {
  ensureBuilt();
  const { path, model } = ex4Model();
  modelPath = path;
  const models = new ModelRegistry();
  models.set('default', model, { source: 'upload' });
  const app = createApp({ models, logger: pino({ level: 'silent' }) });
  server = await new Promise<Server>((resolve) => {
    const s: Server = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);

interface Answer {
  classes: string[];
  predictions: Prediction[];
}

/** The shared fields of each prediction, in a fixed key order (the CLI adds input/row/actual around them). */
function shape(a: Answer): Answer {
  return { classes: a.classes, predictions: a.predictions.map(({ label, probabilities, scores }) => ({ label, probabilities, scores })) };
}

describe('one prediction shape from the library, the CLI (--json) and REST', () => {
  it('the same classes, labels, probabilities (summing to 1) and scores, in the same order', async () => {
    const digits = loadDataset('digits5000');
    const X = ROWS.map((i) => Array.from(digits.X.data.subarray(i * 400, (i + 1) * 400)));

    const clf = Classifier.load(modelPath);
    const library: Answer = { classes: clf.classes, predictions: clf.predictions(X) };

    const r = cli(['predict', '--model', modelPath, '--data', 'builtin:digits5000', '--rows', ROWS.join(','), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const fromCli = onlyJson(r) as Answer;

    const res = await fetch(`${url}/v1/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: X }) });
    expect(res.status).toBe(200);
    const fromRest = (await res.json()) as Answer & { model: string };

    for (const answer of [library, fromCli, fromRest]) {
      expect(answer.classes).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '0']);
      expect(answer.predictions.map((p) => p.label)).toEqual(['0', '0', '5', '9']);
      for (const p of answer.predictions) {
        expect(Object.keys(p)).toEqual(expect.arrayContaining(['label', 'probabilities', 'scores']));
        expect(p.probabilities).toHaveLength(10);
        expect(Math.abs(p.probabilities.reduce((a, b) => a + b, 0) - 1)).toBeLessThanOrEqual(1e-9);
        // label is the class of the largest probability, and of the largest raw score
        expect(answer.classes[p.probabilities.indexOf(Math.max(...p.probabilities))]).toBe(p.label);
        expect(answer.classes[p.scores.indexOf(Math.max(...p.scores))]).toBe(p.label);
        // the raw scores are independent sigmoids: they do not sum to 1
        expect(p.scores.reduce((a, b) => a + b, 0)).not.toBeCloseTo(1, 3);
      }
    }
    const want = shape(library);
    for (const got of [shape(fromCli), shape(fromRest)]) {
      expect(got.classes).toEqual(want.classes);
      got.predictions.forEach((p, i) => {
        expect(p.label).toBe(want.predictions[i].label);
        p.probabilities.forEach((v, k) => expect(v).toBeCloseTo(want.predictions[i].probabilities[k], 12));
        p.scores.forEach((v, k) => expect(v).toBeCloseTo(want.predictions[i].scores[k], 12));
      });
    }
  });
});
