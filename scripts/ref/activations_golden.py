#!/usr/bin/python3
"""Golden cost, gradient and predictions for issue 16's activations, from PyTorch (float64, autograd).

Tests: packages/core-native/test/*activation* and packages/nn/test/native-activations*.test.ts (native backend),
and the TS backend's activation tests. The math both backends implement:

  z_l = [1 a_{l-1}] Theta_l^T, a_l = f_l(z_l); hidden f: sigmoid, tanh, relu, leaky_relu (slope alpha).
  output sigmoid: J = -(1/m) sum [y log h + (1-y) log(1-h)]   (torch: binary_cross_entropy_with_logits)
  output softmax: J = -(1/m) sum y log softmax(z)              (torch: log_softmax, log-sum-exp inside)
  + lambda/(2m) sum over layers of Theta[:, 1:]^2 (bias column unregularised).
The gradient is PyTorch's autograd of that J, so it follows PyTorch's convention at relu's kink: relu'(0) = 0,
leaky_relu'(0) = alpha. The `kink` cases have one hidden unit whose Theta row is all zero, so its z is exactly 0
for every example; the other cases report `minAbsHiddenZ` so that a finite-difference test can check that no z
lies within its step of 0.

Theta is flattened in this project's layout (packages/nn/src/network/serialize.ts): per layer, Theta_l row-major,
s_{l+1} x (s_l + 1), bias column first, Theta_1 first.

Every case holds two input sets over the same network: `dense` (entries uniform in [-1, 1]; the addon's dense
products) and `sparse` (75% zeros; the addon's sparse first layer, used for X at most 60% non-zero). Each has X, the labels y,
the one-hot Y, cost, gradient (with each entry's scale, see evaluate) and predictions h (sigmoid outputs, or softmax rows summing to 1), and the same for
a minibatch `rows` (indices into X, one repeated: m in the formulas is len(rows)).

Usage: /usr/bin/python3 scripts/ref/activations_golden.py > packages/nn/test/fixtures/activations-golden.json
(Debian's python3-torch; the pyenv python3 on PATH has no torch.)
"""
import json
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def hidden_fn(name, slope):
    if name == 'sigmoid':
        return torch.sigmoid
    if name == 'tanh':
        return torch.tanh
    if name == 'relu':
        return torch.relu
    if name == 'leaky_relu':
        return lambda z: F.leaky_relu(z, negative_slope=slope)
    raise ValueError(name)


def unpack(layers, theta):
    Ts, off = [], 0
    for l in range(len(layers) - 1):
        r, c = layers[l + 1], layers[l] + 1
        Ts.append(theta[off:off + r * c].reshape(r, c))
        off += r * c
    return Ts


def with_bias(a):
    return torch.cat([torch.ones(a.shape[0], 1), a], dim=1)


def forward(layers, hidden, slope, theta, X):
    """Every layer's input [1 a_l] and pre-activations z_{l+1} (the last is the output's)."""
    Ts = unpack(layers, theta)
    a, inputs, zs = X, [], []
    for l, T in enumerate(Ts):
        inputs.append(with_bias(a))
        zs.append(inputs[-1] @ T.T)
        zs[-1].retain_grad()
        if l + 1 < len(Ts):
            a = hidden_fn(hidden[l], slope)(zs[-1])
    return inputs, zs


def evaluate(layers, hidden, output, slope, lam, theta_np, X_np, Y_np):
    theta = torch.tensor(theta_np, requires_grad=True)
    X, Y = torch.tensor(X_np), torch.tensor(Y_np)
    m = X.shape[0]
    inputs, zs = forward(layers, hidden, slope, theta, X)
    z = zs[-1]
    if output == 'sigmoid':
        J = F.binary_cross_entropy_with_logits(z, Y, reduction='sum') / m
        h = torch.sigmoid(z)
    else:
        J = -(Y * F.log_softmax(z, dim=1)).sum() / m
        h = F.softmax(z, dim=1)
    J = J + lam / (2 * m) * sum((T[:, 1:] ** 2).sum() for T in unpack(layers, theta))
    J.backward()
    min_abs_z = min(float(zz.abs().min()) for zz in zs[:-1])
    # Each gradient entry's scale: the sum of the magnitudes of the terms it is made of, sum_i |delta_ij a_ic| / m
    # (delta / m = autograd's dJ/dz) plus |lambda/m Theta_jc| off the bias column. A test divides its error by
    # this, so an entry that nearly cancels is held to the same relative accuracy as the terms it sums.
    scales = []
    with torch.no_grad():
        for a, zz, T in zip(inputs, zs, unpack(layers, theta)):
            S = zz.grad.abs().T @ a.abs()
            S[:, 1:] += lam / m * T[:, 1:].abs()
            scales.append(S.flatten())
    scale = torch.cat(scales).numpy().tolist()
    return float(J), theta.grad.numpy().tolist(), scale, h.detach().numpy().tolist(), min_abs_z


def inputs(layers, hidden, output, slope, lam, theta, m, zeros, rng):
    X = np.round(rng.uniform(-1.0, 1.0, size=(m, layers[0])), 3)  # short decimals keep the JSON small
    X[rng.random((m, layers[0])) < zeros] = 0.0
    K = layers[-1]
    y = rng.integers(0, K, size=m)
    Y = np.eye(K)[y]
    rows = rng.choice(m, size=12, replace=False)
    rows[5] = rows[2]  # a repeated example: minibatches may draw one twice
    J, grad, scale, h, min_abs_z = evaluate(layers, hidden, output, slope, lam, theta, X, Y)
    bJ, bgrad, bscale, _, _ = evaluate(layers, hidden, output, slope, lam, theta, X[rows], Y[rows])
    return {
        'X': X.tolist(), 'y': y.tolist(), 'Y': Y.tolist(),
        'cost': J, 'gradient': grad, 'gradientScale': scale, 'h': h, 'minAbsHiddenZ': min_abs_z,
        'rows': rows.tolist(), 'batch': {'cost': bJ, 'gradient': bgrad, 'gradientScale': bscale},
    }


def case(hidden, output, layers, seed, lam=0.8, slope=0.01, kink=False):
    rng = np.random.default_rng(seed)
    P = sum(layers[l + 1] * (layers[l] + 1) for l in range(len(layers) - 1))
    theta = np.round(rng.uniform(-0.9, 0.9, size=P), 4)
    if kink:  # hidden unit 2 of layer 1: bias and weights 0, so z = 0 exactly for every example
        c = layers[0] + 1
        theta[2 * c:3 * c] = 0.0
    name = '%s -> %s%s%s' % (', '.join(hidden), output, ' (slope %g)' % slope if 'leaky_relu' in hidden else '',
                             ' (z = 0 exactly in one unit)' if kink else '')
    return {
        'name': name, 'layers': layers, 'hidden': hidden, 'output': output, 'leakySlope': slope, 'lambda': lam,
        'kink': kink, 'theta': theta.tolist(),
        'dense': inputs(layers, hidden, output, slope, lam, theta, 37, 0.0, rng),
        'sparse': inputs(layers, hidden, output, slope, lam, theta, 37, 0.75, rng),
    }


cases = []
seed = 100
for h in ['sigmoid', 'tanh', 'relu', 'leaky_relu']:
    for o in ['sigmoid', 'softmax']:
        seed += 1
        cases.append(case([h], o, [20, 9, 5], seed))
cases += [
    case(['relu', 'tanh'], 'softmax', [20, 8, 6, 4], 201),
    case(['relu', 'tanh'], 'sigmoid', [20, 8, 6, 4], 202),
    case(['tanh', 'leaky_relu'], 'softmax', [20, 7, 6, 3], 203, slope=0.25, lam=1.5),
    case(['relu'], 'softmax', [20, 9, 5], 301, kink=True),
    case(['leaky_relu'], 'sigmoid', [20, 9, 5], 302, kink=True),
    case(['leaky_relu', 'relu'], 'softmax', [20, 6, 5, 4], 303, slope=0.3, kink=True),
]
json.dump({'source': 'scripts/ref/activations_golden.py (PyTorch %s, numpy %s, float64)' % (torch.__version__,
                                                                                             np.__version__),
           'cases': cases}, sys.stdout)
