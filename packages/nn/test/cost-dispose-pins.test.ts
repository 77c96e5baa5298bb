/**
 * cost.ts's `costGradient` frees the network it binds (issue 21: `net.dispose()` removed survived every earlier
 * run, because the numbers do not change; the native network's buffers and threads would leak on every call).
 * A spy around the backend's createNetwork counts the dispose calls: one per network, on success and when the
 * evaluation throws.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ResidentNetwork } from '../src/backend/types.js';
import { cost, costGradient, getBackend, gradient, randomInit } from '../src/index.js';
import { matrix } from '../src/matrix.js';

const layers = [3, 4, 2];
const theta = randomInit(layers, { seed: 5 });
const X = matrix(2, 3, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
const y = [1, 2];

afterEach(() => {
  vi.restoreAllMocks();
});

/** Wraps the backend's createNetwork: every network it binds gets a counted dispose (and optionally a failing evaluation). */
function countDisposals(backend: 'ts' | 'auto', failEvaluation = false): { created: number; disposed: number } {
  const b = getBackend(backend);
  const create = b.createNetwork.bind(b);
  const counts = { created: 0, disposed: 0 };
  vi.spyOn(b, 'createNetwork').mockImplementation((...args: Parameters<typeof create>): ResidentNetwork => {
    const net = create(...args);
    counts.created++;
    const dispose = net.dispose.bind(net);
    net.dispose = () => {
      counts.disposed++;
      dispose();
    };
    if (failEvaluation) {
      net.costGradient = () => {
        throw new Error('evaluation failed');
      };
    }
    return net;
  });
  return counts;
}

describe('costGradient frees its network', () => {
  it.each(['ts', 'auto'] as const)('%s: one dispose per bound network, through cost, gradient and costGradient', (backend) => {
    const counts = countDisposals(backend);
    costGradient(theta, X, y, { layers, backend });
    cost(theta, X, y, { layers, backend, lambda: 1 });
    gradient(theta, X, y, { layers, backend });
    expect(counts).toEqual({ created: 3, disposed: 3 });
  });

  it('also when the evaluation throws', () => {
    const counts = countDisposals('ts', true);
    expect(() => costGradient(theta, X, y, { layers, backend: 'ts' })).toThrow('evaluation failed');
    expect(counts).toEqual({ created: 1, disposed: 1 });
  });
});
