import { DashboardConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('applies the defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 9181, host: '0.0.0.0', urlPrefix: '', auth: null, readOnly: false, refreshMs: 2500, logLevel: 'info' });
    expect(c.queue).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379', prefix: 'jobq' });
    expect(c.csrfSecret).toHaveLength(64);
  });

  it('reads every variable', () => {
    const c = loadConfig({
      PORT: '8080',
      DASHBOARD_HOST: '127.0.0.1',
      REDIS_URL: 'redis://:pw@redis:6380/2',
      JOBQ_PREFIX: 'acme',
      DASHBOARD_URL_PREFIX: '/ops/queues/',
      DASHBOARD_USERNAME: 'ops',
      DASHBOARD_PASSWORD: 'secret',
      DASHBOARD_READ_ONLY: 'yes',
      DASHBOARD_REFRESH_MS: '0',
      DASHBOARD_SECRET: 'x'.repeat(40),
      LOG_LEVEL: 'debug',
    });
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', urlPrefix: '/ops/queues', auth: { username: 'ops', password: 'secret' }, readOnly: true, refreshMs: 0, logLevel: 'debug', csrfSecret: 'x'.repeat(40) });
    expect(c.queue.prefix).toBe('acme');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DASHBOARD_READ_ONLY: '' }).port).toBe(9181);
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: '70000', DASHBOARD_READ_ONLY: 'maybe', DASHBOARD_URL_PREFIX: 'no-slash', LOG_LEVEL: 'loud', DASHBOARD_PASSWORD: 'pw' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DashboardConfigError);
    const message = (error as Error).message;
    for (const name of ['PORT', 'DASHBOARD_READ_ONLY', 'DASHBOARD_URL_PREFIX', 'LOG_LEVEL', 'DASHBOARD_PASSWORD']) expect(message).toContain(name);
  });

  it('explains a bad Redis URL or key prefix in terms of the variables', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://localhost' })).toThrow(/REDIS_URL/);
    expect(() => loadConfig({ JOBQ_PREFIX: 'has space' })).toThrow(/JOBQ_PREFIX/);
  });
});
