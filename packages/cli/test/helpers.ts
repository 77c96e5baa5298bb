import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DIGIT_LABEL_NAMES,
  readMatFile,
  saveModel,
  serialize,
  type Matrix,
  type Model,
} from '@backprop/nn';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI_DIR = join(ROOT, 'packages/cli');
export const MAIN = join(CLI_DIR, 'dist/main.js');
export const EX4WEIGHTS = join(ROOT, 'packages/nn/test/fixtures/ex4weights.mat');
export const fixture = (name: string): string => join(CLI_DIR, 'test/fixtures', name);

/**
 * Compiles the CLI (incremental `tsc -b`: a no-op when dist is current) so the tests run what a user runs. Test
 * files run in parallel, so the build is serialised with a lock directory.
 */
export function ensureBuilt(): void {
  const lock = join(tmpdir(), 'backprop-cli-test-build.lock');
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > 180_000) rmdirSync(lock); // left by a killed run
      } catch {
        /* gone meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      spawnSync('sleep', ['0.2']);
    }
  }
  try {
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', CLI_DIR], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tsc -b packages/cli failed:\n${r.stdout}${r.stderr}`);
  } finally {
    rmdirSync(lock);
  }
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node packages/cli/dist/main.js ...args` as a user would, and waits for it. */
export function cli(args: string[], options: { cwd?: string; env?: Record<string, string>; timeout?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: options.cwd ?? tmp(),
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: options.timeout ?? 60_000,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** The same, without waiting. */
export function cliSpawn(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): ChildProcess {
  return spawn(process.execPath, [MAIN, ...args], {
    cwd: options.cwd ?? tmp(),
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** stdout must be exactly one JSON object (one line). */
export function onlyJson(r: CliResult): Record<string, any> {
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== 1) throw new Error(`expected exactly one line of JSON on stdout, got ${lines.length}:\n${r.stdout}\nstderr:\n${r.stderr}`);
  const value = JSON.parse(lines[0]);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`not a JSON object: ${lines[0]}`);
  return value;
}

/** A failure must be one line on stderr starting "backprop: error:", with no stack trace. */
export function oneLineError(r: CliResult): string {
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  const errors = lines.filter((l) => l.startsWith('backprop: error:'));
  if (errors.length !== 1) throw new Error(`expected one "backprop: error:" line, got:\n${r.stderr}`);
  if (lines.some((l) => /^\s+at .+[:(]/.test(l))) throw new Error(`stack trace leaked:\n${r.stderr}`);
  return errors[0];
}

export function tmp(prefix = 'bp-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Rows of X and labels y as a CSV file (features, then the label), in a fresh temp dir. */
export function writeCsv(X: number[][], y: number[], name = 'data.csv'): string {
  const path = join(tmp(), name);
  writeFileSync(path, X.map((row, i) => [...row, y[i]].join(',')).join('\n') + '\n');
  return path;
}

/** The course's genuine ex4 weights as a model file (20×20 column-major digits, label 10 = "0"). */
export function ex4Model(): { path: string; model: Model } {
  const mat = readMatFile(EX4WEIGHTS);
  const T1 = mat.variables.get('Theta1')!.matrix as Matrix;
  const T2 = mat.variables.get('Theta2')!.matrix as Matrix;
  const model: Model = {
    layers: [400, 25, 10],
    theta: serialize(T1, T2),
    labelNames: [...DIGIT_LABEL_NAMES],
    inputShape: { width: 20, height: 20, order: 'column-major' },
  };
  const path = join(tmp(), 'ex4.json');
  saveModel(path, model);
  return { path, model };
}

export interface Golden {
  X: number[][];
  y: number[];
  predicted: number[];
  h: number[][];
  accuracy: number;
  confusion: number[][];
  precision: (number | null)[];
  recall: (number | null)[];
  support: number[];
  cost: Record<string, number>;
}

/** numpy/scipy reference values for ex4weights on 50 digits (scripts/ref/cli_golden.py). */
export function golden(): Golden {
  return JSON.parse(readFileSync(fixture('ex4-golden.json'), 'utf8')) as Golden;
}

export function ensureDir(path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  return path;
}

/** Is python3 with numpy and scipy available (for cross-checks with scipy.io)? */
export function hasScipy(): boolean {
  const r = spawnSync('python3', ['-c', 'import scipy.io, numpy'], { encoding: 'utf8' });
  return r.status === 0;
}

export function python(code: string): string {
  const r = spawnSync('python3', ['-c', code], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return r.stdout;
}

/** A loopback port nobody holds now, from the kernel's ephemeral range (so no two test files get the same one). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `backprop serve --json ARGS`: its URL once it listens, stop() (SIGTERM → exit code), and its output. */
export async function serveJson(args: string[], env?: Record<string, string>) {
  const child = cliSpawn(['serve', ...args, '--json'], env ? { env } : {});
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      stdout += d;
      const line = stdout.split('\n').find((l) => l.startsWith('{"url"'));
      if (line) resolve(JSON.parse(line).url);
    });
    child.on('exit', () => reject(new Error(`serve exited early: ${stderr}`)));
  });
  const stop = () => {
    child.kill('SIGTERM');
    return exited;
  };
  return { url, stop, output: () => ({ stdout, stderr }) };
}
