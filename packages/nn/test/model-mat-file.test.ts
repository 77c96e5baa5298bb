// A MAT-file of weights (the course's ex4weights.mat) given where a model file is expected: one line that says what
// the file is and how to convert it, not "not valid JSON (NUL byte at offset 124)".
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, ModelFormatError } from '../src/index.js';

describe('loadModel on a MAT-file', () => {
  it('says it is a MAT-file and names the conversion', () => {
    const path = join(__dirname, 'fixtures', 'ex4weights.mat');
    expect(() => loadModel(path)).toThrow(ModelFormatError);
    expect(() => loadModel(path)).toThrow(/is a MAT-file, not a backprop model \(JSON\): `backprop export --out model\.json FILE\.mat` writes its weights as one$/);
  });
});
