import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { backendInfo, getBackend, type BackendInfo } from '@backprop/nn';
import { defineCommand, examples, type CommonOptions } from '../command.js';
import { EXIT_FAILURE } from '../usage.js';

/** What @backprop/core-native's scripts/toolchain.mjs finds: the tools the addon's build needs. */
interface Toolchain {
  openblas?: { header?: string; library?: string; version?: string; via: string };
  compiler?: { command: string; version: string };
  cmake?: string;
  pkgConfig?: string;
  missing: string[];
}

interface ToolchainModule {
  probeToolchain(): Toolchain;
  INSTALL_COMMAND: string;
  REBUILD_COMMANDS: string[];
}

/** build/native-build-status.json, written by the last build of the addon. */
interface BuildStatus {
  ok?: boolean;
  reason?: string;
  hint?: string;
  at?: string;
  node?: string;
  /** One addon per CPU class: its file, and whether this CPU runs it (it was smoke-loaded when it does). */
  addons?: Record<string, { path: string; runs?: boolean; blas?: string }>;
  /** Classes the compiler could not build (no -march for them). */
  skipped?: string[];
}

/** The loaded addon's CPU class, this CPU's best, and how it was chosen (core-native's nativeStatus().isa). */
interface IsaInfo {
  addon: string;
  cpu: string;
  chosen: 'default' | 'env' | 'path';
}

export interface Diagnosis {
  /**
   * 'native': the addon works; 'ts': it does not, and the TS backend runs (or would); 'error': nothing can run (an
   * invalid BACKPROP_BACKEND or BACKPROP_ISA, or BACKPROP_BACKEND=native with no addon).
   */
  status: 'native' | 'ts' | 'error';
  backend: (BackendInfo & { why: string }) | { error: string };
  addon: { path?: string; exists: boolean; blas?: string; library?: string; isa?: IsaInfo; build?: BuildStatus };
  threads: { native?: number; ts?: number; env: Record<string, string | null> };
  node: { version: string; modules: string; napi?: string };
  toolchain: Toolchain;
  /** What to do, in order, each an exact command or setting. Empty when nothing needs fixing. */
  fixes: string[];
}

function attempt<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

// @backprop/core-native is found from @backprop/nn, which depends on it.
function coreNativeDir(): string {
  const nn = createRequire(import.meta.url).resolve('@backprop/nn');
  return dirname(createRequire(nn).resolve('@backprop/core-native/package.json'));
}

/** The OpenBLAS shared library mapped into this process (Linux), i.e. the one the loaded addon really uses. */
function loadedBlasLibrary(): string | undefined {
  const maps = attempt(() => readFileSync('/proc/self/maps', 'utf8'));
  const line = maps?.split('\n').find((l) => /\/lib[^/]*openblas[^/]*\.(so|dylib)/.test(l));
  return line?.slice(line.indexOf('/'));
}

function why(info: BackendInfo): string {
  if (info.source === 'env') {
    if (info.selected === 'native' && !info.nativeAvailable) return `BACKPROP_BACKEND=native, but the addon is unavailable: ${info.reason}`;
    return `BACKPROP_BACKEND=${info.selected}`;
  }
  return info.nativeAvailable ? 'auto: the native addon loaded' : `auto fell back: ${info.reason}`;
}

/** The variable an error of backendInfo() is about: it names a misspelt BACKPROP_BACKEND or a BACKPROP_ISA this CPU cannot use. */
function invalidVariable(error: string): keyof typeof ENV_FIXES {
  const name = /^(BACKPROP_(?:ISA|THREADS|TS_THREADS))\b/.exec(error)?.[1];
  return (name ?? 'BACKPROP_BACKEND') as keyof typeof ENV_FIXES;
}

const ENV_FIXES = {
  BACKPROP_ISA: 'set BACKPROP_ISA to a CPU class this CPU runs (x86-64-v3 is AVX2, x86-64-v4 AVX-512), or unset it',
  BACKPROP_THREADS: 'set BACKPROP_THREADS to an integer from 1 to 1024, or unset it',
  BACKPROP_TS_THREADS: 'set BACKPROP_TS_THREADS to an integer from 1 to 1024, or unset it',
  BACKPROP_BACKEND: 'set BACKPROP_BACKEND to auto, native or ts, or unset it',
};

function withoutBackendEnv<T>(fn: () => T): T {
  // the loader reads BACKPROP_ISA and BACKPROP_THREADS once per process; unset, an invalid setting cannot stop the report
  const names = ['BACKPROP_BACKEND', 'BACKPROP_ISA', 'BACKPROP_THREADS', 'BACKPROP_TS_THREADS'] as const;
  const saved = names.map((name) => process.env[name]);
  for (const name of names) delete process.env[name];
  try {
    return fn();
  } finally {
    names.forEach((name, i) => {
      if (saved[i] !== undefined) process.env[name] = saved[i];
    });
  }
}

/** Everything `backprop doctor` reports, gathered without throwing. */
export async function diagnose(): Promise<Diagnosis> {
  const dir = coreNativeDir();
  const tools = (await import(pathToFileURL(join(dir, 'scripts', 'toolchain.mjs')).href)) as ToolchainModule;
  const core = (await import(pathToFileURL(join(dir, 'dist', 'index.js')).href)) as { nativeStatus(): { isa?: IsaInfo } };
  const toolchain = tools.probeToolchain();
  const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
  const rebuild = `${tools.REBUILD_COMMANDS[0]} (in the backprop workspace: ${tools.REBUILD_COMMANDS[1]})`;
  const fixes: string[] = [];
  let envError: string | undefined;
  let invalid: ReturnType<typeof invalidVariable> | undefined;
  try {
    backendInfo();
  } catch (err) {
    envError = err instanceof Error ? err.message : String(err);
    invalid = invalidVariable(envError);
    fixes.push(ENV_FIXES[invalid]);
  }
  // With a misspelt BACKPROP_BACKEND (or a BACKPROP_ISA that is not a class this CPU runs) every backend call throws; the rest is
  // reported as `auto` would see it.
  const info = envError === undefined ? backendInfo() : withoutBackendEnv(backendInfo);
  const native = info.nativeAvailable;
  if (!native) {
    const missing = toolchain.missing.length > 0;
    // A BACKPROP_NATIVE_PATH that points at no usable addon, or a BACKPROP_ISA this CPU cannot run, is fixed by
    // the loader's hint, not by a rebuild.
    const override = (Boolean(process.env.BACKPROP_NATIVE_PATH) || /^BACKPROP_ISA/.test(info.reason ?? '')) && info.hint !== undefined;
    if (missing) fixes.push(`${sudo}${tools.INSTALL_COMMAND}   (missing: ${toolchain.missing.join('; ')})`);
    if (missing || !override) fixes.push(rebuild);
    if (override && info.hint && invalid !== 'BACKPROP_ISA') fixes.push(info.hint);
  }
  const env = Object.fromEntries(
    ['BACKPROP_BACKEND', 'BACKPROP_THREADS', 'BACKPROP_TS_THREADS', 'OPENBLAS_NUM_THREADS', 'BACKPROP_NATIVE_PATH', 'BACKPROP_ISA', 'OPENBLAS_CORETYPE', 'BACKPROP_OPENBLAS_PREFIXES'].map(
      (name) => [name, process.env[name] ?? null],
    ),
  );
  return {
    status: envError !== undefined || (info.selected === 'native' && !native) ? 'error' : native ? 'native' : 'ts',
    backend: envError === undefined ? { ...info, why: why(info) } : { error: envError },
    addon: {
      path: info.addon,
      exists: info.addon !== undefined && existsSync(info.addon),
      blas: info.blas,
      isa: native ? core.nativeStatus().isa : undefined,
      library: (native ? loadedBlasLibrary() : undefined) ?? toolchain.openblas?.library,
      build: attempt(() => JSON.parse(readFileSync(join(dir, 'build', 'native-build-status.json'), 'utf8')) as BuildStatus),
    },
    threads: {
      native: native ? withoutBackendEnv(() => getBackend('native').getThreads()) : undefined,
      ts: withoutBackendEnv(() => getBackend('ts').getThreads()),
      env,
    },
    node: { version: process.version, modules: process.versions.modules, napi: process.versions.napi },
    toolchain,
    fixes,
  };
}

function headline(d: Diagnosis): string {
  if (d.status === 'native') return 'backprop doctor: the native backend works';
  if (d.status === 'ts') return 'backprop doctor: the native backend is unavailable; the TypeScript backend runs (slower)';
  if ('error' in d.backend) return `backprop doctor: ${invalidVariable(d.backend.error)} is not valid; every command will fail`;
  return 'backprop doctor: BACKPROP_BACKEND=native, but the native backend is unavailable; nothing can run';
}

function lines(d: Diagnosis): string[] {
  const rows: [string, string][] = [];
  if ('error' in d.backend) rows.push(['backend', `none: ${d.backend.error}`]);
  else rows.push(['backend', `${d.backend.selected} (${d.backend.why})`]);
  rows.push(['addon', d.addon.path ? `${d.addon.path}${d.addon.exists ? '' : ' (no such file)'}` : '—']);
  const isa = d.addon.isa;
  const how = { default: 'the best class built that this CPU runs', env: 'BACKPROP_ISA', path: 'BACKPROP_NATIVE_PATH' };
  if (isa) rows.push(['CPU class', `${isa.addon} (${how[isa.chosen]}; this CPU's best: ${isa.cpu})`]);
  if (d.addon.blas) rows.push(['BLAS build', d.addon.blas]);
  if ('hint' in d.backend && d.backend.hint) rows.push(['loader hint', d.backend.hint]);
  rows.push(['BLAS library', d.addon.library ? `${d.addon.library}${d.status === 'native' ? '' : ' (on disk, not loaded)'}` : 'not found']);
  const t = d.threads;
  rows.push(['threads', [t.native !== undefined ? `${t.native} BLAS (native)` : '', t.ts !== undefined ? `${t.ts} workers (ts)` : ''].filter(Boolean).join(', ') || '—']);
  const set = Object.entries(t.env).filter(([, v]) => v !== null);
  if (set.length > 0) rows.push(['environment', set.map(([k, v]) => `${k}=${v}`).join(' ')]);
  rows.push(['Node', `${d.node.version} (ABI ${d.node.modules}, N-API ${d.node.napi ?? '?'})`]);
  const b = d.addon.build;
  rows.push(['last build', b ? (b.ok ? `ok${b.at ? ` (${b.at})` : ''}` : `failed: ${b.reason ?? 'unknown reason'}${b.at ? ` (${b.at})` : ''}`) : 'no record']);
  if (b?.addons) {
    const built = Object.entries(b.addons).map(([name, a]) => (a.runs === false ? `${name} (this CPU cannot run it)` : name));
    rows.push(['built classes', [...built, ...(b.skipped ?? []).map((name) => `${name} skipped (compiler)`)].join(', ')]);
  }
  const { openblas, compiler, cmake, pkgConfig } = d.toolchain;
  rows.push(['OpenBLAS dev', openblas ? `${openblas.version ?? 'unknown version'}, ${openblas.header ?? 'no cblas.h'} (${openblas.via})` : 'missing']);
  rows.push(['C++ compiler', compiler?.version ?? 'missing']);
  rows.push(['cmake', cmake ?? 'missing']);
  rows.push(['pkg-config', pkgConfig ?? 'missing (optional)']);
  const out = [headline(d), '', ...rows.map(([k, v]) => `  ${k.padEnd(14)}${v}`)];
  if (d.fixes.length > 0) out.push('', 'to fix:', ...d.fixes.map((f, i) => `  ${i + 1}. ${f}`));
  return out;
}

export function doctorCommand() {
  return defineCommand<CommonOptions>(
    'doctor',
    {
      summary: 'which backend runs and why, and how to fix the native one',
      description:
        'Say which backend will run and why, the native addon’s path, CPU class and BLAS build, threads, the Node ' +
        'version and the build tools found, and for each missing piece the exact command that fixes it. Exit 0 when ' +
        'the native backend works, 1 when it does not (the TypeScript backend runs instead, or nothing runs when ' +
        'BACKPROP_BACKEND=native) or BACKPROP_BACKEND, BACKPROP_ISA, BACKPROP_THREADS or BACKPROP_TS_THREADS is invalid. BACKPROP_ISA=x86-64-v4|x86-64-v3|x86-64 forces the addon’s CPU class.',
    },
    (cmd) => cmd.addHelpText('after', examples(['backprop doctor', 'backprop doctor --json'])),
    async (_flags, out) => {
      const d = await diagnose();
      for (const line of lines(d)) out.say(line);
      out.result(d as unknown as Record<string, unknown>);
      return d.status === 'native' ? 0 : EXIT_FAILURE;
    },
  );
}
