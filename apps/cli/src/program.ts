import { Command, CommanderError, Option } from 'commander';
import { integer } from './args';
import { CliError } from './cli-error';
import { cancelCommand } from './commands/cancel';
import { emptyCommand } from './commands/empty';
import { flowCommands } from './commands/flow';
import { enqueueCommand } from './commands/enqueue';
import { findCommand } from './commands/find';
import { infoCommand } from './commands/info';
import { jobCommand } from './commands/job';
import { jobsCommand } from './commands/jobs';
import { removeCommand } from './commands/remove';
import { retryCommand } from './commands/retry';
import { schedulesCommand } from './commands/schedules';
import { workersCommand } from './commands/workers';
import { parseCliConfig, DEFAULT_TIMEOUT_MS, type CliConfig, type GlobalOptions } from './config';
import type { CliProcess, CommandContext } from './context';
import { toCliError } from './error-report';
import { EXIT, type ExitCode } from './exit-codes';
import { Output } from './output';
import { Session } from './session';

const VERSION = '0.1.0';

/**
 * Runs one `jobq` command line and returns its exit code. Every error ends here:
 * printed as one line (`jobq: ...`, or `{"error":{...}}` on stderr with --json),
 * never as a stack trace.
 */
export async function runCli(argv: readonly string[], proc: CliProcess): Promise<ExitCode> {
  let config: CliConfig | null = null;
  const sessions: Promise<Session>[] = [];
  const context = (cmd: Command): CommandContext => {
    config ??= parseCliConfig(cmd.optsWithGlobals<GlobalOptions>(), proc);
    const cfg = config;
    let session: Promise<Session> | null = null;
    return {
      config: cfg,
      out: new Output(cfg, proc),
      prompt: { stdin: proc.stdin, stderr: proc.stderr, stdinIsTty: proc.stdinIsTty },
      process: proc,
      session: () => {
        if (!session) {
          session = Session.open(cfg);
          sessions.push(session);
        }
        return session;
      },
    };
  };
  const program = buildProgram(context, proc);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.ok;
      // `jobq` alone: the help went to stderr.
      if (err.code === 'commander.help') return EXIT.usage;
    }
    const json = (config as CliConfig | null)?.json ?? argv.includes('--json');
    const e = err instanceof CommanderError ? CliError.usage(err.message.replace(/^error: /, '')) : toCliError(err, (config as CliConfig | null)?.queue.redisUrl ?? null);
    report(e, json, proc, err instanceof CommanderError ? commandPath(program, argv) : null);
    return e.exitCode;
  } finally {
    await Promise.allSettled(sessions.map((s) => s.then((x) => x.close())));
  }
}

function report(e: CliError, json: boolean, proc: CliProcess, helpHint: string | null): void {
  if (json) {
    proc.stderr.write(`${JSON.stringify({ error: { code: e.code, message: e.message, exitCode: e.exitCode, ...(e.issues.length && { issues: e.issues }) } })}\n`);
    return;
  }
  const issues = e.issues.map((i) => `\n  ${i.path || '(payload)'}: ${i.message}`).join('');
  const hint = helpHint ? ` (see ${helpHint} --help)` : '';
  proc.stderr.write(`jobq: ${e.message}${issues}${hint}\n`);
}

/** `jobq` or `jobq <command>`, for the help hint of a usage error. */
function commandPath(program: Command, argv: readonly string[]): string {
  const sub = argv.find((a) => !a.startsWith('-'));
  return sub && program.commands.some((c) => c.name() === sub) ? `jobq ${sub}` : 'jobq';
}

/** The commander program with every command. */
export function buildProgram(context: (cmd: Command) => CommandContext, proc: CliProcess): Command {
  const program = new Command('jobq');
  program
    .description('The operator\'s command line for jobq: queues, jobs, workers and schedules.')
    .version(VERSION, '-V, --version')
    .option('--json', 'machine output: one JSON document on stdout (errors as JSON on stderr)')
    .option('--redis-url <url>', 'Redis to use (default: $REDIS_URL, else redis://127.0.0.1:6379)')
    .option('--prefix <prefix>', 'key prefix (default: $JOBQ_PREFIX, else jobq)')
    .addOption(new Option('--timeout <ms>', 'give up on Redis after this long').argParser(integer(100, 120_000)).default(DEFAULT_TIMEOUT_MS))
    .option('--no-color', 'no colours (they are only used on a terminal, and never with NO_COLOR)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({
      writeOut: (s) => proc.stdout.write(s),
      writeErr: (s) => proc.stderr.write(s),
      // Usage errors are reported once, by runCli, as one line.
      outputError: () => undefined,
    })
    .exitOverride()
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 1 failure (refused or not confirmed), 2 bad usage, 3 unknown
queue or job, 4 job already finished (cancel), 69 Redis unavailable.

Examples:
  $ jobq info --watch
  $ jobq workers
  $ jobq jobs high_priority --state failed
  $ jobq job high_priority 42
  $ jobq find welcome-ana
  $ jobq retry high_priority --all
  $ jobq pause high_priority
  $ jobq cancel high_priority 42
  $ jobq limit high_priority 50/1s
  $ jobq schedules
  $ jobq enqueue email.send --payload '{"to":"ana@example.com","subject":"Hi","text":"Hello"}'
  $ REDIS_URL=redis://redis:6379 jobq info --json`,
    );
  for (const register of [infoCommand, workersCommand, jobsCommand, jobCommand, findCommand, retryCommand, removeCommand, cancelCommand, emptyCommand, enqueueCommand, flowCommands, schedulesCommand]) {
    register(program, context);
  }
  for (const cmd of [...program.commands, ...program.commands.flatMap((c) => c.commands)]) {
    cmd.exitOverride().configureOutput({ writeOut: (s) => proc.stdout.write(s), writeErr: (s) => proc.stderr.write(s), outputError: () => undefined });
  }
  return program;
}
