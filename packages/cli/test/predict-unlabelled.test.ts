// `backprop predict` on a CSV without labels: Kaggle's digit-recognizer test.csv (header pixel0 … pixelN−1, no label
// column) is read as every column a pixel, and `--label-column none` says so for any CSV. Before, the last pixel was
// taken as the label. The file is written here from digits5000's own export, rows 0, 100, …, 4900 with the label
// column cut off; its predictions must be numpy's for those rows (ex4-golden.json) and those of the labelled export.
// Commands that need labels refuse such a file with one line rather than train or score on a pixel.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIGIT_LABEL_NAMES } from '@backprop/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, ex4Model, golden, oneLineError, onlyJson, tmp } from './helpers.js';

let dir: string;
let model: string;
/** numpy's predicted digits for rows 0, 100, …, 4900 of digits5000 under the course's weights */
let expected: string[];

const withoutLabel = (line: string): string => line.slice(0, line.lastIndexOf(','));

beforeAll(() => {
  ensureBuilt();
  dir = tmp();
  expect(cli(['data', 'export', '--out', join(dir, 'digits.csv')]).code).toBe(0);
  const [header, ...rows] = readFileSync(join(dir, 'digits.csv'), 'utf8').trim().split('\n');
  expect(header).toMatch(/^pixel0,pixel1,.*,pixel399,label$/);
  const picked = rows.filter((_, i) => i % 100 === 0);
  writeFileSync(join(dir, 'labelled.csv'), [header, ...picked].join('\n') + '\n');
  writeFileSync(join(dir, 'test.csv'), [header, ...picked].map(withoutLabel).join('\n') + '\n');
  // the course's X as it is (column by column, no header): only --label-column none tells it has no labels
  writeFileSync(join(dir, 'course-x.csv'), golden().X.map((x) => x.join(',')).join('\n') + '\n');
  model = ex4Model().path;
  expected = golden().predicted.map((label) => DIGIT_LABEL_NAMES[label - 1]);
});

function predicted(file: string, ...more: string[]): { label: string; actual?: string }[] {
  return onlyJson(cli(['predict', '--model', model, '--data', join(dir, file), '--rows', '0:50', '--json', ...more])).predictions;
}

describe('predict on a CSV without labels', () => {
  it('Kaggle’s test.csv layout (pixel0 … pixel399, no label): every column a pixel, numpy’s predictions, no actual class', () => {
    const unlabelled = predicted('test.csv');
    expect(unlabelled.map((p) => p.label)).toEqual(expected);
    expect(unlabelled.every((p) => p.actual === undefined)).toBe(true);
    const labelled = predicted('labelled.csv');
    expect(labelled.map((p) => p.label)).toEqual(expected);
    expect(unlabelled).toEqual(labelled.map(({ actual: _, ...p }) => p));
  });

  it('--label-column none reads the same; on a header-less CSV it is what says there are no labels', () => {
    expect(predicted('test.csv', '--label-column', 'none').map((p) => p.label)).toEqual(expected);
    expect(predicted('course-x.csv', '--label-column', 'none').map((p) => p.label)).toEqual(expected);
  });

  it('prints one line per row, without "actual" or a count of correct ones', () => {
    const r = cli(['predict', '--model', model, '--data', join(dir, 'test.csv'), '--rows', '0:50']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.map((l) => l.replace(/ .*/, ''))).toEqual(Array.from({ length: 50 }, () => 'row'));
    expect(lines.map((l) => l.match(/^row \d+: (\S+) /)![1])).toEqual(expected);
    expect(r.stdout).not.toMatch(/actual|correct/);
  });
});

describe('commands that need labels refuse a CSV without them', () => {
  const NEED_LABELS: [string, (file: string) => string[]][] = [
    ['train', (f) => ['train', '--data', f, '--maxfun', '1']],
    ['evaluate', (f) => ['evaluate', '--model', model, '--data', f]],
    ['cost', (f) => ['cost', '--weights', model, '--data', f]],
    ['data export', (f) => ['data', 'export', '--data', f, '--out', join(tmp(), 'out.csv')]],
    ['show-data', (f) => ['show-data', '--data', f, '--out', join(tmp(), 'out.png')]],
    ['sweep', (f) => ['sweep', '--data', f, '--lambda', '0,1', '--maxfun', '1']],
  ];

  it.each(NEED_LABELS)('%s --label-column none: one line, exit 2', (_, args) => {
    const r = cli([...args(join(dir, 'labelled.csv')), '--label-column', 'none']);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toBe(
      'backprop: error: --label-column none reads no labels, and this command needs them (only predict reads examples without labels)',
    );
  });

  it.each(NEED_LABELS)('%s on Kaggle’s test.csv layout: one line naming the file and --label-column, exit 2', (_, args) => {
    const r = cli(args(join(dir, 'test.csv')));
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toMatch(/test\.csv" has no label column: its header names every column a pixel \(pixel0 … pixel399, .*--label-column/);
  });

  it('gradcheck reads no data: --label-column is not one of its options', () => {
    const r = cli(['gradcheck', '--label-column', 'none']);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toMatch(/unknown option '--label-column'/);
  });

  it('an explicit --label-column still reads one of the pixels as the labels', () => {
    const r = cli(['data', 'info', join(dir, 'test.csv'), '--label-column', 'pixel399', '--json']);
    expect(r.code).toBe(0);
    expect(onlyJson(r).dataset).toMatchObject({ examples: 50, features: 399 });
  });
});
