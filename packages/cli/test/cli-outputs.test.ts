import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '@backprop/nn';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, mountTmpfs, type Mount } from './mounts.js';
import { CLI_DIR, cli, ensureBuilt, oneLineError, onlyJson, tmp, writeCsv, type CliResult } from './helpers.js';

beforeAll(() => ensureBuilt());
const mounts: Mount[] = [];
afterEach(() => {
  while (mounts.length) mounts.pop()!.unmount();
});

/** Runs the CLI and measures it. */
function timed(args: string[], options: Parameters<typeof cli>[1] = {}): CliResult & { ms: number } {
  const t0 = performance.now();
  const r = cli(args, options);
  return { ...r, ms: performance.now() - t0 };
}

/** A run that would train for minutes: 100,000 evaluations of the seed's network. */
const LONG = ['train', '--maxfun', '100000', '--backend', 'ts'];

/** 60 examples in 3 blobs, 2 features. */
function blobs(): { X: number[][]; y: number[] } {
  const X: number[][] = [];
  const y: number[] = [];
  for (let k = 0; k < 3; k++) {
    for (let i = 0; i < 20; i++) {
      X.push([k * 3 + Math.cos(i), k * 3 + Math.sin(i)]);
      y.push(k + 1);
    }
  }
  return { X, y };
}

describe('output paths are checked before training starts', () => {
  /**
   * The refusal must come within a second of start-up. Start-up itself (node, imports, the native addon) is
   * measured right before, by a command refused while parsing, since it varies with the machine's load; the best
   * of three tries is kept, as a busy machine can stall any one process.
   */
  function refusedFast(args: string[], cwd: string, pattern: RegExp): void {
    let extra = Infinity;
    for (let attempt = 0; attempt < 3 && extra >= 1000; attempt++) {
      const startup = timed(['train', '--maxfun', 'x']);
      expect(startup.code).toBe(2);
      const r = timed([...LONG, ...args], { cwd, timeout: 30_000 });
      expect(r.signal, `still training after 30 s: ${r.stderr}`).toBeNull();
      expect(r.code, r.stderr).toBe(2);
      expect(oneLineError(r)).toMatch(pattern);
      expect(r.stderr).not.toMatch(/^training /m); // refused before the data was even loaded
      extra = Math.min(extra, r.ms - startup.ms);
    }
    expect(extra).toBeLessThan(1000);
  }

  it('--out that is a directory, under a file, a FIFO; --report that is a file; --checkpoint under a file', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'folder'));
    writeFileSync(join(dir, 'afile'), 'x');
    expect(spawnSync('mkfifo', [join(dir, 'pipe')]).status).toBe(0);
    refusedFast(['--out', 'folder'], dir, /^backprop: error: --out: cannot write folder: it is a directory, not a regular file$/);
    refusedFast(['--out', 'afile/m.json'], dir, /--out: cannot write afile\/m.json: a part of the path is a file, not a folder/);
    refusedFast(['--out', 'pipe'], dir, /--out: cannot write pipe: it is a FIFO \(named pipe\), not a regular file/);
    refusedFast(['--report', 'afile'], dir, /--report: cannot create the folder afile: .*afile is a file, not a folder/);
    refusedFast(['--checkpoint', 'afile/run.ckpt'], dir, /--checkpoint: .*a part of the path is a file, not a folder/);
    expect(lstatSync(join(dir, 'pipe')).isFIFO()).toBe(true);
    expect(readFileSync(join(dir, 'afile'), 'utf8')).toBe('x');
  });

  it.skipIf(!isRoot())('read-only folders (a tmpfs remounted ro): --out, --report and --checkpoint name EROFS', () => {
    const m = mountTmpfs('64k');
    mounts.push(m);
    mkdirSync(join(m.dir, 'rep'));
    m.readOnly();
    refusedFast(['--out', join(m.dir, 'm.json')], tmp(), /--out: cannot write .*m.json: read-only file system \(EROFS\)$/);
    refusedFast(['--report', join(m.dir, 'rep')], tmp(), /--report: cannot write .*rep: read-only file system \(EROFS\)$/);
    refusedFast(['--report', join(m.dir, 'new')], tmp(), /--report: cannot create the folder .*new: read-only file system \(EROFS\)$/);
    refusedFast(['--checkpoint', join(m.dir, 'run.ckpt')], tmp(), /--checkpoint: cannot write .*run.ckpt: read-only file system \(EROFS\)$/);
  });

  it.skipIf(!isRoot())('--out a character device (mknod, as /dev/null) is refused and left alone', () => {
    const dir = tmp();
    expect(spawnSync('mknod', [join(dir, 'null'), 'c', '1', '3']).status).toBe(0);
    refusedFast(['--out', 'null'], dir, /--out: cannot write null: it is a character device, not a regular file/);
    expect(lstatSync(join(dir, 'null')).isCharacterDevice()).toBe(true);
    rmSync(join(dir, 'null'));
  });
});

describe('where outputs go', () => {
  it('--out creates its folders; a symlinked --out is written through, the link stays', () => {
    const { X, y } = blobs();
    const dir = tmp();
    const csv = writeCsv(X, y);
    const a = cli(['train', '--data', csv, '--hidden', '2', '--maxfun', '5', '--out', 'new/deeper/m.json'], { cwd: dir });
    expect(a.code, a.stderr).toBe(0);
    expect(loadModel(join(dir, 'new/deeper/m.json')).layers).toEqual([2, 2, 3]);
    mkdirSync(join(dir, 'store'));
    symlinkSync(join(dir, 'store/real.json'), join(dir, 'link.json'));
    const b = cli(['train', '--data', csv, '--hidden', '3', '--maxfun', '5', '--out', 'link.json'], { cwd: dir });
    expect(b.code, b.stderr).toBe(0);
    expect(lstatSync(join(dir, 'link.json')).isSymbolicLink()).toBe(true);
    expect(loadModel(join(dir, 'store/real.json')).layers).toEqual([2, 3, 3]);
  });

  it('without --out or --report, the model and report go to reports/latest, not the working folder', () => {
    const { X, y } = blobs();
    const dir = tmp();
    const r = cli(['train', '--data', writeCsv(X, y), '--hidden', '2', '--maxfun', '5', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(onlyJson(r).model).toBe(join(dir, 'reports/latest/model.json'));
    expect(existsSync(join(dir, 'reports/latest/report.md'))).toBe(true);
    expect(existsSync(join(dir, 'model.json'))).toBe(false);
  });

  it('relative paths are the user’s folder (INIT_CWD) when npm or nx run us in packages/cli', () => {
    const { X, y } = blobs();
    const user = tmp();
    writeCsv(X, y); // (another folder)
    writeFileSync(join(user, 'mine.csv'), X.map((row, i) => [...row, y[i]].join(',')).join('\n') + '\n');
    const stray = join(CLI_DIR, 'init-cwd-test.json');
    try {
      const r = cli(['train', '--data', 'mine.csv', '--hidden', '2', '--maxfun', '5', '--out', 'init-cwd-test.json', '--json'], {
        cwd: CLI_DIR,
        env: { INIT_CWD: user },
      });
      expect(r.code, r.stderr).toBe(0);
      expect(onlyJson(r).model).toBe(join(user, 'init-cwd-test.json'));
      expect(loadModel(join(user, 'init-cwd-test.json')).layers).toEqual([2, 2, 3]);
      expect(existsSync(stray)).toBe(false);
    } finally {
      rmSync(stray, { force: true });
    }
    // Anywhere else the working folder is the user's, whatever INIT_CWD says (npm test, a script that cd's first).
    const elsewhere = tmp();
    const r2 = cli(['train', '--data', join(user, 'mine.csv'), '--hidden', '2', '--maxfun', '5', '--out', 'here.json'], {
      cwd: elsewhere,
      env: { INIT_CWD: user },
    });
    expect(r2.code, r2.stderr).toBe(0);
    expect(existsSync(join(elsewhere, 'here.json'))).toBe(true);
  });
});

describe('a finished training is never lost to a side output', () => {
  it('a picture that cannot be written: the report says so, the rest is written, exit 0', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'rep/hidden.png'), { recursive: true }); // in the way of the picture
    const r = cli(['train', '--hidden', '5', '--maxfun', '10', '--report', 'rep'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/backprop: warning: hidden.png not written: cannot write .*hidden.png: it is a directory/);
    const md = readFileSync(join(dir, 'rep/report.md'), 'utf8');
    expect(md).toMatch(/## Not written\n\n- hidden.png not written: cannot write/);
    expect(md).toContain('## Confusion matrix');
    expect(md).not.toContain('![hidden layer]');
    expect(loadModel(join(dir, 'rep/model.json')).layers).toEqual([400, 5, 10]);
    expect(existsSync(join(dir, 'rep/cost.svg'))).toBe(true);
  });

  it('--report with 1,000 hidden units completes (the hidden-layer picture is drawn or the report says why not)', () => {
    const dir = tmp();
    const r = cli(['train', '--hidden', '1000', '--maxfun', '1', '--test', '0.9', '--report', 'rep'], { cwd: dir, timeout: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const md = readFileSync(join(dir, 'rep/report.md'), 'utf8');
    expect(existsSync(join(dir, 'rep/hidden.png')) || /hidden.png not written/.test(md)).toBe(true);
    expect(loadModel(join(dir, 'rep/model.json')).layers).toEqual([400, 1000, 10]);
  });

  it.skipIf(!isRoot())('checkpoints onto a full disk: a warning naming the path, training goes on, --out is written', () => {
    const m = mountTmpfs('16k');
    mounts.push(m);
    const dir = tmp();
    const ckpt = join(m.dir, 'c.ckpt');
    const r = cli(['train', '--hidden', '5', '--maxfun', '40', '--checkpoint', ckpt, '--checkpoint-every', '1', '--out', 'm.json', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`backprop: warning: checkpoint not written (training goes on): cannot write ${ckpt}: no space left on device (ENOSPC)`);
    expect(r.stderr.match(/warning/g)).toHaveLength(1);
    expect(onlyJson(r).nfev).toBeGreaterThan(30);
    expect(loadModel(join(dir, 'm.json')).layers).toEqual([400, 5, 10]);
  });

  it.skipIf(!isRoot())('the model onto a full disk: exit 1, its parameters saved to a fallback file the message names', () => {
    const m = mountTmpfs('16k');
    mounts.push(m);
    const r = cli(['train', '--hidden', '5', '--maxfun', '10', '--out', join(m.dir, 'm.json'), '--json'], { cwd: tmp() });
    expect(r.code, r.stderr).toBe(1);
    const line = oneLineError(r);
    expect(line).toMatch(/the trained model could not be saved \(cannot write .*m.json: no space left on device \(ENOSPC\)\); it was saved to (\S+) instead$/);
    const fallback = /saved to (\S+) instead$/.exec(line)![1];
    const model = loadModel(fallback);
    expect(model.layers).toEqual([400, 5, 10]);
    expect(model.training!.nfev).toBeLessThanOrEqual(10);
    expect(onlyJson(r)).toMatchObject({ status: 'error', error: { code: 'ERR_MODEL_NOT_SAVED' } });
    rmSync(fallback);
  });
});

describe('sweep --out', () => {
  it('is checked before the workers start', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'afile'), '');
    const r = timed(['sweep', '--lambda', '1,3,10', '--hidden', '25', '--maxfun', '100000', '--out', 'afile/best.json'], { cwd: dir, timeout: 30_000 });
    expect(r.signal).toBeNull();
    expect(r.code, r.stderr).toBe(2);
    expect(oneLineError(r)).toMatch(/--out: cannot write afile\/best.json: a part of the path is a file, not a folder/);
    expect(r.stderr).not.toMatch(/^sweep: /m);
  });
});

describe.skipIf(!isRoot())('sweep onto a full disk', () => {
  it('the best model goes to a fallback file the message names, exit 1', () => {
    const m = mountTmpfs('16k');
    mounts.push(m);
    const r = cli(['sweep', '--lambda', '1', '--hidden', '3', '--maxfun', '5', '--workers', '1', '--out', join(m.dir, 'best.json')], { cwd: tmp() });
    expect(r.code, r.stderr).toBe(1);
    const line = oneLineError(r);
    expect(line).toMatch(/the trained model could not be saved \(cannot write .*best.json: no space left on device \(ENOSPC\)\); it was saved to (\S+) instead$/);
    const fallback = /saved to (\S+) instead$/.exec(line)![1];
    expect(loadModel(fallback).layers).toEqual([400, 3, 10]);
    rmSync(fallback);
  });
});
