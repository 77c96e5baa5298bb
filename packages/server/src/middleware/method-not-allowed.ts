import type { RequestHandler } from 'express';
import { HttpProblem } from '../problem.js';

/** The last handler on a route: 405 with an Allow header for any other method; OPTIONS answers with Allow. */
export function methodNotAllowed(allowed: readonly string[]): RequestHandler {
  const allow = [...new Set([...allowed.map((m) => m.toUpperCase()), ...(allowed.includes('GET') ? ['HEAD'] : []), 'OPTIONS'])].join(', ');
  return (req, res) => {
    if (req.method === 'OPTIONS') {
      res.set('Allow', allow).status(204).end();
      return;
    }
    throw new HttpProblem('method-not-allowed', `${req.method} is not allowed on ${req.baseUrl}${req.path}; allowed: ${allow}`, {
      headers: { Allow: allow },
    });
  };
}
