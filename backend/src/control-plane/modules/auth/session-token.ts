import type { Request } from 'express';

export const SESSION_COOKIE = 'sid';
export const CSRF_COOKIE = 'csrf';

/** The session token a request carries: `Authorization: Bearer` for scripts, else the browser's cookie. */
export function sessionTokenOf(req: Request): { token: string | undefined; bearer: boolean } {
  const header = req.headers.authorization;
  const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
  const cookies = (req as { cookies?: Record<string, string> }).cookies ?? {};
  return { token: bearer || cookies[SESSION_COOKIE], bearer: Boolean(bearer) };
}
