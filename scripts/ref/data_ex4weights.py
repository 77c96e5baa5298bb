#!/usr/bin/env python3
"""Dump exactly what scipy.io.loadmat reads from the genuine ex4weights.mat, for a bit-exact comparison.

Each matrix is written with its shape, MATLAB class (from scipy.io.whosmat) and its values in row-major order as
the hex of their little-endian float64 bytes, so the test compares bits, not decimal renderings.

Usage: python3 scripts/ref/data_ex4weights.py   (writes packages/nn/test/fixtures/ex4weights.scipy.json)
"""
import json
import os

import numpy as np
import scipy
import scipy.io as sio

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SRC = os.path.join(ROOT, 'packages/nn/test/fixtures/ex4weights.mat')
OUT = os.path.join(ROOT, 'packages/nn/test/fixtures/ex4weights.scipy.json')

data = sio.loadmat(SRC)
classes = {name: cls for name, _shape, cls in sio.whosmat(SRC)}
out = {'scipy': scipy.__version__, 'header': data['__header__'].decode('latin1').rstrip(), 'variables': {}}
for name in ('Theta1', 'Theta2'):
    a = np.ascontiguousarray(data[name], dtype='<f8')
    out['variables'][name] = {
        'class': classes[name],
        'shape': list(a.shape),
        'float64_le_hex': a.tobytes(order='C').hex(),
        'sum': float(a.sum()),
    }
with open(OUT, 'w') as f:
    json.dump(out, f, indent=1)
    f.write('\n')
print('wrote', OUT)
