import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { useWorkerFixture } from './support/worker-fixture';
import { waitFor } from '@jobq/testing';

const DEMO = join(__dirname, '../dist/demo-enqueue.js');
const run = (env: NodeJS.ProcessEnv) => promisify(execFile)(process.execPath, [DEMO, '--count', '1'], { env: { ...process.env, ...env } });

describe('demo-enqueue says what to do next from the worker registry', () => {
  const t = useWorkerFixture('demo-next');

  it('tells the operator to start workers when none is registered', async () => {
    const { stdout } = await run({ REDIS_URL: t.config.redisUrl, JOBQ_PREFIX: t.config.prefix });
    expect(stdout).toContain('No worker is running for these queues: start workers (npm start)');
  });

  it('does not tell the operator to start workers that are running', async () => {
    t.start('demo-w1');
    await waitFor(async () => (await t.registered()).length === 1, { timeoutMs: 15_000, what: 'the worker to register' });
    const { stdout } = await run({ REDIS_URL: t.config.redisUrl, JOBQ_PREFIX: t.config.prefix });
    expect(stdout).toContain('1 worker is running them; watch the dashboard or `jobq info --watch`.');
    expect(stdout).not.toContain('start workers');
  });
});
