// Training faults through the CLI as a user runs it (packages/cli/dist/main.js): Ctrl-C / SIGTERM stop training
// and save the best parameters (exit 130); SIGKILL at random moments while a checkpoint is written every epoch
// never leaves a torn checkpoint, and --resume from it finishes the run bit-identical to one never killed (a run
// that had finished all its epochs is refused, exit 2, as every resume with nothing left is). The
// long version is `node scripts/reliability/kill-checkpoint.mjs --rounds 50` (results in RELIABILITY.md).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cost, loadCheckpoint, loadDigits5000, loadModel, type Model } from '@backprop/nn';

interface KillScript {
  MAIN: string;
  writeData(dir: string): string;
  trainArgs(data: string, epochs: number, extra?: string[]): string[];
  killDuringTraining(dir: string, data: string, epochs: number, delayMs: number): Promise<{ checkpoint: string; code: number | null; signal: string | null }>;
  leftovers(dir: string): string[];
  epochsDone(checkpoint: { state?: unknown }): number;
}
const scriptPath: string = '../../../scripts/reliability/kill-checkpoint.mjs';
const kill = (await import(scriptPath)) as KillScript;

let dir: string;
let data: string;
beforeAll(() => {
  if (!existsSync(kill.MAIN)) throw new Error(`${kill.MAIN} is missing: build the CLI first (npx tsc -b packages/cli)`);
  dir = mkdtempSync(join(tmpdir(), 'backprop-reliability-cli-'));
  data = kill.writeData(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function wait(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Starts `args`, sends `signal` once `ready` exists (plus `afterMs`), and resolves with the exit. */
async function interrupt(args: string[], ready: string, signal: NodeJS.Signals, afterMs: number) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, sig) => r({ code, signal: sig })));
  const deadline = Date.now() + 30_000;
  while (!existsSync(ready) && Date.now() < deadline) await wait(10);
  await wait(afterMs);
  const sentAt = Date.now();
  child.kill(signal);
  const result = await exited;
  return { ...result, stdout, stderr, stopMs: Date.now() - sentAt };
}

describe('Ctrl-C and SIGTERM during `backprop train`', () => {
  it('SIGINT during TNC on digits5000: exit 130, the best parameters so far are saved and score as reported', async () => {
    const checkpoint = join(dir, 'tnc.ckpt');
    const out = join(dir, 'tnc-interrupted.json');
    const r = await interrupt(
      [kill.MAIN, 'train', '--maxfun', '100000', '--lambda', '1', '--checkpoint', checkpoint, '--checkpoint-every', '1', '--out', out, '--json'],
      checkpoint,
      'SIGINT',
      400,
    );
    expect(r.code, r.stderr).toBe(130);
    const model: Model = loadModel(out);
    const t = model.training!;
    expect(t.status).toBe('aborted');
    expect(model.theta.every(Number.isFinite)).toBe(true);
    // The best point: no recorded iterate had a lower cost, and the saved weights really have the reported cost.
    const lowest = Math.min(...t.history.map((h) => h.cost));
    expect(t.cost).toBeLessThanOrEqual(lowest * (1 + 1e-12));
    const ds = loadDigits5000();
    const J = cost(model.theta, ds.X, ds.y, { layers: model.layers, lambda: t.lambda });
    expect(Math.abs(J - t.cost)).toBeLessThanOrEqual(1e-9 * t.cost);
    expect(JSON.parse(r.stdout)).toMatchObject({ interrupted: true });
  });

  it('SIGTERM during adam: exit 130, a valid model with status aborted and finite weights', async () => {
    const checkpoint = join(dir, 'adam.ckpt');
    const out = join(dir, 'adam-terminated.json');
    const r = await interrupt(
      kill.trainArgs(data, 100_000, ['--checkpoint', checkpoint, '--checkpoint-every', '5', '--out', out]),
      checkpoint,
      'SIGTERM',
      300,
    );
    expect(r.code, r.stderr).toBe(130);
    const model = loadModel(out);
    expect(model.training!.status).toBe('aborted');
    expect(model.theta.every(Number.isFinite)).toBe(true);
    expect(model.training!.history.length).toBeGreaterThan(0);
  });
});

describe('SIGKILL while checkpointing every epoch', () => {
  it('5 kills at seeded random moments: every checkpoint parses, every resume finishes bit-identical to an unkilled run', async () => {
    const epochs = 300;
    const reference = join(dir, 'straight.json');
    const straight = spawnSync(process.execPath, kill.trainArgs(data, epochs, ['--out', reference]), { encoding: 'utf8' });
    expect(straight.status, straight.stderr).toBe(0);
    const expected = loadModel(reference).theta;
    let s = 12345;
    const delays = Array.from({ length: 5 }, () => (s = (s * 48271) % 2147483647) % 600);
    let killedMidRun = 0;
    for (const delay of delays) {
      const killed = await kill.killDuringTraining(dir, data, epochs, delay);
      if (killed.signal === 'SIGKILL') killedMidRun++;
      expect(existsSync(killed.checkpoint)).toBe(true);
      const cp = loadCheckpoint(killed.checkpoint); // throws CheckpointError on a torn file
      expect(cp.x.every(Number.isFinite)).toBe(true);
      const out = join(dir, `resumed-${delay}.json`);
      const resumed = spawnSync(process.execPath, kill.trainArgs(data, epochs, ['--resume', killed.checkpoint, '--out', out]), { encoding: 'utf8' });
      if (kill.epochsDone(cp) === epochs) {
        // the run had finished (killed after its last checkpoint, or not at all): nothing is left to resume
        expect(resumed.status, resumed.stderr).toBe(2);
        expect(resumed.stderr).toContain(`adam: nothing left to do: the run being resumed already used ${epochs} of the ${epochs} epochs`);
        continue;
      }
      expect(resumed.status, resumed.stderr).toBe(0);
      const model = loadModel(out);
      expect(model.training!.history.slice(0, cp.history.length)).toEqual(cp.history);
      expect(Array.from(model.theta)).toEqual(Array.from(expected));
    }
    expect(killedMidRun).toBeGreaterThan(0);
  });
});
