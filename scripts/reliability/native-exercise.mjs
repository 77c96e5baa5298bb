#!/usr/bin/env node
// Calls every export of the native addon once or twice with small sizes — good input, then bad input of every
// kind (wrong types, lengths, overlapping and detached buffers, disposed and busy networks, async rejections) —
// and checks the good results against a plain-JS forward pass. Small on purpose: it runs under valgrind
// (native-valgrind.sh) and ASan (native-sanitize.sh), where node is 20-50x slower.
//
//   node scripts/reliability/native-exercise.mjs [--rounds N]
// Loads the addon the library would (BACKPROP_NATIVE_PATH selects another build). Exit status 1 on a wrong
// result or an error of the wrong class; a memory error shows up in the tool's report instead.
import { parseArgs } from 'node:util';
import * as native from '../../packages/core-native/dist/index.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
const rounds = Number(values.rounds);

const raw = native.loadNative();
const layers = [3, 4, 2];
const m = 5;
const P = 4 * 4 + 2 * 5;
let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296) * 2 - 1;
const X = Float64Array.from({ length: m * 3 }, rand);
const Y = new Float64Array(m * 2);
for (let i = 0; i < m; i++) Y[i * 2 + (i % 2)] = 1;
const theta = Float64Array.from({ length: P }, rand);

let failures = 0;
let calls = 0;
function check(what, ok) {
  calls++;
  if (!ok) {
    failures++;
    console.error(`FAIL ${what}`);
  }
}

/** Plain-JS sigmoid forward pass (the reference for predict and feedForward). */
function forward(th, x, rows) {
  let a = Array.from({ length: rows }, (_, i) => Array.from(x.subarray(i * layers[0], (i + 1) * layers[0])));
  let offset = 0;
  for (let l = 0; l + 1 < layers.length; l++) {
    const inputs = layers[l];
    const units = layers[l + 1];
    a = a.map((row) =>
      Array.from({ length: units }, (_, j) => {
        let z = th[offset + j * (inputs + 1)];
        for (let k = 0; k < inputs; k++) z += th[offset + j * (inputs + 1) + 1 + k] * row[k];
        return 1 / (1 + Math.exp(-z));
      }),
    );
    offset += units * (inputs + 1);
  }
  return a.flat();
}

function close(a, b, tol = 1e-12) {
  return a.length === b.length && Array.from(a).every((v, i) => Math.abs(v - b[i]) <= tol * Math.max(1, Math.abs(b[i])));
}

function throws(what, fn, Kind) {
  try {
    fn();
  } catch (error) {
    check(`${what} throws ${Kind.name} (got ${error?.constructor?.name}: ${error?.message})`, error instanceof Kind);
    return;
  }
  check(`${what} throws ${Kind.name} (nothing thrown)`, false);
}

async function rejects(what, promise, Kind) {
  try {
    await promise;
  } catch (error) {
    check(`${what} rejects with ${Kind.name} (got ${error?.constructor?.name}: ${error?.message})`, error instanceof Kind || (Kind === Error && error instanceof Error));
    return;
  }
  check(`${what} rejects (it resolved)`, false);
}

function detached(n, Kind = Float64Array) {
  const a = new Kind(n);
  structuredClone(a, { transfer: [a.buffer] });
  return a;
}

const expectedH = forward(theta, X, m);

for (let round = 0; round < rounds; round++) {
  for (const [side, api] of [['surface', native], ['raw', raw]]) {
    // BLAS info and threads
    const info = api.blasInfo();
    check(`${side} blasInfo`, typeof info.config === 'string' && info.threads >= 1);
    api.setThreads(1);
    check(`${side} getThreads`, api.getThreads() === 1);
    throws(`${side} setThreads(0)`, () => api.setThreads(0), RangeError);
    throws(`${side} setThreads('2')`, () => api.setThreads('2'), TypeError);

    // gemm: [1 2; 3 4] * [5 6; 7 8]
    const C = new Float64Array(4);
    api.gemm(false, false, 2, 2, 2, 1, Float64Array.from([1, 2, 3, 4]), Float64Array.from([5, 6, 7, 8]), 0, C);
    check(`${side} gemm`, close(C, [19, 22, 43, 50]));
    const Ct = new Float64Array(4);
    api.gemm(true, true, 2, 2, 2, 2, Float64Array.from([1, 3, 2, 4]), Float64Array.from([5, 7, 6, 8]), 0, Ct);
    check(`${side} gemm transposed`, close(Ct, [38, 44, 86, 100]));
    throws(`${side} gemm short A`, () => api.gemm(false, false, 2, 2, 2, 1, new Float64Array(3), new Float64Array(4), 0, new Float64Array(4)), RangeError);
    throws(`${side} gemm C overlaps B`, () => { const b = new Float64Array(6); api.gemm(false, false, 2, 2, 2, 1, new Float64Array(4), b.subarray(0, 4), 0, b.subarray(2, 6)); }, RangeError);
    throws(`${side} gemm detached C`, () => api.gemm(false, false, 2, 2, 2, 1, new Float64Array(4), new Float64Array(4), 0, detached(4)), TypeError);
    throws(`${side} gemm M=0`, () => api.gemm(false, false, 0, 2, 2, 1, new Float64Array(0), new Float64Array(4), 0, new Float64Array(0)), RangeError);

    // adamUpdate: one step against the same arithmetic in JS (same bits), then bad vectors and coefficients
    const adam = (x, g, m1, m2, sum, c) =>
      side === 'surface'
        ? api.adamUpdate(x, g, m1, m2, sum, c)
        : api.adamUpdate(x, g, m1, m2, sum, c.step, c.epsilon, c.beta1, c.beta2, c.weight);
    const c = { step: 1e-3, epsilon: 1e-8, beta1: 0.9, beta2: 0.999, weight: 2 };
    const vec = (k) => Float64Array.from({ length: 37 }, (_, i) => Math.sin(i * k + 1) * (k + 1));
    const [ax, ag, am1, asum] = [vec(1), vec(2), vec(3), vec(4)];
    const am2 = vec(5).map((v) => v * v);
    const want = [ax, ag, am1, am2, asum].map((v) => Float64Array.from(v));
    for (let i = 0; i < 37; i++) {
      const gi = want[1][i];
      want[4][i] += gi * c.weight;
      want[2][i] = c.beta1 * want[2][i] + (1 - c.beta1) * gi;
      want[3][i] = c.beta2 * want[3][i] + (1 - c.beta2) * gi * gi;
      want[0][i] -= (c.step * want[2][i]) / (Math.sqrt(want[3][i]) + c.epsilon);
    }
    adam(ax, ag, am1, am2, asum, c);
    check(`${side} adamUpdate = the JS loop, bit for bit`, [ax, ag, am1, am2, asum].every((v, k) => close(v, want[k], 0)));
    adam(new Float64Array(0), new Float64Array(0), new Float64Array(0), new Float64Array(0), new Float64Array(0), c);
    throws(`${side} adamUpdate short g`, () => adam(vec(1), vec(2).subarray(1), vec(3), vec(4), vec(5), c), RangeError);
    throws(`${side} adamUpdate m1 overlaps m2`, () => { const b = new Float64Array(60); adam(vec(1), vec(2), b.subarray(0, 37), b.subarray(20, 57), vec(5), c); }, RangeError);
    throws(`${side} adamUpdate detached m2`, () => adam(vec(1), vec(2), vec(3), detached(37), vec(5), c), TypeError);
    throws(`${side} adamUpdate Float32Array x`, () => adam(new Float32Array(37), vec(2), vec(3), vec(4), vec(5), c), TypeError);
    throws(`${side} adamUpdate NaN step`, () => adam(vec(1), vec(2), vec(3), vec(4), vec(5), { ...c, step: NaN }), RangeError);
    throws(`${side} adamUpdate beta1 = 1`, () => adam(vec(1), vec(2), vec(3), vec(4), vec(5), { ...c, beta1: 1 }), RangeError);

    // predict / predictAsync
    const out = new Float64Array(m * 2);
    api.predict(layers, theta, X, m, out);
    check(`${side} predict`, close(out, expectedH));
    const outAsync = new Float64Array(m * 2);
    await api.predictAsync(layers, theta, X, m, outAsync);
    check(`${side} predictAsync`, close(outAsync, expectedH));
    throws(`${side} predict wrong theta`, () => api.predict(layers, new Float64Array(P - 1), X, m, out), RangeError);
    throws(`${side} predict layers [3,0,2]`, () => api.predict([3, 0, 2], theta, X, m, out), RangeError);
    throws(`${side} predict X Float32Array`, () => api.predict(layers, theta, new Float32Array(m * 3), m, out), TypeError);
    throws(`${side} predict out overlaps X`, () => { const b = new Float64Array(30); api.predict(layers, theta, b.subarray(0, 15), m, b.subarray(10, 20)); }, RangeError);
    await rejects(`${side} predictAsync m=0`, (async () => api.predictAsync(layers, theta, X, 0, out))(), RangeError);
    const outDetach = new Float64Array(m * 2);
    const pending = api.predictAsync(layers, theta, X, m, outDetach);
    structuredClone(outDetach, { transfer: [outDetach.buffer] });
    await rejects(`${side} predictAsync out detached in flight`, pending, TypeError);

    // NativeNetwork
    const net = new api.NativeNetwork(layers, X, Y, m);
    check(`${side} NativeNetwork props`, net.m === m && net.parameterCount === P && net.layers.join() === layers.join());
    const g = new Float64Array(P);
    const J = net.costGradient(theta, 1, g);
    check(`${side} costGradient finite`, Number.isFinite(J) && g.every(Number.isFinite));
    const g2 = new Float64Array(P);
    const J2 = await net.costGradientAsync(theta, 1, g2);
    check(`${side} costGradientAsync = costGradient`, J2 === J && close(g2, g, 0));
    const gb = new Float64Array(P);
    const Jb = net.costGradient(theta, 1, gb, Uint32Array.from([0, 2, 4]));
    check(`${side} costGradient minibatch`, Number.isFinite(Jb));
    const h = new Float64Array(m * 2);
    net.feedForward(theta, h);
    check(`${side} feedForward`, close(h, expectedH));
    throws(`${side} costGradient grad is theta`, () => { const t = Float64Array.from(theta); net.costGradient(t, 0, t); }, RangeError);
    throws(`${side} costGradient lambda NaN`, () => net.costGradient(theta, Number.NaN, g), RangeError);
    throws(`${side} costGradient rows out of range`, () => net.costGradient(theta, 0, g, Uint32Array.from([m])), RangeError);
    throws(`${side} costGradient rows detached`, () => net.costGradient(theta, 0, g, detached(2, Uint32Array)), TypeError);
    throws(`${side} feedForward out short`, () => net.feedForward(theta, new Float64Array(m * 2 - 1)), RangeError);
    const inFlight = net.costGradientAsync(theta, 0, new Float64Array(P));
    throws(`${side} costGradient while busy`, () => net.costGradient(theta, 0, g), Error);
    await inFlight;
    const gd = new Float64Array(P);
    const detachLater = net.costGradientAsync(theta, 0, gd);
    structuredClone(gd, { transfer: [gd.buffer] });
    await rejects(`${side} costGradientAsync grad detached in flight`, detachLater, TypeError);
    const disposing = net.costGradientAsync(theta, 0, new Float64Array(P));
    net.dispose();
    check(`${side} dispose in flight still resolves`, Number.isFinite(await disposing));
    throws(`${side} costGradient after dispose`, () => net.costGradient(theta, 0, g), Error);
    net.dispose();
    throws(`${side} NativeNetwork Y short`, () => new api.NativeNetwork(layers, X, new Float64Array(m * 2 - 1), m), RangeError);
    throws(`${side} NativeNetwork m fractional`, () => new api.NativeNetwork(layers, X, Y, 4.5), RangeError);
    throws(`${side} NativeNetwork X detached`, () => new api.NativeNetwork(layers, detached(m * 3), Y, m), TypeError);
  }
  // Networks that are never disposed: their memory must be released when they are collected.
  for (let i = 0; i < 20; i++) new raw.NativeNetwork(layers, X, Y, m).costGradient(theta, 0, new Float64Array(P));
  globalThis.gc?.();
}

console.log(`native-exercise: ${calls} checks, ${failures} failures, ${rounds} rounds`);
process.exit(failures === 0 ? 0 : 1);
