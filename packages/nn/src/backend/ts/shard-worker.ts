/**
 * Entry point of a shard worker thread (loaded from dist/ as compiled JavaScript): one ShardRunner over the shared
 * resident data, serving its pool's jobs until the pool shuts down.
 */
import { workerData } from 'node:worker_threads';
import { serveShards, type WorkerData } from './pool.js';
import { ShardRunner } from './shard.js';

const data = workerData as WorkerData;
serveShards(data, new ShardRunner(data.resident));
