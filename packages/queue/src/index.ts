// @backprop/queue: sweeps on a Redis job queue (BullMQ) and the model store server replicas share. Loaded by the
// CLI and the server only when a redis:// URL is given, so the library and the local paths need none of it.
export { QueueUnreachableError, QueueUrlError, JobPayloadError, SweepStateError } from './errors.js';
export { parseRedisUrl, type RedisLocation } from './redis-url.js';
export { connect, type Connection } from './connection.js';
export { checkTrainJob, SCHEMA, type TrainJob, type DataRef, type NetworkRef, type JobResult } from './job.js';
export { runSweep, type SweepOptions, type JobOutcome } from './sweep.js';
export { DEFAULT_MEMORY_SHARE, MEMORY_ENV, defaultWorkerMemory, parseMemory, jobMemory, checkJobMemory } from './budget.js';
export { startWorker, type WorkerOptions, type RunningWorker, type WorkerEvent } from './worker.js';
export { cancelSweep, type CancelReport } from './cancel.js';
export { RedisModelStore, ModelDocumentTooLargeError } from './model-store.js';
export { TRAIN_QUEUE, QUEUE_OPTIONS, jobId } from './names.js';
