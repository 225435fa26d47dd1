import { EMPTYABLE_STATES, type EmptyableState } from '@jobq/queue-core';
import { Option, type Command } from 'commander';
import { queueName } from '../args';
import { confirm } from '../confirm';
import type { CommandContext } from '../context';
import { count } from '../format';

/** `jobq empty --json`. */
export interface EmptyJson {
  readonly queue: string;
  readonly state: EmptyableState;
  readonly removed: number;
}

/** Registers `jobq empty`. */
export function emptyCommand(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('empty')
    .description('delete every job of a queue in one state (running jobs belong to their workers)')
    .argument('<queue>', 'queue name', queueName)
    .addOption(new Option('-s, --state <state>', 'the state to empty').choices(EMPTYABLE_STATES).makeOptionMandatory())
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText(
      'after',
      `
Deletes in chunks of 500 so Redis stays responsive. Asks for confirmation on a
terminal; refuses without --yes when stdin is not one.

Examples:
  $ jobq empty high_priority --state failed
  $ jobq empty low_priority --state succeeded --yes --json`,
    )
    .action(async (queue: string, opts: { state: EmptyableState; yes?: boolean }, cmd: Command) => {
      const ctx = context(cmd);
      const session = await ctx.session();
      await session.requireQueue(queue);
      const [counts] = await session.inspector.counts([queue]);
      const n = counts ? counts[opts.state] : 0;
      let removed = 0;
      // Off a terminal a script must say --yes even when there is nothing to delete
      // today, so it does not start failing the day there is.
      if (n > 0 || !ctx.config.stdinIsTty) {
        await confirm(`Delete all ${count(n)} ${opts.state} jobs of ${queue}? This cannot be undone.`, opts.yes === true, ctx.prompt);
        removed = await session.admin.emptyState(queue, opts.state);
      }
      const result: EmptyJson = { queue, state: opts.state, removed };
      if (ctx.out.config.json) return ctx.out.json(result);
      ctx.out.line(`Deleted ${count(removed)} ${opts.state} job${removed === 1 ? '' : 's'} of ${queue}.`);
    });
}
