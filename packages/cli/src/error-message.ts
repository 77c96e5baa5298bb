/**
 * The one-line message the CLI prints for an error: system error codes said in words ("no such file or
 * directory", not ENOENT), control characters escaped (see terminal.ts), at most MAX_ERROR_CHARS characters.
 */
import { basename } from 'node:path';
import { BackpropError, SYSTEM_ERROR_WORDS } from '@backprop/nn';
import { terminalSafe } from './terminal.js';

/** Network error codes in words (a queue URL that cannot be reached); the file system's are nn's SYSTEM_ERROR_WORDS. */
const NETWORK_ERROR_WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused (is Redis running there?)',
  ECONNRESET: 'connection reset by the other side',
  ETIMEDOUT: 'timed out',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved now',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};
const ERROR_WORDS: Readonly<Record<string, string>> = { ...SYSTEM_ERROR_WORDS, ...NETWORK_ERROR_WORDS };

/** Longest error line printed (the rest is cut with "…"). */
export const MAX_ERROR_CHARS = 400;

/** "ENOENT: no such file or directory, open 'x'" → "no such file or directory ('x')"; a bare "ENOENT" → its words. */
export function withoutSystemCodes(message: string): string {
  return message
    .replace(/\b(E[A-Z]{2,}): [^,]*, \w+ '([^']*)'(?: -> '[^']*')?/g, (whole, code: string, path: string) => {
      const words = ERROR_WORDS[code];
      if (!words) return whole;
      // the path is usually named already ("cannot read 'x': …"); say it once
      return message.split(`'${path}'`).length > 2 || message.includes(`"${path}"`) || message.includes(` ${path}: `) ? words : `${words} ('${path}')`;
    })
    // a code in parentheses annotates words already said ("read-only file system (EROFS)"): it stays
    .replace(/(\(?)\b(E[A-Z_]{2,})\b(\)?)/g, (whole: string, open: string, code: string, close: string) =>
      open && close ? whole : `${open}${ERROR_WORDS[code] ?? code}${close}`);
}

/** Collapses a message to one line (commander adds "(Did you mean …?)" on a line of its own). */
export function oneLine(s: string): string {
  return s.trim().replace(/\s*\n\s*/g, ' ');
}

/** An error's own message on one line, as it is (for a message that quotes another error). */
export function reasonOf(err: unknown): string {
  return oneLine(err instanceof Error ? err.message : String(err));
}

/** The printable one-line message of an error. */
export function errorMessage(err: unknown): string {
  const raw = err instanceof Error || (err && typeof (err as { message?: unknown }).message === 'string') ? (err as Error).message : String(err);
  return terminalSafe(oneLine(withoutSystemCodes(raw || String(err))), MAX_ERROR_CHARS);
}

/**
 * An error about a file the user named with a flag, said as `--data x.mat: reason`: the flag and the file first
 * (the library's message may name neither, e.g. a MAT header's "dimension 1 is negative (offset 152)"), a leading
 * "x.mat: ", "cannot read 'x.mat': " or "cannot read checkpoint x: " the library put there said once, and the code kept, so the exit status
 * is the same. Anything that is not a BackpropError (a bug, not the user's file) passes through unchanged.
 */
export function aboutFile(flag: string, path: string, err: unknown): unknown {
  if (!(err instanceof BackpropError)) return err;
  let reason = err.message;
  for (const prefix of [`${path}: `, `${basename(path)}: `, `cannot read checkpoint ${path}: `, `cannot read model ${path}: `, `cannot read '${path}': `, `${path} is `]) {
    if (reason.startsWith(prefix)) {
      reason = reason.slice(prefix.length);
      break;
    }
  }
  return new BackpropError(err.code, `${flag} ${path}: ${reason}`, { cause: err });
}
