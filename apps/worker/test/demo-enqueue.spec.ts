import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { queueKeys } from '@jobq/queue-core';
import { useWorkerFixture } from './support/worker-fixture';

const DEMO = join(__dirname, '../dist/demo-enqueue.js');
const run = (args: string[], env: NodeJS.ProcessEnv) =>
  promisify(execFile)(process.execPath, [DEMO, ...args], { env: { ...process.env, ...env } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => err,
  );

describe('demo-enqueue (npm run demo:enqueue)', () => {
  const t = useWorkerFixture('demo', 'all');

  it('enqueues every example job and prints what it enqueued', async () => {
    const { code, stdout } = await run(['--count', '20'], { REDIS_URL: t.config.redisUrl, JOBQ_PREFIX: t.config.prefix });
    expect(code).toBe(0);
    expect(stdout).toMatch(/20 x email\.send +on high_priority +ids 1\.\.20 +will succeed/);
    expect(stdout).toMatch(/3 x email\.send .*\.invalid/);
    expect(stdout).toMatch(/4 x webhook\.deliver .*retry twice, then fail/);
    expect(stdout).toMatch(/5 x report\.generate/);
    expect(stdout).toMatch(/3 x dataset\.export/);
    expect(stdout).toMatch(/1 x dataset\.email-link .*waits \(deferred\) for it, then emails a link to it/);
    expect(stdout).toContain('Enqueued 39 jobs.');
    const high = queueKeys(t.config.prefix, 'high_priority');
    const low = queueKeys(t.config.prefix, 'low_priority');
    expect(await t.redis.hlen(high.jobs)).toBe(29);
    expect(await t.redis.zcard(high.delayed)).toBe(2);
    expect(await t.redis.llen(low.waiting)).toBe(9);
    // The chain's email waits for its export.
    expect(await t.redis.zcard(low.deferred)).toBe(1);
    const [emailId] = await t.redis.zrange(low.deferred, 0, 0);
    expect(await t.redis.smembers(low.deps(emailId))).toHaveLength(1);
  });

  it('rejects a bad --count with the usage', async () => {
    const { code, stderr } = await run(['--count', 'lots'], { REDIS_URL: t.config.redisUrl, JOBQ_PREFIX: t.config.prefix });
    expect(code).toBe(2);
    expect(stderr).toContain('--count must be a whole number');
    expect(stderr).toContain('Usage: npm run demo:enqueue');
  });
});
