import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Classifier, NotFittedError } from '../src/classifier.js';
import { InvalidArgumentError, ShapeError } from '../src/errors.js';
import type { Matrix } from '../src/matrix.js';
import { loadModel } from '../src/model/model.js';
import { SEED } from '../src/presets.js';
import { Rng } from '../src/random.js';

/** Three well separated clusters in 4 dimensions, `per` points each, in an interleaved order. */
function clusters(per: number, seed = 1): { X: number[][]; k: number[] } {
  const rng = new Rng(seed);
  const centres = [
    [0.9, 0.1, 0.1, 0.5],
    [0.1, 0.9, 0.1, 0.5],
    [0.1, 0.1, 0.9, 0.5],
  ];
  const X: number[][] = [];
  const k: number[] = [];
  for (let i = 0; i < 3 * per; i++) {
    const c = i % 3;
    X.push(centres[c].map((v) => v + rng.uniform(-0.15, 0.15)));
    k.push(c);
  }
  return { X, k };
}

const { X, k } = clusters(40);
const small = { hidden: [5], lambda: 0.1, initRange: 0.5, method: 'tnc' as const, optimizer: { maxfun: 200 } };
const dir = mkdtempSync(join(tmpdir(), 'bp-classifier-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rowSums(p: Matrix): number[] {
  return Array.from({ length: p.rows }, (_, i) => p.data.subarray(i * p.cols, (i + 1) * p.cols).reduce((a, b) => a + b, 0));
}

describe('Classifier: labels become class names', () => {
  const cases: [string, (number | string)[], string[]][] = [
    ['0..K−1', k, ['0', '1', '2']],
    ['1..K', k.map((c) => c + 1), ['1', '2', '3']],
    ['strings (sorted)', k.map((c) => ['owl', 'cat', 'dog'][c]), ['cat', 'dog', 'owl']],
    ['any integers (sorted by value)', k.map((c) => [10, -3, 7][c]), ['-3', '7', '10']],
  ];
  for (const [name, y, classes] of cases) {
    it(`${name}: classes ${classes.join(', ')}; predict gives them back; score is the accuracy`, () => {
      const clf = new Classifier(small).fit(X, y as number[]);
      expect(clf.classes).toEqual(classes);
      const predicted = clf.predict(X);
      expect(predicted.slice(0, 3)).toEqual(y.slice(0, 3).map(String));
      expect(clf.score(X, y as number[])).toBe(1);
    });
  }

  it('a data set with labelNames keeps its names in label order (digit 0 is "0", not label 10)', () => {
    const data = { X: { rows: X.length, cols: 4, data: Float64Array.from(X.flat()) }, y: k.map((c) => c + 1), labelNames: ['b', 'a', 'c'] };
    const clf = new Classifier(small).fit(data);
    expect(clf.classes).toEqual(['b', 'a', 'c']);
    expect(clf.predict(X.slice(0, 3))).toEqual(['b', 'a', 'c']);
    expect(clf.score(data)).toBe(1);
  });
});

describe('Classifier: predictProba', () => {
  const clf = new Classifier(small).fit(X, k);
  it('rows sum to 1 (±1e-9), columns in classes order, argmax = predict', () => {
    const p = clf.predictProba(X);
    expect(p.cols).toBe(3);
    for (const s of rowSums(p)) expect(Math.abs(s - 1)).toBeLessThanOrEqual(1e-9);
    const predicted = clf.predict(X);
    for (let i = 0; i < p.rows; i++) {
      const row = Array.from(p.data.subarray(i * 3, i * 3 + 3));
      expect(clf.classes[row.indexOf(Math.max(...row))]).toBe(predicted[i]);
    }
  });

  it('predictScores keeps the raw sigmoid outputs, which do not sum to 1; probabilities are them over their sum', () => {
    const h = clf.predictScores(X);
    const p = clf.predictProba(X);
    const sums = rowSums(h);
    expect(sums.some((s) => Math.abs(s - 1) > 1e-3)).toBe(true);
    for (let i = 0; i < h.data.length; i++) expect(p.data[i]).toBeCloseTo(h.data[i] / sums[Math.floor(i / 3)], 15);
    const [first] = clf.predictions(X.slice(0, 1));
    expect(first.label).toBe(clf.predict(X.slice(0, 1))[0]);
    expect(first.scores).toEqual(Array.from(h.data.subarray(0, 3)));
    expect(first.probabilities).toEqual(Array.from(p.data.subarray(0, 3)));
  });
});

describe('Classifier: fit, fitAsync, progress, abort', () => {
  for (const [method, optimizer] of [
    ['tnc', { maxfun: 60 }],
    ['adam', { epochs: 3, batchSize: 16, learningRate: 0.05 }],
  ] as const) {
    it(`${method}: fit (sync) and fitAsync give the same parameters bit for bit and report progress`, async () => {
      const seen: number[] = [];
      const a = new Classifier({ ...small, method, optimizer }).fit(X, k, { onProgress: (p) => seen.push(p.nfev) });
      const b = await new Classifier({ ...small, method, optimizer }).fitAsync(X, k);
      expect(Buffer.from(a.model.theta.buffer).equals(Buffer.from(b.model.theta.buffer))).toBe(true);
      expect(seen.length).toBeGreaterThan(1);
      expect(a.model.training!.nfev).toBe(b.model.training!.nfev);
    });
  }

  it('fitAsync stops on abort and keeps the parameters reached (status aborted)', async () => {
    const controller = new AbortController();
    const clf = new Classifier({ ...small, optimizer: { maxfun: 10_000 } });
    const done = clf.fitAsync(X, k, { signal: controller.signal, onProgress: (p) => p.iteration >= 3 && controller.abort() });
    await done;
    expect(clf.model.training!.status).toBe('aborted');
    expect(clf.model.training!.nfev).toBeLessThan(100);
  });

  it('fit (sync) obeys an abort raised from its progress callback', () => {
    const controller = new AbortController();
    const clf = new Classifier({ ...small, optimizer: { maxfun: 10_000 } });
    clf.fit(X, k, { signal: controller.signal, onProgress: (p) => p.iteration >= 3 && controller.abort() });
    expect(clf.model.training!.status).toBe('aborted');
  });
});

describe('Classifier: save and load', () => {
  it('load gives the same classes, predictions and settings; the file is a model file', () => {
    const clf = new Classifier(small).fit(X, k.map((c) => ['owl', 'cat', 'dog'][c]));
    const path = join(dir, 'clf.json');
    clf.save(path);
    expect(loadModel(path).labelNames).toEqual(['cat', 'dog', 'owl']);
    const again = Classifier.load(path);
    expect(again.classes).toEqual(clf.classes);
    expect(again.predict(X)).toEqual(clf.predict(X));
    expect(again.options).toMatchObject({ hidden: [5], lambda: 0.1, method: 'tnc', optimizer: { maxfun: 200 }, initRange: 0.5 });
  });
});

describe('Classifier: defaults and bad input', () => {
  it('defaults are the SEED preset', () => {
    const { dataset: _dataset, ...seed } = SEED;
    expect(new Classifier().options).toEqual(seed);
    expect(new Classifier(SEED).options).toEqual(seed);
  });

  it('typed one-line errors', () => {
    const fresh = new Classifier(small);
    expect(() => fresh.predict(X)).toThrow(NotFittedError);
    expect(() => fresh.classes).toThrow(/not trained yet/);
    expect(() => new Classifier({ hiden: [5] } as never)).toThrow(InvalidArgumentError);
    expect(() => new Classifier({ lambda: -1 })).toThrow(InvalidArgumentError);
    expect(() => fresh.fit(X, k.slice(1))).toThrow(ShapeError);
    expect(() => fresh.fit(X, [...k.slice(1), 'x'] as never)).toThrow(/labels must be all integers or all strings/);
    expect(() => fresh.fit(X, k.map((c) => c + 0.5))).toThrow(InvalidArgumentError);
    expect(() => fresh.fit(X, k.map(() => 1))).toThrow(/at least 2 classes/);
    const many = { rows: 70_000, cols: 1, data: new Float64Array(70_000) };
    expect(() => fresh.fit(many, Array.from({ length: 70_000 }, (_, i) => i))).toThrow(/more than 65536 distinct labels/);
    const fitted = new Classifier(small).fit(X, k);
    expect(() => fitted.predict([[1, 2, 3]])).toThrow(ShapeError);
  });
});
