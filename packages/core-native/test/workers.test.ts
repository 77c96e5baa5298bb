// The addon in worker_threads (the sweep runs one network per worker): it loads in several JS contexts at
// once, each computes the same numbers as the main thread, and workers exit cleanly while the main thread goes on.
import { Worker } from 'node:worker_threads';
import { describe, expect, test } from 'vitest';
import { NativeNetwork } from '../lib/index.js';
import { status, unavailable } from './native-available.js';
import * as ref from './reference.js';

// Plain JS for the worker (it cannot import TypeScript): load the .node and return costGradient's results.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
const native = createRequire(workerData.path)(workerData.path);
const { layers, X, Y, m, theta, lambda } = workerData;
const net = new native.NativeNetwork(layers, X, Y, m);
const grad = new Float64Array(net.parameterCount);
const J = net.costGradient(theta, lambda, grad);
new native.NativeNetwork(layers, X, Y, m); // never disposed: freed when the worker's context goes away
net.costGradientAsync(theta, lambda, new Float64Array(net.parameterCount)).then((Jasync) => {
  net.dispose();
  parentPort.postMessage({ J, Jasync, grad });
});
`;

function runWorker(data: object): Promise<{ J: number; Jasync: number; grad: Float64Array }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerSource, { eval: true, workerData: data });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`worker exited with code ${code}`));
    });
  });
}

describe.skipIf(unavailable)('worker threads', () => {
  test('three workers and the main thread compute the same costGradient at the same time', async () => {
    const layers = [30, 12, 4];
    const m = 200;
    const rand = ref.prng(31);
    const X = ref.uniform(rand, m * 30, -1, 1);
    const Y = ref.oneHot(rand, m, 4);
    const theta = ref.uniform(rand, ref.parameterCount(layers), -0.5, 0.5);
    const lambda = 0.3;
    const data = { path: status.path, layers, X, Y, m, theta, lambda };
    const workers = [runWorker(data), runWorker(data), runWorker(data)];

    const net = new NativeNetwork(layers, X, Y, m);
    const grad = new Float64Array(net.parameterCount);
    const J = net.costGradient(theta, lambda, grad);
    const expected = ref.referenceCostGradient(layers, theta, lambda, X, Y, m);
    expect(ref.relativeError(J, expected.J)).toBeLessThanOrEqual(1e-12);

    for (const result of await Promise.all(workers)) {
      expect(ref.relativeError(result.J, J)).toBeLessThanOrEqual(1e-13);
      expect(ref.relativeError(result.Jasync, J)).toBeLessThanOrEqual(1e-13);
      expect(ref.maxScaledError(result.grad, expected.grad, expected.scale)).toBeLessThanOrEqual(1e-12);
    }
    // The main thread's addon is unaffected by the workers' contexts going away.
    expect(ref.relativeError(net.costGradient(theta, lambda, grad), J)).toBeLessThanOrEqual(1e-13);
  });
});
