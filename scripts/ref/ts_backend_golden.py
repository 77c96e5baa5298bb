#!/usr/bin/env python3
"""Golden cost and gradient for the TS backend kernel tests (packages/nn/test/ts-backend-kernels.test.ts).

Also the output activations h (feed-forward only) for tsPredict.

Hidden and output widths the generated kernels specialise on — t = 1, 25, 64 — in plain numpy with the seed's
formulas (bias column inserted, sigmoid, J = -sum(y log h + (1-y) log(1-h))/m + lambda/(2m) sum(Theta[:,1:]^2),
back-propagation d_l = d_{l+1} Theta[:,1:] * a(1-a), D = d^T [1 a] / m + lambda/m Theta with the bias column
unregularised). The t = 25 case with the genuine ex4 weights lives in golden-cost.json already.

Usage: python3 scripts/ref/ts_backend_golden.py > packages/nn/test/fixtures/ts-backend-golden.json
"""
import json
import sys

import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def unpack(layers, theta):
    Ts, off = [], 0
    for l in range(len(layers) - 1):
        r, c = layers[l + 1], layers[l] + 1
        Ts.append(theta[off:off + r * c].reshape(r, c))
        off += r * c
    return Ts


def feed_forward(layers, theta, X):
    a = X
    for T in unpack(layers, theta):
        a = sigmoid(np.insert(a, 0, values=1, axis=1) @ T.T)
    return a


def cost_gradient(layers, theta, X, Y, lam):
    Ts = unpack(layers, theta)
    m = X.shape[0]
    a = [X]
    for T in Ts:
        a.append(sigmoid(np.insert(a[-1], 0, values=1, axis=1) @ T.T))
    h = a[-1]
    J = -np.sum(Y * np.log(h) + (1 - Y) * np.log(1 - h)) / m
    J += lam / (2 * m) * sum(np.sum(np.power(T[:, 1:], 2)) for T in Ts)
    grads = [None] * len(Ts)
    d = h - Y
    for l in range(len(Ts) - 1, -1, -1):
        D = d.T @ np.insert(a[l], 0, values=1, axis=1) / m
        D[:, 1:] += Ts[l][:, 1:] * lam / m
        grads[l] = D
        if l > 0:
            d = (d @ Ts[l][:, 1:]) * a[l] * (1 - a[l])
    return J, np.concatenate([g.flatten() for g in grads])


def case(name, layers, m, lam, zeros, seed):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-0.5, 1.5, size=(m, layers[0]))
    X[rng.random((m, layers[0])) < zeros] = 0.0
    K = layers[-1]
    if K == 1:
        Y = (rng.random((m, 1)) < 0.5).astype(float)
    else:
        Y = np.eye(K)[rng.integers(0, K, size=m)]
    P = sum(layers[l + 1] * (layers[l] + 1) for l in range(len(layers) - 1))
    theta = rng.uniform(-0.6, 0.6, size=P)
    J, grad = cost_gradient(layers, theta, X, Y, lam)
    return {
        'name': name, 'layers': layers, 'lambda': lam,
        'X': X.tolist(), 'Y': Y.tolist(), 'theta': theta.tolist(),
        'cost': float(J), 'gradient': grad.tolist(), 'h': feed_forward(layers, theta, X).tolist(),
    }


cases = [
    case('t = 1 hidden unit', [30, 1, 4], 41, 0.7, 0.6, 1),
    case('t = 64 hidden units', [100, 64, 10], 57, 1.5, 0.55, 2),
    case('t = 64 then 25, one output (t = 1)', [20, 64, 25, 1], 33, 0.3, 0.3, 3),
    case('t = 64 in the middle of the stack', [12, 3, 64, 4], 29, 2.0, 0.4, 4),
]
json.dump({'source': 'scripts/ref/ts_backend_golden.py (numpy %s)' % np.__version__, 'cases': cases}, sys.stdout)
