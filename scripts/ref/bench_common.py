"""Shared helpers of the python peers of the benchmark harness (packages/nn/src/bench).

Each peer prints exactly one JSON object on stdout; the harness computes medians and ratios. Timing follows the
harness's own rule (packages/nn/src/bench/timing.ts): one warm-up call sizes an inner loop so a sample lasts about
`target_seconds`, then `repeat` samples each report the mean time of one call in that loop.

BLAS threads: threadpoolctl is not installed here, so `blas_threads` finds the OpenBLAS libraries this process has
loaded (numpy's and scipy's wheels bundle their own) in /proc/self/maps and asks/sets their thread count through
ctypes, falling back to the environment when a library has no such symbol.
"""
import ctypes
import json
import math
import os
import sys
import time

GET_NAMES = ('openblas_get_num_threads', 'scipy_openblas_get_num_threads64_', 'scipy_openblas_get_num_threads')
SET_NAMES = ('openblas_set_num_threads', 'scipy_openblas_set_num_threads64_', 'scipy_openblas_set_num_threads')
CONFIG_NAMES = ('openblas_get_config', 'scipy_openblas_get_config64_', 'scipy_openblas_get_config')


def loaded_openblas_paths():
    """Paths of the OpenBLAS shared libraries mapped into this process."""
    paths = []
    try:
        with open('/proc/self/maps') as maps:
            for line in maps:
                parts = line.split()
                if len(parts) >= 6 and 'openblas' in os.path.basename(parts[5]).lower():
                    if parts[5] not in paths:
                        paths.append(parts[5])
    except OSError:
        pass
    return paths


def _symbol(lib, names):
    for name in names:
        try:
            return getattr(lib, name)
        except AttributeError:
            continue
    return None


def blas_threads(set_to=None):
    """Each loaded OpenBLAS with its config and thread count (after setting it to `set_to`, when given)."""
    found = []
    for path in loaded_openblas_paths():
        entry = {'library': os.path.basename(path)}
        try:
            lib = ctypes.CDLL(path)
        except OSError as err:
            entry['error'] = str(err)
            found.append(entry)
            continue
        setter = _symbol(lib, SET_NAMES)
        getter = _symbol(lib, GET_NAMES)
        config = _symbol(lib, CONFIG_NAMES)
        if set_to is not None and setter is not None:
            setter.argtypes = [ctypes.c_int]
            setter(int(set_to))
        if getter is not None:
            getter.restype = ctypes.c_int
            entry['threads'] = int(getter())
        if config is not None:
            config.restype = ctypes.c_char_p
            entry['config'] = config().decode('ascii', 'replace').strip()
        found.append(entry)
    return found


def thread_env():
    """The environment variables that steer BLAS threads and kernels (recorded, never changed)."""
    keys = ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE', 'MKL_NUM_THREADS')
    return {k: os.environ.get(k) for k in keys}


def calibrate(fn, target_seconds):
    """Inner-loop length so that one sample of `fn` lasts about `target_seconds` (one warm-up call)."""
    t0 = time.perf_counter()
    fn()
    warm = time.perf_counter() - t0
    return max(1, min(1000, math.ceil(target_seconds / max(warm, 1e-9))))


def time_inner(fn, inner):
    """Mean milliseconds of one call over `inner` calls."""
    t0 = time.perf_counter()
    for _ in range(inner):
        fn()
    return (time.perf_counter() - t0) / inner * 1000


def sample(fn, repeat, target_seconds):
    """Mean ms of one call, `repeat` times, each over an inner loop sized by one warm-up call."""
    inner = calibrate(fn, target_seconds)
    return {'samplesMs': [time_inner(fn, inner) for _ in range(repeat)], 'inner': inner}


def serve(handlers, ready):
    """The session protocol the harness uses to interleave its measurements with ours (bench/python.ts): print
    `ready` as one JSON line, then answer each JSON request line {"op": name, ...} on stdin with one JSON line from
    handlers[name](request), until stdin closes. A failing request answers {"ok": false, "error": ...}."""
    emit(dict(ready, ok=True, ready=True))
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            handler = handlers.get(request.get('op'))
            if handler is None:
                raise ValueError('unknown op %r; expected one of %s' % (request.get('op'), ', '.join(handlers)))
            emit(dict(handler(request), ok=True))
        except Exception as err:  # noqa: BLE001 (reported to the harness, which marks the entry failed)
            emit({'ok': False, 'error': '%s: %s' % (type(err).__name__, err)})


def peak_dgemm(np, n=1000, repeat=3):
    """GFLOP/s of numpy's matmul on n×n float64 matrices (2n³ flops), median of `repeat` samples."""
    rng = np.random.default_rng(0)
    A = rng.standard_normal((n, n))
    B = rng.standard_normal((n, n))
    A @ B
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        A @ B
        times.append(time.perf_counter() - t0)
    times.sort()
    return {'n': n, 'gflops': 2 * n ** 3 / times[len(times) // 2] / 1e9, 'samplesMs': [t * 1000 for t in times]}


def emit(obj):
    json.dump(obj, sys.stdout)
    sys.stdout.write('\n')
    sys.stdout.flush()


def fail(message, code=2):
    emit({'ok': False, 'error': message})
    sys.exit(code)
