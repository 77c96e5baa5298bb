import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { writeFailure, writeTarget } from './output-path.js';

/**
 * Write a file so that a crash at any moment leaves either the old file or the new one, never a torn one:
 * write to a temporary file in the same directory, fsync it, close it, rename over the target, fsync the
 * directory.
 *
 * A symbolic link is followed: the temporary file goes next to the file it points to and is renamed onto that
 * file, so the link stays a link. A target that is not a regular file (a directory, `/dev/null`, a FIFO) is
 * refused. Failures are FileWriteError naming the path and the cause (ENOSPC, EROFS, EACCES … in `reason`).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const target = writeTarget(path);
  const dir = dirname(target);
  // One fixed temporary name per target: a writer killed mid-write leaves at most one stale temp file, which the
  // next write replaces (two processes writing the same target at once is not supported).
  const tmp = join(dir, `.${basename(target)}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'w', 0o644);
  } catch (err) {
    throw writeFailure(path, 'write', err);
  }
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
    closeSync(fd);
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      /* closed already */
    }
    removeQuietly(tmp);
    throw writeFailure(path, 'write', err);
  }
  try {
    renameSync(tmp, target);
  } catch (err) {
    removeQuietly(tmp);
    throw writeFailure(path, 'write', err);
  }
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    /* directories cannot be fsynced on every platform */
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    /* already gone */
  }
}
