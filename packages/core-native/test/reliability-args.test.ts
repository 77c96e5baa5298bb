// Argument validation that bad-input.test.ts does not cover, found by probing every export of the addon with
// memory it must not trust: SharedArrayBuffer and resizable (shrinkable) buffers, buffers detached or shrunk while
// an async call is in flight, read-only aliasing (allowed, must compute the right thing) versus written aliasing
// (refused), a layers array with 2^32-1 holes, and methods called on the wrong `this`. Every call ends in a
// value or an error; the process lives (checked after all).
import { afterAll, describe, expect, test } from 'vitest';
import * as surface from '../lib/index.js';
import { loadNative } from '../lib/index.js';
import { unavailable } from './native-available.js';
import * as ref from './reference.js';

type Api = any;

const layers = [3, 4, 2];
const m = 4;
const P = ref.parameterCount(layers); // 26
const rand = ref.prng(77);
const X = ref.uniform(rand, m * 3, -1, 1);
const Y = ref.oneHot(rand, m, 2);
const theta = ref.uniform(rand, P, -1, 1);

function shared(values: Float64Array): Float64Array {
  const out = new Float64Array(new SharedArrayBuffer(values.byteLength));
  out.set(values);
  return out;
}

/** A Float64Array over a resizable ArrayBuffer (length-tracking: it shrinks with the buffer). */
function resizable(values: Float64Array): { array: Float64Array; buffer: ArrayBuffer } {
  const buffer = new (ArrayBuffer as any)(values.byteLength, { maxByteLength: values.byteLength * 2 }) as ArrayBuffer;
  const array = new Float64Array(buffer);
  array.set(values);
  return { array, buffer };
}

async function errorOf(run: () => unknown): Promise<(Error & { code?: string }) | undefined> {
  try {
    await run();
  } catch (error) {
    return error as Error & { code?: string };
  }
  return undefined;
}

const sides = [
  ['TypeScript surface', () => surface as Api],
  ['raw C++ binding', () => loadNative() as Api],
] as const;

describe.skipIf(unavailable)('SharedArrayBuffer memory: computed correctly, or refused with a TypeError naming it', () => {
  // Either design is sound (copy/read it as any memory, or refuse memory other threads may write meanwhile); what
  // is not: today both layers end in a bare Error "Invalid argument" with no code and no argument name, thrown by
  // node-addon-api when checks.cc asks a SharedArrayBuffer for its ArrayBuffer info.
  const expected = ref.referenceCostGradient(layers, theta, 0, X, Y, m);
  const outExpected = ref.referencePredict(layers, theta, X, m);
  for (const [side, api] of sides) {
    const cases: [string, string, (a: Api) => void][] = [
      ['costGradient theta', 'theta', (a) => {
        const J = new a.NativeNetwork(layers, X, Y, m).costGradient(shared(theta), 0, new Float64Array(P));
        expect(ref.relativeError(J, expected.J)).toBeLessThanOrEqual(1e-12);
      }],
      ['costGradient grad', 'grad', (a) => {
        const g = shared(new Float64Array(P));
        new a.NativeNetwork(layers, X, Y, m).costGradient(theta, 0, g);
        expect(ref.maxRelativeError(g, expected.grad)).toBeLessThanOrEqual(1e-10);
      }],
      ['NativeNetwork X', 'X', (a) => {
        const J = new a.NativeNetwork(layers, shared(X), Y, m).costGradient(theta, 0, new Float64Array(P));
        expect(ref.relativeError(J, expected.J)).toBeLessThanOrEqual(1e-12);
      }],
      ['predict out', 'out', (a) => {
        const out = shared(new Float64Array(m * 2));
        a.predict(layers, theta, X, m, out);
        expect(ref.maxRelativeError(out, outExpected)).toBeLessThanOrEqual(1e-12);
      }],
      ['gemm A', 'A', (a) => {
        const C = new Float64Array(4);
        a.gemm(false, false, 2, 2, 2, 1, shared(Float64Array.from([1, 2, 3, 4])), Float64Array.from([1, 0, 0, 1]), 0, C);
        expect(Array.from(C)).toEqual([1, 2, 3, 4]);
      }],
    ];
    for (const [what, name, run] of cases) {
      test(`${side}: ${what}`, async () => {
        const error = await errorOf(() => run(api()));
        if (error === undefined || error.name === 'AssertionError') {
          if (error) throw error;
          return;
        }
        expect(error).toBeInstanceOf(TypeError);
        expect(error.message).toMatch(new RegExp(`^${name}: expected Float64Array`));
        expect(error.code).toBe('ERR_INVALID_ARG_TYPE');
      });
    }
  }
});

describe.skipIf(unavailable)('resizable buffers', () => {
  for (const [side, api] of sides) {
    test(`${side}: a Float64Array over a resizable buffer of the right length computes like any other`, () => {
      const a = api();
      const t = resizable(theta).array;
      const g = new Float64Array(P);
      const J = new a.NativeNetwork(layers, X, Y, m).costGradient(t, 0.5, g);
      const expected = ref.referenceCostGradient(layers, theta, 0.5, X, Y, m);
      expect(ref.relativeError(J, expected.J)).toBeLessThanOrEqual(1e-12);
      expect(ref.maxRelativeError(g, expected.grad)).toBeLessThanOrEqual(1e-10);
    });

    test(`${side}: grad shrunk while costGradientAsync is in flight → rejects naming grad, nothing written`, async () => {
      const a = api();
      const { array: g, buffer } = resizable(new Float64Array(P));
      const pending = new a.NativeNetwork(layers, X, Y, m).costGradientAsync(theta, 0, g);
      (buffer as any).resize(8);
      const error = await errorOf(() => pending);
      expect(error).toBeInstanceOf(RangeError);
      expect(error!.message).toMatch(/^grad: expected Float64Array of length 26, got length 1/);
      expect(g[0]).toBe(0);
    });

    test(`${side}: out shrunk while predictAsync is in flight → rejects naming out`, async () => {
      const a = api();
      const { array: out, buffer } = resizable(new Float64Array(m * 2));
      const pending = a.predictAsync(layers, theta, X, m, out);
      (buffer as any).resize(0);
      const error = await errorOf(() => pending);
      expect(error).toBeInstanceOf(RangeError);
      expect(error!.message).toMatch(/^out: expected Float64Array of length 8, got length 0/);
    });

    test(`${side}: grad detached while costGradientAsync is in flight → rejects naming grad`, async () => {
      const a = api();
      const g = new Float64Array(P);
      const pending = new a.NativeNetwork(layers, X, Y, m).costGradientAsync(theta, 0, g);
      structuredClone(g, { transfer: [g.buffer] });
      const error = await errorOf(() => pending);
      expect(error).toBeInstanceOf(TypeError);
      expect(error!.message).toMatch(/^grad: expected Float64Array over an attached ArrayBuffer/);
    });

    test(`${side}: theta changed right after costGradientAsync is called does not change the result (it was copied)`, async () => {
      const a = api();
      const t = Float64Array.from(theta);
      const g = new Float64Array(P);
      const pending = new a.NativeNetwork(layers, X, Y, m).costGradientAsync(t, 0, g);
      t.fill(1e6);
      const expected = ref.referenceCostGradient(layers, theta, 0, X, Y, m);
      expect(ref.relativeError(await pending, expected.J)).toBeLessThanOrEqual(1e-12);
    });

    test(`${side}: predict theta and X detached are refused naming them`, () => {
      const a = api();
      const detached = (n: number) => {
        const arr = new Float64Array(n);
        structuredClone(arr, { transfer: [arr.buffer] });
        return arr;
      };
      expect(() => a.predict(layers, detached(P), X, m, new Float64Array(8))).toThrow(/^theta: expected Float64Array over an attached/);
      expect(() => a.predict(layers, theta, detached(12), m, new Float64Array(8))).toThrow(/^X: expected Float64Array over an attached/);
    });
  }
});

describe.skipIf(unavailable)('aliasing: read-only sharing computes correctly, written overlap is refused', () => {
  for (const [side, api] of sides) {
    test(`${side}: gemm with A and B the same array gives A·A (checked by hand)`, () => {
      const A = Float64Array.from([1, 2, 3, 4]);
      const C = new Float64Array(4);
      api().gemm(false, false, 2, 2, 2, 1, A, A, 0, C);
      expect(Array.from(C)).toEqual([7, 10, 15, 22]);
    });

    test(`${side}: gemm with C overlapping the last element of B, or the first of A, is refused`, () => {
      const b = new Float64Array(7);
      expect(() => api().gemm(false, false, 2, 2, 2, 1, new Float64Array(4), b.subarray(0, 4), 0, b.subarray(3, 7))).toThrow(
        /^C: expected memory disjoint from B/,
      );
      const c = new Float64Array(7);
      expect(() => api().gemm(false, false, 2, 2, 2, 1, c.subarray(3, 7), new Float64Array(4), 0, c.subarray(0, 4))).toThrow(
        /^C: expected memory disjoint from A/,
      );
    });

    test(`${side}: gemm with C adjacent to A (touching, not overlapping) is accepted`, () => {
      const b = Float64Array.from([1, 0, 0, 1, 0, 0, 0, 0]);
      const B = Float64Array.from([5, 6, 7, 8]);
      api().gemm(false, false, 2, 2, 2, 1, b.subarray(0, 4), B, 0, b.subarray(4, 8));
      expect(Array.from(b.subarray(4, 8))).toEqual([5, 6, 7, 8]);
    });

    test(`${side}: predict with X a view into theta's buffer (both read-only) equals predict on copies`, () => {
      const buffer = Float64Array.from(theta);
      const Xview = buffer.subarray(P - 12, P);
      const out = new Float64Array(m * 2);
      api().predict(layers, buffer, Xview, m, out);
      const expected = ref.referencePredict(layers, theta, Float64Array.from(theta.subarray(P - 12)), m);
      expect(ref.maxRelativeError(out, expected)).toBeLessThanOrEqual(1e-12);
    });

    test(`${side}: feedForward with out overlapping theta is refused`, () => {
      const b = new Float64Array(P + 4);
      const net = new (api().NativeNetwork)(layers, X, Y, m);
      expect(() => net.feedForward(b.subarray(0, P), b.subarray(P - 4, P + 4))).toThrow(/^out: expected memory disjoint from theta/);
    });
  }
});

describe.skipIf(unavailable)('layers arrays that would make C++ allocate before checking', () => {
  test('raw binding: a layers array of length 2^32-1 (all holes) gets a coded error naming layers, not std::bad_alloc', () => {
    const holes: number[] = [];
    holes.length = 2 ** 32 - 1;
    let error: (Error & { code?: string }) | undefined;
    try {
      loadNative().predict(holes, theta, X, m, new Float64Array(8));
    } catch (e) {
      error = e as Error & { code?: string };
    }
    expect(error).toBeDefined();
    expect(error!.message).toMatch(/^layers/);
    expect(['ERR_OUT_OF_RANGE', 'ERR_INVALID_ARG_TYPE']).toContain(error!.code);
  });

  test('TypeScript surface: the same array is refused at its first hole without walking it', () => {
    const holes: number[] = [];
    holes.length = 2 ** 32 - 1;
    expect(() => surface.predict(holes, theta, X, m, new Float64Array(8))).toThrow(/^layers\[0\]: expected an integer/);
  });

  test('raw binding: a Proxy posing as the layers array is refused as not an Array', () => {
    const proxy = new Proxy([3, 4, 2], {
      get(target, key) {
        if (key === '1') throw new Error('trap');
        return Reflect.get(target, key);
      },
    });
    expect(() => loadNative().predict(proxy, theta, X, m, new Float64Array(8))).toThrow(/^layers: expected an Array/);
  });
});

describe.skipIf(unavailable)('NativeNetwork methods on the wrong receiver throw instead of dereferencing it', () => {
  test('costGradient, feedForward and the layers getter called on a plain object, and the constructor without new', () => {
    const Native: Api = loadNative().NativeNetwork;
    expect(() => Native.prototype.costGradient.call({}, theta, 0, new Float64Array(P))).toThrow();
    expect(() => Native.prototype.feedForward.call(Object.create(Native.prototype), theta, new Float64Array(8))).toThrow();
    expect(() => Object.getOwnPropertyDescriptor(Native.prototype, 'layers')!.get!.call({})).toThrow();
    expect(() => Native(layers, X, Y, m)).toThrow(TypeError);
  });
});

afterAll(() => {
  if (unavailable) return;
  const g = new Float64Array(P);
  const J = new surface.NativeNetwork(layers, X, Y, m).costGradient(theta, 1, g);
  expect(ref.relativeError(J, ref.referenceCostGradient(layers, theta, 1, X, Y, m).J)).toBeLessThanOrEqual(1e-12);
});
