import type { ReactElement, ReactNode } from 'react';
import { render } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { vi } from 'vitest';
import { Providers } from '../app/Providers';
import { createQueryClient } from '../app/queryClient';
import { routes } from '../app/routes';

/** Renders anything inside Mantine + React Query, as the app does (transitions off). */
export function renderWithProviders(ui: ReactElement) {
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { retry: false } });
  const Wrapper = ({ children }: { children: ReactNode }) => (
    <Providers queryClient={queryClient} env="test">
      {children}
    </Providers>
  );
  return { queryClient, ...render(ui, { wrapper: Wrapper }) };
}

/** Renders the real route table at `path` in a memory router. */
export function renderApp(path = '/') {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const utils = renderWithProviders(<RouterProvider router={router} />);
  return { router, ...utils };
}

export type Handler = (url: URL, init: RequestInit) => Response | Promise<Response>;

export function json(body: unknown, status = 200): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

/**
 * Replaces global fetch with a tiny router: `routes['POST /api/auth/login'] = handler`.
 * Unmatched requests answer 404 so a test never hangs on a missing stub.
 */
export function mockFetch(handlers: Record<string, Handler>) {
  const calls: { method: string; url: URL; init: RequestInit }[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://localhost');
    const method = (init.method ?? 'GET').toUpperCase();
    calls.push({ method, url, init });
    const handler = handlers[`${method} ${url.pathname}`];
    if (!handler) return json({ message: `no stub for ${method} ${url.pathname}` }, 404);
    return handler(url, init);
  });
  vi.stubGlobal('fetch', fn);
  return { fn, calls };
}
