/** Small text formatters shared by the commands. */

const NUMBER = new Intl.NumberFormat('en-US');

/** `1234567` -> `1,234,567`. */
export function count(n: number): string {
  return NUMBER.format(n);
}

/** A duration in ms as `850ms`, `12s`, `3m 05s`, `2h 10m`, `4d 3h`. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  const abs = Math.max(0, ms);
  if (abs < 1_000) return `${Math.round(abs)}ms`;
  const s = Math.floor(abs / 1_000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** How long ago `at` (ms) was: `12s ago`, or `in 3m 05s` for a time still to come. */
export function ago(at: number | null | undefined, now: number): string {
  if (at === null || at === undefined || !Number.isFinite(at)) return '-';
  return at > now ? `in ${duration(at - now)}` : `${duration(now - at)} ago`;
}

/** A time as `2026-11-29 04:20:01Z`. */
export function timestamp(at: number | null | undefined): string {
  if (at === null || at === undefined || !Number.isFinite(at)) return '-';
  return `${new Date(at).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** Bytes as `512 B`, `12.3 KB`, `2.0 MB`. */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** One line, at most `max` characters (newlines and tabs become spaces, `…` marks a cut). */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/[\r\n\t]+/g, ' ');
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1))}…`;
}

/** What {@link clip} returns: the text to show and, when it was cut, how much there was. */
export interface Clipped {
  readonly text: string;
  readonly truncated: boolean;
  readonly totalChars: number;
}

/** Cuts `text` to at most `maxChars` characters and `maxLines` lines. */
export function clip(text: string, maxChars: number, maxLines: number): Clipped {
  let out = text.length > maxChars ? text.slice(0, maxChars) : text;
  const lines = out.split('\n');
  if (lines.length > maxLines) out = lines.slice(0, maxLines).join('\n');
  return { text: out, truncated: out.length < text.length, totalChars: text.length };
}

/** Pretty JSON for a value shown to a person (strings as they are). */
export function pretty(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2) ?? String(value);
}

/** A proportional bar of `width` cells for `value` out of `max`, at least one cell when `value` > 0. */
export function bar(value: number, max: number, width: number): string {
  if (value <= 0 || max <= 0) return '';
  return '█'.repeat(Math.max(1, Math.round((value / max) * width)));
}
