import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { waitFor } from '@jobq/testing';
import { useWorkerFixture } from './support/worker-fixture';

const SCRIPT = join(__dirname, '../../../scripts/start-local.cjs');

describe('scripts/start-local.cjs (npm start)', () => {
  const t = useWorkerFixture('start-local', 'all');

  it('starts N named workers with prefixed output and stops them all on SIGINT', async () => {
    const child = spawn(process.execPath, [SCRIPT, '--workers', '2', '--no-dashboard'], {
      env: { ...process.env, REDIS_URL: t.config.redisUrl, JOBQ_PREFIX: t.config.prefix, OUTBOX_DIR: t.outbox, WORKER_GRACE_MS: '2000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
    createInterface({ input: child.stderr! }).on('line', (l) => lines.push(l));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      // A worker registers in Redis just before it logs that it started, and its output reaches
      // us through the script's pipe: wait for both.
      const startedLine = () => lines.some((l) => l.startsWith('[local-worker-01]') && l.includes('"worker started; waiting for jobs"'));
      await waitFor(async () => (await t.registered()).length === 2 && startedLine(), {
        what: () => `two registered workers and worker 01's start line; output:\n${lines.join('\n')}`,
      });
      expect(await t.registered()).toEqual(['local-worker-01', 'local-worker-02']);

      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(lines.filter((l) => /^\[local-worker-0[12]\] +exited with code 0$/.test(l))).toHaveLength(2);
      expect(lines).toContain('start-local: all stopped.');
      expect(await t.registered()).toEqual([]);
    } finally {
      // Its workers run in process groups of their own: let the script stop them (twice = at once).
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        child.kill('SIGTERM');
        await exited;
      }
    }
  });

  it('refuses a bad worker count', async () => {
    const child = spawn(process.execPath, [SCRIPT, '--workers', 'many'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('must be a whole number from 0 to 99, got "many"');
  });
});
