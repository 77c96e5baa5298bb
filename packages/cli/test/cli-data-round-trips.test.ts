// The same digits in every file a user may hold them in — digits5000 itself, its CSV and IDX exports, and a
// Kaggle-style CSV (`label,pixel0,…`: label first, digits 0..9) — score the same with the same weights, and the
// weights score the same in every file they may be held in (a model JSON, a MAT-file of Theta1, Theta2). The
// reference for ex4weights.mat is numpy's (scripts/ref/cli_golden.py: 97.52%, the course's figure); the others are
// the model's own result on the data it was trained on, which every other file of the same digits must reproduce.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, EX4WEIGHTS, fixture, onlyJson, tmp } from './helpers.js';

let dir: string;
let ref: { accuracy: number; cost: number; confusion: number[][] };

beforeAll(() => {
  ensureBuilt();
  ref = JSON.parse(readFileSync(fixture('ex4-digits5000.json'), 'utf8'));
  dir = tmp();
  for (const out of ['d.csv', 'd.idx']) expect(cli(['data', 'export', '--data', 'builtin:digits5000', '--out', out], { cwd: dir }).code).toBe(0);
  // Kaggle's layout: the label column first, named "label"; the digits 0..9 as written
  const lines = readFileSync(join(dir, 'd.csv'), 'utf8').trimEnd().split('\n');
  const kaggle = lines.map((line) => {
    const cells = line.split(',');
    return [cells[cells.length - 1], ...cells.slice(0, -1)].join(',');
  });
  expect(kaggle[0].startsWith('label,pixel0,pixel1,')).toBe(true);
  writeFileSync(join(dir, 'k.csv'), kaggle.join('\n') + '\n');
}, 60_000);

// λ = 0 for all: a model file records its training λ, a MAT-file none
const evaluate = (model: string, data: string) => onlyJson(cli(['evaluate', '--model', model, '--data', data, '--lambda', '0', '--json'], { cwd: dir }));

describe('one set of digits in four files, one set of weights in two', () => {
  it('a Kaggle-style CSV reads its label from the column named label: 10 classes, and ex4weights.mat scores numpy’s 97.52% on it', () => {
    const info = onlyJson(cli(['data', 'info', 'k.csv', '--json'], { cwd: dir })).dataset;
    expect(info.classes).toBe(10);
    expect(info.features).toBe(400);
    const j = evaluate(EX4WEIGHTS, 'k.csv');
    expect(j.accuracy).toBe(ref.accuracy);
    expect(j.confusion.counts).toEqual(ref.confusion);
  });

  it('cost --weights ex4weights.mat: numpy’s J(Θ) on digits5000 and on each export', () => {
    for (const data of ['builtin:digits5000', 'd.csv', 'd.idx', 'k.csv']) {
      const r = onlyJson(cli(['cost', '--weights', EX4WEIGHTS, '--data', data, '--json'], { cwd: dir }));
      expect(r.cost, data).toBeCloseTo(ref.cost, 10);
    }
  });

  it('a model trained on the Kaggle CSV (classes 0..9) scores the same on digits5000 (classes 1..9, 0): classes match by name', () => {
    const t = cli(['train', '--data', 'k.csv', '--maxfun', '40', '--out', 'k.json'], { cwd: dir });
    expect(t.code, t.stderr).toBe(0);
    const own = evaluate('k.json', 'k.csv');
    expect(own.accuracy).toBeGreaterThan(0.7);
    for (const data of ['builtin:digits5000', 'd.csv', 'd.idx']) expect(evaluate('k.json', data).accuracy, data).toBe(own.accuracy);
  });

  it('export --out X.mat of that model (row-major pictures, classes 0..9) reads back as --model and scores as the model', () => {
    const own = evaluate('k.json', 'k.csv');
    const e = cli(['export', '--out', 'k.mat', 'k.json'], { cwd: dir });
    expect(e.code, e.stderr).toBe(0);
    expect(e.stderr).not.toMatch(/holds no class names/); // 0..9 are the digits, which a MAT-file's classes are named
    for (const data of ['k.csv', 'builtin:digits5000', 'd.idx']) {
      const j = evaluate('k.mat', data);
      expect(j.accuracy, data).toBe(own.accuracy);
      expect(j.cost, data).toBeCloseTo(own.cost, 10);
    }
  });
});
