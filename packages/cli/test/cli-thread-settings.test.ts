// Thread settings on the command line (found by a new user's review): BACKPROP_THREADS, BACKPROP_TS_THREADS and
// --threads take one range, 1..1024; a bad environment value stops every command with one line naming it (exit 2)
// and doctor with the fix (exit 1), never a Node warning; --threads above what OpenBLAS runs is said to be capped.
import { availableParallelism } from 'node:os';
import { backendInfo } from '@backprop/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, oneLineError, onlyJson } from './helpers.js';

beforeAll(() => ensureBuilt());

const CLEAN = { BACKPROP_BACKEND: '', BACKPROP_ISA: '', BACKPROP_THREADS: '', BACKPROP_TS_THREADS: '' };
const nativeAvailable = backendInfo().nativeAvailable;

describe('thread settings', () => {
  for (const name of ['BACKPROP_THREADS', 'BACKPROP_TS_THREADS']) {
    it(`${name}=lots: train exits 2 in one line naming it; doctor exits 1 with the fix`, () => {
      const env = { ...CLEAN, [name]: 'lots', ...(name === 'BACKPROP_TS_THREADS' ? { BACKPROP_BACKEND: 'ts' } : {}) };
      const train = cli(['train', '--maxfun', '2'], { env });
      expect(train.code).toBe(2);
      expect(oneLineError(train)).toBe(`backprop: error: ${name}: expected an integer from 1 to 1024, got "lots"`);
      expect(train.stderr).not.toMatch(/Warning|BACKPROP_TS_FALLBACK/);
      const doctor = cli(['doctor', '--json'], { env });
      expect(doctor.code).toBe(1);
      const d = onlyJson(doctor);
      expect(d.status).toBe('error');
      expect(d.backend.error).toBe(`${name}: expected an integer from 1 to 1024, got "lots"`);
      expect(d.fixes).toEqual([`set ${name} to an integer from 1 to 1024, or unset it`]);
      expect(cli(['doctor'], { env }).stdout.split('\n')[0]).toBe(`backprop doctor: ${name} is not valid; every command will fail`);
    });
  }

  // 1024 itself is accepted: the native case below runs it. (On the TS backend 1024 threads are 1023 worker
  // isolates, which the training-size check refuses on a machine without ~50 GiB: a different rule.)
  it('--threads takes the environment variables\' range: 1025 is a usage error', () => {
    const over = cli(['train', '--maxfun', '1', '--threads', '1025', '--backend', 'ts'], { env: CLEAN });
    expect(over.code).toBe(2);
    expect(oneLineError(over)).toMatch(/--threads.*1024/);
  });

  it.skipIf(!nativeAvailable)('--threads above what OpenBLAS runs: the run says it was capped, at what, and how many cores the machine has', () => {
    const r = cli(['train', '--maxfun', '1', '--threads', '1024', '--backend', 'native'], { env: CLEAN });
    expect(r.code, r.stderr).toBe(0);
    const line = /native backend \((\d+) threads?; --threads 1024 capped: this OpenBLAS build runs at most (\d+); this machine has (\d+) cores?\)/.exec(r.stderr + r.stdout);
    expect(line).not.toBeNull();
    expect(Number(line![1])).toBeLessThan(1024);
    expect(line![2]).toBe(line![1]);
    expect(Number(line![3])).toBe(availableParallelism()); // the cores Node sees, as `nproc` counts them
  });
});
