import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Env } from '../config/env.js';

/** Every JSON (or text) body but the two below: configuration objects and logins are small. */
export const SMALL_BODY = '256kb';
/** Whole YAML documents (import, validate): read only once the session is known to be valid. */
export const LARGE_BODY = '50mb';
export const LARGE_BODY_PATHS = new Set(['/api/config/import', '/api/config/validate']);
const TEXT_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'];

/** Answers whether the request carries a valid session (bearer or cookie); checked before a large body is read. */
export type SessionCheck = (req: Request) => Promise<boolean>;

/**
 * The HTTP surface every route shares: who may set the client address, security headers on every response,
 * and body size limits that an unauthenticated client cannot use to fill memory.
 */
/** `gate`: runs after the security headers and before any body is read or session looked up (the database-outage 503). */
export function configureHttpSurface(
  app: NestExpressApplication,
  env: Env,
  hasSession: SessionCheck,
  gate?: (req: Request, res: Response, next: NextFunction) => void,
): void {
  app.disable('x-powered-by');
  // X-Forwarded-For is believed only from the proxies the operator names (TRUST_PROXY): else anyone could pick
  // the address the login rate limit counts against.
  app.set('trust proxy', env.trustProxy === false ? false : typeof env.trustProxy === 'number' ? env.trustProxy : [...env.trustProxy]);
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          // Mantine writes its CSS variables into <style> elements at run time.
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          'font-src': ["'self'", 'data:'],
          'connect-src': ["'self'"],
          'object-src': ["'none'"],
          'base-uri': ["'self'"],
          'form-action': ["'self'"],
          'frame-ancestors': ["'none'"],
          ...(env.tls ? { 'upgrade-insecure-requests': [] } : {}),
        },
      },
      // HSTS only when this server speaks TLS: on plain HTTP it would lock browsers out of the UI.
      strictTransportSecurity: env.tls ? { maxAge: 180 * 24 * 3600 } : false,
      referrerPolicy: { policy: 'no-referrer' },
      xFrameOptions: { action: 'deny' },
    }),
  );
  app.use(cookieParser());
  // API answers carry configuration, users and (for the worker stream) secrets: no browser or proxy cache keeps them.
  app.use('/api', (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  if (gate) app.use(gate);

  const largeJson = express.json({ limit: LARGE_BODY });
  const largeText = express.text({ type: TEXT_TYPES, limit: LARGE_BODY });
  app.use([...LARGE_BODY_PATHS], (req: Request, res: Response, next: NextFunction) => {
    hasSession(req).then((ok) => {
      if (!ok) {
        res.status(401).json({ statusCode: 401, code: 'UNAUTHENTICATED', message: 'Authentication required' });
        return;
      }
      largeJson(req, res, (err?: unknown) => (err ? next(err) : largeText(req, res, next)));
    }, next);
  });
  const smallJson = express.json({ limit: SMALL_BODY });
  const smallText = express.text({ type: TEXT_TYPES, limit: SMALL_BODY });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (LARGE_BODY_PATHS.has(req.path)) {
      next();
      return;
    }
    smallJson(req, res, (err?: unknown) => (err ? next(err) : smallText(req, res, next)));
  });
}
