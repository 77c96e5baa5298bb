// Seeded mutation fuzzing of the parsers (MAT, IDX, CSV, model JSON; PNG has its own file): 500 mutated inputs per
// format, each must parse or fail with a typed BackpropError — never another exception, never an inconsistent
// result, never a case over 2 s. The same cases, 10,000 per format, run on dist with
// `node scripts/reliability/fuzz.mjs --cases 10000 --format all --seed N` (results in RELIABILITY.md).
// Below, the inputs the fuzzer found, kept as plain regression tests.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';
import { BackpropError, modelFromJson, modelToJson, parseCsv, parameterCount, Rng } from '../src/index.js';
import { bugLines, harness, repoRoot } from './fuzz-helpers.js';

const SEED = 20261128;
const CASES = 500;

describe('parser fuzzing: 500 mutated files per format, ok or a typed error', () => {
  for (const format of ['mat', 'idx', 'csv', 'model']) {
    it(`${format}: no crash, no inconsistent result, no hang`, () => {
      const tally = harness.runCases({ formatName: format, lib: nn, root: repoRoot, seed: SEED, count: CASES });
      expect(tally.cases).toBe(CASES);
      expect(bugLines(tally, format, SEED)).toEqual([]);
      // The mutations reach both sides: some inputs still parse, most are refused with a code.
      expect(tally.outcomes.ok).toBeGreaterThan(0);
      expect(tally.outcomes.typed).toBeGreaterThan(CASES / 4);
    });
  }
});

function typedError(fn: () => unknown): BackpropError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BackpropError);
    return err as BackpropError;
  }
  throw new Error('expected a BackpropError, nothing was thrown');
}

describe('CSV inputs the fuzzer found', () => {
  it('a label of 2147483647 is refused as a count, not turned into 2^31 class names', () => {
    const text = 'x,label\n0.5,2147483647\n0.25,2\n';
    const err = typedError(() => parseCsv(text, { labelColumn: 'label', labels: 'one-based' }));
    expect(err.code).toBe('ERR_CSV_LABEL');
    expect(err.message).toContain('2147483647');
    // read as labels chose themselves ('auto'), it is the name of one of two classes
    expect(parseCsv(text, { labelColumn: 'label' }).labelNames).toEqual(['2', '2147483647']);
  });

  it('a zero-based label of 1e9 is refused', () => {
    const err = typedError(() => parseCsv('a;b;y\n3;4;1\n5;6;1e9\n', { labels: 'zero-based' }));
    expect(err.code).toBe('ERR_CSV_LABEL');
  });

  it('a feature that overflows a double (1e309, -1e309) is refused, not read as ±Infinity', () => {
    for (const big of ['1e309', '-1e309', '9'.repeat(400)]) {
      const err = typedError(() => parseCsv(`x1,x2,label\n0.5,${big},1\n0,0,2\n`));
      expect(err.code).toBe('ERR_CSV_PARSE');
      expect(err.message).toContain('row 2, column 2');
    }
  });

  it('1e-400 underflows to 0 and is accepted (a finite number)', () => {
    const ds = parseCsv('x1,label\n1e-400,1\n2,2\n');
    expect(ds.X.data[0]).toBe(0);
  });
});

describe('model JSON inputs the fuzzer found', () => {
  function modelText(training: string): string {
    const layers = [2, 2];
    const rng = new Rng(3);
    const theta = Float64Array.from({ length: parameterCount(layers) }, () => rng.uniform(-1, 1));
    const text = modelToJson({ layers, theta, labelNames: ['a', 'b'] });
    return text.replace(/}$/, `,"training":${training}}`);
  }

  it('a training record nested 100,000 deep is refused (it could never be written back)', () => {
    const deep = '{"a":'.repeat(100_000) + '{}' + '}'.repeat(100_000);
    const err = typedError(() => modelFromJson(modelText(deep)));
    expect(err.code).toBe('ERR_MODEL_FORMAT');
    expect(err.message).toContain('training');
  });

  it('a model that is accepted saves again to the same parameters', () => {
    const model = modelFromJson(modelText('{"method":"tnc","history":[{"cost":1}]}'));
    const again = modelFromJson(modelToJson(model));
    expect(Array.from(again.theta)).toEqual(Array.from(model.theta));
  });
});

describe('checkpoint files found broken by hand-mutation', () => {
  it('a history entry that is null is refused with CheckpointError at load (it crashed --resume with a TypeError)', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { loadCheckpoint, saveCheckpoint, CheckpointError } = await import('../src/index.js');
    const dir = mkdtempSync(join(tmpdir(), 'backprop-fuzz-ckpt-'));
    try {
      const path = join(dir, 'run.ckpt');
      saveCheckpoint(path, { layers: [2, 2], method: 'adam', lambda: 1, iteration: 1, nfev: 1, x: [0, 0, 0, 0, 0, 0], history: [] });
      expect(loadCheckpoint(path).history).toEqual([]);
      for (const history of [[null], [{ iteration: 1 }], ['x'], [{ iteration: 1, elapsed: 'soon' }]]) {
        writeFileSync(path, JSON.stringify({ ...loadCheckpointDoc(path), history }));
        expect(() => loadCheckpoint(path)).toThrow(CheckpointError);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function loadCheckpointDoc(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}
