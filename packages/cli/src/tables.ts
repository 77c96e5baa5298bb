import { displayOrder, type ClassMetrics, type ConfusionMatrix } from '@backprop/nn';
import { percent } from './output.js';

/** A table as header + rows of cells, rendered as text ({@link table} in output.ts) or markdown. */
export interface Cells {
  header: string[];
  rows: string[][];
}

/**
 * Confusion matrix cells: one row per true class, one column per predicted class, labelled with the human names
 * (digits 0..9: label 10 shows as "0" and comes first).
 */
export function confusionCells(cm: ConfusionMatrix, labelNames: readonly string[]): Cells {
  const order = displayOrder(labelNames.slice(0, cm.K));
  const name = (k: number): string => labelNames[k - 1] ?? String(k);
  return {
    header: ['actual \\ predicted', ...order.map(name)],
    rows: order.map((a) => [name(a), ...order.map((p) => String(cm.counts[a - 1][p - 1]))]),
  };
}

/** Per-class precision / recall / support, in the same order. */
export function classCells(classes: ClassMetrics[], labelNames: readonly string[]): Cells {
  const order = displayOrder(labelNames.slice(0, classes.length));
  return {
    header: ['class', 'precision', 'recall', 'support'],
    rows: order.map((k) => {
      const c = classes[k - 1];
      return [labelNames[k - 1] ?? String(k), percent(c.precision, 1), percent(c.recall, 1), String(c.support)];
    }),
  };
}

/** Markdown table; `align` 'numbers' right-aligns every column but the first, 'text' left-aligns all. */
export function markdownTable({ header, rows }: Cells, align: 'numbers' | 'text' = 'numbers'): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  return [
    `| ${header.map(esc).join(' | ')} |`,
    `|${header.map((_, j) => (j === 0 || align === 'text' ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}
