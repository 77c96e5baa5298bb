import { loadDataset, train, type Matrix } from '@backprop/nn';
import { describe, expect, it } from 'vitest';
import { ProgressReporter } from '../src/progress.js';

/** A stream that keeps what is written; a fake clock that a test moves. */
function sink(tty: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const stream = { isTTY: tty, columns: 120, write: (s: string) => (chunks.push(s), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => chunks.join('') };
}

/** One epoch of adam over 400 digits in batches of 4: 100 steps, the clock moving 0.5 s per report. */
async function oneEpoch(reporter: (clock: { now: number }) => ProgressReporter): Promise<void> {
  const digits = loadDataset('digits5000');
  const rows = 400;
  // every tenth digit: the first 400 are all one class, which train() refuses
  const picked = Array.from({ length: rows }, (_, i) => i * 10);
  const X: Matrix = { rows, cols: digits.X.cols, data: new Float64Array(rows * digits.X.cols) };
  picked.forEach((r, i) => X.data.set(digits.X.data.subarray(r * digits.X.cols, (r + 1) * digits.X.cols), i * digits.X.cols));
  const clock = { now: 0 };
  const progress = reporter(clock);
  await train({ hidden: [5] }, { X, y: Int32Array.from(picked, (r) => digits.y[r]), K: 10 }, {
    method: 'adam',
    optimizer: { epochs: 1, batchSize: 4 },
    stepProgress: true,
      onProgress: (p) => {
      clock.now += 500;
      progress.update(p);
    },
  });
  progress.finish();
}

describe('minibatch progress inside an epoch', () => {
  it('off a terminal: a plain line every 2 s of the run (fake clock), with the step, rate and ETA', async () => {
    const out = sink(false);
    await oneEpoch((clock) => new ProgressReporter({ method: 'adam', unit: 'epochs', total: 1 }, { stream: out.stream, now: () => clock.now }));
    const lines = out.text().trimEnd().split('\n');
    const inside = lines.filter((l) => /^adam: epoch 1\/1 \(step \d+\/100\) +evals \d+ +batch cost [\d.]+ +[\d.]+ evals\/s +ETA /.test(l));
    // 100 step reports 0.5 s apart, at most one line per 2 s: about 25 lines, not one per epoch
    expect(inside.length).toBeGreaterThanOrEqual(20);
    expect(inside.length).toBeLessThanOrEqual(27);
    expect(lines.at(-1)).toMatch(/^adam: epoch 1\/1 +evals 100 +cost [\d.]+ +train [\d.]+%/);
  });

  it('on a terminal: one live line with a bar that moves within the epoch', async () => {
    const out = sink(true);
    await oneEpoch((clock) => new ProgressReporter({ method: 'adam', unit: 'epochs', total: 1 }, { stream: out.stream, now: () => clock.now }));
    const frames = out.text().split('\r\x1b[2K').filter(Boolean);
    const half = frames.find((f) => / 50% epoch 1\/1 step 50\/100 /.test(f));
    expect(half, frames.join('\n')).toMatch(/^\[█{8}░{8}\] {2}50% .* ETA /);
    expect(out.text().endsWith('\n')).toBe(true);
  });
});
