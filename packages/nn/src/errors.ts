/**
 * Every error the library throws on purpose is a `BackpropError` with a stable `code`, so callers can branch on
 * `err.code` instead of parsing messages. Subclasses name the family.
 */
export class BackpropError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A matrix, vector or parameter vector has the wrong size, or sizes do not fit together. */
export class ShapeError extends BackpropError {
  constructor(message: string) {
    super('ERR_SHAPE', message);
  }
}

/** A value is of the wrong kind or outside its domain (NaN, negative λ, unknown option …). */
export class InvalidArgumentError extends BackpropError {
  constructor(message: string) {
    super('ERR_INVALID_ARGUMENT', message);
  }
}

/** The requested backend cannot be used (e.g. `native` forced but the addon did not load). */
export class BackendUnavailableError extends BackpropError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_BACKEND_UNAVAILABLE', message, options);
  }
}

/** The objective returned NaN or ±Infinity, or an optimiser could not continue. */
export class NumericalError extends BackpropError {
  constructor(message: string) {
    super('ERR_NUMERICAL', message);
  }
}
