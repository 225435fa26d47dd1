import type { RequestHandler } from 'express';
import basicAuth from 'express-basic-auth';
import { HttpError } from './http-error';

/** Strict headers: same-origin scripts and styles only, no framing, no sniffing. */
export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Content-Security-Policy':
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'same-origin',
  });
  next();
};

/** HTTP basic auth with constant-time comparison (express-basic-auth). */
export function requireBasicAuth(username: string, password: string): RequestHandler {
  return basicAuth({ users: { [username]: password }, challenge: true, realm: 'jobq dashboard' });
}

/** In read-only mode every method but GET and HEAD is refused with 405. */
export const refuseWrites: RequestHandler = (req, res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD') return next();
  res.set('Allow', 'GET, HEAD');
  next(new HttpError(405, 'This dashboard is read-only: nothing can be changed from it.'));
};
