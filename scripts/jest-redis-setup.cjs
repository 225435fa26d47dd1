// Jest global setup: make sure the suites have a Redis to talk to.
// 1. REDIS_URL (default redis://127.0.0.1:6379) answers PING: use it.
// 2. Otherwise, if `redis-server` is on the PATH, start a private one on a free
//    port (no persistence) and point REDIS_URL at it for this run.
// 3. Otherwise stop with a message that says what to do.
const { spawn, execFileSync } = require('node:child_process');
const net = require('node:net');
const { freePort } = require('./lib/local.cjs');

function ping(url, timeoutMs = 1500) {
  return new Promise((resolve) => {
    let u;
    try {
      u = new URL(url);
    } catch {
      return resolve(false);
    }
    const socket = net.connect({ host: u.hostname || '127.0.0.1', port: Number(u.port || 6379) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => {
      const auth = u.password ? `AUTH ${decodeURIComponent(u.password)}\r\n` : '';
      socket.write(`${auth}PING\r\n`);
    });
    socket.on('data', (buf) => done(buf.toString().includes('PONG')));
  });
}

function hasRedisServer() {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

module.exports = async function globalSetup() {
  const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  if (await ping(url)) {
    process.env.REDIS_URL = url;
    return;
  }
  if (!hasRedisServer()) {
    throw new Error(
      `No Redis answered at ${url} and redis-server is not on the PATH, so the tests have no Redis.\n` +
        'Install redis-server (Debian/Ubuntu: `sudo apt-get install -y redis-server`; `npm test` does it itself ' +
        'when run as root, see scripts/ensure-test-deps.cjs), or start a Redis 7 and set REDIS_URL to it. ' +
        'The fault tests need redis-server on the PATH in any case: they start private ones.',
    );
  }
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
    detached: false,
  });
  globalThis.__JOBQ_TEST_REDIS__ = child;
  const privateUrl = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i += 1) {
    if (await ping(privateUrl, 200)) {
      process.env.REDIS_URL = privateUrl;
      // eslint-disable-next-line no-console
      console.log(`\n[jest] No Redis at ${url}; started a private redis-server on ${privateUrl}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`Started redis-server on port ${port} but it did not answer PING.`);
};
