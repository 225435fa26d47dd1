import type { StoredJob } from '../records';
import { numberOrNull, parseJson } from './stored-values';

/** What can be read from a stored job JSON that may have been cut short. */
export interface StoredJobFacts {
  readonly name: string | null;
  readonly createdAt: number | null;
  readonly status: StoredJob['status'] | null;
  readonly retriesLeft: number | null;
  readonly payloadPreview: string;
  readonly payloadTruncated: boolean;
  /** The JSON was read whole and is not a job object. */
  readonly malformed: boolean;
}

/** Job JSON up to this many bytes comes back whole for a list row. */
export const HEAD_BYTES = 2_048;
/** Bytes read from the end of a longer job JSON (options, status, progress). */
export const TAIL_BYTES = 16_384;
/**
 * Values longer than this are never copied into a Lua script (that costs Redis
 * milliseconds per MB); they are read by {@link LargeJobReader} instead.
 */
export const MOST_BYTES_IN_LUA = 64 * 1024;

const NAME_AT_START = /^\{"data":\{"name":("(?:[^"\\]|\\.)*")/;
const TAIL_START = ',"options":{';

/**
 * Reads name, timestamps and a payload preview from a job JSON that is either
 * whole (`tail` empty) or its first bytes plus its last bytes, as
 * `READ_SUMMARIES` returns it. Never throws: what cannot be read is `null`.
 */
export function readStoredJobFacts(head: string, tail: string, previewChars: number): StoredJobFacts {
  if (tail === '') {
    const job = parseJson(head) as Partial<StoredJob> | undefined;
    if (!job || typeof job !== 'object' || Array.isArray(job)) {
      return { name: null, createdAt: null, status: null, retriesLeft: null, payloadPreview: head.slice(0, previewChars), payloadTruncated: head.length > previewChars, malformed: true };
    }
    const payload = JSON.stringify(job.data?.payload) ?? '';
    return {
      name: typeof job.data?.name === 'string' ? job.data.name : null,
      createdAt: numberOrNull(job.options?.timestamp),
      status: job.status ?? null,
      retriesLeft: numberOrNull(job.options?.retries),
      payloadPreview: payload.slice(0, previewChars),
      payloadTruncated: payload.length > previewChars,
      malformed: typeof job.data?.name !== 'string',
    };
  }
  const nameMatch = NAME_AT_START.exec(head);
  const name = nameMatch ? (parseJson(nameMatch[1]) as string | undefined) ?? null : null;
  const at = head.indexOf('"payload":');
  const preview = at < 0 ? head : head.slice(at + '"payload":'.length);
  const rest = readTail(tail);
  return {
    name,
    createdAt: numberOrNull(rest?.options?.timestamp),
    status: rest?.status ?? null,
    retriesLeft: numberOrNull(rest?.options?.retries),
    payloadPreview: preview.slice(0, previewChars),
    payloadTruncated: true,
    malformed: false,
  };
}

/** The top-level `options`, `status` and `progress` from the end of a long job JSON. */
function readTail(tail: string): Partial<StoredJob> | undefined {
  // The top-level options come after the payload, so try the last match first;
  // an earlier one can only be a key inside the payload.
  for (let at = tail.lastIndexOf(TAIL_START); at >= 0; at = tail.lastIndexOf(TAIL_START, at - 1)) {
    const parsed = parseJson(`{${tail.slice(at + 1)}`) as Partial<StoredJob> | undefined;
    if (parsed && typeof parsed.options === 'object' && parsed.options !== null) return parsed;
    if (at === 0) break;
  }
  return undefined;
}
