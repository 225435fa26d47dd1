import { describeTiming, nextDueAfter, type ScheduleDefinition, type ScheduleTiming } from '@jobq/job-defs';
import type { Redis } from 'ioredis';
import { InvalidArgumentError, ScheduleAmbiguousError, ScheduleNotFoundError } from './errors';
import { globalKeys, queueKeys } from './keys';
import { QueueScripts, type ScheduleOp } from './lua';
import { manualJobId, runJobJson, scheduledJobId, scheduleKeys, storedDefinition, templateJobIdPattern, type StoredSchedule } from './schedule-jobs';

/** Most schedules one queue holds (the stored hash stays bounded). */
export const MAX_SCHEDULES_PER_QUEUE = 10_000;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** A schedule as the API, dashboard and CLI show it. */
export interface ScheduleInfo {
  readonly queue: string;
  readonly name: string;
  /** Job (contract) name of its runs. */
  readonly job: string;
  readonly description: string;
  readonly timing: ScheduleTiming;
  /** `0 2 * * * (Europe/Berlin)` or `every 5 min`. */
  readonly timingText: string;
  readonly startAt: number | null;
  readonly endAt: number | null;
  readonly limit: number | null;
  /** `ended`: no next run (limit reached or past its end date). */
  readonly state: 'active' | 'paused' | 'ended';
  /** Scheduled runs so far (manual triggers not counted). */
  readonly count: number;
  readonly nextRunAt: number | null;
  /** Id of the pending job of the next run. */
  readonly nextJobId: string | null;
  readonly lastRunAt: number | null;
  readonly lastJobId: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** What `upsert` did. */
export interface UpsertOutcome {
  /** `unchanged`: the same definition was stored already; `repaired`: it was, but its next run was lost and is enqueued again. */
  readonly outcome: 'created' | 'updated' | 'unchanged' | 'repaired';
  readonly nextRunAt: number | null;
}

/** Where a schedule is: its name, and its queue when known. */
export type ScheduleRef = string | { readonly name: string; readonly queue?: string };

/** Options of {@link ScheduleManager}. */
export interface ScheduleManagerOptions {
  /** Approximate length of the queue event streams (`QueueConfig.eventsMaxLen`). @defaultValue 10000 */
  readonly eventsMaxLen?: number;
  /** Wraps each Redis call (the producer bounds them and names failures). */
  readonly call?: <T>(what: string, fn: (redis: Redis, scripts: QueueScripts) => Promise<T>) => Promise<T>;
}

/**
 * Stores and controls schedules (cron and interval jobs). Each active schedule
 * has exactly one pending delayed job for its next run, with an id made of the
 * schedule name and due time; the worker that takes a run enqueues the next one
 * (see `Worker`). So no process polls, and however many processes declare a
 * schedule or run workers, each due time makes one job.
 *
 * Get one from `client.schedules`, or build one on an ioredis connection.
 */
export class ScheduleManager {
  private readonly eventsMaxLen: number;
  private readonly scripts: QueueScripts;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly options: ScheduleManagerOptions = {},
  ) {
    this.eventsMaxLen = options.eventsMaxLen ?? 10_000;
    this.scripts = new QueueScripts(redis);
  }

  /**
   * Stores a schedule declared with `defineSchedule`. Declaring the same
   * definition again changes nothing (safe in every process at start); a changed
   * one (cron, interval, payload, options...) replaces it: its pending run is
   * replaced by one at the new next due time, never duplicated. Run count, last
   * run and a paused state are kept.
   */
  async upsert(def: ScheduleDefinition): Promise<UpsertOutcome> {
    const now = Date.now();
    const stored = storedDefinition(def, now);
    const next = nextDueAfter(def, now) ?? 0;
    const id = next > 0 ? scheduledJobId(def.name, next, def.jobId) : '';
    const json = next > 0 ? runJobJson(stored.template, next, now) : '';
    await this.registerQueue(def.queue);
    const [outcome, nextRunAt] = await this.run<[string, number]>(`upsert of schedule "${def.name}"`, def.queue, 'upsert', def.name, [
      JSON.stringify(stored),
      next,
      id,
      json,
      MAX_SCHEDULES_PER_QUEUE,
    ]);
    if (outcome === 'full') {
      throw new InvalidArgumentError(`Queue "${def.queue}" holds ${MAX_SCHEDULES_PER_QUEUE} schedules already; remove some before adding "${def.name}".`);
    }
    return { outcome: outcome as UpsertOutcome['outcome'], nextRunAt: Number(nextRunAt) || null };
  }

  /** Every schedule of `queue`, or of every known queue, by queue then name. */
  async list(queue?: string): Promise<ScheduleInfo[]> {
    const queues = queue !== undefined ? [checkQueue(queue)] : await this.queues();
    const out: ScheduleInfo[] = [];
    for (const q of queues) {
      const all = await this.exec('list of schedules', (redis) => redis.hgetall(queueKeys(this.prefix, q).schedules));
      for (const json of Object.values(all)) {
        const info = toInfo(q, json);
        if (info) out.push(info);
      }
    }
    return out.sort((a, b) => (a.queue === b.queue ? a.name.localeCompare(b.name) : a.queue.localeCompare(b.queue)));
  }

  /** One schedule; `ScheduleNotFoundError` when there is none. */
  async get(ref: ScheduleRef): Promise<ScheduleInfo> {
    const { name, queue } = await this.locate(ref);
    const json = await this.exec(`read of schedule "${name}"`, (redis) => redis.hget(queueKeys(this.prefix, queue).schedules, name));
    const info = json ? toInfo(queue, json) : null;
    if (!info) throw new ScheduleNotFoundError(name, queue);
    return info;
  }

  /** Pauses a schedule: its pending run is removed; nothing runs until `resume`. Returns false when it was paused already. */
  async pause(ref: ScheduleRef): Promise<boolean> {
    const { name, queue } = await this.locate(ref);
    const r = await this.run<string>(`pause of schedule "${name}"`, queue, 'pause', name, []);
    if (r === 'missing') throw new ScheduleNotFoundError(name, queue);
    return r === 'paused';
  }

  /** Resumes a paused schedule from now on (runs missed while paused are skipped). Returns false when it was not paused. */
  async resume(ref: ScheduleRef): Promise<boolean> {
    const { name, queue } = await this.locate(ref);
    for (let tries = 0; tries < 5; tries += 1) {
      const s = await this.stored(name, queue);
      const now = Date.now();
      const next = nextDueAfter({ timing: s.timing, startAt: s.startAt || null, endAt: s.endAt || null }, now) ?? 0;
      const r = await this.run<string>(`resume of schedule "${name}"`, queue, 'resume', name, [
        s.v,
        next,
        next > 0 ? scheduledJobId(name, next, templateJobIdPattern(s.template)) : '',
        next > 0 ? runJobJson(s.template, next, now) : '',
      ]);
      if (r === 'missing') throw new ScheduleNotFoundError(name, queue);
      if (r !== 'stale') return r === 'resumed';
    }
    throw new InvalidArgumentError(`Schedule "${name}" kept changing while it was being resumed; try again.`);
  }

  /** Runs a schedule now (its next run stays as it is); returns the new job's id. */
  async trigger(ref: ScheduleRef): Promise<string> {
    const { name, queue } = await this.locate(ref);
    const s = await this.stored(name, queue);
    const now = Date.now();
    const id = manualJobId(name, now);
    const r = await this.run<string>(`trigger of schedule "${name}"`, queue, 'trigger', name, [id, runJobJson(s.template, 0, now)]);
    if (r === 'missing') throw new ScheduleNotFoundError(name, queue);
    return id;
  }

  /** Removes a schedule and its pending run. Returns false when there was none. */
  async remove(ref: ScheduleRef): Promise<boolean> {
    let where: { name: string; queue: string };
    try {
      where = await this.locate(ref);
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return false;
      throw err;
    }
    return (await this.run<string>(`removal of schedule "${where.name}"`, where.queue, 'remove', where.name, [])) === 'removed';
  }

  /** Finds the queue of a schedule named without one. */
  private async locate(ref: ScheduleRef): Promise<{ name: string; queue: string }> {
    const name = typeof ref === 'string' ? ref : ref.name;
    if (typeof name !== 'string' || !NAME.test(name)) throw new InvalidArgumentError(`Schedule name "${String(name)}" is invalid: use 1-100 letters, digits, '.', '_' or '-'.`);
    const given = typeof ref === 'string' ? undefined : ref.queue;
    const queues = given !== undefined ? [checkQueue(given)] : await this.queues();
    const found: string[] = [];
    for (const q of queues) {
      if (await this.exec('look-up of a schedule', (redis) => redis.hexists(queueKeys(this.prefix, q).schedules, name))) found.push(q);
    }
    if (found.length === 0) throw new ScheduleNotFoundError(name, given);
    if (found.length > 1) throw new ScheduleAmbiguousError(name, found);
    return { name, queue: found[0] };
  }

  private async stored(name: string, queue: string): Promise<StoredSchedule> {
    const json = await this.exec(`read of schedule "${name}"`, (redis) => redis.hget(queueKeys(this.prefix, queue).schedules, name));
    if (!json) throw new ScheduleNotFoundError(name, queue);
    return JSON.parse(json) as StoredSchedule;
  }

  private queues(): Promise<string[]> {
    return this.exec('list of queues', async (redis) => (await redis.smembers(globalKeys(this.prefix).queues)).sort());
  }

  private async registerQueue(queue: string): Promise<void> {
    await this.exec(`registration of queue "${queue}"`, (redis) => redis.sadd(globalKeys(this.prefix).queues, queue));
  }

  private run<T>(what: string, queue: string, op: ScheduleOp, name: string, extra: (string | number)[]): Promise<T> {
    const k = queueKeys(this.prefix, queue);
    return this.exec(what, (_, scripts) => scripts.schedule<T>(op, scheduleKeys(k), [this.eventsMaxLen, Date.now(), k.base, name, ...extra]));
  }

  private exec<T>(what: string, fn: (redis: Redis, scripts: QueueScripts) => Promise<T>): Promise<T> {
    return this.options.call ? this.options.call(what, fn) : fn(this.redis, this.scripts);
  }
}

function checkQueue(queue: string): string {
  if (typeof queue !== 'string' || !NAME.test(queue)) throw new InvalidArgumentError(`Queue name "${String(queue)}" is invalid.`);
  return queue;
}

/** The view of a stored schedule, or null when its JSON is unreadable. */
function toInfo(queue: string, json: string): ScheduleInfo | null {
  let s: StoredSchedule;
  try {
    s = JSON.parse(json) as StoredSchedule;
  } catch {
    return null;
  }
  if (!s || typeof s.name !== 'string' || !s.timing) return null;
  const orNull = (n: number) => (n > 0 ? n : null);
  return {
    queue,
    name: s.name,
    job: s.job,
    description: s.description ?? '',
    timing: s.timing,
    timingText: describeTiming(s.timing),
    startAt: orNull(s.startAt),
    endAt: orNull(s.endAt),
    limit: orNull(s.limit),
    state: s.paused ? 'paused' : s.nextRunAt > 0 ? 'active' : 'ended',
    count: s.count,
    nextRunAt: orNull(s.nextRunAt),
    nextJobId: s.pendingId || null,
    lastRunAt: orNull(s.lastRunAt),
    lastJobId: s.lastJobId || null,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}
