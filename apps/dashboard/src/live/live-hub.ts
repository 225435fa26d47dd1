import { readJobEvents, type JobEvent, type QueueInspector } from '@jobq/queue-core';
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Tuning of {@link LiveHub}; the defaults suit production, tests shrink them. */
export interface LiveHubOptions {
  /**
   * Events arriving within this window go out as one message.
   * @defaultValue 100
   */
  readonly coalesceMs?: number;
  /**
   * Most events listed in one message (the rest are counted).
   * @defaultValue 200
   */
  readonly maxEventsPerMessage?: number;
  /**
   * Bytes a client may have waiting in its socket's buffer before it is dropped
   * (it reconnects on its own and resyncs).
   * @defaultValue 64 KiB
   */
  readonly maxBufferedBytes?: number;
  /**
   * Comment line sent this often so proxies keep the stream open.
   * @defaultValue 15000
   */
  readonly heartbeatMs?: number;
  /**
   * Longest blocking read of the event streams.
   * @defaultValue 2000
   */
  readonly blockMs?: number;
  /**
   * Most clients at once; more get a 503 (EventSource retries).
   * @defaultValue 1000
   */
  readonly maxClients?: number;
}

/** What `/metrics` reports about live updates. */
export interface LiveHubStats {
  readonly clients: number;
  readonly dropped: number;
  readonly messages: number;
}

interface Client {
  readonly res: Response;
}

/**
 * Live updates over Server-Sent Events. One blocking reader per dashboard process
 * (on a connection of its own) reads every queue's job event stream and fans each
 * coalesced burst out to the connected browsers. A client whose socket does not
 * drain is dropped rather than buffered without bound; EventSource reconnects and
 * the `resync` event sent on every connect makes the page refresh itself.
 */
export class LiveHub {
  private readonly clients = new Set<Client>();
  private readonly o: Required<LiveHubOptions>;
  private readonly cursor = new Map<string, string>();
  private pending: JobEvent[] = [];
  private pendingCount = 0;
  private flushTimer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private reading = false;
  private closed = false;
  private queuesReadAt = 0;
  private dropped = 0;
  private messages = 0;

  /**
   * @param reader - a dedicated connection for the blocking reads (never shared)
   * @param inspector - lists the queues to follow
   */
  constructor(
    private readonly reader: Redis,
    private readonly inspector: QueueInspector,
    private readonly prefix: string,
    private readonly logger: Logger,
    options: LiveHubOptions = {},
  ) {
    this.o = {
      coalesceMs: options.coalesceMs ?? 100,
      maxEventsPerMessage: options.maxEventsPerMessage ?? 200,
      maxBufferedBytes: options.maxBufferedBytes ?? 64 * 1024,
      heartbeatMs: options.heartbeatMs ?? 15_000,
      blockMs: options.blockMs ?? 2_000,
      maxClients: options.maxClients ?? 1_000,
    };
  }

  /** Counters for `/metrics`. */
  stats(): LiveHubStats {
    return { clients: this.clients.size, dropped: this.dropped, messages: this.messages };
  }

  /** Takes an SSE request: headers, a `resync` event, then every burst until it goes. */
  connect(res: Response): void {
    if (this.closed || this.clients.size >= this.o.maxClients) {
      res.status(503).set('Retry-After', '5').type('text').send('Too many live connections.\n');
      return;
    }
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    const client: Client = { res };
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
    this.send(client, `retry: 1000\nevent: resync\ndata: {}\n\n`);
    this.heartbeat ??= setInterval(() => this.broadcast(': ping\n\n'), this.o.heartbeatMs).unref();
    if (!this.reading) void this.readLoop();
  }

  /** Ends every stream and stops the reader (on shutdown). */
  close(): void {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const c of this.clients) c.res.end();
    this.clients.clear();
    this.reader.disconnect();
  }

  private async readLoop(): Promise<void> {
    this.reading = true;
    // Only what happens from now on: a fresh client resyncs by refreshing.
    this.cursor.clear();
    try {
      while (!this.closed && this.clients.size > 0) {
        try {
          if (this.reader.status === 'wait' || this.reader.status === 'end') await this.reader.connect();
          await this.followQueues();
          const events = await readJobEvents(this.reader, this.prefix, this.cursor, { blockMs: this.o.blockMs, count: 1_000 });
          if (events.length > 0) this.collect(events);
        } catch (err) {
          if (this.closed) break;
          this.logger.debug({ err: (err as Error).message }, 'live event read failed; retrying');
          await new Promise((r) => setTimeout(r, 500).unref());
        }
      }
    } finally {
      this.reading = false;
      if (this.heartbeat && this.clients.size === 0) {
        clearInterval(this.heartbeat);
        this.heartbeat = null;
      }
    }
  }

  /** Adds queues that appeared since the last look (every 5 s). */
  private async followQueues(): Promise<void> {
    if (Date.now() - this.queuesReadAt < 5_000 && this.cursor.size > 0) return;
    this.queuesReadAt = Date.now();
    for (const q of await this.inspector.queues()) if (!this.cursor.has(q)) this.cursor.set(q, '$');
  }

  private collect(events: JobEvent[]): void {
    for (const e of events) {
      if (this.pending.length < this.o.maxEventsPerMessage) this.pending.push(e);
      this.pendingCount += 1;
    }
    if (this.o.coalesceMs === 0) return this.flush();
    this.flushTimer ??= setTimeout(() => this.flush(), this.o.coalesceMs);
  }

  private flush(): void {
    this.flushTimer = null;
    if (this.pendingCount === 0) return;
    // Ids and names come from whoever could XADD: cut them for the wire.
    const events = this.pending.map((e) => ({ q: e.queue, ev: e.event, id: e.id.slice(0, 200), name: e.name.slice(0, 200) }));
    const body = JSON.stringify({ queues: [...new Set(this.pending.map((e) => e.queue))], count: this.pendingCount, events });
    this.pending = [];
    this.pendingCount = 0;
    this.messages += 1;
    this.broadcast(`event: jobs\ndata: ${body}\n\n`);
  }

  private broadcast(chunk: string): void {
    for (const c of this.clients) this.send(c, chunk);
  }

  /** Writes to one client, dropping it when its socket is not draining. */
  private send(c: Client, chunk: string): void {
    const res = c.res;
    if (res.destroyed || res.writableEnded) {
      this.clients.delete(c);
      return;
    }
    // What the previous writes left unsent must have drained below the limit;
    // otherwise the client is not reading, and its backlog would grow with every
    // burst. The buffer so stays under the limit plus one message.
    if (res.writableLength > this.o.maxBufferedBytes) {
      this.dropped += 1;
      this.clients.delete(c);
      this.logger.info({ buffered: res.writableLength }, 'dropping a live client that does not read (it reconnects and resyncs)');
      res.destroy();
      return;
    }
    res.write(chunk);
  }
}
