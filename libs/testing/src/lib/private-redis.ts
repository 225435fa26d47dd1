import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { requireProgram } from './system-programs';
import { waitFor } from './wait-for';

/** How a {@link PrivateRedis} keeps its data. */
export interface PrivateRedisOptions {
  /**
   * Keep the data across a stop and start: an append-only file (fsync always) in a
   * temporary folder, removed by {@link PrivateRedis.destroy}. Default `false`: no
   * persistence at all, every start begins empty.
   */
  readonly persistent?: boolean;
}

/** Sends PING over a bare socket; true once the server answers PONG (not while it is still loading). */
function answersPing(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/**
 * A throwaway redis-server on a loopback port of its own, for tests that stop and
 * restart Redis: they stop this one, never the shared Redis. Needs `redis-server`
 * on the PATH (a clear error says how to install it otherwise).
 *
 * @example
 * const redis = await PrivateRedis.start({ persistent: true });
 * await redis.stop();            // SIGTERM: it writes its append-only file first
 * await redis.start();           // same port, same data
 * await redis.destroy();         // stop and remove its data folder
 */
export class PrivateRedis {
  private child: ChildProcess | null = null;
  private dir: string | undefined;

  /** Not started yet: call {@link start}. `port` is usually from `freePort()`. */
  constructor(
    readonly port: number,
    private readonly options: PrivateRedisOptions = {},
  ) {}

  /** A new server on a free port, started. */
  static async start(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
    const server = new PrivateRedis(await freePort(), options);
    await server.start();
    return server;
  }

  /** `redis://127.0.0.1:<port>` */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Whether the process is running (started and not stopped or dead). */
  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts redis-server (again) on the same port (and data folder); resolves once it answers PING. */
  async start(): Promise<void> {
    if (this.running) throw new Error(`PrivateRedis on port ${this.port} is already running`);
    const bin = requireProgram('redis-server', 'redis-server');
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', ''];
    if (this.options.persistent) {
      this.dir ??= await mkdtemp(join(tmpdir(), 'jobq-redis-'));
      args.push('--dir', this.dir, '--appendonly', 'yes', '--appendfsync', 'always');
    } else {
      args.push('--appendonly', 'no');
    }
    const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    let failure: Error | undefined;
    child.once('error', (err) => (failure = err));
    child.once('exit', (code, signal) => {
      failure ??= new Error(`redis-server on port ${this.port} exited (${code ?? signal}) before it answered: ${stderr.trim()}`);
      // A forked child (an AOF rewrite) may still hold the pipe open: do not wait for it.
      child.stderr?.destroy();
    });
    await waitFor(
      async () => {
        if (failure) throw failure;
        return answersPing(this.port);
      },
      { timeoutMs: 10_000, intervalMs: 25, what: `redis-server on port ${this.port} to answer PING` },
    );
  }

  /**
   * Stops redis-server and waits for it to exit. SIGTERM (default) lets it write its
   * append-only file; SIGKILL is a crash.
   */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  /** Stops it and removes its data folder (if any). */
  async destroy(): Promise<void> {
    await this.stop();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
