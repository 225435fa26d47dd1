import { defineJob, z } from '@jobq/job-defs';

/** Test contracts on a queue of their own. */
export const echo = defineJob({
  name: 'test.echo',
  queue: 'test_main',
  description: 'Returns its input',
  payload: z.object({ n: z.number().int(), note: z.string().optional() }),
  result: z.object({ n: z.number().int(), by: z.string() }),
  defaults: { retries: 0, timeoutMs: 5_000, keepResultSeconds: 600 },
});

export const flaky = defineJob({
  name: 'test.flaky',
  queue: 'test_main',
  description: 'Fails a given number of times, then succeeds',
  payload: z.object({ failTimes: z.number().int().min(0) }),
  result: z.object({ attempts: z.number().int() }),
  defaults: { retries: 3, backoff: { strategy: 'fixed', delayMs: 200 }, timeoutMs: 5_000 },
});

export const slow = defineJob({
  name: 'test.slow',
  queue: 'test_main',
  description: 'Waits, honouring its abort signal',
  payload: z.object({ ms: z.number().int().min(0) }),
  result: z.object({ waited: z.number() }),
  defaults: { retries: 0, timeoutMs: 60_000 },
});

export const lowJob = defineJob({
  name: 'test.low',
  queue: 'test_low',
  description: 'Low priority work',
  payload: z.object({ i: z.number().int() }),
  result: z.object({ i: z.number().int() }),
});

export const highJob = defineJob({
  name: 'test.high',
  queue: 'test_high',
  description: 'High priority work',
  payload: z.object({ i: z.number().int() }),
  result: z.object({ i: z.number().int() }),
});

/** The contract of the crash fixture's worker (fixtures/child-worker.cjs). */
export const crash = defineJob({
  name: 'test.crash',
  queue: 'test_crash',
  description: 'Crash-test job',
  payload: z.object({ ms: z.number().int() }),
  result: z.object({ waited: z.number(), by: z.string() }),
});
