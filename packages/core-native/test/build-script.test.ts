// scripts/build-addon.mjs in a scratch package directory: when tools are missing or the compile fails it prints
// one block with the fix, records the reason in build/native-build-status.json and exits 0 (1 with --strict).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';

const script = fileURLToPath(new URL('../scripts/build-addon.mjs', import.meta.url));
const workspaceModules = fileURLToPath(new URL('../../../node_modules', import.meta.url));
const scratch: string[] = [];

function scratchPackage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-build-'));
  scratch.push(dir);
  mkdirSync(join(dir, 'scripts'));
  copyFileSync(script, join(dir, 'scripts', 'build-addon.mjs'));
  copyFileSync(join(dirname(script), 'toolchain.mjs'), join(dir, 'scripts', 'toolchain.mjs'));
  return dir;
}

function run(dir: string, args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, [join(dir, 'scripts', 'build-addon.mjs'), ...args], {
    cwd: dir,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const status = JSON.parse(readFileSync(join(dir, 'build', 'native-build-status.json'), 'utf8'));
  return { code: result.status, output: result.stdout + result.stderr, status };
}

afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe('scripts/build-addon.mjs', () => {
  // PATH without cmake or a compiler (an empty directory).
  const noTools = () => {
    const empty = mkdtempSync(join(tmpdir(), 'backprop-path-'));
    scratch.push(empty);
    return { ...process.env, PATH: empty, CXX: '' };
  };

  test('missing tools: one block with the fix, a status file, exit 0', () => {
    const dir = scratchPackage();
    const { code, output, status } = run(dir, [], noTools());
    expect(code).toBe(0);
    expect(output).toMatch(/native addon \(Release\) NOT built: missing cmake, a C\+\+ compiler/);
    expect(output).toMatch(/fix: sudo apt-get install -y libopenblas-dev cmake g\+\+/);
    expect(output).toMatch(/uses its pure-TypeScript backend/);
    expect(output.match(/NOT built/g)).toHaveLength(1);
    expect(status).toMatchObject({ ok: false, reason: expect.stringMatching(/^missing cmake/), hint: expect.stringMatching(/apt-get/) });
  });

  test('no OpenBLAS where BACKPROP_OPENBLAS_PREFIXES points: that is the reason, and an earlier addon is removed', () => {
    const dir = scratchPackage();
    const stale = join(dir, 'build', 'Release', 'backprop_native.node');
    mkdirSync(join(dir, 'build', 'Release'), { recursive: true });
    writeFileSync(stale, 'an addon from an earlier build');
    const noBlas = mkdtempSync(join(tmpdir(), 'backprop-noblas-'));
    scratch.push(noBlas);
    const { code, output, status } = run(dir, [], { ...process.env, BACKPROP_OPENBLAS_PREFIXES: noBlas });
    expect(code).toBe(0);
    expect(output).toMatch(/NOT built: missing OpenBLAS development files/);
    expect(output).toMatch(/fix: sudo apt-get install -y libopenblas-dev cmake g\+\+ pkg-config && npm rebuild @backprop\/core-native/);
    expect(status).toMatchObject({ ok: false, reason: expect.stringMatching(/OpenBLAS/) });
    expect(existsSync(stale)).toBe(false);
  });

  test('--strict turns the same failure into exit 1', () => {
    const dir = scratchPackage();
    const { code, status } = run(dir, ['--strict'], noTools());
    expect(code).toBe(1);
    expect(status.ok).toBe(false);
  });

  // Needs cmake to get as far as compiling.
  test.skipIf(spawnSync('cmake', ['--version']).status !== 0)('a failing compile: its last lines, a status file, exit 0', () => {
    const dir = scratchPackage();
    symlinkSync(workspaceModules, join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scratch', binary: { napi_versions: [8] } }));
    writeFileSync(join(dir, 'CMakeLists.txt'), 'cmake_minimum_required(VERSION 3.15)\nproject(broken CXX)\nmessage(FATAL_ERROR "deliberately broken")\n');
    const { code, output, status } = run(dir, [], process.env);
    expect(code).toBe(0);
    expect(output).toMatch(/NOT built: the compile failed/);
    expect(output).toMatch(/deliberately broken/);
    expect(status).toMatchObject({ ok: false, reason: 'the compile failed' });
  });
});
