import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, CLI_DIR, ensureBuilt, oneLineError, onlyJson, ROOT, tmp, type CliResult } from './helpers.js';

// `backprop bench` loads the private @backprop/bench package only when it runs. In the workspace it is there and
// runs; in an install of the published CLI (which does not depend on it) the command says how to run the benchmark.

beforeAll(() => ensureBuilt());

/**
 * The CLI as npm installs it from its tarball, in a fresh directory: its bin, dist and package.json copied, its
 * dependencies linked to the workspace's — and no @backprop/bench.
 */
function installedWithoutBench(): string {
  const root = tmp('bp-cli-nobench-');
  const scope = join(root, 'node_modules', '@backprop');
  mkdirSync(join(scope, 'cli'), { recursive: true });
  for (const part of ['bin', 'dist', 'package.json']) cpSync(join(CLI_DIR, part), join(scope, 'cli', part), { recursive: true });
  for (const pkg of ['core-native', 'nn', 'server']) symlinkSync(join(ROOT, 'packages', pkg), join(scope, pkg), 'dir');
  symlinkSync(join(ROOT, 'node_modules', 'commander'), join(root, 'node_modules', 'commander'), 'dir');
  return join(scope, 'cli', 'bin', 'backprop.js');
}

function run(bin: string, args: string[]): CliResult {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: tmp(), encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

describe('backprop bench', () => {
  it('in the workspace: runs the bench package (row 1, quick) and reports its rows', () => {
    const r = cli(['bench', '--rows', '1', '--quick', '--repeat', '1', '--json'], { timeout: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(onlyJson(r).rows).toHaveLength(1);
  });

  it('without the bench package: --help works, and running it says in one line how to run the benchmark (exit 1)', () => {
    const bin = installedWithoutBench();
    const help = run(bin, ['bench', '--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('--rows <list>');

    const r = run(bin, ['bench', '--rows', '1']);
    expect(r.code).toBe(1);
    expect(oneLineError(r)).toContain('npx nx run bench:run');

    const j = run(bin, ['bench', '--json']);
    expect(j.code).toBe(1);
    expect(onlyJson(j).error.code).toBe('ERR_BENCH_MISSING');
  });
});
