import type { Redis } from 'ioredis';
import { HEAD_BYTES, MOST_BYTES_IN_LUA, TAIL_BYTES, readStoredJobFacts, type StoredJobFacts } from './stored-job-json';

/**
 * Reads the list facts (name, times, preview) of jobs whose JSON is too long to
 * read inside a Lua script: fetched once as raw bytes, only the two ends decoded,
 * and remembered by id and size, so a list refreshed every few seconds does not
 * pull the same multi-MB payload out of Redis again.
 */
export class LargeJobReader {
  private readonly cache = new Map<string, StoredJobFacts>();

  /**
   * @param capacity - how many jobs' facts to remember (least recently used go first)
   */
  constructor(
    private readonly redis: Redis,
    private readonly previewChars: number,
    private readonly capacity = 500,
  ) {}

  /** Facts of a job whose stored JSON is `bytes` long; `null` when it is gone. */
  async factsOfLarge(jobsKey: string, id: string, bytes: number): Promise<StoredJobFacts | null> {
    const key = `${jobsKey}\u0000${id}\u0000${bytes}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const raw = await this.redis.hgetBuffer(jobsKey, id);
    if (!raw) return null;
    const head = raw.subarray(0, HEAD_BYTES).toString('utf8');
    const tail = raw.length > HEAD_BYTES ? raw.subarray(Math.max(HEAD_BYTES, raw.length - TAIL_BYTES)).toString('utf8') : '';
    const facts = readStoredJobFacts(head, tail, this.previewChars);
    this.cache.set(key, facts);
    if (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value as string);
    return facts;
  }

  /** The job names of `ids` (`null` for gone or nameless jobs), whatever their size. */
  async names(jobsKey: string, ids: readonly string[]): Promise<(string | null)[]> {
    if (ids.length === 0) return [];
    const sizes = await this.redis.pipeline(ids.map((id) => ['hstrlen', jobsKey, id])).exec();
    const small = ids.filter((_, i) => Number(sizes?.[i]?.[1] ?? 0) > 0 && Number(sizes?.[i]?.[1]) <= MOST_BYTES_IN_LUA);
    const smallJson = small.length > 0 ? await this.redis.hmget(jobsKey, ...small) : [];
    const byId = new Map(small.map((id, i) => [id, smallJson[i]]));
    const out: (string | null)[] = [];
    for (const [i, id] of ids.entries()) {
      const bytes = Number(sizes?.[i]?.[1] ?? 0);
      if (bytes === 0) out.push(null);
      else if (byId.has(id)) out.push(readStoredJobFacts(byId.get(id) ?? '', '', 0).name);
      else out.push((await this.factsOfLarge(jobsKey, id, bytes))?.name ?? null);
    }
    return out;
  }
}
