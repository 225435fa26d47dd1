#!/usr/bin/env node
import { runCli } from './program';

/** Entry point of `jobq`: runs the command line, then exits with its code. */
runCli(process.argv.slice(2), {
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  stdinIsTty: process.stdin.isTTY === true,
  stdoutIsTty: process.stdout.isTTY === true,
  columns: process.stdout.columns,
  onInterrupt: (handler) => {
    process.on('SIGINT', handler);
    return () => process.off('SIGINT', handler);
  },
}).then(
  (code) => {
    process.exitCode = code;
    // Let stdout drain, but never linger on a stray handle (a producer socket
    // still waiting for a silent Redis).
    setTimeout(() => process.exit(code), 500).unref();
  },
  (err: unknown) => {
    process.stderr.write(`jobq: ${(err as Error)?.message ?? String(err)}\n`);
    process.exit(1);
  },
);
