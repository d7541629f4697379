import { HttpException } from '@nestjs/common';

export interface FieldError {
  path: string;
  code?: string;
  message: string;
}

/** An error the API reports with a stable code; the filter turns it into `{ statusCode, code, message, errors? }`. */
export class AppError extends HttpException {
  /** `retryAfterSeconds` becomes the Retry-After header (429, 503). */
  constructor(
    status: number,
    readonly code: string,
    message: string,
    readonly errors?: FieldError[],
    readonly retryAfterSeconds?: number,
  ) {
    super({ statusCode: status, code, message, ...(errors ? { errors } : {}) }, status);
  }
}

export const unauthorized = (message = 'Authentication required') => new AppError(401, 'UNAUTHENTICATED', message);
export const forbidden = (message = 'Your role does not allow this') => new AppError(403, 'FORBIDDEN', message);
const NOT_FOUND_ECHO = 120;
/** `what` names the object with the caller's own path parameter: echoed only in part, however long it was. */
export const notFound = (what: string) =>
  new AppError(404, 'NOT_FOUND', `${what.length > NOT_FOUND_ECHO ? `${what.slice(0, NOT_FOUND_ECHO)}…` : what} not found`);
export const conflict = (code: string, message: string) => new AppError(409, code, message);
/** 409 for a name already taken (regardless of case): the message names the existing object, `errors` the field. */
export const alreadyExists = (field: string, message: string) =>
  new AppError(409, 'ALREADY_EXISTS', message, [{ path: field, code: 'duplicate-name', message }]);
export const badRequest = (code: string, message: string, errors?: FieldError[]) => new AppError(400, code, message, errors);
