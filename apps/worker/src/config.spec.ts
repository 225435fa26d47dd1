import { DEV_WEBHOOK_SECRET, loadWorkerConfig, WorkerConfigError } from './config';

const self = { hostname: 'box', pid: 42, cwd: '/srv/app' };
const load = (env: NodeJS.ProcessEnv) => loadWorkerConfig(env, self);

function errorOf(env: NodeJS.ProcessEnv): WorkerConfigError {
  try {
    load(env);
  } catch (err) {
    if (err instanceof WorkerConfigError) return err;
    throw err;
  }
  throw new Error('expected WorkerConfigError');
}

describe('loadWorkerConfig', () => {
  it('gives every setting a default', () => {
    const c = load({});
    expect(c.connection.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.connection.prefix).toBe('jobq');
    expect(c.queues).toEqual(['high_priority', 'low_priority']);
    expect(c.concurrency).toBe(4);
    expect(c.name).toBe('worker@box:42');
    expect(c.graceMs).toBe(25_000);
    expect(c.logLevel).toBe('info');
    expect(c.outboxDir).toBe('/srv/app/outbox');
    expect(c.webhookSecret).toBe(DEV_WEBHOOK_SECRET);
    expect(c.webhookSecretIsDefault).toBe(true);
    expect(c.webhookAllowHosts).toBeUndefined();
    expect(c.stallIntervalMs).toBeUndefined();
    expect(c.heartbeatMs).toBeUndefined();
  });

  it('reads every variable', () => {
    const c = load({
      REDIS_URL: 'redis://10.0.0.5:6380/2',
      JOBQ_PREFIX: 'staging',
      WORKER_QUEUES: ' low_priority , high_priority ',
      WORKER_CONCURRENCY: '8',
      WORKER_NAME: 'w-1',
      WORKER_GRACE_MS: '1000',
      WORKER_STALL_INTERVAL_MS: '500',
      WORKER_HEARTBEAT_MS: '200',
      WORKER_REGISTRY_TTL_MS: '1500',
      WORKER_MAX_STALLS: '3',
      WORKER_MAX_FINISHED_JOBS: '5000',
      LOG_LEVEL: 'debug',
      OUTBOX_DIR: '/var/mail/out',
      WEBHOOK_SECRET: 'a-very-long-secret-value',
      WEBHOOK_ALLOW_HOSTS: 'hooks.example.com, 127.0.0.1',
    });
    expect(c).toMatchObject({
      connection: { redisUrl: 'redis://10.0.0.5:6380/2', prefix: 'staging' },
      queues: ['low_priority', 'high_priority'],
      concurrency: 8,
      name: 'w-1',
      graceMs: 1000,
      stallIntervalMs: 500,
      heartbeatMs: 200,
      registryTtlMs: 1500,
      maxStalls: 3,
      maxFinishedJobs: 5000,
      logLevel: 'debug',
      outboxDir: '/var/mail/out',
      webhookSecret: 'a-very-long-secret-value',
      webhookSecretIsDefault: false,
      webhookAllowHosts: ['hooks.example.com', '127.0.0.1'],
    });
  });

  it('treats empty variables as unset', () => {
    expect(load({ WORKER_CONCURRENCY: '', REDIS_URL: '', LOG_LEVEL: '' })).toMatchObject({ concurrency: 4, logLevel: 'info' });
  });

  it('names the worker after the supervisord process', () => {
    expect(load({ SUPERVISOR_PROCESS_NAME: 'worker-03' }).name).toBe('worker-03@box:42');
  });

  it('puts the outbox under /tmp when the working directory is /', () => {
    expect(loadWorkerConfig({}, { ...self, cwd: '/' }).outboxDir).toBe('/tmp/jobq-outbox');
  });

  it.each([
    ['WORKER_CONCURRENCY', 'many', 'must be a number'],
    ['WORKER_CONCURRENCY', '0', 'must be at least 1'],
    ['WORKER_CONCURRENCY', '2.5', 'whole number'],
    ['WORKER_GRACE_MS', '30000', 'stopwaitsecs'],
    ['WORKER_QUEUES', 'high_priority,emails', 'queue "emails" has no job in the catalogue'],
    ['WORKER_QUEUES', 'high priority', 'queue "high priority" has no job in the catalogue'],
    ['WORKER_QUEUES', ' , ', 'at least one queue'],
    ['WORKER_QUEUES', 'low_priority,low_priority', 'twice'],
    ['LOG_LEVEL', 'loud', 'must be one of fatal, error, warn, info'],
    ['REDIS_URL', 'http://localhost', 'must be a URL like redis://'],
    ['JOBQ_PREFIX', 'a b', 'letters, digits'],
    ['WEBHOOK_SECRET', 'short', 'at least 8'],
    ['WORKER_NAME', 'has space', 'letters, digits'],
  ])('rejects %s=%s naming the variable', (variable, value, message) => {
    const err = errorOf({ [variable]: value });
    expect(err.message).toContain(`${variable}=${JSON.stringify(value)}`);
    expect(err.message).toContain(message);
  });

  it('reports every bad variable at once', () => {
    const err = errorOf({ WORKER_CONCURRENCY: 'x', LOG_LEVEL: 'loud', REDIS_URL: 'nope' });
    expect(err.message).toMatch(/WORKER_CONCURRENCY=.*\n.*LOG_LEVEL=.*\n.*REDIS_URL=/);
  });

  it('declares the catalogue schedules on the queues it serves, in SCHEDULE_TZ, unless WORKER_SCHEDULES=off', () => {
    expect(load({}).schedules.map((d) => d.name)).toEqual(['nightly-sales-report', 'outbox-prune']);
    expect(load({ SCHEDULE_TZ: 'Asia/Tokyo', OUTBOX_PRUNE_EVERY_MS: '60000' }).schedules.map((d) => d.timing)).toEqual([
      { cron: '0 2 * * *', tz: 'Asia/Tokyo' },
      { every: 60_000 },
    ]);
    expect(load({ WORKER_QUEUES: 'high_priority' }).schedules).toEqual([]);
    expect(load({ WORKER_SCHEDULES: 'off' }).schedules).toEqual([]);
    expect(errorOf({ SCHEDULE_TZ: 'Mars/Base' }).message).toContain('SCHEDULE_TZ="Mars/Base": Schedule "nightly-sales-report": tz "Mars/Base" is not a known IANA time zone');
    expect(errorOf({ WORKER_SCHEDULES: 'maybe' }).message).toContain('WORKER_SCHEDULES="maybe": must be "on" or "off"');
  });
});
