import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';

/** Cookie that identifies a browser for the CSRF tokens (there are no sessions). */
const BROWSER_COOKIE = 'jobq.browser';

/** CSRF protection of every form post, and the token the forms carry. */
export interface CsrfGuard {
  /** Gives each browser its identifier cookie. */
  readonly identify: RequestHandler;
  /** Rejects POSTs without a valid token (403 through the error handler). */
  readonly protect: RequestHandler;
  /** The token to put in this response's forms. */
  token(req: Request, res: Response): string;
}

/**
 * Double-submit CSRF tokens (csrf-csrf): an HMAC bound to a per-browser cookie,
 * sent back in a hidden `_csrf` field (or an `x-csrf-token` header).
 */
export function createCsrfGuard(secret: string, cookiePath: string): CsrfGuard {
  const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
    getSecret: () => secret,
    getSessionIdentifier: (req) => (req.cookies?.[BROWSER_COOKIE] as string | undefined) ?? '',
    cookieName: 'jobq.csrf',
    // Not `__Host-`/secure: the dashboard often runs on plain http inside a cluster.
    cookieOptions: { sameSite: 'strict', path: cookiePath, secure: false, httpOnly: true },
    getCsrfTokenFromRequest: (req) => (req.body as Record<string, unknown> | undefined)?.['_csrf'] as string | undefined ?? req.get('x-csrf-token'),
  });
  return {
    identify: (req, res, next) => {
      if (typeof req.cookies?.[BROWSER_COOKIE] !== 'string') {
        const id = randomBytes(18).toString('base64url');
        res.cookie(BROWSER_COOKIE, id, { sameSite: 'strict', path: cookiePath, httpOnly: true });
        req.cookies = { ...req.cookies, [BROWSER_COOKIE]: id };
      }
      next();
    },
    protect: doubleCsrfProtection,
    token: (req, res) => generateCsrfToken(req, res),
  };
}
