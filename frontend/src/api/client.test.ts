import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, apiRequest } from './client';
import { ApiError } from './errors';
import { onSessionExpired } from './session';
import { json, mockFetch } from '../test/utils';

afterEach(() => {
  vi.unstubAllGlobals();
});

function headersOf(init: RequestInit): Record<string, string> {
  return init.headers as Record<string, string>;
}

describe('apiRequest', () => {
  it('sends cookies, and the CSRF header only on non-GET requests', async () => {
    document.cookie = 'csrf=abc%20123; path=/';
    const { calls } = mockFetch({
      'GET /api/things': () => json([]),
      'POST /api/things': () => json({ id: 1 }, 201),
    });
    await api.get('/things', { query: { page: 2, q: '', sort: undefined } });
    await api.post('/things', { name: 'a' });
    expect(calls[0]!.url.search).toBe('?page=2');
    expect(calls[0]!.init.credentials).toBe('include');
    expect(headersOf(calls[0]!.init)['X-CSRF-Token']).toBeUndefined();
    expect(calls[1]!.init.credentials).toBe('include');
    expect(headersOf(calls[1]!.init)['X-CSRF-Token']).toBe('abc 123');
    expect(headersOf(calls[1]!.init)['Content-Type']).toBe('application/json');
    expect(calls[1]!.init.body).toBe('{"name":"a"}');
  });

  it('turns validation errors into a typed ApiError with field errors', async () => {
    mockFetch({
      'POST /api/config/import': () =>
        json(
          {
            statusCode: 400,
            code: 'INVALID_DOCUMENT',
            message: 'The document has 1 error',
            errors: [{ path: 'applications[2].options.sipproxy.oos-check', code: 'out-of-range', message: 'must be from 1 to 300' }],
          },
          400,
        ),
    });
    const err = await apiRequest('/config/import', { method: 'POST', body: 'yaml: 1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.status).toBe(400);
    expect(e.code).toBe('INVALID_DOCUMENT');
    expect(e.message).toBe('The document has 1 error');
    expect(e.isValidation).toBe(true);
    expect(e.fieldError('applications[2].options.sipproxy.oos-check')).toBe('must be from 1 to 300');
  });

  it('reads NestJS array messages as field errors', async () => {
    mockFetch({ 'POST /api/x': () => json({ statusCode: 400, message: ['name must be a string'], error: 'Bad Request' }, 400) });
    const e = (await api.post('/x', {}).catch((x: unknown) => x)) as ApiError;
    expect(e.errors).toEqual([{ path: '', message: 'name must be a string' }]);
    expect(e.message).toBe('name must be a string');
    expect(e.code).toBe('bad_request');
  });

  it('reports a network failure as status 0', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))),
    );
    const e = (await api.get('/health').catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(0);
    expect(e.code).toBe('network');
  });

  it('announces an expired session on 401, except where 401 is an expected answer', async () => {
    const listener = vi.fn();
    const off = onSessionExpired(listener);
    mockFetch({
      'GET /api/alarms': () => json({ code: 'UNAUTHENTICATED', message: 'Authentication required' }, 401),
      'POST /api/auth/login': () => json({ message: 'Invalid credentials' }, 401),
    });
    await api.get('/alarms').catch(() => undefined);
    expect(listener).toHaveBeenCalledTimes(1);
    await api.post('/auth/login', {}, { expireSessionOn401: false }).catch(() => undefined);
    expect(listener).toHaveBeenCalledTimes(1);
    off();
  });

  it('returns text for text responses and nothing for 204', async () => {
    mockFetch({
      'GET /api/config/export': () => new Response('applications: []\n', { headers: { 'Content-Type': 'application/yaml' } }),
      'DELETE /api/x/1': () => new Response(null, { status: 204 }),
    });
    expect(await api.get<string>('/config/export', { responseType: 'text' })).toBe('applications: []\n');
    expect(await api.delete('/x/1')).toBeUndefined();
  });
});
