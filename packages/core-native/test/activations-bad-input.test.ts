// Bad activations throw a typed error whose message names the argument, the expected and the received — once
// through the TypeScript surface (lib/checks.ts, before crossing into C++) and once straight into the raw binding
// (the C++ check, checks::activations, on its own) — for new NativeNetwork, predict and predictAsync. The process
// lives on, and a good call afterwards still works.
import { describe, expect, test } from 'vitest';
import * as surface from '../lib/index.js';
import { loadNative } from '../lib/index.js';
import { unavailable } from './native-available.js';
import * as ref from './reference.js';

type Api = any;

const layers = [3, 4, 5, 2]; // two hidden layers
const m = 4;
const P = ref.parameterCount(layers);
const rand = ref.prng(16);
const X = ref.uniform(rand, m * 3, -1, 1);
const Y = ref.oneHot(rand, m, 2);
const theta = ref.uniform(rand, P, -1, 1);
const good = { hidden: ['relu', 'tanh'], output: 'softmax', leakySlope: 0.01 };

interface Case {
  what: string;
  activations: unknown;
  error: typeof TypeError | typeof RangeError;
  message: RegExp;
}

const cases: Case[] = [
  { what: 'null', activations: null, error: TypeError, message: /^activations: expected an object \{ hidden, output, leakySlope \}, got null/ },
  { what: 'a string', activations: 'relu', error: TypeError, message: /^activations: expected an object \{ hidden, output, leakySlope \}, got string/ },
  { what: 'an array', activations: ['relu', 'tanh'], error: TypeError, message: /^activations: expected an object \{ hidden, output, leakySlope \}, got Array of length 2/ },
  { what: 'a number', activations: 1, error: TypeError, message: /^activations: expected an object \{ hidden, output, leakySlope \}, got number 1/ },
  { what: 'hidden missing', activations: { output: 'softmax', leakySlope: 0.01 }, error: TypeError, message: /^activations\.hidden: expected an Array of 2 activation name\(s\), one per hidden layer, got undefined/ },
  { what: 'hidden a string', activations: { ...good, hidden: 'relu' }, error: TypeError, message: /^activations\.hidden: expected an Array of 2 activation name\(s\), one per hidden layer, got string/ },
  { what: 'one hidden activation for two layers', activations: { ...good, hidden: ['relu'] }, error: RangeError, message: /^activations\.hidden: expected 2 activation name\(s\), one per hidden layer, got 1/ },
  { what: 'three hidden activations for two layers', activations: { ...good, hidden: ['relu', 'relu', 'relu'] }, error: RangeError, message: /^activations\.hidden: expected 2 activation name\(s\), one per hidden layer, got 3/ },
  { what: 'a huge hidden array', activations: { ...good, hidden: new Array(2 ** 31) }, error: RangeError, message: /^activations\.hidden: expected 2 activation name\(s\), one per hidden layer, got 2147483648/ },
  { what: 'an unknown hidden name', activations: { ...good, hidden: ['relu', 'gelu'] }, error: RangeError, message: /^activations\.hidden\[1\]: expected one of sigmoid, tanh, relu, leaky_relu, got "gelu"/ },
  { what: 'a name in the wrong case', activations: { ...good, hidden: ['ReLU', 'tanh'] }, error: RangeError, message: /^activations\.hidden\[0\]: expected one of sigmoid, tanh, relu, leaky_relu, got "ReLU"/ },
  { what: 'a long unknown name, quoted cut', activations: { ...good, hidden: ['x'.repeat(1000), 'tanh'] }, error: RangeError, message: /^activations\.hidden\[0\]: expected one of sigmoid, tanh, relu, leaky_relu, got "x{40}\.\.\."$/ },
  { what: 'a hidden name that is a number', activations: { ...good, hidden: ['relu', 3] }, error: TypeError, message: /^activations\.hidden\[1\]: expected one of sigmoid, tanh, relu, leaky_relu, got number 3/ },
  // eslint-disable-next-line no-sparse-arrays
  { what: 'a hole in hidden', activations: { ...good, hidden: [, 'tanh'] }, error: TypeError, message: /^activations\.hidden\[0\]: expected one of sigmoid, tanh, relu, leaky_relu, got undefined/ },
  { what: 'softmax as a hidden activation', activations: { ...good, hidden: ['softmax', 'tanh'] }, error: RangeError, message: /^activations\.hidden\[0\]: expected one of sigmoid, tanh, relu, leaky_relu, got "softmax"/ },
  { what: 'an unknown output', activations: { ...good, output: 'relu' }, error: RangeError, message: /^activations\.output: expected one of sigmoid, softmax, got "relu"/ },
  { what: 'output missing', activations: { hidden: ['relu', 'tanh'], leakySlope: 0.01 }, error: TypeError, message: /^activations\.output: expected one of sigmoid, softmax, got undefined/ },
  { what: 'slope 0', activations: { ...good, leakySlope: 0 }, error: RangeError, message: /^activations\.leakySlope: expected a number between 0 and 1 \(exclusive\), got 0/ },
  { what: 'slope 1', activations: { ...good, leakySlope: 1 }, error: RangeError, message: /^activations\.leakySlope: expected a number between 0 and 1 \(exclusive\), got 1/ },
  { what: 'slope negative', activations: { ...good, leakySlope: -0.1 }, error: RangeError, message: /^activations\.leakySlope: expected a number between 0 and 1 \(exclusive\), got -0\.1/ },
  { what: 'slope NaN', activations: { ...good, leakySlope: Number.NaN }, error: RangeError, message: /^activations\.leakySlope: expected a number between 0 and 1 \(exclusive\), got nan/i },
  { what: 'slope Infinity', activations: { ...good, leakySlope: Number.POSITIVE_INFINITY }, error: RangeError, message: /^activations\.leakySlope: expected a number between 0 and 1 \(exclusive\), got inf/i },
  { what: 'slope a string', activations: { ...good, leakySlope: '0.01' }, error: TypeError, message: /^activations\.leakySlope: expected a number between 0 and 1 \(exclusive\), got string/ },
  { what: 'slope missing', activations: { hidden: ['relu', 'tanh'], output: 'softmax' }, error: TypeError, message: /^activations\.leakySlope: expected a number between 0 and 1 \(exclusive\), got undefined/ },
];

const calls: Array<[string, (api: Api, activations: unknown) => unknown]> = [
  ['new NativeNetwork', (api, a) => new api.NativeNetwork(layers, X, Y, m, a)],
  ['predict', (api, a) => api.predict(layers, theta, X, m, new Float64Array(m * 2), a)],
  ['predictAsync', (api, a) => api.predictAsync(layers, theta, X, m, new Float64Array(m * 2), a)],
];

async function errorOf(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
}

for (const [side, api] of [['TypeScript surface', surface], ['raw C++ binding', undefined]] as const) {
  describe.skipIf(unavailable)(`bad activations through the ${side}`, () => {
    const target = (): Api => api ?? loadNative();
    for (const [call, run] of calls) {
      describe(call, () => {
        for (const c of cases) {
          test(c.what, async () => {
            const error = (await errorOf(() => run(target(), c.activations))) as Error & { code?: string };
            expect(error).toBeInstanceOf(c.error);
            expect(error.message).toMatch(c.message);
            expect(error.code).toBe(c.error === TypeError ? 'ERR_INVALID_ARG_TYPE' : 'ERR_OUT_OF_RANGE');
            if (api !== undefined) expect(error.stack?.split('\n')[1]).toMatch(/lib[\\/]checks\.ts/);
            if (api === undefined) expect(error.stack).not.toMatch(/lib[\\/]checks\.ts/);
          });
        }
      });
    }

    test('a good call after all of them works; undefined is the seed network', async () => {
      const net = new (target().NativeNetwork)(layers, X, Y, m, good);
      const grad = new Float64Array(P);
      const expected = ref.referenceCostGradient(layers, theta, 1, X, Y, m);
      const seed = new (target().NativeNetwork)(layers, X, Y, m, undefined);
      expect(ref.relativeError(seed.costGradient(theta, 1, grad), expected.J)).toBeLessThanOrEqual(1e-12);
      expect(Number.isFinite(net.costGradient(theta, 1, grad))).toBe(true);
      const out = new Float64Array(m * 2);
      await target().predictAsync(layers, theta, X, m, out, good);
      for (let i = 0; i < m; i++) expect(out[2 * i] + out[2 * i + 1]).toBeCloseTo(1, 14);
    });
  });
}
