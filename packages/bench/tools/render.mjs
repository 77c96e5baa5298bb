#!/usr/bin/env node
// Render a saved `--json` report as the harness's table:  node packages/bench/tools/render.mjs bench.json
import { readFileSync } from 'node:fs';
import { formatBenchTable } from '../dist/index.js';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: render.mjs REPORT.json\n');
  process.exit(2);
}
process.stdout.write(`${formatBenchTable(JSON.parse(readFileSync(file, 'utf8')))}\n`);
