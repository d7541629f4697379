import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { json, mockFetch, renderApp } from '../../test/utils';
import { users } from '../../test/fakes';

const page = {
  items: [
    { version: 2, createdAt: '2026-11-22T01:00:00Z', author: 'olga', summary: 'edit DN 1001', changeCount: 1 },
    { version: 1, createdAt: '2026-11-22T00:00:00Z', author: 'admin', summary: 'import', changeCount: 15 },
  ],
  total: 2,
  page: 1,
  pageSize: 25,
};

describe('Versions', () => {
  it('views a version’s YAML and rolls back after confirmation', async () => {
    const { calls } = mockFetch({
      'GET /api/auth/me': () => json(users.operator),
      'GET /api/config/versions': () => json(page),
      'GET /api/config/versions/1': () =>
        json({
          version: 1,
          createdAt: page.items[1]!.createdAt,
          author: 'admin',
          summary: 'import',
          changes: [],
          yaml: 'version: 1\nswitches: []\n',
        }),
      'GET /api/config/head': () => json({ version: 2 }),
      'GET /api/config/diff': () =>
        json({ from: 2, to: 1, changes: [{ op: 'change', object: 'dn', name: '1001 (SiteA)', field: 'oos-force', before: 7, after: 5 }] }),
      'POST /api/config/versions/1/rollback': () => json({ version: 3, committed: true, dryRun: false, changes: [] }),
    });
    const user = userEvent.setup();
    renderApp('/versions');
    await user.click(await screen.findByRole('button', { name: 'View version 1' }));
    const dialog = await screen.findByRole('dialog', { name: 'Version 1' });
    expect(await within(dialog).findByTestId('version-yaml')).toHaveTextContent('switches: []');
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('button', { name: 'Roll back to version 2' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Roll back to version 1' }));
    const confirm = await screen.findByRole('dialog', { name: 'Roll back to version 1?' });
    // Reviewed like any change (issue 19): the diff from the current version is shown before anything is sent.
    const changes = await within(confirm).findByRole('table', { name: 'Changes from version 2 to version 1' });
    expect(within(changes).getByText('oos-force')).toBeInTheDocument();
    expect(within(changes).getByText('7')).toBeInTheDocument();
    const diff = calls.find((c) => c.url.pathname === '/api/config/diff')!;
    expect([diff.url.searchParams.get('from'), diff.url.searchParams.get('to')]).toEqual(['2', '1']);
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
    await user.click(within(confirm).getByRole('button', { name: 'Roll back' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST' && c.url.pathname === '/api/config/versions/1/rollback')).toBe(true));
    // Sent with the version the diff was reviewed against: the server refuses it if another change landed meanwhile.
    expect(calls.find((c) => c.method === 'POST')!.url.searchParams.get('baseVersion')).toBe('2');
  });

  it('a viewer gets no rollback', async () => {
    mockFetch({ 'GET /api/auth/me': () => json(users.viewer), 'GET /api/config/versions': () => json(page) });
    renderApp('/versions');
    expect(await screen.findByRole('button', { name: 'View version 1' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Roll back/ })).not.toBeInTheDocument();
  });
});
