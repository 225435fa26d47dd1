// Stops the private redis-server that jest-redis-setup.cjs may have started.
module.exports = async function globalTeardown() {
  const child = globalThis.__JOBQ_TEST_REDIS__;
  if (child && child.exitCode === null) child.kill('SIGTERM');
};
