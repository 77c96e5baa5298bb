/**
 * Runs the python peers (scripts/ref/bench_*.py) with spawnSync and a timeout. Each peer prints one JSON object on
 * stdout; a missing interpreter, a missing module, a timeout or a bad exit becomes a reason string, so the row
 * marks that entry skipped instead of failing the run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** scripts/ref, from src/bench or dist/bench (both four levels below the repository root). */
export const REF_DIR = fileURLToPath(new URL('../../../../scripts/ref/', import.meta.url));

export type PeerResult = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

export interface PeerOptions {
  timeoutMs: number;
  threads: number;
}

/** The environment for a peer: the BLAS thread count pinned, everything else (OPENBLAS_CORETYPE …) as it is. */
function peerEnv(threads: number): NodeJS.ProcessEnv {
  return { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
}

export function runPeer(python: string, script: string, args: string[], options: PeerOptions): PeerResult {
  const path = `${REF_DIR}${script}`;
  if (!existsSync(path)) return { ok: false, reason: `${script} not found in ${REF_DIR}` };
  const run = spawnSync(python, [path, ...args], {
    encoding: 'utf8',
    timeout: options.timeoutMs,
    env: peerEnv(options.threads),
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) {
    const code = (run.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, reason: `python interpreter ${JSON.stringify(python)} not found` };
    if (code === 'ETIMEDOUT') return { ok: false, reason: `${script} timed out after ${options.timeoutMs / 1000} s` };
    return { ok: false, reason: `${script}: ${run.error.message}` };
  }
  const lines = run.stdout.trim().split('\n');
  let value: Record<string, unknown> | undefined;
  try {
    value = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
  } catch {
    value = undefined;
  }
  if (value && value.ok === false) return { ok: false, reason: String(value.error) };
  if (run.status !== 0 || !value) {
    const err = run.stderr.trim().split('\n').slice(-3).join(' | ');
    return { ok: false, reason: `${script} exited with ${run.status ?? run.signal}: ${err || 'no output'}` };
  }
  return { ok: true, value };
}

/** The first interpreter among `candidates` that can import `module` (e.g. torch from Debian's python3-torch). */
export function findPython(candidates: readonly string[], module: string): string | null {
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', `import ${module}`], { encoding: 'utf8', timeout: 120_000 });
    if (!probe.error && probe.status === 0) return python;
  }
  return null;
}
