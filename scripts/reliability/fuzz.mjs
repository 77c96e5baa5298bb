#!/usr/bin/env node
// Seeded mutation fuzzer for the parsers of @backprop/nn (on dist: build first).
//
//   node scripts/reliability/fuzz.mjs --cases 10000 --format mat|mat-structured|idx|csv|model|png|all --seed N
//        [--hang-ms 2000] [--watchdog-ms 30000] [--heap-mb 2048] [--max-rss-mb 3072] [--json out.json] [--save dir]
//        [--lib path/to/index.js]   (default packages/nn/dist/index.js)
//   node scripts/reliability/fuzz.mjs --format csv --seed N --case I [--save dir]   replay one case
//
// Each case is case i of the seed (the same input every time), run in a child process with a timer. A case that
// takes longer than --hang-ms is a hang; one still running after --watchdog-ms, one that kills the process (a V8
// heap exhaustion past --heap-mb is fatal), or one that takes the RSS past --max-rss-mb ends the child and is
// recorded, and fuzzing resumes after it. The children's RSS peak, and the case that set it, are reported.
// Outcomes: ok / typed (BackpropError with .code) / crash / invariant / hang / oom; the exit status is 1 when there
// is any crash, invariant, hang or oom. `mat-structured` generates its inputs instead of mutating seeds (see
// fuzz/formats/mat-structured.mjs) and is held to its own bounds: 2 s of CPU and 512 MiB of peak-RSS growth a case.
import { fork } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_HANG_MS, FORMAT_NAMES, makeCase, prepare, runCase, Tally } from './fuzz/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '10000' },
    format: { type: 'string', default: 'all' },
    seed: { type: 'string', default: '1' },
    case: { type: 'string' },
    'hang-ms': { type: 'string', default: String(DEFAULT_HANG_MS) },
    'watchdog-ms': { type: 'string', default: '30000' },
    'heap-mb': { type: 'string', default: '2048' },
    'max-rss-mb': { type: 'string', default: '3072' },
    json: { type: 'string' },
    save: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    lib: { type: 'string' },
  },
});

function integer(name, min) {
  const v = Number(values[name]);
  if (!Number.isSafeInteger(v) || v < min) {
    console.error(`--${name}: expected an integer >= ${min}, got ${JSON.stringify(values[name])}`);
    process.exit(2);
  }
  return v;
}

// The library under test: the built package, or another build of it (scripts/reliability/patched-nn.sh).
const libPath = values.lib ? resolve(values.lib) : join(root, 'packages/nn/dist/index.js');
const cases = integer('cases', 1);
const seed = integer('seed', 0);
const hangMs = integer('hang-ms', 1);
const watchdogMs = integer('watchdog-ms', 1000);
const heapMb = integer('heap-mb', 64);
const maxRssMb = integer('max-rss-mb', 64);
const formats = values.format === 'all' ? FORMAT_NAMES : values.format.split(',');
for (const f of formats) {
  if (!FORMAT_NAMES.includes(f)) {
    console.error(`--format: expected ${FORMAT_NAMES.join('|')}|all, got ${JSON.stringify(f)}`);
    process.exit(2);
  }
}

const lib = await import(pathToFileURL(libPath).href);

function saveInput(dir, format, index, input) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${format}-seed${seed}-case${index}${format === 'csv' ? '.json' : format === 'model' ? '.json' : '.bin'}`);
  writeFileSync(file, format === 'csv' ? JSON.stringify(input) : input);
  return file;
}

// --case: replay one case in this thread and print everything about it.
if (values.case !== undefined) {
  const index = integer('case', 0);
  for (const f of formats) {
    const prepared = prepare(f, lib, root);
    const c = makeCase(prepared, seed, index);
    const r = runCase(prepared, lib, c.input, hangMs);
    console.log(JSON.stringify({ format: f, index, seedName: c.seedName, ops: c.ops, ...r }, null, 2));
    if (values.save) console.log(`saved ${saveInput(values.save, f, index, c.input)}`);
  }
  process.exit(0);
}

/** RSS of a process from /proc (Linux), or 0 when it cannot be read. */
function rssOf(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096;
  } catch {
    return 0;
  }
}

/** Runs one format's cases in child processes, restarting after a hang, an abort or an RSS over the bound. */
function fuzzFormat(formatName) {
  const tally = new Tally(formatName);
  const prepared = prepare(formatName, lib, root);
  let rssPeak = 0;
  let rssPeakCase = -1;
  const t0 = Date.now();
  return new Promise((resolveRun) => {
    const startChild = (start) => {
      if (start >= cases) {
        resolveRun({ tally, rssPeakMb: Math.round(rssPeak / 2 ** 20), rssPeakCase, seconds: (Date.now() - t0) / 1000 });
        return;
      }
      const args = JSON.stringify({ formatName, libPath, root, seed, start, end: cases, hangMs });
      const child = fork(join(here, 'fuzz/child.mjs'), [args], {
        execArgv: [`--max-old-space-size=${heapMb}`],
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => {
        if (stderr.length < 65536) stderr += d;
      });
      let next = start; // the case in progress: the one after the last result
      let since = Date.now();
      let finished = false;
      const noteRss = (rss, index) => {
        if (rss > rssPeak) [rssPeak, rssPeakCase] = [rss, index];
      };
      const watchdog = setInterval(() => {
        const rss = rssOf(child.pid);
        noteRss(rss, next);
        if (rss > maxRssMb * 2 ** 20) stop('oom', `RSS ${Math.round(rss / 2 ** 20)} MiB over --max-rss-mb ${maxRssMb}`);
        else if (Date.now() - since > watchdogMs) stop('hang', `still running after ${watchdogMs} ms (watchdog)`);
      }, 200);
      const stop = (outcome, message) => {
        if (finished) return;
        finished = true;
        clearInterval(watchdog);
        child.kill('SIGKILL');
        let c;
        try {
          c = makeCase(prepared, seed, next);
        } catch (err) {
          c = { seedName: '?', ops: [`makeCase failed: ${err.message}`], input: new Uint8Array(0) };
        }
        const error = { name: outcome, message, frame: '' };
        tally.cases++;
        tally.outcomes[outcome] = (tally.outcomes[outcome] ?? 0) + 1;
        const sig = `${outcome}: ${message.replace(/\d+/g, 'N')}`;
        const entry = tally.bugs.get(sig) ?? { count: 0, example: { index: next, seedName: c.seedName, ops: c.ops, error, ms: Date.now() - since } };
        entry.count++;
        tally.bugs.set(sig, entry);
        if (values.save) saveInput(values.save, formatName, next, c.input);
        if (!values.quiet) console.error(`[${formatName}] case ${next}: ${outcome} — ${message}`);
        const resume = next + 1;
        if (child.exitCode !== null || child.signalCode !== null) startChild(resume);
        else child.once('exit', () => startChild(resume));
      };
      child.on('message', (msg) => {
        if (msg.done) {
          finished = true;
          clearInterval(watchdog);
          if (child.exitCode !== null || child.signalCode !== null) startChild(cases);
          else child.once('exit', () => startChild(cases));
          return;
        }
        since = Date.now();
        next = msg.c.index + 1;
        noteRss(msg.rss, msg.c.index);
        if (msg.rss > maxRssMb * 2 ** 20) msg.r.outcome = 'oom';
        tally.add(msg.c, msg.r);
        if (values.save && msg.r.outcome !== 'ok' && msg.r.outcome !== 'typed') {
          saveInput(values.save, formatName, msg.c.index, makeCase(prepared, seed, msg.c.index).input);
        }
        if (!values.quiet && tally.cases % 2000 === 0) console.error(`[${formatName}] ${tally.cases}/${cases}`);
      });
      child.on('exit', (code, signal) => {
        if (finished) return;
        const why = signal ? `signal ${signal}` : `code ${code}`;
        const fatal = /(FATAL ERROR|Assertion failed|Check failed)[^\n]*/.exec(stderr)?.[0] ?? stderr.trim().split('\n').pop() ?? '';
        stop(/out of memory/i.test(stderr) ? 'oom' : 'crash', `child process died (${why}): ${fatal.slice(0, 200)}`);
      });
    };
    startChild(0);
  });
}

const results = [];
let failed = false;
for (const f of formats) {
  const run = await fuzzFormat(f);
  const j = run.tally.toJSON();
  const bugs = j.outcomes.crash + j.outcomes.invariant + j.outcomes.hang + (j.outcomes.oom ?? 0);
  failed ||= bugs > 0;
  results.push({ ...j, seed, rssPeakMb: run.rssPeakMb, rssPeakCase: run.rssPeakCase, seconds: run.seconds });
  const o = j.outcomes;
  console.log(
    `${f.padEnd(6)} cases ${j.cases}  ok ${o.ok}  typed ${o.typed}  crash ${o.crash}  invariant ${o.invariant}  ` +
      `hang ${o.hang}  oom ${o.oom ?? 0}  slowest ${j.slowestMs} ms  rss peak ${run.rssPeakMb} MiB  ${run.seconds.toFixed(1)} s`,
  );
  for (const b of j.bugs) {
    console.log(`  ${b.count} x ${b.signature}\n     e.g. case ${b.example.index} (${b.example.seedName}; ${b.example.ops.join(' + ')})`);
  }
}
if (values.json) writeFileSync(values.json, JSON.stringify({ seed, cases, hangMs, lib: libPath, results }, null, 2));
process.exit(failed ? 1 : 0);
