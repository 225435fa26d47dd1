import type { Redis } from 'ioredis';
import type { QueueConfig } from './config';
import { lastJobEventId, readJobEvents, type JobEvent } from './job-events';
import { createRedis, waitUntilReady } from './redis-connection';

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

/** How long one blocking read waits before it loops (and notices a close). */
const BLOCK_MS = 5_000;
/** Entries read per round trip. */
const BATCH = 500;

/**
 * Follows the job event streams of a changing set of queues on a connection of
 * its own and hands every event to the listeners of its queue, in stream order.
 * It keeps a cursor per queue and only moves it past events it has handed out,
 * so across a Redis restart or a dropped connection it resumes where it was:
 * nothing is delivered twice and nothing still in the stream is skipped.
 */
export class JobEventReader {
  private readonly redis: Redis;
  private readonly cursor = new Map<string, string>();
  private readonly listeners = new Map<string, Set<(e: JobEvent) => void>>();
  private loop: Promise<void> | null = null;
  private closed = false;
  private clientId: number | null = null;
  /** Set while an XREAD is in flight: the queues it reads. */
  private reading: ReadonlySet<string> | null = null;
  /** Ends the idle pause of the loop (no queue followed) at once. */
  private kick: (() => void) | null = null;

  /**
   * @param control - another connection of the caller's, used to read the
   *   streams' current ends and to interrupt a blocking read when a queue is added
   */
  constructor(
    private readonly config: QueueConfig,
    private readonly control: Redis,
    name: string,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {
    this.redis = createRedis(config, { connectionName: name, failFast: true, blocking: true });
    this.redis.on('ready', () => {
      this.redis.client('ID').then(
        (id) => (this.clientId = Number(id)),
        () => (this.clientId = null),
      );
    });
  }

  /** Last stream id handed out per queue (resume point). */
  get position(): ReadonlyMap<string, string> {
    return this.cursor;
  }

  /**
   * Delivers events of `queue` to `listener`. Without `from`, from the stream's
   * current end, read before this resolves: every event appended after it
   * resolved is delivered. With `from`, from after that stream id.
   * Returns a function that stops the delivery.
   */
  async follow(queue: string, listener: (e: JobEvent) => void, from?: string): Promise<() => void> {
    if (this.closed) throw new Error('the event reader is closed');
    let set = this.listeners.get(queue);
    if (!set) {
      set = new Set();
      this.listeners.set(queue, set);
    }
    set.add(listener);
    if (!this.cursor.has(queue)) {
      let start: string;
      try {
        start = from ?? (await withTimeout(lastJobEventId(this.control, this.config.prefix, queue), this.config.operationTimeoutMs));
      } catch (err) {
        set.delete(listener);
        if (set.size === 0) this.listeners.delete(queue);
        throw err;
      }
      if (!this.cursor.has(queue) && this.listeners.get(queue)?.size) {
        this.cursor.set(queue, start);
        this.kick?.();
        void this.interrupt(queue);
      }
    }
    this.loop ??= this.run();
    return () => {
      const s = this.listeners.get(queue);
      s?.delete(listener);
      if (s && s.size === 0) {
        this.listeners.delete(queue);
        this.cursor.delete(queue);
      }
    };
  }

  /** Stops reading and closes the connection. */
  async close(): Promise<void> {
    this.closed = true;
    this.kick?.();
    this.redis.disconnect();
    await this.loop;
  }

  /**
   * Makes a blocked read that does not cover `queue` return now, so the next one
   * does. CLIENT UNBLOCK answers 0 while the XREAD has not reached Redis yet, so
   * it is repeated (briefly) until that read is over.
   */
  private async interrupt(queue: string): Promise<void> {
    for (let tries = 0; tries < 50 && !this.closed; tries += 1) {
      const reading = this.reading;
      if (!reading || reading.has(queue) || this.clientId === null) return;
      try {
        if (Number(await this.control.client('UNBLOCK', this.clientId)) === 1) return;
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      if (this.cursor.size === 0) {
        // Nothing to follow: linger a little (result() calls come and go), woken by follow().
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 1_000);
          this.kick = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.kick = null;
        if (this.cursor.size === 0 && this.listeners.size === 0) break;
        continue;
      }
      try {
        if (this.redis.status === 'wait') this.redis.connect().catch(() => undefined);
        await waitUntilReady(this.redis, BLOCK_MS);
        const snapshot = new Map(this.cursor);
        this.reading = new Set(snapshot.keys());
        let events;
        try {
          events = await readJobEvents(this.redis, this.config.prefix, snapshot, { blockMs: BLOCK_MS, count: BATCH });
        } finally {
          this.reading = null;
        }
        failures = 0;
        for (const e of events) {
          // A queue dropped (or re-followed) while the read was in flight keeps its own cursor.
          if (this.cursor.get(e.queue) === undefined) continue;
          this.cursor.set(e.queue, e.streamId);
          for (const l of [...(this.listeners.get(e.queue) ?? [])]) {
            try {
              l(e);
            } catch (err) {
              this.onError(err as Error);
            }
          }
        }
      } catch (err) {
        if (this.closed) break;
        failures += 1;
        this.onError(err as Error);
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** failures, 2_000)));
      }
    }
    this.loop = null;
  }
}
