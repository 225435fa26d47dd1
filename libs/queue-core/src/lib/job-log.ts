import type { Redis } from 'ioredis';

/** Log lines kept per job (the newest ones). */
export const JOB_LOG_MAX_LINES = 200;
/** Longest stored log line, characters (the rest is cut with a note). */
export const JOB_LOG_MAX_LINE_CHARS = 1_024;

/** One stored log line. */
export interface JobLogLine {
  /** When the handler wrote it, ms since the epoch (`null` when the stored line is malformed). */
  readonly at: number | null;
  readonly text: string;
}

/** A log line as stored: `<ms> <text>`, the text cut to {@link JOB_LOG_MAX_LINE_CHARS}. */
export function formatLogLine(message: unknown, at = Date.now()): string {
  let text: string;
  try {
    text = typeof message === 'string' ? message : String(message);
  } catch {
    text = '(unprintable log message)';
  }
  if (text.length > JOB_LOG_MAX_LINE_CHARS) {
    let end = JOB_LOG_MAX_LINE_CHARS;
    const last = text.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end -= 1;
    text = `${text.slice(0, end)}… [truncated, ${text.length - end} more characters]`;
  }
  return `${at} ${text}`;
}

/** Reads a stored line back (never throws). */
export function parseLogLine(raw: string): JobLogLine {
  const m = /^(\d{1,15}) /.exec(raw);
  return m ? { at: Number(m[1]), text: raw.slice(m[0].length) } : { at: null, text: raw };
}

/**
 * The log of one running attempt: `add()` is synchronous and never throws; lines
 * written in the same tick go to Redis together (RPUSH + LTRIM in one MULTI), one
 * write in flight at a time, so a chatty handler costs one round trip per batch
 * and never waits on Redis. At most {@link JOB_LOG_MAX_LINES} lines wait in
 * memory (the oldest are dropped first), so the buffer stays bounded even while
 * Redis is away. Logging is best effort: a write that fails is dropped.
 */
export class JobLogWriter {
  private pending: string[] = [];
  private writing: Promise<void> | null = null;

  /**
   * @param redis - the worker's command connection
   * @param key - the job's log list (`QueueKeys.log(id)`)
   * @param onError - told about failed writes
   */
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {}

  /** Appends one line (see the class comment). */
  add(message: unknown): void {
    this.pending.push(formatLogLine(message));
    if (this.pending.length > JOB_LOG_MAX_LINES) this.pending.splice(0, this.pending.length - JOB_LOG_MAX_LINES);
    this.writing ??= this.drain();
  }

  /** Resolves when every line added so far has been written (or dropped); `null` when nothing is pending. */
  flushed(): Promise<void> | null {
    return this.writing;
  }

  private async drain(): Promise<void> {
    // Let the rest of this tick's lines join the batch.
    await new Promise((r) => setImmediate(r));
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        try {
          await this.redis.multi().rpush(this.key, ...batch).ltrim(this.key, -JOB_LOG_MAX_LINES, -1).exec();
        } catch (err) {
          this.onError(err as Error);
        }
      }
    } finally {
      this.writing = null;
    }
  }
}
