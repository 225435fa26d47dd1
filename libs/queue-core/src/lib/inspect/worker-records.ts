import type { Redis } from 'ioredis';
import { globalKeys } from '../keys';
import type { WorkerInfo } from '../records';
import { shortText } from './bounded';

/**
 * A worker as the dashboard shows it: every field checked and bounded, so one
 * malformed or oversized registry record shows as malformed on its own row and
 * never breaks a page, `/metrics` or `/healthz`.
 */
export interface WorkerView extends WorkerInfo {
  /** What was wrong with the stored record (empty when it was well formed). */
  readonly malformed: readonly string[];
}

/** Most running jobs listed per worker. */
const MOST_RUNNING = 100;
/** Most queues listed per worker. */
const MOST_QUEUES = 50;
/** Records longer than this are not parsed (a worker writes a few hundred bytes). */
const MOST_RECORD_BYTES = 256 * 1024;

const STATES = new Set(['idle', 'busy', 'stopping']);

/**
 * Every worker in the registry, checked field by field, sorted by name. Names
 * whose record expired are pruned, as `WorkerRegistry.list` does.
 */
export async function readWorkers(redis: Redis, prefix: string): Promise<WorkerView[]> {
  const keys = globalKeys(prefix);
  const names = await redis.zrange(keys.workers, 0, 999);
  if (names.length === 0) return [];
  const sizes = await redis.pipeline(names.map((n) => ['strlen', keys.worker(n)])).exec();
  const small = names.filter((_, i) => Number(sizes?.[i]?.[1] ?? 0) <= MOST_RECORD_BYTES);
  const raw = small.length > 0 ? await redis.mget(small.map((n) => keys.worker(n))) : [];
  const byName = new Map(small.map((n, i) => [n, raw[i]]));
  const out: WorkerView[] = [];
  const gone: string[] = [];
  for (const [i, name] of names.entries()) {
    const bytes = Number(sizes?.[i]?.[1] ?? 0);
    if (bytes === 0) {
      gone.push(name);
      continue;
    }
    if (!byName.has(name)) {
      out.push(checkWorker(undefined, name, [`record is ${Math.round(bytes / 1024)} KB, too large to read`]));
      continue;
    }
    const json = byName.get(name);
    if (json === null || json === undefined) {
      gone.push(name);
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      out.push(checkWorker(undefined, name, ['record is not JSON']));
      continue;
    }
    out.push(checkWorker(parsed, name, []));
  }
  if (gone.length > 0) await redis.zrem(keys.workers, ...gone);
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Checks one parsed record; every bad field becomes a safe default and a note. */
export function checkWorker(record: unknown, registeredName: string, notes: string[]): WorkerView {
  const r = (record !== null && typeof record === 'object' && !Array.isArray(record) ? record : {}) as Record<string, unknown>;
  if (record !== undefined && r !== record) notes.push('record is not an object');
  const str = (field: string, fallback: string): string => {
    const v = r[field];
    if (typeof v === 'string') return shortText(v);
    if (v !== undefined && record !== undefined) notes.push(`${field} is not a string`);
    return fallback;
  };
  const num = (field: string, optional = false): number => {
    const v = r[field];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (record !== undefined && !(optional && v === undefined)) notes.push(`${field} is not a number`);
    return 0;
  };
  const queues = Array.isArray(r['queues']) ? r['queues'] : [];
  if (!Array.isArray(r['queues']) && record !== undefined) notes.push('queues is not a list');
  const running = Array.isArray(r['running']) ? r['running'] : [];
  if (!Array.isArray(r['running']) && record !== undefined) notes.push('running is not a list');
  const state = r['state'];
  if (!STATES.has(state as string) && record !== undefined) notes.push('state is not idle, busy or stopping');
  return {
    name: shortText(registeredName),
    hostname: str('hostname', ''),
    pid: num('pid'),
    queues: queues.slice(0, MOST_QUEUES).map((q) => (typeof q === 'string' ? shortText(q) : '?')),
    concurrency: num('concurrency'),
    state: STATES.has(state as string) ? (state as WorkerInfo['state']) : 'idle',
    running: running.slice(0, MOST_RUNNING).flatMap((job) => {
      const j = (job ?? {}) as Record<string, unknown>;
      if (typeof j['queue'] !== 'string' || typeof j['id'] !== 'string') {
        notes.push('a running job has no queue or id');
        return [];
      }
      return [{ queue: shortText(j['queue']), id: j['id'].slice(0, 1_000), name: typeof j['name'] === 'string' ? shortText(j['name']) : '', startedAt: typeof j['startedAt'] === 'number' ? j['startedAt'] : 0 }];
    }),
    processed: num('processed'),
    failed: num('failed'),
    busyMs: num('busyMs', true),
    startedAt: num('startedAt'),
    lastHeartbeat: num('lastHeartbeat'),
    malformed: [...new Set(notes)],
  };
}
