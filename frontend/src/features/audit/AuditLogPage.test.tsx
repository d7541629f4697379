import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import { json, mockFetch, renderApp } from '../../test/utils';
import { users } from '../../test/fakes';

describe('Audit log', () => {
  it('names the target as it was called when written, and falls back to the path for older entries', async () => {
    mockFetch({
      'GET /api/auth/me': () => json(users.admin),
      'GET /api/audit': () =>
        json({
          page: 1,
          pageSize: 50,
          total: 2,
          items: [
            {
              id: '2',
              at: '2026-11-22T03:00:00Z',
              actor: 'admin',
              action: 'DELETE /api/users/:id',
              target: '/api/users/5f0c2a8e-1111-4222-8333-944445555666',
              targetLabel: 'user alice',
              configVersion: null,
              detail: null,
            },
            {
              id: '1',
              at: '2026-11-22T02:00:00Z',
              actor: 'admin',
              action: 'POST /api/workers/:id/restart',
              target: '/api/workers/SIPProxy_1/restart',
              configVersion: null,
              detail: null,
            },
          ],
        }),
    });
    renderApp('/audit');
    const table = await screen.findByRole('table', { name: 'Audit log' });
    const deleted = (await within(table).findByText('user alice')).closest('tr')!;
    expect(deleted).not.toHaveTextContent('5f0c2a8e');
    expect(within(table).getByText('/api/workers/SIPProxy_1/restart')).toBeInTheDocument();
  });

  it('shows actions in words (sign-ins too), the stored action only as a tooltip', async () => {
    const entry = (id: string, action: string) => ({
      id,
      at: '2026-11-22T03:00:00Z',
      actor: 'admin',
      action,
      target: '/api/x',
      configVersion: null,
      detail: null,
    });
    mockFetch({
      'GET /api/auth/me': () => json(users.admin),
      'GET /api/audit': () =>
        json({
          page: 1,
          pageSize: 50,
          total: 5,
          items: [
            entry('5', 'login'),
            entry('4', 'login failed'),
            entry('3', 'config.commit'),
            entry('2', 'PATCH /api/switches/:sw/dns/:number'),
            entry('1', 'POST /api/things/:id/frob'),
          ],
        }),
    });
    renderApp('/audit');
    const table = await screen.findByRole('table', { name: 'Audit log' });
    await within(table).findByText('Signed in');
    const actions = within(table)
      .getAllByTestId('audit-action')
      .map((e) => e.textContent);
    expect(actions).toEqual(['Signed in', 'Sign-in failed', 'Configuration saved', 'Changed DN', 'Created frob']);
    expect(within(table).getByText('Changed DN')).toHaveAttribute('title', 'PATCH /api/switches/:sw/dns/:number');
    expect(table).not.toHaveTextContent('/api/switches');
  });
});
