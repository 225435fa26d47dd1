import type { BoundedText } from '@jobq/queue-core';
import { formatBytes } from './format';

/** View model of a bounded value: its text and, when cut, how much more there is and where to get it. */
export interface ShownValue {
  readonly text: string;
  readonly size: string;
  /** `truncated, 4.9 MB more` or `''`. */
  readonly cutNote: string;
  readonly downloadHref: string;
}

/** Presents a value read through the inspection layer (already bounded there). */
export function shownValue(v: BoundedText, downloadHref: string): ShownValue {
  return {
    text: v.text,
    size: formatBytes(v.totalBytes),
    cutNote: v.truncated ? `truncated, ${formatBytes(v.moreBytes)} more` : '',
    downloadHref,
  };
}
