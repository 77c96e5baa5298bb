#!/usr/bin/env python3
"""Reference line searches for TNC's sufficient-decrease constant (run: python3 scripts/ref/tnc_linesearch_golden.py).

Writes packages/nn/test/fixtures/optim/tnc-linesearch-golden.json: scipy's TNC on a smoothed kink,
    f(x) = 100 + (sqrt(1 + (k x)^2) - k x) / (2 k),
slope -1 left of 0 and almost flat right of it (the 100 keeps TNC's first step at 1; its estimate of the least
f is 0), recording every point TNC evaluates, not only the iterates. From x0 = -t/k the Newton step is about
2 t^3 / k long and crosses the kink, where f has dropped by only about t/k: a fraction of about 1 / (2 t^2) of the
decrease the slope promised. The starts put that fraction on both sides of scipy's mu = 1e-4 in the test
f(step) <= f(0) + mu * step * f'(0) of tnc.c's line search:
  - t = 5 and t = 10 (k = 1e6), t = 10 (k = 1e3): fraction 2e-2 .. 5e-3, the step counts as a decrease and,
    as f is flat there, is accepted at once;
  - t = 100 and t = 200 (k = 1e6): fraction below 1e-4, the step is "lower but not sufficiently lower" and is
    replaced by a point on the chord, so the search goes on toward the start.
A constant of 1e-1 or 1e-6 in place of 1e-4 changes which points TNC evaluates.
"""
import json
import math
import os

import numpy as np
import scipy
from scipy.optimize import _moduleTNC as moduleTNC

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'packages', 'nn', 'test', 'fixtures', 'optim', 'tnc-linesearch-golden.json')


def smoothed_kink(k):
    """Written as the scalar loop of the TypeScript test, so that both sides evaluate bit-identically."""

    def fun(x):
        f = 100.0
        g = [0.0] * len(x)
        for i in range(len(x)):
            t = k * x[i]
            s = math.sqrt(1.0 + t * t)
            f += (s - t) / (2 * k)
            g[i] = (t / s - 1) / 2
        return f, np.array(g)

    return fun


def run_tnc(fun, x0):
    """scipy's TNC C module with its defaults (as optim_golden.run_tnc), recording every evaluation point;
    the callback records f at each iterate without counting as an evaluation."""
    n = len(x0)
    maxfun = max(100, 10 * n)
    evaluations = []
    trajectory = []

    def recorded(x):
        evaluations.append([float(v) for v in x])
        return fun(x)

    def callback(x):
        trajectory.append(fun(x)[0])

    inf = np.full(n, np.inf)
    rc, nf, nit, x, f, g = moduleTNC.tnc_minimize(
        lambda x: recorded(np.array(x)), np.array(x0, float), -inf, inf, np.array([]), np.array([]), 0,
        -1, maxfun, -1, 0, 0, 0, -1, -1, -1, -1, callback)
    return {'maxfun': maxfun, 'x': list(map(float, x)), 'fun': float(f), 'nfev': int(nf), 'nit': int(nit),
            'rc': int(rc), 'trajectory': trajectory, 'evaluations': evaluations}


def main():
    runs = []
    for k, t in ((1e6, 5), (1e6, 10), (1e3, 10), (1e6, 100), (1e6, 200)):
        x0 = [-t / k]
        runs.append({'k': k, 'x0': x0, **run_tnc(smoothed_kink(k), x0)})
    golden = {'scipy': scipy.__version__, 'numpy': np.__version__, 'problem': 'smoothed kink', 'runs': runs}
    with open(OUT, 'w') as fh:
        json.dump(golden, fh, indent=1)
        fh.write('\n')
    print(f'wrote {OUT}')


if __name__ == '__main__':
    main()
