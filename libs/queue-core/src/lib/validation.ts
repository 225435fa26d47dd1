import type { z } from 'zod';
import type { FieldIssue } from './errors';

/** Turns zod issues into `{ path, message }` pairs, paths dotted (`items.2.sku`). */
export function toFieldIssues(error: z.ZodError, pathPrefix = ''): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return { path: pathPrefix && path ? `${pathPrefix}.${path}` : pathPrefix || path, message: issue.message };
  });
}
