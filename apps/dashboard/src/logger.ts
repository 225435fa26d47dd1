import pino, { type Logger } from 'pino';
import type { DashboardConfig } from './config';

/** The dashboard's structured logger (JSON lines on stdout). */
export function createLogger(level: DashboardConfig['logLevel']): Logger {
  return pino({ name: 'jobq-dashboard', level });
}
