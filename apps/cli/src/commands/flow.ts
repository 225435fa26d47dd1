import { parseRateLimit, type RateLimit } from '@jobq/queue-core';
import { InvalidArgumentError, type Command } from 'commander';
import { queueName } from '../args';
import { CliError } from '../cli-error';
import type { CommandContext } from '../context';

/** `jobq pause --json` / `jobq resume --json`: `changed` is false when the queue already was so. */
export interface PauseJson {
  readonly queue: string;
  readonly paused: boolean;
  readonly changed: boolean;
}

/** `jobq limit --json`: the queue's rate limit after the command (`null`: none). */
export interface LimitJson {
  readonly queue: string;
  readonly rateLimit: RateLimit | null;
}

/** A `<max>/<interval>` argument (commander's error, exit 2, when it is not one). */
function rateLimitArg(value: string): RateLimit {
  try {
    return parseRateLimit(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/** `50 per 1000 ms`. */
function limitText(limit: RateLimit): string {
  return `${limit.max} job start${limit.max === 1 ? '' : 's'} per ${limit.intervalMs} ms`;
}

/** Registers `jobq pause`, `jobq resume` and `jobq limit` (queue flow control). */
export function flowCommands(program: Command, context: (cmd: Command) => CommandContext): void {
  for (const paused of [true, false]) {
    const verb = paused ? 'pause' : 'resume';
    program
      .command(verb)
      .description(
        paused
          ? 'pause a queue: workers take no new jobs from it (running ones finish); enqueues still succeed'
          : 'resume a paused queue: idle workers take its jobs at once',
      )
      .argument('<queue>', 'queue name', queueName)
      .addHelpText(
        'after',
        `
The paused state is kept in Redis: it holds across worker restarts until
\`jobq resume\`. Needs no confirmation (nothing is lost; resume undoes it).

Examples:
  $ jobq ${verb} high_priority
  $ jobq ${verb} high_priority --json`,
      )
      .action(async (queue: string, _opts: unknown, cmd: Command) => {
        const ctx = context(cmd);
        const session = await ctx.session();
        await session.requireQueue(queue);
        const changed = paused ? await session.admin.pauseQueue(queue) : await session.admin.resumeQueue(queue);
        const result: PauseJson = { queue, paused, changed };
        if (ctx.out.config.json) return ctx.out.json(result);
        ctx.out.line(
          paused
            ? changed
              ? `Paused ${queue}: workers take no new jobs from it.`
              : `${queue} was already paused.`
            : changed
              ? `Resumed ${queue}.`
              : `${queue} was not paused.`,
        );
      });
  }

  program
    .command('limit')
    .description("show, set or clear a queue's rate limit (job starts per window, across all workers)")
    .argument('<queue>', 'queue name', queueName)
    .argument('[limit]', '<max>/<interval>: 50/1000 (ms), 50/1s, 600/1m', rateLimitArg)
    .option('--clear', 'remove the rate limit')
    .addHelpText(
      'after',
      `
Jobs over the limit wait for the next window (they never fail). Without a limit
and without --clear, shows the current one.

Examples:
  $ jobq limit high_priority 50/1s
  $ jobq limit high_priority 600/1m --json
  $ jobq limit high_priority
  $ jobq limit high_priority --clear`,
    )
    .action(async (queue: string, limit: RateLimit | undefined, opts: { clear?: boolean }, cmd: Command) => {
      if (limit !== undefined && opts.clear) throw CliError.usage('give either a limit or --clear, not both');
      const ctx = context(cmd);
      const session = await ctx.session();
      await session.requireQueue(queue);
      if (limit !== undefined || opts.clear) await session.admin.setRateLimit(queue, limit ?? null);
      const [flow] = await session.inspector.flow([queue]);
      const result: LimitJson = { queue, rateLimit: flow?.rateLimit ?? null };
      if (ctx.out.config.json) return ctx.out.json(result);
      const now = result.rateLimit ? limitText(result.rateLimit) : 'no rate limit';
      ctx.out.line(limit !== undefined ? `${queue}: at most ${now}.` : opts.clear ? `${queue}: no rate limit now.` : `${queue}: ${result.rateLimit ? `at most ${now}` : now}.`);
    });
}
