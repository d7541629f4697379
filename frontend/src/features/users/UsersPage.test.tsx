import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { json, mockFetch, renderApp } from '../../test/utils';
import { users } from '../../test/fakes';

const list = [
  { id: 1, username: 'admin', role: 'admin' },
  { id: 2, username: 'olga', role: 'operator' },
];

describe('Users (admin)', () => {
  it('creates a user, changes a role and cannot change its own role', async () => {
    const { calls } = mockFetch({
      'GET /api/auth/me': () => json(users.admin),
      'GET /api/users': () => json(list),
      'POST /api/users': () => json({ id: 5, username: 'new', role: 'viewer' }),
      'PATCH /api/users/2': () => json({ id: 2, username: 'olga', role: 'viewer' }),
    });
    const user = userEvent.setup();
    renderApp('/users');
    const table = await screen.findByRole('table', { name: 'Users' });
    expect(within(table).getByRole('combobox', { name: 'Role of admin' })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: 'New user' }));
    const dialog = await screen.findByRole('dialog', { name: 'New user' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Username' }), 'new');
    await user.type(within(dialog).getByLabelText(/^Password/), 'a-long-password');
    await user.click(within(dialog).getByRole('button', { name: 'Create user' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST' && c.url.pathname === '/api/users')).toBe(true));
    const post = calls.find((c) => c.method === 'POST')!;
    expect(JSON.parse(String(post.init.body))).toEqual({ username: 'new', password: 'a-long-password', role: 'viewer' });

    await user.click(within(table).getByRole('combobox', { name: 'Role of olga' }));
    await user.click(await screen.findByRole('option', { name: 'viewer' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PATCH')).toBe(true));
    expect(JSON.parse(String(calls.find((c) => c.method === 'PATCH')!.init.body))).toEqual({ role: 'viewer' });
  }, 40_000);

  it('an operator cannot open Users', async () => {
    mockFetch({ 'GET /api/auth/me': () => json(users.operator) });
    renderApp('/users');
    expect(await screen.findByRole('heading', { level: 1, name: 'Not allowed' })).toBeInTheDocument();
  });
});
