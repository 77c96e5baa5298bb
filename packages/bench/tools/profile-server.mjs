#!/usr/bin/env node
// The server of row 5 alone under load, for profilers (loopback only, bounded):
//   node --cpu-prof --cpu-prof-dir /tmp/prof packages/bench/tools/profile-server.mjs [--bare] [--seconds 5] [--connections 10]
// Serves POST /v1/predict from @backprop/server's createApp (or, with --bare, a bare Express route answering the
// same-size JSON) on 127.0.0.1:0 and drives it with load.mjs in a child process; prints load.mjs's JSON line.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { pino } from 'pino';
import { createApp, ModelRegistry } from '@backprop/server';
import { DIGIT_LABEL_NAMES, loadDigits5000, randomInit } from '@backprop/nn';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const bare = args.includes('--bare');
const seconds = Number(flag('--seconds', '5'));
const connections = Number(flag('--connections', '10'));

const layers = [400, 25, 10];
const digits = loadDigits5000();
const registry = new ModelRegistry();
registry.set('default', {
  layers,
  theta: randomInit(layers, { range: 0.12, seed: 5 }),
  labelNames: [...DIGIT_LABEL_NAMES],
  inputShape: digits.imageShape,
  createdAt: new Date().toISOString(),
}, { source: 'trained' });
const body = JSON.stringify({ pixels: Array.from(digits.X.data.subarray(0, 400)) });
const dir = mkdtempSync(join(tmpdir(), 'backprop-profile-'));
const bodyFile = join(dir, 'body.json');
writeFileSync(bodyFile, body);

const real = createApp({ models: registry, logger: pino({ level: 'silent' }) });
let app = real;
if (bare) {
  const probe = real.listen(0, '127.0.0.1');
  await new Promise((r) => probe.once('listening', r));
  const res = await fetch(`http://127.0.0.1:${probe.address().port}/v1/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const constant = await res.json();
  probe.close();
  app = express();
  app.post('/v1/predict', express.json({ limit: '16mb' }), (_req, r) => r.json(constant));
}
const server = app.listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const url = `http://127.0.0.1:${server.address().port}/v1/predict`;
const child = spawn(process.execPath, [fileURLToPath(new URL('./load.mjs', import.meta.url)), JSON.stringify({ url, seconds, connections, bodyFile })], {
  stdio: ['ignore', 'inherit', 'inherit'],
});
await new Promise((r) => child.on('close', r));
server.closeAllConnections();
server.close();
rmSync(dir, { recursive: true, force: true });
