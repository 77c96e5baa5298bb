// The loader: lazy, cached, honest about failures (reason + hint + the real error), BACKPROP_NATIVE_PATH and
// BACKPROP_THREADS; and the BLAS thread controls.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { blasInfo, getThreads, loadNative, nativeStatus, setThreads } from '../lib/index.js';
import { cpuIsa } from '../lib/isa.js';
import { unavailable } from './native-available.js';

type LoadModule = typeof import('../lib/load.js');

const savedEnv = { path: process.env.BACKPROP_NATIVE_PATH, threads: process.env.BACKPROP_THREADS, isa: process.env.BACKPROP_ISA };

function restoreEnv(name: 'BACKPROP_NATIVE_PATH' | 'BACKPROP_THREADS' | 'BACKPROP_ISA', value: string | undefined) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

// A fresh copy of lib/load.ts with its own (empty) cache.
async function freshLoader(): Promise<LoadModule> {
  vi.resetModules();
  return import('../lib/load.js');
}

afterEach(() => {
  restoreEnv('BACKPROP_NATIVE_PATH', savedEnv.path);
  restoreEnv('BACKPROP_THREADS', savedEnv.threads);
  restoreEnv('BACKPROP_ISA', savedEnv.isa);
});

describe.skipIf(unavailable)('the built addon', () => {
  test('nativeStatus reports it available, with its path, BLAS configuration and thread count', () => {
    const status = nativeStatus();
    expect(status.available).toBe(true);
    expect(status.path).toMatch(/build[\\/]Release[\\/]backprop_native_[\w-]+\.node$/);
    expect(status.blas).toMatch(/^OpenBLAS /);
    expect(status.threads).toBe(getThreads());
    expect(status.reason).toBeUndefined();
  });

  test('blasInfo is OpenBLAS with its openblas_get_config() string', () => {
    const info = blasInfo();
    expect(info.library).toBe('OpenBLAS');
    expect(info.config).toBe(nativeStatus().blas);
    expect(info.threads).toBe(getThreads());
  });

  test('the outcome is cached: loadNative returns the same binding every time', () => {
    expect(loadNative()).toBe(loadNative());
  });

  test('setThreads / getThreads round-trip through OpenBLAS', () => {
    const before = getThreads();
    try {
      setThreads(1);
      expect(getThreads()).toBe(1);
      expect(blasInfo().threads).toBe(1);
      setThreads(2);
      expect(getThreads()).toBe(2);
    } finally {
      setThreads(before);
    }
  });

  test('BACKPROP_THREADS is applied on first load', async () => {
    const before = getThreads();
    try {
      setThreads(2);
      process.env.BACKPROP_THREADS = '1';
      const loader = await freshLoader();
      expect(loader.nativeStatus().threads).toBe(1);
      expect(loader.loadNative().getThreads()).toBe(1);
    } finally {
      setThreads(before);
    }
  });

  // BACKPROP_NATIVE_PATH (the sanitizer run) names one file, which wins over BACKPROP_ISA.
  test.skipIf(cpuIsa() === 'baseline' || Boolean(process.env.BACKPROP_NATIVE_PATH))('BACKPROP_ISA picks the class on first load, once: later changes are not read', async () => {
    process.env.BACKPROP_ISA = 'x86-64';
    const loader = await freshLoader();
    const status = loader.nativeStatus();
    expect(status.isa).toEqual({ addon: 'x86-64', cpu: cpuIsa(), chosen: 'env' });
    expect(status.path).toBe(loader.addonPath('x86-64'));
    process.env.BACKPROP_ISA = 'not-a-class';
    expect(loader.nativeStatus()).toEqual(status);
    expect(loader.loadNative().isa()).toEqual({ addon: 'x86-64', cpu: cpuIsa() });
  });

  // Found by a new user's review: an invalid BACKPROP_THREADS was a Node process warning and ignored, while an
  // invalid BACKPROP_TS_THREADS was an error. Now it is the one-line reason the addon is not used, and no warning.
  test('an invalid BACKPROP_THREADS is the reason the addon is not used, in one line, with no process warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      for (const value of ['lots', '0', '1025', '2.5', '-1']) {
        process.env.BACKPROP_THREADS = value;
        const loader = await freshLoader();
        expect(loader.nativeStatus()).toMatchObject({
          available: false,
          reason: `BACKPROP_THREADS: expected an integer from 1 to 1024, got ${JSON.stringify(value)}`,
          hint: 'unset BACKPROP_THREADS, or set it to an integer from 1 to 1024',
        });
        expect(() => loader.loadNative()).toThrow(expect.objectContaining({ code: 'ERR_NATIVE_UNAVAILABLE' }));
      }
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('when the addon cannot be used', () => {
  test('nothing is loaded at import: BACKPROP_NATIVE_PATH set after import is still honoured', async () => {
    const loader = await freshLoader();
    process.env.BACKPROP_NATIVE_PATH = '/nonexistent/backprop_native.node';
    const status = loader.nativeStatus();
    expect(status.available).toBe(false);
    expect(status.reason).toBe('BACKPROP_NATIVE_PATH points at /nonexistent/backprop_native.node, which does not exist');
    expect(status.hint).toMatch(/unset BACKPROP_NATIVE_PATH/);
    expect(status.path).toBe('/nonexistent/backprop_native.node');
  });

  test('loadNative throws ERR_NATIVE_UNAVAILABLE with the reason and hint, every time (cached)', async () => {
    process.env.BACKPROP_NATIVE_PATH = '/nonexistent/backprop_native.node';
    const loader = await freshLoader();
    let first: unknown;
    try {
      loader.loadNative();
    } catch (error) {
      first = error;
    }
    expect(first).toBeInstanceOf(loader.NativeUnavailableError);
    expect(first).toMatchObject({ code: 'ERR_NATIVE_UNAVAILABLE', reason: expect.stringMatching(/does not exist/) });
    expect((first as Error).message).toMatch(/^native backend unavailable: BACKPROP_NATIVE_PATH points at/);
    delete process.env.BACKPROP_NATIVE_PATH; // the outcome is cached: no second attempt
    expect(() => loader.loadNative()).toThrow(/BACKPROP_NATIVE_PATH points at/);
  });

  test('a file that is not a loadable addon: the real dlopen error plus a hint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backprop-load-'));
    try {
      const bogus = join(dir, 'backprop_native.node');
      writeFileSync(bogus, 'this is not an ELF file');
      process.env.BACKPROP_NATIVE_PATH = bogus;
      const loader = await freshLoader();
      const status = loader.nativeStatus();
      expect(status.available).toBe(false);
      expect(status.reason).toMatch(new RegExp(`^cannot load ${bogus}: .*(invalid ELF header|file too short)`));
      expect(status.hint).toMatch(/rebuild the addon on this machine/);
      expect(() => loader.loadNative()).toThrow(expect.objectContaining({ cause: expect.any(Error) }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // A copy of lib/load.ts in a scratch package directory whose build/ has no addon.
  async function loaderInScratchPackage(status?: object): Promise<{ loader: LoadModule; dir: string }> {
    const dir = mkdtempSync(join(tmpdir(), 'backprop-pkg-'));
    mkdirSync(join(dir, 'lib'));
    mkdirSync(join(dir, 'build'));
    for (const file of ['load.ts', 'isa.ts', 'checks.ts']) copyFileSync(fileURLToPath(new URL(`../lib/${file}`, import.meta.url)), join(dir, 'lib', file));
    if (status) writeFileSync(join(dir, 'build', 'native-build-status.json'), JSON.stringify(status));
    delete process.env.BACKPROP_NATIVE_PATH;
    delete process.env.BACKPROP_ISA;
    vi.resetModules();
    const loader = (await import(/* @vite-ignore */ join(dir, 'lib', 'load.ts'))) as LoadModule;
    return { loader, dir };
  }

  test('addon missing and no build status: says it is not built and how to build it', async () => {
    const { loader, dir } = await loaderInScratchPackage();
    try {
      const status = loader.nativeStatus();
      expect(status.available).toBe(false);
      expect(status.reason).toBe(
        'addon not built: run `npm rebuild @backprop/core-native` (needs libopenblas-dev, cmake, g++)',
      );
      expect(status.hint).toMatch(/sudo apt-get install -y libopenblas-dev cmake g\+\+/);
      expect(status.path).toBe(join(dir, 'build', 'Release', `backprop_native_${cpuIsa()}.node`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('addon missing after a failed build: the build status reason and hint', async () => {
    const { loader, dir } = await loaderInScratchPackage({
      ok: false,
      reason: 'missing cmake',
      hint: 'sudo apt-get install -y libopenblas-dev cmake g++',
    });
    try {
      const status = loader.nativeStatus();
      expect(status.available).toBe(false);
      expect(status.reason).toBe('native build failed: missing cmake');
      expect(status.hint).toBe('sudo apt-get install -y libopenblas-dev cmake g++');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
