import type { Request, Response } from 'express';
import { z } from 'zod';

const COOKIE = 'jobq.flash';
const flashSchema = z.object({ kind: z.enum(['ok', 'error']), text: z.string().max(500) });

/** A one-time message shown on the page a form post redirects to. */
export type Flash = z.infer<typeof flashSchema>;

/** Remembers a message for the next page (a short-lived cookie) and redirects there. */
export function redirectWithFlash(res: Response, to: string, flash: Flash, cookiePath: string): void {
  res.cookie(COOKIE, JSON.stringify(flash), { path: cookiePath, maxAge: 60_000, httpOnly: true, sameSite: 'strict' });
  res.redirect(303, to);
}

/** Takes the pending message, if any (it is shown once). */
export function takeFlash(req: Request, res: Response, cookiePath: string): Flash | null {
  const raw = req.cookies?.[COOKIE];
  if (typeof raw !== 'string') return null;
  res.clearCookie(COOKIE, { path: cookiePath });
  try {
    const parsed = flashSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
