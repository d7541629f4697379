/** One field-level problem reported by the server, e.g. `{ path: 'applications[2].options.sipproxy.oos-check', message: '...' }`. */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * Every failed API call rejects with an ApiError: network failures have status 0 and code 'network',
 * so callers can branch on `status`/`code` without inspecting the raw Response.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: FieldError[];
  readonly body: unknown;
  /** From the Retry-After header (429, 503): how long the server asks the client to wait, in seconds. */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: { status: number; code: string; message: string; errors?: FieldError[]; body?: unknown; retryAfterSeconds?: number }) {
    super(init.message);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.errors = init.errors ?? [];
    this.body = init.body;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }

  get isUnauthorized(): boolean {
    return this.status === 401;
  }

  get isForbidden(): boolean {
    return this.status === 403;
  }

  get isValidation(): boolean {
    return this.errors.length > 0 || this.status === 400 || this.status === 422;
  }

  get isRateLimited(): boolean {
    return this.status === 429;
  }

  /** Error message for one field path, for mapping server validation onto form fields. */
  fieldError(path: string): string | undefined {
    return this.errors.find((e) => e.path === path)?.message;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

const DEFAULT_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  422: 'validation',
  429: 'rate_limited',
  500: 'server_error',
  502: 'bad_gateway',
  503: 'unavailable',
};

function asFieldErrors(v: unknown): FieldError[] {
  if (!Array.isArray(v)) return [];
  const out: FieldError[] = [];
  for (const item of v) {
    if (item && typeof item === 'object') {
      const rec = item as Record<string, unknown>;
      const path = typeof rec.path === 'string' ? rec.path : typeof rec.property === 'string' ? rec.property : '';
      const message = typeof rec.message === 'string' ? rec.message : '';
      if (message) out.push({ path, message });
    } else if (typeof item === 'string') {
      out.push({ path: '', message: item });
    }
  }
  return out;
}

/**
 * Builds an ApiError from a non-2xx response body. Tolerates the shapes a NestJS backend produces
 * (`message` may be a string or an array of strings; `error` may hold the reason phrase).
 */
export function errorFromBody(status: number, statusText: string, body: unknown, retryAfter?: string | null): ApiError {
  let message = '';
  let code = DEFAULT_CODES[status] ?? (status >= 500 ? 'server_error' : 'http_error');
  let errors: FieldError[] = [];
  if (body && typeof body === 'object') {
    const rec = body as Record<string, unknown>;
    if (typeof rec.message === 'string') message = rec.message;
    else if (Array.isArray(rec.message)) {
      errors = asFieldErrors(rec.message);
      message = errors.map((e) => e.message).join('; ');
    }
    if (typeof rec.code === 'string') code = rec.code;
    const explicit = asFieldErrors(rec.errors);
    if (explicit.length > 0) errors = explicit;
    if (!message && typeof rec.error === 'string') message = rec.error;
  } else if (typeof body === 'string' && body.trim() && body.length < 500) {
    message = body.trim();
  }
  if (!message) message = statusText || `Request failed with status ${status}`;
  // Retry-After is delta-seconds here (the control plane never sends an HTTP date).
  const wait = retryAfter != null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter.trim()) : undefined;
  return new ApiError({ status, code, message, errors, body, retryAfterSeconds: wait });
}
