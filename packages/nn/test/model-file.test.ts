import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, modelFromJson, modelToJson, ModelFormatError, saveModel, thetaChecksum } from '../src/index.js';
import { randomInit } from '../src/index.js';

const layers = [6, 4, 3];
const model = {
  layers,
  theta: randomInit(layers, { seed: 5, range: 0.5 }),
  labelNames: ['a', 'b', 'c'],
};

describe('model files', () => {
  it('round-trip bit-exactly through JSON and the file system (atomic write leaves no temp file)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bp-model-'));
    const path = join(dir, 'm.json');
    saveModel(path, model);
    expect(readdirSync(dir)).toEqual(['m.json']);
    const back = loadModel(path);
    expect(back.layers).toEqual(layers);
    expect(Buffer.from(back.theta.buffer).equals(Buffer.from(model.theta.buffer))).toBe(true);
    expect(back.labelNames).toEqual(['a', 'b', 'c']);
    expect(JSON.parse(readFileSync(path, 'utf8')).checksum).toBe(thetaChecksum(model.theta));
  });

  it('rejects other formats, versions, wrong lengths, non-finite numbers and edits', () => {
    const good = JSON.parse(modelToJson(model));
    const cases: [unknown, RegExp][] = [
      ['not json', /not valid JSON/],
      [[1, 2], /JSON object/],
      [{ ...good, format: 'x' }, /not a backprop model/],
      [{ ...good, version: 99 }, /unsupported model version 99/],
      [{ ...good, layers: [6, 0, 3] }, /layers\[1\]/],
      [{ ...good, theta: good.theta.slice(1) }, /expected 43 numbers/],
      [{ ...good, theta: [...good.theta.slice(1), 'x'] }, /theta\[42\]/],
      [{ ...good, theta: [...good.theta.slice(0, 42), 1.5] }, /checksum does not match/],
      [{ ...good, labelNames: ['a'] }, /labelNames/],
      [{ ...good, inputShape: { width: 2, height: 2, order: 'column-major' } }, /inputShape/],
      [{ ...good, inputShape: { width: -2, height: -3, order: 'row-major' } }, /inputShape/],
      [{ ...good, layers: [1e9, 1] }, /1,000,000/],
    ];
    for (const [doc, re] of cases) {
      const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
      expect(() => modelFromJson(text)).toThrow(ModelFormatError);
      expect(() => modelFromJson(text)).toThrow(re);
    }
  });

  it('a missing file is a ModelFormatError naming the path', () => {
    expect(() => loadModel('/nonexistent/model.json')).toThrow(/\/nonexistent\/model.json.*ENOENT/);
    const dir = mkdtempSync(join(tmpdir(), 'bp-model-'));
    writeFileSync(join(dir, 'bad.json'), '{');
    expect(() => loadModel(join(dir, 'bad.json'))).toThrow(ModelFormatError);
  });
});
