import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Real full and read-only file systems need root (mount -t tmpfs); tests that use them are skipped otherwise. */
export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0 && canMount();
}

let mountable: boolean | undefined;
function canMount(): boolean {
  if (mountable === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'bp-mnt-probe-'));
    mountable = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', dir]).status === 0;
    if (mountable) spawnSync('umount', [dir]);
    rmdirSync(dir);
    if (!mountable) console.warn('[notice] cannot mount tmpfs here (not root, or no CAP_SYS_ADMIN): full-disk tests skipped');
  }
  return mountable;
}

export interface Mount {
  dir: string;
  /** mount -o remount,ro */
  readOnly(): void;
  unmount(): void;
}

/** A fresh tmpfs of `size` (e.g. "16k": a disk that fills up at once). */
export function mountTmpfs(size: string): Mount {
  const dir = mkdtempSync(join(tmpdir(), 'bp-tmpfs-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mount tmpfs failed: ${r.stderr}`);
  return {
    dir,
    readOnly() {
      const ro = spawnSync('mount', ['-o', 'remount,ro', dir], { encoding: 'utf8' });
      if (ro.status !== 0) throw new Error(`remount ro failed: ${ro.stderr}`);
    },
    unmount() {
      spawnSync('umount', [dir]);
      try {
        rmdirSync(dir);
      } catch {
        /* still busy: leave the empty folder */
      }
    },
  };
}
