/**
 * TNC's sufficient-decrease constant, pinned to scipy's (μ = 1e-4 in tnc.c's line search). The fixture comes from
 * scripts/ref/tnc_linesearch_golden.py: scipy's TNC on a smoothed kink, f(x) = 100 + (sqrt(1 + (kx)²) − kx)/(2k),
 * from starts where the first step crosses the kink and lowers f by only a small fraction of what the slope
 * promised: above μ for some starts (the step is accepted at once), below μ for others (the line search takes
 * the "lower but not sufficiently lower" branch and backs off toward the start). Every point TNC evaluates must
 * be scipy's (issue 21: μ = 1e-1 went unnoticed by the rosen/logistic/quadratic goldens).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { minimize, type Objective } from '../src/optim/index.js';

interface Run {
  k: number;
  x0: number[];
  maxfun: number;
  x: number[];
  nfev: number;
  nit: number;
  rc: number;
  trajectory: number[];
  evaluations: number[][];
}

const here = dirname(fileURLToPath(import.meta.url));
const golden = JSON.parse(readFileSync(join(here, 'fixtures', 'optim', 'tnc-linesearch-golden.json'), 'utf8')) as {
  runs: Run[];
};

/** The same scalar loop as the Python reference, so both sides evaluate bit-identically. */
function recordingKink(k: number, evaluations: number[][]): Objective {
  return (x, grad) => {
    evaluations.push(Array.from(x));
    let f = 100;
    for (let i = 0; i < x.length; i++) {
      const t = k * x[i];
      const s = Math.sqrt(1 + t * t);
      f += (s - t) / (2 * k);
      grad[i] = (t / s - 1) / 2;
    }
    return f;
  };
}

describe('tnc line search: scipy sufficient-decrease constant (tnc-linesearch-golden.json)', () => {
  it.each(golden.runs.map((r) => [`k = ${r.k}, x0 = ${r.x0[0]}`, r] as const))(
    '%s: the same evaluation points, iterates and stopping reason as scipy',
    (_name, ref) => {
      const evaluations: number[][] = [];
      const trajectory: number[] = [];
      const result = minimize(recordingKink(ref.k, evaluations), Float64Array.from(ref.x0), {
        method: 'tnc',
        options: { maxfun: ref.maxfun },
        callback: (info) => {
          trajectory.push(info.fun);
        },
      });
      expect(evaluations).toEqual(ref.evaluations);
      expect(trajectory).toEqual(ref.trajectory);
      expect(Array.from(result.x)).toEqual(ref.x);
      expect(result.nfev).toBe(ref.nfev);
      expect(result.nit).toBe(ref.nit);
    },
  );
});
