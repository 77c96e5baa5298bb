import type { BackendChoice } from '@backprop/nn';
import type { Logger } from 'pino';
import type { ServerMetrics } from './metrics.js';
import type { HiddenPngCache } from './hidden-png-cache.js';
import type { BodiesInFlight } from './middleware/bodies-in-flight.js';
import type { ModelRegistry } from './registry.js';

/** What the route handlers of one app share. Built by createApp; nothing here is module-level state. */
export interface AppContext {
  models: ModelRegistry;
  metrics: ServerMetrics;
  logger: Logger;
  adminToken?: string;
  /** The operator's ceiling on any request body, in bytes (--body-limit); none when unset. */
  bodyLimit?: number;
  /** The largest model document PUT accepts, in bytes. */
  modelBodyLimit: number;
  /** The large request bodies held at once, within --max-body-in-flight (bodies-in-flight.ts). */
  bodiesInFlight: BodiesInFlight;
  /** Most input rows one predict request may carry. */
  maxBatchRows: number;
  backend?: BackendChoice;
  /** hidden.png pictures by model etag (hidden-png-cache.ts). */
  hiddenPngs: HiddenPngCache;
}
