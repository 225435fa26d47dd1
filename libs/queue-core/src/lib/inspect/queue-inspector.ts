import type { Redis } from 'ioredis';
import { queueKeys, globalKeys, type JobState, type QueueKeys } from '../keys';
import { readNameHistory, readThroughput, readThroughputHistory, type HistoryRange, type NameHistory, type ThroughputHistory, type ThroughputPoint } from '../throughput';
import { JOB_LOG_MAX_LINES } from '../job-log';
import { readQueueFlow, type QueueFlow } from '../flow-control';
import { buildJobDetail } from './job-detail';
import { readDependencies, stateOf, type JobDependencies } from './dependencies';
import { readWorkers, type WorkerView } from './worker-records';
import { shortText } from './bounded';
import { inspectScripts, type RunScript, type SummaryRow } from './lua';
import { assertJobName, assertJobState, assertQueueName, assertStoredJobId } from './names';
import { pageCount, pageWindow } from './paging';
import { LargeJobReader } from './large-job-reader';
import { HEAD_BYTES, MOST_BYTES_IN_LUA, TAIL_BYTES, readStoredJobFacts, type StoredJobFacts } from './stored-job-json';
import { parseJson, parseProgress, storedNumber } from './stored-values';
import type { JobDetail, JobValueField, JobLocation, JobPage, JobSummary, ListJobsOptions, NameScan, Overview, QueueCounts } from './types';

/** Tuning of {@link QueueInspector}. */
export interface QueueInspectorOptions {
  /**
   * Queues to list even before any producer or worker registered them.
   * @defaultValue []
   */
  readonly knownQueues?: readonly string[];
  /**
   * Characters of a payload shown in a list row.
   * @defaultValue 160
   */
  readonly previewChars?: number;
  /**
   * Bytes of error and progress text read for a list row.
   * @defaultValue 400
   */
  readonly textBytes?: number;
  /**
   * How many of the newest waiting/active/delayed jobs a name filter looks at
   * (those states have no name index, so the filter is a bounded scan).
   * @defaultValue 2000
   */
  readonly nameScanLimit?: number;
}

/**
 * The dashboard's read side: queues, counts, paginated job lists (newest first,
 * as fast on page 2,000 as on page 1), job details, look-up by id, workers and
 * throughput. Reads only; see `QueueAdmin` for the writes.
 */
export class QueueInspector {
  private readonly run: RunScript;
  private readonly large: LargeJobReader;
  private readonly knownQueues: readonly string[];
  private readonly previewChars: number;
  private readonly textBytes: number;
  private readonly nameScanLimit: number;

  /**
   * @param redis - an ioredis connection (not bee-queue's)
   * @param prefix - the key prefix from `QueueConfig`
   */
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    options: QueueInspectorOptions = {},
  ) {
    this.run = inspectScripts(redis);
    this.knownQueues = options.knownQueues ?? [];
    this.previewChars = options.previewChars ?? 160;
    this.textBytes = options.textBytes ?? 400;
    this.nameScanLimit = options.nameScanLimit ?? 2_000;
    this.large = new LargeJobReader(redis, this.previewChars);
  }

  /** Every queue: the known ones first, in the order given, then the others by name. */
  async queues(): Promise<string[]> {
    const seen = await this.redis.smembers(globalKeys(this.prefix).queues);
    // A name no producer could have written (over 1,000 characters) is not a queue worth a row.
    const others = seen.filter((q) => q.length <= 1_000 && !this.knownQueues.includes(q)).sort();
    return [...this.knownQueues, ...others];
  }

  /** Whether a queue is known or was registered by a producer or worker. */
  async hasQueue(queue: string): Promise<boolean> {
    if (this.knownQueues.includes(queue)) return true;
    return (await this.redis.sismember(globalKeys(this.prefix).queues, queue)) === 1;
  }

  /** Counts per state of each queue, in one round trip. */
  async counts(queues: readonly string[]): Promise<QueueCounts[]> {
    const pipeline = this.redis.pipeline();
    for (const queue of queues) {
      const k = queueKeys(this.prefix, queue);
      pipeline.llen(k.waiting).llen(k.active).zcard(k.delayed).zcard(k.index('succeeded')).zcard(k.index('failed')).zcard(k.index('canceled')).zcard(k.deferred);
    }
    const replies = (await pipeline.exec()) ?? [];
    return queues.map((queue, i) => {
      const n = (j: number) => {
        const [err, v] = replies[i * 7 + j] ?? [null, 0];
        if (err) throw err;
        return Number(v);
      };
      return { queue, waiting: n(0), active: n(1), delayed: n(2), succeeded: n(3), failed: n(4), canceled: n(5), deferred: n(6) };
    });
  }

  /** Each queue's flow control (paused, rate limit), in one round trip. */
  flow(queues: readonly string[]): Promise<QueueFlow[]> {
    return readQueueFlow(this.redis, this.prefix, queues);
  }

  /** Every queue's counts, the live workers and the summed throughput of the last `minutes`. */
  async overview(minutes = 60, now = Date.now()): Promise<Overview> {
    const queues = await this.queues();
    const [counts, workers, throughput, latency] = await Promise.all([
      this.counts(queues),
      this.workers(),
      this.throughput(queues, minutes, now),
      this.latency(queues, now),
    ]);
    return { queues: counts, workers, throughput, latency };
  }

  /** Processed and failed per minute, summed over `queues`, oldest minute first. */
  async throughput(queues: readonly string[], minutes = 60, now = Date.now()): Promise<ThroughputPoint[]> {
    const perQueue = await Promise.all(queues.map((q) => readThroughput(this.redis, this.prefix, q, minutes, now)));
    const last = minuteStart(now);
    return Array.from({ length: minutes }, (_, i) => ({
      minuteStart: last - (minutes - 1 - i) * 60_000,
      processed: perQueue.reduce((sum, points) => sum + (points[i]?.processed ?? 0), 0),
      failed: perQueue.reduce((sum, points) => sum + (points[i]?.failed ?? 0), 0),
    }));
  }

  /**
   * A queue's throughput history: 24 h by minute (`day`) or 30 days by hour
   * (`month`), with per-job-name counts, failures and duration percentiles.
   */
  history(queue: string, range: HistoryRange, now = Date.now()): Promise<ThroughputHistory> {
    assertQueueName(queue);
    return readThroughputHistory(this.redis, this.prefix, queue, range, now);
  }

  /** Per-job-name counts, failures and duration percentiles of a queue over the last `hours` hours. */
  nameHistory(queue: string, hours = 24, now = Date.now()): Promise<NameHistory[]> {
    assertQueueName(queue);
    return readNameHistory(this.redis, this.prefix, queue, hours, now);
  }

  /** Live workers, by name, each record checked (a malformed one says so on its own row). */
  workers(): Promise<WorkerView[]> {
    return readWorkers(this.redis, this.prefix);
  }

  /**
   * One page of a state's jobs, newest first. Each state is read by position
   * (LRANGE on waiting/active, ZREVRANGE on delayed and on the succeeded/failed
   * indexes), so a deep page costs what the first does. A name filter uses the
   * per-name index for succeeded/failed and a bounded scan of the newest
   * `nameScanLimit` jobs otherwise.
   */
  async listJobs(queue: string, state: JobState, options: ListJobsOptions = {}): Promise<JobPage> {
    assertQueueName(queue);
    assertJobState(state);
    const { page, pageSize, offset } = pageWindow(options.page, options.pageSize);
    const name = options.name ?? null;
    if (name !== null) assertJobName(name);
    const k = queueKeys(this.prefix, queue);
    const stop = offset + pageSize - 1;
    let ids: string[];
    let total: number;
    let nameScan: NameScan | null = null;
    if (name !== null && (state === 'succeeded' || state === 'failed' || state === 'canceled')) {
      [ids, total] = await this.rangeAndCount('zset', k.nameIndex(state, name), offset, stop);
    } else if (name !== null) {
      const kind = state === 'delayed' || state === 'deferred' ? 'zset' : 'list';
      const [scannedIds, verdicts, size] = await this.run('jobqInspectScanByName', [sourceKey(k, state), k.jobs], [kind, name, this.nameScanLimit, MOST_BYTES_IN_LUA]);
      // Jobs too long to read inside Lua get their names from the large-job reader.
      const unknown = scannedIds.filter((_, i) => Number(verdicts[i]) === -1);
      const unknownNames = new Map((await this.large.names(k.jobs, unknown)).map((n, i) => [unknown[i], n]));
      const matches = scannedIds.filter((id, i) => Number(verdicts[i]) === 1 || (Number(verdicts[i]) === -1 && unknownNames.get(id) === name));
      ids = matches.slice(offset, offset + pageSize);
      total = matches.length;
      nameScan = { scanned: scannedIds.length, limit: this.nameScanLimit, complete: Number(size) <= this.nameScanLimit };
    } else {
      const kind = state === 'waiting' || state === 'active' ? 'list' : 'zset';
      [ids, total] = await this.rangeAndCount(kind, sourceKey(k, state), offset, stop);
    }
    const pages = pageCount(total, pageSize);
    // A page past the end shows the last page (a list may have shrunk since the link was made).
    if (page > pages) return this.listJobs(queue, state, { ...options, page: pages });
    const jobs = await this.summaries(queue, state, ids);
    return { queue, state, page, pageSize, total, pages, name, nameScan, jobs };
  }

  /** One job with everything stored about it (bounded), or `null` when there is no such job. */
  async getJob(queue: string, id: string): Promise<JobDetail | null> {
    assertQueueName(queue);
    assertStoredJobId(id);
    const k = queueKeys(this.prefix, queue);
    const replies = await this.redis
      .multi()
      .hget(k.jobs, id)
      .hgetall(k.run(id))
      .sismember(k.succeeded, id)
      .sismember(k.failed, id)
      .zscore(k.delayed, id)
      .lpos(k.active, id)
      .lrange(k.log(id), -JOB_LOG_MAX_LINES, -1)
      .llen(k.log(id))
      .zscore(k.index('canceled'), id)
      .zscore(k.deferred, id)
      .exec();
    const value = (i: number) => {
      const [err, v] = replies?.[i] ?? [new Error('transaction aborted'), null];
      if (err) throw err;
      return v;
    };
    const json = value(0) as string | null;
    if (json === null) return null;
    const delayedAt = value(4) as string | null;
    const state = stateOf({ succeeded: value(2) === 1, failed: value(3) === 1, delayed: delayedAt !== null, active: value(5) !== null, canceled: value(8) !== null, deferred: value(9) !== null });
    return buildJobDetail({
      id,
      queue,
      state,
      json,
      run: value(1) as Record<string, string>,
      runAt: delayedAt === null ? null : Number(delayedAt),
      log: value(6) as string[],
      logTotal: Number(value(7)),
    });
  }

  /**
   * A job's parents and children (see `EnqueueOptions.dependsOn`) with their
   * states: at most `MOST_LISTED_LINKS` of each, with exact totals.
   */
  dependencies(queue: string, id: string): Promise<JobDependencies> {
    assertQueueName(queue);
    assertStoredJobId(id);
    return readDependencies(this.redis, queueKeys(this.prefix, queue), id);
  }

  /**
   * The whole stored value of one field of a job, for download: the payload or
   * result JSON, the error message, code or stack, the progress JSON, or the
   * whole stored job JSON. `null` when the job or the value does not exist.
   */
  async rawValue(queue: string, id: string, field: JobValueField): Promise<Buffer | null> {
    assertQueueName(queue);
    assertStoredJobId(id);
    const k = queueKeys(this.prefix, queue);
    if (field === 'job' || field === 'payload') {
      const raw = await this.redis.hgetBuffer(k.jobs, id);
      if (!raw || field === 'job') return raw;
      const job = parseJson(raw.toString('utf8')) as { data?: { payload?: unknown } } | undefined;
      const payload = job && typeof job === 'object' && job.data && typeof job.data === 'object' ? JSON.stringify(job.data.payload) : undefined;
      return payload === undefined ? raw : Buffer.from(payload);
    }
    const runField = { result: 'result', error: 'error', code: 'errorCode', stack: 'stack', progress: 'progress' }[field];
    return this.redis.hgetBuffer(k.run(id), runField);
  }

  /** Age of the oldest waiting job of each queue, ms (`null` when none waits). */
  async latency(queues: readonly string[], now = Date.now()): Promise<Record<string, number | null>> {
    const pipeline = this.redis.pipeline();
    for (const q of queues) pipeline.lindex(queueKeys(this.prefix, q).waiting, -1);
    const replies = (await pipeline.exec()) ?? [];
    const out: Record<string, number | null> = {};
    await Promise.all(
      queues.map(async (queue, i) => {
        const id = replies[i]?.[1];
        if (typeof id !== 'string') {
          out[queue] = null;
          return;
        }
        const [oldest] = await this.summaries(queue, 'waiting', [id]);
        out[queue] = oldest?.createdAt == null ? null : Math.max(0, now - oldest.createdAt);
      }),
    );
    return out;
  }

  /** Every queue holding a job with this id (ids are counted per queue, so several may). */
  async findJob(id: string): Promise<JobLocation[]> {
    assertStoredJobId(id);
    const queues = await this.queues();
    const pipeline = this.redis.pipeline();
    for (const q of queues) pipeline.hexists(queueKeys(this.prefix, q).jobs, id);
    const replies = (await pipeline.exec()) ?? [];
    const hits = queues.filter((_, i) => replies[i]?.[1] === 1);
    return Promise.all(
      hits.map(async (queue) => {
        const state = await this.stateOfJob(queue, id);
        const [summary] = await this.summaries(queue, state, [id]);
        return { queue, id, state, name: summary?.name ?? null };
      }),
    );
  }

  private async stateOfJob(queue: string, id: string): Promise<JobState> {
    const k = queueKeys(this.prefix, queue);
    const r = (await this.redis.multi().sismember(k.succeeded, id).sismember(k.failed, id).zscore(k.delayed, id).lpos(k.active, id).zscore(k.index('canceled'), id).zscore(k.deferred, id).exec()) ?? [];
    return stateOf({ succeeded: r[0]?.[1] === 1, failed: r[1]?.[1] === 1, delayed: r[2]?.[1] != null, active: r[3]?.[1] != null, canceled: r[4]?.[1] != null, deferred: r[5]?.[1] != null });
  }

  private async rangeAndCount(kind: 'list' | 'zset', key: string, start: number, stop: number): Promise<[string[], number]> {
    const m = this.redis.multi();
    if (kind === 'list') m.lrange(key, start, stop).llen(key);
    else m.zrevrange(key, start, stop).zcard(key);
    const replies = (await m.exec()) ?? [];
    for (const [err] of replies) if (err) throw err;
    return [(replies[0]?.[1] as string[]) ?? [], Number(replies[1]?.[1] ?? 0)];
  }

  private async summaries(queue: string, state: JobState, ids: readonly string[]): Promise<JobSummary[]> {
    if (ids.length === 0) return [];
    const k = queueKeys(this.prefix, queue);
    const [rows, runAts] = await Promise.all([
      this.run('jobqInspectReadSummaries', [k.jobs], [k.run(''), HEAD_BYTES, TAIL_BYTES, this.textBytes, MOST_BYTES_IN_LUA, ...ids]),
      state === 'delayed' ? this.redis.zmscore(k.delayed, ...ids) : Promise.resolve([] as (string | null)[]),
    ]);
    const out: JobSummary[] = [];
    for (const [i, row] of rows.entries()) {
      const [head, tail, totalBytes] = row;
      // Removed between the range read and this one: skip the row.
      if (Number(totalBytes) === 0) continue;
      const facts = head === null ? await this.large.factsOfLarge(k.jobs, ids[i], Number(totalBytes)) : readStoredJobFacts(head, tail, this.previewChars);
      if (facts) out.push(toSummary(queue, state, ids[i], row, facts, runAts[i] ?? null));
    }
    return out;
  }
}

function toSummary(queue: string, state: JobState, id: string, row: SummaryRow, facts: StoredJobFacts, runAt: string | null): JobSummary {
  const [, , totalBytes, , attempts, startedAt, finishedAt, durationMs, worker, error, errorCode, progress, errorBytes] = row.map((v) => (v === null ? '' : String(v)));
  return {
    id,
    queue,
    state,
    name: facts.name === null ? null : shortText(facts.name),
    createdAt: facts.createdAt,
    runAt: runAt === null ? null : Number(runAt),
    startedAt: storedNumber(startedAt),
    finishedAt: storedNumber(finishedAt),
    durationMs: storedNumber(durationMs),
    attempts: Number(attempts || 0) || 0,
    retriesLeft: facts.retriesLeft,
    worker: worker ? shortText(worker) : null,
    payloadPreview: facts.payloadPreview,
    payloadTruncated: facts.payloadTruncated,
    storedBytes: Number(totalBytes),
    error: error || null,
    errorBytes: Number(errorBytes || 0),
    errorCode: errorCode ? shortText(errorCode) : null,
    progress: boundedProgress(parseProgress(progress)),
    malformed: facts.malformed,
  };
}

/** The list or zset a state's jobs are read from. */
function sourceKey(k: QueueKeys, state: JobState): string {
  switch (state) {
    case 'waiting':
      return k.waiting;
    case 'active':
      return k.active;
    case 'delayed':
      return k.delayed;
    case 'deferred':
      return k.deferred;
    default:
      return k.index(state);
  }
}

function minuteStart(ms: number): number {
  return Math.floor(ms / 60_000) * 60_000;
}

function boundedProgress(p: ReturnType<typeof parseProgress>): ReturnType<typeof parseProgress> {
  return p && p.message !== undefined ? { percent: p.percent, message: shortText(p.message) } : p;
}
