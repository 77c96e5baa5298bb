import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI_DIR, EX4WEIGHTS, cli, ensureBuilt, freePort, onlyJson, tmp } from './helpers.js';

// Papercuts a new-user review found in the command line: each test runs the built CLI as a user would.

beforeAll(() => ensureBuilt());


const lines = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '');

describe('sweep --queue: nothing is claimed before Redis answers', () => {
  it('an unreachable Redis is one line naming the URL without its password and the reason in words; no plan, no "queued"', async () => {
    const port = await freePort();
    const r = cli(['sweep', '--queue', `redis://:s3cret@127.0.0.1:${port}`, '--lambda', '1', '--hidden', '8', '--maxfun', '5']);
    expect(r.code, r.stderr).toBe(1);
    expect(lines(r.stderr)).toEqual([`backprop: error: cannot reach Redis at redis://127.0.0.1:${port}: connection refused (is Redis running there?)`]);
    expect(r.stdout).toBe('');
  });

  it('a URL that is not redis:// is a usage error (exit 2) naming --queue, before the plan is printed', () => {
    const r = cli(['sweep', '--queue', 'http://x', '--lambda', '1', '--hidden', '8']);
    expect(r.code, r.stderr).toBe(2);
    expect(lines(r.stderr)).toEqual(['backprop: error: --queue: expected a redis:// or rediss:// URL, got "http://x"']);
  });

  it('--cancel with a URL that is not redis:// is the same usage error', () => {
    const r = cli(['sweep', '--queue', 'http://u:pw@x', '--cancel', 'abc']);
    expect(r.code, r.stderr).toBe(2);
    expect(lines(r.stderr)).toEqual(['backprop: error: --queue: expected a redis:// or rediss:// URL, got "http://x"']);
  });
});

describe('the nx train target does what `train --help` says of --report', () => {
  // The command nx runs (in packages/cli, options after `--` appended), run as nx would: NX_WORKSPACE_ROOT names the
  // workspace, INIT_CWD the folder the user typed the command in.
  const target = (JSON.parse(readFileSync(join(CLI_DIR, 'package.json'), 'utf8')) as { nx: { targets: { train: { options: { command: string } } } } })
    .nx.targets.train.options.command;
  const runTarget = (extra: string): { code: number | null; stderr: string; workspace: string; user: string } => {
    const workspace = tmp('bp-ws-');
    const user = tmp('bp-user-');
    const r = spawnSync('sh', ['-c', `${target} ${extra}`], {
      cwd: CLI_DIR,
      env: { ...process.env, NX_WORKSPACE_ROOT: workspace, INIT_CWD: user },
      encoding: 'utf8',
      timeout: 120_000,
    });
    return { code: r.status, stderr: r.stderr, workspace, user };
  };

  it('with --out, only the model is written: the workspace\'s reports/latest is left alone', () => {
    const r = runTarget('--hidden 4 --maxfun 2 --out rel-out/m.json');
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(r.user, 'rel-out/m.json'))).toBe(true);
    expect(existsSync(join(r.workspace, 'reports'))).toBe(false);
  });

  it('with no --out and no --report, the report goes to the workspace\'s reports/latest (the README\'s front door)', () => {
    const r = runTarget('--hidden 4 --maxfun 2');
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(r.workspace, 'reports/latest/model.json'))).toBe(true);
    expect(existsSync(join(r.workspace, 'reports/latest/report.md'))).toBe(true);
  });

  it('--report still wins', () => {
    const r = runTarget('--hidden 4 --maxfun 2 --out m.json --report mine');
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(r.user, 'mine/report.md'))).toBe(true);
    expect(existsSync(join(r.workspace, 'reports'))).toBe(false);
  });
});

describe('integer flags: any notation of a whole number, and a message that states the whole range', () => {
  it.each([
    [['train', '--maxfun', '1e12'], '--maxfun: expected an integer from 1 to 10000000, got "1e12"'],
    [['train', '--maxfun', '4294967296'], '--maxfun: expected an integer from 1 to 10000000, got "4294967296"'],
    [['train', '--maxfun', '2.5'], '--maxfun: expected an integer from 1 to 10000000, got "2.5"'],
    [['train', '--method', 'lbfgs', '--maxiter', '1e8'], '--maxiter: expected an integer from 1 to 10000000, got "1e8"'],
    [['train', '--method', 'adam', '--epochs', '1000000'], '--epochs: expected an integer from 1 to 100000, got "1000000"'],
    [['train', '--method', 'adam', '--batch-size', '0'], '--batch-size: expected an integer from 1 to 1000000, got "0"'],
    [['train', '--seed', '-1'], '--seed: expected an integer from 0 to 9007199254740991, got "-1"'],
    [['train', '--checkpoint-every', '0'], '--checkpoint-every: expected an integer from 1 to 10000000, got "0"'],
    [['train', '--hidden', '2000000'], '--hidden: expected layer sizes as integers from 1 to 1000000 separated by "," (e.g. 25 or 256,128), got "2000000"'],
    [['sweep', '--hidden', '2000000'], '--hidden: expected comma-separated layer sizes (integers from 0 to 1000000), layers of one network joined by "x" (e.g. 25,50,256x128), got "2000000"'],
  ])('%j is refused before any work: %s', (args, expected) => {
    const r = cli(args);
    expect(r.code, r.stderr).toBe(2);
    expect(lines(r.stderr)).toEqual([`backprop: error: ${expected}`]);
  });

  it('1e1, 10.0 and 10 are the same --maxfun (10 evaluations at most)', () => {
    for (const raw of ['1e1', '10.0', '10']) {
      const r = cli(['train', '--hidden', '4', '--maxfun', raw, '--out', 'm.json', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout) as { nfev: number; optimizer: { maxfun: number } };
      expect(j.optimizer.maxfun).toBe(10);
      expect(j.nfev).toBeLessThanOrEqual(10);
    }
  });
});

/** A level-5 MAT file whose one matrix X claims the dimensions [-5, 1] (uncompressed; the reader checks each). */
function matWithNegativeDimension(): Buffer {
  const header = Buffer.alloc(128, ' ');
  header.write('MATLAB 5.0 MAT-file, made by a test', 0, 'latin1');
  header.writeUInt16LE(0x0100, 124);
  header.write('IM', 126, 'latin1');
  const flags = Buffer.alloc(16);
  flags.writeUInt32LE(6, 0); // miUINT32
  flags.writeUInt32LE(8, 4);
  flags.writeUInt32LE(6, 8); // mxDOUBLE_CLASS
  const dims = Buffer.alloc(16);
  dims.writeUInt32LE(5, 0); // miINT32
  dims.writeUInt32LE(8, 4);
  dims.writeInt32LE(-5, 8);
  dims.writeInt32LE(1, 12);
  const name = Buffer.alloc(8);
  name.writeUInt16LE(1, 0); // small element: miINT8, 1 byte
  name.writeUInt16LE(1, 2);
  name.write('X', 4, 'latin1');
  const body = Buffer.concat([flags, dims, name]);
  const tag = Buffer.alloc(8);
  tag.writeUInt32LE(14, 0); // miMATRIX
  tag.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, tag, body]);
}

describe('a file the user named: the one line names the flag and the file, and never echoes its bytes', () => {
  it('a MAT file with a negative dimension: "--data bad.mat: …"', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.mat'), matWithNegativeDimension());
    const r = cli(['train', '--data', 'bad.mat', '--out', 'm.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^backprop: error: --data bad\.mat: .*negative/)]);
    // the same reader behind --weights
    const w = cli(['cost', '--weights', 'bad.mat'], { cwd: dir });
    expect(lines(w.stderr)).toEqual([expect.stringMatching(/^backprop: error: --weights bad\.mat: .*negative/)]);
  });

  it('a binary --resume file: says it is not text, names the flag, echoes no bytes, and comes before any output', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'g.ckpt'), Buffer.from(Array.from({ length: 1024 }, (_, i) => i % 256)));
    const r = cli(['train', '--resume', 'g.ckpt', '--out', 'm.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(lines(r.stderr)).toEqual(['backprop: error: --resume g.ckpt: not a backprop checkpoint: not text (NUL byte at offset 0)']);
  });

  it('a --resume text file that is not JSON: the parser\'s reason without its quote of the file', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'notes.txt'), 'hello world, this is not JSON\n');
    const r = cli(['train', '--resume', 'notes.txt', '--out', 'm.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    const [line, ...rest] = lines(r.stderr);
    expect(rest).toEqual([]);
    expect(line).toMatch(/^backprop: error: --resume notes\.txt: not a backprop checkpoint: not valid JSON \(.+\)$/);
    expect(line).not.toContain('hello world');
  });

  it('a checkpoint of another network: the mismatch names --resume and the file', () => {
    const dir = tmp();
    const a = cli(['train', '--hidden', '4', '--maxfun', '3', '--checkpoint', 'c.ckpt', '--checkpoint-every', '1', '--out', 'a.json'], { cwd: dir });
    expect(a.code, a.stderr).toBe(0);
    const r = cli(['train', '--hidden', '5', '--maxfun', '3', '--resume', 'c.ckpt', '--out', 'b.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(lines(r.stderr).filter((l) => l.startsWith('backprop: error:'))).toEqual([
      'backprop: error: --resume c.ckpt: checkpoint is for layers [400,4,10], not [400,5,10]',
    ]);
  });
});

describe('data export takes --data like every other command; --name stays as its old spelling', () => {
  it('--data writes the data set (digits5000: a header and 5000 rows), --name writes the same bytes', () => {
    const dir = tmp();
    const a = cli(['data', 'export', '--data', 'digits5000', '--out', 'a.csv'], { cwd: dir });
    expect(a.code, a.stderr).toBe(0);
    const text = readFileSync(join(dir, 'a.csv'), 'utf8');
    expect(text.trimEnd().split('\n')).toHaveLength(5001);
    const b = cli(['data', 'export', '--name', 'digits5000', '--out', 'b.csv'], { cwd: dir });
    expect(b.code, b.stderr).toBe(0);
    expect(readFileSync(join(dir, 'b.csv'), 'utf8')).toBe(text);
  });

  it('--data FILE.csv takes the CSV options, as on train (a round trip through a CSV keeps the labels)', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'in.csv'), 'a,b,label\n0,1,cat\n1,0,dog\n1,1,cat\n');
    const r = cli(['data', 'export', '--data', 'in.csv', '--label-column', 'label', '--out', 'out.csv', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'out.csv'), 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split(',').at(-1))).toEqual(['cat', 'dog', 'cat']);
  });

  it('--data and --name that disagree: a usage error naming both', () => {
    const r = cli(['data', 'export', '--data', 'mnist', '--name', 'digits5000', '--out', 'x.csv']);
    expect(r.code, r.stderr).toBe(2);
    expect(lines(r.stderr)).toEqual(['backprop: error: --name is the old spelling of --data: give one, got --data "mnist" and --name "digits5000"']);
  });
});

describe('predict --rows: one rule for rows past the data', () => {
  let dir = '';
  beforeAll(() => {
    dir = tmp();
    const t = cli(['train', '--hidden', '4', '--maxfun', '2', '--out', 'm.json'], { cwd: dir });
    expect(t.code, t.stderr).toBe(0);
  });

  it.each(['4990:6000', '6000:7000', ':5001', '5000'])('--rows %s on the 5000 rows of digits5000 is an error that says 5000 rows', (rows) => {
    const r = cli(['predict', '--model', 'm.json', '--data', 'builtin:digits5000', '--rows', rows], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^backprop: error: --rows: .*(the data has|which has) 5000 rows/)]);
  });

  it('the rows to the end are 4990: (10 predictions); without --rows a 3-row CSV predicts its 3 rows', () => {
    const r = cli(['predict', '--model', 'm.json', '--data', 'builtin:digits5000', '--rows', '4990:', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { predictions: { input: string }[] }).predictions.map((p) => p.input)).toEqual(
      Array.from({ length: 10 }, (_, i) => `row ${4990 + i}`),
    );
    const row = (label: number): string => [...Array.from({ length: 400 }, (_, j) => ((j * label) % 7) / 7), label].join(',');
    writeFileSync(join(dir, 'three.csv'), [1, 2, 3].map(row).join('\n') + '\n');
    const c = cli(['predict', '--model', 'm.json', '--data', 'three.csv', '--labels', 'digits', '--json'], { cwd: dir });
    expect(c.code, c.stderr).toBe(0);
    expect((JSON.parse(c.stdout) as { predictions: unknown[] }).predictions).toHaveLength(3);
  });
});

/** An IDX header written byte by byte as the format says: two zero bytes, the type (0x08 = uint8), the count of dims, each dim big-endian. */
function idxHeader(dims: number[]): Buffer {
  const b = Buffer.alloc(4 + 4 * dims.length);
  b[2] = 0x08;
  b[3] = dims.length;
  dims.forEach((d, k) => b.writeUInt32BE(d, 4 + 4 * k));
  return b;
}

describe('error messages name the flag or the file the user typed, and say what was expected', () => {
  it('train --out "" is a usage error naming --out and the empty name, not "it is a directory"', () => {
    const r = cli(['train', '--out', '', '--maxfun', '1']);
    expect(r.code, r.stderr).toBe(2);
    expect(lines(r.stderr)).toEqual(['backprop: error: --out: expected a file name, got ""']);
  });

  it('show-data --shape 0x0 names --shape and asks for positive sides; a shape of the wrong size says both sizes', () => {
    const zero = cli(['show-data', '--shape', '0x0', '--out', 'x.png']);
    expect(zero.code, zero.stderr).toBe(2);
    expect(lines(zero.stderr)).toEqual([
      'backprop: error: --shape: expected WIDTHxHEIGHT[:column-major|row-major] with positive whole numbers, e.g. 20x20:column-major, got "0x0"',
    ]);
    // digits5000 rows are 20x20 = 400 pixels (the course's ex4data1)
    const wrong = cli(['show-data', '--shape', '10x10', '--out', 'x.png']);
    expect(wrong.code, wrong.stderr).toBe(2);
    expect(lines(wrong.stderr)).toEqual(['backprop: error: --shape 10x10: that is 100 pixels, but each row of digits5000 has 400 values']);
  });

  it('an IDX file with 0 examples is refused naming --data and the file', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'x.idx'), idxHeader([0, 20, 20]));
    writeFileSync(join(dir, 'x-labels.idx'), idxHeader([0]));
    const r = cli(['train', '--data', 'x.idx', '--maxfun', '1', '--out', 'm.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(lines(r.stderr)).toEqual(['backprop: error: --data x.idx: the file has no examples (0 rows)']);
  });

  it('data info names the file when a MAT or IDX file is corrupt, as --data does', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'cut.mat'), readFileSync(EX4WEIGHTS).subarray(0, 200)); // a 128-byte header, then a cut element
    writeFileSync(join(dir, 'cut.idx'), idxHeader([1, 2, 3]).subarray(0, 6)); // 3 dims need 4 + 3·4 = 16 header bytes
    const mat = cli(['data', 'info', 'cut.mat'], { cwd: dir });
    expect(mat.code, mat.stderr).toBe(2);
    expect(lines(mat.stderr)).toEqual([expect.stringMatching(/^backprop: error: data info cut\.mat: \S/)]);
    const idx = cli(['data', 'info', 'cut.idx'], { cwd: dir });
    expect(idx.code, idx.stderr).toBe(2);
    expect(lines(idx.stderr)).toEqual(['backprop: error: data info cut.idx: IDX header with 3 dimensions needs 16 bytes, got 6']);
    const missing = cli(['data', 'info', 'nothere.csv'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(lines(missing.stderr)).toEqual([expect.stringMatching(/^backprop: error: data info: no such file "nothere\.csv" \(expected /)]);
    const odd = cli(['data', 'info', 'x.txt'], { cwd: dir });
    expect(lines(odd.stderr)).toEqual(['backprop: error: data info: expected a .mat, .csv or IDX file, or builtin:NAME, got "x.txt"']);
  });

  it('data --help names its commands as they are typed, and data describe is data info', () => {
    const help = cli(['data', '--help']);
    expect(help.code).toBe(0);
    // the description names `data info`, the command that describes a file, not a "describe" that is not one
    expect(help.stdout).toMatch(/describe a \.mat, \.csv or IDX file \(data info\)/);
    expect(help.stdout).toMatch(/^\s+info\|describe \[options\] <file>\s+describe a data file/m);
    const info = cli(['data', 'info', 'builtin:digits5000', '--json']);
    const describe = cli(['data', 'describe', 'builtin:digits5000', '--json']);
    expect(describe.code, describe.stderr).toBe(0);
    expect(describe.stdout).toBe(info.stdout);
    expect(lines(cli(['data', 'describ', 'x']).stderr)).toEqual(["backprop: error: unknown command 'describ' (Did you mean describe?)"]);
  });

  it('data info of an IDX file declaring 255 dimensions prints the first 8, "…" and the count', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'wide.idx'), idxHeader(new Array<number>(255).fill(0))); // 0 values: a valid, empty file
    const r = cli(['data', 'info', 'wide.idx'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stdout)).toEqual(['wide.idx: IDX uint8 [0 x 0 x 0 x 0 x 0 x 0 x 0 x 0 x … (255 dimensions)]']);
  });

  it('train --resume with a checkpoint holding only its format says which fields are missing', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'cp.json'), '{"format":"backprop-checkpoint"}');
    const r = cli(['train', '--resume', 'cp.json', '--maxfun', '1'], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(lines(r.stderr)).toEqual(['backprop: error: --resume cp.json: checkpoint fields missing: version, layers, x, history']);
  });

  it('a model file declaring 100,000 layers says the limit and the count found', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'deep.json'), JSON.stringify({ format: 'backprop-model', version: 2, layers: new Array(100_000).fill(1), theta: [] }));
    const r = cli(['evaluate', '--model', 'deep.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(lines(r.stderr)).toEqual(['backprop: error: --model deep.json: layers: at most 64 layers, got 100000']);
  });

  it('predict and evaluate with .mat weights and no --data use builtin:digits5000, as cost does', () => {
    // the course's ex4weights.mat on its 5000 digits: training set accuracy 97.52% (ex4.m)
    const e = onlyJson(cli(['evaluate', '--model', EX4WEIGHTS, '--json'])) as { data: string; m: number; accuracy: number };
    expect([e.data, e.m, e.accuracy]).toEqual(['digits5000', 5000, 0.9752]);
    const p = onlyJson(cli(['predict', '--model', EX4WEIGHTS, '--rows', '0', '--json'])) as { predictions: { row: number }[] };
    expect(p.predictions.map((q) => q.row)).toEqual([0]);
    const help = cli(['predict', '--help']).stdout + cli(['evaluate', '--help']).stdout;
    expect(help.match(/builtin:digits5000 for \.mat weights/g)).toHaveLength(2);
  });
});
