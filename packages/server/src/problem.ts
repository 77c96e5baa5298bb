import { BackpropError } from '@backprop/nn';

/**
 * RFC 9457 problem details. Every error response of the server is one of these, sent as
 * application/problem+json by the one error handler (middleware/errors.ts).
 */
export interface ProblemDetails {
  /** A URI naming the kind of problem: `urn:backprop:problem:<slug>`. */
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The request path this occurrence happened on. */
  instance?: string;
  [extension: string]: unknown;
}

/** The kinds of problem the server reports: slug → HTTP status and a fixed title. */
export const PROBLEMS = {
  'invalid-json': { status: 400, title: 'Request body is not valid JSON' },
  'invalid-input': { status: 400, title: 'Invalid prediction input' },
  'invalid-model-name': { status: 400, title: 'Invalid model name' },
  unauthorized: { status: 401, title: 'Missing bearer token' },
  forbidden: { status: 403, title: 'Invalid bearer token' },
  'admin-disabled': { status: 403, title: 'Admin routes are disabled' },
  'not-found': { status: 404, title: 'Not found' },
  'model-not-found': { status: 404, title: 'Model not found' },
  'no-picture': { status: 404, title: 'No hidden-layer picture for this model' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'request-timeout': { status: 408, title: 'Request not received in time' },
  'model-not-reloadable': { status: 409, title: 'Model has no file to reload from' },
  'body-too-large': { status: 413, title: 'Request body too large' },
  'batch-too-large': { status: 413, title: 'Too many input rows' },
  'unsupported-media-type': { status: 415, title: 'Request body must be application/json' },
  'headers-too-large': { status: 431, title: 'Request headers too large' },
  'invalid-model': { status: 422, title: 'Invalid model document' },
  'picture-failed': { status: 422, title: 'The hidden layer of this model cannot be drawn' },
  'bad-request': { status: 400, title: 'Bad request' },
  'model-not-ready': { status: 503, title: 'Model not ready' },
  'storage-unavailable': { status: 503, title: 'The model store (directory or shared Redis) cannot be written' },
  'insufficient-storage': { status: 507, title: 'No space left for the model file' },
  'not-ready': { status: 503, title: 'Not ready' },
  'store-outcome-unknown': { status: 504, title: 'The model store did not answer; whether the model was stored is unknown' },
  'server-busy': { status: 503, title: 'Too many large request bodies in flight' },
  internal: { status: 500, title: 'Internal server error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemSlug = keyof typeof PROBLEMS;

export const PROBLEM_TYPE_PREFIX = 'urn:backprop:problem:';

/** Thrown by routes and middleware; the error handler turns it into a problem+json response. */
export class HttpProblem extends BackpropError {
  readonly slug: ProblemSlug;
  readonly status: number;
  readonly title: string;
  /** Extra members for the problem document (e.g. `limit`). */
  readonly extensions: Record<string, unknown>;
  /** Extra response headers (e.g. `Allow`, `WWW-Authenticate`, `Retry-After`). */
  readonly headers: Record<string, string>;

  constructor(
    slug: ProblemSlug,
    detail: string,
    extra: { extensions?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(`ERR_HTTP_${slug.toUpperCase().replace(/-/g, '_')}`, detail, { cause: extra.cause });
    this.slug = slug;
    this.status = PROBLEMS[slug].status;
    this.title = PROBLEMS[slug].title;
    this.extensions = extra.extensions ?? {};
    this.headers = extra.headers ?? {};
  }

  toProblem(instance?: string): ProblemDetails {
    const doc: ProblemDetails = {
      type: PROBLEM_TYPE_PREFIX + this.slug,
      title: this.title,
      status: this.status,
      detail: this.message,
    };
    if (instance !== undefined) doc.instance = instance;
    return { ...doc, ...this.extensions };
  }
}
