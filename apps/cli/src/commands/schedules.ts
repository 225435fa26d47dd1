import type { ScheduleInfo } from '@jobq/queue-core';
import type { Command } from 'commander';
import { queueName } from '../args';
import { confirm } from '../confirm';
import type { CommandContext } from '../context';
import { ago, count, oneLine, timestamp } from '../format';

/** `jobq schedules --json`: `{ schedules: ScheduleInfo[] }` (times in ms since the epoch, `null` for none). */
export interface SchedulesJson {
  readonly schedules: readonly ScheduleInfo[];
}

/** `jobq schedules pause|resume|trigger|remove --json`. */
export interface ScheduleActionJson {
  readonly queue: string;
  readonly name: string;
  readonly action: 'pause' | 'resume' | 'trigger' | 'remove';
  /** False when there was nothing to do (already paused, not paused). */
  readonly changed: boolean;
  /** The job a trigger enqueued. */
  readonly jobId?: string;
}

type Action = ScheduleActionJson['action'];

const ACTIONS: readonly { name: Action; description: string }[] = [
  { name: 'pause', description: 'pause a schedule: its next run is removed and nothing runs until it is resumed' },
  { name: 'resume', description: 'resume a paused schedule from now on (runs missed while paused are skipped)' },
  { name: 'trigger', description: 'run a schedule now, once (its next run stays as it is)' },
  { name: 'remove', description: 'delete a schedule and its next run (asks for confirmation)' },
];

/** Registers `jobq schedules` and its subcommands. */
export function schedulesCommand(program: Command, context: (cmd: Command) => CommandContext): void {
  const schedules = program
    .command('schedules')
    .description('cron and interval schedules: name, queue, job, timing, next and last run, state')
    .option('-q, --queue <queue>', 'only this queue', queueName)
    .addHelpText(
      'after',
      `
Subcommands pause, resume, trigger and remove take the schedule name (and --queue
when the name exists on several queues); remove asks for confirmation on a
terminal and refuses without --yes when stdin is not one.

Examples:
  $ jobq schedules
  $ jobq schedules --json | jq -r '.schedules[] | select(.state == "paused") | .name'
  $ jobq schedules trigger nightly-sales-report
  $ jobq schedules pause outbox-prune
  $ jobq schedules remove outbox-prune --yes`,
    )
    .action(async (opts: { queue?: string }, cmd: Command) => {
      const ctx = context(cmd);
      const session = await ctx.session();
      if (opts.queue !== undefined) await session.requireQueue(opts.queue);
      const list = await session.schedules.list(opts.queue);
      const { out } = ctx;
      if (out.config.json) return out.json({ schedules: list } satisfies SchedulesJson);
      if (list.length === 0) return out.line(out.c.dim('No schedules.'));
      const now = Date.now();
      const { c } = out;
      const stateColor = { active: c.green, paused: c.yellow, ended: c.dim } as const;
      const rows = list.map((s) => [
        s.name,
        s.queue,
        s.job,
        oneLine(s.timingText, 40),
        stateColor[s.state](s.state),
        s.nextRunAt ? `${timestamp(s.nextRunAt)} (${ago(s.nextRunAt, now)})` : '-',
        s.lastRunAt ? `${ago(s.lastRunAt, now)} ${s.lastJobId ?? ''}`.trim() : '-',
        s.limit ? `${count(s.count)}/${count(s.limit)}` : count(s.count),
      ]);
      out.line(
        out.table(['NAME', 'QUEUE', 'JOB', 'TIMING', 'STATE', 'NEXT RUN', 'LAST RUN', 'RUNS'], rows, ['left', 'left', 'left', 'left', 'left', 'left', 'left', 'right']),
        '',
        `${list.length} schedule${list.length === 1 ? '' : 's'}, ${list.filter((s) => s.state === 'paused').length} paused`,
      );
    });

  for (const action of ACTIONS) {
    const sub = schedules
      .command(action.name)
      .description(action.description)
      .argument('<name>', 'schedule name')
      .option('-q, --queue <queue>', 'queue of the schedule (needed only when the name exists on several)', queueName);
    if (action.name === 'remove') sub.option('-y, --yes', 'do not ask for confirmation');
    sub.action(async (name: string, _opts: unknown, cmd: Command) => {
      // `--queue` after the subcommand may be read by the parent command: take it from either.
      const opts = cmd.optsWithGlobals<{ queue?: string; yes?: boolean }>();
      const ctx = context(cmd);
      const session = await ctx.session();
      // Throws not-found (exit 3) or ambiguous (exit 2) before anything changes.
      const s = await session.schedules.get({ name, queue: opts.queue });
      const ref = { name: s.name, queue: s.queue };
      let changed = true;
      let jobId: string | undefined;
      if (action.name === 'pause') changed = await session.schedules.pause(ref);
      else if (action.name === 'resume') changed = await session.schedules.resume(ref);
      else if (action.name === 'trigger') jobId = await session.schedules.trigger(ref);
      else {
        await confirm(`Remove schedule ${s.name} (${s.job}, ${s.timingText}) from ${s.queue}?`, opts.yes === true, ctx.prompt);
        changed = await session.schedules.remove(ref);
      }
      const result: ScheduleActionJson = { queue: s.queue, name: s.name, action: action.name, changed, ...(jobId ? { jobId } : {}) };
      if (ctx.out.config.json) return ctx.out.json(result);
      const done = {
        pause: changed ? `Paused schedule ${s.name}.` : `Schedule ${s.name} was already paused.`,
        resume: changed ? `Resumed schedule ${s.name}.` : `Schedule ${s.name} was not paused.`,
        trigger: `Triggered schedule ${s.name}: job ${s.queue}/${jobId ?? ''}.`,
        remove: `Removed schedule ${s.name} from ${s.queue}.`,
      }[action.name];
      ctx.out.line(done);
    });
  }
}
