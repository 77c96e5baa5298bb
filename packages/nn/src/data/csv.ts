/**
 * Numeric CSV → Dataset. One example per line, features then (by default) the label in the last column; an
 * optional header line; ',' ';' or tab separated (detected from the first line unless given). Every error names
 * the 1-based line and column.
 */
import { InvalidArgumentError } from '../errors.js';
import { type Dataset, type ImageShape, makeDataset } from './dataset.js';
import { DataFormatError } from './errors.js';
import { classesFor, describeMapping, LABEL_MAPPINGS, type LabelMapping, mapLabel } from './label-mapping.js';

export interface CsvOptions {
  /** Data set name. Default 'csv'. */
  name?: string;
  /** Whether the first non-blank line is a header; 'auto' (default): yes if any of its cells is not a number. */
  header?: boolean | 'auto';
  /** Cell separator; default detected from the first line (tab, then ';' when there is no ',', else ','). */
  delimiter?: string;
  /** Label column: 0-based index, negative counts from the end (default −1, the last), or a header name. */
  labelColumn?: number | string;
  /** How label values map to 1..K (see LabelMapping). Default 'one-based'. */
  labels?: LabelMapping;
  labelNames?: readonly string[];
  imageShape?: ImageShape;
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export function parseCsv(text: string, options: CsvOptions = {}): Dataset {
  if (typeof text !== 'string') throw new InvalidArgumentError(`text: expected a string, got ${typeof text}`);
  const mapping = options.labels ?? 'one-based';
  if (!LABEL_MAPPINGS.includes(mapping)) {
    throw new InvalidArgumentError(`options.labels: expected one of ${LABEL_MAPPINGS.join(', ')}, got ${mapping}`);
  }
  const name = options.name ?? 'csv';
  const lines = text.split(/\r?\n/);
  const rows: { line: number; cells: string[] }[] = [];
  let delimiter = options.delimiter;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    delimiter ??= detectDelimiter(lines[i]);
    rows.push({ line: i + 1, cells: lines[i].split(delimiter).map(unquote) });
  }
  if (rows.length === 0) throw new DataFormatError('ERR_CSV_EMPTY', `${name}: the CSV has no rows`);
  const first = rows[0];
  const hasHeader =
    options.header === 'auto' || options.header === undefined
      ? first.cells.some((c) => !NUMBER.test(c))
      : options.header;
  const header = hasHeader ? rows.shift()!.cells : undefined;
  const width = first.cells.length;
  if (width < 2) {
    throw new DataFormatError(
      'ERR_CSV_PARSE',
      `line ${first.line}: expected at least 2 columns (features and a label), got ${width}`,
      { line: first.line },
    );
  }
  if (rows.length === 0) throw new DataFormatError('ERR_CSV_EMPTY', `${name}: the CSV has a header but no data rows`);
  const labelAt = labelColumnIndex(options.labelColumn ?? -1, width, header);
  const m = rows.length;
  const n = width - 1;
  const X = new Float64Array(m * n);
  const y = new Int32Array(m);
  let maxLabel = 0;
  rows.forEach(({ line, cells }, i) => {
    if (cells.length !== width) {
      throw new DataFormatError(
        'ERR_CSV_RAGGED',
        `line ${line}: expected ${width} columns (as on line ${first.line}), got ${cells.length}`,
        { line },
      );
    }
    let j = 0;
    for (let c = 0; c < width; c++) {
      const cell = cells[c];
      if (!NUMBER.test(cell) || !Number.isFinite(Number(cell))) {
        throw new DataFormatError(
          'ERR_CSV_PARSE',
          `line ${line}, column ${c + 1}: expected a number, got ${JSON.stringify(cell)}`,
          { line, column: c + 1 },
        );
      }
      const v = Number(cell);
      if (c === labelAt) {
        const label = mapLabel(v, mapping);
        if (label === undefined) {
          throw new DataFormatError(
            'ERR_CSV_LABEL',
            `line ${line}, column ${c + 1}: label ${cell} is not valid; expected ${describeMapping(mapping)}`,
            { line, column: c + 1 },
          );
        }
        y[i] = label;
        maxLabel = Math.max(maxLabel, label);
      } else {
        X[i * n + j++] = v;
      }
    }
  });
  const { K, labelNames } = classesFor(mapping, maxLabel, options.labelNames);
  return makeDataset({ name, X: { rows: m, cols: n, data: X }, y, K, labelNames, imageShape: options.imageShape });
}

function detectDelimiter(line: string): string {
  if (line.includes('\t')) return '\t';
  if (line.includes(';') && !line.includes(',')) return ';';
  return ',';
}

function unquote(cell: string): string {
  const t = cell.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
}

function labelColumnIndex(column: number | string, width: number, header: string[] | undefined): number {
  if (typeof column === 'string') {
    const at = header?.indexOf(column) ?? -1;
    if (at < 0) {
      const have = header
        ? `the header has ${header.map((h) => JSON.stringify(h)).join(', ')}`
        : 'the CSV has no header';
      throw new InvalidArgumentError(`options.labelColumn: no column named ${JSON.stringify(column)}; ${have}`);
    }
    return at;
  }
  if (!Number.isInteger(column) || column >= width || column < -width) {
    throw new InvalidArgumentError(
      `options.labelColumn: expected an integer in ${-width}..${width - 1}, got ${column}`,
    );
  }
  return column < 0 ? width + column : column;
}
