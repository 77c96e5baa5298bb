// `--data` takes IDX files: `data export --out x.idx` writes x.idx and x-labels.idx, and train / evaluate /
// predict read them back as the data exported (the source laid out row by row, IDX's order: the same checksum);
// MNIST-named files written here read as builtin:mnist reads its own; a missing labels file is one typed line
// naming the files looked for.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDigits5000, makeDataset, withPixelOrder, writeIdx } from '@backprop/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, oneLineError, onlyJson, tmp } from './helpers.js';

beforeAll(() => {
  ensureBuilt();
});

describe('--data FILE.idx (with FILE-labels.idx) and MNIST-named IDX files', () => {
  it('export → train, evaluate and predict on the IDX round trip: the source’s data (its checksum, laid out row by row)', () => {
    const dir = tmp();
    for (const out of ['x.idx', 'digits-images-idx3-ubyte']) {
      const e = cli(['data', 'export', '--name', 'digits5000', '--out', out], { cwd: dir });
      expect(e.code, e.stderr).toBe(0);
    }
    expect(existsSync(join(dir, 'x-labels.idx'))).toBe(true);
    expect(existsSync(join(dir, 'digits-labels-idx1-ubyte'))).toBe(true);
    // what the files hold: digits5000 with its pictures row by row (IDX's order), labels 1..10
    const rowMajor = withPixelOrder(loadDigits5000(), 'row-major');

    for (const data of ['x.idx', 'digits-images-idx3-ubyte']) {
      const t = cli(['train', '--data', data, '--hidden', '5', '--maxfun', '3', '--out', `${data}.json`], { cwd: dir });
      expect(t.code, t.stderr).toBe(0);
      const model = JSON.parse(readFileSync(join(dir, `${data}.json`), 'utf8'));
      expect(model.training.dataset.m).toBe(5000);
      expect(model.training.dataset.checksum).toBe(rowMajor.checksum);
    }

    // a model trained on the export evaluates and predicts on it
    const onIdx = onlyJson(cli(['evaluate', '--model', 'x.idx.json', '--data', 'x.idx', '--json'], { cwd: dir }));
    expect(onIdx.m).toBe(5000);
    // the digits as written (0..9, as MNIST's label files), read back as the digit names of digits5000's classes
    expect(onIdx.confusion.labels).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '0']);
    const p = onlyJson(cli(['predict', '--model', 'x.idx.json', '--data', 'x.idx', '--rows', '0:3', '--json'], { cwd: dir }));
    expect(p.predictions).toHaveLength(3);
    rmSync(dir, { recursive: true });
  });

  it('MNIST-named files (small ones written here): pixels / 255, digit 0 → label 10, as builtin:mnist', () => {
    const dir = tmp();
    const m = 30;
    const pixels = Uint8Array.from({ length: m * 16 }, (_, i) => (i * 53 + 7) % 256);
    const digits = Uint8Array.from({ length: m }, (_, i) => i % 10);
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), writeIdx({ type: 'uint8', dims: [m, 4, 4], data: pixels }));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), writeIdx({ type: 'uint8', dims: [m], data: digits }));
    const want = makeDataset({
      name: 'want',
      X: { rows: m, cols: 16, data: Float64Array.from(pixels, (v) => v / 255) },
      y: Array.from(digits, (d) => (d === 0 ? 10 : d)),
    });
    const t = cli(['train', '--data', 'train-images-idx3-ubyte', '--hidden', '3', '--maxfun', '2', '--out', 'mnist.json'], { cwd: dir });
    expect(t.code, t.stderr).toBe(0);
    const model = JSON.parse(readFileSync(join(dir, 'mnist.json'), 'utf8'));
    expect(model.training.dataset.checksum).toBe(want.checksum);
    expect(model.labelNames).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '0']);
    expect(model.inputShape).toMatchObject({ width: 4, height: 4, order: 'row-major' });
    const e = onlyJson(cli(['evaluate', '--model', 'mnist.json', '--data', 'train-images-idx3-ubyte', '--json'], { cwd: dir }));
    expect(e.m).toBe(m);
    rmSync(dir, { recursive: true });
  });

  it('a missing labels file: exit non-zero, one line naming the labels files looked for', () => {
    const dir = tmp();
    expect(cli(['data', 'export', '--name', 'digits5000', '--out', 'y.idx'], { cwd: dir }).code).toBe(0);
    rmSync(join(dir, 'y-labels.idx'));
    expect(cli(['train', '--data', 'builtin:digits5000', '--hidden', '4', '--maxfun', '2', '--out', 'm.json'], { cwd: dir }).code).toBe(0);
    for (const cmd of [['train', '--data', 'y.idx', '--maxfun', '1'], ['evaluate', '--model', 'm.json', '--data', 'y.idx'], ['predict', '--model', 'm.json', '--data', 'y.idx']]) {
      const r = cli(cmd, { cwd: dir });
      expect(r.code).not.toBe(0);
      expect(oneLineError(r)).toMatch(/y\.idx: no labels file beside it: looked for y-labels\.idx and y-labels\.idx\.gz in /);
    }
    rmSync(dir, { recursive: true });
  });
});
