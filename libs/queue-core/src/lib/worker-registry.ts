import type { Redis } from 'ioredis';
import { globalKeys, type GlobalKeys } from './keys';
import type { WorkerInfo } from './records';

/**
 * The registry of live workers. Each worker writes its record with a TTL on every
 * heartbeat; a worker that stops beating (killed with -9, host gone) drops out
 * when the TTL runs out, so the dashboard never shows ghosts.
 */
export class WorkerRegistry {
  private readonly keys: GlobalKeys;

  /**
   * @param redis - an ioredis connection (not shared with bee-queue)
   * @param prefix - the key prefix from `QueueConfig`
   */
  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = globalKeys(prefix);
  }

  /**
   * Writes (or refreshes) a worker's record; it expires after `ttlMs` unless
   * written again. Resolves with the number of registered workers (live or not
   * yet pruned), which workers use to spread their safety polls.
   */
  async write(info: WorkerInfo, ttlMs: number): Promise<number> {
    const replies = await this.redis
      .pipeline()
      .set(this.keys.worker(info.name), JSON.stringify(info), 'PX', ttlMs)
      .zadd(this.keys.workers, info.lastHeartbeat, info.name)
      .zcard(this.keys.workers)
      .exec();
    const failed = replies?.find(([err]) => err);
    if (failed) throw failed[0];
    return Number(replies?.[2]?.[1] ?? 1);
  }

  /** Removes a worker's record at once (graceful shutdown). */
  async remove(name: string): Promise<void> {
    await this.redis.multi().del(this.keys.worker(name)).zrem(this.keys.workers, name).exec();
  }

  /** Every live worker, sorted by name. Prunes names whose record has expired. */
  async list(): Promise<WorkerInfo[]> {
    const names = await this.redis.zrange(this.keys.workers, 0, -1);
    if (names.length === 0) return [];
    const raw = await this.redis.mget(names.map((n) => this.keys.worker(n)));
    const live: WorkerInfo[] = [];
    const gone: string[] = [];
    raw.forEach((json, i) => {
      if (json === null) {
        gone.push(names[i]);
        return;
      }
      try {
        live.push(JSON.parse(json) as WorkerInfo);
      } catch {
        gone.push(names[i]);
      }
    });
    if (gone.length > 0) await this.redis.zrem(this.keys.workers, ...gone);
    return live.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** One worker's record, or `null` when it is not live. */
  async get(name: string): Promise<WorkerInfo | null> {
    const json = await this.redis.get(this.keys.worker(name));
    return json ? (JSON.parse(json) as WorkerInfo) : null;
  }
}
