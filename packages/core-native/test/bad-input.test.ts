// Every bad input throws the right error class with a message naming the argument, the expected and the
// received — once through the TypeScript surface (which validates before crossing into C++) and once straight
// into the raw binding (bypassing TS), which proves the C++ checks on their own. The process lives on.
import { afterAll, describe, expect, test } from 'vitest';
import * as surface from '../lib/index.js';
import { loadNative } from '../lib/index.js';
import { unavailable } from './native-available.js';
import * as ref from './reference.js';

type Api = any;

interface Case {
  what: string;
  run: (api: Api) => unknown;
  error: typeof TypeError | typeof RangeError | typeof Error;
  message: RegExp;
  code?: string;
}

const layers = [3, 4, 2];
const m = 4;
const P = 4 * 4 + 2 * 5; // 26
const rand = ref.prng(2024);
const X = ref.uniform(rand, m * 3, -1, 1);
const Y = ref.oneHot(rand, m, 2);
const theta = ref.uniform(rand, P, -1, 1);

function detached(length: number, Kind: typeof Float64Array | typeof Uint32Array = Float64Array) {
  const array = new Kind(length);
  structuredClone(array, { transfer: [array.buffer] });
  return array;
}

// The error a call ends with, thrown synchronously or as a rejection.
async function errorOf(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
}

const net = (api: Api) => new api.NativeNetwork(layers, X, Y, m);
const grad = () => new Float64Array(P);

const constructorCases: Case[] = [
  { what: 'layers undefined', run: (api) => new api.NativeNetwork(undefined, X, Y, m), error: TypeError, message: /^layers: expected an Array of layer sizes, got undefined/ },
  { what: 'layers a Float64Array', run: (api) => new api.NativeNetwork(new Float64Array([3, 4, 2]), X, Y, m), error: TypeError, message: /^layers: expected an Array of layer sizes, got Float64Array/ },
  { what: 'one layer', run: (api) => new api.NativeNetwork([3], X, Y, m), error: RangeError, message: /^layers: expected at least 2 layer sizes, got 1/ },
  { what: 'a layer of 0', run: (api) => new api.NativeNetwork([3, 0, 2], X, Y, m), error: RangeError, message: /^layers\[1\]: expected an integer in 1\.\.\d+, got 0/ },
  { what: 'a negative layer', run: (api) => new api.NativeNetwork([3, -4, 2], X, Y, m), error: RangeError, message: /^layers\[1\]: expected an integer in 1\.\.\d+, got -4/ },
  { what: 'a fractional layer', run: (api) => new api.NativeNetwork([3, 4.5, 2], X, Y, m), error: RangeError, message: /^layers\[1\]: expected an integer in 1\.\.\d+, got 4\.5/ },
  { what: 'a NaN layer', run: (api) => new api.NativeNetwork([3, Number.NaN, 2], X, Y, m), error: RangeError, message: /^layers\[1\]: expected an integer in 1\.\.\d+, got nan/i },
  { what: 'a string layer', run: (api) => new api.NativeNetwork([3, '4', 2], X, Y, m), error: TypeError, message: /^layers\[1\]: expected an integer in 1\.\.\d+, got string/ },
  { what: 'a layer too large for BLAS', run: (api) => new api.NativeNetwork([3, 2 ** 31, 2], X, Y, m), error: RangeError, message: /^layers\[1\]: expected an integer in 1\.\.2147483646, got 2147483648/ },
  { what: 'X a Float32Array', run: (api) => new api.NativeNetwork(layers, new Float32Array(12), Y, m), error: TypeError, message: /^X: expected Float64Array, got Float32Array of length 12/ },
  { what: 'X a plain array', run: (api) => new api.NativeNetwork(layers, Array.from(X), Y, m), error: TypeError, message: /^X: expected Float64Array, got Array of length 12/ },
  { what: 'X undefined', run: (api) => new api.NativeNetwork(layers, undefined, Y, m), error: TypeError, message: /^X: expected Float64Array, got undefined/ },
  { what: 'X one short', run: (api) => new api.NativeNetwork(layers, X.subarray(1), Y, m), error: RangeError, message: /^X: expected Float64Array of length 12, got length 11/ },
  { what: 'X detached', run: (api) => new api.NativeNetwork(layers, detached(12), Y, m), error: TypeError, message: /^X: expected Float64Array over an attached ArrayBuffer, got .*detached/ },
  { what: 'Y one long', run: (api) => new api.NativeNetwork(layers, X, new Float64Array(9), m), error: RangeError, message: /^Y: expected Float64Array of length 8, got length 9/ },
  { what: 'Y a Uint8Array', run: (api) => new api.NativeNetwork(layers, X, new Uint8Array(8), m), error: TypeError, message: /^Y: expected Float64Array, got Uint8Array/ },
  { what: 'm = 0', run: (api) => new api.NativeNetwork(layers, X, Y, 0), error: RangeError, message: /^m: expected an integer in 1\.\.\d+, got 0/ },
  { what: 'm negative', run: (api) => new api.NativeNetwork(layers, X, Y, -4), error: RangeError, message: /^m: expected an integer in 1\.\.\d+, got -4/ },
  { what: 'm fractional', run: (api) => new api.NativeNetwork(layers, X, Y, 3.5), error: RangeError, message: /^m: expected an integer in 1\.\.\d+, got 3\.5/ },
  { what: 'm a string', run: (api) => new api.NativeNetwork(layers, X, Y, '4'), error: TypeError, message: /^m: expected an integer in 1\.\.\d+, got string/ },
  { what: 'm undefined', run: (api) => new api.NativeNetwork(layers, X, Y), error: TypeError, message: /^m: expected an integer in 1\.\.\d+, got undefined/ },
];

function costGradientCases(method: 'costGradient' | 'costGradientAsync'): Case[] {
  const call = (api: Api, ...args: unknown[]) => net(api)[method](...args);
  return [
    { what: 'theta a Float32Array', run: (api) => call(api, new Float32Array(P), 0, grad()), error: TypeError, message: /^theta: expected Float64Array, got Float32Array of length 26/ },
    { what: 'theta a plain array', run: (api) => call(api, Array.from(theta), 0, grad()), error: TypeError, message: /^theta: expected Float64Array, got Array of length 26/ },
    { what: 'theta undefined', run: (api) => call(api, undefined, 0, grad()), error: TypeError, message: /^theta: expected Float64Array, got undefined/ },
    { what: 'theta one short', run: (api) => call(api, theta.subarray(1), 0, grad()), error: RangeError, message: /^theta: expected Float64Array of length 26, got length 25/ },
    { what: 'theta detached', run: (api) => call(api, detached(P), 0, grad()), error: TypeError, message: /^theta: expected Float64Array over an attached ArrayBuffer/ },
    { what: 'lambda NaN', run: (api) => call(api, theta, Number.NaN, grad()), error: RangeError, message: /^lambda: expected a finite number >= 0, got nan/i },
    { what: 'lambda negative', run: (api) => call(api, theta, -1, grad()), error: RangeError, message: /^lambda: expected a finite number >= 0, got -1/ },
    { what: 'lambda Infinity', run: (api) => call(api, theta, Number.POSITIVE_INFINITY, grad()), error: RangeError, message: /^lambda: expected a finite number >= 0, got inf/i },
    { what: 'lambda a string', run: (api) => call(api, theta, '1', grad()), error: TypeError, message: /^lambda: expected a finite number >= 0, got string/ },
    { what: 'lambda undefined', run: (api) => call(api, theta, undefined, grad()), error: TypeError, message: /^lambda: expected a finite number >= 0, got undefined/ },
    { what: 'grad one long', run: (api) => call(api, theta, 0, new Float64Array(P + 1)), error: RangeError, message: /^grad: expected Float64Array of length 26, got length 27/ },
    { what: 'grad a Float32Array', run: (api) => call(api, theta, 0, new Float32Array(P)), error: TypeError, message: /^grad: expected Float64Array, got Float32Array/ },
    { what: 'grad detached', run: (api) => call(api, theta, 0, detached(P)), error: TypeError, message: /^grad: expected Float64Array over an attached ArrayBuffer/ },
    { what: 'grad is theta', run: (api) => { const t = Float64Array.from(theta); return call(api, t, 0, t); }, error: RangeError, message: /^grad: expected memory disjoint from theta/ },
    { what: 'grad overlaps theta', run: (api) => { const b = new Float64Array(2 * P); return call(api, b.subarray(0, P), 0, b.subarray(P - 1, 2 * P - 1)); }, error: RangeError, message: /^grad: expected memory disjoint from theta/ },
    { what: 'rows a plain array', run: (api) => call(api, theta, 0, grad(), [0, 1]), error: TypeError, message: /^rows: expected Uint32Array, got Array of length 2/ },
    { what: 'rows an Int32Array', run: (api) => call(api, theta, 0, grad(), new Int32Array([0, 1])), error: TypeError, message: /^rows: expected Uint32Array, got Int32Array/ },
    { what: 'rows out of range', run: (api) => call(api, theta, 0, grad(), new Uint32Array([0, 4])), error: RangeError, message: /^rows: expected row indices < 4, got 4 at index 1/ },
    { what: 'rows empty', run: (api) => call(api, theta, 0, grad(), new Uint32Array(0)), error: RangeError, message: /^rows: expected Uint32Array of length 1\.\.4, got length 0/ },
    { what: 'rows longer than m', run: (api) => call(api, theta, 0, grad(), new Uint32Array(5)), error: RangeError, message: /^rows: expected Uint32Array of length 1\.\.4, got length 5/ },
    { what: 'rows detached', run: (api) => call(api, theta, 0, grad(), detached(2, Uint32Array)), error: TypeError, message: /^rows: expected Uint32Array over an attached ArrayBuffer/ },
    { what: 'after dispose', run: (api) => { const n = net(api); n.dispose(); return n[method](theta, 0, grad()); }, error: Error, message: new RegExp(`^NativeNetwork\\.${method}: the network was disposed`), code: 'ERR_DISPOSED' },
  ];
}

const feedForwardCases: Case[] = [
  { what: 'out one short', run: (api) => net(api).feedForward(theta, new Float64Array(7)), error: RangeError, message: /^out: expected Float64Array of length 8, got length 7/ },
  { what: 'theta a Float32Array', run: (api) => net(api).feedForward(new Float32Array(P), new Float64Array(8)), error: TypeError, message: /^theta: expected Float64Array, got Float32Array/ },
  { what: 'after dispose', run: (api) => { const n = net(api); n.dispose(); return n.feedForward(theta, new Float64Array(8)); }, error: Error, message: /^NativeNetwork\.feedForward: the network was disposed/, code: 'ERR_DISPOSED' },
];

function predictCases(method: 'predict' | 'predictAsync'): Case[] {
  const out = () => new Float64Array(m * 2);
  return [
    { what: 'layers with a 0', run: (api) => api[method]([3, 0, 2], theta, X, m, out()), error: RangeError, message: /^layers\[1\]: expected an integer/ },
    { what: 'layers not an array', run: (api) => api[method]('3,4,2', theta, X, m, out()), error: TypeError, message: /^layers: expected an Array of layer sizes, got string/ },
    { what: 'theta wrong length', run: (api) => api[method](layers, new Float64Array(P - 1), X, m, out()), error: RangeError, message: /^theta: expected Float64Array of length 26, got length 25/ },
    { what: 'X a Float32Array', run: (api) => api[method](layers, theta, new Float32Array(12), m, out()), error: TypeError, message: /^X: expected Float64Array, got Float32Array/ },
    { what: 'X wrong length for m', run: (api) => api[method](layers, theta, X, 5, new Float64Array(10)), error: RangeError, message: /^X: expected Float64Array of length 15, got length 12/ },
    { what: 'm = 0', run: (api) => api[method](layers, theta, X, 0, out()), error: RangeError, message: /^m: expected an integer in 1\.\.\d+, got 0/ },
    { what: 'out undefined', run: (api) => api[method](layers, theta, X, m), error: TypeError, message: /^out: expected Float64Array, got undefined/ },
    { what: 'out detached', run: (api) => api[method](layers, theta, X, m, detached(8)), error: TypeError, message: /^out: expected Float64Array over an attached ArrayBuffer/ },
    { what: 'out overlaps X', run: (api) => { const b = new Float64Array(20); return api[method](layers, theta, b.subarray(0, 12), m, b.subarray(10, 18)); }, error: RangeError, message: /^out: expected memory disjoint from X/ },
  ];
}

const gemmCases: Case[] = [
  { what: 'transA a number', run: (api) => api.gemm(1, false, 2, 2, 2, 1, new Float64Array(4), new Float64Array(4), 0, new Float64Array(4)), error: TypeError, message: /^transA: expected boolean, got number 1/ },
  { what: 'M = 0', run: (api) => api.gemm(false, false, 0, 2, 2, 1, new Float64Array(0), new Float64Array(4), 0, new Float64Array(0)), error: RangeError, message: /^M: expected an integer in 1\.\.\d+, got 0/ },
  { what: 'K fractional', run: (api) => api.gemm(false, false, 2, 2, 1.5, 1, new Float64Array(3), new Float64Array(3), 0, new Float64Array(4)), error: RangeError, message: /^K: expected an integer in 1\.\.\d+, got 1\.5/ },
  { what: 'alpha NaN', run: (api) => api.gemm(false, false, 2, 2, 2, Number.NaN, new Float64Array(4), new Float64Array(4), 0, new Float64Array(4)), error: RangeError, message: /^alpha: expected a finite number, got nan/i },
  { what: 'A wrong length', run: (api) => api.gemm(false, false, 2, 3, 4, 1, new Float64Array(7), new Float64Array(12), 0, new Float64Array(6)), error: RangeError, message: /^A: expected Float64Array of length 8, got length 7/ },
  { what: 'B a Float32Array', run: (api) => api.gemm(false, false, 2, 2, 2, 1, new Float64Array(4), new Float32Array(4), 0, new Float64Array(4)), error: TypeError, message: /^B: expected Float64Array, got Float32Array/ },
  { what: 'beta a string', run: (api) => api.gemm(false, false, 2, 2, 2, 1, new Float64Array(4), new Float64Array(4), '0', new Float64Array(4)), error: TypeError, message: /^beta: expected a finite number, got string/ },
  { what: 'C is A', run: (api) => { const a = new Float64Array(4); return api.gemm(false, false, 2, 2, 2, 1, a, new Float64Array(4), 0, a); }, error: RangeError, message: /^C: expected memory disjoint from A/ },
  { what: 'C detached', run: (api) => api.gemm(false, false, 2, 2, 2, 1, new Float64Array(4), new Float64Array(4), 0, detached(4)), error: TypeError, message: /^C: expected Float64Array over an attached ArrayBuffer/ },
];

const threadCases: Case[] = [
  { what: 'setThreads(0)', run: (api) => api.setThreads(0), error: RangeError, message: /^n: expected an integer in 1\.\.1024, got 0/ },
  { what: 'setThreads(1.5)', run: (api) => api.setThreads(1.5), error: RangeError, message: /^n: expected an integer in 1\.\.1024, got 1\.5/ },
  { what: 'setThreads(5000)', run: (api) => api.setThreads(5000), error: RangeError, message: /^n: expected an integer in 1\.\.1024, got 5000/ },
  { what: "setThreads('2')", run: (api) => api.setThreads('2'), error: TypeError, message: /^n: expected an integer in 1\.\.1024, got string/ },
];

const groups: Array<[string, Case[]]> = [
  ['new NativeNetwork', constructorCases],
  ['costGradient', costGradientCases('costGradient')],
  ['costGradientAsync', costGradientCases('costGradientAsync')],
  ['feedForward', feedForwardCases],
  ['predict', predictCases('predict')],
  ['predictAsync', predictCases('predictAsync')],
  ['gemm', gemmCases],
  ['setThreads', threadCases],
];

for (const [side, api] of [['TypeScript surface', surface], ['raw C++ binding', undefined]] as const) {
  describe.skipIf(unavailable)(`bad input through the ${side}`, () => {
    const target = (): Api => api ?? loadNative();
    for (const [group, cases] of groups) {
      describe(group, () => {
        for (const c of cases) {
          test(c.what, async () => {
            const error = (await errorOf(() => c.run(target()))) as Error & { code?: string };
            expect(error).toBeInstanceOf(c.error);
            if (c.error === Error) expect(error).not.toBeInstanceOf(TypeError);
            expect(error.message).toMatch(c.message);
            expect(error.code).toBe(c.code ?? (c.error === TypeError ? 'ERR_INVALID_ARG_TYPE' : 'ERR_OUT_OF_RANGE'));
            // Through the surface, argument errors come from lib/checks.ts: caught before crossing into C++.
            if (api !== undefined && c.code === undefined) expect(error.stack?.split('\n')[1]).toMatch(/lib[\\/]checks\.ts/);
            if (api === undefined) expect(error.stack).not.toMatch(/lib[\\/]checks\.ts/);
          });
        }
      });
    }
  });
}

describe.skipIf(unavailable)('the TypeScript surface', () => {
  test('costGradientAsync and predictAsync report bad input as a rejection, not a throw', async () => {
    const n = new surface.NativeNetwork(layers, X, Y, m);
    const pending = n.costGradientAsync(theta, -1, grad());
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).rejects.toThrow(RangeError);
    const predicted = surface.predictAsync(layers, theta, X, 0, new Float64Array(8));
    expect(predicted).toBeInstanceOf(Promise);
    await expect(predicted).rejects.toThrow(RangeError);
  });

  test('a sparse layers array is caught (the hole is undefined)', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(() => new surface.NativeNetwork([3, , 2] as number[], X, Y, m)).toThrow(/^layers\[1\]: expected an integer in 1\.\.\d+, got undefined/);
  });
});

describe.skipIf(unavailable)('sizes that cannot be allocated are refused, not crashed on', () => {
  const big = 2 ** 20;
  const Xbig = new Float64Array(big);
  const Ybig = new Float64Array(big);
  for (const [side, api] of [['TypeScript surface', surface], ['raw C++ binding', undefined]] as const) {
    test(`${side}: a workspace past 2^53 bytes`, () => {
      const target: Api = api ?? loadNative();
      expect(() => new target.NativeNetwork([1, 2 ** 30, 1], Xbig, Ybig, big)).toThrow(RangeError);
      expect(() => new target.NativeNetwork([1, 2 ** 30, 1], Xbig, Ybig, big)).toThrow(/^m: expected a workspace below 2\^53 bytes/);
    });
    test(`${side}: more memory than the machine has is refused before allocating`, () => {
      const target: Api = api ?? loadNative();
      // 2^20 examples x 2^28 hidden units x 2 buffers x 8 bytes = 4 PiB: below 2^53 bytes, above any RAM.
      expect(() => new target.NativeNetwork([1, 2 ** 28, 1], Xbig, Ybig, big)).toThrow(RangeError);
      expect(() => new target.NativeNetwork([1, 2 ** 28, 1], Xbig, Ybig, big)).toThrow(
        /^m: expected a size that fits in this machine's [\d.]+ GiB of memory, got 1048576 rows needing 4194304\.\d GiB/,
      );
    });
  }
});

describe.skipIf(unavailable)('predictAsync', () => {
  test('out detached while in flight: the promise rejects with a TypeError naming out', async () => {
    const out = new Float64Array(m * 2);
    const pending = surface.predictAsync(layers, theta, X, m, out);
    structuredClone(out, { transfer: [out.buffer] });
    await expect(pending).rejects.toThrow(TypeError);
    await expect(pending).rejects.toThrow(/^out: expected Float64Array over an attached ArrayBuffer/);
  });
});

afterAll(() => {
  if (unavailable) return;
  // After every bad call above, through both layers, the process is alive and the addon still computes.
  const n = new surface.NativeNetwork(layers, X, Y, m);
  const g = grad();
  const J = n.costGradient(theta, 0.5, g);
  const expected = ref.referenceCostGradient(layers, theta, 0.5, X, Y, m);
  expect(ref.relativeError(J, expected.J)).toBeLessThanOrEqual(1e-12);
});
