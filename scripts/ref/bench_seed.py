#!/usr/bin/env python3
"""The seed's numpy code, timed: the python peer of rows 1 and 2 of the benchmark harness.

The functions are the seed's, as written (feed_forward, reg_cost, reg_gradient, ... from scripts/ref/golden_cost.py,
which reproduces them), run on the data the harness exported with @backprop/nn's writeMatFile:
X (m×400, no bias column), y (m×1, labels 1..10), theta (the point of row 1) and x0 (the initial vector of row 2).

  bench_seed.py costgrad --mat FILE [--repeat N] [--target-seconds S] [--lambda L] [--threads T]
      one regularised cost + gradient at theta: the seed's two calls (reg_cost then reg_gradient, two forward
      passes) and the same computation fused (one forward pass shared by cost and gradient).
  bench_seed.py tnc --mat FILE [--repeat N] [--maxfun 300] [--lambda 10] [--threads T]
      the seed's training: scipy.optimize.minimize(method='TNC', jac=reg_gradient, options={'maxfun': ...}) from x0.

Prints one JSON object on stdout. Run with OPENBLAS_NUM_THREADS set to the thread count the harness uses.
"""
import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from bench_common import blas_threads, emit, fail, peak_dgemm, sample, thread_env  # noqa: E402

try:
    import numpy as np
    import scipy
    import scipy.io as sio
    from scipy.optimize import minimize
except ImportError as err:  # the harness turns this into a skipped entry with the reason
    fail('numpy/scipy unavailable: %s' % err)

from golden_cost import (  # noqa: E402  the seed's functions, as written
    deserialize,
    feed_forward,
    one_hot_encoder,
    reg_cost,
    reg_gradient,
    serialize,
    sigmoid,
)


def reg_cost_gradient(theta_serialize, X, y, lamda):
    """The seed's reg_cost and reg_gradient with one forward pass shared by both (same formulas, fused)."""
    theta1, theta2 = deserialize(theta_serialize)
    m = len(X)
    a1 = X
    z2 = a1 @ theta1.T
    a2 = np.empty((m, z2.shape[1] + 1))
    a2[:, 0] = 1
    a2[:, 1:] = sigmoid(z2)
    h = sigmoid(a2 @ theta2.T)
    J = -np.sum(y * np.log(h) + (1 - y) * np.log(1 - h)) / m
    J += (np.sum(theta1[:, 1:] ** 2) + np.sum(theta2[:, 1:] ** 2)) * lamda / (2 * m)
    d3 = h - y
    g2 = a2[:, 1:]
    d2 = (d3 @ theta2[:, 1:]) * (g2 * (1 - g2))
    D2 = d3.T @ a2 / m
    D1 = d2.T @ a1 / m
    D1[:, 1:] += theta1[:, 1:] * lamda / m
    D2[:, 1:] += theta2[:, 1:] * lamda / m
    return J, serialize(D1, D2)


def load(path):
    data = sio.loadmat(path)
    raw_X = data['X']
    raw_y = data['y'].astype(int)
    X = np.insert(raw_X, 0, values=1, axis=1)  # as the seed builds X
    y = one_hot_encoder(raw_y)
    return data, X, y, raw_y.reshape(-1)


def costgrad(args):
    data, X, y, _ = load(args.mat)
    theta = data['theta'].reshape(-1)
    lamda = args.lamda

    def seed_as_written():
        reg_cost(theta, X, y, lamda)
        reg_gradient(theta, X, y, lamda)

    def fused():
        reg_cost_gradient(theta, X, y, lamda)

    J_seed = float(reg_cost(theta, X, y, lamda))
    g_seed = reg_gradient(theta, X, y, lamda)
    J_fused, g_fused = reg_cost_gradient(theta, X, y, lamda)
    return {
        'seed': dict(sample(seed_as_written, args.repeat, args.target_seconds),
                     cost=J_seed, gradNorm=float(np.linalg.norm(g_seed))),
        'fused': dict(sample(fused, args.repeat, args.target_seconds),
                      cost=float(J_fused), gradNorm=float(np.linalg.norm(g_fused)),
                      maxAbsDiffFromSeed=float(np.max(np.abs(g_fused - g_seed)))),
        'peak': peak_dgemm(np),
    }


def tnc(args):
    data, X, y, raw_y = load(args.mat)
    init_theta = data['x0'].reshape(-1)
    lamda = args.lamda
    runs = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        res = minimize(fun=reg_cost, x0=init_theta, args=(X, y, lamda), method='TNC', jac=reg_gradient,
                       options={'maxfun': args.maxfun})
        seconds = time.perf_counter() - t0
        _, _, _, _, h = feed_forward(res.x, X)
        y_pred = np.argmax(h, axis=1) + 1
        runs.append({'ms': seconds * 1000, 'nfev': int(res.nfev), 'nit': int(res.nit), 'cost': float(res.fun),
                     'accuracy': float(np.mean(y_pred == raw_y)), 'message': str(res.message)})
    return {'runs': runs}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('mode', choices=('costgrad', 'tnc'))
    parser.add_argument('--mat', required=True)
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--target-seconds', type=float, default=0.2)
    parser.add_argument('--lambda', dest='lamda', type=float, default=None)
    parser.add_argument('--maxfun', type=int, default=300)
    parser.add_argument('--threads', type=int, default=None)
    args = parser.parse_args()
    if args.repeat < 1:
        fail('--repeat: expected a positive integer, got %d' % args.repeat)
    if args.lamda is None:
        args.lamda = 1.0 if args.mode == 'costgrad' else 10.0
    if not os.path.isfile(args.mat):
        fail('--mat: no such file %s' % args.mat)
    blas_threads(args.threads)  # numpy's and scipy's OpenBLAS both run with the harness's count
    out = costgrad(args) if args.mode == 'costgrad' else tnc(args)
    out.update({'ok': True, 'mode': args.mode, 'lambda': args.lamda, 'numpy': np.__version__,
                'scipy': scipy.__version__, 'python': sys.version.split()[0], 'blas': blas_threads(),
                'env': thread_env()})
    emit(out)


if __name__ == '__main__':
    main()
