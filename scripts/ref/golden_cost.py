#!/usr/bin/env python3
"""Golden values for the nn cost/gradient tests, computed independently with numpy and scipy.

The ex4 part runs the seed's own functions exactly as written in the write-up (feed_forward, cost, reg_cost,
gradient, reg_gradient with np.insert for the bias column and log(h)) on the genuine ex4weights.mat and a fixed
small data set. The deep part generalises the same formulas to any layer stack with plain numpy.

Usage: python3 scripts/ref/golden_cost.py > packages/nn/test/fixtures/golden-cost.json
"""
import json
import os
import sys

import numpy as np
import scipy.io as sio

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
weights = sio.loadmat(os.path.join(ROOT, 'packages/nn/test/fixtures/ex4weights.mat'))
theta1 = weights['Theta1']
theta2 = weights['Theta2']


# ---- the seed's functions, as written ----
def serialize(a, b):
    return np.append(a.flatten(), b.flatten())


def deserialize(theta_serialize):
    theta1 = theta_serialize[:25 * 401].reshape(25, 401)
    theta2 = theta_serialize[25 * 401:].reshape(10, 26)
    return theta1, theta2


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def feed_forward(theta_serialize, X):
    theta1, theta2 = deserialize(theta_serialize)
    a1 = X
    z2 = a1 @ theta1.T
    a2 = sigmoid(z2)
    a2 = np.insert(a2, 0, values=1, axis=1)
    z3 = a2 @ theta2.T
    h = sigmoid(z3)
    return a1, z2, a2, z3, h


def cost(theta_serialize, X, y):
    a1, z2, a2, z3, h = feed_forward(theta_serialize, X)
    J = -np.sum(y * np.log(h) + (1 - y) * np.log(1 - h)) / len(X)
    return J


def reg_cost(theta_serialize, X, y, lamda):
    theta1, theta2 = deserialize(theta_serialize)
    sum1 = np.sum(np.power(theta1[:, 1:], 2))
    sum2 = np.sum(np.power(theta2[:, 1:], 2))
    reg = (sum1 + sum2) * lamda / (2 * len(X))
    return reg + cost(theta_serialize, X, y)


def sigmoid_gradient(z):
    return sigmoid(z) * (1 - sigmoid(z))


def gradient(theta_serialize, X, y):
    theta1, theta2 = deserialize(theta_serialize)
    a1, z2, a2, z3, h = feed_forward(theta_serialize, X)
    d3 = h - y
    d2 = d3 @ theta2[:, 1:] * sigmoid_gradient(z2)
    D2 = (d3.T @ a2) / len(X)
    D1 = (d2.T @ a1) / len(X)
    return serialize(D1, D2)


def reg_gradient(theta_serialize, X, y, lamda):
    D = gradient(theta_serialize, X, y)
    D1, D2 = deserialize(D)
    theta1, theta2 = deserialize(theta_serialize)
    D1[:, 1:] = D1[:, 1:] + theta1[:, 1:] * lamda / len(X)
    D2[:, 1:] = D2[:, 1:] + theta2[:, 1:] * lamda / len(X)
    return serialize(D1, D2)


def one_hot_encoder(raw_y):
    result = []
    for i in raw_y:
        y_temp = np.zeros(10)
        y_temp[i - 1] = 1
        result.append(y_temp)
    return np.array(result)


# ---- a general layer stack, same formulas ----
def deep_cost_grad(layers, theta, X, Y, lam):
    shapes = [(layers[l + 1], layers[l] + 1) for l in range(len(layers) - 1)]
    Ts, off = [], 0
    for r, c in shapes:
        Ts.append(theta[off:off + r * c].reshape(r, c))
        off += r * c
    m = X.shape[0]
    acts = [X]
    for T in Ts:
        a = np.hstack([np.ones((m, 1)), acts[-1]])
        acts.append(sigmoid(a @ T.T))
    h = acts[-1]
    J = -np.sum(Y * np.log(h) + (1 - Y) * np.log(1 - h)) / m
    J += lam / (2 * m) * sum(np.sum(T[:, 1:] ** 2) for T in Ts)
    grads = [None] * len(Ts)
    d = h - Y
    for l in range(len(Ts) - 1, -1, -1):
        a = np.hstack([np.ones((m, 1)), acts[l]])
        G = d.T @ a / m
        G[:, 1:] += lam / m * Ts[l][:, 1:]
        grads[l] = G
        if l > 0:
            d = (d @ Ts[l][:, 1:]) * acts[l] * (1 - acts[l])
    return J, np.concatenate([g.flatten() for g in grads])


def main():
    rng = np.random.default_rng(20261128)
    m = 40
    # Digit-like inputs: ~75% exact zeros, the rest in (0, 1].
    X = rng.uniform(0, 1, (m, 400)) * (rng.uniform(0, 1, (m, 400)) < 0.25)
    raw_y = rng.integers(1, 11, m)
    y = one_hot_encoder(raw_y)
    Xb = np.insert(X, 0, values=1, axis=1)
    theta = serialize(theta1, theta2)
    out = {
        'source': 'scripts/ref/golden_cost.py (numpy %s, scipy seed functions as written)' % np.__version__,
        'ex4': {
            'layers': [400, 25, 10],
            'theta': theta.tolist(),
            'X': X.tolist(),
            'y': raw_y.tolist(),
            'cost': float(cost(theta, Xb, y)),
            'regCost1': float(reg_cost(theta, Xb, y, 1)),
            'regCost3': float(reg_cost(theta, Xb, y, 3)),
            'gradient': gradient(theta, Xb, y).tolist(),
            'regGradient1': reg_gradient(theta, Xb, y, 1).tolist(),
            'sigmoidGradient': sigmoid_gradient(np.array([-1, -0.5, 0, 0.5, 1.0])).tolist(),
        },
        'deep': [],
    }
    for layers, lam in (([7, 6, 5, 4], 0.0), ([7, 6, 5, 4], 2.5), ([12, 9, 3], 0.7), ([5, 2], 1.0)):
        n = sum(layers[l + 1] * (layers[l] + 1) for l in range(len(layers) - 1))
        th = rng.uniform(-1, 1, n)
        mm = 13
        Xd = rng.normal(0, 1, (mm, layers[0]))
        yd = rng.integers(1, layers[-1] + 1, mm)
        Y = np.eye(layers[-1])[yd - 1]
        J, g = deep_cost_grad(layers, th, Xd, Y, lam)
        out['deep'].append({'layers': layers, 'lambda': lam, 'theta': th.tolist(), 'X': Xd.tolist(),
                            'y': yd.tolist(), 'cost': float(J), 'gradient': g.tolist()})
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main()
