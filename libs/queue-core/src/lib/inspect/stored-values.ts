import type { JobProgress } from '../records';

/** `JSON.parse` that answers `undefined` instead of throwing (stored data may be anything). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A finite number, or `null`. */
export function numberOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** A number read from a Redis string ('' and absent are `null`). */
export function storedNumber(v: string | undefined | null): number | null {
  return v === undefined || v === null || v === '' ? null : numberOrNull(Number(v));
}

/** A run record's progress JSON as `{ percent, message? }`, or `null` when it is not that shape. */
export function parseProgress(raw: string | undefined | null): JobProgress | null {
  if (!raw) return null;
  const p = parseJson(raw) as Partial<JobProgress> | undefined;
  if (!p || typeof p !== 'object' || typeof p.percent !== 'number' || !Number.isFinite(p.percent)) return null;
  return typeof p.message === 'string' ? { percent: p.percent, message: p.message } : { percent: p.percent };
}
