import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { backendInfo } from '../src/backend/select.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The first ```js block of README.md's "## Library" section, as a user would copy it. */
function libraryScript(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Library\n');
  expect(start, 'README.md has a "## Library" section').toBeGreaterThan(0);
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const block = /```js\n([\s\S]*?)```/.exec(section);
  expect(block, 'the Library section has a ```js block').not.toBeNull();
  return block![1];
}

/** The environment without npm's per-run settings (the suite may itself run under `npm test`). */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
}

function run(cmd: string, args: string[], cwd: string, timeout: number): SpawnSyncReturns<string> {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd, env: cleanEnv(), encoding: 'utf8', timeout });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).slice(-2000)}`);
  if (cmd !== 'mkdir') console.log(`[readme-library] ${cmd} ${args[0]}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return r;
}

const scratch = mkdtempSync(join(tmpdir(), 'backprop-readme-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('README "Library" script, from packed tarballs in a scratch project outside the workspace', () => {
  it('installs @backprop/core-native (its install script allowed) and @backprop/nn, then runs as written', () => {
    const script = libraryScript();
    expect(scratch.startsWith(ROOT)).toBe(false);
    const tarballs = join(scratch, 'tarballs');
    const project = join(scratch, 'project');
    for (const dir of [tarballs, project]) run('mkdir', ['-p', dir], scratch, 5_000);
    const packed = ['core-native', 'nn'].map((name) => {
      const r = run('npm', ['pack', '--json', '--pack-destination', tarballs], join(ROOT, 'packages', name), 60_000);
      return join(tarballs, (JSON.parse(r.stdout) as { filename: string }[])[0].filename);
    });
    // npm 11 runs a dependency's install script only when the project allows it; a tarball is known by its
    // resolved identity, `file:<absolute path>`. strict-allow-scripts turns a miss into an error, not a warning.
    const pkg = { name: 'scratch', private: true, type: 'module', allowScripts: { [`file:${packed[0]}`]: true } };
    writeFileSync(join(project, 'package.json'), JSON.stringify(pkg, null, 2));
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--strict-allow-scripts', ...packed], project, 600_000);

    writeFileSync(join(project, 'script.mjs'), script);
    const out = run('node', ['script.mjs'], project, 300_000).stdout;
    const line = (key: string): string => {
      const found = out.split('\n').find((l) => l.startsWith(`${key} `));
      expect(found, `the script prints "${key} …"; it printed:\n${out}`).toBeDefined();
      return found!.slice(key.length + 1);
    };
    // The install script built the addon in the scratch project whenever it builds here.
    expect(line('backend')).toBe(backendInfo().nativeAvailable ? 'native' : 'ts');
    expect(Number(line('training accuracy'))).toBeGreaterThanOrEqual(0.93);
    expect(line('classes')).toBe('1 2 3 4 5 6 7 8 9 0');
    expect(line('predicted')).toBe('0 5 9');
    for (const sum of line('row sums').split(' ')) expect(Math.abs(Number(sum) - 1)).toBeLessThanOrEqual(1e-9);
    expect(line('reloaded')).toBe('0 5 9');
    const saved = JSON.parse(readFileSync(join(project, 'model.json'), 'utf8')) as { layers: number[]; labelNames: string[] };
    expect(saved.layers).toEqual([400, 25, 10]);
    expect(saved.labelNames).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '0']);
  }, 900_000);
});
