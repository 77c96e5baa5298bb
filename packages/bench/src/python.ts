/**
 * Runs the python peers (scripts/ref/bench_*.py) as sessions answering requests line by line, so their samples
 * interleave with ours. A missing interpreter, a missing module, a timeout or a bad exit becomes a reason string,
 * so the row marks that entry skipped (or failed) instead of failing the run.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { REF_DIR } from './paths.js';

export interface PeerOptions {
  timeoutMs: number;
  threads: number;
}

/** The environment for a peer: the BLAS thread count pinned, everything else (OPENBLAS_CORETYPE …) as it is. */
function peerEnv(threads: number): NodeJS.ProcessEnv {
  return { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
}

/** The first interpreter among `candidates` that can import `module` (e.g. torch from Debian's python3-torch). */
export function findPython(candidates: readonly string[], module: string): string | null {
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', `import ${module}`], { encoding: 'utf8', timeout: 120_000 });
    if (!probe.error && probe.status === 0) return python;
  }
  return null;
}

/**
 * A long-lived peer (`bench_*.py serve …`) answering one JSON line per request line, so the harness can interleave
 * the peer's samples with its own. A failed request rejects with the peer's error; a timeout kills the peer.
 */
export class PeerSession {
  readonly ready: Record<string, unknown>;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: AsyncIterator<string>;
  #stderr: { text: string };

  private constructor(child: ChildProcessWithoutNullStreams, lines: AsyncIterator<string>, ready: Record<string, unknown>, stderr: { text: string }) {
    this.#child = child;
    this.#lines = lines;
    this.ready = ready;
    this.#stderr = stderr;
  }

  static async start(python: string, script: string, args: string[], options: PeerOptions): Promise<PeerSession | { reason: string }> {
    const path = `${REF_DIR}${script}`;
    if (!existsSync(path)) return { reason: `${script} not found in ${REF_DIR}` };
    const child = spawn(python, [path, ...args], { env: peerEnv(options.threads), stdio: ['pipe', 'pipe', 'pipe'] });
    const stderr = { text: '' };
    child.stdin.on('error', () => {}); // a peer that died shows up as the end of its output, with its stderr
    child.stderr.on('data', (d: Buffer) => {
      stderr.text = (stderr.text + d.toString()).slice(-4000);
    });
    const spawned = await new Promise<string | null>((resolve) => {
      child.once('spawn', () => resolve(null));
      child.once('error', (err: NodeJS.ErrnoException) =>
        resolve(err.code === 'ENOENT' ? `python interpreter ${JSON.stringify(python)} not found` : `${script}: ${err.message}`),
      );
    });
    if (spawned) return { reason: spawned };
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const session = new PeerSession(child, lines, {}, stderr);
    try {
      const ready = await session.#next(options.timeoutMs, script);
      (session as { ready: Record<string, unknown> }).ready = ready;
      return session;
    } catch (err) {
      await session.close();
      return { reason: err instanceof Error ? err.message : String(err) };
    }
  }

  async request(message: Record<string, unknown>, timeoutMs: number): Promise<Record<string, unknown>> {
    this.#child.stdin.write(`${JSON.stringify(message)}\n`);
    return this.#next(timeoutMs, `request ${JSON.stringify(message.op)}`);
  }

  async #next(timeoutMs: number, what: string): Promise<Record<string, unknown>> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.#child.kill('SIGKILL');
        reject(new Error(`${what} timed out after ${timeoutMs / 1000} s`));
      }, timeoutMs);
    });
    try {
      const line = await Promise.race([this.#lines.next(), timeout]);
      if (line.done) {
        const tail = this.#stderr.text.trim().split('\n').slice(-3).join(' | ');
        throw new Error(`the python peer exited during ${what}: ${tail || 'no output'}`);
      }
      let value: Record<string, unknown>;
      try {
        value = JSON.parse(line.value) as Record<string, unknown>;
      } catch {
        throw new Error(`the python peer answered ${what} with something that is not JSON: ${line.value.slice(0, 200)}`);
      }
      if (value.ok !== true) throw new Error(String(value.error ?? `the python peer failed ${what}`));
      return value;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Close stdin (the peer exits when it reads EOF) and wait until it is gone, killing it after `graceMs`. Await
   * this before the next measurement: a lingering peer (its BLAS threads still spinning, or the EOF not yet
   * delivered because a spawnSync blocks the event loop) would take CPU from whatever runs next.
   */
  async close(graceMs = 5000): Promise<void> {
    const child = this.#child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
