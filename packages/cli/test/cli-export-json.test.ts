// `backprop export --out X.json WEIGHTS.mat`: MAT weights (the course's ex4weights.mat) written as a model file, the
// form `serve`, `visualize` and the library load. The model file scores digits5000 as numpy does with the MAT-file's
// Thetas (scripts/ref/cli_golden.py: 97.52%, the course's figure), and its theta is the Thetas' own values. `serve`
// refuses MAT weights with one line saying how to convert them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, readMatFile } from '@backprop/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, EX4WEIGHTS, fixture, oneLineError, onlyJson, tmp } from './helpers.js';

beforeAll(() => ensureBuilt());

describe('export --out FILE.json', () => {
  it('MAT weights → a model file that scores as numpy does and holds the Thetas as written', () => {
    const out = join(tmp(), 'ex4.json');
    const r = cli(['export', '--out', out, EX4WEIGHTS, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(onlyJson(r)).toMatchObject({ format: 'json', layers: [400, 25, 10], classes: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'] });

    const ref = JSON.parse(readFileSync(fixture('ex4-digits5000.json'), 'utf8')) as { accuracy: number; predicted: number[] };
    const scored = cli(['evaluate', '--model', out, '--data', 'builtin:digits5000', '--json']);
    expect(scored.code, scored.stderr).toBe(0);
    expect(onlyJson(scored).accuracy).toBe(ref.accuracy);

    // theta is Theta1 then Theta2, each row by row, as the library lays weights out; the MAT-file is read on its own
    const mat = readMatFile(EX4WEIGHTS);
    const rowMajor = (name: string): number[] => {
      const v = mat.variables.get(name)!;
      const { rows, cols } = { rows: v.dims[0], cols: v.dims[1] };
      return Array.from({ length: rows * cols }, (_, i) => v.data[Math.floor(i / cols) + (i % cols) * rows]);
    };
    expect(Array.from(loadModel(out).theta)).toEqual([...rowMajor('Theta1'), ...rowMajor('Theta2')]);
  });

  it('--dtype is refused for a model file, naming the format', () => {
    const r = cli(['export', '--out', join(tmp(), 'm.json'), '--dtype', 'float32', EX4WEIGHTS]);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toContain('--dtype is for ONNX exports; a model file (JSON) holds');
  });
});

describe('serve --model WEIGHTS.mat', () => {
  it('is refused at once with one line naming the conversion', () => {
    const r = cli(['serve', '--model', EX4WEIGHTS, '--port', '0']);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toContain(`serve takes model files (.json) or a directory of them, not MAT weights; write one with: backprop export --out model.json ${EX4WEIGHTS}`);
  });
});

describe('serve --model MISSING', () => {
  it('names the flag and the file, as the other commands do', () => {
    const r = cli(['serve', '--model', '/nonexistent/model.json', '--port', '0']);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toBe('backprop: error: --model /nonexistent/model.json: no such file or directory');
  });
});
