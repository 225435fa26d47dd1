import type { QueueCounts, QueueFlow, RateLimit, WorkerInfo } from '@jobq/queue-core';
import { Option, type Command } from 'commander';
import { seconds } from '../args';
import { toCliError } from '../error-report';
import { bar, count } from '../format';
import type { CommandContext } from '../context';
import type { Output } from '../output';
import type { Session } from '../session';

/** `jobq info --json`: one document (one line per refresh with `--watch`). */
export interface InfoJson {
  /** When the counts were read, ms since the epoch. */
  readonly at: number;
  readonly queues: readonly (QueueCountsJson & { readonly workers: number; readonly paused: boolean; readonly rateLimit: RateLimit | null })[];
  readonly workers: { readonly online: number; readonly busy: number; readonly idle: number; readonly quiet: number; readonly stopping: number };
}

type QueueCountsJson = Pick<QueueCounts, 'queue' | 'waiting' | 'active' | 'delayed' | 'succeeded' | 'failed' | 'canceled' | 'deferred'>;

/** Registers `jobq info`. */
export function infoCommand(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('info')
    .description('every queue with its jobs per state and a backlog bar, and the workers online and busy')
    .option('-w, --watch', 'refresh in place until Ctrl-C (like rq info --interval)')
    .addOption(new Option('-i, --interval <seconds>', 'refresh interval with --watch').argParser(seconds(0.2, 3600)).default(2))
    .addHelpText(
      'after',
      `
The bar shows each queue's backlog (waiting + active + delayed) against the
largest one. With --json, prints one JSON document (one per line with --watch).

Examples:
  $ jobq info
  $ jobq info --watch --interval 1
  $ jobq info --json | jq '.queues[] | select(.failed > 0)'`,
    )
    .action(async (opts: { watch?: boolean; interval: number }, cmd: Command) => {
      const ctx = context(cmd);
      const session = await ctx.session();
      if (opts.watch) await watch(ctx, session, opts.interval * 1_000);
      else show(ctx.out, await readInfo(session));
    });
}

async function readInfo(session: Session): Promise<InfoJson> {
  const queues = await session.inspector.queues();
  const [counts, workers, flow] = await Promise.all([session.inspector.counts(queues), session.inspector.workers(), session.inspector.flow(queues)]);
  return toInfoJson(counts, workers, Date.now(), flow);
}

/** Builds the stable `--json` shape. */
export function toInfoJson(counts: readonly QueueCounts[], workers: readonly WorkerInfo[], at: number, flow: readonly QueueFlow[] = []): InfoJson {
  const flows = new Map(flow.map((f) => [f.queue, f]));
  const by = (state: WorkerInfo['state']) => workers.filter((w) => w.state === state).length;
  return {
    at,
    queues: counts.map((c) => ({
      queue: c.queue,
      waiting: c.waiting,
      active: c.active,
      delayed: c.delayed,
      succeeded: c.succeeded,
      failed: c.failed,
      canceled: c.canceled,
      deferred: c.deferred,
      workers: workers.filter((w) => w.queues.includes(c.queue)).length,
      paused: flows.get(c.queue)?.paused ?? false,
      rateLimit: flows.get(c.queue)?.rateLimit ?? null,
    })),
    workers: { online: workers.length, busy: by('busy'), idle: by('idle'), quiet: by('quiet'), stopping: by('stopping') },
  };
}

/** The text view: one table and one summary line. */
export function renderInfo(out: Output, info: InfoJson): string {
  const { c } = out;
  const backlog = (q: InfoJson['queues'][number]) => q.waiting + q.active + q.delayed;
  const max = Math.max(0, ...info.queues.map(backlog));
  const barWidth = Math.max(10, Math.min(40, out.config.columns - 90));
  const rows = info.queues.map((q) => [
    `${c.bold(q.queue)}${q.paused ? c.yellow(' (paused)') : ''}${q.rateLimit ? c.dim(` (${q.rateLimit.max}/${q.rateLimit.intervalMs}ms)`) : ''}`,
    count(q.waiting),
    q.active ? c.blue(count(q.active)) : '0',
    count(q.delayed),
    q.succeeded ? c.green(count(q.succeeded)) : '0',
    q.failed ? c.red(count(q.failed)) : '0',
    count(q.deferred),
    String(q.workers),
    c.yellow(bar(backlog(q), max, barWidth)),
  ]);
  const table = info.queues.length
    ? out.table(['QUEUE', 'WAITING', 'ACTIVE', 'DELAYED', 'SUCCEEDED', 'FAILED', 'DEFERRED', 'WORKERS', 'BACKLOG'], rows, ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'])
    : c.dim('No queues yet.');
  const w = info.workers;
  const stopping = `${w.quiet ? `, ${w.quiet} quiet` : ''}${w.stopping ? `, ${w.stopping} stopping` : ''}`;
  const summary = `${info.queues.length} queue${info.queues.length === 1 ? '' : 's'}, ${c.bold(String(w.online))} worker${w.online === 1 ? '' : 's'} online (${w.busy} busy, ${w.idle} idle${stopping})`;
  return `${table}\n\n${summary}`;
}

function show(out: Output, info: InfoJson): void {
  if (out.config.json) out.json(info);
  else out.line(renderInfo(out, info));
}

/**
 * Redraws the view every `intervalMs` until Ctrl-C. On a terminal it redraws in
 * place; elsewhere it appends one snapshot (or one JSON line) per refresh. A
 * Redis outage shows as a line and the watch goes on until Redis is back.
 */
async function watch(ctx: CommandContext, session: Session, intervalMs: number): Promise<void> {
  const { out } = ctx;
  const inPlace = out.config.stdoutIsTty && !out.config.json;
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const off = ctx.process.onInterrupt(() => stop());
  try {
    for (let first = true; ; first = false) {
      let text: string;
      let info: InfoJson | null = null;
      try {
        info = await readInfo(session);
        text = renderInfo(out, info);
      } catch (err) {
        const e = toCliError(err, ctx.config.queue.redisUrl);
        if (e.exitCode !== 69) throw e;
        text = out.c.red(`${e.message} (retrying every ${intervalMs / 1_000}s)`);
        if (out.config.json) out.note(`jobq: ${e.message}`);
      }
      if (out.config.json) {
        if (info) out.json(info);
      } else if (inPlace) {
        out.raw(`\x1b[H\x1b[2J${out.c.dim(`every ${intervalMs / 1_000}s · ${new Date().toISOString().slice(11, 19)} · Ctrl-C to stop`)}\n\n${text}\n`);
      } else {
        out.line(`${first ? '' : '\n'}${out.c.dim(new Date().toISOString())}`, text);
      }
      const timer = new Promise<'tick'>((resolve) => setTimeout(() => resolve('tick'), intervalMs));
      if ((await Promise.race([timer, stopped.then(() => 'stop' as const)])) === 'stop') return;
    }
  } finally {
    off();
  }
}
