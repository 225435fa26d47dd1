#!/usr/bin/env node
// `npm test`'s pretest step: makes sure the programs the tests drive are installed,
// so that the README's `npm ci && npm test` passes on a fresh machine.
//
//   chromium     /usr/bin/chromium     browser tests (playwright-core drives it; never downloads one)
//   supervisor   supervisord, supervisorctl   the docker/supervisord.conf test
//   redis-server redis-server          private Redis servers of the fault tests, and the
//                                      fallback when no Redis answers at REDIS_URL
//
// When something is missing and this runs as root on a machine with apt-get
// (Debian/Ubuntu, CI), it runs `apt-get update` and installs the missing Debian
// packages. Otherwise it exits 1 with the command to run. Prints one line when
// everything is there.
//
//   node scripts/ensure-test-deps.cjs            # check, install what is missing
//   node scripts/ensure-test-deps.cjs --check    # check only: never installs
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const CHROMIUM = '/usr/bin/chromium';

/** What the tests need: a check per Debian package. */
const REQUIREMENTS = [
  { pkg: 'chromium', what: `Chromium at ${CHROMIUM} (browser tests)`, present: () => isExecutable(CHROMIUM) },
  { pkg: 'supervisor', what: 'supervisord and supervisorctl (supervisord test)', present: () => onPath('supervisord') && onPath('supervisorctl') },
  { pkg: 'redis-server', what: 'redis-server (private Redis servers of the fault tests)', present: () => onPath('redis-server') },
];

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(command) {
  return (process.env.PATH || '').split(path.delimiter).some((dir) => dir && isExecutable(path.join(dir, command)));
}

function missing() {
  return REQUIREMENTS.filter((r) => !r.present());
}

function run(command, args) {
  console.log(`[ensure-test-deps] ${command} ${args.join(' ')}`);
  const res = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (res.error) throw res.error;
  if (res.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${res.status ?? res.signal}`);
}

function explain(list, why) {
  const pkgs = list.map((r) => r.pkg).join(' ');
  console.error(
    [
      `[ensure-test-deps] The tests need programs that are not installed (${why}):`,
      ...list.map((r) => `  - ${r.what}: Debian/Ubuntu package "${r.pkg}"`),
      'Install them, then run the tests again:',
      `  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${pkgs}`,
      '(or run `npm test` as root on Debian/Ubuntu, which installs them itself).',
    ].join('\n'),
  );
  process.exit(1);
}

function main() {
  const started = Date.now();
  const before = missing();
  if (before.length === 0) {
    console.log(`[ensure-test-deps] chromium, supervisor and redis-server are installed (${Date.now() - started} ms)`);
    return;
  }
  if (process.argv.includes('--check')) explain(before, '--check given');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (process.platform !== 'linux' || !onPath('apt-get')) explain(before, 'no apt-get here to install them with');
  if (!isRoot) explain(before, 'not root, so not installing them');
  try {
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...before.map((r) => r.pkg)]);
  } catch (err) {
    console.error(`[ensure-test-deps] ${err.message}`);
    explain(before, 'apt-get failed');
  }
  const after = missing();
  if (after.length > 0) explain(after, 'still missing after apt-get install');
  console.log(`[ensure-test-deps] installed ${before.map((r) => r.pkg).join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main();
