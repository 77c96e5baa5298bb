/**
 * What an atomic write promises, pinned (issue 21: two one-line mutants of model/atomic.ts survived the suite):
 *   - a write that fails part-way leaves the old file byte-identical and no temporary file behind;
 *   - a save replaces the file (a new inode), it never rewrites it in place;
 *   - the order write → fsync(file) → close → rename → fsync(directory), so that after a crash the directory
 *     entry never names a file whose data is not on disk.
 * node:fs is wrapped (pass-through) to record the calls and to make a write fail after half its bytes.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadModel, randomInit, saveModel, writeFileAtomic } from '../src/index.js';

const rec = vi.hoisted(() => ({
  /** Record calls while true. */
  recording: false,
  log: [] as { op: string; path: string; to?: string }[],
  /** When true, the next write writes half its bytes, and the one after throws ENOSPC. */
  failNextWrite: false,
  halfWritten: false,
  /** When > 0, every write writes at most this many bytes (a short write, as a pipe or a full disk may do). */
  shortWrites: 0,
}));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const fdPath = new Map<number, string>();
  const note = (op: string, path: string, to?: string) => {
    if (rec.recording) rec.log.push({ op, path, to });
  };
  const wrapped = {
    openSync: ((path: string, ...rest: unknown[]) => {
      const fd = (fs.openSync as (...a: unknown[]) => number)(path, ...rest);
      fdPath.set(fd, String(path));
      note('open', String(path));
      return fd;
    }) as typeof fs.openSync,
    writeSync: ((fd: number, buf: unknown, ...rest: unknown[]) => {
      note('write', fdPath.get(fd) ?? `fd ${fd}`);
      if (rec.failNextWrite) {
        if (rec.halfWritten) {
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 });
        }
        rec.halfWritten = true;
        const bytes = typeof buf === 'string' ? Buffer.from(buf) : (buf as Uint8Array);
        const offset = typeof rest[0] === 'number' ? rest[0] : 0;
        const length = typeof rest[1] === 'number' ? rest[1] : bytes.length - offset;
        return fs.writeSync(fd, bytes, offset, Math.max(1, Math.floor(length / 2)));
      }
      if (rec.shortWrites > 0 && typeof buf !== 'string') {
        const offset = typeof rest[0] === 'number' ? rest[0] : 0;
        const length = typeof rest[1] === 'number' ? rest[1] : (buf as Uint8Array).length - offset;
        return fs.writeSync(fd, buf as Uint8Array, offset, Math.min(length, rec.shortWrites));
      }
      return (fs.writeSync as (...a: unknown[]) => number)(fd, buf, ...rest);
    }) as typeof fs.writeSync,
    fsyncSync: ((fd: number) => {
      note('fsync', fdPath.get(fd) ?? `fd ${fd}`);
      return fs.fsyncSync(fd);
    }) as typeof fs.fsyncSync,
    closeSync: ((fd: number) => {
      note('close', fdPath.get(fd) ?? `fd ${fd}`);
      fdPath.delete(fd);
      return fs.closeSync(fd);
    }) as typeof fs.closeSync,
    renameSync: ((from: string, to: string) => {
      note('rename', String(from), String(to));
      return fs.renameSync(from, to);
    }) as typeof fs.renameSync,
  };
  return { ...fs, ...wrapped, default: { ...fs, ...wrapped } };
});

afterEach(() => {
  rec.recording = false;
  rec.log = [];
  rec.failNextWrite = false;
  rec.halfWritten = false;
  rec.shortWrites = 0;
});

const layers = [6, 4, 3];
const oldModel = { layers, theta: randomInit(layers, { seed: 1, range: 0.5 }), labelNames: ['a', 'b', 'c'] };
const newModel = { layers, theta: randomInit(layers, { seed: 2, range: 0.5 }), labelNames: ['a', 'b', 'c'] };

function freshDir(): string {
  return mkdtempSync(join(tmpdir(), 'bp-atomic-pins-'));
}

describe('a write that fails part-way loses nothing', () => {
  it('saveModel: the old model file stays byte-identical and no temporary file is left', () => {
    const dir = freshDir();
    const path = join(dir, 'm.json');
    saveModel(path, oldModel);
    const before = readFileSync(path);
    rec.failNextWrite = true;
    expect(() => saveModel(path, newModel)).toThrow(/ENOSPC/);
    expect(rec.halfWritten).toBe(true); // the failure really came mid-write
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['m.json']);
  });

  it('writeFileAtomic over a file written by someone else: same promise, for bytes as for strings', () => {
    const dir = freshDir();
    const path = join(dir, 'out.bin');
    const before = Buffer.from('the previous contents, which must survive\n');
    writeFileSync(path, before);
    rec.failNextWrite = true;
    expect(() => writeFileAtomic(path, new Uint8Array(64 * 1024).fill(7))).toThrow(/ENOSPC/);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['out.bin']);
  });

  it('a first save that fails leaves no file at all (nor a temporary one)', () => {
    const dir = freshDir();
    rec.failNextWrite = true;
    expect(() => saveModel(join(dir, 'm.json'), newModel)).toThrow(/ENOSPC/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('short writes are continued until every byte is on disk', () => {
  it('writes of at most 1000 bytes still produce the whole file, for bytes and for UTF-8 text', () => {
    const dir = freshDir();
    const bytes = Uint8Array.from({ length: 10_007 }, (_, i) => (i * 31) & 0xff);
    const text = 'λ = 1, θ ∈ ℝⁿ\n'.repeat(300);
    rec.shortWrites = 1000;
    rec.recording = true;
    writeFileAtomic(join(dir, 'b.bin'), bytes);
    writeFileAtomic(join(dir, 't.txt'), text);
    rec.recording = false;
    expect(readFileSync(join(dir, 'b.bin')).equals(Buffer.from(bytes))).toBe(true);
    expect(readFileSync(join(dir, 't.txt'), 'utf8')).toBe(text);
    expect(rec.log.filter((e) => e.op === 'write').length).toBeGreaterThan(16); // 11 + 7 short writes
  });
});

describe('a save replaces the file', () => {
  it('the target gets a new inode holding exactly the new contents', () => {
    const dir = freshDir();
    const path = join(dir, 'm.json');
    saveModel(path, oldModel);
    const inodeBefore = statSync(path).ino;
    saveModel(path, newModel);
    expect(statSync(path).ino).not.toBe(inodeBefore);
    expect(Array.from(loadModel(path).theta)).toEqual(Array.from(newModel.theta));
    expect(readdirSync(dir)).toEqual(['m.json']);
  });
});

describe('the order of the durable steps', () => {
  it('write → fsync(temp file) → close → rename over the target → fsync(directory)', () => {
    const dir = freshDir();
    const path = join(dir, 'm.json');
    writeFileSync(path, 'old');
    rec.recording = true;
    writeFileAtomic(path, 'new contents\n');
    rec.recording = false;
    const log = rec.log;
    const renames = log.filter((e) => e.op === 'rename' && e.to === path);
    expect(renames).toHaveLength(1);
    const tmp = renames[0].path;
    expect(tmp).not.toBe(path); // written beside the target under another name, never in place
    expect(dirname(tmp)).toBe(dir); // same directory: rename is atomic only within one file system
    const at = (op: string, p: string) => log.map((e, i) => (e.op === op && e.path === p ? i : -1)).filter((i) => i >= 0);
    const writes = at('write', tmp);
    const fsyncs = at('fsync', tmp);
    const closes = at('close', tmp);
    const rename = log.indexOf(renames[0]);
    const dirSyncs = at('fsync', dir);
    const dirOpens = at('open', dir);
    const dirCloses = at('close', dir);
    expect(writes.length).toBeGreaterThan(0);
    expect(fsyncs).toHaveLength(1);
    expect(closes).toHaveLength(1);
    expect(dirSyncs).toHaveLength(1);
    expect(Math.max(...writes)).toBeLessThan(fsyncs[0]);
    expect(fsyncs[0]).toBeLessThan(closes[0]);
    expect(closes[0]).toBeLessThan(rename);
    expect(rename).toBeLessThan(dirSyncs[0]);
    // the directory is opened after the rename, synced, and closed again (no descriptor leaks)
    expect(dirOpens).toHaveLength(1);
    expect(dirCloses).toHaveLength(1);
    expect(rename).toBeLessThan(dirOpens[0]);
    expect(dirSyncs[0]).toBeLessThan(dirCloses[0]);
    expect(readFileSync(path, 'utf8')).toBe('new contents\n');
  });
});
