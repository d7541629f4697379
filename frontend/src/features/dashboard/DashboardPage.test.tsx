import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import { json, mockFetch, renderApp } from '../../test/utils';

const admin = { id: 1, username: 'admin', role: 'admin' };

describe('Dashboard', () => {
  it('shows the database state and each worker', async () => {
    mockFetch({
      'GET /api/auth/me': () => json(admin),
      'GET /api/health': () =>
        json({
          status: 'degraded',
          database: { mode: 'external', up: false },
          workers: [
            { id: 'w1', app: 'SIPProxy_A', online: true, configVersion: 7 },
            { id: 'w2', app: 'SIPProxy_B', online: false, restartPending: true },
          ],
        }),
    });
    renderApp('/');
    expect(await screen.findByTestId('database-state')).toHaveTextContent('Down');
    expect(screen.getByTestId('database-mode')).toHaveTextContent('external');
    const workers = screen.getByRole('region', { name: 'Proxy workers' });
    expect(within(workers).getByText('SIPProxy_A')).toBeInTheDocument();
    expect(within(workers).getByText('offline')).toBeInTheDocument();
    expect(within(workers).getByText('restart pending')).toBeInTheDocument();
    expect(within(workers).getByText('v7')).toBeInTheDocument();
  });

  it('says when the health check itself fails', async () => {
    mockFetch({
      'GET /api/auth/me': () => json(admin),
      'GET /api/health': () => json({ statusCode: 500, message: 'boom' }, 500),
    });
    renderApp('/');
    expect(await screen.findByRole('alert', {}, { timeout: 10000 })).toHaveTextContent('Health check failed');
  });
});
