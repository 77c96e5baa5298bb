import express, { type RequestHandler } from 'express';
import { HttpProblem } from '../problem.js';

/**
 * Parses a JSON request body up to `limit` bytes (e.g. '16mb'), then insists that there was one: a body that is
 * not application/json gives 415 instead of reaching the handler as `undefined`. Parse failures and oversized
 * bodies are turned into problems by the error handler.
 */
export function jsonBody(limit: string | number): RequestHandler[] {
  const parse = express.json({ limit, strict: true, type: ['application/json', 'application/*+json'] });
  const requireJson: RequestHandler = (req, _res, next) => {
    if (req.body === undefined) {
      const type = req.get('content-type');
      throw new HttpProblem(
        'unsupported-media-type',
        type
          ? `Content-Type: expected application/json, got ${JSON.stringify(type.slice(0, 100))}`
          : 'request body: expected a JSON body with Content-Type: application/json',
      );
    }
    next();
  };
  return [parse, requireJson];
}
