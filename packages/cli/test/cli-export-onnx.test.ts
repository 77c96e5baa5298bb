// `backprop export --format onnx`: the file it writes, run by onnxruntime-web, gives numpy's output activations for
// the course's ex4 weights (scripts/ref/cli_golden.py, 50 digits) and numpy's predicted digits; the format follows
// --out or --format; bad flags are one-line errors with exit 2; the file is written atomically.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { DIGIT_LABEL_NAMES, loadDigits5000, predict, saveModel, scores, type Activations } from '@backprop/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cli, ensureBuilt, ex4Model, golden, oneLineError, onlyJson, ROOT, tmp } from './helpers.js';

/** The ex4 weights as a model file of another network (the weights need not be trained for that network). */
function modelWith(activations: Activations): string {
  const path = join(tmp(), 'model.json');
  saveModel(path, { ...ex4Model().model, activations });
  return path;
}

ort.env.wasm.numThreads = 1;

let model: string;
beforeAll(() => {
  ensureBuilt();
  model = ex4Model().path;
});

async function run(file: string, rows: number[][], dtype: 'float64' | 'float32') {
  const session = await ort.InferenceSession.create(readFileSync(file));
  try {
    const flat = rows.flat();
    const data = dtype === 'float64' ? Float64Array.from(flat) : Float32Array.from(flat);
    const out = await session.run({ input: new ort.Tensor(dtype, data, [rows.length, rows[0].length]) });
    return {
      h: out.scores.data as Float64Array | Float32Array,
      p: out.probabilities.data as Float64Array | Float32Array,
      classes: out.class.data as string[],
    };
  } finally {
    await session.release();
  }
}

/** A model file whose hidden layer names an activation this project does not have. */
function withUnknownActivation(): string {
  const path = modelWith({ hidden: ['relu'], output: 'sigmoid', leakySlope: 0.01 });
  writeFileSync(path, readFileSync(path, 'utf8').replace('"hidden":["relu"]', '"hidden":["swish"]'));
  return path;
}

describe('backprop export --format onnx', () => {
  for (const [dtype, tolerance] of [['float64', 1e-12], ['float32', 1e-5]] as const) {
    it(`writes a ${dtype} model that ONNX Runtime runs to numpy's scores, normalised probabilities and digits`, async () => {
      const dir = tmp();
      const args = ['export', '--format', 'onnx', '--out', 'digits.onnx', model, '--json'];
      const r = cli(dtype === 'float64' ? args : [...args, '--dtype', dtype], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      const result = onlyJson(r);
      expect(result).toMatchObject({ out: join(dir, 'digits.onnx'), format: 'onnx', dtype, opset: 13, layers: [400, 25, 10] });
      expect(result.bytes).toBe(readFileSync(join(dir, 'digits.onnx')).length);
      expect(readdirSync(dir)).toEqual(['digits.onnx']); // no temporary file left behind

      const g = golden();
      const { h, p, classes } = await run(join(dir, 'digits.onnx'), g.X, dtype);
      let worst = 0;
      g.h.flat().forEach((v, i) => (worst = Math.max(worst, Math.abs(h[i] - v))));
      // probabilities: numpy's sigmoid outputs, each row divided by its sum (what predict --json calls probabilities)
      g.h.flatMap((row) => row.map((v) => v / row.reduce((a, b) => a + b, 0))).forEach((v, i) => (worst = Math.max(worst, Math.abs(p[i] - v))));
      expect(worst).toBeLessThanOrEqual(tolerance);
      expect(classes).toEqual(g.predicted.map((k) => DIGIT_LABEL_NAMES[k - 1]));
    });
  }

  it('the format follows --out: .onnx without --format, and --model still names the model', () => {
    const dir = tmp();
    const r = cli(['export', '--model', model, '--out', 'm.ONNX'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^wrote m\.ONNX: ONNX opset 13, float64, 400-25\(sigmoid\)-10\(sigmoid\), \d+ bytes$/m);
    expect(existsSync(join(dir, 'm.ONNX'))).toBe(true);
  });

  it('bad flags: one line, exit 2, nothing written', () => {
    const dir = tmp();
    const cases: [string[], RegExp][] = [
      [['--out', 'm.onnx', '--dtype', 'float16', model], /--dtype: expected one of float64, float32, got "float16"/],
      [['--out', 'm.onnx', '--format', 'protobuf', model], /--format: expected one of onnx, mat, json, got "protobuf"/],
      [['--out', 'm.mat', '--format', 'onnx', model], /--format onnx does not match --out "m\.mat", which names a MAT-file/],
      [['--out', 'm.onnx', '--format', 'mat', model], /--format mat does not match --out "m\.onnx", which names an ONNX file/],
      [['--out', 'm.bin', model], /--format: not given, and --out "m\.bin" names none of a \.onnx, \.mat or \.json file/],
      [['--out', 'm.mat', '--dtype', 'float32', model], /--dtype is for ONNX exports/],
      [['--out', 'm.onnx'], /missing the model: backprop export \[options\] MODEL/],
      [['--out', 'm.onnx', '--model', model, 'other.json'], /two models given/],
      [['--out', 'm.onnx', 'nothere.json'], /--model nothere\.json: no such file or directory/],
      [['--out', 'm.onnx', withUnknownActivation()], /activations\.hidden\[0\].*"swish"/],
    ];
    for (const [args, message] of cases) {
      const r = cli(['export', ...args], { cwd: dir });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(oneLineError(r)).toMatch(message);
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a relu/softmax model: the ONNX file computes that network; --format mat refuses it, naming the activation', async () => {
    const dir = tmp();
    const activations: Activations = { hidden: ['relu'], output: 'softmax', leakySlope: 0.01 };
    const file = modelWith(activations);
    const r = cli(['export', '--out', 'relu.onnx', file], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const digits = loadDigits5000();
    const rows = [0, 1234, 2500, 4999].map((i) => Array.from(digits.X.data.subarray(i * 400, (i + 1) * 400)));
    const { h } = await run(join(dir, 'relu.onnx'), rows, 'float64');
    const { model } = ex4Model();
    const want = scores(model.theta, { rows: 4, cols: 400, data: Float64Array.from(rows.flat()) }, { layers: model.layers, activations });
    Array.from(want.data).forEach((v, i) => expect(Math.abs(h[i] - v)).toBeLessThan(1e-12));

    const mat = cli(['export', '--out', 'w.mat', file], { cwd: dir });
    expect(mat.code, mat.stdout + mat.stderr).toBe(2);
    expect(oneLineError(mat)).toMatch(/--out "w\.mat" is a MAT-file, which holds Theta1\.\.ThetaN only, which describe sigmoid networks, and this model's hidden layer 1 is relu; export it to a \.onnx file/);
    const asked = cli(['export', '--format', 'mat', '--out', 'w.mat', file], { cwd: dir });
    expect(oneLineError(asked)).toMatch(/--format mat: a MAT-file holds Theta1\.\.ThetaN only, .*; export it with --format onnx$/);
    const json = onlyJson(cli(['export', '--out', 'relu2.onnx', file, '--json'], { cwd: dir }));
    expect(json.layers).toEqual([400, 25, 10]);
    expect(json.architecture).toBe('400-25(relu)-10(softmax)');
    rmSync(join(dir, 'relu2.onnx'));
    const softmax = cli(['export', '--out', 'w.mat', modelWith({ hidden: ['sigmoid'], output: 'softmax', leakySlope: 0.01 })], { cwd: dir });
    expect(oneLineError(softmax)).toMatch(/this model's output is softmax/);
    expect(readdirSync(dir)).toEqual(['relu.onnx']);
  });

  it('the README\'s script runs as written on an exported model and prints predict\'s classes', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Export: ONNX, MAT and model files'));
    const script = /```js\n([\s\S]*?)```/.exec(section)![1];
    const dir = tmp();
    mkdirSync(join(dir, 'reports', 'seed'), { recursive: true });
    const { path, model } = ex4Model();
    expect(cli(['export', '--out', 'reports/seed/model.onnx', path], { cwd: dir }).code).toBe(0);
    // inside the repository's node_modules, so that its imports resolve as they do in a user's project
    const home = mkdtempSync(join(ROOT, 'node_modules', '.readme-onnx-'));
    try {
      writeFileSync(join(home, 'script.mjs'), script);
      const r = spawnSync(process.execPath, [join(home, 'script.mjs')], { cwd: dir, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const X = { rows: 3, cols: 400, data: loadDigits5000().X.data.slice(0, 1200) };
      const classes = Array.from(predict(model.theta, X, { layers: model.layers }), (k) => DIGIT_LABEL_NAMES[k - 1]);
      expect(r.stdout).toBe(`${classes.join(' ')} 3x10\n`);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
