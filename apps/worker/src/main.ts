import pino from 'pino';
import { loadWorkerConfig, WorkerConfigError, type WorkerConfig } from './config';
import { runWorkerProcess } from './worker-process';

/** sysexits.h EX_CONFIG: supervisord logs it, and a human sees the message above it. */
const EXIT_CONFIG = 78;

let config: WorkerConfig;
try {
  config = loadWorkerConfig(process.env);
} catch (err) {
  if (!(err instanceof WorkerConfigError)) throw err;
  process.stderr.write(`jobq worker: ${err.message}\n`);
  process.exit(EXIT_CONFIG);
}

// JSON lines on stdout, written synchronously so nothing is lost on process.exit().
const log = pino(
  { name: 'jobq-worker', level: config.logLevel, base: { worker: config.name, pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
  pino.destination({ dest: 1, sync: true }),
);

runWorkerProcess(config, log).catch((err: unknown) => {
  log.fatal({ err }, 'worker could not start');
  process.exit(1);
});
