#!/usr/bin/env python3
"""The seed's numpy code, timed: the python peer of rows 1 and 2 of the benchmark harness.

The functions are the seed's, as written (feed_forward, reg_cost, reg_gradient, ... from scripts/ref/golden_cost.py,
which reproduces them), run on the data the harness exported with @backprop/nn's writeMatFile:
X (m×400, no bias column), y (m×1, labels 1..10), theta (the point of row 1) and x0 (the initial vector of row 2).

  bench_seed.py serve --mat FILE [--threads T]
      the harness's mode: a session (bench_common.serve) answering, one JSON line each,
        {"op": "info", "lambda": L}                 cost and gradient norm at theta, both ways, and numpy's peak dgemm
        {"op": "sample", "what": "seed"|"fused", "lambda": L, "targetSeconds": S}
              one timing sample of a regularised cost + gradient at theta: "seed" = the seed's two calls
              (reg_cost then reg_gradient: two forward passes), "fused" = the same computation with one forward
              pass shared by cost and gradient. The inner loop is sized on the first request of each kind.
        {"op": "tnc", "maxfun": 300, "lambda": 10}  the seed's training from x0: scipy.optimize.minimize(
              method='TNC', jac=reg_gradient, options={'maxfun': ...}), timed, with nfev and training accuracy
      so the harness can interleave these samples with its own (the machines are shared and noisy).
  bench_seed.py costgrad --mat FILE [--repeat N] [--target-seconds S] [--lambda L] [--threads T]
  bench_seed.py tnc --mat FILE [--repeat N] [--maxfun 300] [--lambda 10] [--threads T]
      the same measurements in one go, for use by hand.

Prints JSON on stdout. Run with OPENBLAS_NUM_THREADS set to the thread count the harness uses.
"""
import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from bench_common import blas_threads, calibrate, emit, fail, peak_dgemm, sample, serve, thread_env, time_inner  # noqa: E402

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


class Peer:
    """The data of one MAT-file and the measurements on it."""

    def __init__(self, path):
        data, self.X, self.y, self.raw_y = load(path)
        self.theta = data['theta'].reshape(-1) if 'theta' in data else None
        self.x0 = data['x0'].reshape(-1) if 'x0' in data else None
        self.inner = {}

    def evaluation(self, what, lamda):
        theta, X, y = self.theta, self.X, self.y
        if theta is None:
            raise ValueError('the MAT-file has no theta')
        if what == 'seed':
            def seed_as_written():
                reg_cost(theta, X, y, lamda)
                reg_gradient(theta, X, y, lamda)
            return seed_as_written
        if what == 'fused':
            return lambda: reg_cost_gradient(theta, X, y, lamda)
        raise ValueError('what: expected "seed" or "fused", got %r' % what)

    def info(self, request):
        lamda = float(request.get('lambda', 1.0))
        J_seed = float(reg_cost(self.theta, self.X, self.y, lamda))
        g_seed = reg_gradient(self.theta, self.X, self.y, lamda)
        J_fused, g_fused = reg_cost_gradient(self.theta, self.X, self.y, lamda)
        return {'seed': {'cost': J_seed, 'gradNorm': float(np.linalg.norm(g_seed))},
                'fused': {'cost': float(J_fused), 'gradNorm': float(np.linalg.norm(g_fused)),
                          'maxAbsDiffFromSeed': float(np.max(np.abs(g_fused - g_seed)))},
                'peak': peak_dgemm(np)}

    def sample(self, request):
        what = request.get('what')
        fn = self.evaluation(what, float(request.get('lambda', 1.0)))
        if what not in self.inner:
            self.inner[what] = calibrate(fn, float(request.get('targetSeconds', 0.2)))
        inner = self.inner[what]
        return {'ms': time_inner(fn, inner), 'inner': inner}

    def tnc(self, request):
        if self.x0 is None:
            raise ValueError('the MAT-file has no x0')
        lamda = float(request.get('lambda', 10.0))
        inside = [0.0]  # seconds spent in the seed's reg_cost and reg_gradient (the evaluations)

        def timed(fn):
            def call(*args):
                t = time.perf_counter()
                try:
                    return fn(*args)
                finally:
                    inside[0] += time.perf_counter() - t
            return call

        t0 = time.perf_counter()
        res = minimize(fun=timed(reg_cost), x0=self.x0, args=(self.X, self.y, lamda), method='TNC',
                       jac=timed(reg_gradient), options={'maxfun': int(request.get('maxfun', 300))})
        seconds = time.perf_counter() - t0
        _, _, _, _, h = feed_forward(res.x, self.X)
        y_pred = np.argmax(h, axis=1) + 1
        return {'ms': seconds * 1000, 'evalMs': inside[0] * 1000, 'nfev': int(res.nfev), 'nit': int(res.nit), 'cost': float(res.fun),
                'accuracy': float(np.mean(y_pred == self.raw_y)), 'message': str(res.message)}


def meta():
    return {'numpy': np.__version__, 'scipy': scipy.__version__, 'python': sys.version.split()[0],
            'blas': blas_threads(), 'env': thread_env()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('mode', choices=('serve', 'costgrad', 'tnc'))
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
        args.lamda = 10.0 if args.mode == 'tnc' else 1.0
    if not os.path.isfile(args.mat):
        fail('--mat: no such file %s' % args.mat)
    blas_threads(args.threads)  # numpy's and scipy's OpenBLAS both run with the harness's count
    peer = Peer(args.mat)
    if args.mode == 'serve':
        serve({'info': peer.info, 'sample': peer.sample, 'tnc': peer.tnc}, meta())
        return
    if args.mode == 'costgrad':
        out = peer.info({'lambda': args.lamda})
        for what in ('seed', 'fused'):
            out[what].update(sample(peer.evaluation(what, args.lamda), args.repeat, args.target_seconds))
    else:
        out = {'runs': [peer.tnc({'maxfun': args.maxfun, 'lambda': args.lamda}) for _ in range(args.repeat)]}
    emit(dict(out, ok=True, mode=args.mode, **meta()))


if __name__ == '__main__':
    main()
