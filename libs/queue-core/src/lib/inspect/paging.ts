import { InvalidArgumentError } from '../errors';

/** Largest page size a list accepts. */
export const MAX_PAGE_SIZE = 200;
/** Page size when none is given. */
export const DEFAULT_PAGE_SIZE = 20;

/** A validated page request: 1-based page, its size and the first index. */
export interface PageWindow {
  readonly page: number;
  readonly pageSize: number;
  readonly offset: number;
}

/** Checks page and size, throwing `InvalidArgumentError` for anything unusable. */
export function pageWindow(page = 1, pageSize = DEFAULT_PAGE_SIZE): PageWindow {
  if (!Number.isSafeInteger(page) || page < 1) throw new InvalidArgumentError(`page must be a whole number >= 1 (got ${page})`);
  if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new InvalidArgumentError(`pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE} (got ${pageSize})`);
  }
  return { page, pageSize, offset: (page - 1) * pageSize };
}

/** Pages needed for `total` items (at least one, so an empty list has page 1 of 1). */
export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}
