import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { defineJob, z } from '@jobq/job-defs';
import { waitFor } from '@jobq/testing';
import {
  CrossQueueDependencyError,
  ParentFailedError,
  ParentNotFoundError,
  QueueAdmin,
  QueueInspector,
  UnrecoverableError,
  handle,
  parseJobEvents,
  queueKeys,
  type JobEvent,
} from '../src';
import { crash, echo, highJob } from './contracts';
import { queueSuite, REDIS_URL } from './helpers';

/** A job that fails at once when asked to (no retries), else returns its input. */
const step = defineJob({
  name: 'test.step',
  queue: 'test_main',
  description: 'A step of a dependency chain',
  payload: z.object({ n: z.number().int(), fail: z.boolean().optional(), failTimes: z.number().int().optional() }),
  result: z.object({ n: z.number().int(), parents: z.array(z.string()), sum: z.number() }),
  defaults: { retries: 0, timeoutMs: 10_000 },
});

const afterCrash = defineJob({
  name: 'test.after-crash',
  queue: 'test_crash',
  description: 'Runs after a crash-test job',
  payload: z.object({}),
  result: z.object({ parentBy: z.string() }),
});

describe('job dependencies', () => {
  const s = queueSuite('deps', { stallIntervalMs: 1_000 });
  const k = () => queueKeys(s.config.prefix, 'test_main');

  /** Handler of `step`: fails when asked, else sums its `step` parents' results. */
  function stepHandler(runs: Map<string, number>, attempts = new Map<string, number>()) {
    return handle(step, async (p, ctx) => {
      runs.set(ctx.id, (runs.get(ctx.id) ?? 0) + 1);
      const n = (attempts.get(ctx.id) ?? 0) + 1;
      attempts.set(ctx.id, n);
      if (p.fail) throw new UnrecoverableError(`step ${p.n} fails`);
      if (p.failTimes !== undefined && n <= p.failTimes) throw new Error(`attempt ${n} fails`);
      const results = await ctx.parentResults(step);
      return { n: p.n, parents: [...ctx.parents], sum: [...results.values()].reduce((a, r) => a + r.n, 0) };
    });
  }

  it('a child stays deferred until all its parents succeeded, then runs once and reads their typed results', async () => {
    const a = await s.client.enqueue(step, { n: 1 }, { jobId: 'a' });
    const b = await s.client.enqueue(step, { n: 2 }, { jobId: 'b' });
    const child = await s.client.enqueue(step, { n: 10 }, { jobId: 'child', dependsOn: [a, 'b'] });
    expect(await child.status()).toBe('deferred');
    expect(await s.redis.zscore(k().deferred, 'child')).not.toBeNull();
    expect(await s.redis.lrange(k().waiting, 0, -1)).not.toContain('child');
    const inspector = new QueueInspector(s.redis, s.config.prefix);
    expect((await inspector.counts(['test_main']))[0]).toMatchObject({ waiting: 2, deferred: 1 });
    expect((await inspector.listJobs('test_main', 'deferred')).jobs.map((j) => j.id)).toEqual(['child']);

    const runs = new Map<string, number>();
    await s.startWorker([
      stepHandler(runs),
    ]);
    await expect(child.result({ timeoutMs: 10_000 })).resolves.toEqual({ n: 10, parents: ['a', 'b'], sum: 3 });
    expect(runs.get('child')).toBe(1);
    expect(await b.status()).toBe('succeeded');
    expect(await s.redis.zcard(k().deferred)).toBe(0);
    expect(await s.redis.exists(k().deps('child'))).toBe(0);
    // The child became waiting only after its last parent succeeded.
    const entries = await s.redis.xrange(k().events, '-', '+');
    const events = entries.flatMap(([id, fields]) => parseJobEvents('test_main', id, fields)).filter((e: JobEvent) => ['a', 'b', 'child'].includes(e.id));
    const order = events.map((e: JobEvent) => `${e.id}:${e.event}`);
    expect(order.indexOf('child:deferred')).toBeLessThan(order.indexOf('a:succeeded'));
    expect(order.indexOf('child:waiting')).toBeGreaterThan(order.indexOf('a:succeeded'));
    expect(order.indexOf('child:waiting')).toBeGreaterThan(order.indexOf('b:succeeded'));
    // The job page data: parents and children with their states.
    const deps = await inspector.dependencies('test_main', 'child');
    expect(deps).toMatchObject({ parentsTotal: 2, pendingParents: 0, parents: [{ id: 'a', state: 'succeeded' }, { id: 'b', state: 'succeeded' }] });
    expect(await inspector.dependencies('test_main', 'a')).toMatchObject({ childrenTotal: 1, children: [{ id: 'child', state: 'succeeded' }] });
  }, 20_000);

  it('a parent that already succeeded counts as done: the child waits at once', async () => {
    await s.startWorker([stepHandler(new Map())]);
    const a = await s.client.enqueue(step, { n: 5 });
    await a.result({ timeoutMs: 5_000 });
    const child = await s.client.enqueue(step, { n: 1 }, { dependsOn: [a.id] });
    await expect(child.result({ timeoutMs: 5_000 })).resolves.toEqual({ n: 1, parents: [a.id], sum: 5 });
  });

  it('a parent that fails for good fails its child naming the parent, and the grandchild after it', async () => {
    const parent = await s.client.enqueue(step, { n: 1, fail: true }, { jobId: 'p' });
    const child = await s.client.enqueue(step, { n: 2 }, { jobId: 'c', dependsOn: ['p'] });
    const grandchild = await s.client.enqueue(step, { n: 3 }, { jobId: 'g', dependsOn: ['c'] });
    const other = await s.client.enqueue(step, { n: 4 }, { jobId: 'o' });
    const runs = new Map<string, number>();
    await s.startWorker([stepHandler(runs)]);
    await expect(parent.result({ timeoutMs: 5_000 })).rejects.toMatchObject({ code: 'JOBQ_JOB_FAILED' });
    await expect(child.result({ timeoutMs: 5_000 })).rejects.toMatchObject({ failureCode: 'JOBQ_PARENT_FAILED', message: expect.stringContaining('parent job p failed for good') });
    await expect(grandchild.result({ timeoutMs: 5_000 })).rejects.toMatchObject({
      failureCode: 'JOBQ_PARENT_FAILED',
      message: expect.stringContaining('parent job c failed because its own parent job p failed for good'),
    });
    await other.result({ timeoutMs: 5_000 });
    expect(runs.has('c')).toBe(false);
    expect(runs.has('g')).toBe(false);
    expect(await s.redis.zcard(k().deferred)).toBe(0);
    expect(await s.redis.zscore(k().index('failed'), 'g')).not.toBeNull();
    expect(await s.redis.hget(k().run('g'), 'failedParent')).toBe('c');
    // Enqueuing a new child of a failed parent is refused (nothing written).
    const refused = await s.client.enqueue(step, { n: 9 }, { jobId: 'late', dependsOn: ['p'] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ParentFailedError);
    expect(refused).toMatchObject({ code: 'JOBQ_PARENT_FAILED', parentId: 'p' });
    expect(await s.redis.hexists(k().jobs, 'late')).toBe(0);
  });

  it('parent retries do not affect the child: a parent that fails, retries and succeeds releases it', async () => {
    const parent = await s.client.enqueue(step, { n: 7, failTimes: 2 }, { retries: 3, backoff: { strategy: 'fixed', delayMs: 50 } });
    const child = await s.client.enqueue(step, { n: 1 }, { dependsOn: [parent] });
    const runs = new Map<string, number>();
    const retried: string[] = [];
    const w = await s.startWorker([stepHandler(runs)]);
    w.on('job:finished', (e) => {
      if (e.id === parent.id && e.outcome === 'retrying') retried.push(e.id);
      if (e.id === parent.id && e.outcome === 'retrying') void child.status().then((st) => retried.push(st));
    });
    await expect(child.result({ timeoutMs: 10_000 })).resolves.toEqual({ n: 1, parents: [parent.id], sum: 7 });
    expect(runs.get(parent.id)).toBe(3);
    expect(runs.get(child.id)).toBe(1);
    expect(retried.filter((r) => r !== parent.id)).toEqual(['deferred', 'deferred']);
  });

  it('bulk: items may depend on earlier items of the same call and on existing jobs; a bad item writes nothing', async () => {
    const existing = await s.client.enqueue(step, { n: 100 }, { jobId: 'x' });
    const handles = await s.client.enqueueMany(step, [
      { payload: { n: 1 }, options: { jobId: 'b1' } },
      { payload: { n: 2 }, options: { jobId: 'b2', dependsOn: ['b1'] } },
      { payload: { n: 3 }, options: { jobId: 'b3', dependsOn: ['b1', 'b2', existing] } },
    ]);
    expect(await Promise.all(handles.map((h) => h.status()))).toEqual(['waiting', 'deferred', 'deferred']);

    // A later item, an unknown id or the item itself are not parents: refused, nothing written.
    for (const [dependsOn, bad] of [[['n2'], 'n2'], [['nope'], 'nope'], [['n1'], 'n1']] as const) {
      const err = await s.client
        .enqueueMany(step, [
          { payload: { n: 1 }, options: { jobId: 'n1', dependsOn: bad === 'n1' ? [...dependsOn] : [] } },
          { payload: { n: 2 }, options: { jobId: 'n0', dependsOn: bad === 'n1' ? [] : [...dependsOn] } },
          { payload: { n: 3 }, options: { jobId: 'n2' } },
        ])
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ParentNotFoundError);
      expect(err).toMatchObject({ code: 'JOBQ_PARENT_NOT_FOUND', parentId: bad, item: bad === 'n1' ? 0 : 1 });
      expect((err as Error).message).toContain(`Item ${bad === 'n1' ? 0 : 1}: parent job "${bad}"`);
      expect(await s.redis.hmget(k().jobs, 'n0', 'n1', 'n2')).toEqual([null, null, null]);
    }

    await s.startWorker([stepHandler(new Map())]);
    await expect(handles[2].result({ timeoutMs: 5_000 })).resolves.toEqual({ n: 3, parents: ['b1', 'b2', 'x'], sum: 103 });
  });

  it('bulk over several batches: a bad parent of a late item is refused before the first batch is written', async () => {
    const items = Array.from({ length: 1_500 }, (_, i) => ({ payload: { n: i }, options: { jobId: `m${i}`, ...(i === 1_400 ? { dependsOn: ['m3', 'gone'] } : {}) } }));
    const err = await s.client.enqueueMany(step, items).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'JOBQ_PARENT_NOT_FOUND', parentId: 'gone', item: 1_400 });
    expect(await s.redis.hlen(k().jobs)).toBe(0);
  });

  it('idempotent re-enqueue of a child adds no edge and no second job', async () => {
    await s.client.enqueue(step, { n: 1 }, { jobId: 'p1' });
    await s.client.enqueue(step, { n: 2 }, { jobId: 'p2' });
    const first = await s.client.enqueue(step, { n: 3 }, { jobId: 'kid', dependsOn: ['p1'] });
    const again = await s.client.enqueue(step, { n: 3 }, { jobId: 'kid', dependsOn: ['p1', 'p2', 'unknown-is-not-looked-at'] });
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(await s.redis.lrange(k().parents('kid'), 0, -1)).toEqual(['p1']);
    expect(await s.redis.smembers(k().deps('kid'))).toEqual(['p1']);
    expect(await s.redis.scard(k().children('p2'))).toBe(0);
    expect(await s.redis.zcard(k().deferred)).toBe(1);
  });

  it('refuses unknown parents, itself, other queues and malformed lists, writing nothing', async () => {
    await expect(s.client.enqueue(step, { n: 1 }, { jobId: 'solo', dependsOn: ['missing'] })).rejects.toMatchObject({
      code: 'JOBQ_PARENT_NOT_FOUND',
      item: null,
      message: expect.stringContaining('parent job "missing" does not exist on queue "test_main"'),
    });
    // A job cannot depend on itself (it does not exist yet), so no cycle can be made.
    await expect(s.client.enqueue(step, { n: 1 }, { jobId: 'self', dependsOn: ['self'] })).rejects.toBeInstanceOf(ParentNotFoundError);
    const other = await s.client.enqueue(highJob, { i: 1 });
    const cross = await s.client.enqueue(step, { n: 1 }, { dependsOn: [other] }).catch((e: unknown) => e);
    expect(cross).toBeInstanceOf(CrossQueueDependencyError);
    expect((cross as Error).message).toContain('queue "test_main" cannot depend on job "1" of queue "test_high"');
    await expect(s.client.enqueueMany(step, [{ payload: { n: 1 } }, { payload: { n: 2 }, options: { dependsOn: [{ queue: 'test_high', id: '1' }] } }])).rejects.toMatchObject({
      code: 'JOBQ_CROSS_QUEUE_DEPENDENCY',
      message: expect.stringContaining('Item 1:'),
    });
    await expect(s.client.enqueue(step, { n: 1 }, { dependsOn: 'a' as never })).rejects.toMatchObject({ code: 'JOBQ_INVALID_ARGUMENT' });
    await expect(s.client.enqueue(step, { n: 1 }, { dependsOn: ['bad id'] })).rejects.toMatchObject({ code: 'JOBQ_INVALID_ARGUMENT' });
    expect(await s.redis.hlen(k().jobs)).toBe(0);
  });

  it('removing a parent a child waits on fails the child naming it; removing a deferred child leaves no edge', async () => {
    await s.client.enqueue(step, { n: 1 }, { jobId: 'rp' });
    await s.client.enqueue(step, { n: 2 }, { jobId: 'rq' });
    const child = await s.client.enqueue(step, { n: 3 }, { jobId: 'rc', dependsOn: ['rp'] });
    await s.client.enqueue(step, { n: 4 }, { jobId: 'rd', dependsOn: ['rq'] });
    const admin = new QueueAdmin(s.redis, s.config.prefix);
    await admin.removeJob('test_main', 'rp');
    await expect(child.result({ timeoutMs: 2_000 })).rejects.toMatchObject({ failureCode: 'JOBQ_PARENT_FAILED', message: expect.stringContaining('parent job rp was removed') });
    await admin.removeJob('test_main', 'rd');
    expect(await s.redis.zcard(k().deferred)).toBe(0);
    expect(await s.redis.scard(k().children('rq'))).toBe(0);
    expect(await s.redis.exists(k().deps('rd'), k().parents('rd'), k().children('rp'))).toBe(0);
    // Emptying the deferred state works the same way.
    await s.client.enqueue(step, { n: 5 }, { jobId: 're', dependsOn: ['rq'] });
    expect(await admin.emptyState('test_main', 'deferred')).toBe(1);
    expect(await s.redis.exists(k().deps('re'), k().parents('re'))).toBe(0);
    expect(await s.redis.scard(k().children('rq'))).toBe(0);
  });

  it('a child reads typed results of a parent by id; a non-parent or a job of another contract is refused', async () => {
    const a = await s.client.enqueue(echo, { n: 41 });
    const b = await s.client.enqueue(step, { n: 1 });
    const reader = defineJob({
      name: 'test.reader',
      queue: 'test_main',
      description: 'Reads its parents',
      payload: z.object({ a: z.string(), b: z.string() }),
      result: z.object({ n: z.number(), notParent: z.string(), mismatch: z.string() }),
      defaults: { retries: 0 },
    });
    const child = await s.client.enqueue(reader, { a: a.id, b: b.id }, { dependsOn: [a, b] });
    await s.startWorker([
      handle(echo, (p) => ({ n: p.n, by: 'echo' })),
      stepHandler(new Map()),
      handle(reader, async (p, ctx) => {
        const r = await ctx.parentResult(echo, p.a); // typed: { n: number; by: string }
        const codeOf = (promise: Promise<unknown>) => promise.then(() => 'resolved', (e: Error & { code?: string }) => e.code ?? '');
        const notParent = await codeOf(ctx.parentResult(echo, 'zzz'));
        const mismatch = await codeOf(ctx.parentResult(echo, p.b));
        return { n: r.n + 1, notParent, mismatch };
      }),
    ]);
    await expect(child.result({ timeoutMs: 5_000 })).resolves.toEqual({ n: 42, notParent: 'JOBQ_PARENT_RESULT_UNAVAILABLE', mismatch: 'JOBQ_CONTRACT_MISMATCH' });
  });

  it('a parent result that is gone fails the child at once (no retries): removing a finished parent only drops its edges', async () => {
    const runs = new Map<string, number>();
    await s.startWorker([stepHandler(runs)]);
    const done = await s.client.enqueue(step, { n: 1 }, { jobId: 'done' });
    await done.result({ timeoutMs: 5_000 });
    const later = await s.client.enqueue(step, { n: 2 }, { jobId: 'later', delayMs: 60_000 });
    const child = await s.client.enqueue(step, { n: 3 }, { jobId: 'orphan', dependsOn: ['done', later], retries: 3 });
    const admin = new QueueAdmin(s.redis, s.config.prefix);
    await admin.removeJob('test_main', 'done');
    expect(await child.status()).toBe('deferred');
    await admin.promoteJob('test_main', 'later');
    await expect(child.result({ timeoutMs: 5_000 })).rejects.toMatchObject({ failureCode: 'JOBQ_PARENT_RESULT_UNAVAILABLE', message: expect.stringContaining('parent job "done"') });
    expect(runs.get('orphan')).toBe(1);
  });

  it('fan-in: one child of 2,000 parents (enqueued in bulk) runs exactly once, after all of them', async () => {
    const parents = await s.client.enqueueMany(
      step,
      Array.from({ length: 2_000 }, (_, i) => ({ payload: { n: 1 }, options: { jobId: `f${i}` } })),
    );
    const child = await s.client.enqueue(step, { n: 0 }, { jobId: 'fan', dependsOn: parents });
    expect(await s.redis.scard(k().deps('fan'))).toBe(2_000);
    const runs = new Map<string, number>();
    await s.startWorker([stepHandler(runs)], { concurrency: 20 });
    await s.startWorker([stepHandler(runs)], { concurrency: 20 });
    const result = await child.result({ timeoutMs: 60_000 });
    expect(result.sum).toBe(2_000);
    expect(result.parents).toHaveLength(2_000);
    expect(runs.get('fan')).toBe(1);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(runs.size).toBe(2_001);
  }, 90_000);

  it('a deferred job can be canceled; a canceled parent fails its deferred children, naming it', async () => {
    const parent = await s.client.enqueue(step, { n: 1 }, { jobId: 'cp', delayMs: 60_000 });
    const child = await s.client.enqueue(step, { n: 2 }, { jobId: 'cc', dependsOn: [parent] });
    const grandchild = await s.client.enqueue(step, { n: 3 }, { jobId: 'cg', dependsOn: [child] });
    const other = await s.client.enqueue(step, { n: 4 }, { jobId: 'co', dependsOn: [parent] });
    // Canceling a deferred job: it leaves the deferred index at once.
    expect(await other.cancel()).toEqual({ state: 'canceled', from: 'deferred' });
    expect(await other.status()).toBe('canceled');
    expect(await s.redis.zscore(k().deferred, 'co')).toBeNull();
    expect(await s.redis.exists(k().deps('co'))).toBe(0);
    // Canceling the parent fails the children still waiting for it, down the chain.
    expect(await parent.cancel()).toEqual({ state: 'canceled', from: 'delayed' });
    expect(await child.status()).toBe('failed');
    expect(await grandchild.status()).toBe('failed');
    const run = await s.redis.hgetall(k().run('cc'));
    expect(run).toMatchObject({ errorCode: 'JOBQ_PARENT_FAILED', failedParent: 'cp' });
    expect(run['error']).toContain('parent job cp was canceled');
    expect(await other.status()).toBe('canceled');
    expect(await s.redis.zcard(k().deferred)).toBe(0);
    // Counts of several queues in one call: each state lands on its own queue and field.
    // A new child of a canceled parent could never run: refused, nothing written.
    await expect(s.client.enqueue(step, { n: 5 }, { jobId: 'cl', dependsOn: ['cp'] })).rejects.toMatchObject({ code: 'JOBQ_PARENT_FAILED', parentId: 'cp', message: expect.stringContaining('was canceled') });
    expect(await s.redis.hexists(k().jobs, 'cl')).toBe(0);
    const pending = await s.client.enqueue(step, { n: 6 }, { jobId: 'pp', delayMs: 60_000 });
    await s.client.enqueue(step, { n: 7 }, { jobId: 'pc', dependsOn: [pending] });
    const inspector = new QueueInspector(s.redis, s.config.prefix);
    const [empty, main] = await inspector.counts(['test_empty', 'test_main']);
    expect(empty).toEqual({ queue: 'test_empty', waiting: 0, active: 0, delayed: 0, succeeded: 0, failed: 0, canceled: 0, deferred: 0 });
    expect(main).toEqual({ queue: 'test_main', waiting: 0, active: 0, delayed: 1, succeeded: 0, failed: 2, canceled: 2, deferred: 1 });
  });
});

describe('job dependencies survive a crashed worker', () => {
  const s = queueSuite('deps-crash');
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  it('parent\'s worker killed mid-job -> stall recovery -> parent reruns elsewhere -> child runs exactly once', async () => {
    const k = queueKeys(s.config.prefix, 'test_crash');
    const victim = spawn(process.execPath, [join(__dirname, 'fixtures/child-worker.cjs')], {
      env: { ...process.env, REDIS_URL, PREFIX: s.config.prefix, NAME: 'victim' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(victim);
    const parent = await s.client.enqueue(crash, { ms: 60_000 });
    const child = await s.client.enqueue(afterCrash, {}, { dependsOn: [parent] });
    await waitFor(async () => (await s.redis.hget(k.run(parent.id), 'worker')) === 'victim', 10_000, 'victim to take the parent');
    victim.kill('SIGKILL');
    await new Promise((r) => victim.once('exit', r));
    expect(await child.status()).toBe('deferred');
    let childRuns = 0;
    await s.startWorker(
      [
        handle(crash, () => ({ waited: 0, by: 'rescuer' })),
        handle(afterCrash, async (_p, ctx) => {
          childRuns += 1;
          return { parentBy: (await ctx.parentResult(crash, ctx.parents[0])).by };
        }),
      ],
      { stallIntervalMs: 500, heartbeatMs: 100 },
    );
    await expect(child.result({ timeoutMs: 15_000 })).resolves.toEqual({ parentBy: 'rescuer' });
    expect(childRuns).toBe(1);
    expect(await s.redis.hget(k.run(parent.id), 'stalls')).toBe('1');
  }, 40_000);

  it('a parent failed by the stall limit fails its deferred child in the same call', async () => {
    const k = queueKeys(s.config.prefix, 'test_crash');
    const parent = await s.client.enqueue(crash, { ms: 0 });
    const child = await s.client.enqueue(afterCrash, {}, { dependsOn: [parent] });
    // MAX_STALLS=0: the first crash fails the job for good (the next worker's stall check does it).
    for (let i = 0; i < 4 && (await s.redis.hget(k.run(parent.id), 'state')) !== 'failed'; i += 1) {
      const w = spawn(process.execPath, [join(__dirname, 'fixtures/child-worker.cjs')], {
        env: { ...process.env, REDIS_URL, PREFIX: s.config.prefix, NAME: `suicidal-${i}`, MODE: 'suicide', MAX_STALLS: '0', STALL_MS: '300' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(w);
      await Promise.race([new Promise((r) => w.once('exit', r)), new Promise((r) => setTimeout(r, 3_000))]);
      if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 400));
    }
    await expect(parent.result({ timeoutMs: 10_000 })).rejects.toMatchObject({ failureCode: 'JOBQ_JOB_STALLED' });
    await expect(child.result({ timeoutMs: 5_000 })).rejects.toMatchObject({ failureCode: 'JOBQ_PARENT_FAILED', message: expect.stringContaining(`parent job ${parent.id} failed for good (stall limit)`) });
    expect(await s.redis.zcard(k.deferred)).toBe(0);
  }, 60_000);
});
