/**
 * The abort switch of one running attempt: the handler's `ctx.signal`, and the
 * way the worker (timeout, close, an operator's cancel) ends the attempt.
 *
 * The `AbortController` behind `signal` is created only when the handler reads
 * `ctx.signal` (most short handlers never do, and creating one per job is a
 * measurable share of a busy worker's CPU); aborting before that still ends
 * the attempt, and a signal read later is already aborted with the same reason.
 */
export class AttemptAbort {
  private controller: AbortController | null = null;
  private done = false;
  private why: unknown = undefined;
  private listener: ((reason: unknown) => void) | null = null;

  /** The handler's signal (created on first use). */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.done) this.controller.abort(this.why);
    }
    return this.controller.signal;
  }

  /** Whether the attempt was aborted. */
  get aborted(): boolean {
    return this.done;
  }

  /** Why it was aborted (`undefined` while it was not). */
  get reason(): unknown {
    return this.why;
  }

  /** Aborts the attempt (the first reason wins). */
  abort(reason: unknown): void {
    if (this.done) return;
    this.done = true;
    this.why = reason;
    this.controller?.abort(reason);
    const listener = this.listener;
    this.listener = null;
    listener?.(reason);
  }

  /** Calls `fn` once with the reason when the attempt is aborted (at once if it already was). One listener. */
  onAbort(fn: (reason: unknown) => void): void {
    if (this.done) fn(this.why);
    else this.listener = fn;
  }
}
