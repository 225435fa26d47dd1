/**
 * A value read from Redis, cut to a size the dashboard can always render: the
 * shown text plus how much was left out. Whatever a handler stored, a page built
 * from bounded values stays bounded.
 */
export interface BoundedText {
  /** The value, or its start when `truncated`. */
  readonly text: string;
  readonly truncated: boolean;
  /** Size of the whole value, UTF-8 bytes. */
  readonly totalBytes: number;
  /** Bytes left out of `text`. */
  readonly moreBytes: number;
}

/** Where the inspection layer cuts each kind of value (characters). */
export const VALUE_LIMITS = {
  /** Job and queue names, worker names and hosts, error codes. */
  name: 200,
  /** Error messages on the job page. */
  message: 8 * 1024,
  /** Progress messages. */
  progress: 1_024,
  /** Stack of the latest attempt. */
  stack: 24 * 1024,
  /** Each earlier attempt's stack. */
  earlierStack: 4 * 1024,
  /** Payload and result JSON on the job page. */
  json: 48 * 1024,
  /** Raw options JSON. */
  options: 8 * 1024,
} as const;

/** Cuts `value` to at most `maxChars` characters (never inside a surrogate pair). */
export function boundText(value: string, maxChars: number): BoundedText {
  if (value.length <= maxChars) {
    const bytes = Buffer.byteLength(value);
    return { text: value, truncated: false, totalBytes: bytes, moreBytes: 0 };
  }
  let end = maxChars;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  const text = value.slice(0, end);
  const totalBytes = Buffer.byteLength(value);
  return { text, truncated: true, totalBytes, moreBytes: totalBytes - Buffer.byteLength(text) };
}

/** A short string field: cut to {@link VALUE_LIMITS.name} with an ellipsis. */
export function shortText(value: string, maxChars: number = VALUE_LIMITS.name): string {
  return value.length <= maxChars ? value : `${value.slice(0, maxChars)}…`;
}
