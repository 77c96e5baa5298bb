import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const MAIN = join(ROOT, 'packages/cli/dist/main.js');

export function tmp(prefix = 'bp-queue-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A free loopback port: bind port 0, read it, close. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface TestRedis {
  url: string;
  port: number;
  stop(): void;
}

/**
 * A redis-server of this test file's own: a free loopback port (or `at`, to restart one), a temp dir, no
 * persistence. Stopped by its pid.
 */
export async function startRedis(at?: number): Promise<TestRedis> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx nx run-many -t build)`);
  const dir = tmp('bp-redis-');
  const port = at ?? (await freePort());
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: 'ignore',
  });
  const deadline = Date.now() + 10_000;
  while (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() !== 'PONG') {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`redis-server on port ${port} did not answer PING`);
    await sleep(50);
  }
  let stopped = false;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop() {
      if (stopped) return;
      stopped = true;
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A CLI child process whose output is collected as it comes. */
export interface Proc {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first stderr match of `pattern` (waiting up to `ms`). */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

/** `node packages/cli/dist/main.js ...args` as a real child process. */
export function cli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Proc {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: options.cwd ?? tmp(),
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitFor(pattern, ms = 60_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const m = err.match(pattern);
        if (m) return m;
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited before ${pattern}:\n${err}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${err}`);
        await sleep(20);
      }
    },
  };
}

/** Every "job ID started" line of a worker's log. */
export function startedJobs(log: string): string[] {
  return [...log.matchAll(/job (\S+) started/g)].map((m) => m[1]!);
}

/** Kills whatever of `procs` still runs (by pid). */
export function killAll(procs: Proc[]): void {
  for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
}

/**
 * Every 5th of digits5000's examples (1000 rows, all ten digits) as a CSV file: small trainings that still learn,
 * and a data file whose SHA-256 the workers check.
 */
export async function digitsCsv(dir: string): Promise<string> {
  const { loadDataset } = await import('@backprop/nn');
  const { writeFileSync } = await import('node:fs');
  const ds = loadDataset('digits5000');
  const lines: string[] = [];
  for (let i = 0; i < ds.X.rows; i += 5) {
    const row = Array.from(ds.X.data.subarray(i * ds.X.cols, (i + 1) * ds.X.cols), (v) => v.toPrecision(6));
    lines.push(`${row.join(',')},${ds.y[i]}`);
  }
  const path = join(dir, 'digits1000.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}
