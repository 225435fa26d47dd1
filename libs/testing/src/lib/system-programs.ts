import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * Thrown when a test needs a program that is not installed. Tests fail with it
 * (never skip), and its message says what to install.
 */
export class MissingProgramError extends Error {
  readonly code = 'JOBQ_TEST_PROGRAM_MISSING';

  constructor(
    readonly program: string,
    readonly debianPackage: string,
  ) {
    super(
      `${program} is not installed, and this test needs it. Install the Debian/Ubuntu package "${debianPackage}": ` +
        `sudo apt-get install -y --no-install-recommends ${debianPackage}  ` +
        '(`npm test` installs it by itself when run as root: see scripts/ensure-test-deps.cjs).',
    );
    this.name = 'MissingProgramError';
  }
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Where `program` (a command name, or an absolute path) is, or `undefined` when it is not installed. */
export function findProgram(program: string): string | undefined {
  if (isAbsolute(program)) return isExecutableFile(program) ? program : undefined;
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir && isExecutableFile(join(dir, program))) return join(dir, program);
  }
  return undefined;
}

/**
 * The path of `program` (a command on the PATH, or an absolute path); throws
 * {@link MissingProgramError} naming `debianPackage` when it is not installed.
 * Call it in a `beforeAll`, so every test of the suite fails with that message.
 */
export function requireProgram(program: string, debianPackage: string): string {
  const found = findProgram(program);
  if (!found) throw new MissingProgramError(program, debianPackage);
  return found;
}
