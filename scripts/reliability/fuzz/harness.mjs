// The fuzz loop shared by scripts/reliability/fuzz.mjs (on dist, ≥ 10,000 cases) and the vitest suite (on src,
// a few hundred to a few thousand cases): build case i of a seed, run the parser on it with a timer, and classify
// the outcome. A format either mutates seed files (`seeds` + `mutate`) or generates each input (`generate`).
//
// Outcomes: ok (parsed), typed (a BackpropError subclass with a string `code` — the contract for bad input),
// crash (any other exception: TypeError, RangeError … — a bug), invariant (the parser returned something
// inconsistent — a bug), hang (took longer than the bound — a bug, whatever the result), oom (grew the peak RSS
// past the format's bound — a bug). A format with `bounds` is timed by CPU time (a loaded machine stretches wall
// time; a case that waits shows as wall time over 5× the bound) and has its peak RSS measured (Linux).
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { caseRng } from './prng.mjs';
import { InvariantError } from './invariant.mjs';
import * as csv from './formats/csv.mjs';
import * as idx from './formats/idx.mjs';
import * as mat from './formats/mat.mjs';
import * as matStructured from './formats/mat-structured.mjs';
import * as model from './formats/model.mjs';
import * as png from './formats/png.mjs';

export const FORMATS = { mat, 'mat-structured': matStructured, idx, csv, model, png };
export const FORMAT_NAMES = Object.keys(FORMATS);
export const DEFAULT_HANG_MS = 2000;

/**
 * Seeds and mutation context of a format. `lib` is the library under test (src in tests, dist in the script);
 * `root` the repository root (fixtures are read from it).
 */
export function prepare(formatName, lib, root) {
  const format = FORMATS[formatName];
  if (!format) throw new Error(`unknown format ${JSON.stringify(formatName)}; expected one of ${FORMAT_NAMES.join(', ')}`);
  if (format.generate) return { name: formatName, format, seeds: [], ctx: {} };
  const seeds = format.seeds(lib, root);
  // Every seed must parse: otherwise the fuzzer would be mutating garbage (v7.3 files are refused by design).
  for (const s of seeds) {
    const input = format.seedInput ? format.seedInput(s) : s.bytes;
    try {
      format.parse(input, lib);
    } catch (err) {
      if (!(formatName === 'mat' && err?.code === 'ERR_MAT_V73')) {
        throw new Error(`seed ${s.name} of ${formatName} does not parse: ${err?.message}`, { cause: err });
      }
    }
  }
  return { name: formatName, format, seeds, ctx: { seeds: seeds.map((s) => s.bytes), fields: format.fields } };
}

/** Case `index` of run seed `seed`: which seed file, which mutations, and the mutated input. */
export function makeCase(prepared, seed, index) {
  const rng = caseRng(seed, index);
  if (prepared.format.generate) {
    const g = prepared.format.generate(rng);
    return { index, seedName: g.kind, ops: g.ops, input: g.bytes };
  }
  const source = rng.pick(prepared.seeds);
  const result = prepared.format.mutate(rng, source.bytes, prepared.ctx, source);
  return { index, seedName: source.name, ops: result.ops, input: result.input ?? result.bytes };
}

/** Runs the parser on one input; never throws. */
export function runCase(prepared, lib, input, hangMs = DEFAULT_HANG_MS) {
  const bounds = prepared.format.bounds;
  const rssStart = bounds ? resetPeakRss() : undefined;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  let outcome;
  let code;
  let error;
  try {
    prepared.format.parse(input, lib);
    outcome = 'ok';
  } catch (err) {
    if (err instanceof lib.BackpropError && typeof err.code === 'string' && err.code !== '') {
      outcome = 'typed';
      code = err.code;
    } else if (err instanceof InvariantError) {
      outcome = 'invariant';
      error = describeError(err);
    } else {
      outcome = 'crash';
      error = describeError(err);
    }
  }
  const ms = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  if (bounds ? cpuMs > hangMs || ms > 5 * hangMs : ms > hangMs) outcome = 'hang';
  let rssGrowthMb;
  if (rssStart !== undefined) {
    rssGrowthMb = statusMb('VmHWM') - rssStart;
    if (rssGrowthMb > bounds.rssMb) outcome = 'oom';
  }
  return { outcome, code, error, ms, cpuMs, rssGrowthMb };
}

/** Resets the process's peak RSS (Linux: clear_refs 5) and returns the RSS now in MiB; undefined elsewhere. */
function resetPeakRss() {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return statusMb('VmRSS');
  } catch {
    return undefined;
  }
}

function statusMb(field) {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function describeError(err) {
  if (!(err instanceof Error)) return { name: typeof err, message: String(err), frame: '' };
  const frame = (err.stack ?? '').split('\n').find((l) => l.trim().startsWith('at ')) ?? '';
  return { name: err.name, message: err.message.slice(0, 300), frame: frame.trim() };
}

/** A crash's identity for grouping: class, message with numbers blanked, top frame. */
export function signature(error) {
  return `${error.name}: ${error.message.replace(/\d+/g, 'N').slice(0, 120)} @ ${error.frame.replace(/:\d+:\d+\)?$/, '')}`;
}

/** Counts and examples of a run; feed it case results with `add`. */
export class Tally {
  constructor(format) {
    this.format = format;
    this.cases = 0;
    this.outcomes = { ok: 0, typed: 0, crash: 0, invariant: 0, hang: 0, oom: 0 };
    this.codes = {};
    this.bugs = new Map(); // signature → { count, example }
    this.slowest = { ms: 0, index: -1 };
    this.slowestCpu = { ms: 0, index: -1 };
    this.rssGrowthPeak = { mb: 0, index: -1 };
    this.totalMs = 0;
  }

  add(c, r) {
    this.cases++;
    this.outcomes[r.outcome] = (this.outcomes[r.outcome] ?? 0) + 1;
    if (r.code) this.codes[r.code] = (this.codes[r.code] ?? 0) + 1;
    this.totalMs += r.ms;
    if (r.ms > this.slowest.ms) this.slowest = { ms: r.ms, index: c.index, seedName: c.seedName, ops: c.ops };
    if (r.cpuMs > this.slowestCpu.ms) this.slowestCpu = { ms: r.cpuMs, index: c.index, seedName: c.seedName, ops: c.ops };
    if (r.rssGrowthMb > this.rssGrowthPeak.mb) this.rssGrowthPeak = { mb: r.rssGrowthMb, index: c.index, seedName: c.seedName };
    if (r.outcome === 'crash' || r.outcome === 'invariant' || r.outcome === 'hang' || r.outcome === 'oom') {
      const sig =
        r.outcome === 'hang' || r.outcome === 'oom' ? `${r.outcome}: ${c.seedName} ${c.ops.join('+')}` : `${r.outcome} ${signature(r.error)}`;
      const entry = this.bugs.get(sig) ?? { count: 0, example: { index: c.index, seedName: c.seedName, ops: c.ops, error: r.error, ms: r.ms } };
      entry.count++;
      this.bugs.set(sig, entry);
    }
  }

  get bugCount() {
    return this.outcomes.crash + this.outcomes.invariant + this.outcomes.hang + this.outcomes.oom;
  }

  toJSON() {
    return {
      format: this.format,
      cases: this.cases,
      outcomes: this.outcomes,
      codes: this.codes,
      bugs: [...this.bugs].map(([sig, e]) => ({ signature: sig, ...e })),
      slowestMs: Math.round(this.slowest.ms * 10) / 10,
      slowest: this.slowest,
      slowestCpuMs: Math.round(this.slowestCpu.ms * 10) / 10,
      slowestCpu: this.slowestCpu,
      rssGrowthPeakMb: Math.round(this.rssGrowthPeak.mb),
      rssGrowthPeak: this.rssGrowthPeak,
      meanMs: this.cases ? Math.round((this.totalMs / this.cases) * 1000) / 1000 : 0,
    };
  }
}

/** Runs cases [start, start + count) of one format in this thread. */
export function runCases({ formatName, lib, root, seed, count, start = 0, hangMs = DEFAULT_HANG_MS, onCase }) {
  const prepared = prepare(formatName, lib, root);
  const tally = new Tally(formatName);
  for (let i = start; i < start + count; i++) {
    const c = makeCase(prepared, seed, i);
    const r = runCase(prepared, lib, c.input, hangMs);
    tally.add(c, r);
    onCase?.(c, r);
  }
  return tally;
}
