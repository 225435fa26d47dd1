import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { QueueConfig } from '@jobq/queue-core';
import { waitFor, type WaitOptions } from '@jobq/testing';

/** The built worker: the test target depends on `build`. */
export const WORKER_MAIN = join(__dirname, '../../dist/main.js');

/** One JSON log line of the worker. */
export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** Settings every test worker gets: quick shutdowns, debug logs (for `job started`), no schedules unless a test asks. */
const TEST_ENV = { LOG_LEVEL: 'debug', WORKER_GRACE_MS: '5000', WORKER_SCHEDULES: 'off' };

/** A real `node apps/worker/dist/main.js` process, its log lines parsed as they come. */
export class SpawnedWorker {
  readonly lines: LogLine[] = [];
  /** stdout lines that are not JSON, and stderr. */
  readonly text: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        this.lines.push(JSON.parse(line) as LogLine);
      } catch {
        this.text.push(line);
      }
    });
    createInterface({ input: child.stderr! }).on('line', (line) => this.text.push(line));
  }

  /** Starts a worker named `name` on `config`'s Redis and prefix; `env` overrides anything. */
  static start(config: QueueConfig, name: string, env: Record<string, string> = {}): SpawnedWorker {
    const child = spawn(process.execPath, [WORKER_MAIN], {
      env: { ...process.env, ...TEST_ENV, REDIS_URL: config.redisUrl, JOBQ_PREFIX: config.prefix, WORKER_NAME: name, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new SpawnedWorker(name, child);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Log lines with message `msg` (and, when given, these field values). */
  logs(msg: string, fields: Record<string, unknown> = {}): LogLine[] {
    return this.lines.filter((l) => l.msg === msg && Object.entries(fields).every(([k, v]) => l[k] === v));
  }

  /** Waits for a log line with message `msg` (and these field values). */
  waitForLog(msg: string, fields: Record<string, unknown> = {}, options: WaitOptions = {}): Promise<LogLine> {
    return waitFor(() => this.logs(msg, fields)[0], {
      what: () => `${this.name} to log "${msg}" ${JSON.stringify(fields)}; it printed:\n${this.dump()}`,
      ...options,
    });
  }

  /** Sends a signal (if still running). */
  kill(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** Everything the process printed, for failure messages. */
  dump(): string {
    return [...this.lines.map((l) => JSON.stringify(l)), ...this.text].join('\n');
  }
}

/** Kills whatever is still running (test cleanup). */
export async function killAll(workers: SpawnedWorker[]): Promise<void> {
  for (const w of workers) w.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.exited));
}
