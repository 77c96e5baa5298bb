/** The BullMQ queue every sweep's training jobs go through. */
export const TRAIN_QUEUE = 'backprop-train';

/**
 * Options of every handle on the queue. BullMQ copies each result into its event stream as well (10,000 events by
 * default: 2 GB of 200 kB models); a submitter reads the events as they come and polls for any it missed, so 100 do.
 */
export const QUEUE_OPTIONS = { streams: { events: { maxLen: 100 } } };

/** The Redis key that holds a sweep's job payloads (what `--resume` compares and `--cancel` removes). */
export const sweepKey = (sweep: string): string => `backprop:sweep:${sweep}`;

/** Set by `--cancel`: workers refuse the sweep's remaining jobs. */
export const cancelledKey = (sweep: string): string => `backprop:sweep:${sweep}:cancelled`;

/** BullMQ job id of one configuration: fixed, so re-adding it after a restart finds the same job. */
export const jobId = (sweep: string, index: number): string => `${sweep}.${index}`;

/** How long finished jobs, their results and a sweep's record stay in Redis for a restarted submitter. */
export const KEEP_SECONDS = 7 * 24 * 3600;
