import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkWritableDirectory, checkWritableFile, FileWriteError, writeFileAtomic } from '../src/index.js';
import { isRoot, mountTmpfs, type Mount } from './mounts.js';

const fresh = (): string => mkdtempSync(join(tmpdir(), 'bp-write-'));
const mounts: Mount[] = [];
afterEach(() => {
  while (mounts.length) mounts.pop()!.unmount();
});

/** The FileWriteError a call throws (fails the test if it throws nothing or something else). */
function writeError(f: () => unknown): FileWriteError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(FileWriteError);
    return err as FileWriteError;
  }
  throw new Error('expected a FileWriteError, nothing was thrown');
}

describe('writeFileAtomic: what it replaces', () => {
  it('writes through a symbolic link to its target, atomically beside the target; the link stays a link', () => {
    const linkDir = fresh();
    const targetDir = fresh();
    const target = join(targetDir, 'model.json');
    writeFileSync(target, 'old');
    const link = join(linkDir, 'm.json');
    symlinkSync(target, link);
    writeFileAtomic(link, 'new');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(target);
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(readdirSync(linkDir)).toEqual(['m.json']);
    expect(readdirSync(targetDir)).toEqual(['model.json']);
  });

  it('a link that points nowhere yet creates the file it names (relative links are relative to the link)', () => {
    const dir = fresh();
    mkdirSync(join(dir, 'real'));
    symlinkSync('real/x.json', join(dir, 'link.json'));
    writeFileAtomic(join(dir, 'link.json'), 'data');
    expect(readFileSync(join(dir, 'real/x.json'), 'utf8')).toBe('data');
    expect(lstatSync(join(dir, 'link.json')).isSymbolicLink()).toBe(true);
  });

  it('refuses a FIFO, a directory and a link to a FIFO, and leaves them as they were', () => {
    const dir = fresh();
    const fifo = join(dir, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const e = writeError(() => writeFileAtomic(fifo, 'x'));
    expect(e.reason).toBe('NOT_A_FILE');
    expect(e.message).toBe(`cannot write ${fifo}: it is a FIFO (named pipe), not a regular file`);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    symlinkSync(fifo, join(dir, 'to-pipe'));
    expect(writeError(() => writeFileAtomic(join(dir, 'to-pipe'), 'x')).message).toMatch(/to-pipe: it is a FIFO \(named pipe\) \(the link points to .*pipe\)/);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    mkdirSync(join(dir, 'sub'));
    expect(writeError(() => writeFileAtomic(join(dir, 'sub'), 'x')).message).toMatch(/sub: it is a directory, not a regular file/);
    expect(readdirSync(dir).sort()).toEqual(['pipe', 'sub', 'to-pipe']);
  });

  it.skipIf(!isRoot())('refuses a character device made with mknod (as /dev/null would be, for root)', () => {
    const dir = fresh();
    const dev = join(dir, 'null');
    expect(spawnSync('mknod', [dev, 'c', '1', '3']).status).toBe(0);
    expect(writeError(() => writeFileAtomic(dev, 'x')).message).toMatch(/null: it is a character device, not a regular file/);
    expect(lstatSync(dev).isCharacterDevice()).toBe(true);
    expect(writeError(() => checkWritableFile(dev)).reason).toBe('NOT_A_FILE');
    rmSync(dev);
  });
});

describe.skipIf(!isRoot())('writeFileAtomic and the checks on full and read-only file systems (real tmpfs mounts)', () => {
  it('a full disk: FileWriteError naming the path and ENOSPC, no temporary file left', () => {
    const m = mountTmpfs('16k');
    mounts.push(m);
    const file = join(m.dir, 'big.json');
    const e = writeError(() => writeFileAtomic(file, 'x'.repeat(64 * 1024)));
    expect(e.reason).toBe('ENOSPC');
    expect(e.message).toBe(`cannot write ${file}: no space left on device (ENOSPC)`);
    expect(readdirSync(m.dir)).toEqual([]);
  });

  it('a read-only folder: the real cause (EROFS), not ENOENT from mkdir', () => {
    const m = mountTmpfs('64k');
    mounts.push(m);
    mkdirSync(join(m.dir, 'existing'));
    m.readOnly();
    expect(writeError(() => checkWritableDirectory(join(m.dir, 'new/deeper'))).message).toMatch(/cannot create the folder .*new\/deeper: read-only file system \(EROFS\)$/);
    expect(writeError(() => checkWritableDirectory(join(m.dir, 'existing'))).reason).toBe('EROFS');
    expect(writeError(() => checkWritableFile(join(m.dir, 'm.json'))).reason).toBe('EROFS');
    expect(existsSync(join(m.dir, 'new'))).toBe(false);
  });
});
