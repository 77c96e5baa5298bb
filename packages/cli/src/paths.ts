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

/** The output flags of a command, as given. */
export interface OutputFlags {
  out?: string;
  report?: string;
  checkpoint?: string;
}

function asUsage(flag: string, err: unknown): never {
  if (err instanceof FileWriteError) throw new UsageError(`${flag}: ${err.message}`);
  throw err;
}

/**
 * Checks every output path before any long work, so a typo costs a second, not a training: --out and
 * --checkpoint must be (or become) regular files in folders that accept new files (their folders are created),
 * --report a folder that accepts files (created). A bad path is a UsageError naming the flag and the cause. What
 * it cannot see coming (the disk filling up later) is handled where the files are written.
 */
export function checkOutputs(flags: OutputFlags): void {
  if (flags.out !== undefined) {
    try {
      checkWritableFile(flags.out, { createParents: true });
    } catch (err) {
      asUsage('--out', err);
    }
  }
  if (flags.report !== undefined) {
    try {
      checkWritableDirectory(flags.report);
      checkWritableFile(join(flags.report, 'model.json'));
    } catch (err) {
      asUsage('--report', err);
    }
  }
  if (flags.checkpoint !== undefined) {
    try {
      checkWritableFile(flags.checkpoint, { createParents: true });
    } catch (err) {
      asUsage('--checkpoint', err);
    }
  }
}
