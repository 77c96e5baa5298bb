#!/usr/bin/env python3
"""Reference values for the CLI's evaluate / predict / cost commands, computed with numpy and scipy only.

The genuine course weights (ex4weights.mat) are applied to 50 real digits — rows 0, 100, 200, … of digits5000
(5 per class), as exported by `backprop data export --name digits5000` and read here with scipy — using the
seed's feed_forward; the script records the inputs (so the fixture stands alone), predictions (argmax + 1),
accuracy, the confusion matrix, per-class precision/recall and the seed's cost / reg_cost.

Usage (after `npx tsc -b packages/cli`): python3 scripts/ref/cli_golden.py
  (writes packages/cli/test/fixtures/ex4-golden.json)
"""
import json
import os
import subprocess
import tempfile

import numpy as np
import scipy.io as sio

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
weights = sio.loadmat(os.path.join(ROOT, "packages/nn/test/fixtures/ex4weights.mat"))
theta1, theta2 = weights["Theta1"], weights["Theta2"]
with tempfile.TemporaryDirectory() as tmp:
    exported = os.path.join(tmp, "digits5000.mat")
    subprocess.run(
        ["node", os.path.join(ROOT, "packages/cli/dist/main.js"), "data", "export", "--name", "digits5000", "--out", exported],
        check=True,
    )
    data = sio.loadmat(exported)
rows = np.arange(0, 5000, 100)
X = data["X"][rows].astype(float)
y = data["y"].ravel()[rows].astype(int)
m = len(X)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


a1 = np.insert(X, 0, values=1, axis=1)
a2 = np.insert(sigmoid(a1 @ theta1.T), 0, values=1, axis=1)
h = sigmoid(a2 @ theta2.T)
Y = np.eye(10)[y - 1]
J = -np.sum(Y * np.log(h) + (1 - Y) * np.log(1 - h)) / m


def reg_cost(lam):
    return J + (np.sum(theta1[:, 1:] ** 2) + np.sum(theta2[:, 1:] ** 2)) * lam / (2 * m)


pred = np.argmax(h, axis=1) + 1
confusion = np.zeros((10, 10), dtype=int)
for a, p in zip(y, pred):
    confusion[a - 1, p - 1] += 1
support = confusion.sum(axis=1)
predicted_as = confusion.sum(axis=0)
with np.errstate(invalid="ignore", divide="ignore"):
    precision = np.diag(confusion) / predicted_as
    recall = np.diag(confusion) / support

out = {
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
}
path = os.path.join(ROOT, "packages/cli/test/fixtures/ex4-golden.json")
with open(path, "w") as f:
    json.dump(out, f)
print("wrote", path, "accuracy", out["accuracy"], "cost", out["cost"])
