/**
 * A model's class names (`labelNames`) are what a prediction answers, so a model whose names repeat cannot say
 * which class it means, and an empty name says nothing. Model validation (loadModel, modelFromJson: so the CLI and
 * the server's PUT too) refuses them with one typed line naming the name; train refuses such names before it
 * trains, not after. Before the fix both were accepted.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromRows, InvalidArgumentError, loadModel, type Model, modelFromJson, ModelFormatError, modelToJson, train } from '../src/index.js';

const model = (labelNames: string[]): Model => ({
  layers: [2, 2, 3],
  theta: Float64Array.from({ length: 15 }, (_, i) => (i - 7) / 8),
  labelNames,
});
const refusal = (labelNames: string[]): string => {
  try {
    modelFromJson(modelToJson(model(labelNames)));
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFormatError);
    return (e as Error).message;
  }
  throw new Error('expected a ModelFormatError');
};

describe('class names must be distinct and non-empty', () => {
  it('a repeated name is refused, naming it and both places', () => {
    expect(refusal(['cat', 'dog', 'cat'])).toBe('labelNames: "cat" names two classes (labelNames[0] and [2]); class names must be distinct');
  });

  it('an empty name is refused, naming its place', () => {
    expect(refusal(['cat', '', 'dog'])).toBe('labelNames[1] is empty: every class needs a name');
  });

  it('loadModel says which file', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bp-names-')), 'm.json');
    writeFileSync(path, modelToJson(model(['1', '2', '1'])));
    expect(() => loadModel(path)).toThrow(ModelFormatError);
    expect(() => loadModel(path)).toThrow(`${path}: labelNames: "1" names two classes (labelNames[0] and [2]); class names must be distinct`);
  });

  it('names that differ at all are distinct classes', () => {
    expect(modelFromJson(modelToJson(model(['a', 'A', ' a']))).labelNames).toEqual(['a', 'A', ' a']);
  });

  it('train refuses them before training (its model would not load)', async () => {
    const data = { X: fromRows([[0, 0], [1, 1], [0, 1]]), y: [1, 2, 3], labelNames: ['x', 'y', 'x'] };
    await expect(train({ hidden: [2] }, data)).rejects.toThrow(InvalidArgumentError);
    await expect(train({ hidden: [2] }, data)).rejects.toThrow('labelNames: "x" names two classes (labelNames[0] and [2]); class names must be distinct');
  });
});
