// The built `jobq` binary as a child process against real Redis, under a key
// prefix of its own: output, --json shapes, exit codes, confirmations.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { defineJob, z } from '@jobq/job-defs';
import { handle, parseQueueConfig, QueueAdmin, QueueClient, queueKeys, Worker } from '@jobq/queue-core';
import { deletePrefix, freePort, PrivateRedis, requireProgram, TEST_REDIS_URL as REDIS_URL, testPrefix, waitFor } from '@jobq/testing';
import { Redis } from 'ioredis';
import { assertBuilt, BIN, MAIN, runCli, runCliOnTty } from './run-cli';

const PREFIX = testPrefix('cli');
const QUEUE = 'cli_test';
const config = parseQueueConfig({ redisUrl: REDIS_URL, prefix: PREFIX });
const keys = queueKeys(PREFIX, QUEUE);
const env = { REDIS_URL, JOBQ_PREFIX: PREFIX };
const cli = (...args: string[]) => runCli(args, env);

const testJob = defineJob({
  name: 'test.cli',
  queue: QUEUE,
  description: 'Succeeds, or fails when told to',
  payload: z.object({ n: z.number().int(), fail: z.boolean().optional(), blob: z.string().optional() }),
  result: z.object({ doubled: z.number().int() }),
  defaults: { retries: 0, timeoutMs: 5_000 },
});

let redis: Redis;
let client: QueueClient;
let worker: Worker;
let succeededIds: string[];
let failedIds: string[];

/** A loopback port nothing listens on. */
const closedPort = freePort;

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);

beforeAll(async () => {
  assertBuilt();
  // The terminal tests run the CLI on a pseudo-terminal (util-linux `script`); the fault tests stop a private Redis.
  requireProgram('script', 'bsdutils');
  requireProgram('redis-server', 'redis-server');
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  client = await QueueClient.connect(config);
  worker = new Worker(config, {
    name: 'cli-test-worker',
    queues: [QUEUE],
    heartbeatMs: 300,
    handlers: [
      handle(testJob, async (p) => {
        if (p.fail) throw new Error(`job ${p.n} was told to fail`);
        return { doubled: p.n * 2 };
      }),
    ],
  });
  await worker.start();
  succeededIds = (await client.enqueueMany(testJob, [1, 2, 3].map((n) => ({ payload: { n } })))).map((h) => h.id);
  failedIds = (await client.enqueueMany(testJob, [4, 5].map((n) => ({ payload: { n, fail: true, blob: 'x'.repeat(5_000) } })))).map((h) => h.id);
  await waitFor(async () => (await redis.zcard(keys.index('succeeded'))) === 3 && (await redis.zcard(keys.index('failed'))) === 2, { what: 'the seeded jobs to finish' });
});

afterAll(async () => {
  await worker?.close({ graceMs: 1_000 });
  await client?.close();
  if (redis) {
    await deletePrefix(redis, PREFIX);
    redis.disconnect();
  }
});

describe('help and usage', () => {
  it('prints help with examples and exits 0', async () => {
    const top = await cli('--help');
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('Examples:');
    for (const cmd of ['info', 'workers', 'jobs', 'job', 'find', 'retry', 'remove', 'empty', 'enqueue', 'pause', 'resume', 'cancel', 'limit']) {
      const r = await cli(cmd, '--help');
      expect({ cmd, code: r.code }).toEqual({ cmd, code: 0 });
      expect(r.stdout).toContain('Examples:');
      expect(r.stdout).toContain('--redis-url');
    }
  });

  it('runs through the bin launcher npm links as `jobq`', async () => {
    const r = await runCli(['--version'], env, '', BIN);
    expect(r).toMatchObject({ code: 0, stdout: '0.1.0\n' });
  });

  it('exits 2 with one line for an unknown command, option, state or bad number', async () => {
    for (const args of [['bogus'], ['info', '--bogus'], ['jobs', QUEUE, '--state', 'nope'], ['jobs', QUEUE, '--limit', '0'], ['jobs', 'bad queue!'], ['retry', QUEUE], ['empty', QUEUE]]) {
      const r = await cli(...args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^jobq: /);
    }
    expect((await cli('jobs', QUEUE, '--state', 'nope')).stderr).toContain('waiting, active, delayed, succeeded, failed');
  });

  it('exits 2 for a bad --redis-url, naming the option', async () => {
    const r = await cli('info', '--redis-url', 'http://nope');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--redis-url / REDIS_URL');
  });
});

describe('info and workers', () => {
  it('shows every queue with counts and the workers', async () => {
    const r = await cli('info');
    expect(r.code).toBe(0);
    const row = r.stdout.split('\n').find((l) => l.startsWith(QUEUE));
    expect(row?.split(/\s+/).slice(0, 8)).toEqual([QUEUE, '0', '0', '0', '3', '2', '0', '1']);
    expect(r.stdout).toMatch(/high_priority/);
    expect(r.stdout).toContain('1 worker online (0 busy, 1 idle)');
    expect(r.stdout).not.toContain('\x1b[');
  });

  it('prints the documented JSON', async () => {
    const r = await cli('info', '--json');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(Object.keys(info).sort()).toEqual(['at', 'queues', 'workers']);
    expect(info.queues.find((q: { queue: string }) => q.queue === QUEUE)).toEqual({ queue: QUEUE, waiting: 0, active: 0, delayed: 0, succeeded: 3, failed: 2, canceled: 0, deferred: 0, workers: 1, paused: false, rateLimit: null });
    expect(info.workers).toEqual({ online: 1, busy: 0, idle: 1, quiet: 0, stopping: 0 });
  });

  it('takes --prefix and --redis-url over JOBQ_PREFIX and REDIS_URL', async () => {
    const other = JSON.parse((await cli('info', '--json', '--prefix', `${PREFIX}-other`)).stdout);
    expect(other.queues.map((q: { queue: string }) => q.queue)).toEqual(['high_priority', 'low_priority']);
    expect(other.workers.online).toBe(0);
    const r = await runCli(['info', '--json', '--redis-url', REDIS_URL], { ...env, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).workers.online).toBe(1);
  });

  it('--watch --json prints one document per refresh and stops cleanly on SIGINT', async () => {
    const child = spawn(process.execPath, [MAIN, 'info', '--watch', '--interval', '0.2', '--json'], { env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(async () => out.split('\n').filter(Boolean).length >= 3, 10_000, 'three refreshes');
    const code = await new Promise<number | null>((resolve) => {
      child.on('close', resolve);
      child.kill('SIGINT');
    });
    expect(code).toBe(0);
    for (const line of out.split('\n').filter(Boolean)) expect(JSON.parse(line).workers.online).toBe(1);
  });

  it('--watch rides out a Redis restart: says Redis is unavailable, then goes on', async () => {
    const server = await PrivateRedis.start();
    const child = spawn(process.execPath, [MAIN, 'info', '--watch', '--interval', '0.3', '--json'], { env: { ...process.env, ...env, REDIS_URL: server.url } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const lines = () => out.split('\n').filter(Boolean).length;
    try {
      await waitFor(async () => lines() >= 2, { what: 'two refreshes' });
      await server.stop('SIGKILL');
      await waitFor(async () => /Redis.* is unavailable/.test(err), 10_000, 'the watch to report Redis unavailable');
      const before = lines();
      await server.start();
      await waitFor(async () => lines() >= before + 2, 15_000, 'refreshes after the restart');
      const code = await new Promise<number | null>((resolve) => {
        child.on('close', resolve);
        child.kill('SIGINT');
      });
      expect(code).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await server.destroy();
    }
  });

  it('lists workers with state, counters and heartbeat age', async () => {
    const r = await cli('workers');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^NAME\s+HOST\s+PID\s+QUEUES\s+STATE\s+CURRENT JOB\s+PROCESSED\s+FAILED\s+HEARTBEAT/);
    expect(r.stdout).toMatch(new RegExp(`cli-test-worker\\s+\\S+\\s+${process.pid}\\s+${QUEUE}\\s+idle\\s+-\\s+5\\s+2\\s+\\d+(ms|s) ago`));
    const json = JSON.parse((await cli('workers', '--json')).stdout);
    expect(json.workers).toHaveLength(1);
    expect(Object.keys(json.workers[0]).sort()).toEqual(
      ['concurrency', 'failed', 'heartbeatAgeMs', 'hostname', 'lastHeartbeat', 'name', 'pid', 'processed', 'queues', 'running', 'startedAt', 'state'].sort(),
    );
    expect(json.workers[0]).toMatchObject({ name: 'cli-test-worker', pid: process.pid, queues: [QUEUE], state: 'idle', running: [], processed: 5, failed: 2 });
    expect(json.workers[0].heartbeatAgeMs).toBeLessThan(5_000);
  });
});

describe('jobs and job', () => {
  it('lists a page of failed jobs, newest first, with errors', async () => {
    const r = await cli('jobs', QUEUE, '--state', 'failed');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s*ID\s+NAME\s+FINISHED\s+ATTEMPTS\s+DURATION\s+ERROR/);
    expect(r.stdout).toContain('was told to fail');
    expect(r.stdout).toContain(`failed jobs on ${QUEUE}: 2 · page 1 of 1`);
    const page = JSON.parse((await cli('jobs', QUEUE, '--state', 'failed', '--json')).stdout);
    expect(Object.keys(page).sort()).toEqual(['jobs', 'name', 'nameScan', 'page', 'pageSize', 'pages', 'queue', 'state', 'total']);
    expect(page).toMatchObject({ queue: QUEUE, state: 'failed', page: 1, pageSize: 20, total: 2, pages: 1, name: null, nameScan: null });
    expect(page.jobs.map((j: { id: string }) => j.id)).toEqual([...failedIds].reverse());
    expect(Object.keys(page.jobs[0]).sort()).toEqual(
      ['attempts', 'createdAt', 'durationMs', 'error', 'errorCode', 'finishedAt', 'id', 'name', 'payloadPreview', 'payloadTruncated', 'progress', 'retriesLeft', 'runAt', 'startedAt', 'state', 'worker'].sort(),
    );
    expect(page.jobs[0]).toMatchObject({ name: 'test.cli', state: 'failed', attempts: 1, payloadTruncated: true, worker: 'cli-test-worker' });
  });

  it('pages with --limit and --page and filters by --name', async () => {
    const p2 = JSON.parse((await cli('jobs', QUEUE, '--state', 'succeeded', '--limit', '2', '--page', '2', '--json')).stdout);
    expect(p2).toMatchObject({ page: 2, pageSize: 2, total: 3, pages: 2 });
    expect(p2.jobs.map((j: { id: string }) => j.id)).toEqual([succeededIds[0]]);
    const text = await cli('jobs', QUEUE, '--state', 'succeeded', '--limit', '2');
    expect(text.stdout).toContain(`next: jobq jobs ${QUEUE} --state succeeded --page 2`);
    const none = JSON.parse((await cli('jobs', QUEUE, '--state', 'succeeded', '--name', 'other.job', '--json')).stdout);
    expect(none).toMatchObject({ total: 0, jobs: [], name: 'other.job' });
  });

  it('exits 3 with one line for an unknown queue or job, never a stack', async () => {
    for (const args of [['jobs', 'no_such_queue'], ['job', 'no_such_queue', '1'], ['job', QUEUE, '999999'], ['retry', QUEUE, '999999'], ['remove', 'no_such_queue', '1', '--yes']]) {
      const r = await cli(...args);
      expect({ args, code: r.code }).toEqual({ args, code: 3 });
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      noStack(r.stderr);
    }
    expect((await cli('jobs', 'no_such_queue')).stderr).toBe(`jobq: unknown queue "no_such_queue" (queues: high_priority, low_priority, ${QUEUE})\n`);
    const json = await cli('job', QUEUE, '999999', '--json');
    expect(JSON.parse(json.stderr)).toEqual({ error: { code: 'NOT_FOUND', exitCode: 3, message: expect.stringContaining('"999999"') } });
  });

  it('shows one job whole: payload, error and stack, attempts', async () => {
    const id = failedIds[0];
    const r = await cli('job', QUEUE, id);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Job ${id} on ${QUEUE}: failed`);
    expect(r.stdout).toMatch(/attempts\s+1 \(retries left 0 of 0\)/);
    expect(r.stdout).toContain('x'.repeat(5_000)); // not a terminal: nothing cut
    expect(r.stdout).toContain('job 4 was told to fail');
    expect(r.stdout).toMatch(/stack\n\s+Error: job 4 was told to fail\n\s+at /);
    const job = JSON.parse((await cli('job', QUEUE, id, '--json')).stdout);
    expect(Object.keys(job).sort()).toEqual(
      [
        'attempts', 'children', 'childrenTotal', 'createdAt', 'durationMs', 'error', 'failedParent', 'finishedAt', 'id', 'malformed', 'name', 'parents', 'parentsTotal', 'payload',
        'pendingParents', 'progress', 'queue', 'result', 'retriesLeft', 'retriesTotal', 'runAt', 'stalls', 'startedAt', 'state', 'storedBytes', 'timeoutMs', 'worker',
      ].sort(),
    );
    expect(job).toMatchObject({ id, queue: QUEUE, state: 'failed', name: 'test.cli', payload: { n: 4, fail: true, blob: 'x'.repeat(5_000) }, result: null, attempts: 1, worker: 'cli-test-worker' });
    expect(job.error).toMatchObject({ message: 'job 4 was told to fail', stack: expect.stringContaining('Error: job 4 was told to fail') });
    const ok = JSON.parse((await cli('job', QUEUE, succeededIds[1], '--json')).stdout);
    expect(ok).toMatchObject({ state: 'succeeded', result: { doubled: 4 }, error: null });
  });
});

describe('job dependencies', () => {
  it('shows a job\'s parents and children with their states', async () => {
    const later = await client.enqueue(testJob, { n: 7 }, { delayMs: 60_000, jobId: 'cli-later' });
    const child = await client.enqueue(testJob, { n: 8 }, { jobId: 'cli-child', dependsOn: [succeededIds[0], later] });
    const r = await cli('job', QUEUE, child.id);
    expect(r.stdout).toContain(`Job cli-child on ${QUEUE}: deferred`);
    expect(r.stdout).toMatch(new RegExp(`parents\\s+2 \\(waiting for 1\\): ${succeededIds[0]} succeeded, cli-later delayed`));
    expect((await cli('job', QUEUE, 'cli-later')).stdout).toMatch(/children\s+1: cli-child deferred/);
    const json = JSON.parse((await cli('job', QUEUE, child.id, '--json')).stdout);
    expect(json).toMatchObject({ state: 'deferred', parentsTotal: 2, pendingParents: 1, parents: [{ id: succeededIds[0], state: 'succeeded' }, { id: 'cli-later', state: 'delayed' }], childrenTotal: 0 });
    // Leave the queue as the other tests expect it.
    const admin = new QueueAdmin(redis, PREFIX);
    await admin.removeJob(QUEUE, 'cli-child');
    await admin.removeJob(QUEUE, 'cli-later');
  });
});

describe('find', () => {
  it('finds the queues holding an id, or exits 3', async () => {
    const id = failedIds[1];
    const r = await cli('find', id);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`${QUEUE}\\s+failed\\s+test.cli\\s+jobq job ${QUEUE} ${id}`));
    expect(JSON.parse((await cli('find', id, '--json')).stdout)).toEqual({ id, found: [{ queue: QUEUE, state: 'failed', name: 'test.cli' }] });
    const none = await cli('find', 'no-such-id');
    expect(none).toMatchObject({ code: 3, stderr: 'jobq: no queue holds a job "no-such-id"\n' });
  });
});

describe('enqueue', () => {
  it('enqueues a catalogue job validated by its contract', async () => {
    const r = await cli('enqueue', 'email.send', '--payload', '{"to":"ana@example.com","subject":"Hi","text":"Hello"}', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toEqual({ queue: 'high_priority', id: expect.any(String), name: 'email.send', created: true, runAt: null });
    const job = JSON.parse((await cli('job', 'high_priority', out.id, '--json')).stdout);
    expect(job).toMatchObject({ state: 'waiting', payload: { to: 'ana@example.com', subject: 'Hi', text: 'Hello' } });
  });

  it('takes --payload-file (and - for stdin), --delay, --job-id and --retries', async () => {
    const stdin = await runCli(['enqueue', 'email.send', '--payload-file', '-', '--job-id', 'cli-welcome', '--delay', '60000', '--retries', '5', '--json'], env, '{"to":"bo@example.com","subject":"S","text":"T"}');
    expect(stdin.code).toBe(0);
    expect(JSON.parse(stdin.stdout)).toMatchObject({ id: 'cli-welcome', created: true, runAt: expect.any(Number) });
    const job = JSON.parse((await cli('job', 'high_priority', 'cli-welcome', '--json')).stdout);
    expect(job).toMatchObject({ state: 'delayed', retriesTotal: 5 });
    const again = await cli('enqueue', 'email.send', '--payload', '{"to":"bo@example.com","subject":"S","text":"T"}', '--job-id', 'cli-welcome');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already exists');
    const missing = await cli('enqueue', 'email.send', '--payload-file', '/nonexistent/payload.json');
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot read --payload-file /nonexistent/payload.json: ENOENT') });
  });

  it('names each bad field and writes nothing (exit 2)', async () => {
    const before = JSON.parse((await cli('info', '--json')).stdout).queues.find((q: { queue: string }) => q.queue === 'high_priority');
    const r = await cli('enqueue', 'email.send', '--payload', '{"to":"not-an-email","text":3}');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^jobq: invalid payload for job "email.send"\n/);
    expect(r.stderr).toMatch(/\n {2}to: /);
    expect(r.stderr).toMatch(/\n {2}subject: /);
    expect(r.stderr).toMatch(/\n {2}text: /);
    const json = JSON.parse((await cli('enqueue', 'email.send', '--payload', '{"to":"not-an-email","text":3}', '--json')).stderr);
    expect(json.error.code).toBe('PAYLOAD_INVALID');
    expect(json.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['subject', 'text', 'to']);
    const after = JSON.parse((await cli('info', '--json')).stdout).queues.find((q: { queue: string }) => q.queue === 'high_priority');
    expect(after).toEqual(before);
    for (const args of [['enqueue', 'email.send', '--payload', '{nope'], ['enqueue', 'no.such.job', '--payload', '{}'], ['enqueue', 'email.send'], ['enqueue', 'email.send', '--payload', '{}', '--run-at', 'tomorrow']]) {
      const bad = await cli(...args);
      expect({ args, code: bad.code }).toEqual({ args, code: 2 });
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('retry, remove, empty', () => {
  it('retries one failed job; refuses a job that is not failed (exit 1)', async () => {
    const r = await cli('retry', QUEUE, failedIds[0], '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ queue: QUEUE, id: failedIds[0], retried: 1 });
    // The worker runs it again (it fails again, being told to).
    await waitFor(async () => JSON.parse((await cli('job', QUEUE, failedIds[0], '--json')).stdout).attempts === 2, { what: 'the retried job to run again' });
    const refused = await cli('retry', QUEUE, succeededIds[0]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is not failed');
  });

  it('refuses destructive commands off a terminal without --yes, and runs them with it', async () => {
    for (const args of [['remove', QUEUE, succeededIds[0]], ['empty', QUEUE, '--state', 'failed'], ['retry', QUEUE, '--all']]) {
      const r = await cli(...args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toBe('jobq: refusing to run without confirmation: stdin is not a terminal; pass --yes to confirm\n');
    }
    expect(JSON.parse((await cli('job', QUEUE, succeededIds[0], '--json')).stdout).state).toBe('succeeded');

    const removed = await cli('remove', QUEUE, succeededIds[0], '--yes', '--json');
    expect(removed.code).toBe(0);
    expect(JSON.parse(removed.stdout)).toEqual({ queue: QUEUE, id: succeededIds[0], removed: true });
    expect((await cli('job', QUEUE, succeededIds[0])).code).toBe(3);

    await waitFor(async () => (await redis.zcard(keys.index('failed'))) === 2, { what: 'both jobs failed again' });
    const retried = JSON.parse((await cli('retry', QUEUE, '--all', '--yes', '--json')).stdout);
    expect(retried).toEqual({ queue: QUEUE, id: null, retried: 2 });
    await waitFor(async () => (await redis.zcard(keys.index('failed'))) === 2, { what: 'both jobs failed once more' });

    const emptied = await cli('empty', QUEUE, '--state', 'failed', '--yes', '--json');
    expect(emptied.code).toBe(0);
    expect(JSON.parse(emptied.stdout)).toEqual({ queue: QUEUE, state: 'failed', removed: 2 });
    expect(JSON.parse((await cli('info', '--json')).stdout).queues.find((q: { queue: string }) => q.queue === QUEUE)).toMatchObject({ failed: 0, succeeded: 2 });
    expect((await cli('empty', QUEUE, '--state', 'active', '--yes')).code).toBe(2);
  });
});

describe('Redis unavailable', () => {
  it('says so within a few seconds and exits 69, for every command', async () => {
    const port = await closedPort();
    const down = { ...env, REDIS_URL: `redis://127.0.0.1:${port}` };
    for (const args of [['info'], ['workers', '--json'], ['jobs', QUEUE], ['job', QUEUE, '1'], ['remove', QUEUE, '1', '--yes'], ['enqueue', 'email.send', '--payload', '{"to":"a@example.com","subject":"s","text":"t"}']]) {
      const r = await runCli(args, down);
      expect({ args, code: r.code }).toEqual({ args, code: 69 });
      expect(r.stderr).toContain(`Redis at redis://127.0.0.1:${port}`);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.ms).toBeLessThan(8_000);
      noStack(r.stderr);
    }
  });

  it('gives up on a server that accepts connections but never answers, within --timeout', async () => {
    const sockets: import('node:net').Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as { port: number };
      const r = await runCli(['jobs', QUEUE, '--timeout', '1000'], { ...env, REDIS_URL: `redis://127.0.0.1:${port}` });
      expect(r.code).toBe(69);
      expect(r.stderr).toMatch(/no answer within 1000 ms|did not answer within 1000 ms/);
      expect(r.ms).toBeLessThan(4_000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('bounds an enqueue that Redis does not answer, and says the job may or may not exist', async () => {
    const server = await PrivateRedis.start();
    const admin = new Redis(server.url, { maxRetriesPerRequest: 0 });
    try {
      // Writes (and scripts) wait; PING still answers, so the CLI connects and then hangs on the enqueue.
      await admin.call('CLIENT', 'PAUSE', '10000', 'WRITE');
      const r = await runCli(['enqueue', 'email.send', '--payload', '{"to":"a@example.com","subject":"s","text":"t"}', '--job-id', 'paused-1', '--timeout', '1000'], { ...env, REDIS_URL: server.url });
      expect(r.code).toBe(69);
      expect(r.stderr).toMatch(/^jobq: Redis did not answer the enqueue within 1000 ms; the job may or may not have been written \(running it again with --job-id paused-1 is safe\)\n$/);
      expect(r.ms).toBeLessThan(5_000);
    } finally {
      admin.disconnect();
      await server.destroy();
    }
  });

  it('reports an unreachable Redis as JSON with --json', async () => {
    const down = { ...env, REDIS_URL: `redis://127.0.0.1:${await closedPort()}` };
    const json = await runCli(['info', '--json', '--timeout', '500'], down);
    expect(JSON.parse(json.stderr).error).toMatchObject({ code: 'REDIS_UNAVAILABLE', exitCode: 69 });
    expect(json.ms).toBeLessThan(4_000);
  });
});

describe('on a terminal', () => {
  it('uses colours on a terminal, never with NO_COLOR or off a terminal', async () => {
    const tty = await runCliOnTty(['info'], env);
    expect(tty.code).toBe(0);
    expect(tty.stdout).toContain('\x1b[1m');
    const noColor = await runCliOnTty(['info'], { ...env, NO_COLOR: '1' });
    expect(noColor.code).toBe(0);
    expect(noColor.stdout).toContain(QUEUE);
    expect(noColor.stdout).not.toContain('\x1b[');
  });

  it('info --watch redraws in place on a terminal until Ctrl-C (exit 0)', async () => {
    const r = await runCliOnTty(['info', '--watch', '--interval', '0.3'], { ...env, NO_COLOR: '1' }, '', 2);
    expect(r.code).toBe(0);
    const frames = r.stdout.split('\x1b[H\x1b[2J').slice(1);
    expect(frames.length).toBeGreaterThanOrEqual(2);
    for (const frame of frames) {
      expect(frame).toContain('every 0.3s');
      expect(frame).toContain('Ctrl-C to stop');
      expect(frame).toMatch(new RegExp(`\\n${QUEUE} +\\d`));
    }
  });

  it('cuts long values on a terminal with a note; --full shows them whole', async () => {
    const id = (await client.enqueue(testJob, { n: 9, blob: 'y'.repeat(10_000) }, { delayMs: 600_000 })).id;
    const cut = await runCliOnTty(['job', QUEUE, id], { ...env, NO_COLOR: '1' });
    expect(cut.code).toBe(0);
    expect(cut.stdout).not.toContain('y'.repeat(10_000));
    expect(cut.stdout).toMatch(/… truncated: showing 2,000 of 10,\d{3} characters \(--full or --json for all\)/);
    const full = await runCliOnTty(['job', QUEUE, id, '--full'], { ...env, NO_COLOR: '1' });
    expect(full.stdout.replace(/\s+/g, '')).toContain('y'.repeat(10_000));
  });

  it('asks before removing: "n" aborts (exit 1), "y" removes', async () => {
    const id = (await client.enqueue(testJob, { n: 10 }, { delayMs: 600_000 })).id;
    const no = await runCliOnTty(['remove', QUEUE, id], env, 'n\n');
    expect(no.stdout).toContain(`Remove delayed job ${id} (test.cli) from ${QUEUE}? [y/N]`);
    expect(no.stdout).toContain('aborted: not confirmed');
    expect(no.code).toBe(1);
    expect((await cli('job', QUEUE, id)).code).toBe(0);
    const yes = await runCliOnTty(['remove', QUEUE, id], env, 'y\n');
    expect(yes.code).toBe(0);
    expect(yes.stdout).toContain(`Removed job ${id} from ${QUEUE}.`);
    expect((await cli('job', QUEUE, id)).code).toBe(3);
  });
});
