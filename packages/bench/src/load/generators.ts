/**
 * The load generators of the server row, each in a child process so that it does not share the measured event
 * loop: autocannon (through packages/bench/tools/load.mjs) and wrk (C, epoll; Debian's package) with the Lua scripts
 * in packages/bench/tools/. Loopback only, every run bounded.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { TOOLS_DIR } from '../paths.js';

/** One load run's result; latencies in ms. */
export interface LoadResult {
  rps: number;
  requests: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface CannonResult extends LoadResult {
  non2xx: number;
  errors: number;
}

const benchFile = (name: string) => join(TOOLS_DIR, name);
const LOAD_SCRIPT = benchFile('load.mjs');
const WRK_POST = benchFile('wrk-post.lua');
const WRK_PACED = benchFile('wrk-paced.lua');

interface ChildOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runChild(command: string, args: string[], killAfterMs: number): Promise<ChildOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const lastLines = (text: string) => text.trim().split('\n').slice(-2).join(' | ') || 'no output';

/**
 * One autocannon run in a child process (so the load generator does not share this event loop), through
 * bench/load.mjs, which keeps latencies in fractional ms (autocannon's report rounds them to whole ms).
 */
export async function autocannon(url: string, bodyFile: string, seconds: number, connections: number): Promise<CannonResult> {
  const spec = JSON.stringify({ url, seconds, connections, bodyFile });
  const out = await runChild(process.execPath, [LOAD_SCRIPT, spec], (seconds + 60) * 1000);
  let r: (CannonResult & { ok: true }) | { ok: false; error: string } | undefined;
  try {
    r = JSON.parse(out.stdout.trim().split('\n').pop() ?? '') as typeof r;
  } catch {
    r = undefined;
  }
  if (r?.ok) return r;
  throw new Error(r ? `load generator: ${r.error}` : `load generator exited with ${out.code}: ${lastLines(out.stderr)}`);
}

/** wrk on PATH, or null. */
export function findWrk(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, 'wrk');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

/** Think time between a response and the next request on each connection: exponential, mean in ms, seeded. */
export interface Pacing {
  meanThinkMs: number;
  seed: number;
}

interface WrkReport {
  ok: true;
  requests: number;
  durationUs: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  non2xx: number;
  latencyUs: { min: number; mean: number; p50: number; p90: number; p99: number; max: number };
}

/**
 * One wrk run (1 thread; `seconds` rounded to whole seconds, at least 1, as wrk counts them) posting the body in
 * `bodyFile`, closed loop or paced. Strict: a non-zero exit, a missing result line, any socket error or timeout,
 * or any answer outside 2xx rejects with what wrk said.
 */
export async function runWrk(
  wrk: string,
  url: string,
  bodyFile: string,
  seconds: number,
  connections: number,
  pacing?: Pacing,
): Promise<LoadResult> {
  const whole = Math.max(1, Math.round(seconds));
  const args = ['-t1', `-c${connections}`, `-d${whole}s`, '--timeout', '2s', '-s', pacing ? WRK_PACED : WRK_POST, url, '--', bodyFile];
  if (pacing) args.push(String(pacing.meanThinkMs), String(pacing.seed));
  const out = await runChild(wrk, args, (whole + 60) * 1000);
  if (out.code !== 0) throw new Error(`wrk exited with ${out.code}: ${lastLines(out.stderr || out.stdout)}`);
  const line = out.stdout.split('\n').filter((l) => l.startsWith('{"ok":')).pop();
  if (!line) throw new Error(`wrk printed no result line (did its Lua script load?): ${lastLines(out.stderr || out.stdout)}`);
  const r = JSON.parse(line) as WrkReport;
  const e = r.errors;
  const socketErrors = e.connect + e.read + e.write + e.timeout;
  if (socketErrors > 0) {
    throw new Error(`wrk: ${socketErrors} socket errors (connect ${e.connect}, read ${e.read}, write ${e.write}, timeout ${e.timeout}) in ${r.requests} requests`);
  }
  if (r.non2xx > 0 || e.status > 0) throw new Error(`wrk: ${Math.max(r.non2xx, e.status)} of ${r.requests} answers were not 2xx`);
  if (r.requests === 0 || r.durationUs <= 0) throw new Error('wrk: no request completed');
  const ms = (us: number) => us / 1000;
  const l = r.latencyUs;
  return { rps: r.requests / (r.durationUs / 1e6), requests: r.requests, p50: ms(l.p50), p90: ms(l.p90), p99: ms(l.p99), max: ms(l.max) };
}
