import { BackpropError } from '@backprop/nn';
import { describe, expect, it } from 'vitest';
import { BenchOptionError, parseBenchArgs, resolveBenchOptions, runBench } from '../src/index.js';
import { interleave } from '../src/timing.js';

// The harness's plumbing: the order it takes samples in, and its typed option errors.

describe('interleaved sampling', () => {
  it('takes round r of every job before round r + 1, honours per-job rounds and warm-ups, and stops a job that throws', async () => {
    const order: string[] = [];
    const results = await interleave(
      [
        { name: 'a', sample: (r) => (order.push(`a${r}`), r + 1) },
        { name: 'b', rounds: 1, warm: true, sample: (r) => (order.push(`b${r}`), 10) },
        {
          name: 'c',
          sample: async (r) => {
            order.push(`c${r}`);
            if (r === 1) throw new Error('broke in round 2');
            return 5;
          },
        },
      ],
      3,
      undefined,
      0,
    );
    expect(order).toEqual(['a0', 'b0', 'b0', 'c0', 'a1', 'c1', 'a2']); // b: one untimed warm-up, then the sample
    expect(results.get('a')).toEqual({ samplesMs: [1, 2, 3], inner: 1 });
    expect(results.get('b')).toEqual({ samplesMs: [10], inner: 1 });
    expect(results.get('c')).toEqual({ samplesMs: [5], inner: 1, error: 'broke in round 2' });
  });
});

describe('bench options: typed errors naming the argument, the expected and the received', () => {
  it('parses the runner flags', () => {
    const parsed = parseBenchArgs(['--json', '--rows', '1,3', '--repeat=4', '--quick', '--threads', '1']);
    expect(parsed.json).toBe(true);
    expect(parsed.options).toEqual({ rows: [1, 3], repeat: 4, quick: true, threads: 1 });
    expect(resolveBenchOptions(parsed.options).rows).toEqual([1, 3]);
    expect(resolveBenchOptions({ rows: [5, 1, 1] }).rows).toEqual([1, 5]);
  });

  it.each([
    [['--rows', '0'], /rows: expected row numbers from 1 to 7, got 0/],
    [['--rows', '1,x'], /--rows: expected comma-separated row numbers 1\.\.7, got "1,x"/],
    [['--repeat', '0'], /repeat: expected an integer from 1 to 1000, got 0/],
    [['--repeat', '2.5'], /--repeat: expected a positive integer, got "2.5"/],
    [['--repeat'], /--repeat: expected a value after it, got none/],
    [['--server-seconds', 'soon'], /--server-seconds: expected a number of seconds, got "soon"/],
    [['--fast'], /unknown option "--fast"/],
  ])('%j', (argv, message) => {
    let error: unknown;
    try {
      parseBenchArgs(argv);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(BenchOptionError);
    expect(error).toBeInstanceOf(BackpropError);
    expect((error as BenchOptionError).code).toBe('ERR_BENCH_OPTION');
    expect((error as Error).message).toMatch(message);
  });

  it('rejects bad option objects given to runBench', async () => {
    await expect(runBench({ rows: [] })).rejects.toThrow(/rows: expected a non-empty list of row numbers 1\.\.7, got \[\]/);
    await expect(runBench({ threads: -1 })).rejects.toThrow(/threads: expected an integer from 1 to 256, got -1/);
    await expect(runBench({ python: '' })).rejects.toThrow(/python: expected the name or path of a python executable/);
  });
});
