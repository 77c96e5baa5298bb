// The IDX reader's refusals in full (issue 21: found by mutation testing): each names what the header says, what
// was expected and where, and each bound is tested on both sides. data-idx.test.ts checks the values against
// numpy; this file pins the messages, offsets, argument checks and copies.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../src/errors.js';
import { DataFileError, DataFormatError } from '../src/data/errors.js';
import { readIdx, readIdxFile } from '../src/data/idx.js';

function refusal(f: () => unknown): DataFormatError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataFormatError);
    return e as DataFormatError;
  }
  throw new Error('expected a DataFormatError');
}

function badArgument(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as InvalidArgumentError).code).toBe('ERR_INVALID_ARGUMENT');
    return (e as Error).message;
  }
  throw new Error('expected an InvalidArgumentError');
}

const idx = (...b: number[]): Uint8Array => Uint8Array.from(b);

describe('IDX header refusals: code, message and offset', () => {
  it('fewer than 4 bytes', () => {
    const e = refusal(() => readIdx(idx(0, 0, 8)));
    expect([e.code, e.message, e.offset]).toEqual(['ERR_IDX_FORMAT', 'IDX header needs 4 bytes, got 3', 0]);
    expect(refusal(() => readIdx(idx(0x1f))).message).toBe('IDX header needs 4 bytes, got 1');
  });

  it('magic: both leading bytes must be zero, shown as two hex digits', () => {
    const e = refusal(() => readIdx(idx(0, 1, 8, 1, 0, 0, 0, 0)));
    expect([e.code, e.message, e.offset]).toEqual(['ERR_IDX_FORMAT', 'IDX magic must start with 0x00 0x00, got 0x00 0x01', 0]);
    expect(refusal(() => readIdx(idx(0x0a, 0, 8, 1, 0, 0, 0, 0))).message).toBe(
      'IDX magic must start with 0x00 0x00, got 0x0a 0x00',
    );
    // half a gzip magic is not gzip
    expect(refusal(() => readIdx(idx(0x1f, 0, 8, 1))).message).toBe('IDX magic must start with 0x00 0x00, got 0x1f 0x00');
    expect(refusal(() => readIdx(idx(0, 0x8b, 8, 1))).message).toBe('IDX magic must start with 0x00 0x00, got 0x00 0x8b');
  });

  it('unknown type byte', () => {
    const e = refusal(() => readIdx(idx(0, 0, 0x0a, 1, 0, 0, 0, 0)));
    expect([e.code, e.message, e.offset]).toEqual([
      'ERR_IDX_FORMAT',
      'IDX type byte must be 0x08, 0x09, 0x0b, 0x0c, 0x0d or 0x0e, got 0x0a',
      2,
    ]);
  });

  it('zero dimensions', () => {
    const e = refusal(() => readIdx(idx(0, 0, 8, 0)));
    expect([e.code, e.message, e.offset]).toEqual(['ERR_IDX_FORMAT', 'IDX file has 0 dimensions', 3]);
  });

  it('255 dimensions are said as the first 8, "…" and the count, not 255 of them', () => {
    const header = new Uint8Array(4 + 4 * 255);
    header.set([0, 0, 8, 255]);
    const e = refusal(() => readIdx(new Uint8Array([...header, 7]))); // all dims 0: 0 values, 1 byte too many
    expect([e.code, e.message]).toEqual(['ERR_IDX_SIZE', 'IDX dims 0x0x0x0x0x0x0x0x… (255 dimensions) of uint8 need 0 bytes of data, the file has 1']);
  });

  it('a header shorter than its dimensions; exactly long enough is fine', () => {
    const e = refusal(() => readIdx(idx(0, 0, 8, 3, 0, 0, 0, 1)));
    expect([e.code, e.message, e.offset]).toEqual(['ERR_IDX_SIZE', 'IDX header with 3 dimensions needs 16 bytes, got 8', 4]);
    const empty = readIdx(idx(0, 0, 8, 1, 0, 0, 0, 0));
    expect(empty.dims).toEqual([0]);
    expect(empty.data.length).toBe(0);
  });

  it('data that does not match the dims, either way', () => {
    const head = [0, 0, 0x0b, 2, 0, 0, 0, 2, 0, 0, 0, 3];
    const short = refusal(() => readIdx(idx(...head, ...new Array(11).fill(0))));
    expect([short.code, short.message, short.offset]).toEqual([
      'ERR_IDX_SIZE',
      'IDX dims 2x3 of int16 need 12 bytes of data, the file has 11',
      12,
    ]);
    expect(refusal(() => readIdx(idx(...head, ...new Array(13).fill(0)))).message).toBe(
      'IDX dims 2x3 of int16 need 12 bytes of data, the file has 13',
    );
    expect(readIdx(idx(...head, ...new Array(12).fill(0))).dims).toEqual([2, 3]);
  });
});

describe('IDX values', () => {
  it('big-endian, signed where the type is, read from a view into a larger buffer', () => {
    const backing = new Uint8Array(64).fill(0xee);
    const put = (at: number, b: number[]): Uint8Array => {
      backing.set(b, at);
      return backing.subarray(at, at + b.length);
    };
    expect(Array.from(readIdx(put(3, [0, 0, 0x08, 1, 0, 0, 0, 3, 1, 0xff, 7])).data)).toEqual([1, 255, 7]);
    expect(Array.from(readIdx(put(5, [0, 0, 0x09, 1, 0, 0, 0, 3, 1, 0xff, 0x80])).data)).toEqual([1, -1, -128]);
    expect(Array.from(readIdx(put(1, [0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe])).data)).toEqual([258, -2]);
    expect(Array.from(readIdx(put(2, [0, 0, 0x0c, 1, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfd])).data)).toEqual([-3]);
    expect(Array.from(readIdx(put(7, [0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0, 0])).data)).toEqual([1.5]);
    expect(Array.from(readIdx(put(9, [0, 0, 0x0e, 1, 0, 0, 0, 1, 0xc0, 0x04, 0, 0, 0, 0, 0, 0])).data)).toEqual([-2.5]);
  });

  it('uint8 and int8 data are copies, not views of the input', () => {
    for (const type of [0x08, 0x09]) {
      const bytes = idx(0, 0, type, 1, 0, 0, 0, 2, 5, 6);
      const out = readIdx(bytes);
      bytes.fill(0);
      expect(Array.from(out.data)).toEqual([5, 6]);
      expect(out.data.buffer).not.toBe(bytes.buffer);
    }
  });

  it('dims are read for every dimension, outermost first', () => {
    const out = readIdx(idx(0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 1, 0, ...new Array(512).fill(1)));
    expect(out.dims).toEqual([1, 2, 256]);
    expect(out.type).toBe('uint8');
  });
});

describe('IDX arguments and gzip', () => {
  it('bytes must be a Uint8Array', () => {
    expect(badArgument(() => readIdx('0000' as unknown as Uint8Array))).toBe('bytes: expected a Uint8Array (or Buffer), got string');
  });

  it('maxBytes must be a positive finite number', () => {
    const ok = idx(0, 0, 8, 1, 0, 0, 0, 1, 9);
    for (const bad of [0, -1, NaN, Infinity, '5']) {
      expect(badArgument(() => readIdx(ok, { maxBytes: bad as number }))).toBe(
        `options.maxBytes: expected a positive number of bytes, got ${bad}`,
      );
    }
    expect(Array.from(readIdx(ok, { maxBytes: 0.5 }).data)).toEqual([9]);
  });

  it('gzip: inflated up to exactly maxBytes is read; one byte more is refused with the limit in the message', () => {
    const plain = idx(0, 0, 8, 1, 0, 0, 0, 4, 1, 2, 3, 4);
    const z = new Uint8Array(gzipSync(plain));
    expect(Array.from(readIdx(z, { maxBytes: plain.length }).data)).toEqual([1, 2, 3, 4]);
    const e = refusal(() => readIdx(z, { maxBytes: plain.length - 1 }));
    expect([e.code, e.message, e.offset]).toEqual(['ERR_IDX_TOO_LARGE', 'gzip content inflates to more than maxBytes = 11', 0]);
  });

  it('gzip is recognised from its two magic bytes alone', () => {
    expect(refusal(() => readIdx(idx(0x1f, 0x8b))).code).toBe('ERR_IDX_GZIP');
  });

  it('gzip: a corrupt stream says so, with zlib\'s reason', () => {
    const z = new Uint8Array(gzipSync(idx(0, 0, 8, 1, 0, 0, 0, 4, 1, 2, 3, 4)));
    const e = refusal(() => readIdx(z.subarray(0, z.length - 6)));
    expect(e.code).toBe('ERR_IDX_GZIP');
    expect(e.message).toMatch(/^gzip stream is corrupt: \S/);
    expect(e.offset).toBe(0);
  });

  describe('readIdxFile', () => {
    const dir = mkdtempSync(join(tmpdir(), 'backprop-idx-pins-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('path must be a non-empty string', () => {
      expect(badArgument(() => readIdxFile(''))).toBe('path: expected a file path, got ""');
      expect(badArgument(() => readIdxFile(5 as unknown as string))).toBe('path: expected a file path, got 5');
    });

    it('a missing file is a DataFileError naming it; options reach the reader', () => {
      const missing = join(dir, 'missing.idx');
      try {
        readIdxFile(missing);
        throw new Error('expected a DataFileError');
      } catch (e) {
        expect(e).toBeInstanceOf(DataFileError);
        expect((e as DataFileError).message).toMatch(new RegExp(`^cannot read '${missing}': ENOENT`));
      }
      const file = join(dir, 'four.idx.gz');
      writeFileSync(file, gzipSync(idx(0, 0, 8, 1, 0, 0, 0, 4, 1, 2, 3, 4)));
      expect(Array.from(readIdxFile(file).data)).toEqual([1, 2, 3, 4]);
      expect(refusal(() => readIdxFile(file, { maxBytes: 4 })).code).toBe('ERR_IDX_TOO_LARGE');
    });
  });
});
