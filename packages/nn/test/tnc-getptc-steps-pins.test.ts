/**
 * TNC's step-length search (optim/tnc/linesearch.ts) step by step against scipy's own getptcInit/getptcIter
 * (tnc.c, scipy 1.17.1), driven by scripts/ref/tnc_getptc/harness.c over the scenarios of
 * scripts/ref/tnc_getptc/run.py (fixture: fixtures/optim/tnc-getptc-steps.json). Each run gives the setup, then
 * the φ, φ' answered at every trial; after start() and after every next() the verdict and the whole state
 * (trial, best and second-best points, the interval, b1, e, the step, the bound, the factor, the bracket flag,
 * the two test slopes and the three tolerances) must equal scipy's bit for bit: the port performs the same
 * IEEE operations in the same order (the harness is built with -ffp-contract=off, so no fused multiply-add), and
 * both sides see the same inputs. Issue 21: the whole-TNC path tests kill only mutants that change an evaluated
 * point; these pin the search's arithmetic where no evaluated point shows it (the tightening loop, the chord's
 * fictitious value, the overflow guard of the r² + s² root, the start checks).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { StepSearch, type StepState, type StepVerdict } from '../src/optim/tnc/linesearch.js';

type Num = number | 'NaN' | 'Infinity' | '-Infinity';
interface Run {
  name: string;
  why: string;
  setup: Record<'reltol' | 'abstol' | 'tnytol' | 'fpresn' | 'eta' | 'xbnd' | 'u' | 'f0' | 'g0', Num>;
  inputs: [Num, Num][];
  /**
   * After getptcInit, then after each getptcIter, each a list in the order of `fields` (rc first); null where
   * getptcInit refused the setup (GETPTC_EINVAL: nothing was set).
   */
  states: (Num[] | null)[];
}

const here = dirname(fileURLToPath(import.meta.url));
const golden = JSON.parse(readFileSync(join(here, 'fixtures', 'optim', 'tnc-getptc-steps.json'), 'utf8')) as {
  fields: string[];
  runs: Run[];
};
const rc = (st: Num[] | null): number => (st ? (st[0] as number) : 2);

/** JSON has no NaN or infinities: the generator writes them as strings. */
const num = (v: Num): number => (typeof v === 'number' ? v : Number(v));

/** getptc's return codes: GETPTC_OK, GETPTC_EVAL, GETPTC_EINVAL, GETPTC_FAIL. */
const VERDICT: Record<number, StepVerdict> = { 0: 'ok', 1: 'evaluate', 2: 'fail', 3: 'fail' };

const KEYS: (keyof StepState)[] = [
  'u', 'xmin', 'fmin', 'gmin', 'xw', 'fw', 'gw', 'a', 'b', 'oldf', 'b1', 'scxbnd', 'e', 'step', 'factor',
  'braktd', 'gtest1', 'gtest2', 'tol', 'reltol', 'abstol',
];

/** scipy's state as ours: numbers exact (Object.is, so NaN = NaN and -0 ≠ 0), braktd as a boolean. */
function expected(st: Num[]): Record<string, number | boolean> {
  const out: Record<string, number | boolean> = {};
  for (const k of KEYS) {
    const v = st[golden.fields.indexOf(k)];
    out[k] = k === 'braktd' ? v === 1 : num(v);
  }
  return out;
}

function actual(search: StepSearch): Record<string, number | boolean> {
  const st = search.state;
  const out: Record<string, number | boolean> = {};
  for (const k of KEYS) out[k] = st[k];
  return out;
}

describe('TNC step search: every step equals scipy getptc', () => {
  it('the fixture covers the branches it was built for', () => {
    const codes = new Set(golden.runs.map((r) => rc(r.states[r.states.length - 1])));
    expect([...codes].sort()).toEqual([0, 1, 2, 3]);
    expect(golden.runs.length).toBeGreaterThan(50);
  });

  for (const run of golden.runs) {
    it(`${run.name} (${run.why})`, () => {
      const s = run.setup;
      const search = new StepSearch({
        reltol: num(s.reltol),
        abstol: num(s.abstol),
        tnytol: num(s.tnytol),
        fpresn: num(s.fpresn),
        eta: num(s.eta),
        xbnd: num(s.xbnd),
        u: num(s.u),
        f0: num(s.f0),
        g0: num(s.g0),
      });
      let verdict = search.start();
      for (let i = 0; i < run.states.length; i++) {
        const where = `${run.name}, state ${i}`;
        const st = run.states[i];
        expect(verdict, where).toBe(VERDICT[rc(st)]);
        if (st) expect(actual(search), where).toStrictEqual(expected(st));
        if (i < run.inputs.length) {
          const [fu, gu] = run.inputs[i];
          verdict = search.next(num(fu), num(gu));
        }
      }
    });
  }
});
