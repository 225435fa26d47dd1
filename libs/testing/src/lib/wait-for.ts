/** How long {@link waitFor} polls, and what it names in the error when time runs out. */
export interface WaitOptions {
  /** Give up after this long (default 15,000 ms). */
  readonly timeoutMs?: number;
  /** Pause between checks (default 25 ms). */
  readonly intervalMs?: number;
  /** What is awaited, for the error; a function is called only then (e.g. to add output seen so far). */
  readonly what?: string | (() => string);
}

/**
 * Polls `check` until it returns something truthy and resolves with that value;
 * rejects with `Timed out after <timeoutMs> ms waiting for <what>` when time runs out.
 *
 * @example
 * await waitFor(async () => (await job.status()) === 'active', { timeoutMs: 5_000, what: 'the job to start' });
 * await waitFor(() => registry.get('w1'), 5_000, 'w1 to register'); // the short form
 */
export function waitFor<T>(check: () => Promise<T> | T, options?: WaitOptions): Promise<NonNullable<T>>;
export function waitFor<T>(check: () => Promise<T> | T, timeoutMs: number, what?: string): Promise<NonNullable<T>>;
export async function waitFor<T>(
  check: () => Promise<T> | T,
  optionsOrTimeout: WaitOptions | number = {},
  whatArg?: string,
): Promise<NonNullable<T>> {
  const options: WaitOptions = typeof optionsOrTimeout === 'number' ? { timeoutMs: optionsOrTimeout, what: whatArg } : optionsOrTimeout;
  const { timeoutMs = 15_000, intervalMs = 25, what = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
