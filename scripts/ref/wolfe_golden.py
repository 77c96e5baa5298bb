#!/usr/bin/env python3
"""Reference strong-Wolfe line searches (run: python3 scripts/ref/wolfe_golden.py).

Writes packages/nn/test/fixtures/optim/wolfe-golden.json for test/wolfe-pins.test.ts (issue 21: optim/wolfe.ts
scored 22% because its only strong tests are trainings). The line search is Nocedal & Wright, Numerical
Optimization (2nd ed.), Algorithm 3.5 (bracketing, trial steps doubling) and Algorithm 3.6 (zoom), written out
plainly from the book and from the contract in wolfe.ts's header, not from its code:
  - sufficient decrease phi(a) <= phi(0) + c1 a phi'(0), curvature |phi'(a)| <= c2 |phi'(0)|;
  - a point whose f is within 10 ulps of f(0) (10 eps |f(0)|) and that meets the curvature condition is accepted
    (Hager & Zhang's approximate Wolfe condition, for f flat to rounding);
  - zoom's trial step: the minimiser of the cubic Hermite interpolant of both ends (values and slopes) if it lies
    at least 10% of the bracket width inside it, else the minimiser of the quadratic through lo's value and
    slope and hi's value if at least 20% inside, else the midpoint. Here the interpolants' coefficients come from
    numpy.linalg.solve and the cubic's stationary points from numpy.roots (the TypeScript uses the closed form of
    N&W eq. 3.59), so trial steps agree to rounding, not bit for bit: the test compares them to 1e-9;
  - it stops with 'budget' when the evaluations are used up and 'stuck' when the bracket is narrower than
    1e-14 max(1, lo, hi), returning the lowest point with sufficient decrease found (or step 0).
Every evaluation (step, f, phi') is recorded, with the interpolation rule that chose it, so the test checks the
whole path, not only the answer.

The objectives are written as the scalar loops of the TypeScript test (only +, -, *, /, sqrt), so both sides
compute bit-identical f and gradients at the same point.
"""
import json
import math
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'packages', 'nn', 'test', 'fixtures', 'optim', 'wolfe-golden.json')
EPS = sys.float_info.epsilon


# ------------------------------------------------------------------ objectives (mirrored in the test)
def objective(spec):
    kind = spec['kind']
    p = spec.get('p', [])

    def fun(x):
        n = len(x)
        g = [0.0] * n
        if kind == 'quadratic':  # sum a (x_i - m)^2
            a, m = p
            f = 0.0
            for i in range(n):
                u = x[i] - m
                f += a * u * u
                g[i] = 2 * a * u
        elif kind == 'quartic':  # sum (x_i - m)^4 - b (x_i - m)^2 + c x_i  (two wells, tilted)
            m, b, c = p
            f = 0.0
            for i in range(n):
                u = x[i] - m
                f += u * u * u * u - b * u * u + c * x[i]
                g[i] = 4 * u * u * u - 2 * b * u + c
        elif kind == 'huber':  # sum sqrt(1 + (k (x_i - m))^2) / k: slope -1 .. 1, bent near m
            k, m = p
            f = 0.0
            for i in range(n):
                t = k * (x[i] - m)
                s = math.sqrt(1 + t * t)
                f += s / k
                g[i] = t / s
        elif kind == 'plateau':  # F + b (x-1)^2 + delta x: f carries a bias the gradient does not see
            F, b, delta = p
            f = F
            for i in range(n):
                u = x[i] - 1
                f += b * u * u + delta * x[i]
                g[i] = 2 * b * u
        elif kind == 'wrong-slope':  # f = sum a (x_i - m)^2, but the gradient claims slope s everywhere
            a, m, s = p
            f = 0.0
            for i in range(n):
                u = x[i] - m
                f += a * u * u
                g[i] = s
        elif kind == 'poly':  # sum of the polynomial with coefficients p (highest power first), by Horner
            f = 0.0
            for i in range(n):
                v = 0.0
                dv = 0.0
                for k, a in enumerate(p):
                    v = v * x[i] + a
                    if k < len(p) - 1:
                        dv = dv * x[i] + (len(p) - 1 - k) * a
                f += v
                g[i] = dv
        elif kind == 'step':  # sum (x_i >= t ? drop : 0): piecewise constant (a quantised f), gradient s everywhere
            t, drop, s = p
            f = 0.0
            for i in range(n):
                f += drop if x[i] >= t else 0.0
                g[i] = s
        elif kind == 'cusp':  # sum sqrt(|x_i - m|) + c x_i: slopes blow up near m
            m, c = p
            f = 0.0
            for i in range(n):
                u = x[i] - m
                r = math.sqrt(abs(u))
                f += r + c * x[i]
                g[i] = (0.5 / r if u > 0 else -0.5 / r) + c
        else:
            raise ValueError(kind)
        return f, g

    return fun


# ------------------------------------------------------------------ the line search, from the book
def cubic_minimiser(lo, hi):
    """Minimiser of the cubic q with q(a_lo) = f_lo, q'(a_lo) = s_lo, q(a_hi) = f_hi, q'(a_hi) = s_hi, or None."""
    a0, f0, s0 = lo
    a1, f1, s1 = hi
    h = a1 - a0
    # q(u) = c0 + c1 u + c2 u^2 + c3 u^3 in u = a - a0
    m = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [1, h, h * h, h ** 3], [0, 1, 2 * h, 3 * h * h]], float)
    c = np.linalg.solve(m, np.array([f0, s0, f1, s1], float))
    roots = np.roots([3 * c[3], 2 * c[2], c[1]])
    best = None
    for r in roots:
        if abs(r.imag) > 0:
            continue
        u = r.real
        if 6 * c[3] * u + 2 * c[2] > 0:  # q'' > 0: the local minimum
            best = u
    return None if best is None else a0 + best


def quadratic_minimiser(lo, hi):
    """Minimiser of q with q(a_lo) = f_lo, q'(a_lo) = s_lo, q(a_hi) = f_hi, or None if q is not convex."""
    a0, f0, s0 = lo
    a1, f1, _ = hi
    h = a1 - a0
    m = np.array([[1, 0, 0], [0, 1, 0], [1, h, h * h]], float)
    c = np.linalg.solve(m, np.array([f0, s0, f1], float))
    return None if not c[2] > 0 else a0 - c[1] / (2 * c[2])


def trial_step(lo, hi):
    a, b = min(lo[0], hi[0]), max(lo[0], hi[0])
    w = b - a
    t = cubic_minimiser(lo, hi)
    if t is not None and math.isfinite(t) and a + 0.1 * w <= t <= b - 0.1 * w:
        return t, 'cubic'
    t = quadratic_minimiser(lo, hi)
    if t is not None and math.isfinite(t) and a + 0.2 * w <= t <= b - 0.2 * w:
        return t, 'quadratic'
    return a + w / 2, 'midpoint'


def strong_wolfe(fun, x, d, alpha0, c1, c2, max_evaluations):
    n = len(x)
    f0, g0 = fun(x)
    slope0 = sum_products(g0, d)
    assert slope0 < 0, 'd must be a descent direction'
    trials = []

    def phi(alpha, rule):
        f, g = fun([x[i] + alpha * d[i] for i in range(n)])
        s = sum_products(g, d)
        trials.append({'alpha': alpha, 'f': f, 'slope': s, 'rule': rule})
        return (alpha, f, s), g

    def decreases(p):
        return p[1] <= f0 + c1 * p[0] * slope0

    def curved(p):
        return abs(p[2]) <= c2 * abs(slope0)

    def flat_and_curved(p):
        return p[1] <= f0 + 10 * EPS * abs(f0) and curved(p)

    best = [None, None]  # lowest point with sufficient decrease and alpha > 0, and its gradient

    def note(p, g):
        if p[0] > 0 and decreases(p) and p[1] < (f0 if best[0] is None else best[0][1]):
            best[0], best[1] = p, g

    def done(status, p, g):
        return {'status': status, 'alpha': p[0], 'f': p[1], 'grad': list(g)}

    def give_up(status):
        if best[0] is None:
            return {'status': status, 'alpha': 0.0, 'f': f0, 'grad': None}
        return done(status, best[0], best[1])

    def finish(result):
        result['evaluations'] = len(trials)
        return {'f0': f0, 'slope0': slope0, **result, 'trials': trials}

    # Algorithm 3.5: bracketing
    previous = (0.0, f0, slope0)
    alpha = alpha0
    first = True
    while True:
        if len(trials) >= max_evaluations:
            return finish(give_up('budget'))
        p, g = phi(alpha, 'double' if not first else 'alpha0')
        note(p, g)
        if flat_and_curved(p):
            return finish(done('ok', p, g))
        if not decreases(p) or (not first and p[1] >= previous[1]):
            lo, hi = previous, p
            break
        if curved(p):
            return finish(done('ok', p, g))
        if p[2] >= 0:
            lo, hi = p, previous
            break
        previous = p
        alpha = 2 * alpha
        first = False

    # Algorithm 3.6: zoom
    while True:
        if abs(hi[0] - lo[0]) <= 1e-14 * max(1.0, lo[0], hi[0]):
            return finish(give_up('stuck'))
        if len(trials) >= max_evaluations:
            return finish(give_up('budget'))
        t, rule = trial_step(lo, hi)
        p, g = phi(t, rule)
        note(p, g)
        if flat_and_curved(p):
            return finish(done('ok', p, g))
        if not decreases(p) or p[1] >= lo[1]:
            hi = p
        else:
            if curved(p):
                return finish(done('ok', p, g))
            if p[2] * (hi[0] - lo[0]) >= 0:
                hi = lo
            lo = p


def sum_products(a, b):
    s = 0.0
    for i in range(len(a)):
        s += a[i] * b[i]
    return s


# ------------------------------------------------------------------ the cases
ULP_1E8 = math.ulp(1e8)
CASES = [
    # accepted at once / after doubling
    ('quadratic accepted at alpha0', {'kind': 'quadratic', 'p': [1.0, 3.0]}, [0.0], [1.0], 1.0, 1e-4, 0.9, 20),
    ('quadratic: doubling, then a rise past the minimum brackets it', {'kind': 'quadratic', 'p': [1.0, 3.0]},
     [0.0], [1.0], 1.0, 1e-4, 0.1, 20),
    ('quadratic: doubling from a short step', {'kind': 'quadratic', 'p': [0.5, 5.0]}, [0.0], [1.0], 0.25, 1e-4,
     0.9, 20),
    ('quadratic: overshoot, slope turns positive with sufficient decrease (hi below lo)',
     {'kind': 'quadratic', 'p': [1.0, 3.0]}, [0.0], [1.0], 4.0, 1e-4, 0.1, 20),
    ('quadratic: overshoot without sufficient decrease', {'kind': 'quadratic', 'p': [1.0, 1.0]}, [0.0], [1.0],
     10.0, 1e-4, 0.1, 20),
    ('quadratic in 2-D along a scaled direction', {'kind': 'quadratic', 'p': [2.0, 1.0]}, [0.25, -1.5],
     [1.5, 5.0], 2.0, 1e-4, 0.05, 30),
    # zoom with the interpolation rules
    ('quartic: a tilted double well, long first step', {'kind': 'quartic', 'p': [-0.5, 2.0, 0.5]}, [0.0], [1.0],
     3.0, 1e-4, 0.1, 30),
    ('quartic: same, tight curvature', {'kind': 'quartic', 'p': [-0.5, 2.0, 0.5]}, [0.0], [1.0], 3.0, 1e-4, 0.01,
     30),
    ('quartic: same, c1 = 0.4', {'kind': 'quartic', 'p': [-0.5, 2.0, 0.5]}, [0.0], [1.0], 2.5, 0.4, 0.45, 30),
    ('quartic: second well', {'kind': 'quartic', 'p': [-1.0, 3.0, -1.0]}, [0.0], [1.0], 1.0, 1e-4, 0.2, 30),
    ('huber: sharp bend, long step', {'kind': 'huber', 'p': [50.0, 1.0]}, [0.0], [1.0], 8.0, 1e-4, 0.1, 40),
    ('huber: sharp bend, steps double into it', {'kind': 'huber', 'p': [20.0, 3.0]}, [0.0], [1.0], 0.3, 1e-4,
     0.2, 40),
    ('huber: very sharp bend, tight curvature', {'kind': 'huber', 'p': [1e4, 0.7]}, [0.0], [1.0], 1.0, 1e-4,
     0.01, 60),
    ('huber: soft bend', {'kind': 'huber', 'p': [1.0, 2.0]}, [0.0], [1.0], 16.0, 1e-4, 0.3, 40),
    ('cusp: slopes blow up at the kink', {'kind': 'cusp', 'p': [1.0, 0.1]}, [0.0], [1.0], 3.0, 1e-4, 0.1, 60),
    # flat to rounding: f(alpha) above f(0) by fewer or more than 10 ulps, curvature met
    ('plateau: f 8 ulps above f(0), curved: accepted as flat', {'kind': 'plateau', 'p': [1e8, 1e-12,
                                                                                          8 * ULP_1E8]},
     [0.0], [1.0], 1.0, 1e-4, 0.9, 20),
    ('plateau: f 20 ulps above f(0): not flat', {'kind': 'plateau', 'p': [1e8, 1e-12, 20 * ULP_1E8]}, [0.0],
     [1.0], 1.0, 1e-4, 0.9, 20),
    ('plateau: negative f(0), f 8 ulps above', {'kind': 'plateau', 'p': [-1e8, 1e-12, 8 * ULP_1E8]}, [0.0],
     [1.0], 1.0, 1e-4, 0.9, 20),
    # exact ties (steps are powers of 2 times alpha0 there, so f and the thresholds are exact)
    ('tie: f on the sufficient-decrease line, then the budget ends', {'kind': 'quadratic', 'p': [1.0, 4.0]}, [0.0],
     [1.0], 6.0, 0.25, 0.4, 1),
    ('tie: |slope| on the curvature bound', {'kind': 'quadratic', 'p': [1.0, 4.0]}, [0.0], [1.0], 2.0, 1e-4, 0.5,
     20),
    ('tie: f exactly 10 eps |f(0)| above f(0) (15 ulps), curved', {'kind': 'plateau', 'p': [1e8, 1e-12,
                                                                                         15 * ULP_1E8]},
     [0.0], [1.0], 1.0, 1e-4, 0.9, 20),
    ('plateau: 16 ulps above f(0): not flat', {'kind': 'plateau', 'p': [1e8, 1e-12, 16 * ULP_1E8]}, [0.0], [1.0],
     1.0, 1e-4, 0.9, 20),
    ('cubic -(x-2)(x-4)(x-5): accepted after one doubling',
     {'kind': 'poly', 'p': [-1.0, 11.0, -38.0, 40.0]}, [0.0], [1.0], 2.0, 1e-4, 0.1, 20),
    ('tie: two steps with the same f, the budget ends: the first is kept', {'kind': 'quadratic', 'p': [1.0, 3.0]},
     [0.0], [1.0], 2.0, 1e-4, 0.1, 2),
    ('quartic bump: the doubled step is higher than the last, still sufficient, still going down',
     {'kind': 'poly', 'p': [-0.25, 0.5, 0.5, -1.5, 10.0]}, [0.0], [1.0], 0.8, 1e-4, 0.1, 30),
    ('budget: a lower f without sufficient decrease is no step (c1 = 0.4)', {'kind': 'quadratic', 'p': [1.0, 4.0]},
     [0.0], [1.0], 7.0, 0.4, 0.5, 1),
    ('tie: the doubled step has the same f as the last, the gradient still says down',
     {'kind': 'wrong-slope', 'p': [1.0, 3.0, -1.0]}, [0.0], [1.0], 2.0, 1e-4, 0.5, 3),
    ('tie: a zoom step with the same f as the low end (a piecewise-constant f)',
     {'kind': 'step', 'p': [1.0, -1.0, -1.0]}, [0.0], [1.0], 4.0, 1e-4, 0.5, 6),
    ('quadratic steps: f(0) = 1, a first step of 0.5, slopes that disagree with f',
     {'kind': 'wrong-slope', 'p': [1.0, -1.0, -2.0]}, [0.0], [1.0], 0.5, 1e-4, 0.5, 6),
    # budget and collapse
    ('budget: one evaluation, no decrease', {'kind': 'quadratic', 'p': [1.0, 1.0]}, [0.0], [1.0], 10.0, 1e-4,
     0.1, 1),
    ('budget: no evaluations', {'kind': 'quadratic', 'p': [1.0, 3.0]}, [0.0], [1.0], 1.0, 1e-4, 0.9, 0),
    ('budget: best sufficient step so far', {'kind': 'quadratic', 'p': [1.0, 3.0]}, [0.0], [1.0], 1.0, 1e-4,
     1e-6, 3),
    ('budget: during doubling', {'kind': 'quadratic', 'p': [0.5, 5.0]}, [0.0], [1.0], 0.25, 1e-4, 0.1, 2),
    ('stuck: a gradient that claims descent where f rises', {'kind': 'wrong-slope', 'p': [1.0, 0.0, -1.0]},
     [0.0], [1.0], 1.0, 1e-4, 0.5, 200),
    ('stuck: a gradient that never flattens, with a best step', {'kind': 'wrong-slope', 'p': [1.0, 1.0, -1.0]},
     [0.0], [1.0], 1.0, 1e-4, 0.5, 200),
    ('stuck: large steps, bracket collapses relative to alpha', {'kind': 'wrong-slope', 'p': [1.0, 300.0, -1.0]},
     [0.0], [1.0], 256.0, 1e-4, 0.5, 200),
]


def main():
    runs = []
    for name, spec, x, d, alpha0, c1, c2, max_evaluations in CASES:
        result = strong_wolfe(objective(spec), x, d, alpha0, c1, c2, max_evaluations)
        runs.append({'name': name, 'objective': spec, 'x': x, 'd': d, 'alpha0': alpha0, 'c1': c1, 'c2': c2,
                     'maxEvaluations': max_evaluations, **result})
        rules = ','.join(t['rule'] for t in result['trials'])
        print(f"{name[:60]:60s} {result['status']:6s} a={result['alpha']:.6g} ev={result['evaluations']} {rules}")
    golden = {'numpy': np.__version__, 'runs': runs}
    with open(OUT, 'w') as fh:
        json.dump(golden, fh, indent=1)
        fh.write('\n')
    print(f'wrote {OUT}')


if __name__ == '__main__':
    main()
