import { ImageError } from './errors.js';

/** What the chart reads from each history entry (a Model's training.history fits). */
export interface CurvePoint {
  iteration: number;
  cost: number;
  trainAccuracy?: number;
  validationAccuracy?: number;
}

export interface CostCurveOptions {
  title?: string;
  width?: number;
  height?: number;
  /** Log-scale cost axis. Default: when the largest cost is over 20× the smallest. */
  logCost?: boolean;
}

const COST = '#1f5fbf';
const TRAIN = '#2e8b57';
const VALID = '#d2691e';
const FONT = 'font-family="sans-serif"';

/**
 * A self-contained SVG line chart of the cost J(Θ) per iteration (left axis) and, when the history has them,
 * training accuracy (dashed) and validation accuracy (solid) on a second axis (right). Plain SVG with generic
 * fonts: no scripts, no external fonts or stylesheets.
 */
export function costCurveSvg(history: readonly CurvePoint[], options: CostCurveOptions = {}): string {
  const points = history.filter((h) => Number.isFinite(h.iteration) && Number.isFinite(h.cost));
  if (points.length === 0) throw new ImageError('costCurveSvg: the history has no (iteration, cost) points to draw');
  const width = options.width ?? 760;
  const height = options.height ?? 440;
  if (!(width >= 200 && height >= 150)) throw new ImageError(`costCurveSvg: width x height must be at least 200x150, got ${width}x${height}`);
  // the accuracy lines the history has: training dashed, validation solid
  const accuracyLines = ([
    ['trainAccuracy', 'training accuracy', TRAIN, 1.5, '6 4'],
    ['validationAccuracy', 'validation accuracy', VALID, 2, undefined],
  ] as const).filter(([key]) => points.some((p) => p[key] !== undefined));
  const hasAcc = accuracyLines.length > 0;
  const title = options.title ?? 'Training cost';
  const m = { top: 66, right: hasAcc ? 72 : 24, bottom: 56, left: 76 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;

  const its = points.map((p) => p.iteration);
  const costs = points.map((p) => p.cost);
  let x0 = Math.min(...its);
  let x1 = Math.max(...its);
  if (x1 === x0) x1 = x0 + 1;
  const xTicks = niceTicks(x0, x1, 8);
  x0 = Math.min(x0, xTicks[0]);
  x1 = Math.max(x1, xTicks[xTicks.length - 1]);
  const X = (v: number): number => m.left + ((v - x0) / (x1 - x0)) * plotW;

  const cMin = Math.min(...costs);
  const cMax = Math.max(...costs);
  const log = options.logCost ?? (cMin > 0 && cMax / cMin > 20);
  if (log && !(cMin > 0)) throw new ImageError('costCurveSvg: a log cost axis needs every cost > 0');
  const f = log ? Math.log10 : (v: number): number => v;
  let yTicks = log ? logTicks(cMin, cMax) : niceTicks(cMin === cMax ? cMin - 1 : cMin, cMin === cMax ? cMax + 1 : cMax, 6);
  let y0 = Math.min(f(cMin), f(yTicks[0]));
  let y1 = Math.max(f(cMax), f(yTicks[yTicks.length - 1]));
  if (y1 === y0) {
    y0 -= 1;
    y1 += 1;
  }
  yTicks = yTicks.filter((t) => f(t) >= y0 - 1e-12 && f(t) <= y1 + 1e-12);
  const Y = (v: number): number => m.top + (1 - (f(v) - y0) / (y1 - y0)) * plotH;

  const accs = points.flatMap((p) => [p.trainAccuracy, p.validationAccuracy]).filter((v): v is number => Number.isFinite(v));
  const aLo = accs.length ? Math.max(0, Math.floor(Math.min(...accs) * 10) / 10) : 0;
  const aTicks = niceTicks(aLo, 1, 6).filter((t) => t >= aLo - 1e-12 && t <= 1 + 1e-12);
  const A = (v: number): number => m.top + (1 - (v - aLo) / (1 - aLo || 1)) * plotH;

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" ${FONT} font-size="17" font-weight="bold" fill="#222">${escapeXml(title)}</text>`,
  ];
  // grid and x ticks
  for (const t of xTicks) {
    const x = fmt(X(t));
    out.push(`<line x1="${x}" y1="${m.top}" x2="${x}" y2="${m.top + plotH}" stroke="#eee"/>`);
    out.push(`<text x="${x}" y="${m.top + plotH + 18}" text-anchor="middle" ${FONT} font-size="12" fill="#333">${tickLabel(t)}</text>`);
  }
  for (const t of yTicks) {
    const y = fmt(Y(t));
    out.push(`<line x1="${m.left}" y1="${y}" x2="${m.left + plotW}" y2="${y}" stroke="#eee"/>`);
    out.push(`<text x="${m.left - 8}" y="${y}" dy="4" text-anchor="end" ${FONT} font-size="12" fill="${COST}">${tickLabel(t)}</text>`);
  }
  out.push(`<rect x="${m.left}" y="${m.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`);
  out.push(
    `<text x="${m.left + plotW / 2}" y="${height - 14}" text-anchor="middle" ${FONT} font-size="13" fill="#222">iteration</text>`,
    `<text transform="translate(20 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle" ${FONT} font-size="13" fill="${COST}">cost J(Θ)${log ? ' (log scale)' : ''}</text>`,
  );
  out.push(polyline(points.map((p) => [X(p.iteration), Y(p.cost)]), COST, 2));
  if (hasAcc) {
    for (const t of aTicks) {
      out.push(`<text x="${m.left + plotW + 8}" y="${fmt(A(t))}" dy="4" text-anchor="start" ${FONT} font-size="12" fill="#555">${(t * 100).toFixed(0)}%</text>`);
    }
    out.push(
      `<text transform="translate(${width - 16} ${m.top + plotH / 2}) rotate(90)" text-anchor="middle" ${FONT} font-size="13" fill="#555">accuracy</text>`,
    );
    for (const [key, , colour, widthPx, dash] of accuracyLines) {
      const pts = points.filter((p) => p[key] !== undefined).map((p) => [X(p.iteration), A(p[key]!)] as [number, number]);
      out.push(polyline(pts, colour, widthPx, dash));
    }
  }
  // legend, between the title and the plot so it never hides a line
  const legend = [['cost', COST, undefined] as const, ...accuracyLines.map(([, label, colour, , d]) => [label, colour, d] as const)];
  const legendWidth = legend.reduce((w, [label]) => w + 44 + label.length * 7, -14);
  let lx = m.left + Math.max(0, (plotW - legendWidth) / 2);
  const ly = 46;
  for (const [label, colour, dash] of legend) {
    out.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
      `<text x="${lx + 30}" y="${ly}" dy="4" ${FONT} font-size="12" fill="#222">${label}</text>`,
    );
    lx += 44 + label.length * 7;
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function polyline(pts: [number, number][], colour: string, widthPx: number, dash?: string): string {
  const d = pts.map(([x, y]) => `${fmt(x)},${fmt(y)}`).join(' ');
  return `<polyline points="${d}" fill="none" stroke="${colour}" stroke-width="${widthPx}" stroke-linejoin="round"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`;
}

function fmt(v: number): string {
  return (Math.round(v * 100) / 100).toString();
}

/** Ticks at 1, 2 or 5 × 10^k spacing covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo;
  const raw = span / Math.max(1, count - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? 10 * mag;
  const first = Math.floor(lo / step) * step;
  const ticks: number[] = [];
  for (let t = first; t <= hi + step * 0.5 && ticks.length < 50; t += step) ticks.push(Number(t.toPrecision(12)));
  if (ticks[ticks.length - 1] < hi) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

/** 1, 2, 5 × 10^k ticks covering [lo, hi] (lo > 0). */
function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const k of [1, 2, 5]) ticks.push(Number((k * 10 ** e).toPrecision(12)));
  }
  const below = ticks.filter((t) => t <= lo);
  const above = ticks.filter((t) => t >= hi);
  const from = below.length ? below[below.length - 1] : ticks[0];
  const to = above.length ? above[0] : ticks[ticks.length - 1];
  return ticks.filter((t) => t >= from && t <= to);
}

function tickLabel(t: number): string {
  if (t !== 0 && (Math.abs(t) >= 1e5 || Math.abs(t) < 1e-3)) return t.toExponential(0);
  return String(Number(t.toPrecision(6)));
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch]!);
}
