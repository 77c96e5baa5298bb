import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, oneLineError, tmp, writeCsv } from './helpers.js';

// Labels of a single class are no classification problem (scikit-learn's fit refuses them). `train` refused them
// only through Classifier.fit; the CLI, which calls the library's train(), trained a 1-output network scoring 100%.

beforeAll(() => ensureBuilt());

describe('backprop train refuses data of a single class', () => {
  it('exits non-zero with the library\'s one-line error, and writes no model', () => {
    const data = writeCsv([[0.1, 0.2], [0.3, 0.1], [0.5, 0.9], [0.2, 0.4], [0.7, 0.3]], [1, 1, 1, 1, 1], 'one-class.csv');
    const cwd = tmp();
    const r = cli(['train', '--data', data, '--maxfun', '5', '--out', 'model.json'], { cwd });
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.code).not.toBeNull();
    expect(oneLineError(r)).toBe('backprop: error: y: needs at least 2 classes, got 1');
    expect(r.stdout).not.toMatch(/trained|accuracy/);
    expect(existsSync(join(cwd, 'model.json'))).toBe(false);
  });
});
