import * as core from '@backprop/core-native';
import { BackendUnavailableError, InvalidArgumentError } from '../errors.js';
import { createNativeBackend } from './native.js';
import { tsBackend } from './ts/index.js';
import { checkThreads, threadsFromEnv } from './ts/threads.js';
import type { Backend, BackendChoice, BackendName } from './types.js';

export interface BackendInfo {
  /** The backend getBackend() runs right now (when BACKPROP_BACKEND=native and the addon did not load, getBackend() throws). */
  selected: BackendName;
  /** Whether the native addon loaded. */
  nativeAvailable: boolean;
  /** Why native is not available (build/load error), when it is not. */
  reason?: string;
  /** What to do about it. */
  hint?: string;
  /** Where the choice came from: BACKPROP_BACKEND, or `auto`. */
  source: 'auto' | 'env';
  /** The addon file that was loaded, or that was looked for. */
  addon?: string;
  blas?: string;
  /** Threads the selected backend computes with (native: BLAS threads; ts: worker shards). */
  threads: number;
}

/** The values `backend` and BACKPROP_BACKEND take. */
const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'native', 'ts'];

/** Printed once per thread (normally once per process) when `auto` falls back to ts. */
const TS_FALLBACK_CODE = 'BACKPROP_TS_FALLBACK';

type Loaded =
  | { ok: true; backend: Backend; blas?: string; path?: string }
  | { ok: false; reason: string; hint?: string; path?: string };
let loaded: Loaded | undefined;
let warned = false;
/** The BACKPROP_ISA value that last passed checkIsaEnv. */
let isaPassed: string | undefined;

/**
 * Asks @backprop/core-native's loader (the one place the .node file is found; nativeStatus never throws) once and
 * caches the outcome, keeping the real error. Importing core-native never loads the binary; this call does.
 */
function loadNativeOnce(): Loaded {
  if (loaded) return loaded;
  const status = core.nativeStatus();
  loaded = status.available
    ? { ok: true, backend: createNativeBackend(core), blas: status.blas, path: status.path }
    : { ok: false, reason: status.reason ?? 'native addon unavailable', hint: status.hint, path: status.path };
  return loaded;
}

function parseChoice(v: string, from: string): BackendChoice {
  if ((BACKEND_CHOICES as readonly string[]).includes(v)) return v as BackendChoice;
  throw new InvalidArgumentError(`${from}: expected "auto", "native" or "ts", got ${JSON.stringify(v)}`);
}

/**
 * BACKPROP_BACKEND, checked: undefined when unset or empty; a value other than auto|native|ts (`nativ`,
 * `typescript`) is an InvalidArgumentError naming the allowed values, never a silent `auto`.
 */
function envChoice(): BackendChoice | undefined {
  const raw = process.env.BACKPROP_BACKEND;
  if (raw === undefined || raw === '') return undefined;
  return parseChoice(raw, 'BACKPROP_BACKEND');
}

/**
 * BACKPROP_ISA, checked as BACKPROP_BACKEND is: a value that is not one of this platform's CPU classes (`avx2`, or
 * `baseline` on x86-64), or a class this CPU cannot run, is an InvalidArgumentError saying why and what to set,
 * never a silent fallback to the TS backend: a user who forces a class wants that class or an error.
 */
function checkIsaEnv(): void {
  const raw = process.env.BACKPROP_ISA;
  if (raw === undefined || raw === '' || raw === isaPassed) return;
  const problem = core.isaEnvProblem(raw); // reads /proc/cpuinfo: once per value that passes, not per call
  if (problem !== undefined) throw new InvalidArgumentError(problem);
  isaPassed = raw;
}

/** The settings of the native backend, checked before its addon is loaded: BACKPROP_ISA, then BACKPROP_THREADS. */
function checkNativeEnv(): void {
  checkIsaEnv();
  threadsFromEnv('BACKPROP_THREADS');
}

/** Text from an error, on one line and short enough for a warning. */
function oneLine(text: string, max = 240): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

// One line on stderr, not process.emitWarning: Node prints that as two lines plus a `--trace-warnings` hint.
function warnFallback(reason: string): void {
  if (warned) return;
  warned = true;
  process.stderr.write(
    `backprop: warning [${TS_FALLBACK_CODE}]: native backend unavailable (${oneLine(reason)}); ` +
      'running on the TypeScript backend (slower). For the fix: npx backprop doctor\n',
  );
}

/**
 * The backend to use. `auto` is native when the addon loads, else ts, with one warning line on stderr (code
 * BACKPROP_TS_FALLBACK, pointing at `backprop doctor`). `native` throws BackendUnavailableError with the load error
 * when the addon is unavailable. `auto` and no argument defer to the environment variable BACKPROP_BACKEND
 * (auto|native|ts) when it is set; a misspelt value is an InvalidArgumentError even when `native` or `ts` is given,
 * and so is a BACKPROP_ISA that names no class of this platform or one this CPU cannot run, or a BACKPROP_THREADS
 * that is not an integer 1..1024 (unless the TS backend is asked for).
 */
export function getBackend(choice?: BackendChoice): Backend {
  const explicit = choice === undefined ? undefined : parseChoice(choice, 'backend');
  const fromEnv = envChoice();
  const wanted: BackendChoice = explicit !== undefined && explicit !== 'auto' ? explicit : (fromEnv ?? 'auto');
  if (wanted === 'ts') return tsBackend;
  checkNativeEnv();
  const native = loadNativeOnce();
  if (native.ok) return native.backend;
  if (wanted === 'native') {
    throw new BackendUnavailableError(
      `native backend unavailable: ${native.reason}${native.hint ? ` (${native.hint})` : ''}`,
    );
  }
  warnFallback(native.reason);
  return tsBackend;
}

/**
 * The one place a training picks its backend: {@link getBackend}, then the thread count when one is given. The CLI
 * calls it before loading data (to fail fast when native cannot load) and passes the resolved name on to `train`.
 */
export function resolveBackend(choice?: BackendChoice, threads?: number): Backend {
  const backend = getBackend(choice);
  if (threads !== undefined) backend.setThreads(checkThreads(threads, 'threads'));
  return backend;
}

/**
 * Which backend runs and why. Throws InvalidArgumentError when BACKPROP_BACKEND is misspelt, BACKPROP_ISA is not a
 * class this CPU runs or BACKPROP_THREADS is not an integer 1..1024.
 */
export function backendInfo(): BackendInfo {
  const fromEnv = envChoice();
  if (fromEnv !== 'ts') checkNativeEnv();
  const native = loadNativeOnce();
  const source: BackendInfo['source'] = fromEnv !== undefined ? 'env' : 'auto';
  const selected: BackendName = fromEnv === 'ts' ? 'ts' : fromEnv === 'native' || native.ok ? 'native' : 'ts';
  const info: BackendInfo = { selected, nativeAvailable: native.ok, source, threads: tsBackend.getThreads() };
  if (native.path !== undefined) info.addon = native.path;
  if (native.ok) {
    info.blas = native.blas;
    if (selected === 'native') info.threads = native.backend.getThreads();
  } else {
    info.reason = native.reason;
    if (native.hint) info.hint = native.hint;
  }
  return info;
}
