import type { AnyJobContract, ResultOf } from '@jobq/job-defs';
import type { Redis } from 'ioredis';
import { JobContractMismatchError, ParentResultUnavailableError } from './errors';
import type { JobContext } from './handler';
import { queueKeys } from './keys';
import type { QueueScripts } from './lua';

/** Parents read per script call by `parentResults`. */
const CHUNK = 500;

/** The dependency part of a handler's {@link JobContext}. */
export type ParentContext = Pick<JobContext, 'parents' | 'parentResult' | 'parentResults'>;

/**
 * Reads a running job's parents and their typed results (see
 * `EnqueueOptions.dependsOn`). Used by the worker; every read is of the job's own
 * queue.
 */
export class ParentReader {
  /**
   * @param live - the worker's current connection and scripts
   * @param prefix - the key prefix from `QueueConfig`
   */
  constructor(
    private readonly live: () => { redis: Redis; scripts: QueueScripts },
    private readonly prefix: string,
  ) {}

  /**
   * The context of job `id` of `queue`, which was enqueued with `count` parents:
   * loads the parent ids (one LRANGE) when there are any.
   */
  async context(queue: string, id: string, count: number): Promise<ParentContext> {
    const parents: readonly string[] = count > 0 ? Object.freeze(await this.live().redis.lrange(queueKeys(this.prefix, queue).parents(id), 0, -1)) : Object.freeze([]);
    const isParent = new Set(parents);
    return {
      parents,
      parentResult: async <C extends AnyJobContract>(contract: C, parentId: string): Promise<ResultOf<C>> => {
        if (!isParent.has(parentId)) throw new ParentResultUnavailableError(id, parentId, 'it is not a parent of this job');
        const [row] = await this.read(queue, contract.name, [parentId]);
        const [exists, name, succeeded, result] = row ?? [0, '', 0, null];
        if (Number(exists) !== 1) throw new ParentResultUnavailableError(id, parentId, 'it no longer exists (removed, or its keepResultSeconds ran out)');
        if (name !== contract.name) throw new JobContractMismatchError(queue, parentId, contract.name, String(name));
        if (Number(succeeded) !== 1 || result === null) throw new ParentResultUnavailableError(id, parentId, 'it has not succeeded');
        return JSON.parse(result) as ResultOf<C>;
      },
      parentResults: async <C extends AnyJobContract>(contract: C): Promise<Map<string, ResultOf<C>>> => {
        const out = new Map<string, ResultOf<C>>();
        for (let start = 0; start < parents.length; start += CHUNK) {
          const ids = parents.slice(start, start + CHUNK);
          const rows = await this.read(queue, contract.name, ids);
          rows.forEach(([exists, name, succeeded, result], i) => {
            // A parent that is gone may have been one of these: a partial map would be silently wrong.
            if (Number(exists) !== 1) throw new ParentResultUnavailableError(id, ids[i], 'it no longer exists (removed, or its keepResultSeconds ran out)');
            if (name !== contract.name) return;
            if (Number(succeeded) !== 1 || result === null) throw new ParentResultUnavailableError(id, ids[i], 'it has not succeeded');
            out.set(ids[i], JSON.parse(result) as ResultOf<C>);
          });
        }
        return out;
      },
    };
  }

  private read(queue: string, name: string, ids: readonly string[]): Promise<[number, string, number, string | null][]> {
    const k = queueKeys(this.prefix, queue);
    return this.live().scripts.readParents([k.jobs, k.succeeded], [k.base, name, ...ids]);
  }
}

/** The context of a job run without a {@link ParentReader} (or without parents). */
export function noParents(id: string): ParentContext {
  return {
    parents: Object.freeze([]),
    parentResult: (_contract, parentId) => Promise.reject(new ParentResultUnavailableError(id, parentId, 'it is not a parent of this job')),
    parentResults: () => Promise.resolve(new Map()),
  };
}
