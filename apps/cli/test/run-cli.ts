import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The built binary the tests run (nx runs the build before the tests). */
export const MAIN = path.join(__dirname, '..', 'dist', 'main.js');
/** The committed launcher npm links as `jobq`. */
export const BIN = path.join(__dirname, '..', 'bin', 'jobq.js');

/** What one run of the binary printed and how it ended. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Fails with a clear message when the CLI has not been built. */
export function assertBuilt(): void {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npx nx build @jobq/cli\` (nx test builds it first)`);
}

/** Runs `node dist/main.js ...args` with `env` over the test's own, stdin a pipe given `input` and then closed. */
export function runCli(args: readonly string[], env: Record<string, string | undefined>, input = '', file = MAIN): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], { env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
    child.stdin.end(input);
  });
}

/**
 * Runs the binary on a pseudo-terminal (util-linux `script`), so stdin and stdout
 * are TTYs; `input` is typed into it. Output has the terminal's \r\n line ends.
 */
export function runCliOnTty(args: readonly string[], env: Record<string, string | undefined>, input = '', interruptAfterS?: number): Promise<CliRun> {
  // With interruptAfterS, coreutils `timeout` sends Ctrl-C's SIGINT and passes the CLI's own exit code on.
  const interrupt = interruptAfterS === undefined ? [] : ['timeout', '--preserve-status', '-s', 'INT', String(interruptAfterS)];
  const command = [...interrupt, process.execPath, MAIN, ...args].map(shellQuote).join(' ');
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: cleanEnv({ COLUMNS: '160', LINES: '50', TERM: 'xterm', ...env }), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: stdout.replace(/\r\n/g, '\n'), stderr: '', ms: Date.now() - started });
    });
    // Typed after the prompt has had time to appear.
    setTimeout(() => child.stdin.end(input), input ? 1_500 : 0);
  });
}

function cleanEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined };
  for (const [k, v] of Object.entries(env)) out[k] = v;
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
