// Numeric CSV (parseCsv) for the parser fuzzer: a few valid files in each dialect (header or not, ',' ';' tab,
// quoted cells, CRLF), mutated as text and as bytes, parsed under one of several option sets.
import { InvariantError } from '../invariant.mjs';
import { mutateText } from '../text.mjs';

export const name = 'csv';
export const text = true;

// Each seed with the options it parses under.
const SEEDS = [
  ['x1,x2,x3,label\n0.5,1,-2,1\n0,0,1e-3,2\n3.25,-1.5,7,3\n', {}],
  ['1,2,1\n3,4,2\n5,6,1\n7,8,2\n', {}],
  ['a;b;y\n1;2;0\n3;4;1\n5;6;9\n', { labels: 'zero-based' }],
  ['f1\tf2\tf3\tclass\r\n0.1\t0.2\t0.3\t10\r\n0.4\t0.5\t0.6\t4\r\n', { labels: 'digits' }],
  ['"p","q","digit"\n"0.25","1","0"\n"0.75","0","7"\n', { labels: 'digits' }],
  ['label,x\n1,0.5\n2,-0.5\n\n', { labelColumn: 'label' }],
];

const OPTION_SETS = [
  {},
  { labels: 'zero-based' },
  { labels: 'digits' },
  { header: true },
  { header: false },
  { labelColumn: 0 },
  { labelColumn: 'label' },
  { delimiter: ';' },
];

export function seeds() {
  return SEEDS.map(([text, options], i) => ({ name: `csv${i}`, bytes: new TextEncoder().encode(text), options }));
}

export function seedInput(seed) {
  return { text: new TextDecoder().decode(seed.bytes), options: seed.options };
}

export function fields() {
  return [];
}

/** Returns the mutated text and the options to parse it with. */
export function mutate(rng, seed, ctx, source) {
  const step = mutateText(rng, new TextDecoder().decode(seed), ctx);
  const options = rng.chance(0.6) ? source.options : rng.pick(OPTION_SETS);
  return { input: { text: step.text, options }, ops: [...step.ops, `options=${JSON.stringify(options)}`] };
}

/** Parses, then checks the data set's shape and labels hold together. */
export function parse(input, lib) {
  const ds = lib.parseCsv(input.text, input.options);
  if (ds.X.data.length !== ds.X.rows * ds.X.cols) throw new InvariantError('X size');
  if (ds.y.length !== ds.X.rows) throw new InvariantError('y length');
  if (ds.labelNames.length !== ds.K) throw new InvariantError('labelNames length');
  for (const label of ds.y) if (!(label >= 1 && label <= ds.K)) throw new InvariantError(`label ${label} outside 1..${ds.K}`);
  for (const v of ds.X.data) if (!Number.isFinite(v)) throw new InvariantError(`non-finite feature ${v}`);
  return ds.X.rows;
}
