import type { IncomingMessage, ServerResponse } from 'node:http';
import { Logger as PinoNestLogger, PinoLogger, type Params } from 'nestjs-pino';
import { logFormat } from '../../contracts/log-format.js';
import type { Env } from '../config/env.js';

// Nest's start-up chatter (one line per module and route) hides what operators need to see.
const QUIET = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

/**
 * The control plane's log: pino through nestjs-pino, in the shape the workers write (contracts/log-format.ts), so one
 * pipeline reads both. Inside an HTTP request every line carries its `requestId` (request-id.ts); one line per
 * request when it completes (method, path, status, time; never headers or the query string, which may hold secrets).
 */
export function logParams(level: Env['logLevel']): Params {
  return {
    pinoHttp: {
      ...logFormat('control-plane', level),
      quietReqLogger: true,
      customAttributeKeys: { reqId: 'requestId' },
      serializers: {
        req: (req: IncomingMessage & { originalUrl?: string }) => ({
          method: req.method,
          path: (req.originalUrl ?? req.url ?? '').split('?')[0],
        }),
        res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      // The health probe is polled by every supervisor and the UI: one line each would drown the log.
      autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/api/health') },
    },
  };
}

/** Nest's Logger written through pino; start-up chatter dropped. */
export class AppLogger extends PinoNestLogger {
  constructor(params: Params) {
    super(new PinoLogger(params), params);
  }

  override log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams[optionalParams.length - 1];
    if (typeof context === 'string' && QUIET.has(context)) return;
    super.log(message, ...optionalParams);
  }
}
