import { EventEmitter } from 'node:events';
import type { AnyJobContract, ResultOf } from '@jobq/job-defs';
import type { JobEventReader } from './event-reader';
import type { JobEvent } from './job-events';
import { queueKeys } from './keys';
import type { ProducerConnection } from './producer-connection';
import type { JobProgress } from './records';

/** What every typed job event carries. */
export interface TypedJobEventBase {
  readonly queue: string;
  /** Job id. */
  readonly id: string;
  /** When it happened, ms since the epoch. */
  readonly at: number;
  /** Stream entry id; pass it as `from` to resume after this event. */
  readonly streamId: string;
}

/** A job of the contract succeeded. */
export interface JobSucceededEvent<C extends AnyJobContract> extends TypedJobEventBase {
  /**
   * The job's result, typed by the contract; `undefined` only when the job was
   * removed (or its retention ran out) before the event was read.
   */
  readonly result: ResultOf<C> | undefined;
}

/** A job of the contract failed for good, or failed an attempt that will be retried (`willRetry`). */
export interface JobFailedEvent extends TypedJobEventBase {
  readonly message: string;
  readonly code: string | undefined;
  /** `true` for a failed attempt that will run again (`retrying`). */
  readonly willRetry: boolean;
}

/** A job of the contract was canceled (`from`: the state it was canceled in). */
export interface JobCanceledEvent extends TypedJobEventBase {
  readonly from: 'waiting' | 'delayed' | 'active';
}

/** A running job of the contract reported progress. */
export interface JobProgressEvent extends TypedJobEventBase {
  readonly progress: JobProgress;
}

/** Events of a {@link JobSubscription}. */
export interface JobSubscriptionEvents<C extends AnyJobContract> {
  succeeded: [JobSucceededEvent<C>];
  failed: [JobFailedEvent];
  progress: [JobProgressEvent];
  canceled: [JobCanceledEvent];
  /** A problem the subscription recovers from by itself (it keeps following). */
  error: [Error];
}

/** Options of `QueueClient.events()`. */
export interface SubscribeOptions {
  /** Resume after this stream id (a `streamId` seen before); default: only events from now on. */
  readonly from?: string;
}

/**
 * Typed events of one contract's jobs, pushed from the queue's event stream on a
 * connection of its own. It survives Redis restarts and resumes from the last
 * event it delivered: across a reconnect nothing is delivered twice and nothing
 * still in the stream is lost. Events are delivered in stream order.
 */
export class JobSubscription<C extends AnyJobContract> extends EventEmitter<JobSubscriptionEvents<C>> {
  private chain: Promise<void> = Promise.resolve();
  private last: string | undefined;
  private stop: (() => void) | undefined;
  private closed = false;

  /** @internal use `QueueClient.events()` */
  constructor(
    private readonly conn: ProducerConnection,
    private readonly reader: JobEventReader,
    readonly contract: C,
  ) {
    super();
  }

  /** @internal starts following; resolves when events from now on are sure to be delivered. */
  async start(from?: string): Promise<this> {
    this.stop = await this.reader.follow(this.contract.queue, (e) => this.enqueue(e), from);
    return this;
  }

  /** Stream id of the last event delivered (a resume point for `from`). */
  get lastId(): string | undefined {
    return this.last;
  }

  /** Stops delivering and closes the subscription's connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stop?.();
    await this.reader.close();
    await this.chain;
  }

  /** Emits `error` only when someone listens (an unheard `error` event would throw). */
  private report(err: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  private enqueue(e: JobEvent): void {
    if (e.name !== this.contract.name) return;
    this.chain = this.chain.then(() => this.deliver(e)).catch((err: Error) => this.report(err));
  }

  private async deliver(e: JobEvent): Promise<void> {
    if (this.closed) return;
    const base = { queue: e.queue, id: e.id, at: e.at, streamId: e.streamId };
    const data = (e.data ?? {}) as Record<string, unknown>;
    switch (e.event) {
      case 'succeeded': {
        const result = await this.readResult(e.id);
        if (this.closed) return;
        this.last = e.streamId;
        this.emit('succeeded', { ...base, result });
        return;
      }
      case 'failed':
      case 'retrying':
        this.last = e.streamId;
        this.emit('failed', {
          ...base,
          message: typeof data['message'] === 'string' ? data['message'] : '',
          code: typeof data['code'] === 'string' && data['code'] !== '' ? data['code'] : undefined,
          willRetry: e.event === 'retrying',
        });
        return;
      case 'canceled':
        this.last = e.streamId;
        this.emit('canceled', { ...base, from: data['from'] === 'delayed' || data['from'] === 'active' ? data['from'] : 'waiting' });
        return;
      case 'progress':
        this.last = e.streamId;
        this.emit('progress', { ...base, progress: e.data as JobProgress });
        return;
      default:
        this.last = e.streamId;
    }
  }

  /** The stored result; retried while Redis is away, so a succeeded event is never dropped. */
  private async readResult(id: string): Promise<ResultOf<C> | undefined> {
    const key = queueKeys(this.conn.config.prefix, this.contract.queue).run(id);
    for (let tries = 0; !this.closed; tries += 1) {
      try {
        const json = await this.conn.call({ what: `result read of job "${id}"` }, (redis) => redis.hget(key, 'result'));
        return json === null ? undefined : (JSON.parse(json) as ResultOf<C>);
      } catch (err) {
        this.report(err as Error);
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** tries, 2_000)));
      }
    }
    return undefined;
  }
}
