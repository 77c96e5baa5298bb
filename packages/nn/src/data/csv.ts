/**
 * CSV → Dataset. One example per row: numeric features and one label column (by default the last; any position or
 * header name), or none (`labelColumn: null`, or a header of exactly pixel0 … pixelN−1, as Kaggle's test.csv): such
 * a file holds examples without labels (an ExampleSet), which parseCsvExamples / readCsvExamples return and parseCsv
 * refuses. Labels are integers from 0 or 1, digits, or class names (see LabelRule). Cells are separated by
 * ',' ';' or tab (detected from the first row unless given) and may be quoted ("a, b" and "" inside quotes). Spaces
 * around an unquoted cell are trimmed; inside quotes they are data (RFC 4180: " a" is the class " a", as
 * formatCsv writes it), except around a number, which is that number.
 *
 * Rows are numbered as the file's lines (1-based; a header and blank lines count), columns from 1; every error
 * names both. A header is a first row whose cells are all non-numeric (or `header: true`); a first row that mixes
 * names and numbers is an error that names it, never silently dropped.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InvalidArgumentError } from '../errors.js';
import { type Dataset, type ExampleSet, type ImageShape, isLabelled, makeDataset } from './dataset.js';
import { squareShape } from './pixel-order.js';
import { DataFileError, DataFormatError } from './errors.js';
import {
  classesFor,
  compareClassNames,
  describeMapping,
  LABEL_RULES,
  type LabelMapping,
  type LabelRule,
  mapLabel,
  MAX_LABEL,
} from './label-mapping.js';

export interface CsvOptions {
  /** Data set name. Default 'csv'. */
  name?: string;
  /** Whether the first non-blank row is a header; 'auto' (default): yes when none of its cells is a number. */
  header?: boolean | 'auto';
  /** Cell separator; default detected from the first row (tab, then ';' when there is no ',', else ','). */
  delimiter?: string;
  /**
   * Label column: 0-based index, negative counts from the end, a header name, or null for none (every column is a
   * feature). Default: the header's column named `label` (any case; Kaggle's MNIST puts it first); none when the
   * header is exactly pixel0 … pixelN−1 (Kaggle's test.csv: every column a pixel); else the last.
   */
  labelColumn?: number | string | null;
  /** How label cells become labels 1..K (see LabelRule). Default 'auto'. */
  labels?: LabelRule;
  /**
   * Class names. With a numeric mapping ('one-based', 'zero-based', 'digits'): the names of labels 1..K. With
   * 'auto' or 'names': the classes themselves (e.g. a model's), and each label cell is looked up among them
   * ('auto': when some are not class names but all are integers 1..K, they are the labels 1..K themselves).
   */
  labelNames?: readonly string[];
  imageShape?: ImageShape;
}

/** Largest CSV file read (V8's longest string is just under 512 MiB; larger data belongs in a MAT or IDX file). */
export const MAX_CSV_BYTES = 512 * 1024 * 1024 - 64;

// Spaces around a number are allowed: an unquoted cell has none left, a quoted " 1.5 " is 1.5 (Number trims them).
const NUMBER = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;
const INTEGER = /^\s*[+-]?\d+\s*$/;

/** Reads a CSV file (at most MAX_CSV_BYTES; a NUL byte means it is not text) and parses it with {@link parseCsv}. */
export function readCsvFile(path: string, options: CsvOptions = {}): Dataset {
  return labelled(readCsvExamples(path, options), options.name ?? path, options);
}

/** The same for a file that may have no label column (see {@link parseCsvExamples}). */
export function readCsvExamples(path: string, options: CsvOptions = {}): Dataset | ExampleSet {
  let bytes: Buffer;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    if (size > MAX_CSV_BYTES) {
      throw new DataFormatError(
        'ERR_CSV_SIZE',
        `${path}: ${size} bytes is more than the ${MAX_CSV_BYTES} bytes a CSV file may have; ` +
          'convert larger data to a MAT or IDX file',
      );
    }
    bytes = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, bytes, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    bytes = bytes.subarray(0, read);
  } catch (cause) {
    if (cause instanceof DataFormatError) throw cause;
    throw new DataFileError(path, 'cannot read', cause);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw notText(options.name ?? path, nul);
  return parseCsvExamples(bytes.toString('utf8'), options);
}

function notText(name: string, offset: number): DataFormatError {
  return new DataFormatError('ERR_CSV_BINARY', `${name}: not a text CSV: NUL byte at offset ${offset}`, { offset });
}

/** The CSV's labelled examples; a CSV without a label column (see CsvOptions.labelColumn) is DataFormatError ERR_CSV_NO_LABELS. */
export function parseCsv(text: string, options: CsvOptions = {}): Dataset {
  return labelled(parseCsvExamples(text, options), options.name ?? 'csv', options);
}

function labelled(examples: Dataset | ExampleSet, name: string, options: CsvOptions): Dataset {
  if (isLabelled(examples)) return examples;
  const n = examples.X.cols;
  throw new DataFormatError(
    'ERR_CSV_NO_LABELS',
    options.labelColumn === null
      ? `${name}: read with no label column (labelColumn: null), so it has no labels`
      : `${name}: no label column: the header names every column a pixel (pixel0 … pixel${n - 1}, as Kaggle's test.csv); ` +
          'give labelColumn to read one of them as the labels',
  );
}

/**
 * The CSV's examples: a Dataset when it has a label column, else an ExampleSet (features only), which a model can
 * predict but not be trained or scored on.
 */
export function parseCsvExamples(text: string, options: CsvOptions = {}): Dataset | ExampleSet {
  if (typeof text !== 'string') throw new InvalidArgumentError(`text: expected a string, got ${typeof text}`);
  const rule = options.labels ?? 'auto';
  if (!LABEL_RULES.includes(rule)) {
    throw new InvalidArgumentError(`options.labels: expected one of ${LABEL_RULES.join(', ')}, got ${rule}`);
  }
  const headerMode = options.header ?? 'auto';
  if (headerMode !== 'auto' && headerMode !== true && headerMode !== false) {
    throw new InvalidArgumentError(`options.header: expected true, false or 'auto', got ${String(headerMode)}`);
  }
  if (options.delimiter !== undefined && (typeof options.delimiter !== 'string' || options.delimiter.length !== 1)) {
    throw new InvalidArgumentError(`options.delimiter: expected one character, got ${String(options.delimiter)}`);
  }
  const name = options.name ?? 'csv';
  const nul = text.indexOf('\0');
  if (nul >= 0) throw notText(name, nul);

  const lines = new LineReader(text);
  let first = lines.next();
  while (first && first.text.trim() === '') first = lines.next();
  if (!first) throw new DataFormatError('ERR_CSV_EMPTY', `${name}: the CSV has no rows`);
  const delimiter = options.delimiter ?? detectDelimiter(first.text);
  const firstCells = splitRow(first.text, first.line, delimiter);
  const allNames = firstCells.every((c) => !NUMBER.test(c));
  const header = headerMode === true || (headerMode === 'auto' && allNames) ? firstCells : undefined;
  const width = firstCells.length;
  const column = options.labelColumn === undefined ? defaultLabelColumn(header) : options.labelColumn;
  const labelAt = column === null ? undefined : labelColumnIndex(column, width, header, headerMode);
  if (labelAt !== undefined && width < 2) {
    throw new DataFormatError(
      'ERR_CSV_PARSE',
      `row ${first.line}: expected at least 2 columns (features and a label), got ${width}`,
      { line: first.line },
    );
  }
  // a first row read as data while it holds names is most likely a header with numeric-looking names
  const headerHint = header || headerMode === false ? '' : `; if row ${first.line} is a header, read it with header: true (--header)`;

  const n = labelAt === undefined ? width : width - 1;
  let m = 0;
  let X = new Float64Array(Math.min(1 << 16, n * 64));
  const labelCells: string[] = [];
  const labelLines: number[] = [];
  const addRow = (line: number, cells: string[]): void => {
    if (cells.length !== width) {
      throw new DataFormatError(
        'ERR_CSV_RAGGED',
        `row ${line}: expected ${width} columns (as on row ${first!.line}), got ${cells.length}`,
        { line },
      );
    }
    const offset = m * n;
    if (offset + n > X.length) {
      const grown = new Float64Array(Math.max(X.length * 2, offset + n));
      grown.set(X);
      X = grown;
    }
    let j = offset;
    for (let c = 0; c < width; c++) {
      const cell = cells[c];
      if (c === labelAt) continue;
      const v = NUMBER.test(cell) ? Number(cell) : NaN;
      if (!Number.isFinite(v)) {
        const what = cell === '' ? 'an empty field' : quote(cell);
        throw new DataFormatError(
          'ERR_CSV_PARSE',
          `row ${line}, column ${c + 1}: expected a number, got ${what}${line === first!.line ? headerHint : ''}`,
          { line, column: c + 1 },
        );
      }
      X[j++] = v;
    }
    m++;
    if (labelAt === undefined) return;
    labelCells.push(cells[labelAt]);
    labelLines.push(line);
  };
  if (!header) addRow(first.line, firstCells);
  for (let row = lines.next(); row; row = lines.next()) {
    if (row.text.trim() !== '') addRow(row.line, splitRow(row.text, row.line, delimiter));
  }
  if (m === 0) throw new DataFormatError('ERR_CSV_EMPTY', `${name}: the CSV has a header but no data rows`);
  if (labelAt !== undefined && !header && headerMode === 'auto' && m > 1 && !NUMBER.test(labelCells[0]) && labelCells.slice(1).every((c) => NUMBER.test(c))) {
    throw new DataFormatError(
      'ERR_CSV_PARSE',
      `row ${first.line}, column ${labelAt + 1}: label ${quote(labelCells[0])} is text but every other label is a number${headerHint}`,
      { line: first.line, column: labelAt + 1 },
    );
  }
  const data = X.length === m * n ? X : X.slice(0, m * n);
  const pictures = options.imageShape ?? (header ? pixelHeaderShape(header.filter((_, c) => c !== labelAt)) : undefined);
  if (labelAt === undefined) {
    return { name, X: { rows: m, cols: n, data }, ...(pictures ? { imageShape: pictures, pixelOrderKnown: true } : {}) };
  }
  const { y, K, labelNames } = resolveLabels(labelCells, labelLines, labelAt + 1, rule, options.labelNames);
  return makeDataset({ name, X: { rows: m, cols: n, data }, y, K, labelNames, imageShape: pictures, pixelOrderKnown: pictures !== undefined });
}

/**
 * The pictures a header declares: feature columns named pixel0 … pixelN−1 with N a square are N pixels row by row
 * (Kaggle's MNIST CSV, and what `formatCsv` writes for pictures).
 */
function pixelHeaderShape(features: string[]): ImageShape | undefined {
  if (!features.every((name, j) => name.trim() === `pixel${j}`)) return undefined;
  return squareShape(features.length, 'row-major');
}

/** The file's lines one at a time (1-based numbers), without splitting the whole text up front. */
class LineReader {
  private at = 0;
  private line = 0;
  constructor(private readonly text: string) {}

  next(): { line: number; text: string } | undefined {
    if (this.at > this.text.length || (this.at === this.text.length && this.line > 0)) return undefined;
    let end = this.text.indexOf('\n', this.at);
    if (end < 0) end = this.text.length;
    const stop = end > this.at && this.text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    const row = { line: ++this.line, text: this.text.slice(this.at, stop) };
    this.at = end + 1;
    return row;
  }
}

/**
 * Labels 1..K and class names from the label cells. With given class names under 'auto'/'names', each cell is
 * looked up among them; otherwise 'auto' picks a rule from the cells (see LabelRule).
 */
function resolveLabels(
  cells: string[],
  lines: number[],
  column: number,
  rule: LabelRule,
  given: readonly string[] | undefined,
): { y: Int32Array; K: number; labelNames: string[] } {
  const y = new Int32Array(cells.length);
  const bad = (i: number, why: string): never => {
    throw new DataFormatError('ERR_CSV_LABEL', `row ${lines[i]}, column ${column}: ${why}`, { line: lines[i], column });
  };
  const empty = cells.findIndex((c) => c === '');
  if (empty >= 0) bad(empty, 'the label is empty');
  if (given && (rule === 'auto' || rule === 'names')) {
    const index = new Map(given.map((g, k) => [g, k + 1]));
    const K = given.length;
    let miss = -1;
    cells.forEach((cell, i) => {
      const label = index.get(cell) ?? index.get(canonical(cell));
      if (label === undefined && miss < 0) miss = i;
      y[i] = label ?? 0;
    });
    if (miss >= 0) {
      // not all are class names, but all are the course's labels 1..K (ex4data1's 10 for a digits model's "0")
      const course = rule === 'auto' && cells.every((c) => INTEGER.test(c) && Number(c) >= 1 && Number(c) <= K);
      if (!course) {
        const list = given.slice(0, 12).map(quote).join(', ') + (K > 12 ? ', …' : '');
        bad(miss, `label ${quote(cells[miss])} is not one of the ${K} classes (${list})`);
      }
      cells.forEach((cell, i) => (y[i] = Number(cell)));
    }
    return { y, K, labelNames: [...given] };
  }
  const mapping = rule === 'auto' ? autoRule(cells) : rule;
  if (mapping === 'names') {
    const names = [...new Set(cells)];
    if (names.length > MAX_LABEL) bad(0, `the label column holds ${names.length} different classes; at most ${MAX_LABEL} are allowed`);
    names.sort(compareClassNames);
    const index = new Map(names.map((g, k) => [g, k + 1]));
    cells.forEach((cell, i) => (y[i] = index.get(cell)!));
    return { y, K: names.length, labelNames: names };
  }
  let maxLabel = 0;
  cells.forEach((cell, i) => {
    const label = NUMBER.test(cell) ? mapLabel(Number(cell), mapping) : undefined;
    if (label === undefined) bad(i, `label ${quote(cell)} is not valid; expected ${describeMapping(mapping)}`);
    y[i] = label!;
    maxLabel = Math.max(maxLabel, label!);
  });
  return { y, ...classesFor(mapping, maxLabel, given) };
}

/** 'auto': non-negative integers below MAX_LABEL are counted from 0 when a 0 occurs, else from 1; anything else is names. */
function autoRule(cells: string[]): LabelMapping | 'names' {
  let min = Infinity;
  let max = -Infinity;
  for (const cell of cells) {
    if (!INTEGER.test(cell)) return 'names';
    const v = Number(cell);
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  if (min < 0 || max >= MAX_LABEL) return 'names';
  return min === 0 ? 'zero-based' : 'one-based';
}

/** "07" and "+7" name the class "7"; other text is itself. */
function canonical(cell: string): string {
  return INTEGER.test(cell) ? String(Number(cell)) : cell;
}

/** A cell for an error message: JSON-quoted, at most 40 characters of it. */
function quote(cell: string): string {
  return JSON.stringify(cell.length > 40 ? `${cell.slice(0, 40)}…` : cell);
}

function detectDelimiter(line: string): string {
  if (line.includes('\t')) return '\t';
  if (line.includes(';') && !line.includes(',')) return ';';
  return ',';
}

/**
 * Cells of one row. A cell that starts with a quote (after spaces, which are skipped) runs to the closing quote,
 * may hold the delimiter, writes a quote as "", and keeps the spaces inside the quotes (text after the closing
 * quote is trimmed and appended); one that does not is everything up to the next delimiter, trimmed. A quote that
 * is never closed is an error naming the row and column: RFC 4180 would run the cell on into the next lines, which
 * this line-by-line reader does not, so reading it as text to the end of the line would change the rows silently.
 */
function splitRow(line: string, lineNumber: number, delimiter: string): string[] {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    while (i < line.length && (line[i] === ' ' || line[i] === '\t') && line[i] !== delimiter) i++;
    if (line[i] === '"') {
      let cell = '';
      let j = i + 1;
      for (;;) {
        const close = line.indexOf('"', j);
        if (close < 0) {
          const column = cells.length + 1;
          throw new DataFormatError(
            'ERR_CSV_PARSE',
            `row ${lineNumber}, column ${column}: a quoted cell is not closed on its line (a quote inside a quoted cell is written "", and cells cannot span lines)`,
            { line: lineNumber, column },
          );
        }
        cell += line.slice(j, close);
        if (line[close + 1] === '"') {
          cell += '"';
          j = close + 2;
        } else {
          j = close + 1;
          break;
        }
      }
      const next = line.indexOf(delimiter, j);
      const rest = line.slice(j, next < 0 ? line.length : next).trim();
      cells.push(cell + rest);
      if (next < 0) return cells;
      i = next + 1;
    } else {
      const next = line.indexOf(delimiter, i);
      cells.push(line.slice(i, next < 0 ? line.length : next).trim());
      if (next < 0) return cells;
      i = next + 1;
    }
  }
}

/**
 * The default label column: the one header cell named `label` (any case); none (null) when the header is exactly
 * pixel0 … pixelN−1, every column a pixel (Kaggle's test.csv: its last pixel is no label); else −1 (the last column).
 */
function defaultLabelColumn(header: string[] | undefined): number | null {
  const named = (header ?? []).flatMap((cell, c) => (cell.trim().toLowerCase() === 'label' ? [c] : []));
  if (named.length === 1) return named[0];
  return header?.every((cell, j) => cell.trim() === `pixel${j}`) ? null : -1;
}

function labelColumnIndex(
  column: number | string,
  width: number,
  header: string[] | undefined,
  headerMode: boolean | 'auto',
): number {
  if (typeof column === 'string') {
    const at = header?.indexOf(column) ?? -1;
    if (at < 0) {
      const have = header
        ? `the header has ${header.slice(0, 12).map(quote).join(', ')}${header.length > 12 ? ', …' : ''}`
        : headerMode === false
          ? 'the CSV is read without a header'
          : 'the CSV has no header (its first row holds numbers; read it as one with header: true / --header)';
      throw new InvalidArgumentError(`options.labelColumn: no column named ${quote(column)}; ${have}`);
    }
    return at;
  }
  if (!Number.isInteger(column) || column >= width || column < -width) {
    throw new InvalidArgumentError(`options.labelColumn: expected an integer in ${-width}..${width - 1}, got ${column}`);
  }
  return column < 0 ? width + column : column;
}

/**
 * A Dataset as CSV text that {@link parseCsv} reads back: a header `x1,…,xn,label` (`pixel0,…,pixelN−1,label` for
 * square pictures laid out row by row, which declares them so to the reader), then one row per example, the
 * features in their shortest round-trip form and the label as its class name (quoted when it needs it). Read it
 * back with `labels: 'names'`, or with the numeric rule the names follow (digits5000: `labels: 'digits'`). A class
 * name parseCsv could not read back — empty (an empty label is a missing one) or holding a line break (a row is
 * one line) — is refused with the reader's error, DataFormatError ERR_CSV_LABEL, before anything is written.
 */
export function formatCsv(ds: Pick<Dataset, 'X' | 'y' | 'labelNames' | 'imageShape'>): string {
  const { rows: m, cols: n, data } = ds.X;
  const shape = ds.imageShape;
  const pixels = shape?.order === 'row-major' && shape.width === shape.height && shape.width * shape.height === n;
  const parts: string[] = [[...Array.from({ length: n }, (_, j) => (pixels ? `pixel${j}` : `x${j + 1}`)), 'label'].join(',')];
  ds.labelNames.forEach((name, k) => {
    const why =
      name === '' ? 'is empty (a CSV reads an empty label as a missing one)'
      : name.includes('\n') ? `${quote(name)} holds a line break (a CSV row is one line)`
      : '';
    if (why) throw new DataFormatError('ERR_CSV_LABEL', `class ${k + 1}'s name ${why}, so the file would not read back; rename the class`);
  });
  const names = ds.labelNames.map(csvField);
  for (let i = 0; i < m; i++) {
    const row = new Array<string>(n + 1);
    for (let j = 0; j < n; j++) row[j] = String(data[i * n + j]);
    row[n] = names[ds.y[i] - 1];
    parts.push(row.join(','));
  }
  return parts.join('\n') + '\n';
}

/** A class name as one CSV field: quoted (with "" for a quote) when it holds a delimiter, a quote or edge spaces. */
function csvField(name: string): string {
  return /[",;\t\r]|^\s|\s$/.test(name) ? `"${name.replace(/"/g, '""')}"` : name;
}
