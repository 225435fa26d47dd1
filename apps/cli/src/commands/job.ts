import type { JobDetail, JobState } from '@jobq/queue-core';
import type { Command } from 'commander';
import { jobId, queueName } from '../args';
import { CliError } from '../cli-error';
import type { CommandContext } from '../context';
import { ago, bytes, clip, count, duration, pretty, timestamp } from '../format';
import type { Output } from '../output';

/** `jobq job --json`: everything stored about one job, values whole. */
export interface JobJson {
  readonly id: string;
  readonly queue: string;
  readonly state: JobState;
  readonly name: string | null;
  /** bee-queue's status field: created, retrying, succeeded or failed. */
  readonly status: string | null;
  readonly payload: unknown;
  /** The result of a succeeded job, `null` when there is none. */
  readonly result: unknown;
  /** The latest failed attempt's error, `null` when none failed. */
  readonly error: { readonly message: string; readonly code: string | null; readonly stack: string | null } | null;
  /** Attempts started so far. */
  readonly attempts: number;
  /** Times a worker died holding the job. */
  readonly stalls: number;
  readonly retriesLeft: number | null;
  /** Retries the job was created with. */
  readonly retriesTotal: number | null;
  readonly createdAt: number | null;
  readonly runAt: number | null;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly durationMs: number | null;
  readonly worker: string | null;
  readonly progress: { readonly percent: number; readonly message?: string } | null;
  /** Attempt timeout, ms. */
  readonly timeoutMs: number | null;
  /** Size of the stored job JSON, bytes. */
  readonly storedBytes: number;
}

/** Maps an inspector detail to the stable `--json` shape. */
export function toJobJson(d: JobDetail): JobJson {
  const { run } = d;
  const hasError = run.error !== undefined && run.error !== '';
  return {
    id: d.id,
    queue: d.queue,
    state: d.state,
    name: d.name,
    status: d.status,
    payload: d.payload ?? null,
    result: d.result === undefined ? null : d.result,
    error: hasError ? { message: run.error ?? '', code: run.errorCode || null, stack: run.stack || null } : null,
    attempts: run.attempts ?? 0,
    stalls: run.stalls ?? 0,
    retriesLeft: d.retriesLeft,
    retriesTotal: d.retriesTotal,
    createdAt: d.createdAt,
    runAt: d.runAt,
    startedAt: run.startedAt ?? null,
    finishedAt: run.finishedAt ?? null,
    durationMs: run.durationMs ?? null,
    worker: run.worker || null,
    progress: d.progress ? { ...d.progress } : null,
    timeoutMs: typeof d.options.timeout === 'number' ? d.options.timeout : null,
    storedBytes: d.storedBytes,
  };
}

/** Characters and lines of one long value shown on a terminal. */
const SHOWN_CHARS = 2_000;
const SHOWN_LINES = 40;

/** Registers `jobq job`. */
export function jobCommand(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('job')
    .description('one job: payload, result, error and stack, attempts, times')
    .argument('<queue>', 'queue name', queueName)
    .argument('<id>', 'job id', jobId)
    .option('--full', 'show long values whole on a terminal too')
    .addHelpText(
      'after',
      `
On a terminal, long values (payload, result, stack) are cut to ${count(SHOWN_CHARS)} characters
and ${SHOWN_LINES} lines with a note; --full or --json (or a pipe) shows them whole.

Examples:
  $ jobq job high_priority 42
  $ jobq job high_priority welcome-ana --json | jq .result`,
    )
    .action(async (queue: string, id: string, opts: { full?: boolean }, cmd: Command) => {
      const ctx = context(cmd);
      const session = await ctx.session();
      await session.requireQueue(queue);
      const detail = await session.inspector.getJob(queue, id);
      if (!detail) throw CliError.notFound(`job "${id}" was not found on queue "${queue}" (it may have expired after its retention period)`);
      const job = toJobJson(detail);
      if (ctx.out.config.json) return ctx.out.json(job);
      ctx.out.line(render(ctx.out, job, ctx.out.config.stdoutIsTty && !opts.full));
    });
}

function render(out: Output, j: JobJson, cut: boolean): string {
  const { c } = out;
  const now = Date.now();
  const stateColor = { waiting: c.cyan, active: c.blue, delayed: c.magenta, succeeded: c.green, failed: c.red }[j.state];
  const field = (label: string, value: string) => `  ${c.dim(label.padEnd(12))}${value}`;
  const time = (at: number | null) => (at === null ? '-' : `${timestamp(at)} (${ago(at, now)})`);
  const lines = [`${c.bold(`Job ${j.id}`)} on ${c.bold(j.queue)}: ${stateColor(j.state)}`, field('name', j.name ?? '-'), field('status', j.status ?? '-')];
  lines.push(field('created', time(j.createdAt)));
  if (j.runAt !== null) lines.push(field('runs at', time(j.runAt)));
  if (j.startedAt !== null) lines.push(field('started', time(j.startedAt)));
  if (j.finishedAt !== null) lines.push(field('finished', time(j.finishedAt)));
  if (j.durationMs !== null) lines.push(field('duration', duration(j.durationMs)));
  const retries = j.retriesTotal === null ? '' : ` (retries left ${j.retriesLeft ?? '?'} of ${j.retriesTotal})`;
  lines.push(field('attempts', `${j.attempts}${retries}${j.stalls ? `, worker lost ${j.stalls}x` : ''}`));
  if (j.timeoutMs !== null) lines.push(field('timeout', duration(j.timeoutMs)));
  if (j.worker) lines.push(field('worker', j.worker));
  if (j.progress) lines.push(field('progress', `${j.progress.percent}%${j.progress.message ? ` ${j.progress.message}` : ''}`));
  lines.push(field('stored', bytes(j.storedBytes)));
  const block = (title: string, text: string, color: (s: string) => string = (s) => s) => {
    const shown = cut ? clip(text, SHOWN_CHARS, SHOWN_LINES) : { text, truncated: false, totalChars: text.length };
    lines.push('', c.bold(title), indent(color(shown.text)));
    if (shown.truncated) lines.push(c.yellow(`  … truncated: showing ${count(shown.text.length)} of ${count(shown.totalChars)} characters (--full or --json for all)`));
  };
  block('payload', pretty(j.payload));
  if (j.result !== null) block('result', pretty(j.result));
  if (j.error) {
    block('error', `${j.error.code ? `[${j.error.code}] ` : ''}${j.error.message}`, c.red);
    if (j.error.stack) block('stack', j.error.stack, c.dim);
  }
  return lines.join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
