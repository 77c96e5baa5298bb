#!/usr/bin/env node
// SIGKILL during `backprop train --checkpoint FILE --checkpoint-every 1` at random moments, then check that the
// checkpoint always parses (atomic writes: temp file + fsync + rename) and that `--resume FILE` finishes the run
// — to the same parameters, bit for bit, as a run that was never killed (adam on a fixed seed, one BLAS thread);
// a checkpoint of a run that had finished all its epochs must be refused instead (exit 2, nothing left to do).
//
//   node scripts/reliability/kill-checkpoint.mjs [--rounds 50] [--seed 1] [--epochs 1000] [--keep]
//
// Runs packages/cli/dist/main.js (build first). Prints one line per round and a summary; exit status 1 when a
// checkpoint was torn or a resume failed or diverged.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const MAIN = join(root, 'packages/cli/dist/main.js');

/** A small CSV problem (600 rows, 20 features, 4 classes) that trains in a few ms per epoch. */
export function writeData(dir) {
  let a = 1;
  const r = () => (a = (a * 16807) % 2147483647) / 2147483647;
  let text = '';
  for (let i = 0; i < 600; i++) {
    const k = i % 4;
    const row = Array.from({ length: 20 }, (_, j) => (r() + (j % 4 === k ? 1 : 0)).toFixed(4));
    text += `${row.join(',')},${k + 1}\n`;
  }
  const path = join(dir, 'data.csv');
  writeFileSync(path, text);
  return path;
}

export function trainArgs(data, epochs, extra = []) {
  return [
    MAIN, 'train', '--data', data, '--hidden', '8', '--method', 'adam', '--epochs', String(epochs), '--batch-size', '32',
    '--lr', '0.01', '--seed', '3', '--threads', '1', '--json', ...extra,
  ];
}

function wait(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Starts a training, SIGKILLs it `delayMs` after its first checkpoint appeared; resolves when it is dead. */
export async function killDuringTraining(dir, data, epochs, delayMs) {
  const checkpoint = join(dir, 'run.ckpt');
  rmSync(checkpoint, { force: true });
  const child = spawn(process.execPath, trainArgs(data, epochs, ['--checkpoint', checkpoint, '--checkpoint-every', '1', '--out', join(dir, 'killed.json')]), {
    stdio: 'ignore',
  });
  const exited = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
  const deadline = Date.now() + 30_000;
  while (!existsSync(checkpoint) && Date.now() < deadline) await wait(5);
  await wait(delayMs);
  child.kill('SIGKILL');
  return { checkpoint, ...(await exited) };
}

/** Whole epochs an adam checkpoint's run had done (its state's counter). */
export function epochsDone(checkpoint) {
  return checkpoint.state?.epoch ?? 0;
}

/** Leftover temp files of interrupted atomic writes next to the checkpoint. */
export function leftovers(dir) {
  return readdirSync(dir).filter((f) => f.startsWith('.run.ckpt.') && f.endsWith('.tmp'));
}

export async function main() {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '50' },
      seed: { type: 'string', default: '1' },
      epochs: { type: 'string', default: '1000' },
      keep: { type: 'boolean', default: false },
    },
  });
  const rounds = Number(values.rounds);
  const epochs = Number(values.epochs);
  let s = Number(values.seed) >>> 0 || 1;
  const rand = () => (s = (s * 48271) % 2147483647) / 2147483647;
  const nn = await import(pathToFileURL(join(root, 'packages/nn/dist/index.js')).href);
  const dir = mkdtempSync(join(tmpdir(), 'backprop-kill-'));
  const data = writeData(dir);

  // The reference: the same run, never killed.
  const straight = spawnSync(process.execPath, trainArgs(data, epochs, ['--out', join(dir, 'straight.json')]), { encoding: 'utf8' });
  if (straight.status !== 0) throw new Error(`the uninterrupted run failed: ${straight.stderr}`);
  const reference = nn.loadModel(join(dir, 'straight.json'));
  const t0 = Date.now();
  const tally = { rounds: 0, killedBeforeEnd: 0, checkpoints: 0, parsed: 0, torn: 0, resumed: 0, refusedFinished: 0, identical: 0, diverged: 0, failedResumes: 0, killedMidWrite: 0 };
  for (let round = 1; round <= rounds; round++) {
    const delay = Math.floor(rand() * 1500);
    const killed = await killDuringTraining(dir, data, epochs, delay);
    tally.rounds++;
    if (killed.signal === 'SIGKILL') tally.killedBeforeEnd++;
    let line = `round ${round}: SIGKILL ${delay} ms after the first checkpoint (${killed.signal ?? `exit ${killed.code}`})`;
    // Each interrupted atomic write leaves its uniquely named temp file: their number counts kills mid-write.
    tally.killedMidWrite = leftovers(dir).length;
    if (!existsSync(killed.checkpoint)) {
      console.log(`${line}; no checkpoint`);
      continue;
    }
    tally.checkpoints++;
    let cp;
    try {
      cp = nn.loadCheckpoint(killed.checkpoint);
      tally.parsed++;
    } catch (err) {
      tally.torn++;
      console.log(`${line}; TORN checkpoint: ${err.message}`);
      if (values.keep) writeFileSync(join(dir, `torn-${round}.ckpt`), readFileSync(killed.checkpoint));
      continue;
    }
    line += `; checkpoint at epoch ${cp.history.at(-1)?.epoch ?? cp.iteration}`;
    const out = join(dir, 'resumed.json');
    const resumed = spawnSync(process.execPath, trainArgs(data, epochs, ['--resume', killed.checkpoint, '--checkpoint', killed.checkpoint, '--out', out]), {
      encoding: 'utf8',
    });
    if (epochsDone(cp) === epochs) {
      // The run had finished: a resume with nothing left must be refused (exit 2), like any spent budget.
      const refused = resumed.status === 2 && resumed.stderr.includes('nothing left to do');
      if (refused) tally.refusedFinished++;
      else tally.failedResumes++;
      console.log(`${line}; run had finished: resume ${refused ? 'refused (nothing left to do)' : `NOT REFUSED (${resumed.status})`}`);
      continue;
    }
    if (resumed.status !== 0) {
      tally.failedResumes++;
      console.log(`${line}; RESUME FAILED (${resumed.status}): ${resumed.stderr.trim().split('\n').pop()}`);
      continue;
    }
    tally.resumed++;
    const model = nn.loadModel(out);
    const same = model.theta.length === reference.theta.length && model.theta.every((v, i) => Object.is(v, reference.theta[i]));
    if (same) tally.identical++;
    else tally.diverged++;
    console.log(`${line}; resumed to epoch ${epochs}: ${same ? 'bit-identical to the uninterrupted run' : 'DIFFERENT from the uninterrupted run'}`);
  }
  tally.seconds = Math.round((Date.now() - t0) / 100) / 10;
  console.log(JSON.stringify(tally));
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
  return tally.torn === 0 && tally.failedResumes === 0 && tally.diverged === 0 ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(await main());
}
