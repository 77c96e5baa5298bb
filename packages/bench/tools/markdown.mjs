#!/usr/bin/env node
// Render a saved `--json` report as Markdown tables (what PERFORMANCE.md shows):
//   node packages/bench/tools/markdown.mjs bench.json
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: markdown.mjs REPORT.json\n');
  process.exit(2);
}
const r = JSON.parse(readFileSync(file, 'utf8'));
const ms = (v) => (v == null ? '—' : v < 1 ? `${(v * 1000).toPrecision(3)} µs` : v < 1000 ? `${v.toPrecision(3)} ms` : `${(v / 1000).toPrecision(3)} s`);
const flops = (f) => (f == null ? '—' : f >= 1e9 ? `${(f / 1e9).toPrecision(3)} GFLOP` : f >= 1e6 ? `${(f / 1e6).toPrecision(3)} MFLOP` : `${(f / 1e3).toPrecision(3)} kFLOP`);
const num = (v) => (typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(4) : String(v));
const out = [];
const FACTS = ['cost', 'trainAccuracy', 'testAccuracy', 'nfev', 'trainingsPerMinute', 'extrapolatedFromRows'];

for (const row of r.rows) {
  out.push(`### Row ${row.id} — ${row.title}`, '', `${row.workload}.`, '');
  if (row.flops != null && row.floorMs != null) {
    let line = `FLOPs ${flops(row.flops)} → floor **${ms(row.floorMs)}** at the measured peak`;
    if (row.sparseFlops != null) line += `; with the input's zeros skipped ${flops(row.sparseFlops)} → ${ms(row.sparseFloorMs)}`;
    out.push(`${line}.`, '');
  }
  if (row.entries.some((e) => e.unit === 'req/s')) {
    // offered: a paced (moderate) load's offered rate; closed-loop runs offer whatever the server takes
    const fixed = (v, d) => (typeof v === 'number' ? v.toFixed(d) : '—');
    out.push('| implementation | req/s (median) | offered | p50 | p90 | p99 | runs |', '|---|---:|---:|---:|---:|---:|---:|');
    for (const e of row.entries) {
      const offered = e.details.offeredRps != null ? Math.round(e.details.offeredRps) : 'closed loop';
      out.push(e.status === 'ok'
        ? `| ${e.name} | ${Math.round(e.median)} | ${offered} | ${fixed(e.details.p50Ms, 2)} ms | ${fixed(e.details.p90Ms, 2)} ms | ${fixed(e.details.p99Ms, 2)} ms | ${e.samples.length} |`
        : `| ${e.name} | ${e.status}: ${e.reason} | | | | | |`);
    }
  } else {
    out.push('| implementation | median | floor | × floor | threads | samples × calls | |', '|---|---:|---:|---:|---:|---:|---|');
    for (const e of row.entries) {
      if (e.status !== 'ok') {
        out.push(`| ${e.name} | ${e.status} | | | | | ${e.reason} |`);
        continue;
      }
      const facts = FACTS.filter((k) => e.details[k] != null).map((k) => `${k} ${num(e.details[k])}`).join(', ');
      const over = e.floorMs ? (e.median / e.floorMs).toFixed(1) : '—';
      out.push(`| ${e.name} | **${ms(e.median)}** | ${ms(e.floorMs)} | ${over} | ${e.threads ?? '—'} | ${e.samples.length} × ${e.inner} | ${facts} |`);
    }
  }
  out.push('');
  for (const n of row.notes) out.push(`- ${n}`);
  if (row.notes.length) out.push('');
}

out.push('### Checks', '', '| row | check | value | target | verdict |', '|---|---|---:|---|---|');
for (const row of r.rows) {
  for (const c of row.checks) {
    const value = c.value == null ? '—' : c.unit === 'x' ? `${c.value.toFixed(2)}×` : ms(c.value);
    const target = c.target ? `${c.target.op === '>=' ? '≥' : '≤'} ${c.unit === 'x' ? `${c.target.value}×` : ms(c.target.value)}` : '';
    const verdict = c.target ? (c.met == null ? 'not measured' : c.met ? '**met**' : '**missed**') : '(no target)';
    out.push(`| ${row.id} | ${c.name}${c.note ? ` (${c.note})` : ''} | ${value} | ${target} | ${verdict} |`);
  }
}
process.stdout.write(`${out.join('\n')}\n`);
