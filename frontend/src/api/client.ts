import { readCookie } from '../lib/cookies';
import { ApiError, errorFromBody } from './errors';
import { emitSessionExpired } from './session';

export const CSRF_COOKIE = 'csrf';
export const CSRF_HEADER = 'X-CSRF-Token';
const API_BASE = '/api';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  method?: Method;
  /** JSON-serialised unless it is a string, FormData, Blob or URLSearchParams (sent as is). */
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /**
   * When true (default) a 401 means the session is gone: listeners are told so the UI can send the user
   * to the login page. Login and the initial "who am I" probe turn this off, since 401 is an expected answer there.
   */
  expireSessionOn401?: boolean;
  /** 'json' (default), 'text' (e.g. YAML export) or 'blob'. */
  responseType?: 'json' | 'text' | 'blob';
}

function buildUrl(path: string, query?: RequestOptions['query']): string {
  const url = path.startsWith('/api/') || path === '/api' ? path : `${API_BASE}${path.startsWith('/') ? '' : '/'}${path}`;
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${url}?${qs}` : url;
}

function isRawBody(b: unknown): b is BodyInit {
  return (
    typeof b === 'string' ||
    (typeof FormData !== 'undefined' && b instanceof FormData) ||
    (typeof Blob !== 'undefined' && b instanceof Blob) ||
    (typeof URLSearchParams !== 'undefined' && b instanceof URLSearchParams)
  );
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * The one way the UI talks to the control plane: same-origin `/api`, cookies included, the CSRF
 * double-submit header on every state-changing request, and typed errors (ApiError) for everything else.
 */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    if (isRawBody(options.body)) {
      body = options.body;
    } else {
      body = JSON.stringify(options.body);
      headers['Content-Type'] ??= 'application/json';
    }
  }
  if (method !== 'GET') {
    const token = readCookie(CSRF_COOKIE);
    if (token) headers[CSRF_HEADER] = token;
  }

  let res: Response;
  try {
    res = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      body,
      credentials: 'include',
      signal: options.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError({
      status: 0,
      code: 'network',
      message: 'Cannot reach the server. Check your connection and try again.',
    });
  }

  if (!res.ok) {
    const errBody = await readBody(res).catch(() => undefined);
    const err = errorFromBody(res.status, res.statusText, errBody, res.headers.get('retry-after'));
    if (res.status === 401 && options.expireSessionOn401 !== false) emitSessionExpired();
    throw err;
  }

  if (res.status === 204) return undefined as T;
  if (options.responseType === 'text') return (await res.text()) as T;
  if (options.responseType === 'blob') return (await res.blob()) as T;
  return (await readBody(res)) as T;
}

export const api = {
  get: <T>(path: string, opts?: Omit<RequestOptions, 'method' | 'body'>) => apiRequest<T>(path, { ...opts, method: 'GET' }),
  post: <T>(path: string, body?: unknown, opts?: Omit<RequestOptions, 'method' | 'body'>) =>
    apiRequest<T>(path, { ...opts, method: 'POST', body }),
  put: <T>(path: string, body?: unknown, opts?: Omit<RequestOptions, 'method' | 'body'>) =>
    apiRequest<T>(path, { ...opts, method: 'PUT', body }),
  patch: <T>(path: string, body?: unknown, opts?: Omit<RequestOptions, 'method' | 'body'>) =>
    apiRequest<T>(path, { ...opts, method: 'PATCH', body }),
  delete: <T>(path: string, opts?: Omit<RequestOptions, 'method' | 'body'>) => apiRequest<T>(path, { ...opts, method: 'DELETE' }),
};
