import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const REQUEST_ID_HEADER = 'x-request-id';

/** A caller's id is kept only when it is a short token: it goes into every log line of the request. */
const USABLE = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every HTTP request an id before anything else runs: the caller's `X-Request-Id` when usable, else a new
 * UUID. It is echoed in the response (also on answers of the early gates: 401, 413, 503) and pino-http takes it from
 * `req.id`, so every log line of the request carries it as `requestId`.
 */
export function requestId(req: Request, res: Response, next: NextFunction): void {
  const given = req.headers[REQUEST_ID_HEADER];
  const id = typeof given === 'string' && USABLE.test(given) ? given : randomUUID();
  (req as Request & { id: string }).id = id;
  res.setHeader(REQUEST_ID_HEADER, id);
  next();
}
