// A private, throw-away redis-server for the benchmarks: loopback only, no
// persistence, on a free port, stopped (SHUTDOWN NOSAVE, then SIGKILL) at the end.
// Benchmarks run against it so that other load on the shared Redis neither skews
// timings nor pollutes INFO commandstats.
const { spawn } = require('node:child_process');
const { Redis } = require('ioredis');
const { freePort } = require('./local.cjs');

/** Servers still running, killed if the benchmark exits early (a crash, Ctrl-C). */
const live = new Set();
process.on('exit', () => {
  for (const child of live) if (child.exitCode === null) child.kill('SIGKILL');
});

/**
 * Starts `redis-server` (from PATH, or $REDIS_SERVER_BIN) on 127.0.0.1:<free port>.
 * @returns {Promise<{ url: string, port: number, version: string, stop: () => Promise<void> }>}
 */
async function startRedisServer() {
  const bin = process.env.REDIS_SERVER_BIN || 'redis-server';
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes', '--loglevel', 'warning'];
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await probe.connect();
      await probe.ping();
      break;
    } catch (err) {
      probe.disconnect();
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`redis-server did not start on port ${port}: ${err.message} ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const info = await probe.info('server');
  probe.disconnect();
  const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  let stopped = false;
  return {
    url,
    port,
    version,
    /** SIGKILL, synchronously (for process 'exit' handlers). */
    kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      const c = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
      c.on('error', () => {});
      await c.call('SHUTDOWN', 'NOSAVE').catch(() => {});
      c.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

module.exports = { startRedisServer };
