import { createInterface } from 'node:readline/promises';
import { CliError } from './cli-error';
import { EXIT } from './exit-codes';

/** What a confirmation needs from the process. */
export interface PromptStreams {
  readonly stdin: NodeJS.ReadableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdinIsTty: boolean;
}

/**
 * Asks `question` on the terminal and returns when the answer is yes. With
 * `yes` it asks nothing. Without a terminal on stdin it refuses (exit 2): a
 * script must say `--yes`. Any answer but y/yes aborts (exit 1).
 */
export async function confirm(question: string, yes: boolean, io: PromptStreams): Promise<void> {
  if (yes) return;
  if (!io.stdinIsTty) {
    throw new CliError('NOT_CONFIRMED', 'refusing to run without confirmation: stdin is not a terminal; pass --yes to confirm', EXIT.usage);
  }
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: true });
  try {
    const closed = new Promise<string>((resolve) => rl.once('close', () => resolve('')));
    const answer = await Promise.race([rl.question(`${question} [y/N] `), closed]);
    if (!/^y(es)?$/i.test(answer.trim())) throw new CliError('NOT_CONFIRMED', 'aborted: not confirmed', EXIT.failure);
  } finally {
    rl.close();
  }
}
