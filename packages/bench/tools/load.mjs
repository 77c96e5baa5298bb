#!/usr/bin/env node
// Load generator for row 5 of the benchmark harness (packages/bench/src/rows/server.ts): runs autocannon
// programmatically against ONE loopback URL and prints one JSON line with requests/s and latency percentiles in
// fractional milliseconds. (autocannon's own report keeps latencies in whole milliseconds, too coarse for a
// 2 ms p99 target; its 'response' event carries the exact duration, which is what is collected here.)
//
//   node packages/bench/tools/load.mjs '{"url":"http://127.0.0.1:PORT/v1/predict","seconds":5,"connections":10,"bodyFile":"…"}'
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const autocannon = createRequire(import.meta.url)('autocannon');

function fail(message) {
  process.stdout.write(`${JSON.stringify({ ok: false, error: message })}\n`);
  process.exit(2);
}

let spec;
try {
  spec = JSON.parse(process.argv[2] ?? '');
} catch {
  fail('expected one JSON argument {url, seconds, connections, bodyFile}');
}
const { url, seconds, connections, bodyFile } = spec;
if (typeof url !== 'string' || !/^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d+\//.test(url)) {
  fail(`url: expected a loopback http URL, got ${JSON.stringify(url)}`);
}
if (!(seconds > 0 && seconds <= 120)) fail(`seconds: expected a duration in (0, 120], got ${JSON.stringify(seconds)}`);
if (!(Number.isInteger(connections) && connections >= 1 && connections <= 1000)) {
  fail(`connections: expected an integer from 1 to 1000, got ${JSON.stringify(connections)}`);
}
const body = readFileSync(bodyFile, 'utf8');

const latencies = [];
const instance = autocannon(
  { url, method: 'POST', body, headers: { 'content-type': 'application/json' }, duration: seconds, connections },
  (err, result) => {
    if (err) fail(String(err));
    latencies.sort((a, b) => a - b);
    const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] : null);
    process.stdout.write(
      `${JSON.stringify({
        ok: true,
        rps: result.requests.total / (result.duration || seconds),
        requests: result.requests.total,
        seconds: result.duration,
        p50: pct(50),
        p90: pct(90),
        p99: pct(99),
        max: latencies.length ? latencies[latencies.length - 1] : null,
        non2xx: result.non2xx,
        errors: result.errors + result.timeouts,
      })}\n`,
    );
  },
);
instance.on('response', (_client, statusCode, _bytes, responseTime) => {
  if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
});
