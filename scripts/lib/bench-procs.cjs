// A fleet of benchmark worker processes (scripts/lib/bench-child.cjs) for one
// system, driven over IPC from the benchmark's main process.
const { fork } = require('node:child_process');
const { join } = require('node:path');

const CHILD = join(__dirname, 'bench-child.cjs');

class Child {
  constructor(spec) {
    this.spec = spec;
    const { cpuProfDir, ...rest } = spec;
    const execArgv = cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir, '--cpu-prof-name', `${spec.system}-${spec.mode}-${spec.name}-${Date.now()}.cpuprofile`] : [];
    this.proc = fork(CHILD, [JSON.stringify(rest)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
    this.pending = new Map();
    this.nextId = 1;
    this.ready = new Promise((resolve, reject) => {
      this.pending.set(0, { resolve, reject });
    });
    this.proc.on('message', (msg) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${spec.system} worker process: ${msg.error}`));
      else p.resolve(msg);
    });
    this.exited = new Promise((resolve) => this.proc.once('exit', resolve));
    this.proc.once('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`${spec.system} worker process exited (${code})`));
      this.pending.clear();
    });
  }

  request(cmd, timeoutMs = 30_000) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.spec.system} worker process: '${cmd}' timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.proc.send({ id, cmd });
    });
  }
}

/**
 * Forks `processes` worker processes, each opening `workers` workers of
 * `system` with `concurrency` slots; resolves once every one is connected (not
 * yet taking jobs: call start()). With `cpuProfDir`, each process writes a V8 CPU
 * profile there when it exits (open it in Chrome DevTools or speedscope).
 */
async function startFleet({ system, url, prefix, mode, processes = 1, workers = 1, concurrency = 1, name = 'bench', cpuProfDir = null }) {
  const children = Array.from(
    { length: processes },
    (_, i) => new Child({ system, url, prefix, mode, workers, concurrency, name: `${name}-p${i}`, cpuProfDir }),
  );
  try {
    await Promise.all(children.map((c) => Promise.race([c.ready, c.exited.then((code) => Promise.reject(new Error(`${system} worker process exited (${code}) before it was ready`)))])));
  } catch (err) {
    for (const c of children) c.proc.kill('SIGKILL');
    throw err;
  }
  return {
    children,
    /** Starts every worker taking jobs. */
    start: () => Promise.all(children.map((c) => c.request('start'))),
    /** Handler calls so far: total count, earliest first call, latest last call. */
    async stats() {
      const all = await Promise.all(children.map((c) => c.request('stats')));
      const active = all.filter((s) => s.count > 0);
      return {
        count: all.reduce((n, s) => n + s.count, 0),
        first: active.length ? Math.min(...active.map((s) => s.first)) : 0,
        last: active.length ? Math.max(...active.map((s) => s.last)) : 0,
        perProcess: all.map((s) => s.count),
      };
    },
    /** Waits until `n` handler calls in all (polling over IPC), or throws after timeoutMs. */
    async waitForCount(n, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = await this.stats();
        if (s.count >= n) return s;
        if (Date.now() > deadline) throw new Error(`${system}: only ${s.count} of ${n} handler calls after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    /** Samples recorded by handlers (and clears them). */
    async collect() {
      const all = await Promise.all(children.map((c) => c.request('collect')));
      return all.flatMap((r) => r.samples);
    },
    /** Closes the workers and waits for the processes to exit (SIGKILL after 20 s). */
    async close() {
      await Promise.all(
        children.map(async (c) => {
          if (c.proc.exitCode === null) {
            await c.request('close', 20_000).catch((err) => process.stderr.write(`${err.message}\n`));
          }
          const timer = setTimeout(() => c.proc.kill('SIGKILL'), 5_000);
          await c.exited;
          clearTimeout(timer);
        }),
      );
    },
  };
}

module.exports = { startFleet };
