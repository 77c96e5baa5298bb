import { createRedisBackend, type BackendFactory } from 'bullmq';

/**
 * The worker's boundary with what Redis stores. BullMQ parses a job's hash (`data`, `opts`, `progress`, `parent`) as
 * it takes the job; a field that is not JSON (written there by hand: `redis-cli hset bull:backprop-train:ID data …`)
 * throws inside BullMQ before the processor sees the job, which then stays active, is taken again at every stall
 * check and never fails. So the hash is screened first, as the job is taken (BullMQ's moveToActive, and
 * moveToFinished, which takes the next job): an unreadable field is replaced by something BullMQ can parse, and the
 * job's data by an UNREADABLE note that the processor fails the job with.
 */

/** The data field of a job whose stored hash could not be read: the reason, naming the field. */
export const UNREADABLE = '__unreadable';

/** Characters a job's stored data may have: a training job is well under 10 kB (16 layers, 32 options, a path). */
export const MAX_DATA_CHARS = 1 << 20;

/** The stored fields BullMQ parses as JSON as it takes a job, and what stands in for one that is not. */
const PARSED: Record<string, string> = { data: '{}', opts: '{}', progress: '0', parent: '' };

/** The reason a job's data names when its hash was unreadable, or undefined. */
export function unreadableReason(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || !Object.hasOwn(data, UNREADABLE)) return undefined;
  return String((data as Record<string, unknown>)[UNREADABLE]);
}

/** Why a stored field cannot be given to BullMQ, or undefined when it can. */
function unreadable(field: string, text: string): string | undefined {
  if (field === 'data' && text.length > MAX_DATA_CHARS) return `${text.length} characters, more than the ${MAX_DATA_CHARS} a job's data may have`;
  if (field === 'parent' && text === '') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (field === 'opts' && (typeof value !== 'object' || value === null || Array.isArray(value))) return 'not a JSON object';
    return undefined;
  } catch (err) {
    return `not JSON (${(err as Error).message.slice(0, 80)})`;
  }
}

/**
 * Screens a job hash as Redis returns it (a flat [field, value, …] list), in place: every unreadable field is
 * replaced, and the data then says why (one line, naming the job and the field).
 */
export function screenJobHash(hash: unknown[], id: string): void {
  const problems: string[] = [];
  let dataAt = -1;
  for (let i = 0; i + 1 < hash.length; i += 2) {
    const field = String(hash[i]);
    if (field === 'data') dataAt = i + 1;
    if (!(field in PARSED)) continue;
    const why = unreadable(field, String(hash[i + 1]));
    if (why === undefined) continue;
    problems.push(`its stored ${field} is ${why}`);
    hash[i + 1] = PARSED[field];
  }
  if (problems.length === 0) return;
  const note = JSON.stringify({ [UNREADABLE]: `job ${id} cannot be read: ${problems.join('; ')}` });
  if (dataAt >= 0) hash[dataAt] = note;
  else hash.push('data', note);
}

/**
 * BullMQ's Redis backend with the job hashes it takes screened (see above). The commands' results are
 * `[hash, id, …]` when a job was taken, and anything else (a number, nothing) otherwise.
 */
export const screeningBackend: BackendFactory = (name, opts, flags) => {
  const backend = createRedisBackend(name, opts, flags);
  const exec = backend.execCommand.bind(backend);
  backend.execCommand = (client, command, args) => {
    if (command !== 'moveToActive' && command !== 'moveToFinished') return exec(client, command, args);
    return Promise.resolve(exec(client, command, args)).then((result: unknown) => {
      if (Array.isArray(result) && Array.isArray(result[0])) screenJobHash(result[0] as unknown[], String(result[1]));
      return result;
    });
  };
  return backend;
};
