#!/usr/bin/env node
// Empty BullMQ jobs through a redis-server: how many jobs/s Redis and BullMQ carry on this machine, without any
// training (PERFORMANCE.md, row 6: the paper estimate). Usage: queue-jobs-per-second.mjs REDIS_URL [JOBS] [RESULT_BYTES]
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
const url = process.argv[2]; const n = Number(process.argv[3] ?? 2000); const payload = 'x'.repeat(Number(process.argv[4] ?? 0));
const connection = new Redis(url, { maxRetriesPerRequest: null });
const q = new Queue('bench-empty', { connection });
let done = 0; let resolveDone; const all = new Promise((r) => (resolveDone = r));
const w = new Worker('bench-empty', async () => payload, { connection, concurrency: 50 });
w.on('completed', () => { if (++done === n) resolveDone(); });
await w.waitUntilReady();
const t = performance.now();
await q.addBulk(Array.from({ length: n }, (_, i) => ({ name: 'j', data: { i }, opts: { removeOnComplete: true } })));
await all;
const s = (performance.now() - t) / 1000;
console.log(JSON.stringify({ jobs: n, resultBytes: payload.length, seconds: +s.toFixed(2), jobsPerSecond: Math.round(n / s) }));
await w.close(); await q.close(); connection.disconnect();
