import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Request, RequestHandler, Response } from 'express';
import { JsonDepthScanner } from '../json-depth.js';
import { sendContinue, type BodiesInFlight } from './bodies-in-flight.js';
import { HttpProblem } from '../problem.js';
import { closeAfterResponse } from './lingering-close.js';

/** What a valid body of one route can be at most. */
export interface BodyBounds {
  /** Most bytes of the body after Content-Encoding is undone. */
  limit: number;
  /** Deepest nesting of arrays and objects a valid body has. */
  maxDepth: number;
  /** Why the limit is what it is, for the 413 detail (e.g. "10000 inputs of 400 numbers"). */
  reason: string;
}

/**
 * A refused request whose declared body is at most this is read to its end and discarded after the answer,
 * keeping its connection open for the client's next request; a larger or chunked one closes the connection.
 */
const DRAIN_BYTES = 1024 * 1024;

/**
 * After a refusal, whether the connection must close rather than be kept alive: node:http would read and discard
 * the rest of the body first — any amount of it. Only a small declared rest is worth that; a large or chunked
 * one is cut off by closing the connection once the answer is out (lingering-close.ts).
 */
function mustClose(req: Request): boolean {
  if (req.complete) return false;
  const declared = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || declared === undefined || !(Number(declared) <= DRAIN_BYTES);
}

function tooLarge(bytes: string, bounds: BodyBounds): HttpProblem {
  return new HttpProblem('body-too-large', `request body is ${bytes} bytes; the limit is ${bounds.limit} bytes (${bounds.reason})`, {
    extensions: { limit: bounds.limit },
  });
}

/** application/json or application/<anything>+json, in UTF-8 (JSON's only encoding on the wire, RFC 8259 §8.1). */
function checkContentType(req: Request): void {
  const header = req.headers['content-type'];
  if (header === undefined) {
    throw new HttpProblem('unsupported-media-type', 'request body: expected a JSON body with Content-Type: application/json');
  }
  const [type, ...params] = header.split(';').map((s) => s.trim().toLowerCase());
  if (type !== 'application/json' && !/^application\/[\w.+-]+\+json$/.test(type)) {
    throw new HttpProblem('unsupported-media-type', `Content-Type: expected application/json, got ${JSON.stringify(header.slice(0, 100))}`);
  }
  for (const p of params) {
    if (!/^charset\s*=/.test(p)) continue;
    // A token or a quoted string (RFC 9110 §5.6.6); anything else, such as `latin1"x`, is not UTF-8 either.
    const m = /^charset\s*=\s*(?:"([^"]*)"|([^"]*))$/.exec(p);
    const charset = m ? (m[1] ?? m[2]) : p.slice(p.indexOf('=') + 1).trim();
    if (charset !== 'utf-8' && charset !== 'utf8') {
      throw new HttpProblem('unsupported-media-type', `Content-Type: charset ${JSON.stringify(charset.slice(0, 40))} is not supported; send UTF-8`);
    }
  }
}

/** The stream that undoes Content-Encoding, or undefined for identity. */
function decoderFor(req: Request): Readable & NodeJS.WritableStream | undefined {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  switch (encoding) {
    case 'identity':
    case '':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      throw new HttpProblem(
        'unsupported-media-type',
        `Content-Encoding ${JSON.stringify(encoding.slice(0, 40))} is not supported; use identity, gzip, deflate or br`,
      );
  }
}

/**
 * Reads the body within `bounds`, refusing it at the first byte over the limit (raw or decoded: 413) or the first
 * bracket too deep (400) — while it arrives, before anything is parsed — then parses it. Before any of it is read,
 * a large body of declared length must find room among the bodies in flight (503 otherwise); one that is chunked or
 * encoded counts as it arrives (decoded bytes), and is refused when it outgrows the room.
 */
function readJson(req: Request, res: Response, bounds: BodyBounds, inFlight?: BodiesInFlight): Promise<unknown> {
  const declared = req.headers['content-length'];
  const decoder = decoderFor(req);
  if (!decoder && declared !== undefined && Number(declared) > bounds.limit) {
    return Promise.reject(tooLarge(declared, bounds));
  }
  try {
    if (!decoder && declared !== undefined) inFlight?.admit(Number(declared), res);
  } catch (err) {
    return Promise.reject(err);
  }
  const held = !decoder && declared !== undefined ? undefined : inFlight?.growing(res);
  sendContinue(res);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const scanner = new JsonDepthScanner(bounds.maxDepth);
    let raw = 0;
    let decoded = 0;
    let settled = false;

    const settle = (err: unknown, value?: unknown): void => {
      if (settled) return;
      settled = true;
      req.off('data', onRaw);
      req.off('end', onRawEnd);
      req.off('close', onClose);
      if (decoder) {
        req.unpipe(decoder);
        decoder.off('data', onDecoded);
        decoder.destroy();
      }
      if (err) {
        // Discard what still arrives: a small rest keeps the connection usable; a large one is cut off when the
        // refusal closes the connection (mustClose).
        req.resume();
        reject(err);
      } else {
        resolve(value);
      }
    };
    const onDecoded = (chunk: Buffer): void => {
      decoded += chunk.length;
      if (decoded > bounds.limit) {
        settle(tooLarge(`more than ${bounds.limit}`, bounds));
        return;
      }
      try {
        held?.(decoded);
      } catch (err) {
        settle(err);
        return;
      }
      const at = scanner.write(chunk);
      if (at >= 0) {
        settle(
          new HttpProblem('invalid-json', `request body nests arrays and objects deeper than ${bounds.maxDepth} levels (at byte ${at}); a valid body has at most ${bounds.maxDepth}`, {
            extensions: { maxDepth: bounds.maxDepth },
          }),
        );
        return;
      }
      chunks.push(chunk);
    };
    const onRaw = (chunk: Buffer): void => {
      raw += chunk.length;
      if (raw > bounds.limit) settle(tooLarge(`more than ${bounds.limit}`, bounds));
      else if (!decoder) onDecoded(chunk);
    };
    const parse = (): void => {
      if (settled) return;
      if (decoded === 0) {
        settle(new HttpProblem('invalid-json', 'request body is empty: expected a JSON document'));
        return;
      }
      let value: unknown;
      try {
        value = JSON.parse(Buffer.concat(chunks, decoded).toString('utf8'));
      } catch (err) {
        settle(new HttpProblem('invalid-json', `request body is not valid JSON: ${(err as Error).message}`, { cause: err }));
        return;
      }
      settle(undefined, value);
    };
    const onRawEnd = (): void => {
      if (!decoder) parse();
    };
    const onClose = (): void => {
      if (!req.complete) settle(new HttpProblem('bad-request', 'the client closed the connection before sending the whole body'));
    };

    req.on('data', onRaw);
    req.on('end', onRawEnd);
    req.on('close', onClose);
    if (decoder) {
      decoder.on('data', onDecoded);
      decoder.on('end', parse);
      decoder.on('error', (err) =>
        settle(new HttpProblem('bad-request', `request body does not decode as its Content-Encoding says: ${err.message}`, { cause: err })),
      );
      req.pipe(decoder);
    }
  });
}

/**
 * Parses a JSON request body within the route's bounds (`bounds` may also resolve what the route needs to know
 * first, such as the model, and throw its problem) and puts it in `req.body`. A body that is not
 * application/json in UTF-8 is a 415; too large a 413 and too deep a 400, both while it arrives; a large body
 * with no room in `inFlight` a 503 before it is read.
 */
export function jsonBody(bounds: (req: Request, res: Response) => BodyBounds, inFlight?: BodiesInFlight): RequestHandler {
  return (req, res, next) => {
    let b: BodyBounds;
    try {
      checkContentType(req);
      b = bounds(req, res);
    } catch (err) {
      if (mustClose(req)) closeAfterResponse(req, res);
      throw err;
    }
    readJson(req, res, b, inFlight).then(
      (body) => {
        req.body = body;
        next();
      },
      (err: unknown) => {
        if (mustClose(req)) closeAfterResponse(req, res);
        next(err);
      },
    );
  };
}
