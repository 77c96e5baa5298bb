// Mutations of text formats (CSV, JSON): tokens replaced by hostile ones, lines duplicated or dropped, plus the
// byte mutations applied to the UTF-8 encoding (which also produces invalid UTF-8 and broken multi-byte chars).
import { mutateBytes } from './mutate.mjs';

/** Tokens that have broken number and text parsers before. */
export const HOSTILE_TOKENS = [
  '', ' ', '-', '+', '.', 'e5', '1e', '1e309', '-1e309', '1e-400', '-0', '0x10', '0b1', '1_000', 'NaN', 'Infinity',
  '-Infinity', 'null', 'true', 'undefined', '9007199254740993', '2147483647', '2147483648', '4294967296', '1e9',
  '1e15', '1e300', '-1', '0', '1.5', '00001', '１', '٣', '\u0000', '\uFEFF', '\u2028', '"', '""', '"1"', "'1'",
  '\\', '\\u0000', '{', '[', ']', '}', ',', ';', '\t', '\r', '\n', '\r\n', 'é', '\ud800', '9'.repeat(400),
];

function lines(text) {
  return text.split('\n');
}

const textMutators = {
  // Replace one maximal run of non-separator characters with a hostile token.
  token(rng, text) {
    const re = /[^,;\t\n\r"{}[\]:]+/g;
    const spans = [];
    for (let m = re.exec(text); m !== null && spans.length < 5000; m = re.exec(text)) spans.push([m.index, m[0].length]);
    if (spans.length === 0) return null;
    const [at, len] = rng.pick(spans);
    return text.slice(0, at) + rng.pick(HOSTILE_TOKENS) + text.slice(at + len);
  },
  duplicateLine(rng, text) {
    const ls = lines(text);
    const i = rng.int(ls.length);
    // At most ~4 MB of copies: bigger inputs only measure parsing speed, not robustness.
    const times = Math.min(rng.chance(0.7) ? 1 : rng.between(2, 2000), Math.max(1, Math.floor(4e6 / (ls[i].length + 1))));
    ls.splice(i, 0, ...Array.from({ length: times }, () => ls[i]));
    return ls.join('\n');
  },
  dropLine(rng, text) {
    const ls = lines(text);
    if (ls.length < 2) return null;
    ls.splice(rng.int(ls.length), 1);
    return ls.join('\n');
  },
  widenLine(rng, text) {
    const ls = lines(text);
    const i = rng.int(ls.length);
    const extra = rng.chance(0.8) ? rng.between(1, 3) : rng.between(100, 20000);
    ls[i] += ',0'.repeat(extra);
    return ls.join('\n');
  },
  insertChar(rng, text) {
    const at = rng.int(text.length + 1);
    return text.slice(0, at) + rng.pick([',', ';', '\t', '"', '\n', '\r', ' ', '\u0000', '\ufeff', '#']) + text.slice(at);
  },
  blankLines(rng, text) {
    const at = rng.int(text.length + 1);
    return text.slice(0, at) + '\n'.repeat(rng.between(1, 5000)) + text.slice(at);
  },
};

const TEXT_MUTATIONS = Object.keys(textMutators);

/** Mutates text: 1–3 text mutations, or (40%) byte mutations of its UTF-8 bytes decoded back leniently. */
export function mutateText(rng, text, ctx) {
  if (rng.chance(0.4)) {
    const step = mutateBytes(rng, new TextEncoder().encode(text), ctx);
    return { text: new TextDecoder('utf-8', { fatal: false }).decode(step.bytes), ops: step.ops };
  }
  const count = rng.weighted([1, 2, 3], [6, 3, 1]);
  const ops = [];
  let out = text;
  for (let i = 0; i < count; i++) {
    const op = rng.pick(TEXT_MUTATIONS);
    const next = textMutators[op](rng, out);
    if (next === null) continue;
    out = next;
    ops.push(op);
  }
  return { text: out, ops };
}
