// Any CSV a user has, data export by extension, one exit-code convention and error lines that are short and never
// echo control characters — through the built CLI, as a user runs it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset, readIdxFile, writeMat } from '@backprop/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, ex4Model, oneLineError, onlyJson, tmp } from './helpers.js';

beforeAll(() => ensureBuilt());

/** The error line, checked to be short and free of control characters. */
function cleanError(r: ReturnType<typeof cli>): string {
  const line = oneLineError(r);
  expect(line.length).toBeLessThanOrEqual(420);
  // eslint-disable-next-line no-control-regex
  expect(r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  return line;
}

describe('CSV labels and headers from the command line', () => {
  it('Kaggle layout: --label-column label, 0-based labels, the header detected', () => {
    const dir = tmp();
    const csv = join(dir, 'train.csv');
    writeFileSync(csv, 'label,pixel0,pixel1,pixel2,pixel3\n0,0,1,2,3\n7,3,2,1,0\n0,1,1,1,1\n');
    const r = cli(['data', 'info', csv, '--label-column', 'label', '--json']);
    expect(r.code).toBe(0);
    const ds = onlyJson(r).dataset;
    expect([ds.examples, ds.features, ds.classes]).toEqual([3, 4, 8]);
    expect(ds.labels[0]).toEqual({ label: 1, name: '0', count: 2 });
    // --label-column first and 0 say the same; --labels digits gives the course's 1..10
    expect(onlyJson(cli(['data', 'info', csv, '--label-column', 'first', '--json'])).dataset.checksum).toBe(ds.checksum);
    const digits = onlyJson(cli(['data', 'info', csv, '--label-column', '0', '--labels', 'digits', '--json'])).dataset;
    expect(digits.classes).toBe(10);
    expect(digits.labels[9]).toEqual({ label: 10, name: '0', count: 2 });
  });

  it('label,1,2 is an error naming row 1 and suggesting --header (exit 2); --header reads it', () => {
    const csv = join(tmp(), 'mixed.csv');
    writeFileSync(csv, 'label,1,2\n1,0.5,0.5\n2,1,0\n');
    const bad = cli(['data', 'info', csv, '--label-column', '0']);
    expect(bad.code).toBe(2);
    expect(cleanError(bad)).toMatch(/row 1, column 1: .*--header/);
    const good = cli(['data', 'info', csv, '--label-column', 'label', '--header', '--json']);
    expect(good.code).toBe(0);
    expect(onlyJson(good).dataset.examples).toBe(2);
    // --no-header: an all-names first row is data, and an error
    const names = join(tmp(), 'names.csv');
    writeFileSync(names, 'a,b,c\n1,2,1\n');
    expect(onlyJson(cli(['data', 'info', names, '--json'])).dataset.examples).toBe(1);
    const forced = cli(['data', 'info', names, '--no-header']);
    expect(forced.code).toBe(2);
    expect(cleanError(forced)).toMatch(/row 1, column 1: expected a number, got "a"/);
  });

  it('a bad --labels or --label-column is a usage error that lists what is accepted', () => {
    const csv = join(tmp(), 'a.csv');
    writeFileSync(csv, '1,2,1\n');
    const r = cli(['data', 'info', csv, '--labels', 'zero']);
    expect(r.code).toBe(2);
    expect(cleanError(r)).toMatch(/--labels: expected one of one-based, zero-based, digits, names, auto/);
    const notCsv = cli(['train', '--data', 'builtin:digits5000', '--labels', 'digits']);
    expect(notCsv.code).toBe(2);
    expect(cleanError(notCsv)).toMatch(/are for CSV files/);
    const c = cli(['data', 'info', csv, '--label-column', 'label']);
    expect(c.code).toBe(2);
    expect(cleanError(c)).toMatch(/--label-column: no column named "label"/);
  });

  it('string classes: train, then predict on a file lacking a class; outputs use the class names', () => {
    const dir = tmp();
    const rows: string[] = ['sepal,petal,species'];
    const names = ['setosa', 'versicolor', 'virginica'];
    for (let i = 0; i < 60; i++) rows.push(`${(i % 3) * 2 + (i % 7) / 10},${(i % 3) * 3 - (i % 5) / 10},${names[i % 3]}`);
    writeFileSync(join(dir, 'iris.csv'), rows.join('\n') + '\n');
    writeFileSync(join(dir, 'test.csv'), 'sepal,petal,species\n4.1,5.9,virginica\n2.2,3.1,versicolor\n');
    const model = join(dir, 'm.json');
    const t = cli(['train', '--data', join(dir, 'iris.csv'), '--hidden', '4', '--maxfun', '60', '--out', model, '--json'], { timeout: 120_000 });
    expect(t.code, t.stderr).toBe(0);
    expect(JSON.parse(readFileSync(model, 'utf8')).labelNames).toEqual(names);
    const p = onlyJson(cli(['predict', '--model', model, '--data', join(dir, 'test.csv'), '--rows', '0:2', '--json']));
    expect(p.predictions.map((x: { actual: string }) => x.actual)).toEqual(['virginica', 'versicolor']);
    for (const x of p.predictions) expect(names).toContain(x.label);
  });
});

describe('binary and hostile input: one short, clean line', () => {
  it('a binary file passed as CSV: "not a text CSV: NUL byte at offset N", exit 2', () => {
    const csv = join(tmp(), 'image.csv');
    const bytes = Buffer.alloc(577_000, 0x30);
    bytes[3] = 0;
    writeFileSync(csv, bytes);
    for (const args of [['data', 'info', csv], ['train', '--data', csv]]) {
      const r = cli(args);
      expect(r.code).toBe(2);
      expect(cleanError(r)).toMatch(/not a text CSV: NUL byte at offset 3$/);
    }
  });

  it('data info escapes ANSI/OSC sequences and newlines in a MAT header and variable names', () => {
    const bytes = Buffer.from(writeMat({ abcdefghijklmnop: { rows: 1, cols: 1, data: Float64Array.of(1) } }));
    Buffer.from('\x1b]0;evil\x07\nzzzzzz', 'latin1').copy(bytes, bytes.indexOf('abcdefghijklmnop'));
    const header = Buffer.alloc(116, 0x20);
    Buffer.from('MATLAB 5.0 MAT-file \x1b]0;evil\x07\n\x1b[2J', 'latin1').copy(header);
    header.copy(bytes, 0);
    const file = join(tmp(), 'evil.mat');
    writeFileSync(file, bytes);
    const r = cli(['data', 'info', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('\x1b');
    expect(r.stdout).not.toContain('\x07');
    expect(r.stdout).toContain('header: MATLAB 5.0 MAT-file \\x1b]0;evil\\x07\\x0a\\x1b[2J');
    expect(r.stdout).toContain('  \\x1b]0;evil\\x07\\x0azzzzzz double');
  });

  it('a corrupted model file does not echo its bytes', () => {
    const model = join(tmp(), 'm.json');
    writeFileSync(model, Buffer.concat([Buffer.from('\x1b]0;evil\x07'), Buffer.alloc(5000, 0x9b)]));
    const r = cli(['evaluate', '--model', model, '--data', 'builtin:digits5000']);
    expect(r.code).toBe(2);
    expect(cleanError(r)).toBe(`backprop: error: --model ${model}: model file is not valid JSON`);
  });

  it('an error message is cut to a few hundred characters', () => {
    const long = 'x'.repeat(5000);
    const r = cli(['train', '--data', `builtin:${long}`]);
    expect(r.code).toBe(2);
    expect(cleanError(r)).toMatch(/…$/);
  });
});

describe('data export: the format follows --out', () => {
  it('.csv writes CSV, .mat a MAT-file, .idx / -images-idx3-ubyte IDX; each reads back the same data', () => {
    const dir = tmp();
    const builtin = onlyJson(cli(['data', 'info', 'builtin:digits5000', '--json'])).dataset.checksum;

    const csv = join(dir, 'digits.csv');
    const c = cli(['data', 'export', '--name', 'digits5000', '--out', csv, '--json']);
    expect(onlyJson(c).format).toBe('csv');
    // pictures: Kaggle's header, pixel0 … pixel399, which declares them row by row to readers (this one too)
    expect(readFileSync(csv, 'utf8').slice(0, 21)).toBe('pixel0,pixel1,pixel2,');
    // a CSV's pictures are written row by row (the layout CSV readers, this one too, take): upright, not transposed
    const csvInfo = onlyJson(cli(['data', 'info', csv, '--labels', 'digits', '--json'])).dataset;
    expect(csvInfo.imageShape).toEqual({ width: 20, height: 20, order: 'row-major' });
    const digits = loadDataset('digits5000');
    const firstRow = readFileSync(csv, 'utf8').split('\n')[1].split(',').slice(0, 400).map(Number);
    for (let r = 0; r < 20; r++) {
      for (let c = 0; c < 20; c++) expect(firstRow[r * 20 + c]).toBe(digits.X.data[c * 20 + r]);
    }

    const mat = join(dir, 'digits.mat');
    expect(onlyJson(cli(['data', 'export', '--name', 'digits5000', '--out', mat, '--json'])).format).toBe('mat');
    expect(readFileSync(mat).subarray(0, 6).toString('latin1')).toBe('MATLAB');
    expect(onlyJson(cli(['data', 'info', mat, '--json'])).dataset.checksum).toBe(builtin);

    // and a CSV converts to MAT (column by column again) with its labels as read: the very same data as the builtin
    const fromCsv = join(dir, 'from-csv.mat');
    expect(cli(['data', 'export', '--name', csv, '--labels', 'digits', '--out', fromCsv]).code).toBe(0);
    expect(onlyJson(cli(['data', 'info', fromCsv, '--json'])).dataset.checksum).toBe(builtin);

    for (const [out, labels] of [
      [join(dir, 'digits.idx'), join(dir, 'digits-labels.idx')],
      [join(dir, 'train-images-idx3-ubyte'), join(dir, 'train-labels-idx1-ubyte')],
    ]) {
      const r = onlyJson(cli(['data', 'export', '--name', 'digits5000', '--out', out, '--format', 'idx', '--json']));
      expect(r.files).toEqual([out, labels]);
      const X = readIdxFile(out);
      const y = readIdxFile(labels);
      expect([X.type, X.dims]).toEqual(['float64', [5000, 20, 20]]); // m × rows × cols: pictures, row by row
      expect([y.type, y.dims]).toEqual(['uint8', [5000]]);
      const csvRows = readFileSync(csv, 'utf8').split('\n');
      expect(Array.from(X.data.subarray(400, 800)).join(',')).toBe(csvRows[2].split(',').slice(0, 400).join(','));
      expect(y.data[0]).toBe(0); // the first 500 are the digit 0: digits as MNIST's label files hold them (0..9)
    }
  });

  it('a mismatch, an unknown extension or a missing folder is a usage error before any work', () => {
    const dir = tmp();
    const mismatch = cli(['data', 'export', '--name', 'digits5000', '--out', join(dir, 'x.csv'), '--format', 'mat']);
    expect(mismatch.code).toBe(2);
    expect(cleanError(mismatch)).toMatch(/--format mat does not match --out .*x\.csv/);
    const unknown = cli(['data', 'export', '--name', 'digits5000', '--out', join(dir, 'x.bin')]);
    expect(unknown.code).toBe(2);
    expect(cleanError(unknown)).toMatch(/no known extension/);
    expect(existsSync(join(dir, 'x.csv')) || existsSync(join(dir, 'x.bin'))).toBe(false);
    // an --out under a file cannot be made: a usage error naming the cause, before any work
    writeFileSync(join(dir, 'plain'), 'x');
    const underFile = cli(['data', 'export', '--out', join(dir, 'plain', 'x.csv')]);
    expect(underFile.code).toBe(2);
    expect(cleanError(underFile)).toMatch(/--out: cannot .*: a part of the path is a file/);
  });

  it('every --out makes its missing folders, as train does (data export, show-data, visualize, export)', () => {
    const dir = tmp();
    const model = ex4Model().path;
    for (const args of [
      ['data', 'export', '--out', join(dir, 'a', 'b', 'x.csv')],
      ['show-data', '--count', '4', '--out', join(dir, 'c', 'd', 's.png')],
      ['visualize', '--model', model, '--out', join(dir, 'e', 'h.png')],
      ['export', '--model', model, '--out', join(dir, 'f', 'w.mat')],
    ]) {
      const r = cli(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(existsSync(args[args.length - 1])).toBe(true);
    }
  });
});

describe('one exit-code convention: bad input 2, a failure while running 1', () => {
  it('usage and bad input exit 2 across commands, with no raw system codes', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'folder.csv'));
    writeFileSync(join(dir, 'not.png'), 'hello');
    const cases: [string[], RegExp][] = [
      [['train', '--no-such-flag'], /unknown option/],
      [['train', '--data', join(dir, 'missing.csv')], /no such file/],
      [['train', '--data', join(dir, 'folder.csv')], /is a directory/],
      [['evaluate', '--model', join(dir, 'missing.json')], /no such file or directory/],
      [['predict', '--model', join(dir, 'missing.json'), '--image', join(dir, 'not.png')], /no such file or directory/],
      [['data', 'info', join(dir, 'folder.csv')], /is a directory/],
      [['show-data', '--out', join(dir, 'x.png'), '--count', '0'], /--count/],
    ];
    for (const [args, message] of cases) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      const line = r.stderr.trim().split('\n').pop()!;
      expect(line, args.join(' ')).toMatch(message);
      expect(line, args.join(' ')).not.toMatch(/\bE[A-Z]{3,}\b/);
    }
  });

  // (a failure while running — a disk that fills — exits 1: cli-outputs.test.ts, on real mounts)
  it('an --out that is a directory is refused before any work, exit 2, in words', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'taken.png'));
    const r = cli(['show-data', '--count', '1', '--out', join(dir, 'taken.png')]);
    expect(r.code).toBe(2);
    expect(cleanError(r)).toMatch(/directory/);
    expect(cleanError(r)).not.toMatch(/\bE[A-Z]{3,}\b/);
  });

  it('plurals: 1 example, 1 feature, 1 class', () => {
    const csv = join(tmp(), 'one.csv');
    writeFileSync(csv, 'a,b\n1,1\n');
    expect(cli(['data', 'info', csv]).stdout).toContain('1 example × 1 feature, 1 class');
    const one = join(tmp(), 'one-digit.csv');
    writeFileSync(one, `${Array(400).fill(0).join(',')},3\n`);
    const e = cli(['evaluate', '--model', ex4Model().path, '--data', one]);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toContain('(1 example)');
    const p = cli(['predict', '--model', ex4Model().path, '--data', one, '--rows', '3']);
    expect(p.code).toBe(2);
    expect(cleanError(p)).toMatch(/the data has 1 row \(0\.\.0\)/);
  });
});
