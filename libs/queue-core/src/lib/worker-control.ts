import type { Redis } from 'ioredis';
import { globalKeys } from './keys';

/** Commands an operator can send to a running worker, wherever it runs. */
export const WORKER_COMMANDS = ['quiet', 'stop'] as const;
/**
 * A worker command:
 * - `quiet`: take no new jobs, finish the running ones (the registry shows `quiet`);
 * - `stop`: close gracefully, as on SIGTERM.
 */
export type WorkerCommand = (typeof WORKER_COMMANDS)[number];

/**
 * How long a command waits for its worker. Workers read their commands about
 * once a second, so a command still there after this is for a worker that died.
 */
export const WORKER_COMMAND_TTL_MS = 5 * 60_000;


/**
 * Sends `command` to the live worker `name`: it is stored in Redis (a hash per
 * worker, `GlobalKeys.control`) and the worker reads it within about a second,
 * wherever it runs; a worker that is briefly cut off from Redis reads it when it
 * is back. Resolves `false`, sending nothing, when no such worker is registered.
 */
export async function sendWorkerCommand(redis: Redis, prefix: string, name: string, command: WorkerCommand, now = Date.now()): Promise<boolean> {
  return sendControl(redis, prefix, name, command, now);
}

/** Field of a job cancel in a worker's control hash: `cancel:<queue>:<id>` (queue names hold no `:`). */
const CANCEL_FIELD = 'cancel:';

/**
 * Tells the live worker `name` to abort the handler of job `id` of `queue` (see
 * `cancelJob`); read like the other commands. Resolves `false` when no such
 * worker is registered.
 */
export function sendJobCancel(redis: Redis, prefix: string, name: string, queue: string, id: string, now = Date.now()): Promise<boolean> {
  return sendControl(redis, prefix, name, `${CANCEL_FIELD}${queue}:${id}`, now);
}

async function sendControl(redis: Redis, prefix: string, name: string, field: string, now: number): Promise<boolean> {
  const keys = globalKeys(prefix);
  // One script so a command is never left for a worker that is not registered.
  const sent = await redis.eval(
    `if redis.call('exists', KEYS[1]) == 0 then return 0 end
redis.call('hset', KEYS[2], ARGV[1], ARGV[2])
redis.call('pexpire', KEYS[2], ARGV[3])
if redis.call('llen', KEYS[3]) == 0 then redis.call('lpush', KEYS[3], '1') end
redis.call('pexpire', KEYS[3], ARGV[3])
return 1`,
    3,
    keys.worker(name),
    keys.control(name),
    keys.controlWake(name),
    field,
    now,
    WORKER_COMMAND_TTL_MS,
  );
  return Number(sent) === 1;
}

/** Reads and deletes the commands waiting for worker `name` (used by the worker). */
export async function takeWorkerCommands(redis: Redis, prefix: string, name: string): Promise<Set<WorkerCommand>> {
  return (await takeWorkerControl(redis, prefix, name)).commands;
}

/** What a worker reads from its control hash: commands and the jobs to cancel. */
export interface WorkerControl {
  readonly commands: Set<WorkerCommand>;
  readonly cancels: readonly { readonly queue: string; readonly id: string }[];
}

/** Reads and deletes the commands and job cancels waiting for worker `name` (used by the worker). */
export async function takeWorkerControl(redis: Redis, prefix: string, name: string): Promise<WorkerControl> {
  const key = globalKeys(prefix).control(name);
  const replies = await redis.multi().hkeys(key).del(key, globalKeys(prefix).controlWake(name)).exec();
  const [err, fields] = replies?.[0] ?? [null, []];
  if (err) throw err;
  const all = fields as string[];
  const cancels = all
    .filter((f) => f.startsWith(CANCEL_FIELD))
    .map((f) => {
      const rest = f.slice(CANCEL_FIELD.length);
      const at = rest.indexOf(':');
      return { queue: rest.slice(0, at), id: rest.slice(at + 1) };
    })
    .filter((c) => c.queue.length > 0 && c.id.length > 0);
  return { commands: new Set(all.filter((f): f is WorkerCommand => (WORKER_COMMANDS as readonly string[]).includes(f))), cancels };
}
