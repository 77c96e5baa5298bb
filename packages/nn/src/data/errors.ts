import { BackpropError } from '../errors.js';

/**
 * A data file (IDX, CSV) is malformed. `code` names the family (ERR_IDX_FORMAT, ERR_IDX_SIZE, ERR_CSV_PARSE,
 * ERR_CSV_RAGGED, ERR_CSV_LABEL, ERR_CSV_EMPTY, ERR_CSV_NO_LABELS); `line`/`column` (1-based) or `offset` say where.
 */
export class DataFormatError extends BackpropError {
  readonly line?: number;
  readonly column?: number;
  readonly offset?: number;

  constructor(code: string, message: string, where: { line?: number; column?: number; offset?: number } = {}) {
    super(code, message);
    if (where.line !== undefined) this.line = where.line;
    if (where.column !== undefined) this.column = where.column;
    if (where.offset !== undefined) this.offset = where.offset;
  }
}

/**
 * A data set cannot be produced: unknown name (ERR_DATASET_UNKNOWN), a file whose contents do not have the
 * expected variables or shapes (ERR_DATASET_SHAPE), labels outside 1..K (ERR_DATASET_LABELS), an IDX examples file
 * without its labels file (ERR_DATASET_LABELS_FILE), or a built-in asset
 * that is missing or does not match its checksum (ERR_DATASET_ASSET).
 */
export class DatasetError extends BackpropError {}

/** A file could not be read or written at all (missing, permissions …); `cause` holds the system error. */
export class DataFileError extends BackpropError {
  readonly path: string;

  constructor(path: string, action: 'cannot read' | 'cannot write', cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super('ERR_DATA_FILE', `${action} '${path}': ${detail}`, { cause });
    this.path = path;
  }
}

/** The product of whole-number sizes as exact digits, for messages: a double would print 2^96 as 7.922816251426434e+28. */
export function exactProduct(factors: readonly number[]): string {
  return factors.reduce((product, f) => product * BigInt(f), 1n).toString();
}
