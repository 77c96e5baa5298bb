/**
 * Checkpoint files (model/checkpoint.ts): what `train` resumes from. A checkpoint round-trips exactly (typed-array
 * optimiser state included) and every torn or foreign file is refused with ERR_CHECKPOINT naming the file and
 * the reason. Until issue 21 these were reached only through whole trainings.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointError, loadCheckpoint, saveCheckpoint } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'bp-checkpoint-pins-'));

const base = {
  layers: [3, 2, 2],
  method: 'adam',
  lambda: 0.5,
  dataChecksum: 'abc123',
  iteration: 7,
  nfev: 9,
  x: [0.1, -0.25, 1 / 3, 2 ** -40, -1e300, 0],
  state: { m: Float64Array.from([0.1, 1 / 7]), step: 3 },
  history: [
    { iteration: 0, cost: 2, nfev: 1, elapsed: 0 },
    { iteration: 7, cost: 1.25, nfev: 9, elapsed: 12.5 },
  ],
};

function refused(doc: unknown, reason: RegExp): void {
  const path = join(dir, `bad-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc));
  let err: unknown;
  try {
    loadCheckpoint(path);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CheckpointError);
  expect((err as CheckpointError).code).toBe('ERR_CHECKPOINT');
  expect((err as Error).message).toContain(path);
  expect((err as Error).message).toMatch(reason);
}

describe('checkpoint files', () => {
  it('round-trip exactly, with format, version and time stamp; typed arrays become plain arrays', () => {
    const path = join(dir, 'ok.json');
    const before = Date.now();
    saveCheckpoint(path, base);
    const raw = JSON.parse(readFileSync(path, 'utf8'));
    expect(raw.format).toBe('backprop-checkpoint');
    expect(raw.version).toBe(1);
    expect(raw.state.m).toEqual([0.1, 1 / 7]);
    const cp = loadCheckpoint(path);
    expect(cp.x).toEqual(base.x);
    expect(cp.layers).toEqual(base.layers);
    expect(cp.history).toEqual(base.history);
    expect({ method: cp.method, lambda: cp.lambda, iteration: cp.iteration, nfev: cp.nfev, data: cp.dataChecksum }).toEqual({
      method: 'adam',
      lambda: 0.5,
      iteration: 7,
      nfev: 9,
      data: 'abc123',
    });
    const saved = Date.parse(cp.savedAt);
    expect(saved).toBeGreaterThanOrEqual(before - 1000);
    expect(saved).toBeLessThanOrEqual(Date.now() + 1000);
  });

  const valid = { format: 'backprop-checkpoint', version: 1, savedAt: 'x', ...base, state: undefined };

  it.each([
    ['missing file', undefined, /cannot read checkpoint/],
    ['torn JSON', '{"format":"backprop-checkpoint","version":1,"x":[1,', /cannot read checkpoint/],
    ['null', 'null', /is not a backprop checkpoint \(no "format": "backprop-checkpoint"\)$/],
    ['only the format', { format: 'backprop-checkpoint' }, /: checkpoint fields missing: version, layers, x, history$/],
    ['no version', { ...valid, version: undefined }, /: checkpoint fields missing: version$/],
    ['a model file', { ...valid, format: 'backprop-model' }, /not a backprop checkpoint/],
    ['version 2', { ...valid, version: 2 }, /: checkpoint version 2 is not supported \(expected 1\)$/],
    ['no parameters', { ...valid, x: undefined }, /: checkpoint fields missing: x$/],
    ['a string parameter', { ...valid, x: [1, '2'] }, /parameters are missing or not finite/],
    ['a null (NaN) parameter', { ...valid, x: [1, null] }, /parameters are missing or not finite/],
    ['an infinite parameter', '{"format":"backprop-checkpoint","version":1,"layers":[1],"history":[],"x":[1e999]}', /not finite/],
    ['no layers', { ...valid, layers: undefined }, /: checkpoint fields missing: layers$/],
    ['no history', { ...valid, history: 'none' }, /layers or history missing/],
    ['a null history entry', { ...valid, history: [null] }, /history entries must be objects/],
    ['a history entry without elapsed', { ...valid, history: [{ iteration: 1 }] }, /history entries must be objects/],
    ['a history entry without iteration', { ...valid, history: [{ elapsed: 1 }] }, /history entries must be objects/],
  ])('%s → ERR_CHECKPOINT', (name, doc, reason) => {
    if (doc === undefined) {
      let err: unknown;
      const path = join(dir, 'missing.json');
      try {
        loadCheckpoint(path);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CheckpointError);
      expect((err as Error).message).toMatch(reason);
      expect((err as Error).message).toContain(path);
      return;
    }
    refused(doc, reason);
  });

  it('empty layers and history are accepted (the checks are about shape, not content)', () => {
    const path = join(dir, 'empty.json');
    writeFileSync(path, JSON.stringify({ ...valid, history: [], x: [] }));
    expect(loadCheckpoint(path).history).toEqual([]);
  });
});
