// The ONE place the .node file is found and loaded. Tried once, on first use (never at import); the outcome —
// the binding or the real error with a reason and a hint — is cached for the life of the process. The addon is
// built once per CPU class (backprop_native_<class>.node); the best class this CPU runs is loaded, or the one
// BACKPROP_ISA names, or the file BACKPROP_NATIVE_PATH names.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as api from './index.js';
import { MAX_THREADS } from './checks.js';
import { cpuIsa, ISA_CLASSES, runs, type IsaClass } from './isa.js';

/** What blasInfo() reports about the BLAS library the addon is linked against. */
export interface BlasInfo {
  library: string;
  config: string;
  threads: number;
}

/** The CPU class of the loaded addon, this CPU's best class, and how the addon was chosen. */
export interface IsaInfo {
  /** The class the loaded addon was compiled for. */
  addon: IsaClass;
  /** The best class this CPU runs (the addon's own check, GCC's __builtin_cpu_supports). */
  cpu: IsaClass;
  /** 'default': the best class built that the CPU runs; 'env': BACKPROP_ISA; 'path': BACKPROP_NATIVE_PATH. */
  chosen: 'default' | 'env' | 'path';
}

/** Whether the native addon can be used, and if not, why and what to do. */
export interface NativeStatus {
  available: boolean;
  reason?: string;
  hint?: string;
  path?: string;
  blas?: string;
  threads?: number;
  isa?: IsaInfo;
}

/** The raw NativeNetwork class of the addon (validates its arguments again in C++). */
export type NativeNetworkBinding = Pick<
  api.NativeNetwork, 'layers' | 'm' | 'parameterCount' | 'costGradient' | 'costGradientAsync' | 'feedForward' | 'dispose'
>;

/** The raw exports of backprop_native.node: the typed surface's functions, Adam's coefficients passed one by one. */
export interface NativeBinding
  extends Pick<typeof api, 'setThreads' | 'getThreads' | 'blasInfo' | 'gemm' | 'predict' | 'predictAsync'> {
  isa(): { addon: IsaClass; cpu: IsaClass };
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
const EXPORTS = ['setThreads', 'getThreads', 'blasInfo', 'gemm', 'predict', 'predictAsync', 'adamUpdate', 'NativeNetwork', 'isa'] as const;

type Outcome =
  | { ok: true; binding: NativeBinding; path: string; chosen: IsaInfo['chosen'] }
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
  if (/ERR_ISA_UNSUPPORTED|needs an x86-64-v\d CPU/.test(message)) {
    return 'this CPU cannot run that addon: unset BACKPROP_NATIVE_PATH, or point it at a class this CPU runs';
  }
  if (/invalid ELF header|wrong ELF class|file too short|cannot open shared object/.test(message)) {
    return `rebuild the addon on this machine: ${INSTALL_HINT}`;
  }
  return `rebuild the addon: ${INSTALL_HINT}`;
}

/**
 * BACKPROP_THREADS (an integer 1..MAX_THREADS) sets OpenBLAS's thread count once, on first load. Read before the
 * addon is loaded: anything else (`abc`, `0`, `5000`) is why the addon is not used, named in one line — never a
 * process warning and a silent default. (@backprop/nn checks it first and throws InvalidArgumentError.)
 */
function threadsFromEnv(): { ok: true; threads?: number } | { ok: false; reason: string; hint: string } {
  const raw = process.env.BACKPROP_THREADS;
  if (raw === undefined || raw.trim() === '') return { ok: true };
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (Number.isSafeInteger(n) && n >= 1 && n <= MAX_THREADS) return { ok: true, threads: n };
  return {
    ok: false,
    reason: `BACKPROP_THREADS: expected an integer from 1 to ${MAX_THREADS}, got ${JSON.stringify(raw)}`,
    hint: `unset BACKPROP_THREADS, or set it to an integer from 1 to ${MAX_THREADS}`,
  };
}

/** Why the addon file is missing, and what to do: a wrong BACKPROP_NATIVE_PATH, a failed build, or no build yet. */
function whyMissing(path: string, chosen: IsaInfo['chosen']): { reason: string; hint: string } {
  if (chosen === 'path') {
    return {
      reason: `BACKPROP_NATIVE_PATH points at ${path}, which does not exist`,
      hint: 'unset BACKPROP_NATIVE_PATH, or build that addon (node scripts/build-addon.mjs --sanitize for build/Sanitize)',
    };
  }
  const status = readBuildStatus();
  if (status?.ok === false) {
    return { reason: `native build failed: ${status.reason ?? 'unknown reason'}`, hint: status.hint ?? INSTALL_HINT };
  }
  if (chosen === 'env' && status?.ok === true) {
    return {
      reason: `BACKPROP_ISA=${process.env.BACKPROP_ISA}: ${path} was not built (see build/native-build-status.json)`,
      hint: 'unset BACKPROP_ISA, or set it to a class that was built',
    };
  }
  return {
    reason: 'addon not built: run `npm rebuild @backprop/core-native` (needs libopenblas-dev, cmake, g++)',
    hint: INSTALL_HINT,
  };
}

/** build/Release/backprop_native_<isa>.node */
export function addonPath(isa: IsaClass): string {
  return join(packageDir(), 'build', 'Release', `backprop_native_${isa}.node`);
}

type Choice = { ok: true; path: string; chosen: IsaInfo['chosen'] } | { ok: false; path: string; reason: string; hint: string };

/**
 * Which addon to load: BACKPROP_NATIVE_PATH's file; else BACKPROP_ISA's class (an unknown class, or one this CPU
 * cannot run, is refused before anything is loaded: no SIGILL); else the best class built that this CPU runs.
 */
function choose(): Choice {
  const override = process.env.BACKPROP_NATIVE_PATH;
  if (override) return { ok: true, path: override, chosen: 'path' };
  const cpu = cpuIsa();
  const classes: readonly IsaClass[] = cpu === 'baseline' ? ['baseline'] : ISA_CLASSES;
  const raw = process.env.BACKPROP_ISA;
  if (raw !== undefined && raw !== '') {
    const path = addonPath(cpu);
    if (!(classes as readonly string[]).includes(raw)) {
      return {
        ok: false,
        path,
        reason: `BACKPROP_ISA=${JSON.stringify(raw)} is not a CPU class: expected ${classes.join(', ')} (this CPU's best is ${cpu})`,
        hint: `unset BACKPROP_ISA, or set it to ${cpu} or a class below it`,
      };
    }
    const isa = raw as IsaClass;
    if (!runs(cpu, isa)) {
      return {
        ok: false,
        path: addonPath(isa),
        reason: `BACKPROP_ISA=${isa}: this CPU cannot run it (its best class is ${cpu})`,
        hint: `unset BACKPROP_ISA, or set it to ${cpu} or a class below it`,
      };
    }
    return { ok: true, path: addonPath(isa), chosen: 'env' };
  }
  const runnable = classes.filter((isa) => runs(cpu, isa));
  const built = runnable.find((isa) => existsSync(addonPath(isa)));
  return { ok: true, path: addonPath(built ?? runnable[0]), chosen: 'default' };
}

function attempt(): Outcome {
  const choice = choose();
  if (!choice.ok) return choice;
  const { path, chosen } = choice;
  const threads = threadsFromEnv();
  if (!threads.ok) return { ok: false, path, reason: threads.reason, hint: threads.hint };
  if (!existsSync(path)) return { ok: false, path, ...whyMissing(path, chosen) };
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
  if (threads.threads !== undefined) binding.setThreads(threads.threads);
  return { ok: true, binding, path, chosen };
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
  const isa = { ...result.binding.isa(), chosen: result.chosen };
  return { available: true, path: result.path, blas: info.config, threads: info.threads, isa };
}
