import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// An outside project installs job-defs and queue-core from `npm pack` tarballs
// (as a service outside this repo would) and type-checks against their .d.ts.
const root = resolve(__dirname, '../../..');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('types of the packed libraries, seen from an outside project', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'jobq-consumer-'));
    execFileSync(npm, ['pack', '-w', '@jobq/job-defs', '-w', '@jobq/queue-core', '--pack-destination', dir, '--silent'], { cwd: root });
    const tarballs = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
    const tarball = (name: string) => `file:./${tarballs.find((t) => t.startsWith(name))}`;
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: 'outside-service',
        private: true,
        dependencies: { '@jobq/job-defs': tarball('jobq-job-defs'), '@jobq/queue-core': tarball('jobq-queue-core'), '@types/node': '^20' },
      }),
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck: true, types: ['node'] } }),
    );
    execFileSync(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: dir, stdio: 'pipe' });
    for (const f of ['good.ts', 'bad-payload.ts', 'bad-handler.ts']) copyFileSync(join(__dirname, 'fixtures/consumer', f), join(dir, f));
  }, 180_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Type-checks one file with the consumer's tsconfig; returns tsc's exit code and output. */
  const check = (file: string) => {
    const config = join(dir, `tsconfig.${file}.json`);
    writeFileSync(config, JSON.stringify({ extends: './tsconfig.json', files: [file] }));
    const out = spawnSync(process.execPath, [tsc, '-p', config, '--pretty', 'false'], { cwd: dir, encoding: 'utf8' });
    return { code: out.status, output: `${out.stdout}${out.stderr}` };
  };

  it('the packed tarballs ship only built JS and declarations', () => {
    const list = execFileSync('tar', ['-tzf', join(dir, readdirSync(dir).find((f) => f.startsWith('jobq-queue-core'))!)], { encoding: 'utf8' });
    expect(list).toContain('package/dist/index.d.ts');
    expect(list).toContain('package/dist/index.js');
    expect(list).not.toMatch(/\.spec\.|tsbuildinfo|package\/src\//);
  });

  it('compiles a correct enqueue and handler', () => {
    const r = check('good.ts');
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
  });

  it('fails to compile a wrong payload', () => {
    const r = check('bad-payload.ts');
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/bad-payload\.ts\(7,.*subjet/);
  });

  it('fails to compile a mismatched handler', () => {
    const r = check('bad-handler.ts');
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/bad-handler\.ts\(5,.*rowCount/);
    expect(r.output).toMatch(/bad-handler\.ts\(5,.*(days|missing)/);
  });
});
