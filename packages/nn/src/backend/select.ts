import * as core from '@backprop/core-native';
import { BackendUnavailableError, InvalidArgumentError } from '../errors.js';
import { createNativeBackend } from './native.js';
import { tsBackend } from './ts/index.js';
import type { Backend, BackendChoice, BackendName } from './types.js';

export interface BackendInfo {
  /** The backend `auto` resolves to right now. */
  selected: BackendName;
  /** Whether the native addon loaded. */
  nativeAvailable: boolean;
  /** Why native is not available (build/load error), when it is not. */
  reason?: string;
  /** What to do about it. */
  hint?: string;
  /** Where the choice came from. */
  source: 'auto' | 'env';
  blas?: string;
  /** Threads the selected backend computes with (native: BLAS threads; ts: worker shards). */
  threads: number;
}

type Loaded = { ok: true; backend: Backend; blas?: string } | { ok: false; reason: string; hint?: string };
let loaded: Loaded | undefined;
let warned = false;

/**
 * Asks @backprop/core-native's loader (the one place the .node file is found) once and caches the outcome,
 * keeping the real error. Importing core-native never loads the binary; this call does.
 */
function loadNativeOnce(): Loaded {
  if (loaded) return loaded;
  try {
    const status = core.nativeStatus();
    if (!status.available) {
      loaded = { ok: false, reason: status.reason ?? 'native addon unavailable', hint: status.hint };
    } else {
      core.loadNative();
      loaded = { ok: true, backend: createNativeBackend(core), blas: status.blas };
    }
  } catch (err) {
    loaded = {
      ok: false,
      reason: err instanceof Error ? err.message : String(err),
      hint: 'run `npm rebuild @backprop/core-native` after `apt-get install -y libopenblas-dev cmake g++`',
    };
  }
  return loaded;
}

function parseChoice(v: string, from: string): BackendChoice {
  if (v === 'auto' || v === 'native' || v === 'ts') return v;
  throw new InvalidArgumentError(`${from}: expected "auto", "native" or "ts", got ${JSON.stringify(v)}`);
}

/**
 * The backend to use. `auto` is native when the addon loads, else ts (with one warning, code BACKPROP_TS_FALLBACK).
 * `native` throws BackendUnavailableError with the load error when the addon is unavailable. With no argument the
 * environment variable BACKPROP_BACKEND (auto|native|ts) decides, defaulting to auto.
 */
export function getBackend(choice?: BackendChoice): Backend {
  const env = process.env.BACKPROP_BACKEND;
  const wanted: BackendChoice =
    choice !== undefined ? parseChoice(choice, 'backend') : env ? parseChoice(env, 'BACKPROP_BACKEND') : 'auto';
  if (wanted === 'ts') return tsBackend;
  const native = loadNativeOnce();
  if (native.ok) return native.backend;
  if (wanted === 'native') {
    throw new BackendUnavailableError(
      `native backend unavailable: ${native.reason}${native.hint ? ` (${native.hint})` : ''}`,
    );
  }
  if (!warned) {
    warned = true;
    process.emitWarning(`native backend unavailable, using the TS backend: ${native.reason}`, {
      code: 'BACKPROP_TS_FALLBACK',
    });
  }
  return tsBackend;
}

/** Which backend runs and why. */
export function backendInfo(): BackendInfo {
  const env = process.env.BACKPROP_BACKEND;
  const native = loadNativeOnce();
  const source: BackendInfo['source'] = env ? 'env' : 'auto';
  const selected: BackendName = env === 'ts' ? 'ts' : native.ok ? 'native' : 'ts';
  const info: BackendInfo = { selected, nativeAvailable: native.ok, source, threads: tsBackend.getThreads() };
  if (native.ok) {
    info.blas = native.blas;
    if (selected === 'native') info.threads = native.backend.getThreads();
  } else {
    info.reason = native.reason;
    if (native.hint) info.hint = native.hint;
  }
  return info;
}
