// The system's BLAS, compiler and cmake are inputs of core-native:build: scripts/fingerprint.mjs prints them, nx
// runs it as a runtime input, and so an OpenBLAS installed after a failed build changes the hash and the next
// `nx run cli:train` builds the addon instead of restoring the failed build from the cache.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPTS = fileURLToPath(new URL('../scripts', import.meta.url));
const scratch: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

/** A prefix holding what libopenblas-dev installs, as far as the search looks: include/ and lib/. */
function fakeOpenBlas(version: string): string {
  const prefix = tempDir('backprop-openblas-');
  mkdirSync(join(prefix, 'include', 'openblas'), { recursive: true });
  writeFileSync(join(prefix, 'include', 'openblas', 'cblas.h'), '/* cblas */\n');
  writeFileSync(join(prefix, 'include', 'openblas', 'openblas_config.h'), `#define OPENBLAS_VERSION " OpenBLAS ${version} "\n`);
  mkdirSync(join(prefix, 'lib'));
  writeFileSync(join(prefix, 'lib', 'libopenblas.so'), '');
  return prefix;
}

function fingerprint(env: NodeJS.ProcessEnv, cwd = ROOT): string {
  const r = spawnSync(process.execPath, [join(SCRIPTS, 'fingerprint.mjs')], { cwd, env, encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe('scripts/fingerprint.mjs', () => {
  test('prints OpenBLAS, the compiler, cmake and pkg-config, one line each, "missing" for what is absent', () => {
    const emptyPath = tempDir('backprop-path-');
    const out = fingerprint({ ...process.env, PATH: emptyPath, CXX: '', BACKPROP_OPENBLAS_PREFIXES: tempDir('backprop-noblas-') });
    expect(out).toBe('openblas: missing\nc++: missing\ncmake: missing\npkg-config: missing\n');
  });

  test('changes when OpenBLAS appears, and again when its version changes', () => {
    const without = fingerprint({ ...process.env, BACKPROP_OPENBLAS_PREFIXES: tempDir('backprop-noblas-') });
    const prefix = fakeOpenBlas('0.3.99');
    const withIt = fingerprint({ ...process.env, BACKPROP_OPENBLAS_PREFIXES: prefix });
    expect(without).toMatch(/^openblas: missing$/m);
    expect(withIt).toContain(`openblas: 0.3.99 ${join(prefix, 'include', 'openblas', 'cblas.h')} ${join(prefix, 'lib', 'libopenblas.so')}\n`);
    writeFileSync(join(prefix, 'include', 'openblas', 'openblas_config.h'), '#define OPENBLAS_VERSION " OpenBLAS 0.3.100 "\n');
    expect(fingerprint({ ...process.env, BACKPROP_OPENBLAS_PREFIXES: prefix })).toMatch(/^openblas: 0\.3\.100 /m);
    // the compiler and cmake lines do not depend on where OpenBLAS is looked for
    expect(without.split('\n').slice(1)).toEqual(withIt.split('\n').slice(1));
  });

  test.skipIf(spawnSync('pkg-config', ['--exists', 'openblas']).status !== 0)('without the override it reports the OpenBLAS pkg-config knows', () => {
    const version = spawnSync('pkg-config', ['--modversion', 'openblas'], { encoding: 'utf8' }).stdout.trim();
    const env = { ...process.env };
    delete env.BACKPROP_OPENBLAS_PREFIXES;
    expect(fingerprint(env)).toMatch(new RegExp(`^openblas: ${version.replace(/\./g, '\\.')} \\S+cblas\\.h \\S+libopenblas`, 'm'));
  });
});

// nx's own view: the project's build lists the fingerprint among its inputs, and nx re-runs (no cache hit) a
// cached target with that input once the fingerprint changes. The second half runs in a scratch nx workspace so
// that the real addon build is never replaced by a deliberately failed one.
describe('nx: core-native:build', () => {
  const nx = realpathSync(join(ROOT, 'node_modules', '.bin', 'nx'));
  const nxEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
  let runtimeInput = '';

  test('has the fingerprint as a runtime input', () => {
    const r = spawnSync(process.execPath, [nx, 'show', 'project', 'core-native', '--json'], { cwd: ROOT, env: nxEnv, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const inputs: unknown[] = JSON.parse(r.stdout).targets.build.inputs;
    const runtime = inputs.filter((i): i is { runtime: string } => typeof i === 'object' && i !== null && 'runtime' in i);
    runtimeInput = runtime.map((i) => i.runtime).find((cmd) => cmd.includes('fingerprint.mjs')) ?? '';
    expect(runtimeInput).toBe('node packages/core-native/scripts/fingerprint.mjs');
    // nx runs runtime inputs from the workspace root
    const run = spawnSync('sh', ['-c', runtimeInput], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^openblas: /);
  });

  test('is rebuilt, not restored from the cache, after OpenBLAS appears', () => {
    expect(runtimeInput, 'the previous test found the runtime input').not.toBe('');
    const ws = tempDir('backprop-nx-');
    symlinkSync(join(ROOT, 'node_modules'), join(ws, 'node_modules'), 'dir');
    mkdirSync(join(ws, 'packages', 'core-native'), { recursive: true });
    symlinkSync(SCRIPTS, join(ws, 'packages', 'core-native', 'scripts'), 'dir');
    writeFileSync(join(ws, 'nx.json'), JSON.stringify({ useDaemonProcess: false, analytics: false }));
    // one cached target whose only input is core-native's runtime input; each real run appends a line to runs.txt
    const command = `node -e "require('fs').mkdirSync('out',{recursive:true});require('fs').appendFileSync('runs.txt','run\\n');require('fs').writeFileSync('out/x','x')"`;
    writeFileSync(
      join(ws, 'package.json'),
      JSON.stringify({
        name: 'fingerprint-scratch',
        private: true,
        nx: { name: 'scratch', targets: { build: { command, cache: true, inputs: [{ runtime: runtimeInput }], outputs: ['{workspaceRoot}/out'] } } },
      }),
    );
    const noBlas = tempDir('backprop-noblas-');
    const runs = (): number => (existsSync(join(ws, 'runs.txt')) ? readFileSync(join(ws, 'runs.txt'), 'utf8').split('\n').length - 1 : 0);
    const build = (prefixes: string): number => {
      const r = spawnSync(process.execPath, [nx, 'run', 'scratch:build', '--output-style=static'], {
        cwd: ws,
        // its own cache, always on, whatever the caller's nx settings
        env: { ...nxEnv, NX_SKIP_NX_CACHE: 'false', NX_CACHE_DIRECTORY: join(ws, '.nx', 'cache'), BACKPROP_OPENBLAS_PREFIXES: prefixes },
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(r.status, r.stdout + r.stderr).toBe(0);
      return runs();
    };
    expect(build(noBlas)).toBe(1); // the failed build, cached
    expect(build(noBlas)).toBe(1); // nothing changed: a cache hit, the target does not run
    expect(build(fakeOpenBlas('0.3.99'))).toBe(2); // OpenBLAS installed: a real run
  });
});
