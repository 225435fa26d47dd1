/** One job's outcome waiting to be written, and who waits for it. */
export interface PendingFinish<T> {
  readonly item: T;
  readonly resolve: () => void;
}

/**
 * Groups the outcomes of jobs that finish close together into one write per
 * queue (group commit). A write starts on the next turn of the event loop after
 * the first outcome arrives, so a lone job is written at once; while writes are
 * in flight (at most `maxInFlight`), later outcomes wait and go out together.
 * Under load a worker's finished jobs thus share one Redis round trip and one
 * script call instead of one each.
 *
 * `write(queue, items)` must settle only once the items are recorded (it retries
 * while Redis is away) or given up; then each item's `add()` promise resolves.
 */
export class FinishBatcher<T> {
  private readonly pending = new Map<string, PendingFinish<T>[]>();
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly write: (queue: string, batch: PendingFinish<T>[]) => Promise<void>,
    private readonly maxBatch: number,
    private readonly maxInFlight = 2,
  ) {}

  /** Queues one outcome; resolves once it is written. */
  add(queue: string, item: T): Promise<void> {
    return new Promise((resolve) => {
      let list = this.pending.get(queue);
      if (!list) {
        list = [];
        this.pending.set(queue, list);
      }
      list.push({ item, resolve });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.pending.size === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    for (const [queue, list] of this.pending) {
      if (this.inFlight >= this.maxInFlight) break;
      // Split what waits over the free write slots, so that Redis works on one
      // batch while this process handles the reply of another.
      const size = Math.min(this.maxBatch, Math.ceil(list.length / (this.maxInFlight - this.inFlight)));
      while (list.length > 0 && this.inFlight < this.maxInFlight) {
        this.send(queue, list.splice(0, size));
      }
      if (list.length === 0) this.pending.delete(queue);
    }
  }

  private send(queue: string, batch: PendingFinish<T>[]): void {
    this.inFlight += 1;
    void this.write(queue, batch)
      .catch(() => undefined)
      .then(() => {
        for (const p of batch) p.resolve();
      })
      .finally(() => {
        this.inFlight -= 1;
        this.schedule();
      });
  }
}
