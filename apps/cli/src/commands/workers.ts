import type { WorkerInfo } from '@jobq/queue-core';
import type { Command } from 'commander';
import type { CommandContext } from '../context';
import { ago, count, duration, oneLine } from '../format';

/** One worker in `jobq workers --json`. */
export interface WorkerJson {
  readonly name: string;
  readonly hostname: string;
  readonly pid: number;
  /** Queues in priority order. */
  readonly queues: readonly string[];
  readonly concurrency: number;
  /** `idle`, `busy` or `stopping`. */
  readonly state: WorkerInfo['state'];
  /** Jobs running now. */
  readonly running: readonly { readonly queue: string; readonly id: string; readonly name: string; readonly startedAt: number }[];
  /** Attempts run (successes and failures), as RQ counts. */
  readonly processed: number;
  /** Attempts that failed. */
  readonly failed: number;
  readonly startedAt: number;
  readonly lastHeartbeat: number;
  /** ms since the last heartbeat when read. */
  readonly heartbeatAgeMs: number;
}

/** Maps a registry record to the stable `--json` shape. */
export function toWorkerJson(w: WorkerInfo, now: number): WorkerJson {
  return {
    name: w.name,
    hostname: w.hostname,
    pid: w.pid,
    queues: [...w.queues],
    concurrency: w.concurrency,
    state: w.state,
    running: w.running.map((r) => ({ queue: r.queue, id: r.id, name: r.name, startedAt: r.startedAt })),
    processed: w.processed,
    failed: w.failed,
    startedAt: w.startedAt,
    lastHeartbeat: w.lastHeartbeat,
    heartbeatAgeMs: Math.max(0, now - w.lastHeartbeat),
  };
}

/** Registers `jobq workers`. */
export function workersCommand(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('workers')
    .description('live workers: name, host, pid, queues, state, current job, processed/failed, heartbeat age')
    .addHelpText(
      'after',
      `
Examples:
  $ jobq workers
  $ jobq workers --json | jq -r '.workers[] | select(.state == "busy") | .name'`,
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = context(cmd);
      const session = await ctx.session();
      const now = Date.now();
      const workers = (await session.inspector.workers()).map((w) => toWorkerJson(w, now));
      const { out } = ctx;
      if (out.config.json) return out.json({ workers });
      if (workers.length === 0) return out.line(out.c.dim('No workers online.'));
      const { c } = out;
      const stateColor = { busy: c.yellow, idle: c.green, stopping: c.magenta } as const;
      const rows = workers.map((w) => {
        const [first, ...more] = w.running;
        const current = first ? `${first.queue}/${first.id} ${first.name} (${duration(now - first.startedAt)})${more.length ? ` +${more.length} more` : ''}` : '-';
        return [
          w.name,
          w.hostname,
          String(w.pid),
          w.queues.join(','),
          stateColor[w.state](w.state),
          oneLine(current, 60),
          count(w.processed),
          w.failed ? c.red(count(w.failed)) : '0',
          ago(w.lastHeartbeat, now),
        ];
      });
      out.line(
        out.table(['NAME', 'HOST', 'PID', 'QUEUES', 'STATE', 'CURRENT JOB', 'PROCESSED', 'FAILED', 'HEARTBEAT'], rows, ['left', 'left', 'right', 'left', 'left', 'left', 'right', 'right', 'right']),
        '',
        `${workers.length} worker${workers.length === 1 ? '' : 's'} online, ${workers.filter((w) => w.state === 'busy').length} busy`,
      );
    });
}
