#!/usr/bin/env node
// Launcher for `jobq` (npx jobq, and /usr/local/bin/jobq in the images): runs the
// compiled CLI. Build it first with `npx nx build @jobq/cli`.
'use strict';
const path = require('node:path');
const main = path.join(__dirname, '..', 'dist', 'main.js');
try {
  require.resolve(main);
} catch {
  process.stderr.write('jobq: the CLI is not built yet; run `npx nx build @jobq/cli` first.\n');
  process.exit(1);
}
require(main);
