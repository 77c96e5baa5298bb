#!/usr/bin/env python3
"""Generate MAT-file fixtures for the reader tests and record what scipy.io.loadmat reads from each.

Writes packages/nn/test/fixtures/mat/generated/:
  scipy_mixed.mat / scipy_mixed_z.mat  savemat (uncompressed / compressed): N-D, every integer class, int64 and
                                       uint64, logical, char matrix, UTF-8 text, empty, plus struct, cell
                                       (nested), sparse and complex variables that the reader must skip
  storage_types.mat                    hand-built Level 5: classes stored in smaller on-disk types the way
                                       MATLAB does (double as miUINT8 / miINT16, in small data elements too),
                                       char as miUINT16 and miUTF16
  *_be.mat                             big-endian copies of the above and of the shared samples, made by
                                       walking every element and byte-swapping each field by its type
  v4_double_be.mat                     the Level 4 sample, big-endian (MOPT M digit 1)
  v4_mixed.mat / v4_mixed_be.mat       savemat format='4': every precision P, text, sparse, complex
  expected.json                        scipy's view (also of the shared samples, keys '../name.mat') of every file: MATLAB class (whosmat), dims, values in
                                       column-major order (repr floats round-trip exactly), char text, skipped
Every big-endian file is checked here to load in scipy exactly like its little-endian original.

Usage: python3 scripts/ref/data_mat_fixtures.py
"""
import io
import json
import os
import struct
import zlib

import numpy as np
import scipy.io as sio
import scipy.sparse as sp

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIX = os.path.join(ROOT, 'packages/nn/test/fixtures/mat')
OUT = os.path.join(FIX, 'generated')
os.makedirs(OUT, exist_ok=True)

SIZES = {1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8, 13: 8, 16: 1, 17: 2, 18: 4}
SKIPPED_CLASSES = {'struct', 'cell', 'sparse', 'object', 'function_handle', 'opaque'}


# ---------- fixtures written by scipy ----------
def scipy_mixed():
    nest = np.empty((1, 2), dtype=object)
    inner = np.empty((1, 1), dtype=object)
    inner[0, 0] = {'deep': np.array([[1.0, 2.0]])}
    nest[0, 0] = inner
    nest[0, 1] = 'text'
    return {
        'D3': np.arange(24.0).reshape(2, 3, 4) - 5.5,
        'i8': np.array([[-128, -1, 0, 127]], dtype=np.int8),
        'u16': np.array([[0, 65535], [1, 2]], dtype=np.uint16),
        'i16': np.array([[-32768], [32767]], dtype=np.int16),
        'u32': np.array([[4294967295, 0]], dtype=np.uint32),
        'i64': np.array([[-(2**40) - 3, 2**53 + 1, 5]], dtype=np.int64),
        'u64': np.array([[2**64 - 1, 2**60 + 1]], dtype=np.uint64),
        'b': np.array([[True, False], [False, True]]),
        'cm': np.array(['abc', 'def']),
        'uni': 'h\u00e9llo \u03bb',
        'empty': np.zeros((0, 3)),
        'scalar': 3.25,
        'st': {'a': 1.0, 'b': 'x'},
        'ce': nest,
        'sp': sp.csc_matrix(np.eye(3)),
        'cx': np.array([[1 + 2j, 3 - 1j]]),
    }


# ---------- hand-built Level 5 (little-endian) ----------
def tag(t, payload):
    """A full data element, padded to 8 bytes."""
    pad = (8 - len(payload) % 8) % 8
    return struct.pack('<II', t, len(payload)) + payload + b'\0' * pad


def small(t, payload):
    """A small data element: size and type packed in 4 bytes, data in the next 4."""
    assert len(payload) <= 4
    return struct.pack('<HH', t, len(payload)) + payload + b'\0' * (4 - len(payload))


def name_el(name):
    b = name.encode('ascii')
    return small(1, b) if len(b) <= 4 else tag(1, b)


def matrix(name, cls, dims, real_el, logical=False):
    flags = struct.pack('<II', cls | (0x200 if logical else 0), 0)
    content = tag(6, flags) + tag(5, struct.pack('<%di' % len(dims), *dims)) + name_el(name) + real_el
    return tag(14, content)


def header(text):
    t = text.encode('ascii').ljust(116, b' ')
    return t + b'\0' * 8 + struct.pack('<H', 0x0100) + b'IM'


def storage_types():
    els = [
        # class double (6) stored as miUINT8 (2), 2x3 -> 6 bytes (full element)
        matrix('dU8', 6, [2, 3], tag(2, bytes([0, 255, 7, 1, 128, 2]))),
        # class double stored as miINT16 (3)
        matrix('dI16', 6, [1, 3], tag(3, struct.pack('<3h', -300, 5, 32767))),
        # class double stored as miUINT8 in a small data element (3 bytes)
        matrix('dSm', 6, [3, 1], small(2, bytes([9, 8, 7]))),
        # class double stored as miINT32 in a small element (1 value)
        matrix('dI32', 6, [1, 1], small(5, struct.pack('<i', -123456))),
        # class single (7) stored as miINT8 (1)
        matrix('sI8', 7, [1, 2], small(1, struct.pack('<2b', -3, 4))),
        # class int32 (12) stored as miINT16
        matrix('i32I16', 12, [2, 1], small(3, struct.pack('<2h', -2, 300))),
        # class double stored as miSINGLE (7)
        matrix('dF32', 6, [1, 2], tag(7, struct.pack('<2f', 0.5, -1.25))),
        # class uint8 logical stored as miUINT8, small element
        matrix('lg', 9, [1, 3], small(2, bytes([1, 0, 1])), logical=True),
        # char (4) 2x2 stored as miUINT16 (4): rows 'ab', 'cd' column-major -> a c b d
        matrix('c16', 4, [2, 2], tag(4, struct.pack('<4H', *map(ord, 'acbd')))),
        # char stored as miUTF16 (17)
        matrix('cU16', 4, [1, 3], tag(17, struct.pack('<3H', *map(ord, 'xyz')))),
        # char stored as miUTF8 in a small element
        matrix('cU8', 4, [1, 2], small(16, b'ok')),
    ]
    return header('MATLAB 5.0 MAT-file, hand-built by scripts/ref/data_mat_fixtures.py') + b''.join(els)


# ---------- little-endian -> big-endian, field by field ----------
def swap_values(data, t):
    size = SIZES.get(t)
    if size is None:
        raise ValueError('cannot swap element type %d' % t)
    if size == 1:
        return data
    fmt = {2: 'H', 4: 'I', 8: 'Q'}[size]
    n = len(data) // size
    return struct.pack('>%d%s' % (n, fmt), *struct.unpack('<%d%s' % (n, fmt), data))


def swap_elements(buf, compressed_ok):
    out = bytearray()
    pos = 0
    while pos < len(buf):
        first, = struct.unpack_from('<I', buf, pos)
        if first >> 16:  # small element
            t, n = first & 0xFFFF, first >> 16
            out += struct.pack('>I', first) + swap_values(buf[pos + 4:pos + 4 + n], t) + buf[pos + 4 + n:pos + 8]
            pos += 8
            continue
        t, n = struct.unpack_from('<II', buf, pos)
        data = buf[pos + 8:pos + 8 + n]
        if t == 15:
            assert compressed_ok
            swapped = zlib.compress(swap_elements(zlib.decompress(data), False))
            out += struct.pack('>II', t, len(swapped)) + swapped
            pos += 8 + n
            continue
        body = swap_elements(data, False) if t == 14 else swap_values(data, t)
        pad = (8 - n % 8) % 8 if t != 14 else 0
        out += struct.pack('>II', t, n) + body + buf[pos + 8 + n:pos + 8 + n + pad]
        pos += 8 + n + pad
    return bytes(out)


def level5_to_be(le):
    assert le[126:128] == b'IM'
    subsys, = struct.unpack_from('<Q', le, 116)
    version, = struct.unpack_from('<H', le, 124)
    head = le[:116] + struct.pack('>Q', subsys) + struct.pack('>H', version) + b'MI'
    return head + swap_elements(le[128:], True)


def level4_to_be(le):
    out = bytearray()
    pos = 0
    while pos < len(le):
        mopt, mrows, ncols, imagf, namlen = struct.unpack_from('<5i', le, pos)
        assert mopt // 1000 == 0
        p = (mopt // 10) % 10
        size = [8, 4, 4, 2, 2, 1][p]
        fmt = ['d', 'f', 'i', 'h', 'H', 'B'][p]
        n = mrows * ncols * (2 if imagf else 1)
        out += struct.pack('>5i', mopt + 1000, mrows, ncols, imagf, namlen)
        out += le[pos + 20:pos + 20 + namlen]
        start = pos + 20 + namlen
        out += struct.pack('>%d%s' % (n, fmt), *struct.unpack_from('<%d%s' % (n, fmt), le, start))
        pos = start + n * size
    return bytes(out)


# ---------- scipy's view of a file ----------
def describe(path):
    data = sio.loadmat(path, mat_dtype=False, squeeze_me=False, chars_as_strings=True)
    who = {name: cls for name, _shape, cls in sio.whosmat(path)}
    variables, skipped = {}, {}
    for name, cls in who.items():
        v = data[name]
        if cls in SKIPPED_CLASSES:
            skipped[name] = cls
        elif np.iscomplexobj(v):
            skipped[name] = 'complex'
        elif cls == 'char':
            variables[name] = {'class': 'char', 'text': '\n'.join(str(r) for r in np.atleast_1d(v))}
        else:
            a = np.asarray(v)
            values = [float(x) if not isinstance(x, (np.integer, int)) else float(int(x)) for x in a.flatten(order='F').tolist()]
            variables[name] = {'class': cls, 'dims': list(a.shape), 'values_colmajor': values}
    return {'variables': variables, 'skipped': skipped}


def equal(x, y):
    """Values and types equal, ignoring byte order."""
    if sp.issparse(x):
        return sp.issparse(y) and x.shape == y.shape and (x != y).nnz == 0
    if isinstance(x, np.ndarray):
        if not isinstance(y, np.ndarray) or x.shape != y.shape:
            return False
        if x.dtype.names:
            return x.dtype.names == y.dtype.names and all(
                equal(x[f][i], y[f][i]) for f in x.dtype.names for i in np.ndindex(x.shape))
        if x.dtype == object:
            return y.dtype == object and all(equal(a, b) for a, b in zip(x.flat, y.flat))
        return x.dtype.newbyteorder('=') == y.dtype.newbyteorder('=') and np.array_equal(x, y)
    return type(x) is type(y) and x == y


def same(a, b):
    da, db = sio.loadmat(a), sio.loadmat(b)
    keys = [k for k in da if not k.startswith('__')]
    assert keys == [k for k in db if not k.startswith('__')], (a, b)
    for k in keys:
        assert equal(da[k], db[k]), (b, k)


def main():
    files = {}
    mixed = scipy_mixed()
    for fname, compress in (('scipy_mixed.mat', False), ('scipy_mixed_z.mat', True)):
        buf = io.BytesIO()
        sio.savemat(buf, mixed, do_compression=compress, oned_as='row')
        files[fname] = buf.getvalue()
    files['storage_types.mat'] = storage_types()
    buf = io.BytesIO()
    sio.savemat(buf, {
        'D': np.array([[1.0, -2.0], [3.5, 4.0]]),
        'f32': np.array([[1.5, -2.25]], dtype=np.float32),
        'i32': np.array([[-70000, 3]], dtype=np.int32),
        'i16': np.array([[-4], [5]], dtype=np.int16),
        'u16': np.array([[65535, 1]], dtype=np.uint16),
        'u8': np.array([[1, 2, 3]], dtype=np.uint8),
        't': np.array(['ab', 'cd']),
        'sp': sp.csc_matrix(np.eye(2)),
        'cx': np.array([[1 + 1j]]),
    }, format='4')
    files['v4_mixed.mat'] = buf.getvalue()
    files['v4_mixed_be.mat'] = level4_to_be(files['v4_mixed.mat'])
    for src in ('scipy_mixed.mat', 'scipy_mixed_z.mat', 'storage_types.mat'):
        files[src.replace('.mat', '_be.mat')] = level5_to_be(files[src])
    with open(os.path.join(FIX, 'mixed_uncompressed.mat'), 'rb') as f:
        files['mixed_uncompressed_be.mat'] = level5_to_be(f.read())
    with open(os.path.join(FIX, 'mixed_compressed.mat'), 'rb') as f:
        files['mixed_compressed_be.mat'] = level5_to_be(f.read())
    with open(os.path.join(FIX, 'v4_double.mat'), 'rb') as f:
        files['v4_double_be.mat'] = level4_to_be(f.read())
    for fname, blob in files.items():
        with open(os.path.join(OUT, fname), 'wb') as f:
            f.write(blob)
    # big-endian copies must read exactly like their originals
    for be in [k for k in files if k.endswith('_be.mat')]:
        le = be.replace('_be.mat', '.mat')
        le_path = os.path.join(OUT, le) if le in files else os.path.join(FIX, le)
        same(le_path, os.path.join(OUT, be))
        with open(os.path.join(OUT, be), 'rb') as f:
            head = f.read(128)
        assert be.startswith('v4') or head[126:128] == b'MI', be
    expected = {fname: describe(os.path.join(OUT, fname)) for fname in sorted(files)}
    # the shared samples too, for their MATLAB class names (expected.json there gives numpy dtypes)
    for fname in ('mixed_compressed.mat', 'mixed_uncompressed.mat', 'v4_double.mat'):
        expected['../' + fname] = describe(os.path.join(FIX, fname))
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write('\n')
    print('wrote', len(files), 'files to', OUT)


main()
