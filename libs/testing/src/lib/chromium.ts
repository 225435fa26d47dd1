import { chromium, type Browser, type LaunchOptions } from 'playwright-core';
import { requireProgram } from './system-programs';

/** Debian's Chromium: the browser tests drive this one and never download a browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Headless, no sandbox (root in CI), and nothing that talks to the network by itself. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Launches {@link CHROMIUM_PATH} through playwright-core with {@link CHROMIUM_ARGS}
 * (plus `options.args`). Throws a `MissingProgramError` saying what to install when
 * Chromium is not there.
 */
export function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const executablePath = requireProgram(CHROMIUM_PATH, 'chromium');
  return chromium.launch({ ...options, executablePath, args: [...CHROMIUM_ARGS, ...(options.args ?? [])] });
}
