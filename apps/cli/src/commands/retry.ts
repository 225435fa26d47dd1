import type { Command } from 'commander';
import { jobId, queueName } from '../args';
import { CliError } from '../cli-error';
import { confirm } from '../confirm';
import type { CommandContext } from '../context';
import { count } from '../format';

/** `jobq retry --json`: `retried` is how many jobs went back to waiting. */
export interface RetryJson {
  readonly queue: string;
  /** The job retried, `null` with `--all`. */
  readonly id: string | null;
  readonly retried: number;
}

/** Registers `jobq retry`. */
export function retryCommand(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('retry')
    .description('move a failed job (or, with --all, every failed job) back to waiting, retries reset')
    .argument('<queue>', 'queue name', queueName)
    .argument('[id]', 'job id', jobId)
    .option('-a, --all', 'every failed job of the queue (asks first; --yes to skip)')
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText(
      'after',
      `
Retrying one job needs no confirmation. --all asks on a terminal, and refuses
without --yes when stdin is not one.

Examples:
  $ jobq retry high_priority 42
  $ jobq retry high_priority --all
  $ jobq retry high_priority --all --yes --json`,
    )
    .action(async (queue: string, id: string | undefined, opts: { all?: boolean; yes?: boolean }, cmd: Command) => {
      if (id === undefined && !opts.all) throw CliError.usage('give a job id, or --all for every failed job');
      if (id !== undefined && opts.all) throw CliError.usage('give either a job id or --all, not both');
      const ctx = context(cmd);
      const session = await ctx.session();
      await session.requireQueue(queue);
      let result: RetryJson;
      if (id !== undefined) {
        await session.admin.retryJob(queue, id);
        result = { queue, id, retried: 1 };
      } else {
        const [counts] = await session.inspector.counts([queue]);
        const failed = counts?.failed ?? 0;
        // Off a terminal --all needs --yes even with nothing failed, so a script does not pass today and fail later.
        if (failed === 0 && ctx.config.stdinIsTty) result = { queue, id: null, retried: 0 };
        else {
          await confirm(`Retry all ${count(failed)} failed jobs of ${queue}?`, opts.yes === true, ctx.prompt);
          result = { queue, id: null, retried: await session.admin.retryAllFailed(queue) };
        }
      }
      const { out } = ctx;
      if (out.config.json) return out.json(result);
      out.line(id !== undefined ? `Job ${id} on ${queue} is waiting again.` : `Retried ${count(result.retried)} failed job${result.retried === 1 ? '' : 's'} of ${queue}.`);
    });
}
