// Every CPU class this machine runs gives the default path's results (issue 19). The addon is built once per class
// (backprop_native_<class>.node); for each class the CPU runs, a child process with BACKPROP_ISA=<class> computes
// on digits-sized data — costGradient of the seed's sigmoid network (sparse X: full batch and a minibatch; dense
// X), of a relu/softmax network (full batch and a minibatch), predict with both, and one Adam step — through the
// built package (dist/), and each result must equal the default child's to 1e-12, with isa() reporting the
// forced class. Relative error, max over entries: predict's outputs and Adam's state against their own values; a
// cost against itself; a gradient entry, as everywhere in these tests, against the sum of the magnitudes of its
// terms (reference.ts maxScaledError: the classes differ by FMA in the sparse first layer, and an entry that nearly
// cancels would otherwise be held to far less than its terms' rounding). A class the CPU
// cannot run, forced by BACKPROP_ISA or by BACKPROP_NATIVE_PATH, and an unknown class are typed errors naming
// the CPU's best class, never a crash.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { referenceActivations } from './activation-reference.js';
import { ISA_CLASSES, bestIsa, cpuIsa, runs } from '../lib/isa.js';
import { addonPath } from '../lib/load.js';
import { unavailable } from './native-available.js';
import * as ref from './reference.js';

const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const TOLERANCE = 1e-12;
const LAYERS = [400, 25, 10];
const M = 5000; // the digits' m
const SPEC = { hidden: ['relu'], output: 'softmax', leakySlope: 0.01 };
const INPUTS = ['X', 'Xdense', 'Y', 'theta', 'rows', 'adam'] as const;

// The child: reads the inputs, computes everything, writes each result as raw float64 plus status.json.
const CHILD = `
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const dir = process.argv[1];
const core = await import(${JSON.stringify(DIST)});
const f64 = (name) => { const b = readFileSync(join(dir, name)); return new Float64Array(b.buffer, b.byteOffset, b.length / 8); };
const status = core.nativeStatus();
let error;
try { core.loadNative(); } catch (e) { error = { name: e.name, code: e.code, message: e.message }; }
writeFileSync(join(dir, 'status.json'), JSON.stringify({ status, error }));
if (status.available) {
  const [layers, m, spec] = ${JSON.stringify([LAYERS, M, SPEC])};
  const X = f64('X'), Xdense = f64('Xdense'), Y = f64('Y'), theta = f64('theta');
  const rows = Uint32Array.from(f64('rows'));
  const out = {};
  const costGradient = (name, data, activations, batch) => {
    const net = new core.NativeNetwork(layers, data, Y, m, activations);
    const grad = new Float64Array(net.parameterCount);
    out[name] = Float64Array.of(net.costGradient(theta, 1.5, grad, batch), ...grad);
    net.dispose();
  };
  costGradient('sigmoid', X, undefined);
  costGradient('sigmoid-minibatch', X, undefined, rows);
  costGradient('sigmoid-dense', Xdense, undefined);
  costGradient('relu-softmax', X, spec);
  costGradient('relu-softmax-minibatch', X, spec, rows);
  for (const [name, activations] of [['predict-sigmoid', undefined], ['predict-relu-softmax', spec]]) {
    out[name] = new Float64Array(m * layers[layers.length - 1]);
    core.predict(layers, theta, X, m, out[name], activations);
  }
  const adam = f64('adam'), n = adam.length / 5;
  const [x, g, m1, m2, sum] = [0, 1, 2, 3, 4].map((k) => adam.slice(k * n, (k + 1) * n));
  core.adamUpdate(x, g, m1, m2, sum, { step: 1e-3 * Math.sqrt(1 - 0.999 ** 3) / (1 - 0.9 ** 3), epsilon: 1e-8 * Math.sqrt(1 - 0.999 ** 3), beta1: 0.9, beta2: 0.999, weight: 128 });
  out.adam = Float64Array.of(...x, ...m1, ...m2, ...sum);
  for (const [name, values] of Object.entries(out)) writeFileSync(join(dir, 'out-' + name), values);
}
`;
const OUTPUTS = [
  'sigmoid', 'sigmoid-minibatch', 'sigmoid-dense', 'relu-softmax', 'relu-softmax-minibatch',
  'predict-sigmoid', 'predict-relu-softmax', 'adam',
];

interface ChildResult {
  status: { available: boolean; reason?: string; hint?: string; path?: string; isa?: { addon: string; cpu: string; chosen: string } };
  error?: { name: string; code: string; message: string };
  outputs: Record<string, Float64Array>;
}

const dirs: string[] = [];
let inputs: Record<(typeof INPUTS)[number], Float64Array>;
/** Per costGradient output: the reference's sum of term magnitudes for each gradient entry. */
let scales: Record<string, Float64Array>;

/** Runs the child with `env` added to this process's (minus the loader's settings) in a fresh copy of the inputs. */
function child(env: Record<string, string>): ChildResult {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-isa-'));
  dirs.push(dir);
  for (const name of INPUTS) writeFileSync(join(dir, name), inputs[name]);
  const base = { ...process.env };
  delete base.BACKPROP_ISA;
  delete base.BACKPROP_NATIVE_PATH;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD, dir], {
    env: { ...base, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(r.signal, r.stderr).toBeNull();
  expect(r.status, r.stderr).toBe(0);
  const { status, error } = JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8'));
  const outputs: Record<string, Float64Array> = {};
  for (const name of OUTPUTS) {
    const file = join(dir, `out-${name}`);
    if (!existsSync(file)) continue;
    const b = readFileSync(file);
    outputs[name] = new Float64Array(b.buffer, b.byteOffset, b.length / 8);
  }
  return { status, error, outputs };
}


afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

// BACKPROP_NATIVE_PATH (e.g. the sanitizer run) names one file: the classes are not what it tests.
const pinned = Boolean(process.env.BACKPROP_NATIVE_PATH);
const cpu = cpuIsa();
const runnable = ISA_CLASSES.filter((isa) => runs(cpu, isa) && existsSync(addonPath(isa)));
const beyond = ISA_CLASSES.filter((isa) => !runs(cpu, isa));

describe.skipIf(unavailable || pinned || cpu === 'baseline' || !existsSync(DIST))('every CPU class this machine runs', () => {
  beforeAll(() => {
    const p = ref.sparseProblem(LAYERS, M, 19, 0.19); // the digits' X is ~19% non-zero: the sparse first layer
    const dense = ref.sparseProblem(LAYERS, M, 20, 1); // every entry non-zero: the dense products
    const rand = ref.prng(21);
    const n = p.theta.length;
    const rows = Float64Array.from({ length: 128 }, () => Math.floor(rand() * M));
    const adam = Float64Array.of(
      ...ref.uniform(rand, n, -1, 1), ...ref.uniform(rand, n, -0.1, 0.1), ...ref.uniform(rand, n, -0.01, 0.01),
      ...ref.uniform(rand, n, 0, 1e-4), ...ref.uniform(rand, n, -5, 5),
    );
    inputs = { X: p.X, Xdense: dense.X, Y: p.Y, theta: p.theta, rows, adam };
    const batch = Uint32Array.from(rows);
    const [Xb, Yb] = [ref.gather(p.X, LAYERS[0], batch), ref.gather(p.Y, LAYERS[2], batch)];
    scales = {
      sigmoid: ref.referenceCostGradient(LAYERS, p.theta, 1.5, p.X, p.Y, M).scale,
      'sigmoid-minibatch': ref.referenceCostGradient(LAYERS, p.theta, 1.5, Xb, Yb, batch.length).scale,
      'sigmoid-dense': ref.referenceCostGradient(LAYERS, p.theta, 1.5, dense.X, p.Y, M).scale,
      'relu-softmax': referenceActivations(LAYERS, p.theta, 1.5, p.X, p.Y, M, SPEC).scale,
      'relu-softmax-minibatch': referenceActivations(LAYERS, p.theta, 1.5, Xb, Yb, batch.length, SPEC).scale,
    };
  });
  let standard: ChildResult;
  beforeAll(() => {
    standard = child({});
  });

  test('by default the best class built that the CPU runs is loaded, and the addon agrees on the CPU class', () => {
    expect(standard.status.available).toBe(true);
    expect(standard.status.isa).toEqual({ addon: runnable[0], cpu, chosen: 'default' });
    expect(Object.keys(standard.outputs).sort()).toEqual([...OUTPUTS].sort());
  });

  for (const isa of runnable) {
    test(`BACKPROP_ISA=${isa}: isa() reports it, and every result equals the default's to 1e-12`, () => {
      const forced = child({ BACKPROP_ISA: isa });
      expect(forced.status.isa).toEqual({ addon: isa, cpu, chosen: 'env' });
      expect(forced.status.path).toBe(addonPath(isa));
      for (const name of OUTPUTS) {
        const [got, want] = [forced.outputs[name], standard.outputs[name]];
        const error =
          name in scales
            ? Math.max(ref.relativeError(got[0], want[0]), ref.maxScaledError(got.subarray(1), want.subarray(1), scales[name]))
            : ref.maxRelativeError(got, want);
        expect(error, `${name}: max relative error ${error}`).toBeLessThanOrEqual(TOLERANCE);
      }
    });
  }

  for (const isa of beyond) {
    test(`BACKPROP_ISA=${isa}, above this CPU: a typed error naming the CPU's best class, nothing loaded`, () => {
      const r = child({ BACKPROP_ISA: isa });
      expect(r.status).toMatchObject({ available: false, reason: `BACKPROP_ISA=${isa}: this CPU cannot run it (its best class is ${cpu})` });
      expect(r.error).toMatchObject({ name: 'NativeUnavailableError', code: 'ERR_NATIVE_UNAVAILABLE' });
      expect(r.outputs).toEqual({});
    });

    test.skipIf(!existsSync(addonPath(isa)))(`BACKPROP_NATIVE_PATH at the ${isa} addon: its own check refuses, no SIGILL`, () => {
      const r = child({ BACKPROP_NATIVE_PATH: addonPath(isa) });
      expect(r.status.available).toBe(false);
      expect(r.status.reason).toBe(
        `cannot load ${addonPath(isa)}: backprop_native_${isa}.node needs an ${isa} CPU; this CPU's best class is ${cpu}`,
      );
      expect(r.status.hint).toMatch(/^this CPU cannot run that addon/);
    });
  }

  test('the build status lists every class built, smoke-loaded exactly when this CPU runs it', () => {
    const status = JSON.parse(readFileSync(fileURLToPath(new URL('../build/native-build-status.json', import.meta.url)), 'utf8'));
    const built = ISA_CLASSES.filter((isa) => existsSync(addonPath(isa)));
    expect(Object.keys(status.addons)).toEqual(built);
    for (const isa of built) {
      expect(status.addons[isa]).toMatchObject({ path: addonPath(isa), runs: runs(cpu, isa) });
    }
  });

  test('an unknown BACKPROP_ISA: a typed error listing the classes and naming the CPU\'s best', () => {
    const r = child({ BACKPROP_ISA: 'avx2' });
    expect(r.status).toMatchObject({
      available: false,
      reason: `BACKPROP_ISA="avx2" is not a CPU class: expected x86-64-v4, x86-64-v3, x86-64 (this CPU's best is ${cpu})`,
    });
    expect(r.error).toMatchObject({ code: 'ERR_NATIVE_UNAVAILABLE' });
  });
});

describe('the CPU class from /proc/cpuinfo flags (GCC\'s x86-64 levels)', () => {
  const v2 = 'cx16 lahf_lm popcnt pni sse4_1 sse4_2 ssse3';
  const v3 = `${v2} avx avx2 bmi1 bmi2 f16c fma abm movbe xsave`;
  const v4 = `${v3} avx512f avx512bw avx512cd avx512dq avx512vl`;
  const flags = (list: string) => new Set(`fpu sse sse2 ${list}`.split(' '));

  test('each level, and one missing feature drops it to the level below', () => {
    expect(bestIsa(flags(v4))).toBe('x86-64-v4');
    expect(bestIsa(flags(v3))).toBe('x86-64-v3');
    expect(bestIsa(flags(v2))).toBe('x86-64');
    expect(bestIsa(flags(v4.replace(' avx512vl', '')))).toBe('x86-64-v3');
    expect(bestIsa(flags(v4.replace(' fma', '')))).toBe('x86-64');
    expect(bestIsa(flags(v3.replace('popcnt ', '')))).toBe('x86-64');
    expect(bestIsa(new Set())).toBe('x86-64');
  });

  test('a class runs on its CPU and every CPU above it, never below', () => {
    expect(runs('x86-64-v3', 'x86-64-v3')).toBe(true);
    expect(runs('x86-64-v3', 'x86-64')).toBe(true);
    expect(runs('x86-64-v3', 'x86-64-v4')).toBe(false);
    expect(runs('x86-64', 'x86-64-v3')).toBe(false);
    expect(runs('x86-64-v4', 'x86-64')).toBe(true);
  });
});
