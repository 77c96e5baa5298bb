#!/usr/bin/env python3
"""TNC's line search on many paths, every evaluation recorded (run: python3 scripts/ref/tnc_linesearch_paths.py).

Writes packages/nn/test/fixtures/optim/tnc-linesearch-paths.json for test/tnc-linesearch-paths-pins.test.ts
(issue 21: optim/tnc/linesearch.ts scored 36%; tnc-linesearch-pins.test.ts pins the sufficient-decrease constant
on one problem, the rest of Gill & Murray's step arithmetic was reached only by trainings). scipy's TNC C module
(the same call as optim_golden.run_tnc) minimises small problems chosen so that its line search (tnc.c's
getptcInit/getptcIter) goes through its branches:
  - extrapolation before a bracket (short first steps: a large `fmin` estimate, only where f is not rescaled:
    there TNC's first step departs from scipy's, see tnc.ts), the 5x growing factor,
    clipped at the step bound (small `stepmx`, and boxes that bind);
  - bracketing on either side of the best point, the "far side" step, the cubic rejected or kept, with
    both signs of the end slopes (tilted double wells, a sharp smoothed |x|, Rosenbrock);
  - loose and tight curvature (eta 0.9 / 0.25 / 0.01), the interval shrinking to its tolerance, a plateau where
    f does not change at all (the "f known to be that flat" exit), f rising where the gradient says it falls (the
    search finds no decrease and tightens its tolerance until it gives up), small evaluation budgets.
Every point TNC evaluates is compared exactly: the TypeScript port reproduces scipy's arithmetic bit for bit, and
the objectives are the scalar loops of the test (+, -, *, /, sqrt only). The returned f is compared to rounding
(scipy unscales it from the rescaled f).
"""
import json
import math
import os

import numpy as np
import scipy
from scipy.optimize import _moduleTNC as moduleTNC

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'packages', 'nn', 'test', 'fixtures', 'optim', 'tnc-linesearch-paths.json')


def objective(kind, p):
    def fun(x):
        n = len(x)
        g = [0.0] * n
        f = 0.0
        if kind == 'rosen':
            for i in range(n - 1):
                a = x[i + 1] - x[i] * x[i]
                b = 1 - x[i]
                f += 100 * a * a + b * b
                g[i] += -400 * x[i] * a - 2 * b
                g[i + 1] += 200 * a
        elif kind == 'wells':  # sum (x_i - m)^4 - b (x_i - m)^2 + c x_i
            m, b, c = p
            for i in range(n):
                u = x[i] - m
                f += u * u * u * u - b * u * u + c * x[i]
                g[i] = 4 * u * u * u - 2 * b * u + c
        elif kind == 'huber':  # sum sqrt(1 + (k (x_i - m_i))^2) / k with m_i = m (i + 1)
            k, m = p
            for i in range(n):
                t = k * (x[i] - m * (i + 1))
                s = math.sqrt(1 + t * t)
                f += s / k
                g[i] = t / s
        elif kind == 'quadratic':  # sum a^i (x_i - 1)^2: condition number a^(n-1)
            (a,) = p
            w = 1.0
            for i in range(n):
                u = x[i] - 1
                f += w * u * u
                g[i] = 2 * w * u
                w *= a
        elif kind == 'uphill':  # sum a (x_i - m)^2, with a gradient that always says "downhill" (s < 0)
            a, m, s_ = p
            for i in range(n):
                u = x[i] - m
                f += a * u * u
                g[i] = s_
        elif kind == 'flat':  # constant f with a gradient that says "downhill" (no decrease is ever found)
            (c,) = p
            f = c
            for i in range(n):
                g[i] = -1.0
        else:
            raise ValueError(kind)
        return f, np.array(g)

    return fun


OPTION_NAMES = ['maxCGit', 'eta', 'stepmx', 'accuracy', 'fmin', 'ftol', 'xtol', 'gtol', 'rescale']


def run_tnc(kind, p, x0, maxfun=None, lower=None, upper=None, **options):
    fun = objective(kind, p)
    n = len(x0)
    low = np.full(n, -np.inf) if lower is None else np.asarray(lower, float)
    up = np.full(n, np.inf) if upper is None else np.asarray(upper, float)
    if maxfun is None:
        maxfun = max(100, 10 * n)
    o = {'maxCGit': -1, 'eta': -1, 'stepmx': 0, 'accuracy': 0, 'fmin': 0, 'ftol': -1, 'xtol': -1, 'gtol': -1,
         'rescale': -1, **options}
    evaluations = []

    def recorded(x):
        evaluations.append([float(v) for v in x])
        return fun(np.array(x))

    rc, nf, nit, x, f, g = moduleTNC.tnc_minimize(
        recorded, np.array(x0, float), low, up, np.array([]), np.array([]), 0, o['maxCGit'], maxfun, o['eta'],
        o['stepmx'], o['accuracy'], o['fmin'], o['ftol'], o['xtol'], o['gtol'], o['rescale'], None)
    return {'objective': {'kind': kind, 'p': p}, 'x0': x0, 'maxfun': maxfun, 'lower': lower, 'upper': upper,
            'options': options, 'x': list(map(float, x)), 'fun': float(f), 'nfev': int(nf), 'nit': int(nit),
            'rc': int(rc), 'evaluations': evaluations}


CASES = [
    ('rosenbrock', 'rosen', [], [-1.2, 1.0], {}),
    ('rosenbrock, loose curvature', 'rosen', [], [-1.2, 1.0], {'eta': 0.9}),
    ('rosenbrock, tight curvature', 'rosen', [], [-1.2, 1.0], {'eta': 0.01}),
    ('rosenbrock, small step bound', 'rosen', [], [-1.2, 1.0], {'stepmx': 0.05}),
    ('rosenbrock 4-D, boxed', 'rosen', [], [-1.2, 1.0, -0.5, 2.0],
     {'lower': [-2.0, -2.0, -2.0, 0.5], 'upper': [0.5, 2.0, 2.0, 3.0]}),
    ('tilted double well 1-D', 'wells', [0.5, 2.0, 0.3], [3.0], {}),
    ('tilted double well 1-D, loose curvature', 'wells', [0.5, 2.0, 0.3], [3.0], {'eta': 0.9}),
    ('tilted double well 1-D, tight curvature', 'wells', [0.5, 2.0, 0.3], [3.0], {'eta': 0.01}),
    ('tilted double well from the hump', 'wells', [0.0, 2.0, -0.3], [0.1], {}),
    ('tilted double well from the hump, small step bound', 'wells', [0.0, 2.0, -0.3], [0.1], {'stepmx': 0.1}),
    ('tilted double well 3-D', 'wells', [0.5, 2.0, 0.3], [3.0, -2.0, 0.2], {}),
    ('double well, short first step', 'wells', [0.5, 2.0, 0.3], [3.0], {'fmin': 50.0}),
    ('double well, boxed on the far side', 'wells', [0.5, 2.0, 0.3], [3.0], {'lower': [0.9], 'upper': [4.0]}),
    ('sharp smoothed |x|', 'huber', [100.0, 1.0], [-3.0], {}),
    ('sharp smoothed |x| 2-D', 'huber', [100.0, 1.0], [-3.0, 5.0], {}),
    ('sharp smoothed |x|, tight curvature', 'huber', [100.0, 1.0], [-3.0], {'eta': 0.01}),
    ('sharp smoothed |x|, short first step', 'huber', [100.0, 1.0], [-3.0], {'fmin': 3.5}),
    ('very sharp smoothed |x|', 'huber', [1e5, 0.3], [2.0, -1.0], {}),
    ('soft smoothed |x|, step bound', 'huber', [1.0, 2.0], [-10.0], {'stepmx': 0.5}),
    ('ill-conditioned quadratic', 'quadratic', [10.0], [0.0, 0.0, 0.0, 0.0], {}),
    ('ill-conditioned quadratic, boxed', 'quadratic', [10.0], [0.0, 0.0, 0.0, 0.0],
     {'lower': [-1.0, -1.0, -1.0, -1.0], 'upper': [0.5, 2.0, 0.5, 2.0]}),
    ('ill-conditioned quadratic, small budget', 'quadratic', [10.0], [0.0, 0.0, 0.0, 0.0], {'maxfun': 7}),
    ('flat f, a gradient that promises descent', 'flat', [5.0], [1.0, 2.0], {}),
    ('f rises where the gradient says down: no decrease, the interval shrinks', 'uphill', [1.0, 0.0, -1.0], [0.0],
     {}),
    ('same, tight f precision (ftol 1e-300): the tolerance is tightened until it is tiny', 'uphill',
     [1.0, 0.0, -1.0], [0.0], {'ftol': 1e-300}),
    ('same, from a point with f > 0, steeper', 'uphill', [1.0, -2.0, -3.0], [0.5], {}),
    ('f rises slowly: a decrease only very near the start', 'uphill', [1.0, 0.001, -1.0], [0.0], {}),
    ('flat f, rescaled, loose precision', 'flat', [5.0], [1.0], {'ftol': 1e-3, 'eta': 0.9}),
]


def main():
    runs = []
    for name, kind, p, x0, opts in CASES:
        opts = dict(opts)
        maxfun = opts.pop('maxfun', None)
        lower = opts.pop('lower', None)
        upper = opts.pop('upper', None)
        r = run_tnc(kind, p, x0, maxfun, lower, upper, **opts)
        runs.append({'name': name, **r})
        print(f"{name[:55]:55s} rc={r['rc']:2d} nfev={r['nfev']:3d} nit={r['nit']:3d} f={r['fun']:.6g}")
    golden = {'scipy': scipy.__version__, 'numpy': np.__version__, 'runs': runs}
    with open(OUT, 'w') as fh:
        json.dump(golden, fh, indent=1)
        fh.write('\n')
    print(f'wrote {OUT}')


if __name__ == '__main__':
    main()
