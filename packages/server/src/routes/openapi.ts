import type { RequestHandler } from 'express';
import { openapiDocument } from '../openapi.js';

/** GET /openapi.json */
export const openapiHandler: RequestHandler = (_req, res) => {
  res.json(openapiDocument);
};
