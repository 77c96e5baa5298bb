import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkWritableDirectory, checkWritableFile, FileWriteError } from '@backprop/nn';
import { UsageError } from './usage.js';

/** This package's folder (dist/..): where npm and nx run its scripts. */
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

function same(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/**
 * The folder the user typed the command in, which relative paths (--data, --out, --model …) are relative to.
 * npm and nx run this package's scripts (`npx nx run cli:train -- --out m.json`) inside packages/cli and record
 * the user's folder in INIT_CWD; that is honoured only when we run in this package's folder, because anywhere
 * else the working directory already is the user's (a script of another project may `cd` before calling us,
 * with INIT_CWD still naming that project's root).
 */
export function userDirectory(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const initCwd = env.INIT_CWD;
  if (initCwd && same(cwd, PACKAGE_DIR) && !same(initCwd, cwd)) {
    try {
      return realpathSync(initCwd);
    } catch {
      return cwd; // the folder is gone: stay where we are
    }
  }
  return cwd;
}

/** Where a training writes, when the user names no --out and no --report. */
export const DEFAULT_REPORT_DIR = join('reports', 'latest');

/**
 * Checks every output path before any long work, so a typo costs a second, not a training: --out and
 * --checkpoint must be (or become) regular files in folders that accept new files (their folders are created),
 * --report a folder that accepts files (created). A bad path is a UsageError naming the flag and the cause. What
 * it cannot see coming (the disk filling up later) is handled where the files are written. An empty name ("") is
 * said as such, not as the folder it resolves to.
 */
export function checkOutputs(flags: { out?: string; report?: string; checkpoint?: string }): void {
  const check = (flag: string, path: string | undefined, run: (path: string) => void): void => {
    if (path === undefined) return;
    if (path === '') throw new UsageError(`${flag}: expected a ${flag === '--report' ? 'folder' : 'file'} name, got ""`);
    try {
      run(path);
    } catch (err) {
      if (err instanceof FileWriteError) throw new UsageError(`${flag}: ${err.message}`);
      throw err;
    }
  };
  check('--out', flags.out, (out) => checkWritableFile(out, { createParents: true }));
  check('--report', flags.report, (report) => {
    checkWritableDirectory(report);
    checkWritableFile(join(report, 'model.json'));
  });
  check('--checkpoint', flags.checkpoint, (checkpoint) => checkWritableFile(checkpoint, { createParents: true }));
}
