import { closeSync, lstatSync, mkdirSync, openSync, readlinkSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { BackpropError } from '../errors.js';

/**
 * A file cannot be written where it was asked for: the target is not a regular file (a directory, a device, a
 * FIFO), a folder on the way cannot be created, or the file system refused (full, read-only, no permission).
 * `reason` is the system's code (ENOSPC, EROFS, EACCES …) or NOT_A_FILE; the message says it in words and names
 * the path.
 */
export class FileWriteError extends BackpropError {
  readonly path: string;
  readonly reason: string;
  constructor(path: string, message: string, reason: string, options?: { cause?: unknown }) {
    super('ERR_FILE_WRITE', message, options);
    this.path = path;
    this.reason = reason;
  }
}

/** System error codes in words, for every message that names one (the CLI's too): one table for the project. */
export const SYSTEM_ERROR_WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a directory',
  EEXIST: 'it already exists',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the file name is too long',
  EIO: 'input/output error',
  EBUSY: 'resource busy',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
};

/** An fs error in words, e.g. "no space left on device (ENOSPC)". */
export function fsReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (typeof code === 'string' && SYSTEM_ERROR_WORDS[code]) return `${SYSTEM_ERROR_WORDS[code]} (${code})`;
  return (err as Error)?.message ?? String(err);
}

/** Wraps an fs error as a FileWriteError naming `path` and what was being done. */
export function writeFailure(path: string, doing: string, err: unknown): FileWriteError {
  if (err instanceof FileWriteError) return err;
  const code = (err as NodeJS.ErrnoException)?.code ?? 'EUNKNOWN';
  return new FileWriteError(path, `cannot ${doing} ${path}: ${fsReason(err)}`, code, { cause: err });
}

function kindOf(st: Stats): string {
  if (st.isFile()) return 'a file';
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** lstat, or undefined when nothing is there; other failures name `shown` (the path as the caller gave it). */
function lstatOrUndefined(path: string, shown: string): Stats | undefined {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch (err) {
    throw writeFailure(shown, 'write', err);
  }
}

/** Symbolic links followed (even dangling ones), at most this many, like the kernel's own limit. */
const MAX_LINKS = 40;

/**
 * The file a write to `path` must replace: `path` itself, or the file its symbolic link(s) point to (a link that
 * points nowhere yet names the file to create). Refuses targets that are not regular files: replacing
 * `/dev/null` or a directory with a file is never what was meant.
 */
export function writeTarget(path: string): string {
  let target = resolve(path);
  for (let hops = 0; ; hops++) {
    const st = lstatOrUndefined(target, path);
    if (st === undefined) return target;
    if (st.isSymbolicLink()) {
      if (hops >= MAX_LINKS) throw new FileWriteError(path, `cannot write ${path}: too many symbolic links`, 'ELOOP');
      target = resolve(dirname(target), readlinkSync(target));
      continue;
    }
    if (st.isFile()) return target;
    const via = target === resolve(path) ? '' : ` (the link points to ${target})`;
    throw new FileWriteError(path, `cannot write ${path}: it is ${kindOf(st)}${via}, not a regular file`, 'NOT_A_FILE');
  }
}

/**
 * `mkdir -p` that reports the real cause: creates the missing folders one by one from the deepest existing one,
 * so a read-only or forbidden parent gives EROFS / EACCES rather than the ENOENT a recursive mkdir can report.
 */
export function makeDirectory(dir: string): void {
  const missing: string[] = [];
  let d = resolve(dir);
  for (;;) {
    let st: Stats | undefined;
    try {
      st = statSync(d, { throwIfNoEntry: false });
    } catch (err) {
      throw writeFailure(dir, 'create the folder', err);
    }
    if (st !== undefined) {
      if (!st.isDirectory()) {
        throw new FileWriteError(dir, `cannot create the folder ${dir}: ${d} is ${kindOf(st)}, not a folder`, 'ENOTDIR');
      }
      break;
    }
    missing.push(d);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && statSync(m).isDirectory()) continue; // made meanwhile
      throw writeFailure(dir, 'create the folder', err);
    }
  }
}

/** Creates and removes a probe file in `dir`: the one check that sees read-only mounts, ACLs and root alike. */
function probe(dir: string, name: string, shown: string): void {
  const file = join(dir, name);
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return; // a stale temp file: the write will replace it
    throw writeFailure(shown, 'write', err);
  }
  closeSync(fd);
  try {
    unlinkSync(file);
  } catch {
    /* removed meanwhile */
  }
}

/**
 * Checks, before any long work, that a file can be written at `path`: the target (after symbolic links) is a
 * regular file or does not exist yet, its folder exists (`createParents`: is created) and accepts a new file.
 * Returns the resolved target. It cannot promise the disk will still have room later.
 */
export function checkWritableFile(path: string, options: { createParents?: boolean } = {}): string {
  const target = writeTarget(path);
  const dir = dirname(target);
  if (options.createParents) makeDirectory(dir);
  else {
    const st = lstatOrUndefined(dir, path);
    if (st === undefined) throw new FileWriteError(path, `cannot write ${path}: the folder ${dir} does not exist`, 'ENOENT');
  }
  probe(dir, `.${basename(target)}.tmp`, path);
  return target;
}

/** Checks that `dir` is (or can be made) a folder that accepts new files; creates it. */
export function checkWritableDirectory(dir: string): void {
  makeDirectory(dir);
  probe(dir, `.backprop-probe-${process.pid}.tmp`, dir);
}
