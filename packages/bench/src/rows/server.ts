/**
 * Row 5: the server's single-prediction throughput and latency. Every run posts one digit to POST /v1/predict of
 * `createApp` from @backprop/server, listening on 127.0.0.1 port 0 in this process, and — alternately, in the same
 * round — to a bare Express route that parses the same JSON body and answers the same-size constant JSON body (the
 * server's own answer, captured first). Loopback only; every run is bounded by `--server-seconds`.
 *
 * - Saturated, 10 connections, and unloaded, 1 connection: autocannon in a child process (packages/bench/tools/load.mjs),
 *   closed loop. Throughput, and the rps ratio the target is judged on.
 * - Moderate load: wrk (C, epoll) with packages/bench/tools/wrk-paced.lua, 10 connections, each pausing an
 *   exponentially distributed think time between a response and its next request, offering half of the server's
 *   saturated rate measured in the same round. The p99 target is judged here. The servers count the arrivals
 *   (10 ms bins) so the report shows the requests really came at the paced rate and spread out, not in bursts, and
 *   this process's GC pauses are recorded alongside (at this load they, not queueing, set the p99).
 * - wrk closed loop at 1 connection against the server (wrk-post.lua), to compare wrk's p50 with autocannon's.
 */
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DIGIT_LABEL_NAMES, loadDigits5000, randomInit } from '@backprop/nn';
import type { BenchContext } from '../context.js';
import { arrivalStats, logArrivals, type ArrivalLog, type ArrivalStats } from '../load/arrivals.js';
import { watchGc, type GcPauses } from '../load/gc-pauses.js';
import { autocannon, findWrk, runWrk, type CannonResult, type LoadResult } from '../load/generators.js';
import { errorMessage, judge, makeRow, skipped } from '../report.js';
import { median } from '../timing.js';
import type { BenchCheck, BenchEntry, BenchRow } from '../types.js';

const LAYERS = [400, 25, 10];
const CONNECTIONS = [10, 1] as const;
/** Moderate load: this many wrk connections together offering this fraction of the saturated rate. */
const MODERATE_CONNECTIONS = 10;
const MODERATE_FRACTION = 0.5;
/** Bin width for counting arrivals at the server. */
const ARRIVAL_BIN_MS = 10;
const TARGETS = ['bare Express', 'server'] as const;
type Target = (typeof TARGETS)[number];

const saturatedName = (who: Target, c: number) => `${who}, ${c} conn`;
const moderateName = (who: Target) => `${who}, moderate (wrk, ${MODERATE_CONNECTIONS} conn)`;
const WRK_UNLOADED = 'server, 1 conn (wrk)';

// ---------------------------------------------------------------------------------------------------------------
// Listening

interface Listening {
  url: string;
  arrivals: ArrivalLog;
  close(): Promise<void>;
}

interface Handler {
  listen(port: number, host: string, cb: () => void): Server;
}

function listen(app: Handler): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/v1/predict`,
        arrivals: logArrivals(server),
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
    server.on('error', reject);
  });
}

/** A load run with the server's own count of arrivals and this process's GC pauses alongside. */
async function watched(s: Listening, load: () => Promise<LoadResult>): Promise<LoadResult & { arrivals: ArrivalStats | null; gc: GcPauses }> {
  s.arrivals.start();
  const gc = watchGc();
  const stop = async () => ({ arrivals: arrivalStats(s.arrivals.stop(), ARRIVAL_BIN_MS), gc: await gc.stop() });
  let run: LoadResult;
  try {
    run = await load();
  } catch (err) {
    await stop();
    throw err;
  }
  return { ...run, ...(await stop()) };
}

// ---------------------------------------------------------------------------------------------------------------
// The servers

interface Modules {
  createApp(options: Record<string, unknown>): Handler;
  ModelRegistry: new () => { set(name: string, model: unknown, origin: { source: string }): unknown };
  express: (() => Handler & { post(path: string, ...h: unknown[]): void }) & { json(o: { limit: string }): unknown };
  pino(o: { level: string }): unknown;
}

async function loadModules(): Promise<Modules> {
  const server = (await import('@backprop/server')) as unknown as Pick<Modules, 'createApp' | 'ModelRegistry'>;
  const express = ((await import('express')) as unknown as { default: Modules['express'] }).default;
  const { pino } = (await import('pino')) as unknown as Pick<Modules, 'pino'>;
  return { createApp: server.createApp, ModelRegistry: server.ModelRegistry, express, pino };
}

// ---------------------------------------------------------------------------------------------------------------
// Entries and checks

/** A moderate-load run: wrk's result, what was offered, and what the server counted. */
interface ModerateResult extends LoadResult {
  offeredRps: number;
  saturatedRps: number;
  meanThinkMs: number;
  arrivals: ArrivalStats | null;
  gc: GcPauses;
}

const medianOf = <T>(runs: readonly T[], f: (r: T) => number | null | undefined) => {
  const v = runs.map(f).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return v.length ? median(v) : null;
};

function entry(name: string, runs: LoadResult[], connections: number, details: BenchEntry['details'] = {}): BenchEntry {
  return {
    name,
    status: 'ok',
    unit: 'req/s',
    median: median(runs.map((r) => r.rps)),
    samples: runs.map((r) => r.rps),
    inner: 1,
    floorMs: null,
    threads: 1,
    details: {
      connections,
      p50Ms: medianOf(runs, (r) => r.p50),
      p90Ms: medianOf(runs, (r) => r.p90),
      p99Ms: medianOf(runs, (r) => r.p99),
      maxMs: medianOf(runs, (r) => r.max),
      ...details,
    },
  };
}

function cannonEntry(name: string, runs: CannonResult[], connections: number): BenchEntry {
  return entry(name, runs, connections, { tool: 'autocannon', failedRequests: runs.reduce((n, r) => n + r.non2xx + r.errors, 0) });
}

function moderateEntry(name: string, runs: ModerateResult[]): BenchEntry {
  return entry(name, runs, MODERATE_CONNECTIONS, {
    tool: 'wrk',
    offeredRps: medianOf(runs, (r) => r.offeredRps),
    fractionOfSaturated: medianOf(runs, (r) => r.rps / r.saturatedRps),
    meanThinkMs: medianOf(runs, (r) => r.meanThinkMs),
    serverArrivalRps: medianOf(runs, (r) => r.arrivals?.rps),
    arrivalDispersion: medianOf(runs, (r) => r.arrivals?.dispersion),
    arrivalBinMs: ARRIVAL_BIN_MS,
    gcPausesPerSecond: medianOf(runs, (r) => r.gc.perSecond),
    gcPauseMedianMs: medianOf(runs, (r) => r.gc.medianMs),
    gcPauseMaxMs: medianOf(runs, (r) => r.gc.maxMs),
    gcShareOfTime: medianOf(runs, (r) => r.gc.share),
    failedRequests: 0,
  });
}

type CheckTarget = BenchCheck['target'];

function check(name: string, value: number | null, unit: BenchCheck['unit'], target?: CheckTarget, note?: string): BenchCheck {
  const c: BenchCheck = { name, value, unit };
  if (target) {
    c.target = target;
    c.met = judge(value, target);
  }
  if (note) c.note = note;
  return c;
}

const detail = (e: BenchEntry | undefined, key: string) => (e?.status === 'ok' && typeof e.details[key] === 'number' ? (e.details[key] as number) : null);

function ratio(name: string, num: number | null, den: number | null, target?: CheckTarget, note?: string): BenchCheck {
  return check(name, num !== null && den ? num / den : null, 'x', target, note);
}

// ---------------------------------------------------------------------------------------------------------------
// The row

export async function benchServer(ctx: BenchContext): Promise<BenchRow> {
  const started = Date.now();
  const saturatedNames = CONNECTIONS.flatMap((c) => TARGETS.map((who) => saturatedName(who, c)));
  const wrkNames = [...TARGETS.map(moderateName), WRK_UNLOADED];
  const names = [...saturatedNames, ...wrkNames];
  const workload = 'POST /v1/predict with one 20×20 digit (400-25-10 model) vs a bare Express route answering the same-size JSON';
  const rowOf = (entries: BenchEntry[], notes: string[]) => {
    const at = (n: string) => entries.find((e) => e.name === n);
    const sat = at(saturatedName('server', 10));
    const one = at(saturatedName('server', 1));
    return makeRow(
      {
        id: 5,
        title: 'server single predictions',
        workload,
        flops: 2 * (LAYERS[1] * (LAYERS[0] + 1) + LAYERS[2] * (LAYERS[1] + 1)),
        floorMs: null,
        entries,
        checks: [
          ratio('server / bare Express rps (10 conn)', sat?.median ?? null, at(saturatedName('bare Express', 10))?.median ?? null, { op: '>=', value: 0.8 }),
          check('server p99 latency (moderate load)', detail(at(moderateName('server')), 'p99Ms'), 'ms', { op: '<=', value: 2 }),
          check('bare Express p99 latency (moderate load)', detail(at(moderateName('bare Express')), 'p99Ms'), 'ms'),
          check('server p50 latency (10 conn, saturated)', detail(sat, 'p50Ms'), 'ms'),
          check('server p99 latency (10 conn, saturated)', detail(sat, 'p99Ms'), 'ms'),
          check('server p99 latency (1 conn)', detail(one, 'p99Ms'), 'ms'),
          ratio('server / bare Express rps (1 conn)', one?.median ?? null, at(saturatedName('bare Express', 1))?.median ?? null),
          ratio('wrk / autocannon p50 (server, 1 conn)', detail(at(WRK_UNLOADED), 'p50Ms'), detail(one, 'p50Ms')),
        ],
        notes,
      },
      started,
    );
  };

  let mods: Modules;
  try {
    mods = await loadModules();
  } catch (err) {
    const reason = `@backprop/server, express or pino not loadable (build the server: npx nx run server:build): ${errorMessage(err)}`;
    return rowOf(names.map((n) => skipped(n, reason)), [`skipped: ${reason}`]);
  }
  const wrk = findWrk();
  const noWrk = 'wrk not found on PATH (apt-get install -y wrk)';

  const digits = loadDigits5000();
  const model = {
    layers: LAYERS,
    theta: randomInit(LAYERS, { range: 0.12, seed: 5 }),
    labelNames: [...DIGIT_LABEL_NAMES],
    inputShape: digits.imageShape,
    createdAt: new Date().toISOString(),
  };
  const registry = new mods.ModelRegistry();
  registry.set('default', model, { source: 'trained' });
  const body = JSON.stringify({ pixels: Array.from(digits.X.data.subarray(0, LAYERS[0])) });
  const bodyFile = join(ctx.tmpDir, 'predict-body.json');
  writeFileSync(bodyFile, body);

  const servers: Listening[] = [];
  try {
    const real = await listen(mods.createApp({ models: registry, logger: mods.pino({ level: 'silent' }) }));
    servers.push(real);
    const answer = await fetch(real.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await answer.text();
    if (answer.status !== 200) throw new Error(`the server answered ${answer.status}: ${text.slice(0, 200)}`);
    const constant = JSON.parse(text) as unknown;
    const bareApp = mods.express();
    bareApp.post('/v1/predict', mods.express.json({ limit: '16mb' }), (_req: unknown, res: { json(v: unknown): void }) => res.json(constant));
    const bare = await listen(bareApp);
    servers.push(bare);
    const byTarget: Record<Target, Listening> = { 'bare Express': bare, server: real };

    const warm = Math.min(1, ctx.serverSeconds);
    for (const s of [bare, real]) await autocannon(s.url, bodyFile, warm, 10);
    const rounds = ctx.quick ? 1 : Math.min(ctx.repeat, 3);
    const cannon = new Map<string, CannonResult[]>(saturatedNames.map((n) => [n, []]));
    const moderate = new Map<string, ModerateResult[]>(TARGETS.map((who) => [moderateName(who), []]));
    const wrkUnloaded: LoadResult[] = [];
    const wrkFailed = new Map<string, string>();
    const attempt = async (name: string, round: number, run: () => Promise<void>) => {
      if (!wrk || wrkFailed.has(name)) return;
      try {
        await run();
      } catch (err) {
        wrkFailed.set(name, `round ${round + 1}: ${errorMessage(err)}`);
      }
    };

    for (let r = 0; r < rounds; r++) {
      const round = `round ${r + 1}/${rounds}`;
      for (const c of CONNECTIONS) {
        for (const who of TARGETS) {
          ctx.log(`row 5: server — ${who}, ${c} connection${c === 1 ? '' : 's'}, autocannon, ${ctx.serverSeconds} s (${round})`);
          cannon.get(saturatedName(who, c))!.push(await autocannon(byTarget[who].url, bodyFile, ctx.serverSeconds, c));
        }
      }
      // Moderate load offered from this round's saturated rate; think time = connections / rate − unloaded p50.
      const saturatedRps = cannon.get(saturatedName('server', 10))![r].rps;
      const unloadedP50 = cannon.get(saturatedName('server', 1))![r].p50;
      const offeredRps = MODERATE_FRACTION * saturatedRps;
      const meanThinkMs = (MODERATE_CONNECTIONS / offeredRps) * 1000 - unloadedP50;
      for (const who of TARGETS) {
        const name = moderateName(who);
        await attempt(name, r, async () => {
          if (!(meanThinkMs > 0)) throw new Error(`no room for think time: ${MODERATE_CONNECTIONS} / ${offeredRps.toFixed(0)} req/s is below the unloaded p50 ${unloadedP50.toFixed(3)} ms`);
          ctx.log(`row 5: server — ${who}, moderate load, wrk ${MODERATE_CONNECTIONS} connections, think ${meanThinkMs.toFixed(2)} ms, ${ctx.serverSeconds} s (${round})`);
          const run = await watched(byTarget[who], () =>
            runWrk(wrk!, byTarget[who].url, bodyFile, ctx.serverSeconds, MODERATE_CONNECTIONS, { meanThinkMs, seed: 5 + r }),
          );
          moderate.get(name)!.push({ ...run, offeredRps, saturatedRps, meanThinkMs });
        });
      }
      await attempt(WRK_UNLOADED, r, async () => {
        ctx.log(`row 5: server — server, 1 connection, wrk, ${ctx.serverSeconds} s (${round})`);
        wrkUnloaded.push(await runWrk(wrk!, real.url, bodyFile, ctx.serverSeconds, 1));
      });
    }

    const wrkEntry = (name: string, make: () => BenchEntry) =>
      !wrk ? skipped(name, noWrk) : wrkFailed.has(name) ? skipped(name, wrkFailed.get(name)!, 'failed') : make();
    const entries = [
      ...saturatedNames.map((n) => cannonEntry(n, cannon.get(n)!, Number(n.split(', ')[1].split(' ')[0]))),
      ...TARGETS.map((who) => moderateName(who)).map((n) => wrkEntry(n, () => moderateEntry(n, moderate.get(n)!))),
      wrkEntry(WRK_UNLOADED, () => entry(WRK_UNLOADED, wrkUnloaded, 1, { tool: 'wrk', failedRequests: 0 })),
    ];
    return rowOf(entries, rowNotes(entries, text, body));
  } catch (err) {
    return rowOf(names.map((n) => skipped(n, errorMessage(err), 'failed')), []);
  } finally {
    for (const s of servers) await s.close();
  }
}

function rowNotes(entries: BenchEntry[], answer: string, body: string): string[] {
  const at = (n: string) => entries.find((e) => e.name === n);
  const fmt = (v: number | null, digits = 0) => (v === null ? '—' : v.toFixed(digits));
  const notes = [`response body ${Buffer.byteLength(answer)} bytes, request body ${Buffer.byteLength(body)} bytes`];
  const server = at(moderateName('server'));
  const bare = at(moderateName('bare Express'));
  if (server?.status === 'ok' || bare?.status === 'ok') {
    const m = (server?.status === 'ok' ? server : bare)!;
    notes.push(
      `moderate load: wrk, ${MODERATE_CONNECTIONS} connections, each pausing an exponential think time (mean ` +
        `${fmt(detail(m, 'meanThinkMs'), 2)} ms, seeded) between a response and its next request, offering ` +
        `${fmt(detail(m, 'offeredRps'))} req/s = ${MODERATE_FRACTION * 100}% of the server's saturated 10-connection rate in the same round ` +
        `(think time = connections / offered rate − unloaded p50); latency is wrk's, from writing a request to its response`,
    );
    for (const e of [bare, server]) {
      if (e?.status !== 'ok') continue;
      notes.push(
        `${e.name}: achieved ${fmt(e.median)} req/s = ${fmt((detail(e, 'fractionOfSaturated') ?? NaN) * 100)}% of the server's saturated rate ` +
          `(offered ${fmt(detail(e, 'offeredRps'))}); the server counted ${fmt(detail(e, 'serverArrivalRps'))} arrivals/s, ` +
          `index of dispersion ${fmt(detail(e, 'arrivalDispersion'), 2)} per ${ARRIVAL_BIN_MS} ms (1 = Poisson, ≫ 1 = bursts); ` +
          `p90 ${fmt(detail(e, 'p90Ms'), 2)} ms; GC in the serving process: ${fmt(detail(e, 'gcPausesPerSecond'), 1)} pauses/s, ` +
          `median ${fmt(detail(e, 'gcPauseMedianMs'), 2)} ms, max ${fmt(detail(e, 'gcPauseMaxMs'), 1)} ms, ` +
          `${fmt((detail(e, 'gcShareOfTime') ?? NaN) * 100, 1)}% of the time`,
      );
    }
  }
  const wrkOne = at(WRK_UNLOADED);
  const cannonOne = at(saturatedName('server', 1));
  if (wrkOne?.status === 'ok' && cannonOne?.status === 'ok') {
    notes.push(
      `1 connection, same server and round: wrk p50 ${fmt(detail(wrkOne, 'p50Ms'), 3)} ms at ${fmt(wrkOne.median)} req/s, ` +
        `autocannon p50 ${fmt(detail(cannonOne, 'p50Ms'), 3)} ms at ${fmt(cannonOne.median)} req/s`,
    );
  }
  for (const e of entries) {
    if (e.status === 'ok' && (e.details.failedRequests as number) > 0) notes.push(`${e.name}: ${e.details.failedRequests} failed or non-2xx requests`);
  }
  return notes;
}
