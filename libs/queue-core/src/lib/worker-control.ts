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
    command,
    now,
    WORKER_COMMAND_TTL_MS,
  );
  return Number(sent) === 1;
}

/** Reads and deletes the commands waiting for worker `name` (used by the worker). */
export async function takeWorkerCommands(redis: Redis, prefix: string, name: string): Promise<Set<WorkerCommand>> {
  const key = globalKeys(prefix).control(name);
  const replies = await redis.multi().hkeys(key).del(key, globalKeys(prefix).controlWake(name)).exec();
  const [err, fields] = replies?.[0] ?? [null, []];
  if (err) throw err;
  return new Set((fields as string[]).filter((f): f is WorkerCommand => (WORKER_COMMANDS as readonly string[]).includes(f)));
}
