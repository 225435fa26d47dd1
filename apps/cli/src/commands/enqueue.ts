import { readFile } from 'node:fs/promises';
import { catalogueList, findContract } from '@jobq/job-defs';
import type { EnqueueOptions } from '@jobq/queue-core';
import { Option, type Command } from 'commander';
import { integer, isoTime, jobId, jobName } from '../args';
import { CliError } from '../cli-error';
import { EXIT } from '../exit-codes';
import type { CommandContext } from '../context';

/** `jobq enqueue --json`. */
export interface EnqueueJson {
  readonly queue: string;
  readonly id: string;
  readonly name: string;
  /** `false` when `--job-id` named a job that already existed (nothing was written). */
  readonly created: boolean;
  /** Run-at of a delayed job, ms; `null` to run now. */
  readonly runAt: number | null;
}

/** Largest payload file or argument read, bytes. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

interface EnqueueOpts {
  payload?: string;
  payloadFile?: string;
  delay?: number;
  runAt?: Date;
  jobId?: string;
  retries?: number;
}

/** Registers `jobq enqueue`. */
export function enqueueCommand(program: Command, context: (cmd: Command) => CommandContext): void {
  const names = catalogueList.map((c) => `${c.name} (${c.queue})`).join(', ');
  program
    .command('enqueue')
    .description("enqueue one job, validated by its contract; the queue comes from the contract")
    .argument('<job-name>', `a job of the catalogue: ${names}`, jobName)
    .addOption(new Option('--payload <json>', 'the payload as JSON').conflicts('payloadFile'))
    .addOption(new Option('--payload-file <file>', 'read the payload JSON from a file ("-" for stdin)'))
    .addOption(new Option('--delay <ms>', 'run no earlier than this many ms from now').argParser(integer(0, 365 * 86_400_000)).conflicts('runAt'))
    .addOption(new Option('--run-at <iso>', 'run no earlier than this time (ISO 8601)').argParser(isoTime))
    .option('--job-id <id>', 'your own id (enqueueing the same id again creates nothing)', jobId)
    .addOption(new Option('--retries <n>', "attempts after a failure (default: the contract's)").argParser(integer(0, 100)))
    .addHelpText(
      'after',
      `
Every bad field of the payload is named, and nothing is written. Exit 2 for a
bad payload or an unknown job name.

Examples:
  $ jobq enqueue email.send --payload '{"to":"ana@example.com","subject":"Hi","text":"Hello"}'
  $ jobq enqueue report.generate --payload-file report.json --delay 60000
  $ jobq enqueue email.send --payload-file - --job-id welcome-ana --json < email.json`,
    )
    .action(async (name: string, opts: EnqueueOpts, cmd: Command) => {
      const contract = findContract(name);
      if (!contract) throw CliError.usage(`unknown job "${name}" (jobs: ${catalogueList.map((c) => c.name).join(', ')})`);
      const ctx = context(cmd);
      const payload = await readPayload(opts, ctx.process.stdin);
      const options: EnqueueOptions = {
        ...(opts.jobId !== undefined && { jobId: opts.jobId }),
        ...(opts.delay !== undefined && { delayMs: opts.delay }),
        ...(opts.runAt !== undefined && { runAt: opts.runAt }),
        ...(opts.retries !== undefined && { retries: opts.retries }),
      };
      const session = await ctx.session();
      const client = await session.producer();
      const job = await withDeadline(client.enqueue(contract, payload as never, options), ctx.config.timeoutMs, opts.jobId);
      const runAt = opts.runAt ? opts.runAt.getTime() : opts.delay !== undefined && opts.delay > 0 ? Date.now() + opts.delay : null;
      const result: EnqueueJson = { queue: contract.queue, id: job.id, name: contract.name, created: job.created, runAt };
      const { out } = ctx;
      if (out.config.json) return out.json(result);
      if (!job.created) return out.line(`Job ${job.id} already exists on ${contract.queue}; nothing was enqueued.`);
      out.line(`Enqueued ${contract.name} as job ${out.c.bold(job.id)} on ${contract.queue}${runAt ? ` (runs at ${new Date(runAt).toISOString()})` : ''}.`);
    });
}

/**
 * The producer's connection waits for Redis to come back rather than fail a
 * write, so the CLI bounds the enqueue itself and says what is known.
 */
async function withDeadline<T>(work: Promise<T>, timeoutMs: number, jobId: string | undefined): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const retry = jobId ? `running it again with --job-id ${jobId} is safe` : 'pass --job-id next time so that running it again is safe';
      reject(new CliError('REDIS_UNAVAILABLE', `Redis did not answer the enqueue within ${timeoutMs} ms; the job may or may not have been written (${retry})`, EXIT.redisUnavailable));
    }, timeoutMs);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function readPayload(opts: EnqueueOpts, stdin: NodeJS.ReadableStream): Promise<unknown> {
  if (opts.payload === undefined && opts.payloadFile === undefined) throw CliError.usage('give the payload with --payload JSON or --payload-file FILE');
  let text: string;
  let source: string;
  if (opts.payload !== undefined) {
    text = opts.payload;
    source = '--payload';
  } else {
    const file = opts.payloadFile ?? '-';
    source = file === '-' ? 'stdin' : `--payload-file ${file}`;
    try {
      text = file === '-' ? await readStdin(stdin, source) : await readFile(file, 'utf8');
    } catch (err) {
      if (err instanceof CliError) throw err;
      throw CliError.usage(`cannot read ${source}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) throw CliError.usage(`${source} is over ${MAX_PAYLOAD_BYTES / 1024 / 1024} MB`);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw CliError.usage(`${source} is not valid JSON: ${(err as Error).message}`);
  }
}

async function readStdin(stdin: NodeJS.ReadableStream, source: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += b.length;
    if (size > MAX_PAYLOAD_BYTES) throw CliError.usage(`${source} is over ${MAX_PAYLOAD_BYTES / 1024 / 1024} MB`);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}
