import { EventEmitter } from 'node:events';
import { hostname as osHostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { QueueConfig } from './config';
import { AttemptAbort } from './attempt-abort';
import { ClosedError, JobCanceledError, STALLED_MESSAGE_TEMPLATE } from './errors';
import { FinishBatcher, type PendingFinish } from './finish-batcher';
import type { BoundHandler } from './handler';
import { parseStoredJob, runAttempt, slotKey, UNREADABLE, type AttemptOutcome, type TakenJob } from './job-runner';
import { JobLogWriter } from './job-log';
import { ParentReader } from './parent-results';
import { globalKeys, hourOf, minuteOf, queueKeys, type QueueKeys } from './keys';
import { QueueScripts, type TakeReply } from './lua';
import type { JobProgress, StoredJob, WorkerInfo } from './records';
import { connectRedis, createRedis, isUnavailableError, waitUntilReady } from './redis-connection';
import { durationBucket, HISTORY_RETENTION_SECONDS, THROUGHPUT_RETENTION_SECONDS } from './throughput';
import { advanceSchedule } from './schedule-runner';
import { resolveWorkerOptions, type ResolvedWorkerOptions, type WorkerOptions } from './worker-options';
import { takeWorkerControl } from './worker-control';
import { WorkerRegistry } from './worker-registry';

/** Emitted after every attempt. */
export interface JobFinishedEvent {
  readonly queue: string;
  readonly id: string;
  readonly name: string;
  /** `retrying`: the attempt failed and the job will run again. `canceled`: an operator canceled it while it ran. */
  readonly outcome: 'succeeded' | 'failed' | 'retrying' | 'canceled';
  readonly attempt: number;
  readonly durationMs: number;
  readonly error?: { readonly message: string; readonly code?: string };
}

/** Emitted when the stall check recovered or failed jobs of dead workers. */
export interface StalledEvent {
  readonly queue: string;
  /** Put back to waiting. */
  readonly recovered: readonly string[];
  /** Failed for good: they went over the stall limit. */
  readonly failed: readonly string[];
}

/** What `close()` / `stopNow()` did with the jobs that were running. */
export interface CloseSummary {
  /** Jobs that finished during the grace period. */
  readonly completed: number;
  /** Jobs put back to waiting because they did not finish in time. */
  readonly requeued: number;
}

/** Events of a {@link Worker}. */
export interface WorkerEvents {
  'job:started': [{ queue: string; id: string; name: string; attempt: number }];
  'job:finished': [JobFinishedEvent];
  stalled: [StalledEvent];
  /** A problem the worker recovers from by itself (it keeps running). */
  error: [Error];
  'redis:down': [Error | undefined];
  'redis:up': [];
  /** The worker went quiet (`quiet()` or an operator's `quiet` command): it takes no new jobs. */
  quiet: [];
  /**
   * An operator sent `stop` (see `sendWorkerCommand`). With a listener, the
   * listener decides how to stop (a worker process closes and exits); without
   * one, the worker calls `close()` itself.
   */
  'stop-requested': [];
}

interface RunningJob {
  readonly queue: string;
  readonly id: string;
  readonly name: string;
  readonly startedAt: number;
  readonly abort: AttemptAbort;
  /** Set when the worker gave the job back: its outcome must not be recorded. */
  abandoned: boolean;
  done: Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** How long close() waits for each of its last Redis writes. */
const FINAL_REDIS_MS = 3_000;
/** Most outcomes written by one script call (bounds the script's KEYS and ARGV). */
const MAX_FINISH_BATCH = 100;

/** One outcome for `FINISH_JOBS`: its per-job KEYS and ARGV. */
interface FinishItem {
  readonly entry: RunningJob;
  /** Set when written: the script's code for this job (1 recorded, 2 canceled, 0 running elsewhere, -1 removed). */
  code: number;
  /** The job's entry in the script's batch (its fields in the order `FINISH_JOBS` documents). */
  readonly fields: readonly string[];
}

/**
 * The JSON of a `FINISH_JOBS` batch. Lone UTF-16 surrogates (which Redis' cjson
 * refuses) become U+FFFD, as they would when sent as a plain argument.
 */
function batchJson(rows: readonly (readonly string[])[]): string {
  const json = JSON.stringify(rows);
  // JSON.stringify writes a lone surrogate as a \udXXX escape; well-formed text has none.
  return json.includes('\\ud') ? JSON.stringify(rows.map((r) => r.map(wellFormed))) : json;
}

/** `s` with lone surrogates replaced by U+FFFD (`String.prototype.toWellFormed`, Node 20). */
function wellFormed(s: string): string {
  return (s as string & { toWellFormed(): string }).toWellFormed();
}

/** `promise`, or `fallback` if it has not settled within `ms`. */
function bounded<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<T>((r) => (timer = setTimeout(() => r(fallback), ms)))]).finally(() => clearTimeout(timer));
}

/**
 * Runs jobs from one or more queues, in priority order, with typed handlers.
 *
 * - Priority: whenever slots are free, the worker takes jobs from the first queue
 *   in `queues` that has waiting (or due delayed) jobs, and looks at the next
 *   queue only when that one is empty. Running jobs are never pre-empted.
 * - Each payload and result is checked against its contract; a bad payload fails
 *   that job (no retry) and the worker goes on.
 * - Timeouts are real: the job is failed and the handler's `signal` aborts.
 * - Idle workers block on Redis (a connection of their own) and take a job the
 *   moment it is enqueued; they sleep until the earliest delayed job or retry is
 *   due. A slow, fleet-wide safety poll also picks up jobs written without a
 *   wake-up (plain bee-queue producers).
 * - Retries with backoff.
 * - Results and errors are stored with their retention; history is indexed.
 * - Jobs of dead workers are back in waiting within one stall interval (checks run
 *   every half interval, fleet-wide); a job that loses its worker more than
 *   `maxStalls` times is failed (`JOBQ_JOB_STALLED`).
 * - Heartbeats keep the worker's registry record alive.
 * - `close()` drains gracefully; `stopNow()` gives running jobs back at once.
 */
export class Worker extends EventEmitter<WorkerEvents> {
  private readonly options: ResolvedWorkerOptions;
  private readonly handlers = new Map<string, BoundHandler>();
  private readonly keys: QueueKeys[];
  private readonly keysByQueue: ReadonlyMap<string, QueueKeys>;
  /** KEYS of the Lua `take` function: per queue waiting, active, jobs, delayed, events, wake, flow. */
  private readonly takeKeys: string[];
  private readonly identity: { hostname: string; pid: number };
  private readonly running = new Map<string, RunningJob>();
  /** Reads parents and their results for `ctx.parentResult(s)` (jobs enqueued with `dependsOn`). */
  private readonly parentReader: ParentReader;
  private redis: Redis | null = null;
  /** Connection for the idle wait (BLPOP on the queues' wake lists). */
  private blocking: Redis | null = null;
  private blockingId: number | null = null;
  /** Set while the dispatch loop is blocked in BLPOP. */
  private idling: Promise<unknown> | null = null;
  /** Earliest run-at of a delayed job in our queues, and the timer that wakes us for it. */
  private dueAt = -1;
  private dueTimer: NodeJS.Timeout | null = null;
  /** Registered workers, from the last heartbeat (spreads the safety poll). */
  private fleetSize = 1;
  private scripts: QueueScripts | null = null;
  private registry: WorkerRegistry | null = null;
  private state: 'new' | 'running' | 'stopping' | 'closed' = 'new';
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private timers: NodeJS.Timeout[] = [];
  private stats = { processed: 0, failed: 0, busyMs: 0, startedAt: 0 };
  private redisDown = false;
  private heartbeatBusy = false;
  private closing: Promise<CloseSummary> | null = null;
  private cutGrace: (() => void) | null = null;
  /** Set by `quiet()`: no new jobs are taken, running ones finish. */
  private quieted = false;
  private controlBusy = false;
  /** Jobs the dispatch loop took while close() began, and gave straight back. */
  private handedBack = 0;
  /** Outcomes waiting to be written, grouped per queue. */
  private readonly finisher: FinishBatcher<FinishItem>;

  constructor(
    private readonly config: QueueConfig,
    options: WorkerOptions,
  ) {
    super();
    this.options = resolveWorkerOptions(options);
    for (const h of options.handlers) this.handlers.set(slotKey(h.contract.queue, h.contract.name), h);
    this.keys = this.options.queues.map((q) => queueKeys(config.prefix, q));
    this.keysByQueue = new Map(this.options.queues.map((q, i) => [q, this.keys[i]]));
    this.takeKeys = this.keys.map((k) => k.jobs);
    this.identity = { hostname: options.hostname ?? osHostname(), pid: options.pid ?? process.pid };
    // With many slots, two writes in flight let Redis record one batch while this
    // process runs the jobs the other one returned; with few slots, splitting them
    // over two writes only makes the batches smaller (more Redis work per job).
    const writesInFlight = this.options.concurrency >= 8 ? 2 : 1;
    this.finisher = new FinishBatcher<FinishItem>((queue, batch) => this.writeFinishes(queue, batch), MAX_FINISH_BATCH, writesInFlight);
    this.parentReader = new ParentReader(() => this.live, config.prefix);
  }

  /** The connection and scripts; only used between start() and close(). */
  private get live(): { redis: Redis; scripts: QueueScripts } {
    if (!this.redis || !this.scripts) throw new ClosedError(`Worker "${this.name}" is not started; call start() first`);
    return { redis: this.redis, scripts: this.scripts };
  }

  /** The worker's name. */
  get name(): string {
    return this.options.name;
  }

  /** A snapshot of what the registry shows for this worker. */
  get info(): WorkerInfo {
    const now = Date.now();
    const running = [...this.running.values()].filter((r) => !r.abandoned);
    return {
      name: this.options.name,
      hostname: this.identity.hostname,
      pid: this.identity.pid,
      queues: this.options.queues,
      concurrency: this.options.concurrency,
      state: this.state !== 'running' ? 'stopping' : this.quieted ? 'quiet' : running.length > 0 ? 'busy' : 'idle',
      running: running.map((r) => ({ queue: r.queue, id: r.id, name: r.name, startedAt: r.startedAt })),
      processed: this.stats.processed,
      failed: this.stats.failed,
      busyMs: this.stats.busyMs + running.reduce((sum, r) => sum + (now - r.startedAt), 0),
      startedAt: this.stats.startedAt,
      lastHeartbeat: now,
    };
  }

  /** Connects, registers and starts taking jobs. Throws `RedisUnavailableError` if Redis does not answer. */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new ClosedError(`Worker "${this.name}" was already started; create a new one`);
    const redis = await connectRedis(this.config, { connectionName: `${this.config.prefix}:worker:${this.name}`, failFast: false });
    this.redis = redis;
    this.scripts = new QueueScripts(redis);
    const blocking = createRedis(this.config, { connectionName: `${this.config.prefix}:worker:${this.name}:wait`, failFast: true, blocking: true });
    this.blocking = blocking;
    blocking.on('ready', () => {
      blocking.client('ID').then(
        (id) => (this.blockingId = Number(id)),
        () => (this.blockingId = null),
      );
    });
    blocking.connect().catch(() => undefined);
    await waitUntilReady(blocking, this.config.connectTimeoutMs).catch(() => undefined);
    this.registry = new WorkerRegistry(redis, this.config.prefix);
    redis.on('close', () => {
      if (!this.redisDown && this.state === 'running') {
        this.redisDown = true;
        this.emit('redis:down', undefined);
      }
    });
    redis.on('ready', () => {
      if (this.redisDown) {
        this.redisDown = false;
        this.emit('redis:up');
        void this.heartbeat();
      }
    });
    this.stats.startedAt = Date.now();
    this.state = 'running';
    // Commands left for an earlier process of the same name are not for this one.
    await redis.del(globalKeys(this.config.prefix).control(this.name), globalKeys(this.config.prefix).controlWake(this.name));
    await redis.sadd(globalKeys(this.config.prefix).queues, ...this.options.queues);
    await this.heartbeat();
    const interval = this.options.stallIntervalMs;
    this.timers.push(
      setInterval(() => void this.heartbeat(), this.options.heartbeatMs),
      // Claims land every quarter interval, well inside the 0.45-interval lock of the check.
      setInterval(() => void this.claimRunning(), Math.max(25, Math.floor(interval / 4))),
      setInterval(() => void this.checkStalled(), Math.max(50, Math.floor(interval / 2))),
      setInterval(() => void this.sweep(), this.options.sweepIntervalMs),
    );
    void this.checkStalled();
    this.loop = this.dispatch();
  }

  /**
   * Stops taking jobs, lets running ones finish for up to `graceMs`, gives back
   * the ones still running (they go to the front of waiting, their handlers are
   * aborted), deregisters and disconnects. Calling it again while it runs (e.g.
   * a second signal) cuts the grace period short. Always settles, even with Redis
   * down: what cannot be given back then is recovered by the stall check.
   */
  close(options: { graceMs?: number } = {}): Promise<CloseSummary> {
    if (this.state === 'new') {
      this.state = 'closed';
      return Promise.resolve({ completed: 0, requeued: 0 });
    }
    if (this.closing) {
      if ((options.graceMs ?? 30_000) === 0) this.cutGrace?.();
      return this.closing;
    }
    this.closing = this.shutdown(options.graceMs ?? 30_000);
    return this.closing;
  }

  /**
   * Stops taking new jobs and lets the running ones finish; the worker stays
   * registered (state `quiet`) until it is closed. Operators send it with
   * `sendWorkerCommand(redis, prefix, name, 'quiet')`.
   */
  quiet(): void {
    if (this.quieted || this.state !== 'running') return;
    this.quieted = true;
    this.wake?.();
    void this.interruptIdle();
    void this.heartbeat();
    this.emit('quiet');
  }

  /** Whether `quiet()` was called (or a `quiet` command received). */
  get isQuiet(): boolean {
    return this.quieted;
  }

  /** Like `close()` with no grace: running jobs are aborted and put back to waiting at once. */
  stopNow(): Promise<CloseSummary> {
    return this.close({ graceMs: 0 });
  }

  private async shutdown(graceMs: number): Promise<CloseSummary> {
    this.state = 'stopping';
    this.wake?.();
    this.clearDue();
    // Never stay in a blocking wait: dropping its connection ends it at once.
    this.blocking?.disconnect();
    const grace = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, graceMs);
      this.cutGrace = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    void this.heartbeat();
    // Counted now: jobs that finish while the dispatch loop winds down still count as completed.
    const atStart = [...this.running.values()];
    // The dispatch loop may be waiting on Redis; do not wait longer than the grace.
    await Promise.race([this.loop, grace]);
    if (this.running.size > 0) await Promise.race([Promise.allSettled([...this.running.values()].map((r) => r.done)), grace]);
    this.cutGrace?.();
    // A fetch in flight when close() began hands its jobs back itself: let it.
    await bounded(this.loop ?? Promise.resolve(), FINAL_REDIS_MS, undefined);
    const left = [...this.running.values()];
    const requeued = (await bounded(this.giveBack(left), FINAL_REDIS_MS, 0)) + this.handedBack;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await bounded(
      (this.registry?.remove(this.name) ?? Promise.resolve()).catch((err: Error) => void this.report(err)),
      FINAL_REDIS_MS,
      undefined,
    );
    this.state = 'closed';
    this.clearDue();
    this.blocking?.disconnect();
    this.redis?.disconnect();
    return { completed: atStart.filter((r) => !left.includes(r)).length, requeued };
  }

  /** The dispatch loop: fills free slots with jobs, queues in priority order. */
  private async dispatch(): Promise<void> {
    const { concurrency } = this.options;
    let failures = 0;
    while (this.state === 'running') {
      if (this.quieted) {
        // Quiet: take nothing more; close() ends the wait.
        await this.waitForWake(60_000);
        continue;
      }
      const free = concurrency - this.running.size;
      if (free <= 0) {
        await this.waitForWake(60_000);
        // Let the other attempts finishing in this tick free their slots too, so
        // one fetch fills several slots.
        await new Promise((r) => setImmediate(r));
        continue;
      }
      let reply: TakeReply;
      try {
        reply = await this.live.scripts.fetchJobs(this.takeKeys, this.takeArgs(free, true));
        failures = 0;
      } catch (err) {
        this.report(err as Error);
        failures += 1;
        await this.waitForWake(Math.min(100 * 2 ** failures, 5_000));
        continue;
      }
      const taken = this.parseTaken(reply[0]);
      if (this.state !== 'running') {
        // close() began while the fetch was in flight: hand these straight back.
        this.handedBack += await this.giveBack(taken.map((t) => this.track(t, t.stored?.data.name ?? UNREADABLE)));
        break;
      }
      for (const t of taken) this.start1(t);
      if (taken.length < free) {
        this.noteEarliest(Number(reply[1]));
        await this.idle();
      }
    }
  }

  /**
   * Waits, with free slots and nothing to take, until a wake-up token is pushed
   * on one of our queues (BLPOP on a connection of our own), the earliest delayed
   * job is due (a local timer interrupts the wait with CLIENT UNBLOCK, which is
   * precise where Redis' own timeouts are not), or the safety poll comes round.
   */
  private async idle(): Promise<void> {
    if (this.dueAt > 0 && this.dueAt <= Date.now()) return;
    const blocking = this.blocking;
    if (!blocking || this.state !== 'running' || this.quieted) return;
    // Fleet-wide about one safety poll per `safetyPollMs`: each worker waits that times the fleet, jittered.
    const pollMs = Math.min(60_000, this.options.safetyPollMs * Math.max(1, this.fleetSize) * (0.75 + Math.random() / 2));
    try {
      if (blocking.status !== 'ready') {
        // Reconnecting (or not yet connected): wait for it rather than spin; the
        // safety poll runs when it comes back.
        if (blocking.status === 'wait') blocking.connect().catch(() => undefined);
        await waitUntilReady(blocking, pollMs).catch(() => undefined);
        return;
      }
      // Our own command list first: an operator's command reaches an idle worker at once.
      const controlWake = globalKeys(this.config.prefix).controlWake(this.name);
      const wait = blocking.blpop(controlWake, ...this.keys.map((k) => k.wake), Math.max(0.01, pollMs / 1000));
      this.idling = wait;
      const token = await wait;
      if (token && token[0] === controlWake) await this.readCommands();
      // Went quiet while waiting: the wake-up is for another worker.
      else if (token && this.quieted) await this.live.redis.lpush(token[0], token[1]);
    } catch (err) {
      if (this.state !== 'running') return;
      // Losing the connection ends the wait; the loop carries on when Redis is back.
      if (!isUnavailableError(err)) this.report(err as Error);
      await this.waitForWake(100);
    } finally {
      this.idling = null;
    }
  }

  /** Remembers when the next delayed job is due and sets the timer that ends the idle wait then. */
  private noteEarliest(at: number): void {
    if (!Number.isFinite(at) || at === 0) return;
    if (at < 0) {
      this.clearDue();
      return;
    }
    if (this.dueTimer && this.dueAt > 0 && this.dueAt <= at) return;
    this.clearDue();
    this.dueAt = at;
    this.dueTimer = setTimeout(() => {
      this.dueTimer = null;
      this.dueAt = -1;
      this.wake?.();
      void this.interruptIdle();
    }, Math.max(0, at - Date.now()));
  }

  private clearDue(): void {
    if (this.dueTimer) clearTimeout(this.dueTimer);
    this.dueTimer = null;
    this.dueAt = -1;
  }

  /**
   * Ends the current idle wait. CLIENT UNBLOCK answers 0 when the BLPOP has not
   * reached Redis yet, so it is repeated (briefly) until the wait really ended.
   */
  private async interruptIdle(): Promise<void> {
    for (let tries = 0; this.idling && tries < 50 && this.state === 'running'; tries += 1) {
      const id = this.blockingId;
      if (id === null) return;
      try {
        const unblocked = await this.live.redis.client('UNBLOCK', id);
        if (Number(unblocked) === 1) return;
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  /**
   * Emits a recoverable problem as `error`, only when someone listens: the worker
   * goes on either way, and an unheard `error` event would throw.
   */
  private report(err: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  /** Keys of one of this worker's queues. */
  private keysOf(queue: string): QueueKeys {
    return this.keysByQueue.get(queue) ?? queueKeys(this.config.prefix, queue);
  }

  /** ARGV of the Lua `take` function. */
  private takeArgs(max: number, chain: boolean): (string | number)[] {
    return [max, Date.now(), this.options.name, this.keys.length, this.config.eventsMaxLen, chain ? 1 : 0, ...this.keys.map((k) => k.base)];
  }

  /** Reads the flat reply of the Lua `take` function. */
  private parseTaken(reply: readonly (string | number)[]): TakenJob[] {
    const taken: TakenJob[] = [];
    for (let i = 0; i < reply.length; i += 4) {
      const json = String(reply[i + 2]);
      taken.push({ queue: this.options.queues[Number(reply[i]) - 1], id: String(reply[i + 1]), json, attempt: Number(reply[i + 3]), ...parseStoredJob(json) });
    }
    return taken;
  }

  /** Sleeps up to `ms`, or until a slot frees, a stall check recovers jobs or close() begins. */
  private waitForWake(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private track(t: TakenJob, name: string): RunningJob {
    const entry: RunningJob = {
      queue: t.queue,
      id: t.id,
      name,
      startedAt: Date.now(),
      abort: new AttemptAbort(),
      abandoned: false,
      done: Promise.resolve(),
    };
    this.running.set(slotKey(t.queue, t.id), entry);
    return entry;
  }

  /** Starts one job; its promise never rejects. */
  private start1(t: TakenJob): void {
    const name = t.stored?.data.name ?? UNREADABLE;
    const entry = this.track(t, name);
    if (this.listenerCount('job:started') > 0) this.emit('job:started', { queue: t.queue, id: t.id, name, attempt: t.attempt });
    entry.done = this.run1(t, entry, name);
    // A schedule's run: enqueue its next run beside the handler (see advanceSchedule),
    // computed once the handler has started so a burst of due runs starts at once.
    if (t.stored?.options.jobq?.schedule) {
      const { scripts } = this.live;
      const k = this.keysOf(t.queue);
      setImmediate(() => void advanceSchedule(scripts, k, t, this.config.eventsMaxLen, (err) => this.report(err), () => this.state === 'running'));
    }
  }

  /** Runs one attempt and records its outcome; never rejects. */
  private async run1(t: TakenJob, entry: RunningJob, name: string): Promise<void> {
    const k = this.keysOf(t.queue);
    let lastProgress: JobProgress | undefined;
    // Created on the first log line: most jobs log nothing.
    let log: JobLogWriter | null = null;
    try {
      const outcome = await runAttempt(
        t,
        this.handlers,
        entry.abort,
        async (p) => {
          lastProgress = p;
          if (!entry.abandoned) {
            await this.live.scripts.reportProgress([k.run(t.id), k.events], [t.id, name, JSON.stringify(p), Date.now(), this.config.eventsMaxLen]);
          }
        },
        (message) => {
          if (entry.abandoned) return;
          log ??= new JobLogWriter(this.live.redis, k.log(t.id), (err) => this.report(err));
          log.add(message);
        },
        this.parentReader,
      );
      // The job's log lines land before its outcome (bounded: logging is best effort).
      const pending = (log as JobLogWriter | null)?.flushed();
      if (pending) await bounded(pending, FINAL_REDIS_MS, undefined);
      await this.record(t, entry, outcome, lastProgress);
    } catch (err) {
      this.report(err as Error);
    } finally {
      this.stats.busyMs += Date.now() - entry.startedAt;
      this.running.delete(slotKey(t.queue, t.id));
      this.wake?.();
    }
  }

  /** Writes an attempt's outcome (batched with other outcomes, see `FinishBatcher`), retrying while Redis is away so no finished job is lost. */
  private async record(t: TakenJob, entry: RunningJob, o: AttemptOutcome, progress: JobProgress | undefined): Promise<void> {
    if (entry.abandoned) return;
    const item: FinishItem = {
      entry,
      code: 0,
      fields: [
        t.id,
        o.kind,
        // A success changes nothing in the stored job that anything reads (its state
        // lives in the run record and the indexes): leave the JSON as it is.
        o.kind === 'succeeded' ? '' : o.json,
        String(Date.now()),
        String(o.durationMs),
        o.kind === 'succeeded' ? (o.resultJson ?? 'null') : (o.error?.message ?? ''),
        o.error?.code ?? '',
        o.error?.stack ?? '',
        String(o.expireAt),
        String(o.retryAt),
        progress ? JSON.stringify(progress) : '',
        o.name,
        String(durationBucket(o.durationMs)),
      ],
    };
    await this.finisher.add(t.queue, item);
    if (entry.abandoned) return;
    // 2: an operator canceled the job while it ran (see FINISH_JOBS).
    const canceled = item.code === 2;
    this.stats.processed += 1;
    if (o.kind !== 'succeeded' && !canceled) this.stats.failed += 1;
    if (this.listenerCount('job:finished') === 0) return;
    this.emit('job:finished', {
      queue: t.queue,
      id: t.id,
      name: o.name,
      outcome: canceled ? 'canceled' : o.kind === 'retry' ? 'retrying' : o.kind,
      attempt: t.attempt,
      durationMs: o.durationMs,
      ...(o.error ? { error: { message: o.error.message, code: o.error.code } } : {}),
    });
  }

  /**
   * Writes a batch of outcomes of one queue in one script call, and takes the next
   * jobs for the slots they free in the same round trip.
   */
  private async writeFinishes(queue: string, batch: PendingFinish<FinishItem>[]): Promise<void> {
    const k = this.keysOf(queue);
    let next: TakenJob[] = [];
    for (let tries = 0; ; tries += 1) {
      const items = batch.map((p) => p.item).filter((i) => !i.entry.abandoned);
      if (items.length === 0) return;
      const now = Date.now();
      const take = this.state === 'running' && !this.quieted ? items.length : 0;
      try {
        const args: (string | number)[] = [
          k.base,
          now,
          THROUGHPUT_RETENTION_SECONDS,
          this.config.eventsMaxLen,
          HISTORY_RETENTION_SECONDS,
          minuteOf(now),
          hourOf(now),
          batchJson(items.map((i) => i.fields)),
          ...this.takeArgs(take, false),
        ];
        const [codes, jobs, earliest] = await this.live.scripts.finishJobs([k.jobs], args);
        items.forEach((item, i) => (item.code = Number(codes[i])));
        next = this.parseTaken(jobs);
        if (next.length === 0 && take > 0) this.noteEarliest(Number(earliest));
        break;
      } catch (err) {
        this.report(err as Error);
        await sleep(Math.min(100 * 2 ** tries, 5_000));
      }
    }
    if (next.length === 0) return;
    if (this.state === 'running') for (const n of next) this.start1(n);
    else await this.giveBack(next.map((n) => this.track(n, n.stored?.data.name ?? UNREADABLE)));
  }

  /** Aborts the given jobs and puts them back at the front of their queues. */
  private async giveBack(jobs: RunningJob[]): Promise<number> {
    if (jobs.length === 0) return 0;
    for (const j of jobs) {
      j.abandoned = true;
      j.abort.abort(new ClosedError(`Worker "${this.name}"`));
    }
    let requeued = 0;
    for (const [i, q] of this.options.queues.entries()) {
      const ids = jobs.filter((j) => j.queue === q).map((j) => j.id);
      if (ids.length === 0) continue;
      const k = this.keys[i];
      try {
        requeued += await this.live.scripts.requeueJobs([k.active, k.waiting, k.stalling, k.jobs, k.events, k.wake], [k.base, Date.now(), this.config.eventsMaxLen, ...ids]);
      } catch (err) {
        // The stall check will recover them instead.
        this.report(err as Error);
      }
    }
    for (const j of jobs) this.running.delete(slotKey(j.queue, j.id));
    return requeued;
  }

  /** Refreshes the registry record (and learns the fleet's size). */
  private async heartbeat(): Promise<void> {
    if (!this.redis || !this.registry || this.state === 'closed' || this.heartbeatBusy) return;
    this.heartbeatBusy = true;
    try {
      // Busy (or quiet) workers are not blocked on their command list: look for commands with each heartbeat.
      const [fleet, commands] = await Promise.all([
        this.registry.write(this.info, this.options.registryTtlMs),
        this.live.redis.exists(globalKeys(this.config.prefix).control(this.name)),
      ]);
      this.fleetSize = fleet;
      if (commands > 0 && this.state === 'running') void this.readCommands();
    } catch (err) {
      this.report(err as Error);
    } finally {
      this.heartbeatBusy = false;
    }
  }

  /** Reads operator commands (`quiet`, `stop`) sent through Redis; see `sendWorkerCommand`. */
  private async readCommands(): Promise<void> {
    if (!this.redis || this.state !== 'running' || this.controlBusy || this.redisDown) return;
    this.controlBusy = true;
    try {
      const { commands, cancels } = await takeWorkerControl(this.redis, this.config.prefix, this.name);
      for (const c of cancels) this.abortCanceled(c.queue, c.id);
      if (commands.has('quiet') || commands.has('stop')) this.quiet();
      if (commands.has('stop')) {
        if (this.listenerCount('stop-requested') > 0) this.emit('stop-requested');
        else void this.close();
      }
    } catch (err) {
      this.report(err as Error);
    } finally {
      this.controlBusy = false;
    }
  }

  /**
   * An operator canceled a job this worker runs: its handler's `signal` aborts
   * with `JobCanceledError`; the finish script records it canceled (its run
   * record says so) whatever the handler then returns or throws.
   */
  private abortCanceled(queue: string, id: string): void {
    const entry = this.running.get(slotKey(queue, id));
    if (!entry || entry.abandoned || entry.abort.aborted) return;
    entry.abort.abort(new JobCanceledError(id));
  }

  /** Claims running jobs against the stall check (removes them from the stalling sets). */
  private async claimRunning(): Promise<void> {
    if (!this.redis || this.state === 'closed' || this.running.size === 0) return;
    const byQueue = new Map<string, string[]>();
    for (const r of this.running.values()) if (!r.abandoned) byQueue.set(r.queue, [...(byQueue.get(r.queue) ?? []), r.id]);
    try {
      await Promise.all([...byQueue].map(([q, ids]) => this.live.redis.srem(this.keysOf(q).stalling, ...ids)));
    } catch (err) {
      this.report(err as Error);
    }
  }

  /** Recovers jobs of dead workers (bee-queue's stall check, plus a stall limit). */
  private async checkStalled(): Promise<void> {
    if (this.state !== 'running') return;
    // Checks run at most once per 0.45 interval fleet-wide, and every worker tries
    // each half interval: so while any worker lives they run 0.45-0.5 intervals
    // apart, and a job unclaimed across two checks is back within one interval.
    const lockMs = Math.floor(this.options.stallIntervalMs * 0.45);
    for (const [i, k] of this.keys.entries()) {
      const queue = this.options.queues[i];
      try {
        if (!(await this.live.redis.set(k.stallBlock, this.name, 'PX', lockMs, 'NX'))) continue;
        const now = Date.now();
        const [recovered, failed] = await this.live.scripts.checkStalled(
          [k.stallBlock, k.stalling, k.waiting, k.active, k.jobs, k.failed, k.index('failed'), k.expiry, k.throughput(minuteOf(now)), k.events, k.wake, k.throughputHour(hourOf(now))],
          [0, this.options.maxStalls, now, k.base, THROUGHPUT_RETENTION_SECONDS, STALLED_MESSAGE_TEMPLATE, this.config.eventsMaxLen, HISTORY_RETENTION_SECONDS],
        );
        if (failed.length > 0) await this.markStalledFailed(k, failed);
        if (recovered.length > 0 || failed.length > 0) {
          this.emit('stalled', { queue, recovered, failed });
          this.wake?.();
        }
      } catch (err) {
        this.report(err as Error);
      }
    }
  }

  /** Brings bee-queue's JSON of jobs failed by the stall limit in line with the failure. */
  private async markStalledFailed(k: QueueKeys, ids: readonly string[]): Promise<void> {
    const jsons = await this.live.redis.hmget(k.jobs, ...ids);
    const pipeline = this.live.redis.pipeline();
    ids.forEach((id, i) => {
      const json = jsons[i];
      if (!json) return;
      try {
        const job = JSON.parse(json) as StoredJob;
        job.status = 'failed';
        job.options.stacktraces = [`JobStalledError: job ${id} exceeded the stall limit`, ...(job.options.stacktraces ?? [])].slice(0, 10);
        pipeline.hset(k.jobs, id, JSON.stringify(job));
      } catch {
        /* unreadable JSON stays as it is */
      }
    });
    await pipeline.exec();
  }

  /**
   * Retention: deletes finished jobs past their keep time, then the oldest ones of
   * a state holding more than `maxFinishedJobs`, in small batches.
   */
  private async sweep(): Promise<void> {
    if (this.state !== 'running') return;
    const BATCH = 500;
    for (const k of this.keys) {
      try {
        const locked = await this.live.redis.set(k.janitorLock, this.name, 'PX', this.options.sweepIntervalMs, 'NX');
        if (!locked) continue;
        const keys = [k.expiry, k.jobs, k.succeeded, k.failed, k.index('succeeded'), k.index('failed')];
        for (let round = 0; round < 100 && this.state === 'running'; round += 1) {
          const n = await this.live.scripts.sweepExpired([...keys, k.expiry], [Date.now(), k.base, 'expired', BATCH]);
          if (n < BATCH) break;
        }
        for (const state of ['succeeded', 'failed', 'canceled'] as const) {
          for (let round = 0; round < 100 && this.state === 'running'; round += 1) {
            const excess = (await this.live.redis.zcard(k.index(state))) - this.options.maxFinishedJobs;
            if (excess <= 0) break;
            await this.live.scripts.sweepExpired([...keys, k.index(state)], [Date.now(), k.base, 'overflow', Math.min(excess, BATCH)]);
          }
        }
      } catch (err) {
        this.report(err as Error);
      }
    }
  }
}
