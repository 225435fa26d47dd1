import type { JobState } from '@jobq/queue-core';
import type { Command } from 'commander';
import { jobId } from '../args';
import { CliError } from '../cli-error';
import type { CommandContext } from '../context';

/** `jobq find --json`: every queue holding a job with that id. */
export interface FindJson {
  readonly id: string;
  readonly found: readonly { readonly queue: string; readonly state: JobState; readonly name: string | null }[];
}

/** Registers `jobq find`. */
export function findCommand(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('find')
    .description('which queues hold a job with this id (ids are per queue), and in which state')
    .argument('<id>', 'job id', jobId)
    .addHelpText(
      'after',
      `
Exit 3 when no queue holds the id.

Examples:
  $ jobq find welcome-ana
  $ jobq find 42 --json`,
    )
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const ctx = context(cmd);
      const session = await ctx.session();
      const found = (await session.inspector.findJob(id)).map((l) => ({ queue: l.queue, state: l.state, name: l.name }));
      if (found.length === 0) throw CliError.notFound(`no queue holds a job "${id}"`);
      const result: FindJson = { id, found };
      if (ctx.out.config.json) return ctx.out.json(result);
      ctx.out.line(
        ctx.out.table(['QUEUE', 'STATE', 'NAME', 'SHOW WITH'], found.map((f) => [f.queue, f.state, f.name ?? '-', `jobq job ${f.queue} ${id}`])),
      );
    });
}
