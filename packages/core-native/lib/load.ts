// The ONE place the .node file is found and loaded. Tried once, on first use (never at import); the outcome —
// the binding or the real error with a reason and a hint — is cached for the life of the process.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as api from './index.js';

/** What blasInfo() reports about the BLAS library the addon is linked against. */
export interface BlasInfo {
  library: string;
  config: string;
  threads: number;
}

/** Whether the native addon can be used, and if not, why and what to do. */
export interface NativeStatus {
  available: boolean;
  reason?: string;
  hint?: string;
  path?: string;
  blas?: string;
  threads?: number;
}

/** The raw NativeNetwork class of the addon (validates its arguments again in C++). */
export type NativeNetworkBinding = Pick<
  api.NativeNetwork, 'layers' | 'm' | 'parameterCount' | 'costGradient' | 'costGradientAsync' | 'feedForward' | 'dispose'
>;

/** The raw exports of backprop_native.node: the typed surface's functions, Adam's coefficients passed one by one. */
export interface NativeBinding
  extends Pick<typeof api, 'setThreads' | 'getThreads' | 'blasInfo' | 'gemm' | 'predict' | 'predictAsync'> {
  adamUpdate(
    x: Float64Array, g: Float64Array, m1: Float64Array, m2: Float64Array, sum: Float64Array,
    step: number, epsilon: number, beta1: number, beta2: number, weight: number,
  ): void;
  NativeNetwork: new (
    layers: readonly number[], X: Float64Array, Y: Float64Array, m: number, activations?: api.Activations,
    dtype?: api.Dtype,
  ) => NativeNetworkBinding;
}

/** Thrown by loadNative() when the addon cannot be used; `reason` and `hint` say why and what to do. */
export class NativeUnavailableError extends Error {
  readonly code = 'ERR_NATIVE_UNAVAILABLE';
  constructor(
    readonly reason: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(`native backend unavailable: ${reason} (${hint})`, options);
    this.name = 'NativeUnavailableError';
  }
}

const INSTALL_HINT = 'sudo apt-get install -y libopenblas-dev cmake g++ pkg-config && npm rebuild @backprop/core-native';
const EXPORTS = ['setThreads', 'getThreads', 'blasInfo', 'gemm', 'predict', 'predictAsync', 'adamUpdate', 'NativeNetwork'] as const;

type Outcome =
  | { ok: true; binding: NativeBinding; path: string }
  | { ok: false; reason: string; hint: string; path: string; cause?: unknown };

let outcome: Outcome | undefined;

function packageDir(): string {
  // lib/load.ts (vitest) and dist/load.js (built) both sit one level below the package root.
  return fileURLToPath(new URL('..', import.meta.url));
}

function readBuildStatus(): { ok?: boolean; reason?: string; hint?: string } | undefined {
  try {
    return JSON.parse(readFileSync(join(packageDir(), 'build', 'native-build-status.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

function hintForLoadError(message: string): string {
  if (/libopenblas|cblas/i.test(message)) {
    return `the OpenBLAS shared library is missing at run time: ${INSTALL_HINT}`;
  }
  if (/NODE_MODULE_VERSION|different Node\.js version/.test(message)) {
    return `the addon was built for another Node.js; rebuild it for ${process.version}: npm rebuild @backprop/core-native`;
  }
  if (/asan|AddressSanitizer|__ubsan/i.test(message)) {
    return 'a sanitizer build must be loaded with LD_PRELOAD=$(gcc -print-file-name=libasan.so)';
  }
  if (/invalid ELF header|wrong ELF class|file too short|cannot open shared object/.test(message)) {
    return `rebuild the addon on this machine: ${INSTALL_HINT}`;
  }
  return `rebuild the addon: ${INSTALL_HINT}`;
}

// BACKPROP_THREADS (an integer >= 1) sets OpenBLAS's thread count once, on first load.
function applyThreadsFromEnv(binding: NativeBinding): void {
  const raw = process.env.BACKPROP_THREADS;
  if (raw === undefined || raw.trim() === '') return;
  const n = Number(raw);
  if (Number.isSafeInteger(n) && n >= 1 && n <= 1024) {
    binding.setThreads(n);
  } else {
    process.emitWarning(`BACKPROP_THREADS=${JSON.stringify(raw)} ignored: expected an integer in 1..1024`, {
      code: 'BACKPROP_THREADS_INVALID',
    });
  }
}

/** Why the addon file is missing, and what to do: a wrong BACKPROP_NATIVE_PATH, a failed build, or no build yet. */
function whyMissing(path: string, override: string | undefined): { reason: string; hint: string } {
  if (override) {
    return {
      reason: `BACKPROP_NATIVE_PATH points at ${path}, which does not exist`,
      hint: 'unset BACKPROP_NATIVE_PATH, or build that addon (node scripts/build-addon.mjs --sanitize for build/Sanitize)',
    };
  }
  const status = readBuildStatus();
  if (status?.ok === false) {
    return { reason: `native build failed: ${status.reason ?? 'unknown reason'}`, hint: status.hint ?? INSTALL_HINT };
  }
  return {
    reason: 'addon not built: run `npm rebuild @backprop/core-native` (needs libopenblas-dev, cmake, g++)',
    hint: INSTALL_HINT,
  };
}

function attempt(): Outcome {
  const override = process.env.BACKPROP_NATIVE_PATH;
  const path = override ? override : join(packageDir(), 'build', 'Release', 'backprop_native.node');
  if (!existsSync(path)) return { ok: false, path, ...whyMissing(path, override) };
  let binding: NativeBinding;
  try {
    binding = createRequire(import.meta.url)(path) as NativeBinding;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, path, reason: `cannot load ${path}: ${message}`, hint: hintForLoadError(message), cause: error };
  }
  const absent = EXPORTS.filter((name) => typeof (binding as unknown as Record<string, unknown>)[name] !== 'function');
  if (absent.length > 0) {
    return {
      ok: false,
      path,
      reason: `${path} is not this package's addon (missing ${absent.join(', ')})`,
      hint: `rebuild the addon: ${INSTALL_HINT}`,
    };
  }
  applyThreadsFromEnv(binding);
  return { ok: true, binding, path };
}

function load(): Outcome {
  if (outcome === undefined) outcome = attempt();
  return outcome;
}

/** The addon's raw exports; throws NativeUnavailableError (code ERR_NATIVE_UNAVAILABLE) when it cannot be used. */
export function loadNative(): NativeBinding {
  const result = load();
  if (!result.ok) throw new NativeUnavailableError(result.reason, result.hint, { cause: result.cause });
  return result.binding;
}

/** Whether the native addon is usable; never throws. Loads it on first call. */
export function nativeStatus(): NativeStatus {
  const result = load();
  if (!result.ok) return { available: false, reason: result.reason, hint: result.hint, path: result.path };
  const info = result.binding.blasInfo();
  return { available: true, path: result.path, blas: info.config, threads: info.threads };
}
