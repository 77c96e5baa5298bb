#!/usr/bin/env node
/**
 * The benchmark runner: `node packages/bench/dist/main.js [--json] [--rows 1,2] [--repeat N] [--quick] …`
 * (also `npx nx run bench:run`). The table (or, with --json, exactly one JSON object) goes to stdout, progress to
 * stderr. Exit code 0 when every selected row ran (entries may be skipped with a notice), 1 when a row failed,
 * 2 on a bad option.
 */
import { BenchOptionError } from './errors.js';
import { parseBenchArgs, USAGE } from './options.js';
import { runBench } from './run.js';
import { formatBenchTable } from './table.js';

function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseBenchArgs(argv);
  } catch (err) {
    if (err instanceof BenchOptionError) {
      process.stderr.write(`backprop-bench: error: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const report = await runBench(parsed.options);
  process.stdout.write(parsed.json ? `${JSON.stringify(report, jsonSafe)}\n` : `${formatBenchTable(report)}\n`);
  return report.rows.some((r) => r.status === 'failed') ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`backprop-bench: error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
