import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type JobPage, type JobState, type JobSummary } from '@jobq/queue-core';
import { Option, type Command } from 'commander';
import { integer, jobName, queueName, STATES } from '../args';
import type { CommandContext } from '../context';
import { ago, count, duration, oneLine } from '../format';

/** One row of `jobq jobs --json`. */
export interface JobRowJson {
  readonly id: string;
  readonly name: string | null;
  readonly state: JobState;
  readonly createdAt: number | null;
  readonly runAt: number | null;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly durationMs: number | null;
  readonly attempts: number;
  readonly retriesLeft: number | null;
  readonly worker: string | null;
  /** Start of the payload's JSON (160 characters at most). */
  readonly payloadPreview: string;
  readonly payloadTruncated: boolean;
  /** Latest error message, cut short (`jobq job` has it whole). */
  readonly error: string | null;
  readonly errorCode: string | null;
  readonly progress: { readonly percent: number; readonly message?: string } | null;
}

/** `jobq jobs --json`. */
export interface JobsJson {
  readonly queue: string;
  readonly state: JobState;
  readonly page: number;
  readonly pageSize: number;
  readonly total: number;
  readonly pages: number;
  readonly name: string | null;
  /** Set for a name filter on waiting/active/delayed: how many of the newest jobs were looked at. */
  readonly nameScan: { readonly scanned: number; readonly limit: number; readonly complete: boolean } | null;
  readonly jobs: readonly JobRowJson[];
}

/** Maps an inspector page to the stable `--json` shape. */
export function toJobsJson(page: JobPage): JobsJson {
  return {
    queue: page.queue,
    state: page.state,
    page: page.page,
    pageSize: page.pageSize,
    total: page.total,
    pages: page.pages,
    name: page.name,
    nameScan: page.nameScan ? { ...page.nameScan } : null,
    jobs: page.jobs.map(toJobRowJson),
  };
}

function toJobRowJson(j: JobSummary): JobRowJson {
  return {
    id: j.id,
    name: j.name,
    state: j.state,
    createdAt: j.createdAt,
    runAt: j.runAt,
    startedAt: j.startedAt,
    finishedAt: j.finishedAt,
    durationMs: j.durationMs,
    attempts: j.attempts,
    retriesLeft: j.retriesLeft,
    worker: j.worker,
    payloadPreview: j.payloadPreview,
    payloadTruncated: j.payloadTruncated,
    error: j.error,
    errorCode: j.errorCode,
    progress: j.progress ? { ...j.progress } : null,
  };
}

/** Registers `jobq jobs`. */
export function jobsCommand(program: Command, context: (cmd: Command) => CommandContext): void {
  program
    .command('jobs')
    .description("one page of a queue's jobs in one state, newest first")
    .argument('<queue>', 'queue name', queueName)
    .addOption(new Option('-s, --state <state>', 'job state').choices(STATES).default('waiting'))
    .option('-n, --name <name>', 'only jobs with this job name', jobName)
    .addOption(new Option('-l, --limit <n>', `jobs per page (1-${MAX_PAGE_SIZE})`).argParser(integer(1, MAX_PAGE_SIZE)).default(DEFAULT_PAGE_SIZE))
    .addOption(new Option('-p, --page <n>', 'page, from 1').argParser(integer(1, Number.MAX_SAFE_INTEGER)).default(1))
    .addHelpText(
      'after',
      `
Pages are read by position, so page 50,000 of a million-job queue is as quick as
page 1. A name filter uses the name index on succeeded/failed, and looks at the
newest 2,000 jobs of the other states.

Examples:
  $ jobq jobs high_priority
  $ jobq jobs high_priority --state failed --name email.send --limit 50
  $ jobq jobs low_priority --state succeeded --page 3 --json | jq -r '.jobs[].id'`,
    )
    .action(async (queue: string, opts: { state: JobState; name?: string; limit: number; page: number }, cmd: Command) => {
      const ctx = context(cmd);
      const session = await ctx.session();
      await session.requireQueue(queue);
      const page = toJobsJson(await session.inspector.listJobs(queue, opts.state, { page: opts.page, pageSize: opts.limit, name: opts.name }));
      const { out } = ctx;
      if (out.config.json) return out.json(page);
      const { c } = out;
      const now = Date.now();
      const detailWidth = Math.max(30, out.config.columns - 70);
      const rows = page.jobs.map((j) => [
        j.id,
        j.name ?? '-',
        when(j, now),
        String(j.attempts),
        j.durationMs === null ? '-' : duration(j.durationMs),
        detail(j, detailWidth, c.red),
      ]);
      const filter = page.name ? ` named ${page.name}` : '';
      const lines = [
        page.jobs.length
          ? out.table(['ID', 'NAME', timeHeading(page.state), 'ATTEMPTS', 'DURATION', page.state === 'failed' ? 'ERROR' : 'DETAIL'], rows, ['right', 'left', 'right', 'right', 'right', 'left'])
          : c.dim(`No ${page.state} jobs${filter} on this page.`),
        '',
        `${page.state} jobs${filter} on ${page.queue}: ${count(page.total)} · page ${count(page.page)} of ${count(page.pages)}`,
      ];
      if (page.nameScan && !page.nameScan.complete) lines.push(c.dim(`(name filter looked at the newest ${count(page.nameScan.scanned)} ${page.state} jobs only)`));
      if (page.page < page.pages) lines.push(c.dim(`next: jobq jobs ${page.queue} --state ${page.state}${page.name ? ` --name ${page.name}` : ''} --page ${page.page + 1}`));
      out.line(...lines);
    });
}

function timeHeading(state: JobState): string {
  return { waiting: 'CREATED', active: 'STARTED', delayed: 'RUNS', succeeded: 'FINISHED', failed: 'FINISHED', canceled: 'CANCELED', deferred: 'CREATED' }[state];
}

function when(j: JobRowJson, now: number): string {
  switch (j.state) {
    case 'active':
      return ago(j.startedAt, now);
    case 'delayed':
      return ago(j.runAt, now);
    case 'succeeded':
    case 'failed':
      return ago(j.finishedAt, now);
    default:
      return ago(j.createdAt, now);
  }
}

function detail(j: JobRowJson, width: number, red: (s: string) => string): string {
  if (j.state === 'failed' || (j.error && j.state !== 'succeeded')) {
    const text = j.error ? `${j.errorCode ? `[${j.errorCode}] ` : ''}${j.error}` : '-';
    return j.state === 'failed' ? red(oneLine(text, width)) : oneLine(`retrying after: ${text}`, width);
  }
  if (j.state === 'active' && j.progress) return oneLine(`${j.progress.percent}%${j.progress.message ? ` ${j.progress.message}` : ''}${j.worker ? ` on ${j.worker}` : ''}`, width);
  if (j.state === 'active' && j.worker) return oneLine(`on ${j.worker}`, width);
  return oneLine(j.payloadPreview + (j.payloadTruncated ? '…' : ''), width);
}
