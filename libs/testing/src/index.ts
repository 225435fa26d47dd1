export { CHROMIUM_ARGS, CHROMIUM_PATH, launchChromium } from './lib/chromium';
export { freePort } from './lib/free-port';
export { deletePrefix, testPrefix, TEST_REDIS_URL, type KeyDeleter } from './lib/key-prefix';
export { PrivateRedis, type PrivateRedisOptions } from './lib/private-redis';
export { findProgram, MissingProgramError, requireProgram } from './lib/system-programs';
export { waitFor, type WaitOptions } from './lib/wait-for';
