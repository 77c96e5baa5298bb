#!/usr/bin/env python3
"""Reference for `backprop evaluate|predict --model ex4weights.mat`: the course's genuine weights on all 5000
digits of digits5000, computed with numpy and scipy only (the seed's feed_forward, argmax + 1).

digits5000 is read as `backprop data export --name digits5000` writes it (a .mat read here with scipy); the
weights with scipy.io.loadmat. Records the accuracy, the predicted labels, the confusion matrix and the seed's
unregularised cost.

Usage (after `npx tsc -b packages/cli`): python3 scripts/ref/ex4_digits5000.py
  (writes packages/cli/test/fixtures/ex4-digits5000.json)
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
X = data["X"].astype(float)
y = data["y"].ravel().astype(int)
m = len(X)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


a1 = np.insert(X, 0, values=1, axis=1)
a2 = np.insert(sigmoid(a1 @ theta1.T), 0, values=1, axis=1)
h = sigmoid(a2 @ theta2.T)
Y = np.eye(10)[y - 1]
J = -np.sum(Y * np.log(h) + (1 - Y) * np.log(1 - h)) / m
pred = np.argmax(h, axis=1) + 1
confusion = np.zeros((10, 10), dtype=int)
for a, p in zip(y, pred):
    confusion[a - 1, p - 1] += 1

out = {
    "m": m,
    "accuracy": float(np.mean(pred == y)),
    "predicted": pred.tolist(),
    "confusion": confusion.tolist(),
    "cost": float(J),
}
path = os.path.join(ROOT, "packages/cli/test/fixtures/ex4-digits5000.json")
with open(path, "w") as f:
    json.dump(out, f)
print("wrote", path, "accuracy", out["accuracy"], "cost", out["cost"])
