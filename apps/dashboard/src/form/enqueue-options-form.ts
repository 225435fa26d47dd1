import { JOB_ID_PATTERN, type EnqueueOptions } from '@jobq/queue-core';
import { z } from 'zod';
import type { FormValues } from './payload-form';

/** A field of the enqueue options part of the form. */
export interface OptionField {
  readonly id: string;
  readonly name: string;
  readonly label: string;
  readonly type: string;
  readonly value: string;
  readonly help: string;
  readonly error: string;
  readonly min?: number;
  readonly max?: number;
}

const YEAR_S = 366 * 86_400;
const empty = (v: string | undefined) => v === undefined || v.trim() === '';

const schema = z
  .object({
    'option.jobId': z.string().trim().regex(JOB_ID_PATTERN, 'must be 1-200 letters, digits, ".", "_", ":", "@" or "-", starting with a letter or digit').optional(),
    'option.delay': z.string().trim().regex(/^\d{1,9}$/, 'must be a whole number of seconds').transform(Number).pipe(z.number().max(YEAR_S, 'must be at most a year')).optional(),
    'option.runAt': z
      .string()
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z?$/, 'must be a date and time like 2030-01-31T09:30 (UTC)')
      .transform((v) => Date.parse(v.endsWith('Z') ? v : `${v}Z`))
      .pipe(z.number({ message: 'is not a real date' }).refine((ms) => Number.isFinite(ms), 'is not a real date'))
      .optional(),
    'option.retries': z.string().trim().regex(/^\d{1,3}$/, 'must be a whole number').transform(Number).pipe(z.number().max(100, 'must be at most 100')).optional(),
  })
  .refine((o) => o['option.delay'] === undefined || o['option.runAt'] === undefined, { message: 'give a delay or a run-at time, not both', path: ['option.runAt'] });

/** The options fields with their values and errors, for the form. */
export function optionFields(values: FormValues, errors: Record<string, string>, defaultRetries: number): OptionField[] {
  const f = (name: string, label: string, type: string, help: string, extra: Partial<OptionField> = {}): OptionField => ({
    id: `field-${name.replace('.', '-')}`,
    name,
    label,
    type,
    value: values[name] ?? '',
    help,
    error: errors[name] ?? '',
    ...extra,
  });
  return [
    f('option.jobId', 'Job id', 'text', 'Optional. The same id twice makes one job.'),
    f('option.delay', 'Delay (seconds)', 'number', 'Optional. Run this many seconds from now.', { min: 0, max: YEAR_S }),
    f('option.runAt', 'Run at (UTC)', 'datetime-local', 'Optional, instead of a delay.'),
    f('option.retries', 'Retries', 'number', `Optional. Extra attempts after a failure (the contract's default is ${defaultRetries}).`, { min: 0, max: 100 }),
  ];
}

/** Reads the options fields: the options, or an error per field. */
export function readOptions(values: FormValues): { ok: true; options: EnqueueOptions } | { ok: false; errors: Record<string, string> } {
  const present = Object.fromEntries(Object.entries(values).filter(([k, v]) => k.startsWith('option.') && !empty(v)));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? 'option.jobId');
      errors[field] ??= issue.message;
    }
    return { ok: false, errors };
  }
  const o = parsed.data;
  return {
    ok: true,
    options: {
      ...(o['option.jobId'] !== undefined ? { jobId: o['option.jobId'] } : {}),
      ...(o['option.delay'] !== undefined ? { delayMs: o['option.delay'] * 1000 } : {}),
      ...(o['option.runAt'] !== undefined ? { runAt: o['option.runAt'] } : {}),
      ...(o['option.retries'] !== undefined ? { retries: o['option.retries'] } : {}),
    },
  };
}
