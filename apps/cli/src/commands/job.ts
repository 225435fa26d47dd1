import type { JobDependencies, JobDetail, JobState, QueueInspector } from '@jobq/queue-core';
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
  /** What is wrong with the stored record, `null` when it is well formed. */
  readonly malformed: string | null;
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
  /**
   * Jobs this one was enqueued depending on (`dependsOn`; the first 50, with
   * their states), how many in all, and how many have not succeeded yet.
   */
  readonly parents: JobDependencies['parents'];
  readonly parentsTotal: number;
  readonly pendingParents: number;
  /** Jobs enqueued depending on this one (up to 50, with their states), and how many in all. */
  readonly children: JobDependencies['children'];
  readonly childrenTotal: number;
  /** The parent whose failure (or removal) failed this job (`JOBQ_PARENT_FAILED`), while it is failed. */
  readonly failedParent: string | null;
}

/** Parses stored JSON; the raw text when it is not JSON. */
function jsonOrText(raw: Buffer | null): unknown {
  if (raw === null) return null;
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Maps an inspector detail to the stable `--json` shape, with whole values: the
 * inspector bounds what it returns (for pages), so long values are read whole
 * with `rawValue`.
 */
export async function toJobJson(d: JobDetail, inspector: QueueInspector): Promise<JobJson> {
  const whole = (field: 'payload' | 'result' | 'error' | 'code' | 'stack') => inspector.rawValue(d.queue, d.id, field);
  const [payload, result, message, code, stack, deps] = await Promise.all([
    whole('payload'),
    d.result === null ? null : whole('result'),
    d.error ? whole('error') : null,
    d.error ? whole('code') : null,
    d.error ? whole('stack') : null,
    inspector.dependencies(d.queue, d.id),
  ]);
  return {
    id: d.id,
    queue: d.queue,
    state: d.state,
    name: d.name,
    malformed: d.malformed,
    payload: jsonOrText(payload),
    result: jsonOrText(result),
    error: d.error ? { message: message?.toString('utf8') ?? '', code: code?.toString('utf8') || null, stack: stack?.toString('utf8') || null } : null,
    attempts: d.attempts,
    stalls: d.stalls,
    retriesLeft: d.retries.left,
    retriesTotal: d.retries.configured,
    createdAt: d.createdAt,
    runAt: d.runAt,
    startedAt: d.startedAt,
    finishedAt: d.finishedAt,
    durationMs: d.durationMs,
    worker: d.worker,
    progress: d.progress ? { percent: d.progress.percent, ...(d.progress.message ? { message: d.progress.message.text } : {}) } : null,
    timeoutMs: d.options.timeoutMs,
    storedBytes: d.storedBytes,
    parents: deps.parents,
    parentsTotal: deps.parentsTotal,
    pendingParents: deps.pendingParents,
    children: deps.children,
    childrenTotal: deps.childrenTotal,
    failedParent: d.state === 'failed' ? deps.failedParent : null,
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
      const job = await toJobJson(detail, session.inspector);
      if (ctx.out.config.json) return ctx.out.json(job);
      ctx.out.line(render(ctx.out, job, ctx.out.config.stdoutIsTty && !opts.full));
    });
}

function render(out: Output, j: JobJson, cut: boolean): string {
  const { c } = out;
  const now = Date.now();
  const stateColor = { waiting: c.cyan, active: c.blue, delayed: c.magenta, succeeded: c.green, failed: c.red, canceled: c.yellow, deferred: c.yellow }[j.state];
  const field = (label: string, value: string) => `  ${c.dim(label.padEnd(12))}${value}`;
  const time = (at: number | null) => (at === null ? '-' : `${timestamp(at)} (${ago(at, now)})`);
  const lines = [`${c.bold(`Job ${j.id}`)} on ${c.bold(j.queue)}: ${stateColor(j.state)}`, field('name', j.name ?? '-')];
  if (j.malformed) lines.push(field('malformed', c.red(j.malformed)));
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
  const links = (list: JobJson['parents'], total: number) =>
    `${list.map((l) => `${l.id} ${l.state}`).join(', ')}${total > list.length ? c.dim(` … and ${count(total - list.length)} more`) : ''}`;
  if (j.parentsTotal > 0) {
    lines.push(field('parents', `${count(j.parentsTotal)}${j.pendingParents > 0 ? c.yellow(` (waiting for ${count(j.pendingParents)})`) : ''}: ${links(j.parents, j.parentsTotal)}`));
  }
  if (j.childrenTotal > 0) lines.push(field('children', `${count(j.childrenTotal)}: ${links(j.children, j.childrenTotal)}`));
  if (j.failedParent) lines.push(field('failed by', c.red(`parent ${j.failedParent}`)));
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
