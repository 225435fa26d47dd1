import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { deletePrefix, testPrefix, TEST_REDIS_URL } from './key-prefix';
import { PrivateRedis } from './private-redis';
import { findProgram, MissingProgramError, requireProgram } from './system-programs';
import { waitFor } from './wait-for';

describe('waitFor', () => {
  it('resolves with the first truthy value', async () => {
    let calls = 0;
    await expect(waitFor(() => (++calls >= 3 ? { calls } : null), { intervalMs: 1 })).resolves.toEqual({ calls: 3 });
  });

  it('names what it waited for when time runs out, in both forms', async () => {
    await expect(waitFor(() => false, { timeoutMs: 30, what: () => 'the moon' })).rejects.toThrow('Timed out after 30 ms waiting for the moon');
    await expect(waitFor(() => 0, 30, 'the sun')).rejects.toThrow('Timed out after 30 ms waiting for the sun');
  });

  it('passes on an error thrown by the check', async () => {
    await expect(waitFor(() => Promise.reject(new Error('broken')))).rejects.toThrow('broken');
  });
});

describe('testPrefix and deletePrefix', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  afterAll(() => redis.disconnect());

  it('makes a fresh prefix per call', () => {
    const a = testPrefix('testing', 'x');
    expect(a).toMatch(/^jobq-test-testing-x-[0-9a-f]{8}$/);
    expect(testPrefix('testing', 'x')).not.toBe(a);
  });

  it('deletes every key under prefix: and nothing else', async () => {
    const prefix = testPrefix('testing', 'delete');
    const sibling = `${prefix}x`; // same leading text, another prefix
    const keys = Array.from({ length: 2_500 }, (_, i) => `${prefix}:k${i}`);
    try {
      await redis.mset(Object.fromEntries([...keys.map((k) => [k, '1']), [`${sibling}:keep`, '1']]));
      expect(await deletePrefix(redis, prefix)).toBe(2_500);
      expect(await redis.exists(...keys.slice(0, 10))).toBe(0);
      expect(await redis.get(`${sibling}:keep`)).toBe('1');
    } finally {
      await redis.del(`${sibling}:keep`, ...keys);
    }
  });
});

describe('PrivateRedis', () => {
  it('keeps its data across a stop and start when persistent, and removes its folder on destroy', async () => {
    const server = await PrivateRedis.start({ persistent: true });
    try {
      const before = new Redis(server.url, { maxRetriesPerRequest: 1 });
      await before.set('k', 'kept');
      const [, dir] = (await before.config('GET', 'dir')) as [string, string];
      await before.quit();
      await server.stop();
      expect(server.running).toBe(false);
      await server.start();
      const after = new Redis(server.url, { maxRetriesPerRequest: 1 });
      expect(await after.get('k')).toBe('kept');
      await after.quit();
      expect(existsSync(dir)).toBe(true);
      await server.destroy();
      expect(existsSync(dir)).toBe(false);
    } finally {
      await server.destroy();
    }
  });

  it('starts empty again after a crash when not persistent', async () => {
    const server = await PrivateRedis.start();
    const redis = new Redis(server.url, { maxRetriesPerRequest: 0, retryStrategy: () => 50 });
    try {
      await redis.set('k', 'lost');
      await server.stop('SIGKILL');
      await server.start();
      await waitFor(async () => (await redis.ping().catch(() => null)) === 'PONG', { timeoutMs: 5_000, what: 'a PONG' });
      expect(await redis.get('k')).toBeNull();
    } finally {
      redis.disconnect();
      await server.destroy();
    }
  });

  it('says what to install when redis-server is missing', async () => {
    const path = process.env['PATH'];
    process.env['PATH'] = '/nonexistent';
    try {
      await expect(PrivateRedis.start()).rejects.toThrow(/redis-server is not installed.*apt-get install -y --no-install-recommends redis-server/);
    } finally {
      process.env['PATH'] = path;
    }
  });
});

describe('requireProgram', () => {
  it('finds programs on the PATH and by absolute path', () => {
    expect(requireProgram('node', 'nodejs')).toMatch(/\/node$/);
    expect(requireProgram(process.execPath, 'nodejs')).toBe(process.execPath);
  });

  it('fails with the package to install', () => {
    expect(findProgram('jobq-no-such-program')).toBeUndefined();
    expect(() => requireProgram('jobq-no-such-program', 'jobq-pkg')).toThrow(MissingProgramError);
    expect(() => requireProgram('/usr/bin/jobq-no-such-program', 'jobq-pkg')).toThrow('Install the Debian/Ubuntu package "jobq-pkg"');
  });
});
