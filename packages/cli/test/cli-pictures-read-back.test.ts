// `backprop show-data --count 1 --out one.png` then `backprop predict --image one.png` gives the model's prediction
// for the row that was drawn (the library test image-display-data-reads-back checks 100 digits the same way).
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, ex4Model, onlyJson, tmp } from './helpers.js';

let model: string;
beforeAll(() => {
  ensureBuilt();
  model = ex4Model().path;
});

describe('show-data --count 1, then predict --image', () => {
  it.each([0, 1, 2])('seed %i: the picture is predicted as its row is', (seed) => {
    const png = join(tmp(), 'one.png');
    const shown = onlyJson(cli(['show-data', '--count', '1', '--seed', String(seed), '--out', png, '--json']));
    expect(shown.rows).toHaveLength(1);
    const row = shown.rows[0] as number;
    const fromImage = onlyJson(cli(['predict', '--model', model, '--image', png, '--json'])).predictions[0];
    const fromRow = onlyJson(
      cli(['predict', '--model', model, '--data', 'builtin:digits5000', '--rows', String(row), '--json']),
    ).predictions[0];
    expect(fromImage.digit).toBe(fromRow.digit);
  });
});
