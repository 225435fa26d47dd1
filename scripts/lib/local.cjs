// Small helpers shared by the repo's scripts (benchmarks, jest global setup).
const net = require('node:net');

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Deletes every key under `prefix:` (SCAN + UNLINK, never FLUSHALL); returns how many. */
async function deletePrefix(redis, prefix) {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5000);
    cursor = next;
    for (let i = 0; i < found.length; i += 1000) deleted += await redis.unlink(...found.slice(i, i + 1000));
  } while (cursor !== '0');
  return deleted;
}

/** `require(path)` of a built lib (resolved from scripts/lib/), saying to build first when it is missing. */
function requireBuilt(path) {
  try {
    return require(path);
  } catch (err) {
    if (err.code !== 'MODULE_NOT_FOUND') throw err;
    throw new Error(`${path} is missing: build the libs first (npm run build)`);
  }
}

module.exports = { freePort, deletePrefix, requireBuilt };
