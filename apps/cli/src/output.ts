import Table from 'cli-table3';
import { createColors } from 'picocolors';
import type { CliConfig } from './config';

/** Colour functions; plain identity functions when colours are off. */
export type Colors = ReturnType<typeof createColors>;

/** Where a command writes: stdout for results, stderr for notes and errors. */
export interface Streams {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** A command's output: text or JSON to stdout, notes to stderr, colours as configured. */
export class Output {
  /** Colour functions (no-ops when colours are off). */
  readonly c: Colors;

  constructor(
    readonly config: CliConfig,
    private readonly streams: Streams,
  ) {
    this.c = createColors(config.color);
  }

  /** Writes lines of text to stdout. */
  line(...lines: string[]): void {
    this.streams.stdout.write(`${lines.join('\n')}\n`);
  }

  /** Writes raw text to stdout. */
  raw(text: string): void {
    this.streams.stdout.write(text);
  }

  /** Writes a note to stderr (kept out of stdout so pipes get only results). */
  note(text: string): void {
    this.streams.stderr.write(`${text}\n`);
  }

  /** Writes one JSON document (one line) to stdout. */
  json(value: unknown): void {
    this.streams.stdout.write(`${JSON.stringify(value)}\n`);
  }

  /** A borderless table with a bold header, columns two spaces apart. */
  table(head: readonly string[], rows: readonly (readonly string[])[], align?: readonly ('left' | 'right')[]): string {
    const table = new Table({
      head: head.map((h) => this.c.bold(h)),
      // cli-table3 needs an array here (an explicit undefined breaks it).
      colAligns: align ? [...align] : head.map(() => 'left' as const),
      chars: {
        top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
        bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
        left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
      },
      style: { 'padding-left': 0, 'padding-right': 0, head: [], border: [], compact: true },
      wordWrap: false,
    });
    for (const row of rows) table.push([...row]);
    return table
      .toString()
      .split('\n')
      .map((l) => l.trimEnd())
      .join('\n');
  }
}
