import { predictionsOf, Rng, ShapeError, type Matrix } from '@backprop/nn';
import { describe, expect, it } from 'vitest';
import { predictionFieldsJson } from '../src/predictions.js';
import { ModelRegistry } from '../src/registry.js';
import { capturingLogger, DIGIT_LABELS, fixtureModel, listen, postJson, referenceForward, type LogLine } from './helpers.js';

async function lineFor(lines: LogLine[], id: string): Promise<LogLine | undefined> {
  // The line is written when the server closes the response, which can trail the client's read by a tick.
  for (let i = 0; i < 50; i++) {
    const line = lines.find((l) => (l.req as { id?: string } | undefined)?.id === id);
    if (line) return line;
    await new Promise((r) => setTimeout(r, 5));
  }
  return undefined;
}

/** The answer's classes and predictions as nn builds them (the library's shape). */
function libraryAnswer(h: Matrix, classes: readonly string[]): string {
  return JSON.stringify({ classes, predictions: predictionsOf(h, classes) });
}

describe('predictionFieldsJson', () => {
  it('writes exactly what JSON.stringify of nn\'s predictionsOf writes, ties, non-finite values and exponents included', () => {
    const rng = new Rng(11);
    const K = 10;
    const rows = 40;
    const data = new Float64Array(rows * K);
    for (let i = 0; i < data.length; i++) data[i] = rng.uniform(0, 1) * 10 ** -rng.int(0, 12);
    data.set([0.5, 0.5, 0.25, 0, -0, 1e-7, 1, 1, 0.999999999999, 2 ** -1074], 0); // ties: the first maximum wins
    data.set([NaN, Infinity, -Infinity, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7], K);
    const h: Matrix = { rows, cols: K, data };
    expect(`{${predictionFieldsJson(h, DIGIT_LABELS)}}`).toBe(libraryAnswer(h, DIGIT_LABELS));
  });

  it('escapes label names as JSON strings', () => {
    const h: Matrix = { rows: 1, cols: 2, data: Float64Array.from([0.1, 0.9]) };
    const names = ['plain', 'a "quoted"\\ name\n'];
    expect(JSON.parse(`{${predictionFieldsJson(h, names)}}`)).toEqual(JSON.parse(libraryAnswer(h, names)));
  });
});

describe('registry checks theta once, when it takes a model', () => {
  it('refuses a non-finite or wrongly sized theta with a ShapeError naming it, and keeps the old model', () => {
    const models = new ModelRegistry();
    const good = models.set('m', fixtureModel(), { source: 'upload' });
    const nan = fixtureModel();
    nan.theta[7] = NaN;
    expect(() => models.set('m', nan, { source: 'upload' })).toThrow(ShapeError);
    expect(() => models.set('m', nan, { source: 'upload' })).toThrow(/model\.theta\[7\] is NaN/);
    const short = { ...fixtureModel(), theta: new Float64Array(5) };
    expect(() => models.set('m', short, { source: 'upload' })).toThrow(/model\.theta: expected length 10285 .*got length 5/);
    expect(models.require('m')).toBe(good);
  });
});

describe('single predictions and request lines', () => {
  it('one input answers the reference forward pass with a JSON content type', async () => {
    const model = fixtureModel({ seed: 4 });
    const models = new ModelRegistry();
    models.set('default', model, { source: 'upload' });
    const srv = await listen({ models, logger: capturingLogger().logger });
    try {
      const x = Array.from({ length: 400 }, (_, j) => ((j * 37) % 101) / 100);
      const res = await postJson(`${srv.url}/v1/predict`, { pixels: x });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const text = await res.text();
      expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
      const answer = JSON.parse(text) as { predictions: { scores: number[]; label: string }[] };
      const h = referenceForward(model, x);
      answer.predictions[0].scores.forEach((p, k) => expect(p).toBeCloseTo(h[k], 12));
      expect(answer.predictions[0].label).toBe(model.labelNames[h.indexOf(Math.max(...h))]);
    } finally {
      await srv.close();
    }
  });

  it('follows the logger level at run time: warn keeps 4xx lines only, silent writes none, info writes both', async () => {
    const { logger, lines } = capturingLogger();
    const models = new ModelRegistry();
    models.set('default', fixtureModel(), { source: 'upload' });
    const srv = await listen({ models, logger });
    const ok = { pixels: Array(400).fill(0) };
    const bad = { pixels: [1] };
    try {
      logger.level = 'warn';
      await postJson(`${srv.url}/v1/predict`, ok, { 'x-request-id': 'warn-ok' });
      await postJson(`${srv.url}/v1/predict`, bad, { 'x-request-id': 'warn-bad' });
      expect(await lineFor(lines, 'warn-bad')).toMatchObject({ level: 40, msg: 'request completed', res: { statusCode: 400 } });
      logger.level = 'silent';
      await postJson(`${srv.url}/v1/predict`, bad, { 'x-request-id': 'silent-bad' });
      logger.level = 'info';
      await postJson(`${srv.url}/v1/predict`, ok, { 'x-request-id': 'info-ok' });
      expect(await lineFor(lines, 'info-ok')).toMatchObject({ level: 30, req: { method: 'POST', url: '/v1/predict' }, res: { statusCode: 200 } });
      expect(await lineFor(lines, 'warn-ok')).toBeUndefined();
      expect(await lineFor(lines, 'silent-bad')).toBeUndefined();
    } finally {
      await srv.close();
    }
  });
});
