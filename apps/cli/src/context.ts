import type { CliConfig } from './config';
import type { PromptStreams } from './confirm';
import type { Output } from './output';
import type { Session } from './session';

/** The process a command runs in (real in `main.ts`, the same in tests: they run the built binary). */
export interface CliProcess {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdinIsTty: boolean;
  readonly stdoutIsTty: boolean;
  readonly columns: number | undefined;
  /** Registers a handler for Ctrl-C (SIGINT); returns a function that removes it. */
  onInterrupt(handler: () => void): () => void;
}

/** What every command's action gets. */
export interface CommandContext {
  readonly config: CliConfig;
  readonly out: Output;
  readonly prompt: PromptStreams;
  readonly process: CliProcess;
  /** The connection, opened on first use and closed after the command. */
  session(): Promise<Session>;
}
