import type { BackendChoice } from '@backprop/nn';
import type { Logger } from 'pino';
import type { ServerMetrics } from './metrics.js';
import type { HiddenPngCache } from './hidden-png-cache.js';
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
  /** Most input rows one predict request may carry. */
  maxBatchRows: number;
  backend?: BackendChoice;
  /** hidden.png pictures by model etag (hidden-png-cache.ts). */
  hiddenPngs: HiddenPngCache;
}
