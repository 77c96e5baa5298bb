// `backprop doctor`: which backend runs and why, the addon and its BLAS, threads, Node, the build tools, and the
// exact fix for each missing piece; exit 0 when native works, 1 when it does not. Also: a run that falls back
// points at it, and a misspelt BACKPROP_BACKEND stops a command with one line.
import { join } from 'node:path';
import { backendInfo } from '@backprop/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, oneLineError, onlyJson, tmp } from './helpers.js';

beforeAll(() => ensureBuilt());

const NO_ADDON = { BACKPROP_NATIVE_PATH: '/nonexistent/backprop_native.node', BACKPROP_BACKEND: '' };
const nativeAvailable = backendInfo().nativeAvailable;
if (!nativeAvailable) console.warn('[notice] native addon unavailable: the doctor test of a working native backend is skipped');
const REBUILD = 'npm rebuild @backprop/core-native (in the backprop workspace: npx nx run core-native:build)';
describe('backprop doctor', () => {
  it.skipIf(!nativeAvailable)('native works: exit 0, the addon, its OpenBLAS build and library, threads, Node, no fixes', () => {
    const r = cli(['doctor', '--json'], { env: { BACKPROP_BACKEND: '', BACKPROP_THREADS: '1' } });
    expect(r.code, r.stderr).toBe(0);
    const d = onlyJson(r);
    expect(d.status).toBe('native');
    expect(d.backend).toMatchObject({ selected: 'native', nativeAvailable: true, source: 'auto', why: 'auto: the native addon loaded' });
    expect(d.addon.path).toMatch(/build[\\/]Release[\\/]backprop_native_[\w-]+\.node$/);
    expect(d.addon.isa).toMatchObject({ chosen: 'default', addon: d.addon.isa.cpu });
    expect(d.addon.build.addons[d.addon.isa.addon]).toMatchObject({ path: d.addon.path, runs: true });
    expect(d.addon.blas).toMatch(/^OpenBLAS \d/);
    expect(d.addon.library).toMatch(/openblas/);
    expect(d.addon.build).toMatchObject({ ok: true });
    expect(d.threads).toMatchObject({ native: 1, env: { BACKPROP_THREADS: '1' } });
    expect(d.threads.ts).toBeGreaterThanOrEqual(1);
    expect(d.node).toEqual({ version: process.version, modules: process.versions.modules, napi: process.versions.napi });
    expect(d.toolchain.missing).toEqual([]);
    expect(d.fixes).toEqual([]);
    const human = cli(['doctor'], { env: { BACKPROP_BACKEND: '' } });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^backprop doctor: the native backend works\n/);
    expect(human.stdout).toMatch(/^ {2}BLAS build {4}OpenBLAS /m);
    expect(human.stdout).toMatch(/^ {2}CPU class {5}x86-64\S* \(the best class built that this CPU runs; this CPU's best: x86-64/m);
    expect(human.stdout).not.toMatch(/to fix:/);
  });

  it('the addon does not load: exit 1, ts runs and why, the loader’s fix', () => {
    const r = cli(['doctor', '--json'], { env: NO_ADDON });
    expect(r.code).toBe(1);
    const d = onlyJson(r);
    expect(d.status).toBe('ts');
    expect(d.backend).toMatchObject({ selected: 'ts', nativeAvailable: false, source: 'auto' });
    expect(d.backend.why).toBe(`auto fell back: BACKPROP_NATIVE_PATH points at ${NO_ADDON.BACKPROP_NATIVE_PATH}, which does not exist`);
    expect(d.fixes).toEqual([expect.stringMatching(/^unset BACKPROP_NATIVE_PATH/)]);
    const human = cli(['doctor'], { env: NO_ADDON });
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/^backprop doctor: the native backend is unavailable; the TypeScript backend runs/);
    expect(human.stdout).toMatch(/\nto fix:\n {2}1\. unset BACKPROP_NATIVE_PATH/);
  });

  it('BACKPROP_BACKEND=native and the addon does not load: the headline says nothing can run (not that ts runs), exit 1', () => {
    const env = { ...NO_ADDON, BACKPROP_BACKEND: 'native' };
    const why = `BACKPROP_BACKEND=native, but the addon is unavailable: BACKPROP_NATIVE_PATH points at ${NO_ADDON.BACKPROP_NATIVE_PATH}, which does not exist`;
    const r = cli(['doctor', '--json'], { env });
    expect(r.code).toBe(1);
    const d = onlyJson(r);
    expect(d.status).toBe('error');
    expect(d.backend).toMatchObject({ selected: 'native', nativeAvailable: false, source: 'env', why });
    expect(d.fixes).toEqual([expect.stringMatching(/^unset BACKPROP_NATIVE_PATH/)]);
    const human = cli(['doctor'], { env });
    expect(human.code).toBe(1);
    const [headline, blank, backendRow] = human.stdout.split('\n');
    expect(headline).toBe('backprop doctor: BACKPROP_BACKEND=native, but the native backend is unavailable; nothing can run');
    expect(human.stdout).not.toMatch(/TypeScript backend runs/);
    expect(blank).toBe('');
    expect(backendRow).toBe(`  backend       native (${why})`);
  });

  const cpu = (backendInfo() as { isa?: { cpu: string } }).isa?.cpu;
  it.skipIf(!nativeAvailable)('BACKPROP_ISA naming a class this CPU cannot run: exit 1, the variable named, one fix; train stops in one line', (ctx) => {
    const best = cpu ?? onlyJson(cli(['doctor', '--json'], { env: { BACKPROP_BACKEND: '' } })).addon.isa.cpu;
    if (best === 'x86-64-v4') ctx.skip(); // no class above this CPU's; a name that is no class is the next test
    const isa = 'x86-64-v4';
    const env = { BACKPROP_BACKEND: '', BACKPROP_ISA: isa };
    const r = cli(['doctor', '--json'], { env });
    expect(r.code).toBe(1);
    const d = onlyJson(r);
    expect(d.status).toBe('error');
    expect(d.backend.error).toBe(`BACKPROP_ISA=${isa}: this CPU cannot run it (its best class is ${best}); set it to ${best} or a class below it, or unset it`);
    expect(d.fixes).toEqual(['set BACKPROP_ISA to a CPU class this CPU runs (x86-64-v3 is AVX2, x86-64-v4 AVX-512), or unset it']);
    expect(d.threads.env.BACKPROP_ISA).toBe(isa);
    // under `auto` a forced class is not quietly replaced by the TS backend: the command stops (found by a new user)
    const train = cli(['train', '--maxfun', '3'], { env });
    expect(train.code).toBe(2);
    expect(oneLineError(train)).toContain(`BACKPROP_ISA=${isa}: this CPU cannot run it`);
    expect(train.stderr).not.toMatch(/BACKPROP_TS_FALLBACK/);
  });

  it('BACKPROP_ISA naming no class (avx2): exit 1, the variable named, the classes, one fix; train stops in one line', () => {
    const env = { BACKPROP_BACKEND: '', BACKPROP_ISA: 'avx2' };
    const r = cli(['doctor', '--json'], { env });
    expect(r.code).toBe(1);
    const d = onlyJson(r);
    expect(d.status).toBe('error');
    expect(d.backend.error).toBe('BACKPROP_ISA: expected one of x86-64-v4, x86-64-v3, x86-64 (AVX-512 is x86-64-v4, AVX2 x86-64-v3), got "avx2"');
    expect(d.fixes).toEqual(['set BACKPROP_ISA to a CPU class this CPU runs (x86-64-v3 is AVX2, x86-64-v4 AVX-512), or unset it']);
    const text = cli(['doctor'], { env });
    expect(text.stdout.split('\n')[0]).toBe('backprop doctor: BACKPROP_ISA is not valid; every command will fail');
    const train = cli(['train', '--maxfun', '3'], { env });
    expect(train.code).toBe(2);
    expect(oneLineError(train)).toContain('BACKPROP_ISA: expected one of x86-64-v4, x86-64-v3, x86-64 (');
  });

  it('build tools missing: the apt-get line naming what is missing, then the rebuild command', () => {
    // no cmake, compiler or pkg-config on PATH, no OpenBLAS where it is looked for, and no addon
    const env = { ...NO_ADDON, PATH: tmp('bp-empty-path-'), CXX: '', BACKPROP_OPENBLAS_PREFIXES: tmp('bp-noblas-') };
    const r = cli(['doctor', '--json'], { env });
    expect(r.code).toBe(1);
    const d = onlyJson(r);
    expect(d.toolchain).toMatchObject({ missing: ['cmake', 'a C++ compiler (g++ or clang++)', expect.stringMatching(/^OpenBLAS development files/)] });
    expect(d.toolchain.openblas).toBeUndefined();
    const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
    expect(d.fixes).toEqual([
      `${sudo}apt-get install -y libopenblas-dev cmake g++ pkg-config   (missing: cmake; a C++ compiler (g++ or clang++); OpenBLAS development files (libopenblas-dev: pkg-config openblas / cblas.h))`,
      REBUILD,
      expect.stringMatching(/^unset BACKPROP_NATIVE_PATH/),
    ]);
    const human = cli(['doctor'], { env });
    for (const row of ['OpenBLAS dev  missing', 'C++ compiler  missing', 'cmake         missing', 'pkg-config    missing (optional)']) {
      expect(human.stdout).toContain(`\n  ${row}\n`);
    }
  });

  it('a misspelt BACKPROP_BACKEND: exit 1, what is wrong and the allowed values; the rest is still reported', () => {
    const r = cli(['doctor', '--json'], { env: { BACKPROP_BACKEND: 'nativ' } });
    expect(r.code).toBe(1);
    const d = onlyJson(r);
    expect(d.status).toBe('error');
    expect(d.backend).toEqual({ error: 'BACKPROP_BACKEND: expected "auto", "native" or "ts", got "nativ"' });
    expect(d.fixes[0]).toBe('set BACKPROP_BACKEND to auto, native or ts, or unset it');
    expect(d.node.version).toBe(process.version);
    expect(d.threads.env.BACKPROP_BACKEND).toBe('nativ');
  });

  it('BACKPROP_BACKEND=ts is reported as the choice', () => {
    const d = onlyJson(cli(['doctor', '--json'], { env: { BACKPROP_BACKEND: 'ts' } }));
    expect(d.backend).toMatchObject({ selected: 'ts', source: 'env', why: 'BACKPROP_BACKEND=ts' });
  });
});

describe('the rest of the CLI', () => {
  it('a run that falls back says why in one line and points at backprop doctor', () => {
    const out = join(tmp(), 'm.json');
    const r = cli(['train', '--hidden', '3', '--maxfun', '2', '--out', out], { env: NO_ADDON });
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => /warning|trace-warnings/i.test(l));
    expect(warnings).toEqual([
      `backprop: warning [BACKPROP_TS_FALLBACK]: native backend unavailable (BACKPROP_NATIVE_PATH points at ${NO_ADDON.BACKPROP_NATIVE_PATH}, which does not exist); running on the TypeScript backend (slower). For the fix: npx backprop doctor`,
    ]);
  });

  it('a misspelt BACKPROP_BACKEND stops a command before it starts, with one line', () => {
    const r = cli(['train', '--hidden', '3', '--maxfun', '2', '--out', join(tmp(), 'm.json')], { env: { BACKPROP_BACKEND: 'typescript' } });
    expect(r.code).not.toBe(0);
    expect(oneLineError(r)).toBe('backprop: error: BACKPROP_BACKEND: expected "auto", "native" or "ts", got "typescript"');
    expect(r.stdout).not.toMatch(/trained/);
  });

  it('doctor is listed in --help', () => {
    expect(cli(['--help']).stdout).toMatch(/^ {2}doctor /m);
  });
});
