import type { Command } from 'commander';
import { jobId, queueName } from '../args';
import { confirm } from '../confirm';
import type { CommandContext } from '../context';

/** `jobq remove --json`. */
export interface RemoveJson {
  readonly queue: string;
  readonly id: string;
  readonly removed: true;
}

/** Registers `jobq remove`. */
export function removeCommand(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('remove')
    .description('delete one job (not a running one) with its result and history')
    .argument('<queue>', 'queue name', queueName)
    .argument('<id>', 'job id', jobId)
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText(
      'after',
      `
Asks for confirmation on a terminal; refuses without --yes when stdin is not one.

Examples:
  $ jobq remove high_priority 42
  $ jobq remove high_priority 42 --yes --json`,
    )
    .action(async (queue: string, id: string, opts: { yes?: boolean }, cmd: Command) => {
      const ctx = context(cmd);
      const session = await ctx.session();
      const job = await session.requireJob(queue, id);
      await confirm(`Remove ${job.state} job ${id}${job.name ? ` (${job.name})` : ''} from ${queue}?`, opts.yes === true, ctx.prompt);
      await session.admin.removeJob(queue, id);
      const result: RemoveJson = { queue, id, removed: true };
      if (ctx.out.config.json) return ctx.out.json(result);
      ctx.out.line(`Removed job ${id} from ${queue}.`);
    });
}
