#!/usr/bin/env node
// Summarise a V8 .cpuprofile (from `node --cpu-prof`): self time per function (name, file:line), largest first.
//   node packages/bench/tools/cpuprofile-top.mjs /tmp/prof/CPU.*.cpuprofile [--top 15]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 15;
const file = args.find((a, i) => !a.startsWith('--') && i !== topAt + 1);
if (!file) {
  process.stderr.write('usage: cpuprofile-top.mjs FILE.cpuprofile [--top N]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
profile.samples.forEach((id, i) => {
  const n = byId.get(id);
  const f = n.callFrame;
  const key = `${f.functionName || '(anonymous)'}  ${f.url ? `${basename(f.url)}:${f.lineNumber + 1}` : ''}`.trim();
  self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
for (const [key, us] of rows) {
  process.stdout.write(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}\n`);
}
process.stdout.write(`total ${(total / 1000).toFixed(0)} ms sampled\n`);
