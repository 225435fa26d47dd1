import type { CancelOutcome } from '@jobq/queue-core';
import type { Command } from 'commander';
import { jobId, queueName } from '../args';
import { CliError } from '../cli-error';
import { confirm } from '../confirm';
import type { CommandContext } from '../context';

/** `jobq cancel --json`: what the cancel did (see `CancelOutcome`). */
export type CancelJson = { readonly queue: string; readonly id: string } & CancelOutcome;

/** Registers `jobq cancel`. */
export function cancelCommand(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('cancel')
    .description('cancel a waiting, delayed or running job: it ends canceled and is never retried')
    .argument('<queue>', 'queue name', queueName)
    .argument('<id>', 'job id', jobId)
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText(
      'after',
      `
A waiting, delayed or deferred job is canceled at once. A running job's worker is told to
abort its handler (through the handler's signal); the job ends canceled
whatever the handler does. A finished job (succeeded, failed, canceled) cannot
be canceled: exit 4.

Asks for confirmation on a terminal; refuses without --yes when stdin is not one.

Examples:
  $ jobq cancel high_priority 42
  $ jobq cancel high_priority 42 --yes --json`,
    )
    .action(async (queue: string, id: string, opts: { yes?: boolean }, cmd: Command) => {
      const ctx = context(cmd);
      const session = await ctx.session();
      const job = await session.requireJob(queue, id);
      // Refused before asking: a finished job has nothing to confirm.
      if (job.state === 'succeeded' || job.state === 'failed' || job.state === 'canceled') {
        throw CliError.conflict(`job "${id}" on queue "${queue}" already ${job.state === 'canceled' ? 'was canceled' : job.state}, so it cannot be canceled`);
      }
      await confirm(`Cancel ${job.state} job ${id}${job.name ? ` (${job.name})` : ''} of ${queue}?`, opts.yes === true, ctx.prompt);
      const outcome = await session.admin.cancelJob(queue, id);
      const result: CancelJson = { queue, id, ...outcome };
      if (ctx.out.config.json) return ctx.out.json(result);
      if (outcome.state === 'canceled') return ctx.out.line(`Canceled ${outcome.from} job ${id} of ${queue}.`);
      ctx.out.line(
        outcome.notified
          ? `Job ${id} of ${queue} is running: worker ${outcome.worker} was told to stop it; it ends canceled.`
          : `Job ${id} of ${queue} is running: it ends canceled when it finishes (its worker could not be told).`,
      );
    });
}
