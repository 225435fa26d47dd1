import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { deletePrefix, testPrefix } from '@jobq/testing';
import { queueKeys } from '../src';
import { rawRedis, REDIS_URL } from './helpers';

// End to end, as another team would use the libraries: `nx release publish` puts
// both packages on a real npm registry (Verdaccio, started here, with no uplinks),
// then an outside service in a temporary folder, whose .npmrc maps only the @jobq
// scope to that registry, installs them BY VERSION, compiles a typed producer and
// worker with `tsc --strict`, fails to compile wrong payloads and handlers, and
// runs one job against Redis through the installed packages.

const root = resolve(__dirname, '../../..');
const fixtures = join(__dirname, 'fixtures');
const version: string = JSON.parse(readFileSync(join(root, 'libs/queue-core/package.json'), 'utf8')).version;
const jobDefsVersion: string = JSON.parse(readFileSync(join(root, 'libs/job-defs/package.json'), 'utf8')).version;
const typescriptVersion: string = JSON.parse(readFileSync(join(root, 'node_modules/typescript/package.json'), 'utf8')).version;
const typesNodeVersion: string = JSON.parse(readFileSync(join(root, 'node_modules/@types/node/package.json'), 'utf8')).version;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const prefix = testPrefix('registry');

interface RunResult {
  code: number | null;
  output: string;
}

/** Runs a command to completion (never throws on a non-zero exit); kills it after `timeoutMs`. */
function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult> {
  return new Promise((done) => {
    execFile(
      cmd,
      args,
      { cwd: opts.cwd, env: opts.env ?? baseEnv(), timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        // Without colours, whatever terminal the outer run has (nx and npm colour their output under `nx test`).
        // eslint-disable-next-line no-control-regex
        done({ code, output: `${stdout}${stderr}`.replace(/\x1b\[[0-9;]*m/g, '') });
      },
    );
  });
}

/** The environment of the child processes: no Nx task variables of the outer run, no update checks. */
function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(NX_|npm_)/i.test(k) && k !== 'NX_SKIP_NX_CACHE') continue;
    if (k === 'FORCE_COLOR') continue; // set by the outer nx run
    env[k] = v;
  }
  return {
    ...env,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    NPM_CONFIG_UPDATE_NOTIFIER: 'false',
    NPM_CONFIG_FUND: 'false',
    NPM_CONFIG_AUDIT: 'false',
    ...extra,
  };
}

/** Fails with the command's output when it did not exit 0. */
function expectOk(what: string, r: RunResult): void {
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${r.output.slice(-6000)}`);
}

describe('the libraries published to a registry and installed by version in an outside service', () => {
  let tmp: string;
  let service: string;
  let registry: ChildProcess | undefined;
  let registryLog = '';
  let registryUrl: string;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'jobq-registry-e2e-'));
    service = join(tmp, 'service');

    // ---- a private registry: temp storage, a throwaway user, no uplinks at all ----
    const storage = join(tmp, 'registry');
    mkdirSync(storage);
    writeFileSync(
      join(storage, 'config.yaml'),
      [
        `storage: ${JSON.stringify(join(storage, 'storage'))}`,
        'auth:',
        '  htpasswd:',
        `    file: ${JSON.stringify(join(storage, 'htpasswd'))}`,
        '    max_users: 1',
        // No uplinks: @jobq/* exists only as published here; nothing is proxied.
        'uplinks: {}',
        'packages:',
        "  '@jobq/*':",
        '    access: $all',
        '    publish: $authenticated',
        '    unpublish: $authenticated',
        'web:',
        '  enable: false',
        'log: { type: stdout, format: json, level: warn }',
        '',
      ].join('\n'),
    );
    registry = spawn(process.execPath, [join(fixtures, 'registry/verdaccio.cjs'), join(storage, 'config.yaml')], {
      cwd: storage,
      env: baseEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    registry.stderr?.on('data', (d: Buffer) => (registryLog += d.toString()));
    const port = await new Promise<number>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`Verdaccio did not start within 30 s:\n${registryLog}`)), 30_000);
      registry?.on('exit', (code) => fail(new Error(`Verdaccio exited (${code}) before listening:\n${registryLog}`)));
      createInterface({ input: registry!.stdout! }).on('line', (line) => {
        const m = /^listening (\d+)$/.exec(line);
        if (m) {
          clearTimeout(timer);
          ok(Number(m[1]));
        } else registryLog += `${line}\n`;
      });
    });
    registryUrl = `http://127.0.0.1:${port}/`;

    const user = `e2e-${randomBytes(3).toString('hex')}`;
    const signup = await fetch(`${registryUrl}-/user/org.couchdb.user:${user}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: user, password: randomBytes(12).toString('hex') }),
    });
    const { token } = (await signup.json()) as { token?: string };
    if (!token) throw new Error(`could not create a registry user (HTTP ${signup.status})`);
    const publisherRc = join(tmp, 'publisher.npmrc');
    writeFileSync(publisherRc, `//127.0.0.1:${port}/:_authToken=${token}\n`);

    // ---- publish both libraries with Nx's release tooling ----
    const published = await run(process.execPath, [join(root, 'node_modules/nx/dist/bin/nx.js'), 'release', 'publish', `--registry=${registryUrl}`], {
      cwd: root,
      env: baseEnv({ NPM_CONFIG_USERCONFIG: publisherRc }),
      timeoutMs: 180_000,
    });
    expectOk('nx release publish', published);

    // ---- the outside service: only the @jobq scope comes from the private registry ----
    mkdirSync(service);
    writeFileSync(join(service, '.npmrc'), `@jobq:registry=${registryUrl}\n`);
    writeFileSync(
      join(service, 'package.json'),
      JSON.stringify(
        {
          name: 'outside-service',
          private: true,
          type: 'module',
          dependencies: { '@jobq/job-defs': jobDefsVersion, '@jobq/queue-core': version },
          devDependencies: { typescript: typescriptVersion, '@types/node': typesNodeVersion },
        },
        null,
        2,
      ),
    );
    writeFileSync(
      join(service, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: 'es2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          types: ['node'],
          // Check the installed declarations too, not only the service's code.
          skipLibCheck: false,
          outDir: 'out',
          rootDir: '.',
        },
        files: ['contracts.ts', 'producer.ts', 'worker.ts'],
      }),
    );
    for (const f of readdirSync(join(fixtures, 'consumer'))) copyFileSync(join(fixtures, 'consumer', f), join(service, f));
    // Lockfile with `resolved` URLs, so the test can tell where each package came from.
    const installed = await run(npm, ['install', '--prefer-offline', '--omit-lockfile-registry-resolved=false', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: service,
      timeoutMs: 180_000,
    });
    expectOk('npm install in the outside service', installed);
  }, 300_000);

  afterAll(async () => {
    if (worker && worker.exitCode === null) worker.kill('SIGKILL');
    if (registry && registry.exitCode === null) {
      const exited = new Promise((r) => registry?.once('exit', r));
      registry.stdin?.end(); // the registry exits when its stdin closes
      registry.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5_000)))]);
      clearTimeout(timer);
      if (registry.exitCode === null && registry.signalCode === null) registry.kill('SIGKILL');
    }
    const redis = rawRedis();
    try {
      await deletePrefix(redis, prefix);
    } finally {
      redis.disconnect();
    }
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }, 30_000);

  const tsc = (...args: string[]) => run(process.execPath, [join(service, 'node_modules/typescript/bin/tsc'), '--pretty', 'false', ...args], { cwd: service });
  /** Type-checks the files that must not compile, once, with the service's settings (strict), emitting nothing. */
  let badCheck: Promise<RunResult> | undefined;
  const checkBadFiles = () => {
    if (!badCheck) {
      writeFileSync(
        join(service, 'tsconfig.bad.json'),
        JSON.stringify({ extends: './tsconfig.json', compilerOptions: { noEmit: true, skipLibCheck: true }, files: ['bad-payload.ts', 'bad-handler.ts'] }),
      );
      badCheck = tsc('-p', 'tsconfig.bad.json', '--strict');
    }
    return badCheck;
  };
  const installedPackage = (name: string) => join(service, 'node_modules', name);

  it('installs both packages at the published version from the private registry, everything else from the default one', () => {
    const lock = JSON.parse(readFileSync(join(service, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string; resolved?: string }>;
    };
    for (const name of ['@jobq/job-defs', '@jobq/queue-core']) {
      const entry = lock.packages[`node_modules/${name}`];
      expect(entry?.version).toBe(version);
      expect(entry?.resolved?.startsWith(registryUrl)).toBe(true);
    }
    const others = Object.entries(lock.packages).filter(([path]) => path.startsWith('node_modules/') && !path.includes('@jobq/'));
    expect(others.length).toBeGreaterThan(5);
    for (const [path, entry] of others) {
      if (entry.resolved && entry.resolved.startsWith(registryUrl)) throw new Error(`${path} came from the private registry`);
    }
    // queue-core names job-defs by a real range, which the registry satisfied.
    const core = JSON.parse(readFileSync(join(installedPackage('@jobq/queue-core'), 'package.json'), 'utf8'));
    expect(core.dependencies['@jobq/job-defs']).toBe(`^${jobDefsVersion}`);
    expect(core.peerDependencies['@types/node']).toBeDefined();
  });

  it('ships README, LICENSE and typed exports, and nothing that points at a missing file', () => {
    for (const name of ['@jobq/job-defs', '@jobq/queue-core']) {
      const dir = installedPackage(name);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      expect(JSON.stringify(pkg)).not.toContain('@jobq/source');
      expect(pkg.nx).toBeUndefined();
      expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
      for (const file of ['README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']) expect(existsSync(join(dir, file))).toBe(true);
      expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toContain('MIT License');
      // Every source map and declaration map names sources that are in the package.
      const maps = walk(join(dir, 'dist')).filter((f) => f.endsWith('.map'));
      expect(maps.length).toBeGreaterThan(4);
      for (const map of maps) {
        for (const source of JSON.parse(readFileSync(map, 'utf8')).sources as string[]) {
          const target = resolve(dirname(map), source);
          if (!target.startsWith(dir) || !existsSync(target)) throw new Error(`${map} points at ${source}, which is not in the package`);
        }
      }
      expect(walk(dir).filter((f) => /\.spec\.ts$|\.tsbuildinfo$/.test(f))).toEqual([]);
    }
  });

  it('loads from CommonJS as well as from ES modules', async () => {
    const r = await run(process.execPath, ['-e', "const c = require('@jobq/queue-core'); const d = require('@jobq/job-defs'); console.log(typeof c.QueueClient, typeof c.Worker, typeof d.defineJob)"], { cwd: service });
    expect(r.output.trim()).toBe('function function function');
  });

  it('compiles a typed producer and worker with tsc --strict', async () => {
    const r = await tsc('-p', 'tsconfig.json', '--strict');
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
  }, 60_000);

  it('refuses to compile a wrong payload, naming the bad field', async () => {
    const r = await checkBadFiles();
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/bad-payload\.ts\(6,.*'widht'/);
    expect(r.output).toMatch(/bad-payload\.ts\(7,.*'subjet'/);
  }, 60_000);

  it('refuses to compile a handler that does not match its contract', async () => {
    const r = await checkBadFiles();
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/bad-handler\.ts\(5,.*'widht'/);
    expect(r.output).toMatch(/bad-handler\.ts\(5,.*\n.*Property 'bytes' is missing/);
  }, 60_000);

  it('runs one job through the installed packages against Redis', async () => {
    const env = baseEnv({ REDIS_URL, JOBQ_PREFIX: prefix });
    if (!existsSync(join(service, 'out/worker.js'))) expectOk('tsc', await tsc('-p', 'tsconfig.json'));
    worker = spawn(process.execPath, ['out/worker.js'], { cwd: service, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let workerLog = '';
    worker.stderr?.on('data', (d: Buffer) => (workerLog += d.toString()));
    await new Promise<void>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`the worker did not start within 20 s:\n${workerLog}`)), 20_000);
      worker?.once('exit', (code) => fail(new Error(`the worker exited (${code}):\n${workerLog}`)));
      createInterface({ input: worker!.stdout! }).on('line', (line) => {
        workerLog += `${line}\n`;
        if (line === 'worker ready') {
          clearTimeout(timer);
          ok();
        }
      });
    });

    const produced = await run(process.execPath, ['out/producer.js'], { cwd: service, env, timeoutMs: 45_000 });
    expectOk('the producer', produced);
    const line = produced.output.split('\n').find((l) => l.startsWith('{"id"')) ?? produced.output;
    expect(JSON.parse(line)).toEqual({
      id: 'resize-cat-320',
      created: true,
      status: 'succeeded',
      result: { url: 'https://img.example/cat.png?w=320', width: 320, bytes: 3200 },
      bytes: 3200,
    });

    const exited = new Promise<number | null>((r) => worker?.once('exit', (code) => r(code)));
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(workerLog).toMatch(/finished .*"id":"resize-cat-320"/);

    // The job lived under the service's own prefix (deleted again in afterAll).
    const redis = rawRedis();
    try {
      expect(await redis.hexists(queueKeys(prefix, 'images').jobs, 'resize-cat-320')).toBe(1);
    } finally {
      redis.disconnect();
    }
  }, 90_000);
});

describe('nx release for the libraries', () => {
  it('previews the next version and changelog offline, without pushing or changing anything', async () => {
    const nx = join(root, 'node_modules/nx/dist/bin/nx.js');
    const before = await run('git', ['status', '--porcelain'], { cwd: root });
    const versioned = await run(process.execPath, [nx, 'release', 'version', '9.9.9', '--dry-run'], { cwd: root });
    expectOk('nx release version --dry-run', versioned);
    expect(versioned.output).toMatch(/@jobq\/job-defs .*New version 9\.9\.9/);
    expect(versioned.output).toMatch(/@jobq\/queue-core .*New version 9\.9\.9/);
    expect(versioned.output).toContain('"@jobq/job-defs": "^9.9.9"');
    const changelog = await run(process.execPath, [nx, 'release', 'changelog', '9.9.9', '--dry-run'], { cwd: root });
    expectOk('nx release changelog --dry-run', changelog);
    expect(changelog.output).toContain('libs/queue-core/CHANGELOG.md for libs-v9.9.9');
    expect(changelog.output).toContain('Tagging commit with git');
    expect(`${versioned.output}${changelog.output}`).not.toMatch(/push|github release|nx cloud/i);
    expect((await run('git', ['status', '--porcelain'], { cwd: root })).output).toBe(before.output);
  }, 60_000);
});

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]));
}
