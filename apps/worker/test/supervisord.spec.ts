import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { exportDataset } from '@jobq/job-defs';
import { requireProgram, waitFor } from '@jobq/testing';
import { WORKER_MAIN } from './support/spawned-worker';
import { useWorkerFixture } from './support/worker-fixture';

const CONF = join(__dirname, '../../../docker/supervisord.conf');

describe('docker/supervisord.conf with a local supervisord', () => {
  const t = useWorkerFixture('supervisord', 'all');
  let dir: string;
  let conf: string;
  let supervisord: ChildProcess | undefined;
  /** supervisord's and the workers' output (a file: /dev/stdout cannot be reopened on a socket, which is what spawn's pipes are). */
  let logFile: string;
  const output = () => readFileSync(logFile, 'utf8');

  const ctl = (...args: string[]) =>
    promisify(execFile)('supervisorctl', ['-c', conf, ...args]).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
    );

  beforeAll(async () => {
    // Not installed: every test here fails saying what to install (never a silent skip).
    requireProgram('supervisord', 'supervisor');
    requireProgram('supervisorctl', 'supervisor');
    dir = await mkdtemp(join(tmpdir(), 'jobq-supervisord-'));
    // The real file, with its socket and pid file moved into a private folder so the
    // test never meets another supervisord.
    const original = await readFile(CONF, 'utf8');
    for (const path of ['/tmp/supervisor.sock', '/tmp/supervisord.pid', 'childlogdir=/tmp']) expect(original).toContain(path);
    conf = join(dir, 'supervisord.conf');
    await writeFile(conf, original.replaceAll('/tmp/supervisor', `${dir}/supervisor`).replace('childlogdir=/tmp', `childlogdir=${dir}`));
  });
  afterAll(async () => {
    if (supervisord && supervisord.exitCode === null) {
      const exited = new Promise((resolve) => supervisord!.once('exit', resolve));
      supervisord.kill('SIGTERM');
      await exited;
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs WORKER_PROCESSES workers that register, and `supervisorctl stop all` drains and deregisters them', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      WORKER_PROCESSES: '3',
      JOBQ_WORKER_MAIN: WORKER_MAIN,
      REDIS_URL: t.config.redisUrl,
      JOBQ_PREFIX: t.config.prefix,
      OUTBOX_DIR: t.outbox,
      WORKER_GRACE_MS: '5000',
    };
    delete env.WORKER_NAME;
    logFile = join(dir, 'output.log');
    const fd = openSync(logFile, 'a');
    supervisord = spawn('supervisord', ['-n', '-c', conf], { env, cwd: dir, stdio: ['ignore', fd, fd] });
    closeSync(fd);

    const live = await waitFor(async () => {
      const list = await t.registry.list();
      return list.length === 3 ? list : null;
    }, {
      timeoutMs: 20_000,
      what: () => `three registered workers; supervisord said:\n${output()}`,
    });
    expect(live.map((w) => w.name)).toEqual([expect.stringMatching(/^worker-01@.+:\d+$/), expect.stringMatching(/^worker-02@/), expect.stringMatching(/^worker-03@/)]);

    const status = await waitFor(async () => {
      const s = await ctl('status');
      return s.code === 0 && (s.stdout.match(/RUNNING/g) ?? []).length === 3 ? s : null;
    }, { timeoutMs: 10_000, what: 'supervisorctl status to show three RUNNING workers' });
    expect(status.stdout).toMatch(/worker:worker-01\s+RUNNING/);

    // A job that is running when supervisord stops the workers finishes first.
    const job = await t.client.enqueue(exportDataset, { dataset: 'supervised', chunks: 10, rowsPerChunk: 10, chunkDelayMs: 100 });
    await waitFor(async () => (await job.progress())?.percent, { what: 'the export to make progress' });
    const stopped = await ctl('stop', 'all');
    expect(stopped.stdout.match(/stopped/g)).toHaveLength(3);
    expect(await job.status()).toBe('succeeded');
    expect(await t.registry.list()).toEqual([]);
    expect((await ctl('status')).stdout.match(/STOPPED/g)).toHaveLength(3);
    expect(output().match(/stopped: worker-0\d \(exit status 0\)/g)).toHaveLength(3);
  });
});
