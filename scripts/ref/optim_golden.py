#!/usr/bin/env python3
"""Reference answers for packages/nn/src/optim (run: python3 scripts/ref/optim_golden.py).

Writes packages/nn/test/fixtures/optim/golden.json with, for each problem, the data the TypeScript tests need
(so both sides use the same numbers), the known minimiser, and what scipy's TNC, L-BFGS-B and CG return.

TNC is called through scipy's own C module with a plain (f, g) function so that `nfev` and `nit` are exactly
the counts TNC itself keeps (scipy.optimize.minimize adds its own cached evaluations on top), and the value of
f at every iterate is recorded through the callback: the TypeScript TNC is checked against that trajectory.
"""
import json
import math
import os

import numpy as np
import scipy
from scipy.optimize import _moduleTNC as moduleTNC
from scipy.optimize import minimize

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'packages', 'nn', 'test', 'fixtures', 'optim', 'golden.json')


# ---------------------------------------------------------------- problems (f and its gradient, fused)

def rosen(x):
    """scipy.optimize.rosen and its gradient, written as a scalar loop in the same operation order as the
    TypeScript fixture (test/fixtures/optim/problems.ts), so both sides evaluate bit-identically and the
    TNC trajectories can be compared exactly rather than merely closely."""
    n = len(x)
    f = 0.0
    g = [0.0] * n
    for i in range(n - 1):
        t = x[i + 1] - x[i] * x[i]
        u = 1.0 - x[i]
        f += 100.0 * (t * t) + u * u
        g[i] += -400.0 * x[i] * t - 2.0 * u
        g[i + 1] += 200.0 * t
    return f, np.array(g)


def rosen_start(n):
    return np.array([-1.2 if i % 2 == 0 else 1.0 for i in range(n)])


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def logistic_problem():
    """Regularised logistic regression (the course's lrCostFunction): bias column of ones, λ not on the bias."""
    rng = np.random.default_rng(0)
    m, d = 80, 3
    features = rng.normal(size=(m, d))
    X = np.hstack([np.ones((m, 1)), features])
    w_true = np.array([0.5, -1.0, 2.0, 0.75])
    y = (rng.random(m) < sigmoid(X @ w_true)).astype(float)
    lam = 1.0

    Xl = X.tolist()
    yl = y.tolist()

    def fun(theta):
        # scalar loops in the TypeScript fixture's order (see rosen)
        n = d + 1
        J = 0.0
        grad = [0.0] * n
        for i in range(m):
            z = 0.0
            for j in range(n):
                z += Xl[i][j] * theta[j]
            h = 1.0 / (1.0 + math.exp(-z))
            J -= yl[i] * math.log(h) + (1.0 - yl[i]) * math.log(1.0 - h)
            for j in range(n):
                grad[j] += (h - yl[i]) * Xl[i][j]
        J /= m
        for j in range(n):
            grad[j] /= m
        for j in range(1, n):
            J += lam / (2 * m) * theta[j] * theta[j]
            grad[j] += lam / m * theta[j]
        return J, np.array(grad)

    def hess(theta):
        h = sigmoid(X @ theta)
        H = (X.T * (h * (1 - h))) @ X / m
        H[1:, 1:] += lam / m * np.eye(d)
        return H

    # The minimiser by Newton's method to full precision: an answer that does not depend on any optimiser here.
    theta = np.zeros(d + 1)
    for _ in range(50):
        _, g = fun(theta)
        theta = theta - np.linalg.solve(hess(theta), g)
    data = {'m': m, 'n': d + 1, 'X': X.flatten().tolist(), 'y': y.tolist(), 'lambda': lam}
    return fun, np.zeros(d + 1), theta, data


def quadratic_problem():
    """f(x) = ½ xᵀAx − bᵀx with A symmetric positive definite (condition number 100)."""
    rng = np.random.default_rng(1)
    n = 8
    Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    A = Q @ np.diag(np.logspace(0, 2, n)) @ Q.T
    A = 0.5 * (A + A.T)
    b = rng.normal(size=n)

    Al = A.tolist()
    bl = b.tolist()

    def fun(x):
        # scalar loops in the TypeScript fixture's order (see rosen)
        f = 0.0
        g = [0.0] * n
        for i in range(n):
            Ax = 0.0
            for j in range(n):
                Ax += Al[i][j] * x[j]
            g[i] = Ax - bl[i]
            f += 0.5 * x[i] * Ax - bl[i] * x[i]
        return f, np.array(g)

    x_star = np.linalg.solve(A, b)
    data = {'n': n, 'A': A.flatten().tolist(), 'b': b.tolist()}
    return fun, np.zeros(n), x_star, data


def least_squares_problem():
    """Mean squared error ½‖Xw − y‖²/m over m examples: the minibatch problem for adam and sgd."""
    rng = np.random.default_rng(2)
    m, d = 256, 4
    X = np.hstack([np.ones((m, 1)), rng.normal(size=(m, d - 1))])
    w_true = np.array([1.0, -2.0, 0.5, 3.0])
    y = X @ w_true + 0.1 * rng.normal(size=m)
    x_star = np.linalg.lstsq(X, y, rcond=None)[0]

    def fun(w):
        r = X @ w - y
        return float(0.5 * r @ r / m), X.T @ r / m

    data = {'m': m, 'n': d, 'X': X.flatten().tolist(), 'y': y.tolist()}
    return fun, np.zeros(d), x_star, data


# ---------------------------------------------------------------- optimiser runs

def run_tnc(fun, x0, maxfun=None, low=None, up=None, **opts):
    n = len(x0)
    low = np.full(n, -np.inf) if low is None else np.asarray(low, float)
    up = np.full(n, np.inf) if up is None else np.asarray(up, float)
    if maxfun is None:
        maxfun = max(100, 10 * n)
    trajectory = []

    def callback(x):
        trajectory.append(fun(np.array(x))[0])

    o = {'maxCGit': -1, 'eta': -1, 'stepmx': 0, 'accuracy': 0, 'fmin': 0, 'ftol': -1, 'xtol': -1, 'pgtol': -1,
         'rescale': -1}
    o.update(opts)
    rc, nf, nit, x, f, g = moduleTNC.tnc_minimize(
        lambda x: fun(np.array(x)), np.array(x0, float), low, up, np.array([]), np.array([]), 0,
        o['maxCGit'], maxfun, o['eta'], o['stepmx'], o['accuracy'], o['fmin'], o['ftol'], o['xtol'], o['pgtol'],
        o['rescale'], callback)
    return {'maxfun': maxfun, 'x': list(map(float, x)), 'fun': float(f), 'nfev': int(nf), 'nit': int(nit),
            'rc': int(rc), 'trajectory': trajectory}


def run_minimize(fun, x0, method, **options):
    r = minimize(fun, x0, jac=True, method=method, options=options)
    return {'x': r.x.tolist(), 'fun': float(r.fun), 'nfev': int(r.nfev), 'nit': int(r.nit),
            'success': bool(r.success), 'message': str(r.message)}


def main():
    golden = {'scipy': scipy.__version__, 'numpy': np.__version__, 'problems': {}}
    problems = golden['problems']

    for n in (2, 5, 10):
        x0 = rosen_start(n)
        problems[f'rosen{n}'] = {
            'n': n, 'x0': x0.tolist(), 'xStar': [1.0] * n, 'fStar': 0.0,
            'tnc': run_tnc(rosen, x0, maxfun=2000),
            'tncDefault': run_tnc(rosen, x0),
            'tncShort': run_tnc(rosen, x0, maxfun=25),
            'tncTight': run_tnc(rosen, x0, maxfun=5000, ftol=1e-14, pgtol=1e-10),
            'lbfgsb': run_minimize(rosen, x0, 'L-BFGS-B', maxiter=15000, maxfun=15000),
            'cg': run_minimize(rosen, x0, 'CG', maxiter=20000),
        }

    # A larger problem in the shape of the course's use (maxfun = 300): 100 variables, so maxCGit = 50.
    x0 = rosen_start(100)
    problems['rosen100'] = {'n': 100, 'x0': x0.tolist(), 'tnc': run_tnc(rosen, x0, maxfun=300)}

    fun, x0, x_star, data = logistic_problem()
    problems['logistic'] = {
        'data': data, 'x0': x0.tolist(), 'xStar': x_star.tolist(), 'fStar': fun(x_star)[0],
        'tnc': run_tnc(fun, x0), 'tncShort': run_tnc(fun, x0, maxfun=12),
        'lbfgsb': run_minimize(fun, x0, 'L-BFGS-B', gtol=1e-10, ftol=1e-15),
        'cg': run_minimize(fun, x0, 'CG', gtol=1e-10),
    }

    fun, x0, x_star, data = quadratic_problem()
    # Box-constrained variant: the TNC answer with bounds is checked against L-BFGS-B run to tight tolerance.
    low = [-0.2] * data['n']
    up = [0.3] * data['n']
    bounded = minimize(fun, x0, jac=True, method='L-BFGS-B', bounds=list(zip(low, up)),
                       options={'gtol': 1e-12, 'ftol': 1e-16, 'maxiter': 10000})
    problems['quadratic'] = {
        'data': data, 'x0': x0.tolist(), 'xStar': x_star.tolist(), 'fStar': fun(x_star)[0],
        'tnc': run_tnc(fun, x0),
        'lbfgsb': run_minimize(fun, x0, 'L-BFGS-B', gtol=1e-10, ftol=1e-15),
        'cg': run_minimize(fun, x0, 'CG', gtol=1e-10),
        'bounds': {'lower': low, 'upper': up, 'xStar': bounded.x.tolist(), 'fStar': float(bounded.fun),
                   'tnc': run_tnc(fun, x0, low=low, up=up)},
    }

    fun, x0, x_star, data = least_squares_problem()
    problems['leastSquares'] = {'data': data, 'x0': x0.tolist(), 'xStar': x_star.tolist(), 'fStar': fun(x_star)[0]}

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as fh:
        json.dump(golden, fh, indent=1)
        fh.write('\n')
    print(f'wrote {OUT}')


if __name__ == '__main__':
    main()
