#!/usr/bin/env node
// `npm start`: runs the whole system locally, without Docker, against REDIS_URL
// (default redis://127.0.0.1:6379): the dashboard plus N worker processes, their
// output prefixed with their name. Ctrl-C stops them all gracefully (running jobs
// finish, up to WORKER_GRACE_MS); a second Ctrl-C stops them at once (running jobs
// go back to waiting).
//
//   npm run build && npm start                  # 5 workers
//   npm start -- --workers 2                    # or WORKER_PROCESSES=2 npm start
//   npm start -- --no-dashboard                 # workers only
const { spawn } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const { parseArgs } = require('node:util');

const root = path.resolve(__dirname, '..');
const WORKER_MAIN = path.join(root, 'apps/worker/dist/main.js');
const DASHBOARD_MAIN = path.join(root, 'apps/dashboard/dist/main.js');

function fail(message) {
  console.error(`start-local: ${message}`);
  process.exit(1);
}

let args;
try {
  args = parseArgs({
    options: {
      workers: { type: 'string', short: 'w' },
      'no-dashboard': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
} catch (err) {
  fail(`${err.message}\nUsage: npm start -- [--workers N] [--no-dashboard]`);
}
if (args.help) {
  console.log('Usage: npm start -- [--workers N] [--no-dashboard]\nN defaults to WORKER_PROCESSES or 5. Run `npm run build` first.');
  process.exit(0);
}

const rawCount = args.workers ?? process.env.WORKER_PROCESSES ?? '5';
const workerCount = Number(rawCount);
if (!Number.isInteger(workerCount) || workerCount < 0 || workerCount > 99) {
  fail(`--workers / WORKER_PROCESSES must be a whole number from 0 to 99, got "${rawCount}".`);
}
const missing = [WORKER_MAIN, ...(args['no-dashboard'] ? [] : [DASHBOARD_MAIN])].filter((f) => !existsSync(f));
if (missing.length > 0) {
  fail(`${missing.map((f) => path.relative(root, f)).join(' and ')} not found: run \`npm run build\` first.`);
}

const env = { ...process.env, REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379' };
const children = [];

function start(name, script, extraEnv, nodeFlags = []) {
  // Own process group: a Ctrl-C in the terminal reaches only this script, which
  // then sends each child exactly one signal (a worker reads a second one as "stop now").
  const child = spawn(process.execPath, [...nodeFlags, script], { cwd: root, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const label = `[${name}]`.padEnd(18);
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${label} ${line}\n`));
  }
  const entry = { name, child, exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))) };
  entry.exited.then(({ code, signal }) => {
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    process.stdout.write(`${label} ${stopping ? '' : 'unexpectedly '}${how}\n`);
    if (!stopping && children.every((c) => c.child.exitCode !== null || c.child.signalCode !== null)) process.exit(1);
  });
  children.push(entry);
}

let stopping = false;
let signalsSeen = 0;

async function stop(signal) {
  signalsSeen += 1;
  stopping = true;
  const live = children.filter((c) => c.child.exitCode === null && c.child.signalCode === null);
  if (signalsSeen === 1) {
    console.log(`\nstart-local: ${signal}: stopping ${live.length} process(es) gracefully (Ctrl-C again to stop at once)...`);
  } else if (signalsSeen === 2) {
    console.log('\nstart-local: stopping at once; running jobs go back to waiting (Ctrl-C again to kill)...');
  } else {
    console.log('\nstart-local: killing what is left.');
  }
  for (const c of live) {
    try {
      c.child.kill(signalsSeen >= 3 ? 'SIGKILL' : 'SIGTERM');
    } catch {
      // already gone
    }
  }
  if (signalsSeen > 1) return;
  const results = await Promise.all(children.map((c) => c.exited));
  const bad = results.filter((r) => r.code !== 0 && r.code !== null);
  console.log(`start-local: all stopped${bad.length ? ` (${bad.length} with a non-zero exit code)` : ''}.`);
  process.exit(bad.length ? 1 : 0);
}

// Should this script die some other way, leave no orphans behind.
process.on('exit', () => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
});
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

console.log(
  `start-local: REDIS_URL=${env.REDIS_URL} JOBQ_PREFIX=${env.JOBQ_PREFIX || 'jobq'}; ` +
    `${args['no-dashboard'] ? 'no dashboard' : 'dashboard'} + ${workerCount} worker(s). Ctrl-C to stop.`,
);
// Same memory flags as the dashboard image (see docker/dashboard.Dockerfile).
if (!args['no-dashboard']) start('dashboard', DASHBOARD_MAIN, {}, ['--max-semi-space-size=2', '--single-threaded', '--max-old-space-size=96']);
for (let i = 1; i <= workerCount; i += 1) {
  const name = `local-worker-${String(i).padStart(2, '0')}`;
  start(name, WORKER_MAIN, { WORKER_NAME: name });
}
