import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ModelRegistry } from './registry.js';

/** The app's Prometheus metrics, in a Registry of its own (no global default registry). */
export type ServerMetrics = ReturnType<typeof createMetrics>;

export function createMetrics(models: ModelRegistry, options: { processMetrics?: boolean } = {}) {
  const registry = new Registry();
  // Process metrics start an event-loop-delay monitor and a GC observer, so they are opt-in (startServer turns
  // them on; in-process test apps leave them off).
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'backprop_' });
  const requests = new Counter({
    name: 'backprop_http_requests_total',
    help: 'HTTP requests by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const requestSeconds = new Histogram({
    name: 'backprop_http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const predictions = new Counter({
    name: 'backprop_predictions_total',
    help: 'Input rows predicted, by model',
    labelNames: ['model'] as const,
    registers: [registry],
  });
  const modelLoadErrors = new Counter({
    name: 'backprop_model_load_errors_total',
    help: 'Model files or uploads that failed to load, by model name',
    labelNames: ['model'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'backprop_models_loaded',
    help: 'Models currently loaded',
    registers: [registry],
    collect() {
      this.set(models.size);
    },
  });
  models.onLoadError((failure) => modelLoadErrors.inc({ model: failure.name }));
  return { registry, requests, requestSeconds, predictions, modelLoadErrors };
}
