import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { choice, integer, layerSizes, number, numberList, rowSelection } from '../src/parse.js';
import { checkOutputs, DEFAULT_REPORT_DIR, userDirectory } from '../src/paths.js';
import { grid, hiddenChoices, lambdaChoices } from '../src/sweep/grid.js';
import { EXIT_FAILURE, EXIT_USAGE, exitCodeOf, UsageError } from '../src/usage.js';
import { aboutFile } from '../src/error-message.js';
import { BackpropError } from '@backprop/nn';

// The CLI's option values, checked in-process (the other CLI tests spawn the built command): every bound is
// tested on both sides and every message in full, so a flipped comparison or a dropped word fails here. This
// file is what `nx run cli:mutation` runs against each mutant.

/** The UsageError `f` throws, or a failure when it throws nothing or something else. */
function usageError(f: () => unknown): UsageError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).code).toBe('ERR_USAGE');
    return err as UsageError;
  }
  throw new Error('expected a UsageError, nothing was thrown');
}
const message = (f: () => unknown): string => usageError(f).message;

describe('number', () => {
  it('reads decimals, exponents and surrounding spaces', () => {
    expect(number('--x', '0.25')).toBe(0.25);
    expect(number('--x', ' 1e3 ')).toBe(1000);
    expect(number('--x', '-7')).toBe(-7);
  });

  it('rejects empty, blank, non-numeric and non-finite values, naming the option and echoing the value', () => {
    expect(message(() => number('--x', ''))).toBe('--x: expected a number, got ""');
    expect(message(() => number('--x', '   '))).toBe('--x: expected a number, got "   "');
    expect(message(() => number('--x', 'abc'))).toBe('--x: expected a number, got "abc"');
    expect(message(() => number('--x', 'Infinity'))).toBe('--x: expected a number, got "Infinity"');
    expect(message(() => number('--x', 'NaN'))).toBe('--x: expected a number, got "NaN"');
  });

  it('min is inclusive', () => {
    expect(number('--lambda', '0', { min: 0 })).toBe(0);
    expect(message(() => number('--lambda', '-1', { min: 0 }))).toBe('--lambda: expected a number >= 0, got "-1"');
    expect(message(() => number('--lambda', '-1e-9', { min: 0 }))).toBe('--lambda: expected a number >= 0, got "-1e-9"');
  });

  it('above is exclusive and wins over min in the message', () => {
    expect(number('--lr', '1e-9', { above: 0 })).toBe(1e-9);
    expect(message(() => number('--lr', '0', { above: 0 }))).toBe('--lr: expected a number > 0, got "0"');
    expect(message(() => number('--lr', '-1', { above: 0 }))).toBe('--lr: expected a number > 0, got "-1"');
    expect(message(() => number('--lr', '0', { above: 0, min: -5 }))).toBe('--lr: expected a number > 0, got "0"');
  });

  it('max is inclusive and joins the lower bound with "and"', () => {
    expect(number('--p', '1', { max: 1 })).toBe(1);
    expect(message(() => number('--p', '1.5', { max: 1 }))).toBe('--p: expected a number <= 1, got "1.5"');
    expect(number('--p', '0', { min: 0, max: 1 })).toBe(0);
    expect(message(() => number('--p', '2', { min: 0, max: 1 }))).toBe('--p: expected a number >= 0 and <= 1, got "2"');
    expect(message(() => number('--p', 'x', { above: 0, max: 1 }))).toBe('--p: expected a number > 0 and <= 1, got "x"');
  });
});

describe('integer', () => {
  const any = { min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };
  it('reads signed integers with surrounding spaces', () => {
    expect(integer('--n', '12', any)).toBe(12);
    expect(integer('--n', ' +3 ', any)).toBe(3);
    expect(integer('--n', '-2', any)).toBe(-2);
    expect(integer('--n', '007', any)).toBe(7);
    expect(Object.is(integer('--n', '-0', any), 0)).toBe(true);
  });

  it('reads any decimal notation whose value is whole, as --lambda does (1e3, 300.0, 1.5e2)', () => {
    expect(integer('--n', '1e3', any)).toBe(1000);
    expect(integer('--n', '1E3', any)).toBe(1000);
    expect(integer('--n', '300.0', any)).toBe(300);
    expect(integer('--n', '300.', any)).toBe(300);
    expect(integer('--n', '1.5e2', any)).toBe(150);
    expect(integer('--n', '2500e-2', any)).toBe(25);
  });

  it('rejects anything that is not a whole number in decimal notation, stating the range', () => {
    for (const raw of ['', ' ', '1.5', '1e-3', 'x12', '12x', '1 2', '+', '0x10', '--1', '.', 'e3', '1e', 'Infinity', 'NaN']) {
      expect(message(() => integer('--n', raw, { min: 1, max: 10 }))).toBe(`--n: expected an integer from 1 to 10, got ${JSON.stringify(raw)}`);
    }
  });

  it('min and max are inclusive and both named, whatever the notation', () => {
    expect(integer('--n', '1', { min: 1, max: 10 })).toBe(1);
    expect(integer('--n', '10', { min: 1, max: 10 })).toBe(10);
    expect(integer('--n', '1e1', { min: 1, max: 10 })).toBe(10);
    for (const raw of ['0', '11', '1.1e1', '1e12', '-1']) {
      expect(message(() => integer('--n', raw, { min: 1, max: 10 }))).toBe(`--n: expected an integer from 1 to 10, got ${JSON.stringify(raw)}`);
    }
    expect(integer('--n', '9007199254740991', any)).toBe(Number.MAX_SAFE_INTEGER);
    expect(message(() => integer('--n', '9007199254740992', { min: 0, max: Number.MAX_SAFE_INTEGER }))).toBe(
      '--n: expected an integer from 0 to 9007199254740991, got "9007199254740992"',
    );
  });
});

describe('numberList', () => {
  it('splits on commas and trims', () => {
    expect(numberList('--lambda', '0.1,1,3')).toEqual([0.1, 1, 3]);
    expect(numberList('--lambda', ' 1 , 2 ')).toEqual([1, 2]);
    expect(numberList('--lambda', '5')).toEqual([5]);
  });

  it('an empty item (even blank) is a list error, not a number error', () => {
    for (const raw of ['', '1,,2', '1, ,2', '1,']) {
      expect(message(() => numberList('--lambda', raw))).toBe(
        `--lambda: expected a comma-separated list of numbers, got ${JSON.stringify(raw)}`,
      );
    }
  });

  it('each item obeys the rule, and the message echoes the item', () => {
    expect(numberList('--lambda', '0,2', { min: 0 })).toEqual([0, 2]);
    expect(message(() => numberList('--lambda', '1, -1', { min: 0 }))).toBe('--lambda: expected a number >= 0, got "-1"');
  });
});

describe('layerSizes', () => {
  it('reads one or several sizes', () => {
    expect(layerSizes('--hidden', '25')).toEqual([25]);
    expect(layerSizes('--hidden', ' 256 , 128 ')).toEqual([256, 128]);
    expect(layerSizes('--hidden', '0')).toEqual([0]);
    expect(layerSizes('--hidden', '256x128', 'x')).toEqual([256, 128]);
  });

  it('sizes run from min to 1,000,000, and the message says so', () => {
    expect(layerSizes('--hidden', '1000000')).toEqual([1_000_000]);
    expect(layerSizes('--hidden', '1e6')).toEqual([1_000_000]);
    expect(message(() => layerSizes('--hidden', '1000001'))).toBe(
      '--hidden: expected layer sizes as integers from 0 to 1000000 separated by "," (e.g. 25 or 256,128), got "1000001"',
    );
    expect(message(() => layerSizes('--hidden', '2000000', ',', 1))).toBe(
      '--hidden: expected layer sizes as integers from 1 to 1000000 separated by "," (e.g. 25 or 256,128), got "2000000"',
    );
    expect(layerSizes('--layers', '1x1', 'x', 1)).toEqual([1, 1]);
    expect(message(() => layerSizes('--layers', '4x0', 'x', 1))).toBe(
      '--layers: expected layer sizes as integers from 1 to 1000000 separated by "x" (e.g. 25 or 256x128), got "4x0"',
    );
  });

  it('reads integer notation as integer() does: 25.0, 1e2, +1', () => {
    expect(layerSizes('--hidden', '25.0,1e2,+1')).toEqual([25, 100, 1]);
  });

  it('rejects blanks, empty items, negatives, fractions and other separators', () => {
    for (const raw of ['', '  ', '25,', ',25', '-1', '1.5', '25x10', 'a25', '25a', '0x10']) {
      expect(message(() => layerSizes('--hidden', raw))).toBe(
        `--hidden: expected layer sizes as integers from 0 to 1000000 separated by "," (e.g. 25 or 256,128), got ${JSON.stringify(raw)}`,
      );
    }
  });
});

describe('choice', () => {
  it('accepts only the listed words, exactly', () => {
    expect(choice('--method', 'cg', ['cg', 'tnc'] as const)).toBe('cg');
    expect(message(() => choice('--method', 'CG', ['cg', 'tnc'] as const))).toBe('--method: expected one of cg, tnc, got "CG"');
    expect(message(() => choice('--method', '', ['cg', 'tnc'] as const))).toBe('--method: expected one of cg, tnc, got ""');
  });
});

describe('rowSelection', () => {
  it('a slice: start inclusive, end exclusive, either side may be left out', () => {
    expect(rowSelection('--rows', '0:3', 10)).toEqual([0, 1, 2]);
    expect(rowSelection('--rows', ' 1 : 3 ', 10)).toEqual([1, 2]);
    expect(rowSelection('--rows', ':2', 10)).toEqual([0, 1]);
    expect(rowSelection('--rows', '8:', 10)).toEqual([8, 9]);
    expect(rowSelection('--rows', ':', 3)).toEqual([0, 1, 2]);
    expect(rowSelection('--rows', '9:10', 10)).toEqual([9]);
  });

  it('an empty slice is an error naming the bound', () => {
    for (const raw of ['3:3', '4:2', '10:', '12:']) {
      expect(message(() => rowSelection('--rows', raw, 10))).toBe(
        `--rows: expected START:END with START < END <= 10, got ${JSON.stringify(raw)}`,
      );
    }
  });

  it('an END past the data is an error saying how many rows there are, never clipped (as a row past it is)', () => {
    for (const raw of ['8:100', '8:11', '12:20', ':11']) {
      const end = raw.split(':')[1];
      expect(message(() => rowSelection('--rows', raw, 10))).toBe(
        `--rows: END ${end} is past the end of the data, which has 10 rows (END <= 10; leave END out for "to the end"), got ${JSON.stringify(raw)}`,
      );
    }
    expect(rowSelection('--rows', '8:10', 10)).toEqual([8, 9]);
  });

  it('single rows and lists', () => {
    expect(rowSelection('--rows', '7', 10)).toEqual([7]);
    expect(rowSelection('--rows', '0', 1)).toEqual([0]);
    expect(rowSelection('--rows', '1,5,9', 10)).toEqual([1, 5, 9]);
    expect(rowSelection('--rows', ' 1 , 5 ', 10)).toEqual([1, 5]);
  });

  it('a row past the data names the row and the range', () => {
    expect(message(() => rowSelection('--rows', '10', 10))).toBe('--rows: row 10 is out of range: the data has 10 rows (0..9), got "10"');
    expect(message(() => rowSelection('--rows', '0,1', 1))).toBe('--rows: row 1 is out of range: the data has 1 row (0..0), got "0,1"');
    expect(message(() => rowSelection('--rows', '2,30,40', 10))).toBe('--rows: row 30 is out of range: the data has 10 rows (0..9), got "2,30,40"');
  });

  it('anything else is an error listing the forms', () => {
    for (const raw of ['', 'a', '-1', '1.5', '1,,2', '1,', ',1', 'x1,2', '1,2x', 'x1:3', '1:3x', '1:2:3', '-1:3']) {
      expect(message(() => rowSelection('--rows', raw, 10))).toBe(
        `--rows: expected rows as START:END, N or N,N,…, got ${JSON.stringify(raw)}`,
      );
    }
  });
});

describe('sweep grid', () => {
  it('hidden choices: configurations separated by commas, layers of one network by "x"', () => {
    expect(hiddenChoices('25,50,256x128')).toEqual([[25], [50], [256, 128]]);
    expect(hiddenChoices(' 25 , 4x3x2 ')).toEqual([[25], [4, 3, 2]]);
    expect(hiddenChoices('1e3x2.0')).toEqual([[1000, 2]]);
    for (const raw of ['', ' ', '25,', '25x', 'x25', '2 5', '25,,50', 'a', '25xx4', '-1', '1000001', '1.5']) {
      expect(message(() => hiddenChoices(raw))).toBe(
        `--hidden: expected comma-separated layer sizes (integers from 0 to 1000000), layers of one network joined by "x" (e.g. 25,50,256x128), got ${JSON.stringify(raw)}`,
      );
    }
  });

  it('lambda choices are numbers >= 0', () => {
    expect(lambdaChoices('0, 0.5,3')).toEqual([0, 0.5, 3]);
    expect(message(() => lambdaChoices('1,-1'))).toBe('--lambda: expected a number >= 0, got "-1"');
  });

  it('every (λ, hidden) pair, λ fastest, numbered in order', () => {
    expect(grid([0, 1], [[2], [3, 4]])).toEqual([
      { index: 0, lambda: 0, hidden: [2] },
      { index: 1, lambda: 1, hidden: [2] },
      { index: 2, lambda: 0, hidden: [3, 4] },
      { index: 3, lambda: 1, hidden: [3, 4] },
    ]);
    expect(grid([], [[2]])).toEqual([]);
  });
});

describe('exit codes', () => {
  it('bad input exits with 2', () => {
    const bad = [
      'ERR_USAGE', 'ERR_INVALID_ARGUMENT', 'ERR_SHAPE', 'ERR_CSV_PARSE', 'ERR_IDX_TRUNCATED', 'ERR_MAT_CORRUPT', 'ERR_IMAGE',
      'ERR_MODEL_FORMAT', 'ERR_CHECKPOINT', 'ERR_DATASET_SHAPE', 'ERR_DATASET_LABELS', 'ERR_DATASET_UNKNOWN',
      'ERR_BENCH_OPTION', 'ERR_BUFFER_TOO_LARGE',
    ];
    for (const code of bad) expect(exitCodeOf({ code, message: 'x' }), code).toBe(EXIT_USAGE);
    expect(exitCodeOf(new UsageError('--x: bad'))).toBe(2);
  });

  it('a code that only contains a bad-input code, or another error, exits with 1', () => {
    for (const code of ['XERR_USAGE', 'ERR_USAGE_X', 'ERR_CSV_', 'ERR_DATASET_OTHER', 'ERR_NATIVE_UNAVAILABLE', 'ERR_WRITE', '']) {
      expect(exitCodeOf({ code, message: 'x' }), code).toBe(EXIT_FAILURE);
    }
    expect(exitCodeOf(new Error('boom'))).toBe(1);
    expect(exitCodeOf(null)).toBe(1);
    expect(exitCodeOf(undefined)).toBe(1);
    expect(exitCodeOf({ code: 2 })).toBe(1);
  });

  it('a data file that cannot be read is bad input (2); one that cannot be written is a failure (1)', () => {
    expect(exitCodeOf({ code: 'ERR_DATA_FILE', message: 'cannot read data.csv: ENOENT' })).toBe(2);
    expect(exitCodeOf({ code: 'ERR_DATA_FILE', message: 'cannot write data.csv: EACCES' })).toBe(1);
    expect(exitCodeOf({ code: 'ERR_DATA_FILE', message: 'data.csv: cannot read' })).toBe(1);
    expect(exitCodeOf({ code: 'ERR_DATA_FILE' })).toBe(1);
    // re-said to name the flag and the file (aboutFile), it keeps the library's exit status
    expect(exitCodeOf(aboutFile('--data', 'data.csv', new BackpropError('ERR_DATA_FILE', 'cannot read data.csv: EACCES')))).toBe(2);
    expect(exitCodeOf(aboutFile('--data', 'data.csv', new BackpropError('ERR_DATA_FILE', 'cannot write data.csv: EACCES')))).toBe(1);
    // only ERR_DATA_FILE looks at the message
    expect(exitCodeOf({ code: 'ERR_WRITE', message: 'cannot read x' })).toBe(1);
  });
});

describe('output paths', () => {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-option-values-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const aFile = join(dir, 'a-file');
  writeFileSync(aFile, 'x');

  it('good paths pass, and the folders of --out and --checkpoint and --report itself are created', () => {
    checkOutputs({ out: join(dir, 'o', 'm.json'), checkpoint: join(dir, 'c', 'ck.json'), report: join(dir, 'r') });
    expect(existsSync(join(dir, 'o'))).toBe(true);
    expect(existsSync(join(dir, 'c'))).toBe(true);
    expect(existsSync(join(dir, 'r'))).toBe(true);
    checkOutputs({});
  });

  it('a bad path is a UsageError naming the flag', () => {
    expect(message(() => checkOutputs({ out: join(aFile, 'm.json') }))).toMatch(/^--out: /);
    expect(message(() => checkOutputs({ checkpoint: join(aFile, 'ck.json') }))).toMatch(/^--checkpoint: /);
    expect(message(() => checkOutputs({ report: aFile }))).toMatch(/^--report: /);
    // the report folder is fine, but its model.json cannot be a file
    mkdirSync(join(dir, 'r2', 'model.json'), { recursive: true });
    expect(message(() => checkOutputs({ report: join(dir, 'r2') }))).toMatch(/^--report: .*model\.json/);
    // each flag is checked even when another is fine
    expect(message(() => checkOutputs({ out: join(dir, 'ok.json'), checkpoint: join(aFile, 'ck.json') }))).toMatch(/^--checkpoint: /);
    expect(message(() => checkOutputs({ out: join(dir, 'ok.json'), report: aFile }))).toMatch(/^--report: /);
  });

  it('an error that is not about the file system passes through unchanged (a bug is not the user\'s flag)', () => {
    let err: unknown;
    try {
      checkOutputs({ out: 5 as unknown as string });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TypeError);
    expect(err).not.toBeInstanceOf(UsageError);
  });

  it('with no --out and no --report a training writes to reports/latest', () => {
    expect(DEFAULT_REPORT_DIR).toBe(join('reports', 'latest'));
  });

  it('relative paths are relative to INIT_CWD only when running in the package folder', () => {
    const pkg = fileURLToPath(new URL('..', import.meta.url));
    const user = realpathSync(dir);
    expect(userDirectory({ INIT_CWD: dir }, pkg)).toBe(user);
    expect(userDirectory({}, pkg)).toBe(pkg);
    expect(userDirectory({ INIT_CWD: dir }, aFile)).toBe(aFile);
    expect(userDirectory({ INIT_CWD: pkg }, pkg)).toBe(pkg);
    expect(userDirectory({ INIT_CWD: join(dir, 'gone') }, pkg)).toBe(pkg);
  });
});
