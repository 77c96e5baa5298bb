import { test } from 'vitest';
import { minimize } from '../src/optim/minimize.js';
import { golden, rosen, rosenStart, logistic, quadratic, maxDiff } from './fixtures/optim/problems.js';
test('x', () => {
  const P = golden.problems;
  const runs: [string, any, Float64Array, any, any][] = [];
  for (const n of [2, 5, 10]) for (const k of ['tnc', 'tncDefault', 'tncShort'])
    runs.push([`rosen${n}.${k}`, rosen, rosenStart(n), P[`rosen${n}`][k], {}]);
  runs.push(['logistic.tnc', logistic().fun, new Float64Array(4), P.logistic.tnc, {}]);
  runs.push(['logistic.tncShort', logistic().fun, new Float64Array(4), P.logistic.tncShort, {}]);
  runs.push(['quad.tnc', quadratic().fun, new Float64Array(8), P.quadratic.tnc, {}]);
  runs.push(['quad.bounds', quadratic().fun, new Float64Array(8), P.quadratic.bounds.tnc, {lower: P.quadratic.bounds.lower, upper: P.quadratic.bounds.upper}]);
  for (const [name, fun, x0, ref, extra] of runs) {
    const traj: number[] = [];
    const r = minimize(fun, x0, { method: 'tnc', options: { maxfun: ref.maxfun, ...extra }, callback: (i) => { traj.push(i.fun); } });
    const td = traj.map((v, i) => Math.abs(v - ref.trajectory[i]) / Math.max(1e-300, Math.abs(ref.trajectory[i])));
    console.log(name, r.status, r.message, 'nfev', r.nfev, ref.nfev, 'nit', r.nit, ref.nit, 'f', r.fun, ref.fun, 'dx', maxDiff(r.x, ref.x), 'trajmaxrel', Math.max(...td), traj.length, ref.trajectory.length);
  }
});
