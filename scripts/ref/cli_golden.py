#!/usr/bin/env python3
"""Reference values for the CLI's evaluate / predict / cost commands, computed with numpy and scipy only.

The genuine course weights (ex4weights.mat) are applied with the seed's feed_forward to digits5000 as exported by
`backprop data export --name digits5000` and read here with scipy, and two fixtures are written:
  ex4-golden.json: 50 real digits, rows 0, 100, 200, … (5 per class); records the inputs (so the fixture stands
    alone), predictions (argmax + 1), outputs h, accuracy, the confusion matrix, per-class precision/recall and
    the seed's cost / reg_cost;
  ex4-digits5000.json: all 5000 digits (for `evaluate|predict --model ex4weights.mat`): accuracy (97.52%, the
    course's own figure), predictions, the confusion matrix and the unregularised cost.

Usage (after `npx tsc -b packages/cli`): python3 scripts/ref/cli_golden.py
  (writes packages/cli/test/fixtures/ex4-golden.json and ex4-digits5000.json)
"""
import json
import os
import subprocess
import tempfile

import numpy as np
import scipy.io as sio

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "packages/cli/test/fixtures")
weights = sio.loadmat(os.path.join(ROOT, "packages/nn/test/fixtures/ex4weights.mat"))
theta1, theta2 = weights["Theta1"], weights["Theta2"]
with tempfile.TemporaryDirectory() as tmp:
    exported = os.path.join(tmp, "digits5000.mat")
    subprocess.run(
        ["node", os.path.join(ROOT, "packages/cli/dist/main.js"), "data", "export", "--name", "digits5000", "--out", exported],
        check=True,
    )
    data = sio.loadmat(exported)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def apply(X, y):
    """The seed's feed_forward and cost on (X, y): outputs h, unregularised J, predictions, confusion matrix."""
    a1 = np.insert(X, 0, values=1, axis=1)
    a2 = np.insert(sigmoid(a1 @ theta1.T), 0, values=1, axis=1)
    h = sigmoid(a2 @ theta2.T)
    Y = np.eye(10)[y - 1]
    J = -np.sum(Y * np.log(h) + (1 - Y) * np.log(1 - h)) / len(X)
    pred = np.argmax(h, axis=1) + 1
    confusion = np.zeros((10, 10), dtype=int)
    for a, p in zip(y, pred):
        confusion[a - 1, p - 1] += 1
    return h, J, pred, confusion


def write(name, out):
    path = os.path.join(FIXTURES, name)
    with open(path, "w") as f:
        json.dump(out, f)
    print("wrote", path, "accuracy", out["accuracy"], "cost", out["cost"])


X_all = data["X"].astype(float)
y_all = data["y"].ravel().astype(int)

# 50 digits
rows = np.arange(0, 5000, 100)
X, y = X_all[rows], y_all[rows]
m = len(X)
h, J, pred, confusion = apply(X, y)


def reg_cost(lam):
    return J + (np.sum(theta1[:, 1:] ** 2) + np.sum(theta2[:, 1:] ** 2)) * lam / (2 * m)


support = confusion.sum(axis=1)
predicted_as = confusion.sum(axis=0)
with np.errstate(invalid="ignore", divide="ignore"):
    precision = np.diag(confusion) / predicted_as
    recall = np.diag(confusion) / support
write("ex4-golden.json", {
    "X": X.tolist(),
    "y": y.tolist(),
    "predicted": pred.tolist(),
    "h": h.tolist(),
    "accuracy": float(np.mean(pred == y)),
    "confusion": confusion.tolist(),
    "precision": [None if np.isnan(v) else float(v) for v in precision],
    "recall": [None if np.isnan(v) else float(v) for v in recall],
    "support": support.tolist(),
    "cost": {"0": float(J), "1": float(reg_cost(1)), "3": float(reg_cost(3))},
})

# all 5000 digits
_, J, pred, confusion = apply(X_all, y_all)
write("ex4-digits5000.json", {
    "m": len(X_all),
    "accuracy": float(np.mean(pred == y_all)),
    "predicted": pred.tolist(),
    "confusion": confusion.tolist(),
    "cost": float(J),
})
