import type { BackendChoice } from '@backprop/nn';
import type { Logger } from 'pino';
import type { ServerMetrics } from './metrics.js';
import type { ModelEntry, ModelRegistry } from './registry.js';

/** What the route handlers of one app share. Built by createApp; nothing here is module-level state. */
export interface AppContext {
  models: ModelRegistry;
  metrics: ServerMetrics;
  logger: Logger;
  adminToken?: string;
  /** express.json limit for request bodies, e.g. '16mb'. */
  bodyLimit: string | number;
  /** Most input rows one predict request may carry. */
  maxBatchRows: number;
  backend?: BackendChoice;
  /** hidden.png per loaded model entry; a swapped-in entry gets its own picture. */
  hiddenPngs: WeakMap<ModelEntry, Buffer>;
}
