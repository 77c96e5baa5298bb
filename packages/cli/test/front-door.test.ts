// The front door: `npm ci` links node_modules/.bin/backprop to a committed, executable entry file that loads the
// built CLI, so `npx backprop` works after any build (including one restored from nx's cache, which writes dist/
// with mode 0644) and says which command builds the CLI when it is not built.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI_DIR, ensureBuilt, ROOT, tmp } from './helpers.js';

const ENTRY = join(CLI_DIR, 'bin', 'backprop.js');
const LINK = join(ROOT, 'node_modules', '.bin', 'backprop');

beforeAll(() => ensureBuilt());

/** The entry file copied into a scratch package layout (bin/ + whatever dist/ the test gives it). */
function scratchPackage(dist: Record<string, string>): string {
  const dir = tmp('bp-front-door-');
  mkdirSync(join(dir, 'bin'));
  copyFileSync(ENTRY, join(dir, 'bin', 'backprop.js'));
  chmodSync(join(dir, 'bin', 'backprop.js'), 0o755);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  for (const [name, text] of Object.entries(dist)) {
    mkdirSync(join(dir, 'dist'), { recursive: true });
    writeFileSync(join(dir, 'dist', name), text, { mode: 0o644 });
  }
  return dir;
}

function runEntry(dir: string, args: string[] = []) {
  const r = spawnSync(join(dir, 'bin', 'backprop.js'), args, { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the backprop bin', () => {
  it('package.json points `bin` at the committed entry, and ships it', () => {
    const pkg = JSON.parse(readFileSync(join(CLI_DIR, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ backprop: './bin/backprop.js' });
    expect(pkg.files).toContain('bin');
  });

  it('the entry is executable, in the working tree and in git (mode 100755)', () => {
    expect(statSync(ENTRY).mode & 0o111).toBe(0o111);
    expect(readFileSync(ENTRY, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const git = spawnSync('git', ['ls-files', '-s', 'packages/cli/bin/backprop.js'], { cwd: ROOT, encoding: 'utf8' });
    if (git.status === 0 && git.stdout.trim() !== '') expect(git.stdout).toMatch(/^100755 /);
  });

  it('after npm ci, node_modules/.bin/backprop exists and resolves to the entry', () => {
    expect(existsSync(LINK), `${LINK} is missing: npm ci did not link the bin`).toBe(true);
    expect(lstatSync(LINK).isSymbolicLink()).toBe(true);
    expect(realpathSync(LINK)).toBe(realpathSync(ENTRY));
  });

  // npx finds the workspace's bin first either way; --no-install keeps a broken tree from asking the registry for
  // an unrelated package called backprop.
  it('node_modules/.bin/backprop --help and `npx backprop --help` exit 0', () => {
    const direct = spawnSync(LINK, ['--help'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(direct.status, direct.stderr).toBe(0);
    expect(direct.stdout).toMatch(/^Usage: backprop /);
    const npx = spawnSync('npx', ['--no-install', 'backprop', '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(npx.status, npx.stderr).toBe(0);
    expect(npx.stdout).toMatch(/^Usage: backprop /);
  });

  it('runs a dist/main.js that is not executable (as nx restores it from its cache)', () => {
    const dir = scratchPackage({ 'main.js': `process.stdout.write('ran ' + process.argv.slice(2).join(' ') + '\\n');\n` });
    expect(statSync(join(dir, 'dist', 'main.js')).mode & 0o111).toBe(0);
    const r = runEntry(dir, ['--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('ran --help\n');
  });

  it('without a build: one line naming the command that builds it, exit 2', () => {
    const r = runEntry(scratchPackage({}), ['train']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'backprop: the CLI (packages/cli/dist/main.js) is not built; build it first: `npx nx run cli:build` (or `npm run build`) in the backprop workspace\n',
    );
  });

  it('with a package it imports not built: the same hint, naming the missing file', () => {
    const dir = scratchPackage({ 'main.js': `import '../../nn-not-built/dist/index.js';\n` });
    const r = runEntry(dir);
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^backprop: a package it needs \(\S+nn-not-built\/dist\/index\.js is missing\) is not built; build it first: `npx nx run cli:build`/);
  });

  it('any other error in the CLI is not disguised as a missing build', () => {
    const r = runEntry(scratchPackage({ 'main.js': `throw new Error('boom');\n` }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Error: boom/);
    expect(r.stderr).not.toMatch(/not built/);
  });
});
