import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { databaseUnavailable, isDatabaseUnavailable } from '../database/database-errors.js';
import { AppError } from './errors.js';

/** Every error leaves as `{ statusCode, code, message, errors? }`; unexpected ones are logged and never leak internals. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  /** `onDatabaseUnavailable`: told when a request failed because PostgreSQL cannot be reached. */
  constructor(private readonly onDatabaseUnavailable: (reason: string) => void = () => undefined) {}

  catch(thrown: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    let exception = thrown;
    if (!(thrown instanceof HttpException) && isDatabaseUnavailable(thrown)) {
      // Not the request's fault and not a bug: the caller should retry, and every other request learns it at once.
      this.onDatabaseUnavailable(thrown instanceof Error ? thrown.message : String(thrown));
      exception = databaseUnavailable();
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      if (exception instanceof AppError && exception.retryAfterSeconds !== undefined)
        res.setHeader('Retry-After', String(exception.retryAfterSeconds));
      if (typeof body === 'object' && body !== null && 'code' in body) {
        res.status(status).json(body);
        return;
      }
      // body-parser's SyntaxError (mapped to 400 by the Express adapter): the body, not the request, is bad.
      if (status === 400 && exception.cause instanceof SyntaxError) {
        res.status(400).json({
          statusCode: 400,
          code: 'INVALID_BODY',
          message: `The request body is not valid JSON: ${exception.cause.message}`,
          errors: [{ path: '', code: 'invalid_json', message: 'not valid JSON' }],
        });
        return;
      }
      const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
      res.status(status).json({
        statusCode: status,
        code: httpCode(status),
        message: Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : exception.message,
      });
      return;
    }
    // Safety net: a value PostgreSQL refuses as data (class 22: NUL 22021, too long 22001, bad text 22P02, out of
    // range 22003) is the request's fault, not the server's. Logged, since a route let it through unchecked.
    const sqlState = postgresDataError(exception);
    if (sqlState) {
      this.logger.warn(`database refused a request value (SQLSTATE ${sqlState}): ${(exception as Error).message.slice(0, 200)}`);
      res.status(400).json({
        statusCode: 400,
        code: 'INVALID_VALUE',
        message: 'A value in the request is not valid (too long, or holds characters that cannot be stored)',
      });
      return;
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    res.status(500).json({ statusCode: 500, code: 'INTERNAL', message: 'Internal error' });
  }
}

/** The SQLSTATE of a PostgreSQL data exception (class 22), else undefined. */
function postgresDataError(e: unknown): string | undefined {
  // pg's DatabaseError carries the SQLSTATE in `code`; TypeORM's QueryFailedError copies it and keeps `driverError`.
  if (!(e instanceof Error)) return undefined;
  const driver = (e as { driverError?: { code?: unknown } }).driverError;
  const code = (e as { code?: unknown }).code ?? driver?.code;
  return typeof code === 'string' && ('severity' in e || driver !== undefined) && /^22[0-9A-Z]{3}$/.test(code) ? code : undefined;
}

function httpCode(status: number): string {
  return (
    (
      {
        400: 'BAD_REQUEST',
        401: 'UNAUTHENTICATED',
        403: 'FORBIDDEN',
        404: 'NOT_FOUND',
        409: 'CONFLICT',
        413: 'PAYLOAD_TOO_LARGE',
        415: 'UNSUPPORTED_MEDIA_TYPE',
        429: 'TOO_MANY_REQUESTS',
        503: 'SERVICE_UNAVAILABLE',
      } as Record<number, string>
    )[status] ?? 'ERROR'
  );
}
