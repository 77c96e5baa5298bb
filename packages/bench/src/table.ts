/** The report as a plain-text table: per row the medians, FLOP floors, samples, then the checks against targets. */
import type { BenchCheck, BenchEntry, BenchReport, BenchRow } from './types.js';

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1) return `${(ms * 1000).toPrecision(3)} µs`;
  if (ms < 1000) return `${ms.toPrecision(3)} ms`;
  return `${(ms / 1000).toPrecision(3)} s`;
}

function formatFlops(f: number | null): string {
  if (f === null) return '—';
  if (f >= 1e9) return `${(f / 1e9).toPrecision(3)} GFLOP`;
  if (f >= 1e6) return `${(f / 1e6).toPrecision(3)} MFLOP`;
  return `${(f / 1e3).toPrecision(3)} kFLOP`;
}

function grid(header: string[], rows: string[][], indent = '  '): string[] {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? '').length)));
  const line = (cells: string[]) =>
    indent + cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ').trimEnd();
  return [line(header), indent + widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

function timeRow(e: BenchEntry): string[] {
  if (e.status !== 'ok') return [e.name, e.status, '', '', '', '', e.reason ?? ''];
  const overFloor = e.floorMs && e.median !== null ? (e.median / e.floorMs).toFixed(1) : '—';
  const facts = Object.entries(e.details)
    .filter(([k]) => ['cost', 'trainAccuracy', 'testAccuracy', 'nfev', 'trainingsPerMinute', 'extrapolatedFromRows'].includes(k))
    .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(5) : v}`)
    .join(' ');
  return [e.name, formatMs(e.median), formatMs(e.floorMs), overFloor, String(e.threads ?? '—'), `${e.samples.length}×${e.inner}`, facts];
}

function rateRow(e: BenchEntry): string[] {
  if (e.status !== 'ok') return [e.name, e.status, '', '', '', e.reason ?? ''];
  const ms = (v: unknown) => (typeof v === 'number' ? `${v.toFixed(2)} ms` : '—');
  return [e.name, `${Math.round(e.median ?? 0)}`, ms(e.details.p50Ms), ms(e.details.p99Ms), String(e.samples.length),
    e.details.failedRequests ? `${e.details.failedRequests} failed` : ''];
}

function checkLine(c: BenchCheck): string {
  const value = c.value === null ? '—' : c.unit === 'x' ? `${c.value.toFixed(2)}×` : formatMs(c.value);
  const target = c.target ? `target ${c.target.op === '>=' ? '≥' : '≤'} ${c.unit === 'x' ? `${c.target.value}×` : formatMs(c.target.value)}` : '';
  const verdict = c.target ? (c.met === null || c.met === undefined ? 'not measured' : c.met ? 'MET' : 'MISSED') : '';
  return `    ${c.name.padEnd(38)} ${value.padStart(9)}   ${target.padEnd(16)} ${verdict}${c.note ? `   (${c.note})` : ''}`;
}

export function formatRow(row: BenchRow): string[] {
  const out = [`Row ${row.id} — ${row.title} [${row.status}, ${row.seconds.toFixed(0)} s]`, `  ${row.workload}`];
  if (row.floorMs !== null || row.flops !== null) {
    const sparse = row.sparseFlops !== undefined
      ? `; skipping the input's zeros ${formatFlops(row.sparseFlops)}, floor ${formatMs(row.sparseFloorMs)}`
      : '';
    out.push(`  FLOPs ${formatFlops(row.flops)}, floor ${formatMs(row.floorMs)} at the measured peak${sparse}`);
  }
  const rate = row.entries.some((e) => e.unit === 'req/s');
  out.push(
    ...(rate
      ? grid(['implementation', 'req/s', 'p50', 'p99', 'runs', ''], row.entries.map(rateRow))
      : grid(['implementation', 'median', 'floor', '×floor', 'threads', 'samples', ''], row.entries.map(timeRow))),
  );
  if (row.checks.length) out.push('  checks:', ...row.checks.map(checkLine));
  for (const n of row.notes) out.push(`  note: ${n}`);
  return out;
}

export function formatBenchTable(report: BenchReport): string {
  const m = report.machine;
  const t = report.threads;
  const numpy = t.numpy?.map((b) => `${b.library} ${b.threads ?? '?'}`).join(', ') ?? 'python did not run';
  const env = Object.entries(t.env).map(([k, v]) => `${k}=${v ?? '(unset)'}`).join(' ');
  const lines = [
    `backprop bench — ${report.startedAt} — ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node}`,
    `load average ${m.loadavgStart.join(' ')} at start, ${m.loadavgEnd.join(' ')} at end; repeat ${report.options.repeat}${report.options.quick ? ', --quick' : ''}`,
    `threads: native ${t.native ?? '—'} (${t.nativeBlas ?? 'addon unavailable'}); numpy/scipy: ${numpy}; PyTorch ${t.torch ?? '—'}`,
    `addon class: ${t.nativeIsa ? `${t.nativeIsa.addon} (${t.nativeIsa.chosen === 'env' ? 'BACKPROP_ISA' : t.nativeIsa.chosen}; this CPU's best ${t.nativeIsa.cpu})` : '—'}` +
      `; --isa ${report.options.isa ?? '(not given)'}, --blas-coretype ${report.options.blasCoretype ?? '(not given)'}`,
    `env: ${env}`,
    `peak dgemm ${report.peak.n}³: ${report.peak.gflops === null ? '—' : report.peak.gflops.toFixed(1)} GFLOP/s native` +
      (report.peak.gflopsEnd !== null ? ` (${report.peak.gflopsEnd.toFixed(1)} at the end)` : '') +
      (report.peak.numpyGflops ? `, ${report.peak.numpyGflops.toFixed(1)} GFLOP/s numpy` : ''),
    '',
  ];
  for (const row of report.rows) lines.push(...formatRow(row), '');
  for (const n of report.notes) lines.push(`note: ${n}`);
  lines.push(`total ${report.seconds.toFixed(0)} s`);
  return lines.join('\n');
}
