// More model-document rules found by mutation testing (issue 21), beside model-document-pins.test.ts (a file of
// its own, so that Stryker's incremental run, which tracks tests per file, keeps that file's results): what counts
// towards the training record's depth, where a parse error or a NUL byte is reported, and what a loaded model holds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, type Model, modelFromJson, ModelFormatError, modelToJson } from '../src/model/model.js';

const model: Model = { layers: [2, 2], theta: Float64Array.from([1, 2, 3, 4, 5, 6]), labelNames: ['a', 'b'] };
const withTraining = (training: unknown): string => JSON.stringify({ ...JSON.parse(modelToJson(model)), training });

/** `levels` objects nested in `a`, the innermost holding `leaf`. */
function nested(levels: number, leaf: unknown): unknown {
  let v: unknown = { a: leaf };
  for (let i = 1; i < levels; i++) v = { a: v };
  return v;
}

function refusal(text: string): string {
  try {
    modelFromJson(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFormatError);
    return (e as Error).message;
  }
  throw new Error('expected a ModelFormatError');
}

describe('model document edges', () => {
  it('numbers, strings and nulls inside the training record are not levels', () => {
    for (const leaf of [1, 'x', null, true]) {
      expect(modelFromJson(withTraining(nested(32, leaf))).training, String(leaf)).toEqual(nested(32, leaf));
    }
    expect(refusal(withTraining(nested(33, 1)))).toBe('training: nested deeper than 32 levels (it could not be written back)');
  });

  it('a parse error past character 9 names the whole position; a NUL byte at offset 0 is named', () => {
    expect(refusal('{"a":1,"b":2,}')).toBe('model file is not valid JSON (at character 13)');
    expect(refusal('\0{}')).toBe('model file is not valid JSON (not text: NUL byte at offset 0)');
  });

  it('a model without a training record has no training field', () => {
    expect(Object.keys(modelFromJson(modelToJson(model)))).not.toContain('training');
  });

  describe('loadModel', () => {
    const dir = mkdtempSync(join(tmpdir(), 'backprop-model-edges-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('a file that cannot be read keeps the system error as the cause', () => {
      try {
        loadModel(join(dir, 'missing.json'));
        throw new Error('expected a ModelFormatError');
      } catch (e) {
        expect(e).toBeInstanceOf(ModelFormatError);
        expect(((e as Error).cause as NodeJS.ErrnoException).code).toBe('ENOENT');
      }
    });
  });
});
