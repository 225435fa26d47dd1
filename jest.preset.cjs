// Shared Jest settings: SWC transforms TypeScript (type errors are the typecheck
// target's job), workspace libs resolve to their sources, and every suite gets a
// reachable Redis through REDIS_URL (see scripts/jest-redis-setup.cjs).
const path = require('node:path');

const root = __dirname;

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.tsx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@jobq/job-defs$': path.join(root, 'libs/job-defs/src/index.ts'),
    '^@jobq/queue-core$': path.join(root, 'libs/queue-core/src/index.ts'),
    '^@jobq/testing$': path.join(root, 'libs/testing/src/index.ts'),
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  globalSetup: path.join(root, 'scripts/jest-redis-setup.cjs'),
  globalTeardown: path.join(root, 'scripts/jest-redis-teardown.cjs'),
  testTimeout: 60000,
};
