/** Shown where a value is unknown. */
export const NONE = '—';

/** `2025-11-27 17:45:03 UTC`. */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return NONE;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? NONE : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** ISO time for `<time datetime>`, or `''`. */
export function isoTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '';
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

/** `3 s ago`, `in 5 min`. */
export function formatAgo(ms: number | null | undefined, now: number): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return NONE;
  const diff = now - ms;
  const span = formatDuration(Math.abs(diff), false);
  return diff >= 0 ? `${span} ago` : `in ${span}`;
}

/** `850 ms`, `1.2 s`, `3 min 4 s`, `2 h 5 min`, `3 d 4 h`. */
export function formatDuration(ms: number | null | undefined, precise = true): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return NONE;
  if (ms < 1_000) return precise ? `${Math.round(ms)} ms` : `${Math.floor(ms / 1000)} s`;
  const s = ms / 1_000;
  if (s < 60) return precise ? `${s.toFixed(s < 10 ? 2 : 1)} s` : `${Math.floor(s)} s`;
  const units: [number, string][] = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'min'],
    [1, 's'],
  ];
  const i = units.findIndex(([size]) => s >= size);
  const [big, bigUnit] = units[i];
  const [small, smallUnit] = units[i + 1];
  const whole = Math.floor(s / big);
  const rest = Math.floor((s - whole * big) / small);
  return rest > 0 ? `${whole} ${bigUnit} ${rest} ${smallUnit}` : `${whole} ${bigUnit}`;
}

/** One formatter for every count (`toLocaleString` builds one per call: a page of 1,440 chart bars felt it). */
const COUNT_FORMAT = new Intl.NumberFormat('en-US');

/** `1,234,567`. */
export function formatCount(n: number): string {
  return COUNT_FORMAT.format(n);
}

/** `512 B`, `4.9 MB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** `1 worker`, `3 workers`. */
export function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}
