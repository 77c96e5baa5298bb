// The tool's own pictures read back: one example drawn by displayData (what `backprop show-data --count 1` writes),
// decoded and preprocessed as `predict --image` does, must get the model's prediction for that row of the data.
// The picture is a light digit on displayData's mid-grey background; before the fix its black padding frame was
// taken for the background and the grey for ink, and most digits came back as an 8.
import { describe, expect, it } from 'vitest';
import {
  argmaxLabels,
  decodePng,
  displayDataGrid,
  displayDataPng,
  imageToInput,
  loadDataset,
  probabilities,
  readMatFile,
  serialize,
  type Matrix,
} from '../src/index.js';
import { fixture } from './helpers.js';

const layers = [400, 25, 10];

function ex4Theta(): Float64Array {
  const mat = readMatFile(fixture('ex4weights.mat'));
  return serialize(mat.variables.get('Theta1')!.matrix as Matrix, mat.variables.get('Theta2')!.matrix as Matrix);
}

describe('a single digit drawn by displayData reads back as the same digit', () => {
  const ds = loadDataset('digits5000');
  const shape = ds.imageShape!;

  it('is one digit on its own background: no padding frame around a single example', () => {
    const grid = displayDataGrid(ds.X, shape, { rows: [0], cell: 1 });
    expect([grid.width, grid.height]).toEqual([20, 20]);
    // a grid of two keeps the frame between and around the tiles
    const two = displayDataGrid(ds.X, shape, { rows: [0, 1], cell: 1 });
    expect([two.width, two.height]).toEqual([43, 22]);
  });

  it('over 100 digits (every 50th row), the prediction from the picture matches the row’s for at least 98', () => {
    const theta = ex4Theta();
    const rows = Array.from({ length: 100 }, (_, k) => k * 50);
    const fromPictures: Matrix = { rows: rows.length, cols: 400, data: new Float64Array(rows.length * 400) };
    const fromRows: Matrix = { rows: rows.length, cols: 400, data: new Float64Array(rows.length * 400) };
    rows.forEach((r, i) => {
      const picture = decodePng(displayDataPng(ds.X, shape, { rows: [r] }));
      fromPictures.data.set(imageToInput(picture.gray, picture.width, picture.height, shape), i * 400);
      fromRows.data.set(ds.X.data.subarray(r * 400, (r + 1) * 400), i * 400);
    });
    const a = argmaxLabels(probabilities(theta, fromPictures, { layers }));
    const b = argmaxLabels(probabilities(theta, fromRows, { layers }));
    let agree = 0;
    for (let i = 0; i < rows.length; i++) if (a[i] === b[i]) agree++;
    expect(agree).toBeGreaterThanOrEqual(98);
  });

  it('a light digit on mid-grey is not inverted, a dark digit on light grey is', () => {
    // 20×20, background 0.5, a bright vertical bar (a "1") — and the same picture inverted
    const gray = new Float64Array(400).fill(0.5);
    for (let r = 3; r < 17; r++) gray[r * 20 + 9] = gray[r * 20 + 10] = 1;
    const rowMajor = { width: 20, height: 20, order: 'row-major' as const };
    const upright = imageToInput(gray, 20, 20, rowMajor);
    const inverted = imageToInput(gray.map((v) => 1 - v), 20, 20, rowMajor);
    for (let p = 0; p < 400; p++) expect(inverted[p]).toBeCloseTo(upright[p], 12);
    // the bar is ink (bright) in the middle column, the corners are background
    expect(upright[10 * 20 + 10]).toBeGreaterThan(0.5);
    expect(Math.abs(upright[0])).toBeLessThan(0.05);
  });
});
